"""kg: responsibility knowledge graphs from Chinese government task documents."""

from pathlib import Path as _Path

__version__ = "0.1.0"

# The repository keeps ontology/, queries/ and visualize/ beside kg/; an installed kg has
# them inside as kg.ontology, kg.queries and kg.visualize. Running from a source checkout
# (python build_graph.py, an editable install), let the subpackages resolve to the
# top-level folders.
_here = _Path(__file__).resolve().parent
if not (_here / "ontology").is_dir() and (_here.parent / "ontology" / "__init__.py").is_file():
    __path__.append(str(_here.parent))  # type: ignore[name-defined]  # noqa: F821
