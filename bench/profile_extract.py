"""Profile extraction in-process (no workers): where does its time go?

    python bench/profile_extract.py PATH… [--top 25] [--repeat 1]

Reads every ``.txt``/``.docx``/… file under the paths once, warms the extractor on the
first document (spaCy, the dictionaries, the gazetteers: paid once per worker), then runs
``kg.extract.extract_document`` on every document under cProfile and prints the MB/s, the
MB/s of plain ``jieba.lcut`` and ``rjieba`` on the same text, and the functions with the
most time of their own and cumulated.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from pathlib import Path


def _sources(paths: list[str]) -> list:  # type: ignore[type-arg]
    from kg.pipeline.inputs import document_names  # noqa: F401  (the build's own input rules)
    from kg.read import read_source

    files: list[Path] = []
    for p in map(Path, paths):
        files += sorted(x for x in p.rglob("*") if x.is_file() and x.suffix in {".txt", ".docx", ".xlsx", ".html", ".pdf"}) if p.is_dir() else [p]
    return [read_source(f) for f in files]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    from kg.extract import extract_document

    sources = _sources(args.paths)
    mb = sum(len("\n".join(ln.text for ln in s.lines).encode()) for s in sources) / 1e6
    extract_document(sources[0])  # warm: imports, dictionaries, gazetteers
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    for _ in range(args.repeat):
        for s in sources:
            extract_document(s)
    prof.disable()
    secs = time.perf_counter() - t
    texts = ["\n".join(ln.text for ln in s.lines) for s in sources]
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    t = time.perf_counter()
    for x in texts:
        jieba.lcut(x)
    jieba_s = time.perf_counter() - t
    print(f"{len(sources)} documents, {mb:.2f} MB; extraction {secs:.2f} s under cProfile "
          f"({args.repeat * mb / secs:.3f} MB/s); jieba.lcut {mb / jieba_s:.3f} MB/s")
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(key).print_stats(args.top)
        print(buf.getvalue())


if __name__ == "__main__":
    main()
