#!/usr/bin/env python3
"""One-command build: ``python build_graph.py`` builds the bundled examples into ``out/``.

Any arguments are passed to ``kg build`` (e.g. ``python build_graph.py docs/ -o out2``);
with none, the documents in ``examples/`` beside this file are built into ``out/``.

It runs the *installed* kg (``pip install .`` or ``pip install -e .``): Python puts this
script's folder first on ``sys.path``, where ``./kg`` is the bare source folder, without
``kg.ontology``, ``kg.queries`` and ``kg.visualize`` (those are ``ontology/``, ``queries/``
and ``visualize/`` beside it, mapped into the package by the install).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _installed_kg_main():  # type: ignore[no-untyped-def]
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    try:
        from kg.cli import main
    except ModuleNotFoundError as exc:
        if exc.name is None or not exc.name.startswith("kg"):
            raise
        sys.exit(f"Error: kg is not installed ({exc}); run `pip install .` first")
    return main


if __name__ == "__main__":
    main = _installed_kg_main()
    args = sys.argv[1:] or [str(HERE / "examples"), "-o", "out"]
    if args[0] != "build":
        args = ["build", *args]
    main(args, prog_name="build_graph.py")
