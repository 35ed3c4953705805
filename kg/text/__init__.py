"""Text below every stage: normalisation (:mod:`kg.text.normalize`), numbering styles
(:mod:`kg.text.numbering`) and the word tokenizer (:mod:`kg.text.tokenizer`)."""
