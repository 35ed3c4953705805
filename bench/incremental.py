"""The incremental rebuild: edit one document of N, build again, and time it.

    python bench/incremental.py --docs 1000 [--docs 10000] [--per-doc 5] [--work DIR] [--report]

For each N: generate N small documents (bench/generate.py, ``--per-doc`` tasks each), build
them once (``kg.pipeline.build``, no report), append one task to the document in the middle
and build again in a fresh interpreter; then take the task out again and rebuild with the
command itself (``kg build CORPUS -o OUT --no-report``, as a user runs it: the interpreter's
start, the imports, the printing). Prints the figures of each run as JSON, then one line
``incremental_<N>_s=<seconds> … command_<N>_s=<seconds>`` per N.

``measure_incremental(n_docs, workdir)`` is what bench/run.py calls.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

EDIT = "999.新增一项补充任务，确保全年新增停车泊位200个以上。（区城管局主办，各街道协办）\n"


def _child(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; its last output line is one JSON object."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark step failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert isinstance(result, dict)
    return result


def _build(corpus: Path, out: Path, report: bool) -> dict[str, object]:
    return _child(f"""
        import json, resource, time
        t0 = time.perf_counter()
        from kg.pipeline import BuildOptions, build
        t, cpu = time.perf_counter(), time.process_time()
        r = build([{str(corpus)!r}], {str(out)!r}, BuildOptions(jobs=0, artifacts={report!r}))
        end, cpu = time.perf_counter(), time.process_time() - cpu
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(json.dumps({{"secs": round(end - t, 3), "process_secs": round(end - t0, 3),
                          "cpu_secs": round(cpu, 3), "worker_cpu_secs": round(kids.ru_utime + kids.ru_stime, 3),
                          "extracted": r.extracted, "reused": r.reused, "store": r.store_mode,
                          "graph_files": r.graph_files, "changed": len(r.changed_graphs),
                          "tasks": r.tasks, "timings": {{k: round(v, 3) for k, v in r.timings.items()}}}}))
    """)


def _command(corpus: Path, out: Path) -> dict[str, object]:
    """``kg build`` as a user runs it: its wall seconds, and the CPU seconds of the command
    and its worker (the children this process waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from kg.cli import main; sys.argv[0] = 'kg'; main()",
         "build", str(corpus), "-o", str(out), "--no-report"],
        capture_output=True, text=True, check=False,
    )
    secs = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"kg build failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"secs": round(secs, 3), "cpu_secs": round(cpu, 3), "stderr_lines": proc.stderr.count("\n")}


def measure_incremental(n_docs: int, workdir: Path, per_doc: int = 5, report: bool = False) -> dict[str, object]:
    """Build ``n_docs`` generated documents into ``workdir``, edit one, rebuild: the
    figures of both builds (``full`` and ``incremental``: seconds in ``build()``, seconds
    of the whole process, CPU seconds of the build in the process and in its workers,
    per-stage timings). With ``report``, the rebuild writes the
    report, views and workload exports too."""
    corpus, out = workdir / f"corpus-{n_docs}", workdir / f"out-{n_docs}"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    paths = generate.generate(corpus, n_docs * per_doc, per_doc, seed=11)
    generated = time.perf_counter() - t
    # a build hashes again the files changed just before the previous build's scan began
    # (kg.pipeline.cache.RACY_NS); real corpora are older than that
    time.sleep(2.5)
    full = _build(corpus, out, report)
    victim = sorted(paths)[len(paths) // 2]
    with victim.open("a", encoding="utf-8") as fh:
        fh.write(EDIT)
    incremental = _build(corpus, out, report)
    victim.write_text(victim.read_text(encoding="utf-8").removesuffix(EDIT), encoding="utf-8")
    command = _command(corpus, out) if not report else None
    return {"docs": len(paths), "per_doc": per_doc, "report": report, "generate_secs": round(generated, 2),
            "full": full, "incremental": incremental, "command": command}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, action="append", help="documents in the corpus (repeatable; default 1000)")
    ap.add_argument("--per-doc", type=int, default=5)
    ap.add_argument("--report", action="store_true", help="the builds write the report, views and exports")
    ap.add_argument("--work", type=Path, help="folder for the corpora and builds (default: a temporary one, removed)")
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="kg-incremental-"))
    work.mkdir(parents=True, exist_ok=True)
    lines = []
    try:
        for n in a.docs or [1000]:
            res = measure_incremental(n, work, a.per_doc, a.report)
            print(json.dumps(res, ensure_ascii=False), flush=True)
            inc, full = res["incremental"], res["full"]
            assert isinstance(inc, dict) and isinstance(full, dict)
            cmd = res["command"]
            line = f"incremental_{n}_s={inc['secs']} incremental_{n}_process_s={inc['process_secs']} full_{n}_s={full['secs']}"
            lines.append(line + (f" command_{n}_s={cmd['secs']}" if isinstance(cmd, dict) else ""))
    finally:
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
