"""Where kg's data files are: the ``ontology/`` folder of the repository, installed as
``kg.ontology`` (rules, gazetteers, patterns and the vocabulary, loaded by the stages that
use them)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["ontology_path"]


def ontology_path() -> Path:
    """Folder of the ontology data (inside the installed package)."""
    return Path(str(resources.files("kg.ontology")))
