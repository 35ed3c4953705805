#!/usr/bin/env python3
"""One-command build: ``python build_graph.py`` builds the bundled examples into ``out/``.

Any arguments are passed to ``kg build`` (e.g. ``python build_graph.py docs/ -o out2``);
with none, the documents in ``examples/`` beside this file are built into ``out/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kg.cli import main

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    args = sys.argv[1:] or [str(HERE / "examples"), "-o", "out"]
    if args[0] != "build":
        args = ["build", *args]
    main(args, prog_name="build_graph.py")
