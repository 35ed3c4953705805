"""The facts file of a build (``OUT/facts.jsonl``, kg.pipeline.facts_file): what the
report, the views and the workload exports read instead of the store. Read from the file
or from the store, the facts and the view data are equal; the file is used only when it
belongs to the build, and the readers say which they read."""

from __future__ import annotations

import json
import logging
import shutil
import sys
from pathlib import Path

import pytest
from kg.visualize.data import ViewData, load_view_data

from kg.analysis.facts import Facts, read_facts
from kg.analysis.workload import compute_workload
from kg.layout import FACTS_FILE
from kg.pipeline import BuildOptions, build
from kg.store import open_store

from .conftest import EXAMPLES, ROOT


def _both(out: Path) -> tuple[Facts, Facts, ViewData, ViewData]:
    """The facts and the view data of ``out`` from its store and from its facts file."""
    store = open_store(out)
    try:
        from_store = read_facts(store)
        from_file = read_facts(store, build=out)
        views_store = load_view_data(store, from_store)
        views_file = load_view_data(store, from_file, build=out)
    finally:
        store.close()
    return from_store, from_file, views_store, views_file


def _assert_equal(out: Path) -> tuple[Facts, ViewData]:
    from_store, from_file, views_store, views_file = _both(out)
    assert from_store.source == "store (no build folder)"
    assert (from_file.source, views_file.source) == (FACTS_FILE, FACTS_FILE)
    assert from_file.assignments == from_store.assignments
    assert from_file.tasks == from_store.tasks and list(from_file.tasks) == list(from_store.tasks)
    assert from_file.parties == from_store.parties
    for name in ("documents", "sections", "tasks", "units"):
        assert getattr(views_file, name) == getattr(views_store, name), name
    assert list(views_file.tasks) == list(views_store.tasks) and list(views_file.units) == list(views_store.units)
    # the workload ranking: the file's facts carry the tasks' indicators and projects, the
    # store's facts do not (the ranking queries them)
    assert from_file.indicators is not None and from_store.indicators is None
    store = open_store(out)
    try:
        ranked_file, ranked_store = compute_workload(store, facts=from_file), compute_workload(store, facts=from_store)
    finally:
        store.close()
    assert ranked_file.units == ranked_store.units and ranked_file.groups == ranked_store.groups
    return from_file, views_file


def _generated(src: Path, tasks: int, seed: int) -> list[Path]:
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    return generate.generate(src, tasks, per_doc=100, seed=seed, districts=3)


def test_the_example_build_reads_the_same_facts_from_its_file_as_from_its_store(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([EXAMPLES], out, BuildOptions(artifacts=False))
    facts, views = _assert_equal(out)
    # what is compared is there: the plan's tasks, a group reference and the members it reaches
    assert len(facts.tasks) == 72
    via = [f for f in facts.assignments if f.via_group is not None]
    assert via and {facts.parties[f.via_group].label for f in via} >= {"各街道"}
    assert any(u.members for u in views.units.values()) and any(u.aliases for u in views.units.values())
    assert any(t.indicators for t in views.tasks.values()) and any(t.projects for t in views.tasks.values())
    assert facts.indicators == {t: len(v.indicators) for t, v in views.tasks.items() if v.indicators}
    assert facts.projects == {t: frozenset(p for p, _ in v.projects) for t, v in views.tasks.items() if v.projects}
    assert {d.kind for d in views.documents.values()} == {"TaskPlan", "WorkReport"}
    # one line per document after the header, the document's IRI first
    lines = (out / FACTS_FILE).read_text(encoding="utf-8").splitlines()
    head = json.loads(lines[0])
    assert (head["format"], head["version"], len(lines)) == ("kg facts", 1, 3)
    assert {json.loads(line)["document"] for line in lines[1:]} == set(views.documents)


def test_a_generated_corpus_and_its_incremental_rebuild_read_equal_facts(tmp_path: Path) -> None:
    src, out = tmp_path / "corpus", tmp_path / "out"
    paths = _generated(src, 600, seed=5)
    # the generated regions' profiles list no members: the example plan's groups reach theirs
    shutil.copy2(EXAMPLES / "gulou_task_decomposition.txt", src / "gulou_task_decomposition.txt")
    build([src], out, BuildOptions(artifacts=False))
    facts, _ = _assert_equal(out)
    groups = {(f.region, f.unit_label) for f in facts.assignments if f.unit_type == "UnitGroup"}
    assert {r for r, _ in groups} == {"generic", "cn-220681", "nanjing-gulou"}
    assert {facts.parties[f.via_group].label for f in facts.assignments if f.via_group} >= {"各街道"}
    # edit one plan (a task naming a group reference), remove another: an incremental rebuild
    with (src / "gulou_task_decomposition.txt").open("a", encoding="utf-8") as fh:
        fh.write("\n73.新增一项补充任务，确保全年新增停车泊位200个以上。（区城管局主办，各街道协办）\n")
    paths[3].unlink()
    again = build([src], out, BuildOptions(artifacts=False))
    assert (again.extracted, again.store_mode) == (1, "incremental")
    facts, _ = _assert_equal(out)
    assert any(f.task_text.startswith("新增一项补充任务") and f.via_group for f in facts.assignments)
    full = tmp_path / "full"
    build([src], full, BuildOptions(artifacts=False))
    assert (out / FACTS_FILE).read_bytes() == (full / FACTS_FILE).read_bytes()


def test_a_build_that_does_not_expand_groups_reads_equal_facts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([EXAMPLES / "gulou_task_decomposition.txt"], out, BuildOptions(artifacts=False, expand_groups=False))
    facts, _ = _assert_equal(out)
    assert any(f.via_group for f in facts.assignments)  # the groups' members, from the gazetteer


def test_the_file_is_read_only_when_it_belongs_to_the_build(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    build([EXAMPLES / "gulou_task_decomposition.txt"], one, BuildOptions(artifacts=False))
    build([EXAMPLES], two, BuildOptions(artifacts=False))
    store = open_store(one)
    try:
        assert read_facts(store, build=one).source == FACTS_FILE
        # the facts file of another build: its graphs are not those of this build's index
        shutil.copy2(two / FACTS_FILE, one / FACTS_FILE)
        facts = read_facts(store, build=one)
        assert facts.source == f"store ({FACTS_FILE} does not describe the graphs of cache/index.json)"
        assert len(facts.tasks) == 72  # the store's, not the other build's (140 tasks and statements)
        views = load_view_data(store, facts, build=one)
        assert views.source == facts.source
        assert len(views.documents) == 1
        # a build by an older kg: no facts file
        (one / FACTS_FILE).unlink()
        facts = read_facts(store, build=one)
        assert facts.source == f"store (no {FACTS_FILE} with a cache index (a build by an older kg))"
        # another version of the format
        lines = (two / FACTS_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
        head = json.loads(lines[0])
        (one / FACTS_FILE).write_text(json.dumps({**head, "version": 0}) + "\n", encoding="utf-8")
        assert read_facts(store, build=one).source == f"store ({FACTS_FILE} is not of version 1 of the format)"
    finally:
        store.close()


@pytest.mark.slow  # the report of the examples twice
def test_the_report_reads_the_file_and_writes_what_it_writes_from_the_store(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from kg.pipeline.artifacts import write_artifacts

    out = tmp_path / "out"
    build([EXAMPLES], out, BuildOptions(artifacts=False))
    with caplog.at_level(logging.DEBUG, logger="kg.analysis.facts"):
        write_artifacts(out, None)
    assert caplog.messages == [f"the facts are read from {out / FACTS_FILE}"]  # once, for every writer
    caplog.clear()
    with_file = {p.name: p.read_bytes() for p in [*out.glob("*.html"), *out.glob("*.csv"), *(out / "views").glob("*")]}
    (out / FACTS_FILE).unlink()
    with caplog.at_level(logging.DEBUG, logger="kg.analysis.facts"):
        write_artifacts(out, None)
    assert caplog.messages == [f"the facts are read from the store: no {FACTS_FILE} with a cache index (a build by an older kg)"]
    from_store = {p.name: p.read_bytes() for p in [*out.glob("*.html"), *out.glob("*.csv"), *(out / "views").glob("*")]}
    assert {"index.html", "workload.csv", "assignments.csv", "responsibility.html"} <= set(with_file)
    assert sorted(with_file) == sorted(from_store)
    assert [n for n in with_file if with_file[n] != from_store[n]] == []


def test_the_records_are_read_one_at_a_time_and_not_kept(tmp_path: Path) -> None:
    from kg.analysis.facts import facts_of_records
    from kg.pipeline.facts_file import build_facts_records, load_build_facts

    out = tmp_path / "out"
    build([EXAMPLES], out, BuildOptions(artifacts=False))
    records, why = build_facts_records(out)
    assert records is not None and why == FACTS_FILE
    first = next(records)  # parsed when taken: one document's record
    assert first["name"] == "gulou_2020_work_report" and first["tasks"] == []  # (a work report: no facts)
    assert [r["name"] for r in records] == ["gulou_task_decomposition"]
    listed, _ = load_build_facts(out)
    again, _ = load_build_facts(out)
    assert listed is not None and again == listed and again is not listed  # read again: nothing kept between readers
    streamed, _ = build_facts_records(out)
    assert streamed is not None and facts_of_records(streamed) == facts_of_records(listed)


def test_a_line_that_cannot_be_read_sends_the_reader_to_the_store(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([EXAMPLES / "gulou_task_decomposition.txt"], out, BuildOptions(artifacts=False))
    path = out / FACTS_FILE
    head, line = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(head + line[: len(line) // 2] + "\n", encoding="utf-8")  # the document's line cut short
    store = open_store(out)
    try:
        facts = read_facts(store, build=out)
    finally:
        store.close()
    assert facts.source.startswith(f"store ({FACTS_FILE} cannot be read: {path}:2: ")
    assert len(facts.tasks) == 72  # the store's
    from kg.pipeline.facts_file import load_build_facts

    records, why = load_build_facts(out)
    assert records is None and why.startswith(f"{FACTS_FILE} cannot be read: {path}:2: ")


@pytest.mark.slow  # a build of the examples with its report
def test_the_build_writes_its_report_from_its_facts_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="kg.analysis.facts"):
        build([EXAMPLES], tmp_path / "out", BuildOptions(artifacts=True))
    (message,) = caplog.messages  # once, for the workload files and the report
    assert message.startswith(f"the facts are read from {tmp_path}/.out.tmp-") and message.endswith(f"/{FACTS_FILE}")
