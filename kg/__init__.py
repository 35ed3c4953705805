"""kg: responsibility knowledge graphs from Chinese government task documents."""

__version__ = "0.1.0"


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
