"""The RDF graph: the vocabulary (:mod:`kg.graph.vocab`, the only place for IRIs), the
quads of extracted documents (:mod:`kg.graph.quads`) and the SHACL check of a build
(:mod:`kg.graph.validate`)."""
