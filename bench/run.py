"""Run the whole scale comparison at one size and print it side by side.

    python bench/run.py --tasks 10000 [--jobs 2] [--work DIR] [--keep] [--rdflib-max 100000]

Steps (each heavy step runs in its own subprocess, so its peak RSS is its own):

1. generate the synthetic corpus (bench/generate.py) of N tasks in documents of ~100;
2. extraction (``kg.extract.extract_document``) in one process, plain jieba cutting and
   rjieba on the same text (the first ``--extract-mb`` MB): MB/s of CPU each, and
   extraction's over jieba's;
3. ``kg.pipeline.build`` end to end (read, extract, graph, graph files, Oxigraph store) with
   ``--jobs`` processes, artifact writers (HTML report, views, workload exports) left out:
   tasks/s and MB/s; then ``kg report`` timed after it (unless ``--no-report``): the build
   with and without its report;
4. the incremental rebuild after editing one document, in this corpus and in corpora of
   ``--incremental-docs`` 10-task documents (default 1,000);
5. default store (Oxigraph on disk): bulk-load time of graph.nq, peak RSS, latency of the
   canned workload ranking query (``weighted_load``: GROUP BY unit) through kg
   (``kg.queries.run_query`` → ``OxigraphStore``) and through raw pyoxigraph on the same
   store (kg's overhead);
6. start-up: ``kg --help``, ``kg query`` and ``kg workload`` on the examples' build;
7. rdflib in memory (``RdflibStore``): load time, peak RSS and the same query, skipped
   above ``--rdflib-max`` tasks;
8. oxrdflib (rdflib API over Oxigraph) on the same query, when installed and within
   ``--rdflib-max``, to judge whether keeping the rdflib API is worth it;
9. the largest pyvis view (the responsibility network) built and rendered from the
   store, when ``kg.visualize`` is importable.

The last line is machine-readable:
``speedup_vs_rdflib=<rdflib time / default store time, workload query> build_tasks_per_s=<end-to-end>
extract_vs_jieba=<extraction MB/s / jieba.lcut MB/s> report_s=<kg report seconds>``
(``report_100k_s=`` from 100,000 tasks on).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERY = "weighted_load"


def _child(code: str, timeout: float = 3600) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object as its last line.

    On a time-out, the last JSON line printed so far is returned with ``"timeout": True``.
    """
    prelude = textwrap.dedent(
        """
        import json, resource, sys, time
        def _peak_mb():
            self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            return max(self_kb, kids_kb) / 1024
        """
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-c", prelude + textwrap.dedent(code)],
            capture_output=True, text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(HERE)},
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        lines = [x for x in out.strip().splitlines() if x.startswith("{")]
        partial: dict[str, object] = json.loads(lines[-1]) if lines else {}
        partial["timeout"] = True
        return partial
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    import pyoxigraph

    return (
        f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}"
    )


def step_generate(corpus: Path, tasks: int) -> dict[str, object]:
    return _child(f"""
        from pathlib import Path
        import generate
        t = time.perf_counter()
        paths = generate.generate(Path({str(corpus)!r}), {tasks}, 100, seed=7)
        secs = time.perf_counter() - t
        size = sum(p.stat().st_size for p in paths)
        print(json.dumps({{"docs": len(paths), "bytes": size, "secs": secs}}))
    """)


def step_cut(corpus: Path, sample_mb: float) -> dict[str, object]:
    """Extraction against tokenizing, one process, on the same text: ``kg.extract.extract_document``
    on the documents already read (after one warm-up document: imports, dictionaries and
    gazetteers are paid once per worker), plain ``jieba.lcut`` and ``rjieba.cut`` of their
    lines. The first documents up to ``sample_mb`` MB of text are measured. Extraction runs
    under the build's collector settings (``kg.pipeline.workers.rare_collections``), as
    the build extracts; jieba and rjieba under Python's defaults."""
    return _child(f"""
        from pathlib import Path
        from kg.read import read_source
        from kg.extract import extract_document
        from kg.pipeline.workers import rare_collections
        sources, mb = [], 0.0
        for p in sorted(Path({str(corpus)!r}).rglob("*.txt")):
            s = read_source(p)
            sources.append(s)
            mb += len("\\n".join(ln.text for ln in s.lines).encode()) / 1e6
            if mb >= {sample_mb}:
                break
        texts = ["\\n".join(ln.text for ln in s.lines) for s in sources]
        extract_document(sources[0])  # warm
        # CPU seconds of this process (one thread each): on a shared machine the ratio of two
        # CPU times holds where wall times do not; the wall times are kept beside them
        def timed(fn):
            w, c = time.perf_counter(), time.process_time()
            r = fn()
            return r, time.process_time() - c, time.perf_counter() - w
        with rare_collections():
            tasks, e, e_wall = timed(lambda: sum(len(extract_document(s).tasks) for s in sources))
        import logging, jieba
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        n, j, j_wall = timed(lambda: sum(len(jieba.lcut(x)) for x in texts))
        out = {{"mb": mb, "docs": len(sources), "tasks": tasks, "extract_s": e, "extract_wall_s": e_wall,
                "extract_mb_s": mb / e, "jieba_s": j, "jieba_wall_s": j_wall, "jieba_mb_s": mb / j, "words": n,
                "extract_vs_jieba": j / e}}
        try:
            import rjieba
            rjieba.cut("预热")
            _, r, r_wall = timed(lambda: sum(len(rjieba.cut(x)) for x in texts))
            out.update(rjieba_s=r, rjieba_wall_s=r_wall, rjieba_mb_s=mb / r)
        except ImportError:
            pass
        print(json.dumps(out))
    """)


def step_report(out: Path) -> dict[str, object]:
    """What ``kg report OUT`` does after a build without its report: the HTML report, the
    views and the workload exports, from the store."""
    return _child(f"""
        from pathlib import Path
        from kg.pipeline.artifacts import write_artifacts
        t = time.perf_counter()
        write_artifacts(Path({str(out)!r}))
        print(json.dumps({{"secs": time.perf_counter() - t, "rss_mb": _peak_mb()}}))
    """)


def step_incremental_many(work: Path, docs: int, jobs: int) -> dict[str, object]:
    """The incremental rebuild in a corpus of ``docs`` documents of 10 tasks (a first build,
    then one document edited and the build run again)."""
    corpus, out = work / f"corpus-inc-{docs}", work / f"out-inc-{docs}"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    _child(f"""
        from pathlib import Path
        import generate
        generate.generate(Path({str(corpus)!r}), {docs * 10}, 10, seed=11)
        print(json.dumps({{}}))
    """)
    first = step_build(corpus, out, jobs)
    res = step_incremental(corpus, out, jobs)
    res["first_build_secs"] = first["secs"]
    res["docs"] = docs
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    return res


def step_build(corpus: Path, out: Path, jobs: int) -> dict[str, object]:
    return _child(f"""
        from kg.pipeline import BuildOptions, build
        t = time.perf_counter()
        r = build([{str(corpus)!r}], {str(out)!r}, BuildOptions(jobs={jobs}, artifacts=False))
        secs = time.perf_counter() - t
        s = r.summary()
        print(json.dumps({{"secs": secs, "tasks": s["tasks"], "quads": s["quads"], "docs": s["documents"],
                          "timings": r.timings, "rss_mb": _peak_mb(), "extracted": r.extracted}}))
    """)


def step_incremental(corpus: Path, out: Path, jobs: int) -> dict[str, object]:
    victim = sorted(corpus.rglob("*.txt"))[len(list(corpus.rglob("*.txt"))) // 2]
    with victim.open("a", encoding="utf-8") as fh:
        fh.write("999.新增一项补充任务，确保全年新增停车泊位200个以上。（区城管局主办，各街道协办）\n")
    res = _child(f"""
        t0 = time.perf_counter()
        from kg.pipeline import BuildOptions, build
        t = time.perf_counter()
        r = build([{str(corpus)!r}], {str(out)!r}, BuildOptions(jobs={jobs}, artifacts=False))
        end = time.perf_counter()
        print(json.dumps({{"secs": end - t, "process_secs": end - t0, "extracted": r.extracted, "reused": r.reused,
                          "store": r.store_mode, "changed": len(r.changed_graphs), "timings": r.timings}}))
    """)
    return res


def step_oxigraph(out: Path, reload: bool = True) -> dict[str, object]:
    return _child(f"""
        from pathlib import Path
        import shutil, tempfile
        import pyoxigraph as ox
        from kg.layout import graph_nquads
        from kg.queries import resolve_query, run_query, with_defaults_inlined
        from kg.store import OxigraphStore, load_oxigraph
        out = Path({str(out)!r})
        # load: a fresh on-disk bulk load of the build's N-Quads (graph.nq or graphs/*.nq)
        load = None
        if {reload!r}:
            tmp = Path(tempfile.mkdtemp(dir=out.parent))
            t = time.perf_counter()
            load_oxigraph(graph_nquads(out), tmp / "store")
            load = time.perf_counter() - t
            shutil.rmtree(tmp)
        store = OxigraphStore(out / "store")
        q = resolve_query({QUERY!r})
        text = with_defaults_inlined(q)
        raw = store.raw
        def via_kg():
            return len(run_query(store, q).rows)
        def via_raw():
            return sum(1 for _ in raw.query(text, **store.query_options()))
        rows = via_kg(); via_raw()  # warm
        kg_t, raw_t = [], []
        for _ in range(5):
            t = time.perf_counter(); via_kg(); kg_t.append(time.perf_counter() - t)
            t = time.perf_counter(); via_raw(); raw_t.append(time.perf_counter() - t)
        t = time.perf_counter(); first = OxigraphStore(out / "store"); open_s = time.perf_counter() - t
        print(json.dumps({{"load": load, "open": open_s, "query": min(kg_t), "query_median": sorted(kg_t)[2],
                          "raw": min(raw_t), "raw_median": sorted(raw_t)[2], "rows": rows, "rss_mb": _peak_mb()}}))
    """)


def step_rdflib(out: Path, oxrdflib: bool = False, timeout: float = 3600) -> dict[str, object]:
    return _child(f"""
        from pathlib import Path
        from kg.layout import graph_nquads
        from kg.queries import resolve_query, run_query
        from kg.store import RdflibStore  # noqa
        out = Path({str(out)!r})
        t = time.perf_counter()
        if {oxrdflib!r}:
            from rdflib import Dataset
            store = RdflibStore(None)
            store._ds = Dataset(store="Oxigraph", default_union=True)
            for f in graph_nquads(out):
                store._ds.parse(str(f), format="ox-nquads")
        else:
            store = RdflibStore(graph_nquads(out))
        load = time.perf_counter() - t
        print(json.dumps({{"load": load, "rss_mb": _peak_mb()}}), flush=True)
        q = resolve_query({QUERY!r})
        if {oxrdflib!r}:
            # oxrdflib cannot bind variables outside the projection: the text with defaults inlined
            from kg.queries import with_defaults_inlined
            text = with_defaults_inlined(q)
            run = lambda: len(list(store._ds.query(text)))
        else:
            run = lambda: len(run_query(store, q).rows)
        t = time.perf_counter(); rows = run(); first = time.perf_counter() - t
        second = first
        if first < 30:
            t = time.perf_counter(); run(); second = time.perf_counter() - t
        print(json.dumps({{"load": load, "query": min(first, second), "rows": rows, "rss_mb": _peak_mb()}}))
    """, timeout=timeout)


def step_view(out: Path) -> dict[str, object]:
    return _child(f"""
        from pathlib import Path
        try:
            from kg.visualize.data import load_view_data
            from kg.visualize.networks import responsibility_network
            from kg.visualize.render import render_network
        except ImportError as exc:
            print(json.dumps({{"na": f"kg.visualize not importable: {{exc}}"}}))
            raise SystemExit(0)
        from kg.store import OxigraphStore
        store = OxigraphStore(Path({str(out)!r}) / "store")
        t = time.perf_counter()
        data = load_view_data(store)
        t1 = time.perf_counter()
        net = responsibility_network(data, {{}})
        html = render_network(net)
        t2 = time.perf_counter()
        print(json.dumps({{"data": t1 - t, "render": t2 - t1, "total": t2 - t, "nodes": len(net.nodes),
                          "edges": len(net.edges), "html_mb": len(html.encode()) / 1e6, "rss_mb": _peak_mb()}}))
    """)


def step_startup(work: Path) -> dict[str, object]:
    """Start-up: the wall time of ``kg --help``, ``kg query lead_counts`` and ``kg workload`` on the
    build of the bundled examples as ``kg build`` makes it (with its report, so with the
    ranking it saved: workload.jsonl), and of ``kg workload`` ranking again (the same build
    without that file, as after ``kg build --no-report``), so that the command's own work is
    small; best and median of 5 runs, and the heavy libraries that ``import kg.cli`` loads."""
    out, bare = work / "out-examples", work / "out-examples-ranked-again"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(bare, ignore_errors=True)
    _child(f"""
        from kg.pipeline import BuildOptions, build
        build([{str(HERE.parent / "examples")!r}], {str(out)!r}, BuildOptions(jobs=1))
        print(json.dumps({{}}))
    """)
    shutil.copytree(out, bare, symlinks=True)
    (bare / "workload.jsonl").unlink()
    kg = [sys.executable, "-c", "from kg.cli import main; main()"]
    res: dict[str, object] = {}
    for name, args in (("help", ["--help"]), ("query", ["query", "lead_counts", "--graph", str(out)]),
                       ("workload", ["workload", str(out)]), ("workload_ranked", ["workload", str(bare)])):
        times = []
        for _ in range(5):
            t = time.perf_counter()
            subprocess.run([*kg, *args], capture_output=True, check=True)
            times.append(time.perf_counter() - t)
        res[name] = min(times)
        res[name + "_median"] = sorted(times)[2]
    probe = "import kg.cli, sys; print(sorted({m.split('.')[0] for m in sys.modules} & " + repr(set(HEAVY)) + "))"
    res["heavy_on_import"] = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(bare, ignore_errors=True)
    return res


HEAVY = ("spacy", "jieba", "rjieba", "rdflib", "networkx", "pyoxigraph", "pyshacl")


def main() -> None:
    ap = argparse.ArgumentParser(description="kg scale benchmark at one size")
    ap.add_argument("--tasks", type=int, required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--work", type=Path, default=None, help="working folder (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the corpus and the build")
    ap.add_argument("--rdflib-max", type=int, default=100_000, help="skip rdflib above this many tasks")
    ap.add_argument("--rdflib-timeout", type=float, default=1800, help="give up on rdflib (load + query) after this many seconds")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    ap.add_argument("--no-view", action="store_true", help="skip the pyvis view step")
    ap.add_argument("--extract-mb", type=float, default=4.0,
                    help="MB of the corpus's text (its first documents) on which extraction, jieba and rjieba are timed")
    ap.add_argument("--incremental-docs", type=int, nargs="*", default=[1000],
                    help="also time the incremental rebuild in corpora of this many 10-task documents (e.g. 1000 10000)")
    ap.add_argument("--no-report", action="store_true", help="skip timing the report (kg report) after the build")
    ap.add_argument("--no-reload", action="store_true",
                    help="do not time a second bulk load of the store (at 1M it doubles the run; the build's store stage is timed anyway)")
    a = ap.parse_args()

    work = a.work or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    corpus, out = work / f"corpus-{a.tasks}", work / f"out-{a.tasks}"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    fig: dict[str, object] = {"tasks": a.tasks, "jobs": a.jobs, "machine": machine()}

    def say(msg: str) -> None:
        print(msg, flush=True)

    say(f"# kg bench: {a.tasks} tasks, {a.jobs} jobs — {fig['machine']}")
    g = step_generate(corpus, a.tasks)
    fig["corpus"] = g
    mb = int(g["bytes"]) / 1e6  # type: ignore[call-overload]
    say(f"corpus      {g['docs']} documents, {mb:.1f} MB of text")
    c = step_cut(corpus, a.extract_mb)
    fig["cut"] = c
    b = step_build(corpus, out, a.jobs)
    fig["build"] = b
    tps = int(b["tasks"]) / float(b["secs"])  # type: ignore[call-overload, arg-type]
    build_mb_s = mb / float(b["secs"])  # type: ignore[arg-type]
    line = f"build       {b['secs']:.1f} s end to end: {tps:,.0f} tasks/s, {build_mb_s:.2f} MB/s ({b['quads']:,} quads, peak RSS {b['rss_mb']:.0f} MB)"
    say(line)
    say("            stages: " + ", ".join(f"{k} {v:.1f}" for k, v in b["timings"].items()))  # type: ignore[union-attr]
    say(f"extraction  {c['extract_mb_s']:.2f} MB/s of CPU in one process ({c['docs']} documents, {c['mb']:.1f} MB, {c['tasks']} tasks); "
        f"plain jieba.lcut of the same text {c['jieba_mb_s']:.2f} MB/s"
        + (f", rjieba {c['rjieba_mb_s']:.2f} MB/s" if "rjieba_mb_s" in c else "")
        + f": extraction/jieba {c['extract_vs_jieba']:.2f}")
    rep: dict[str, object] | None = None
    if not a.no_report:
        rep = step_report(out)
        fig["report"] = rep
        with_report = float(b["secs"]) + float(rep["secs"])  # type: ignore[arg-type]
        say(f"report      {rep['secs']:.1f} s (kg report: HTML report, views, workload exports; peak RSS {rep['rss_mb']:.0f} MB): "
            f"build with its report {with_report:.1f} s, {int(b['tasks']) / with_report:,.0f} tasks/s; without {b['secs']:.1f} s")  # type: ignore[call-overload]
    inc = step_incremental(corpus, out, a.jobs)
    fig["incremental"] = inc
    say(f"incremental {inc['secs']:.2f} s after editing 1 document of {g['docs']} "
        f"({inc['process_secs']:.2f} s with interpreter imports; store {inc['store']}, {inc['extracted']} extracted)")
    for docs in a.incremental_docs:
        many = step_incremental_many(work, docs, a.jobs)
        fig[f"incremental_{docs}"] = many
        say(f"incremental {many['secs']:.2f} s after editing 1 document of {docs} 10-task documents "
            f"({many['process_secs']:.2f} s with imports; first build {many['first_build_secs']:.1f} s; "
            f"store {many['store']}, {many['extracted']} extracted)")
    ox_ = step_oxigraph(out, reload=not a.no_reload)
    fig["oxigraph"] = ox_
    overhead = float(ox_["query"]) / float(ox_["raw"]) - 1  # type: ignore[arg-type]
    load_text = "not reloaded" if ox_["load"] is None else f"{ox_['load']:.1f} s"
    say(f"oxigraph    load {load_text}, peak RSS {ox_['rss_mb']:.0f} MB, {QUERY} {ox_['query'] * 1000:.0f} ms via kg, "
        f"{ox_['raw'] * 1000:.0f} ms raw (kg overhead {overhead * 100:+.0f}%), {ox_['rows']} rows")
    st = step_startup(work)
    fig["startup"] = st
    say(f"start-up    kg --help {st['help']:.2f} s, kg query {st['query']:.2f} s, kg workload {st['workload']:.2f} s "
        f"(the build's saved ranking; {st['workload_ranked']:.2f} s ranking again) "
        f"(best of 5, on the examples' build; medians {st['help_median']:.2f} / {st['query_median']:.2f} / "
        f"{st['workload_median']:.2f} / {st['workload_ranked_median']:.2f} s); "
        f"heavy libraries imported by `import kg.cli`: {st['heavy_on_import']}")
    rd: dict[str, object] | None = None
    if a.tasks <= a.rdflib_max:
        rd = step_rdflib(out, timeout=a.rdflib_timeout)
        fig["rdflib"] = rd
        if rd.get("timeout"):
            # a lower bound: rdflib had not answered when it was stopped
            spent = a.rdflib_timeout - float(rd.get("load", 0.0))  # type: ignore[arg-type]
            rd["query"] = spent
            say(f"rdflib      load {float(rd.get('load', float('nan'))):.1f} s, peak RSS {float(rd.get('rss_mb', float('nan'))):.0f} MB, "  # type: ignore[arg-type]
                f"{QUERY} not answered after {spent:.0f} s (stopped; the speedup below is a lower bound)")
        else:
            say(f"rdflib      load {rd['load']:.1f} s, peak RSS {rd['rss_mb']:.0f} MB, {QUERY} {float(rd['query']) * 1000:.0f} ms, {rd['rows']} rows")  # type: ignore[arg-type]
        try:
            import oxrdflib  # noqa: F401

            oxr = step_rdflib(out, oxrdflib=True, timeout=a.rdflib_timeout)
            fig["oxrdflib"] = oxr
            if oxr.get("timeout"):
                say(f"oxrdflib    load {float(oxr.get('load', float('nan'))):.1f} s, {QUERY} not answered within the time-out")  # type: ignore[arg-type]
            else:
                say(f"oxrdflib    load {oxr['load']:.1f} s, peak RSS {oxr['rss_mb']:.0f} MB, {QUERY} {float(oxr['query']) * 1000:.0f} ms")  # type: ignore[arg-type]
        except ImportError:
            say("oxrdflib    not installed")
        except RuntimeError as exc:
            say(f"oxrdflib    failed: {str(exc).splitlines()[-1]}")
    else:
        say(f"rdflib      skipped (above {a.rdflib_max:,} tasks)")
    try:
        v = {"na": "--no-view"} if a.no_view else step_view(out)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        v = {"na": f"failed: {str(exc).strip().splitlines()[-1]}"}
    fig["view"] = v
    if "na" in v:
        say(f"pyvis view  n/a ({v['na']})")
    else:
        say(f"pyvis view  largest (responsibility network, {v['nodes']} nodes, {v['edges']} edges): "
            f"{v['total']:.2f} s ({v['data']:.2f} s loading the view data, {v['render']:.2f} s building and rendering, {v['html_mb']:.1f} MB HTML)")
    if a.json:
        a.json.write_text(json.dumps(fig, ensure_ascii=False, indent=2), encoding="utf-8")
    if not a.keep and a.work is None:
        shutil.rmtree(work, ignore_errors=True)
    speedup = float(rd["query"]) / float(ox_["query"]) if rd else float("nan")  # type: ignore[arg-type]
    report_s = float(rep["secs"]) if rep else float("nan")  # type: ignore[arg-type]
    report_key = "report_100k_s" if a.tasks >= 100_000 else "report_s"
    print(f"speedup_vs_rdflib={speedup:.1f} build_tasks_per_s={tps:.0f} "
          f"extract_vs_jieba={float(c['extract_vs_jieba']):.2f} {report_key}={report_s:.1f}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
