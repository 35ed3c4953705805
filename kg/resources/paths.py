"""Where kg's data files are: the ``ontology/`` folder of the repository, installed as
``kg.ontology``. Every loader of :mod:`kg.resources` finds its file through
:func:`ontology_path` (looked up at call time, so that a test may point it elsewhere)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

__all__ = ["ontology_path", "ontology_file", "shown"]


def ontology_path() -> Path:
    """Folder of the ontology data (inside the installed package)."""
    return _installed()


@cache
def _installed() -> Path:
    """Where ``kg.ontology`` is installed, looked up once (``importlib.resources`` takes
    ~0.1 ms, and extraction asks for every document; a test replaces
    :func:`ontology_path`, not this)."""
    return Path(str(resources.files("kg.ontology")))


def ontology_file(*parts: str) -> Path:
    """A file under the ontology folder (``ontology_file("units", "name_forms.csv")``)."""
    return ontology_path().joinpath(*parts)


def shown(path: Path) -> str:
    """``path`` as error messages name it: ``ontology/units/name_forms.csv``."""
    try:
        return "ontology/" + path.relative_to(ontology_path()).as_posix()
    except ValueError:
        return str(path)
