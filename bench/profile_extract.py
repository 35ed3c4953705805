"""Profile extraction in one process (no workers): where does its time go?

    python bench/profile_extract.py PATH… [--top 25] [--repeat 1] [--no-profile] [--as-built]

Reads the documents under the paths once, warms the extractor on the first one (spaCy, the
dictionaries, the gazetteers: paid once per worker), then runs
``kg.extract.extract_document`` on every document ``--repeat`` times and prints the MB/s of
CPU next to plain ``jieba.lcut``'s on the same text. With cProfile (the default) it also
prints the time per kg module and the functions with the most time; cProfile inflates
code that makes many small Python calls (spaCy's extension getters), so the summary in
RESULTS.md comes from sampling instead. ``--as-built`` extracts under the garbage collector's
settings of the build's extraction (``kg.pipeline.workers.rare_collections``: collections
40x rarer); without it, Python's defaults (what ``bench/run.py``'s ``extract_vs_jieba``
measures), under which the collector walks the memo tables again and again::

    py-spy record -r 250 -f raw -o prof.txt -- python bench/profile_extract.py --no-profile --repeat 8 PATH…
    python bench/flame_summary.py prof.txt
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import cProfile
import io
import logging
import pstats
import time
from pathlib import Path
from typing import Any

_SUFFIXES = {".txt", ".docx", ".xlsx", ".html", ".pdf"}


def sources(paths: list[str]) -> list[Any]:
    """The documents under ``paths``, read."""
    from kg.read import read_source

    files: list[Path] = []
    for p in map(Path, paths):
        files += sorted(x for x in p.rglob("*") if x.is_file() and x.suffix in _SUFFIXES) if p.is_dir() else [p]
    return [read_source(f) for f in files]


def by_module(prof: cProfile.Profile) -> list[tuple[str, float]]:
    """Own time per kg module (spaCy, rjieba and the rest of Python's own apart), as shares."""
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    out: collections.Counter[str] = collections.Counter()
    for (path, _, func), (_, _, own, _, _) in stats.items():
        if "/kg/" in path:
            key = "kg/" + path.rsplit("/kg/", 1)[1]
        elif "spacy" in path or "thinc" in path or "spacy" in func:
            key = "spacy"
        elif "rjieba" in path or "Jieba" in func:
            key = "rjieba"
        else:
            key = "other (re, builtins, stdlib)"
        out[key] += own
    total = sum(out.values()) or 1.0
    return [(k, v / total) for k, v in out.most_common()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-profile", action="store_true", help="no cProfile (to sample with py-spy)")
    ap.add_argument("--as-built", action="store_true", help="the garbage collector set as the build sets it")
    args = ap.parse_args()
    from kg.extract import extract_document

    docs = sources(args.paths)
    texts = ["\n".join(ln.text for ln in s.lines) for s in docs]
    mb = sum(len(t.encode()) for t in texts) / 1e6
    extract_document(docs[0])  # warm: imports, dictionaries, gazetteers
    prof = cProfile.Profile()
    with contextlib.ExitStack() as stack:
        if args.as_built:
            from kg.pipeline.workers import rare_collections

            stack.enter_context(rare_collections())
        t = time.process_time()
        if not args.no_profile:
            prof.enable()
        for _ in range(args.repeat):
            for s in docs:
                extract_document(s)
        prof.disable()
        secs = time.process_time() - t
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    t = time.process_time()
    for x in texts:
        jieba.lcut(x)
    jieba_s = time.process_time() - t
    how = ("" if args.no_profile else " under cProfile") + (" (collector as built)" if args.as_built else "")
    print(f"{len(docs)} documents, {mb:.2f} MB; extraction {args.repeat * mb / secs:.3f} MB/s of CPU{how}; "
          f"jieba.lcut {mb / jieba_s:.3f} MB/s")
    if args.no_profile:
        return
    for key, share in by_module(prof):
        print(f"{100 * share:5.1f}%  {key}")
    for order in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(order).print_stats(args.top)
        print(buf.getvalue())


if __name__ == "__main__":
    main()
