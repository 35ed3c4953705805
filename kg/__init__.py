"""kg: responsibility knowledge graphs from Chinese government task documents.

The Python API (:mod:`kg.api`)::

    import kg

    kg.build(["examples"], "out")                 # → kg.BuildSummary
    with kg.open("out") as graph:                 # → kg.Graph
        graph.query("lead_counts").to_pandas().head(5)
        graph.workload().to_pandas()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

# the names of kg.api, reached as kg.NAME
_API = ("build", "open", "BuildSummary", "Graph", "QueryTable", "Workload")
__all__ = ["__version__", "build", "open", "BuildSummary", "Graph", "QueryTable", "Workload"]

if TYPE_CHECKING:
    from .api import BuildSummary, Graph, QueryTable, Workload, build, open


def __getattr__(name: str) -> Any:
    """The API's names, imported when first asked for: kg.api imports the build, the store
    and the analyses, which ``import kg`` (and every ``kg`` command's start-up) must not pay for."""
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})


def _check_install() -> None:
    """kg.ontology, kg.queries and kg.visualize are the folders ``ontology/``, ``queries/``
    and ``visualize/`` beside ``kg/`` in the repository, mapped into the package by the
    install. The bare source folder (Python finds ``./kg`` first when it runs from the
    repository root while kg is installed elsewhere or not at all) has none of them:
    say so now rather than fail later on a missing data file."""
    from importlib.util import find_spec

    if find_spec(f"{__name__}.ontology") is None:
        raise ImportError(
            f"kg was imported from the source folder {__path__[0]}, which is not an installed kg "
            "(no kg.ontology): install it with `pip install -e .`, or run from outside the "
            "repository after `pip install .`"
        )


_check_install()
