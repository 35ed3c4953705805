"""``kg serve``: the SPARQL endpoint and workbench pages (:mod:`kg.serve.server`), queries
run in a worker process (:mod:`kg.serve.sparql_worker`)."""
