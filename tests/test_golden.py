"""Golden files: the 72 tasks of the bundled plan, and the graph of a small plan.

Refresh with ``pytest --update-golden`` after an intended change, and review the diff.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from kg.extract import extract_document
from kg.pipeline import BuildOptions, build, task_records
from kg.read import read_source

from .conftest import GOLDEN, PLAN

DATA = Path(__file__).parent / "data"
# the graph files, tasks.jsonl and the store only: what these tests compare
GRAPH_ONLY = BuildOptions(artifacts=False)


def compare_golden(actual: str, golden: Path, update: bool) -> None:
    """Compare ``actual`` with the golden file, with a readable diff; ``update``
    (``pytest --update-golden``) rewrites the file first. A missing golden file fails:
    it is never written, and the test never passes, without the flag."""
    if update:
        golden.write_text(actual, encoding="utf-8")
    if not golden.exists():
        raise AssertionError(
            f"golden file {golden} is missing: run `python -m pytest --update-golden` to write it, "
            "then review and commit it"
        )
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), str(golden), "actual", n=1
            )
        )
        raise AssertionError(f"output differs from {golden.name}:\n{diff[:6000]}")


def test_all_72_tasks_have_their_exact_lead_and_co_lead_units():
    """The golden file was annotated by hand from the document, task by task."""
    doc = extract_document(read_source(PLAN))
    golden = [json.loads(x) for x in (GOLDEN / "gulou_task_decomposition.responsibility.jsonl").read_text("utf-8").splitlines()]
    got = [
        {
            "id": r["id"],
            "lead": [m["name"] for m in r["lead"]],
            "co_lead": [m["name"] for m in r["co_lead"]],
            "lead_units": [m["unit"] for m in r["lead"]],
            "co_lead_units": [m["unit"] for m in r["co_lead"]],
        }
        for r in task_records(doc)
    ]
    assert len(got) == 72
    for g, a in zip(golden, got, strict=True):
        assert a == g, f"task {g['id']}"


def test_lead_counts_of_the_example_match_a_hand_count():
    doc = extract_document(read_source(PLAN))
    counts: dict[str, int] = {}
    for t in doc.tasks:
        for m in t.responsibility.lead:
            counts[m.unit] = counts.get(m.unit, 0) + 1
    assert counts["区发改委"] == 10
    assert counts["区科技局"] == counts["区商务局"] == counts["区建设局"] == 7
    assert max(counts.values()) == 10


def test_small_plan_graph_matches_golden(tmp_path, update_golden):
    out = tmp_path / "out"
    build([DATA / "small_plan.txt"], out, GRAPH_ONLY)
    nq = (out / "graph.nq").read_text(encoding="utf-8")
    compare_golden(nq, GOLDEN / "small_plan.nq", update_golden)


def test_a_missing_golden_file_fails_and_names_the_flag(tmp_path):
    missing = tmp_path / "missing.nq"
    with pytest.raises(AssertionError, match=r"missing: run `python -m pytest --update-golden`"):
        compare_golden("<a> <b> <c> .\n", missing, update=False)
    assert not missing.exists()  # nothing written without the flag


def test_a_different_output_fails_with_a_diff_and_the_flag_rewrites_it(tmp_path):
    golden = tmp_path / "g.nq"
    golden.write_text("<a> <b> <c> .\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"(?s)differs from g.nq:.*-<a> <b> <c> \.\n\+<a> <b> <d> \."):
        compare_golden("<a> <b> <d> .\n", golden, update=False)
    assert golden.read_text(encoding="utf-8") == "<a> <b> <c> .\n"
    compare_golden("<a> <b> <d> .\n", golden, update=True)
    assert golden.read_text(encoding="utf-8") == "<a> <b> <d> .\n"


def test_two_builds_give_identical_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    build([PLAN], a, GRAPH_ONLY)
    build([PLAN], b, GRAPH_ONLY)
    for name in ("graph.nq", "graph.trig", "graph.ttl", "tasks.jsonl"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_gb18030_and_utf16_inputs_give_the_same_graph_as_utf8(tmp_path):
    text = PLAN.read_text(encoding="utf-8")
    outs = {}
    for enc in ("utf-8", "utf-8-sig", "gb18030", "utf-16"):
        folder = tmp_path / enc
        folder.mkdir()
        path = folder / PLAN.name  # same document name, so the same IRIs
        path.write_bytes(text.encode(enc))
        out = tmp_path / f"out-{enc}"
        build([path], out, GRAPH_ONLY)
        nq = (out / "graph.nq").read_text(encoding="utf-8")
        # the encoding and the file hash are recorded on the document and must differ
        outs[enc] = "\n".join(
            line for line in nq.splitlines() if "#encoding>" not in line and "#contentHash>" not in line
        )
    assert outs["utf-8"] == outs["gb18030"] == outs["utf-8-sig"] == outs["utf-16"]


def test_the_built_example_conforms_to_the_shapes(example_out):
    from kg.graph.validate import validate_build

    report = validate_build(example_out)
    assert report.conforms, report.text


def test_the_shapes_catch_a_wrong_lead_count_and_a_lead_that_also_co_leads(tmp_path):
    """Counter-examples of the invariants queries/weighted_load.rq relies on."""
    from rdflib import Graph, Literal, URIRef

    from kg.graph.validate import validate_build
    from kg.graph.vocab import KG

    out = tmp_path / "out"
    build([PLAN], out, GRAPH_ONLY)
    g = Graph().parse(str(out / "graph.ttl"), format="turtle")
    task, lead = next((t, u) for t, u in g.subject_objects(KG.lead) if (t, KG.leadCount, Literal(1)) in g)
    for tampered, message in [
        ({(task, KG.leadCount, Literal(1))}, "kg:leadCount is missing"),
        ({(task, KG.coLead, lead)}, "also one of its co-leads"),
    ]:
        bad = tmp_path / f"bad-{len(message)}"
        bad.mkdir()
        h = Graph()
        for t in g:
            h.add(t)
        for t in tampered:
            if t in g:
                h.remove(t)
            else:
                h.add(t)
        h.serialize(str(bad / "graph.ttl"), format="turtle")
        report = validate_build(bad)
        assert not report.conforms and message in report.text, message
        assert isinstance(task, URIRef)
