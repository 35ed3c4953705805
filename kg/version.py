"""kg's version: the one place it is written (``pyproject.toml`` reads it from here).

A module of its own, below everything: the modules that stamp it on their output
(:mod:`kg.layout`, :mod:`kg.pipeline.cache`, the CLI) import it from here rather than from
the package ``kg``, whose top holds the API (:mod:`kg.api`) and so sits above them all.
"""

__version__ = "0.1.0"
