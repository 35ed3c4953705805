"""Incremental rebuilds: unchanged documents come from the cache, a changed one replaces
only its named graph, and a killed or failed build leaves the previous output usable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.graph.vocab import iri_document
from kg.pipeline import BuildOptions, build
from kg.store import STORE_DIR, open_store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import generate  # noqa: E402

FILES = ("graph.nq", "graph.trig", "graph.ttl", "tasks.jsonl")
# the artifact writers (HTML report, views) are tested elsewhere and cost time here
FAST = BuildOptions(artifacts=False)


def _corpus(tmp: Path, tasks: int = 300, per_doc: int = 50) -> Path:
    src = tmp / "corpus"
    generate.generate(src, tasks, per_doc, seed=3)
    return src


def _store_quads(out: Path) -> set[str]:
    s = ox.Store.read_only(str(out / STORE_DIR))
    return {str(q) for q in s.quads_for_pattern(None, None, None, None)}


def test_unchanged_rebuild_reuses_everything_and_gives_identical_files(tmp_path: Path) -> None:
    src = _corpus(tmp_path)
    out = tmp_path / "out"
    r1 = build([src], out, FAST)
    assert r1.extracted == 6 and r1.reused == 0 and r1.store_mode == "bulk"
    before = {n: (out / n).read_bytes() for n in FILES}
    r2 = build([src], out, FAST)
    assert r2.extracted == 0 and r2.reused == 6
    assert r2.changed_graphs == [] and r2.removed_graphs == []
    assert r2.summary() == r1.summary()
    for n in FILES:
        assert (out / n).read_bytes() == before[n], n
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["summary"]["tasks"] == 300


def test_one_changed_document_replaces_only_its_graph(tmp_path: Path) -> None:
    src = _corpus(tmp_path)
    out = tmp_path / "out"
    build([src], out, FAST)
    victim = sorted(src.rglob("*.txt"))[2]
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text.replace("主办", "牵头", 3), encoding="utf-8")
    r = build([src], out, FAST)
    assert r.extracted == 1 and r.reused == 5
    assert r.changed_graphs == [str(iri_document(victim.stem))]
    assert r.store_mode == "incremental"
    # the edited document's old cache entry is dropped
    assert len(list((out / "cache" / "docs").glob("*.pkl"))) == 6
    # the updated store holds exactly what a full build from scratch holds
    fresh = tmp_path / "fresh"
    build([src], fresh, BuildOptions(cache=False, artifacts=False))
    assert _store_quads(out) == _store_quads(fresh)
    for n in FILES:
        assert (out / n).read_bytes() == (fresh / n).read_bytes(), n
    # and it answers queries
    res = open_store(out).query("SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/govkg/ns#Task> }")
    assert res.rows[0][0].value == "300"  # type: ignore[union-attr]


def test_a_worker_extracts_the_changed_document_while_the_kept_ones_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.pipeline

    src = _corpus(tmp_path)
    out = tmp_path / "out"
    build([src], out, FAST)
    victim = sorted(src.rglob("*.txt"))[4]
    victim.write_text(victim.read_text(encoding="utf-8") + "51. 新增任务。（区财政局主办）\n", encoding="utf-8")
    started: list[int] = []
    monkeypatch.setattr(kg.pipeline, "ALONGSIDE_MIN_REUSED", 5)
    monkeypatch.setattr(kg.pipeline, "extraction_warm", lambda: False)
    import concurrent.futures

    class Pool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, max_workers: int, **kw: object) -> None:
            started.append(max_workers)
            super().__init__(max_workers=max_workers, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(kg.pipeline, "ProcessPoolExecutor", Pool)
    r = build([src], out, FAST)
    assert started == [1]  # one worker, though a single document changed
    assert r.extracted == 1 and r.reused == 5 and r.store_mode == "incremental"
    assert r.summary()["tasks"] == 301
    fresh = tmp_path / "fresh"
    build([src], fresh, BuildOptions(cache=False, artifacts=False))
    assert _store_quads(out) == _store_quads(fresh)
    for n in FILES:
        assert (out / n).read_bytes() == (fresh / n).read_bytes(), n


def test_removed_and_added_documents(tmp_path: Path) -> None:
    src = _corpus(tmp_path)
    out = tmp_path / "out"
    build([src], out, FAST)
    gone = sorted(src.rglob("*.txt"))[0]
    gone.unlink()
    extra = src / "new-plan.txt"
    extra.write_text("新区任务\n一、关于发展\n1.推进改革。（区发改委主办）\n", encoding="utf-8")
    r = build([src], out, FAST)
    assert r.extracted == 1 and r.reused == 5
    assert r.removed_graphs == [str(iri_document(gone.stem))]
    assert str(iri_document("new-plan")) in r.changed_graphs
    fresh = tmp_path / "fresh"
    build([src], fresh, BuildOptions(cache=False, artifacts=False))
    assert _store_quads(out) == _store_quads(fresh)


@pytest.mark.parametrize("damage", ["removed", "garbled"])
def test_a_rebuild_without_the_build_state_reads_each_entry_and_writes_the_same_files(tmp_path: Path, damage: str) -> None:
    """cache/state.bin is what a rebuild reads instead of one file per document; without
    it (removed, or not marshal data) each entry's own info is read, the stat of every
    input is hashed again, and the output is the same."""
    src = _corpus(tmp_path)
    out = tmp_path / "out"
    build([src], out, FAST)
    before = {n: (out / n).read_bytes() for n in (*FILES, "manifest.json", "warnings.txt")}
    state = out / "cache" / "state.bin"
    assert state.stat().st_size > 0
    if damage == "removed":
        state.unlink()
    else:
        state.write_bytes(b"\x00not marshal data")
    r = build([src], out, FAST)
    assert (r.extracted, r.reused) == (0, 6)
    assert {n: (out / n).read_bytes() for n in before} == before
    assert state.stat().st_size > 100  # written again
    r = build([src], out, FAST)
    assert (r.extracted, r.reused) == (0, 6)


def test_options_and_code_are_part_of_the_cache_key(tmp_path: Path) -> None:
    src = _corpus(tmp_path, 100)
    out = tmp_path / "out"
    build([src], out, FAST)
    r = build([src], out, BuildOptions(expand_groups=False, artifacts=False))
    assert r.extracted == 2 and r.reused == 0
    r = build([src], out, BuildOptions(expand_groups=False, artifacts=False))
    assert r.extracted == 0


def test_parallel_build_equals_serial_build(tmp_path: Path) -> None:
    src = _corpus(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    build([src], a, BuildOptions(jobs=1, cache=False, artifacts=False))
    r = build([src], b, BuildOptions(jobs=2, cache=False, artifacts=False))
    assert r.extracted == 6
    for n in FILES:
        assert (a / n).read_bytes() == (b / n).read_bytes(), n


def test_failed_build_leaves_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.store as b  # (kg.pipeline imports the store's loaders where it uses them)

    src = _corpus(tmp_path, 100)
    out = tmp_path / "out"
    build([src], out, FAST)
    before = (out / "graph.nq").read_bytes()
    victim = sorted(src.rglob("*.txt"))[0]
    victim.write_text(victim.read_text(encoding="utf-8") + "99.新任务。（区财政局主办）\n", encoding="utf-8")

    def boom(*a: object, **k: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(b, "update_oxigraph", boom)
    monkeypatch.setattr(b, "load_oxigraph", boom)
    with pytest.raises(OSError):
        build([src], out, FAST)
    assert (out / "graph.nq").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]
    monkeypatch.undo()
    r = build([src], out, FAST)  # the cache of the previous build is still good
    assert r.extracted == 1


def _wait_for(pred, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.slow  # a corpus of 1,200 tasks, killed mid-build
def test_killed_build_leaves_previous_output_usable(tmp_path: Path) -> None:
    src = _corpus(tmp_path, 1200, 40)
    out = tmp_path / "out"
    build([src], out, FAST)
    before = (out / "graph.nq").read_bytes()
    count = open_store(out).query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value  # type: ignore[union-attr]
    # touch every document, so that the next build has real work to do, and kill it
    for p in src.rglob("*.txt"):
        p.write_text(p.read_text(encoding="utf-8") + "999.补充任务。（区统计局主办）\n", encoding="utf-8")
    code = f"from kg.pipeline import BuildOptions, build; build([{str(src)!r}], {str(out)!r}, BuildOptions(artifacts=False))"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path)
    try:
        started = _wait_for(
            lambda: any(p.name.startswith(".out.tmp-") and any((p / "cache" / "docs").glob("*.pkl")) for p in tmp_path.iterdir()),
            120,
        )
        assert started, "the build did not start writing"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert (out / "graph.nq").read_bytes() == before
    res = open_store(out).query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert res.rows[0][0].value == count  # type: ignore[union-attr]
    # the killed build had taken the cache entries over; the next build gives them back
    from kg.pipeline.swap import recover

    recover(out)
    assert len(list((out / "cache" / "docs").glob("*.pkl"))) >= 30
    # the next build cleans the stale temporary folder and completes
    r = build([src], out, FAST)
    assert r.extracted == 30
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_split_layout_has_one_file_per_graph_and_the_same_graph(tmp_path: Path) -> None:
    src = _corpus(tmp_path)
    combined, split = tmp_path / "combined", tmp_path / "split"
    r1 = build([src], combined, BuildOptions(artifacts=False, graph_files="combined"))
    r2 = build([src], split, BuildOptions(artifacts=False, graph_files="split"))
    assert (r1.graph_files, r2.graph_files) == ("combined", "split")
    assert not (split / "graph.nq").exists() and not (combined / "graphs").exists()
    files = sorted((split / "graphs").glob("*.nq"))
    # six documents; the region's gazetteer graph (the groups it uses) and names graph; metrics
    assert len(files) == r2.summary()["documents"] + 3 == 9
    assert {f.stem for f in files} >= {"_metrics", "_names-generic", "_gazetteer-generic"}
    lines = [line for f in files for line in f.read_bytes().splitlines()]
    assert sorted(lines) == sorted((combined / "graph.nq").read_bytes().splitlines())
    assert _store_quads(split) == _store_quads(combined)
    manifest = json.loads((split / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["graph_files"] == "split" and len(manifest["documents"]) == 6
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/govkg/ns#Task> }"
    assert open_store(split, backend="rdflib").query(q).rows[0][0].value == "300"  # type: ignore[union-attr]
    # an edit rewrites the edited document's file only
    before = {f.name: f.read_bytes() for f in files}
    victim = sorted(src.rglob("*.txt"))[1]
    victim.write_text(victim.read_text(encoding="utf-8").replace("主办", "牵头", 2), encoding="utf-8")
    r3 = build([src], split, BuildOptions(artifacts=False, graph_files="split"))
    assert r3.extracted == 1 and r3.store_mode == "incremental"
    after = {f.name: f.read_bytes() for f in sorted((split / "graphs").glob("*.nq"))}
    assert [n for n in after if after[n] != before.get(n)] == [f"{victim.stem}.nq"]
    fresh = tmp_path / "fresh"
    build([src], fresh, BuildOptions(artifacts=False, cache=False))
    assert _store_quads(split) == _store_quads(fresh)


def test_a_unit_named_by_many_documents_is_described_once(tmp_path: Path) -> None:
    src = _corpus(tmp_path)
    out = tmp_path / "out"
    r = build([src], out, FAST)
    store = ox.Store.read_only(str(out / STORE_DIR))
    unit = "https://w3id.org/govkg/ns#Unit"
    rows = list(store.query(
        f"SELECT ?u (COUNT(DISTINCT ?g) AS ?graphs) (COUNT(DISTINCT ?d) AS ?docs) WHERE {{"
        f" GRAPH ?g {{ ?u a <{unit}> }} GRAPH ?d {{ ?t <https://w3id.org/govkg/ns#lead> ?u }} }} GROUP BY ?u"
    ))
    assert rows and max(int(r["docs"].value) for r in rows) > 1  # named by several documents
    assert {int(r["graphs"].value) for r in rows} == {1}  # described in one graph
    # the documents are loaded from the cache when asked for, one at a time
    assert len(r.documents) == 6 and r.documents[0].name == r.infos[0].name
    assert sum(len(d.tasks) for d in r.documents) == 300


def test_L2_two_files_with_the_same_name_are_both_kept_under_distinct_names(tmp_path: Path) -> None:
    from kg.pipeline import extract_paths

    for folder, unit in (("2020", "区发改委"), ("2021", "区科技局")):
        (tmp_path / "in" / folder).mkdir(parents=True)
        (tmp_path / "in" / folder / "plan.txt").write_text(f"一、甲\n1.推进改革。（{unit}主办）\n", encoding="utf-8")
    (tmp_path / "in" / "2021" / "plan.md").write_text("一、乙\n1.推进创新。（区统计局主办）\n", encoding="utf-8")
    r = build([tmp_path / "in"], tmp_path / "out", FAST)
    assert r.summary()["documents"] == 3 and r.summary()["tasks"] == 3
    names = ["plan", "plan (2021)", "plan (2021, txt)"]
    assert [i.name for i in r.infos] == names
    second, third = tmp_path / "in" / "2021" / "plan.md", tmp_path / "in" / "2021" / "plan.txt"
    dup = [(i.path, i.message) for i in r.issues if i.code == "duplicate-document"]
    first = tmp_path / "in" / "2020" / "plan.txt"
    assert dup == [
        (str(second), f"document name 'plan' is also the name of {first}; this one is named 'plan (2021)'"),
        (str(third), f"document name 'plan' is also the name of {first}; this one is named 'plan (2021, txt)'"),
    ]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert [d["document"] for d in manifest["documents"]] == names
    assert [w["code"] for w in manifest["warnings"]].count("duplicate-document") == 2
    records = [json.loads(line) for line in (tmp_path / "out" / "tasks.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(x["document"], x["lead"][0]["unit"]) for x in records] == [
        ("plan", "区发改委"), ("plan (2021)", "区统计局"), ("plan (2021, txt)", "区科技局"),
    ]
    # each has its own named graph; a rebuild reuses all three under the same names
    store = ox.Store.read_only(str(tmp_path / "out" / STORE_DIR))
    graphs = {str(g.value) for g in store.named_graphs()}
    assert {str(iri_document(n)) for n in names} <= graphs
    again = build([tmp_path / "in"], tmp_path / "out", FAST)
    assert again.reused == 3 and [i.name for i in again.infos] == names
    docs, issues = extract_paths(sorted((tmp_path / "in").rglob("plan.*")), FAST)
    assert [d.name for d in docs] == names
    assert [(i.path, i.message) for i in issues if i.code == "duplicate-document"] == dup


def _graph_files(out: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in (out / "graphs").iterdir()}


def test_split_rebuilds_update_the_graphs_folder_set_aside_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each rebuild in the split layout sets the old graphs folder aside in its cache; the
    next one updates it, linking only the files that changed — and writes the graphs
    folder a fresh build writes, after edits, an added and a removed document."""
    src = _corpus(tmp_path)
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    split = BuildOptions(artifacts=False, graph_files="split")
    build([src], out, split)
    # the first build leaves a spare of links to its own files, so that the first rebuild
    # relinks only what changed too
    spare = out / "cache" / "graphs.spare"
    assert sorted(os.listdir(spare)) == sorted(_graph_files(out))
    assert all(os.path.samefile(spare / f, out / "graphs" / f) for f in os.listdir(spare))
    docs = sorted(src.rglob("*.txt"))
    links: list[str] = []
    real_link = os.link

    def link(a: str, b: str) -> None:
        links.append(os.path.basename(b))
        real_link(a, b)

    monkeypatch.setattr(os, "link", link)
    docs[1].write_text(docs[1].read_text(encoding="utf-8") + "51. 新增任务。（区财政局主办）\n", encoding="utf-8")
    r = build([src], out, split)
    assert f"{docs[1].stem}.nq" in links and len(links) == len(r.changed_graphs)
    assert spare.is_dir()  # now the first build's graphs folder, set aside
    links.clear()
    docs[3].write_text(docs[3].read_text(encoding="utf-8") + "52. 又一项任务。（区科技局主办）\n", encoding="utf-8")
    r = build([src], out, split)
    doc_files = sorted(f"{p.stem}.nq" for p in (docs[1], docs[3]))
    # the spare holds the first build's files: docs[1] and docs[3] changed since, and the
    # shared graphs their new units and metrics changed
    assert doc_files[0] in links and doc_files[1] in links
    assert len(links) == len(r.changed_graphs) + 1  # (docs[1]: changed in the build before)
    (src / "extra").mkdir()
    (src / "extra" / "新增方案.txt").write_text(docs[0].read_text(encoding="utf-8"), encoding="utf-8")
    docs[5].unlink()
    build([src], out, split)
    build([src], fresh, BuildOptions(artifacts=False, graph_files="split", cache=False))
    assert _graph_files(out) == _graph_files(fresh)
    assert "新增方案.nq" in _graph_files(out) and f"{docs[5].stem}.nq" not in _graph_files(out)


def test_a_spare_graphs_folder_that_does_not_match_its_map_is_not_used(tmp_path: Path) -> None:
    """Counter-example: a file added to (or removed from) the folder set aside makes the
    next build link every file again, with the same result."""
    src = _corpus(tmp_path)
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    split = BuildOptions(artifacts=False, graph_files="split")
    build([src], out, split)
    docs = sorted(src.rglob("*.txt"))
    docs[1].write_text(docs[1].read_text(encoding="utf-8") + "51. 新增任务。（区财政局主办）\n", encoding="utf-8")
    build([src], out, split)
    (out / "cache" / "graphs.spare" / "stray.nq").write_bytes(b"<a> <b> <c> <d> .\n")
    build([src], out, split)
    build([src], fresh, BuildOptions(artifacts=False, graph_files="split", cache=False))
    assert _graph_files(out) == _graph_files(fresh)


def test_a_rebuild_prints_the_warnings_of_what_it_read_again(tmp_path: Path) -> None:
    """``kg build`` after an edit prints the warnings of the edited document, and one line
    counting those of the unchanged ones (all in warnings.txt; --verbose prints them)."""
    from click.testing import CliRunner

    from kg.cli import main

    src = tmp_path / "in"
    src.mkdir()
    for n in range(3):
        (src / f"plan{n}.txt").write_text(
            f"鼓楼区2021年方案{n}\n一、任务\n1.推进工作。（某某{n}未知办主办）\n", encoding="utf-8"
        )
    out = tmp_path / "out"

    def kg_build(*flags: str) -> list[str]:
        r = CliRunner().invoke(main, ["build", str(src), "-o", str(out), "--no-report", "--region", "nanjing-gulou", *flags])
        assert r.exit_code == 0, r.output
        return [x for x in r.stderr.splitlines() if x.startswith("warning: ")]

    first = kg_build()
    assert len(first) == 3 and all("未知办" in x for x in first)
    edited = src / "plan1.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "2.推进另一项工作。（某某甲未知办主办）\n", encoding="utf-8")
    again = kg_build()
    assert [x.split(":")[1].strip() for x in again[:-1]] == [str(edited), str(edited)]
    assert again[-1] == (
        f"warning: 2 more warnings of the 2 documents unchanged since the previous build not shown again "
        f"(every one is in {out / 'warnings.txt'}, or use --verbose)"
    )
    assert len((out / "warnings.txt").read_text(encoding="utf-8").splitlines()) == 4
    assert len(kg_build("--verbose")) == 4  # (nothing changed: every warning, no count line)
