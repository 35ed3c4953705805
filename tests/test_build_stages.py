"""The stages of ``kg.pipeline.build`` one at a time (issue 14: build() as a sequence of stage
functions, each testable alone)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.errors import UsageError
from kg.pipeline import BuildOptions, build, plan_reuse, scan
from kg.pipeline.cache import CacheFolder

FAST = BuildOptions(artifacts=False, region="nanjing-gulou")
PLAN = "鼓楼区2021年目标任务分解方案\n一、科技创新\n1.推进科技创新平台建设。（区科技局主办，区发改委协办）\n"


def _corpus(root: Path) -> Path:
    for folder, name in (("a", "plan.txt"), ("b", "plan.txt"), ("a", "report.txt")):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / name).write_text(PLAN, encoding="utf-8")
    return root


def test_scan_names_the_documents_and_keys_them_by_content(tmp_path: Path) -> None:
    src = _corpus(tmp_path / "in")
    inputs = scan([src], tmp_path / "out", FAST)
    assert [p.relative_to(src).as_posix() for p in inputs.files] == ["a/plan.txt", "a/report.txt", "b/plan.txt"]
    assert inputs.names == ["plan", "report", "plan (b)"]
    assert [i.message for i in inputs.collected] == [
        f"document name 'plan' is also the name of {src / 'a' / 'plan.txt'}; this one is named 'plan (b)'"
    ]
    # the same bytes under two names: two keys (the name is in the key), the third its own
    assert len(set(inputs.keys)) == 3
    assert not inputs.reusable and inputs.prev_keys == frozenset() and inputs.prev_graphs == {}


def test_scan_finds_nothing_to_build(tmp_path: Path) -> None:
    """Counter-example: a folder without documents is a usage error, before any work."""
    (tmp_path / "in").mkdir()
    with pytest.raises(UsageError, match=r"^no documents found in "):
        scan([tmp_path / "in"], tmp_path / "out", FAST)
    assert not (tmp_path / "out").exists()


def test_after_a_build_scan_sees_its_cache_and_plan_reuse_takes_every_unchanged_document(tmp_path: Path) -> None:
    src = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    build([src], out, FAST)
    (src / "b" / "plan.txt").write_text(PLAN + "2.新任务。（区财政局主办）\n", encoding="utf-8")
    inputs = scan([src], out, FAST)
    assert inputs.reusable
    assert len(inputs.prev_keys) == 3 and len(inputs.prev_graphs) > 3  # documents, and the shared graphs
    todo, reuse = plan_reuse(inputs, CacheFolder(out / "cache" / "docs"))
    assert (todo, reuse) == ([2], [0, 1])  # the edited b/plan.txt only
    # other options: another cache salt, nothing is reused
    assert not scan([src], out, BuildOptions(artifacts=False, region="nanjing-gulou", expand_groups=False)).reusable


def _hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files ``scan`` reads to hash them (the others' digests come from the state)."""
    from kg.pipeline import cache

    calls: list[str] = []
    real = cache.file_digest

    def digest(path: Path) -> str | None:
        calls.append(path.relative_to(path.parents[1]).as_posix())
        return real(path)

    monkeypatch.setattr(cache, "file_digest", digest)
    return calls


def test_scan_reads_only_files_whose_stat_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is hashed again when its size, times or inode changed; an edit that keeps
    the size and puts the modification time back is seen too (its ctime changed)."""
    from kg.pipeline import cache

    src = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    monkeypatch.setattr(cache, "RACY_NS", -10**12)  # every file counts as written long before the scan
    build([src], out, FAST)
    edited = src / "b" / "plan.txt"
    before = edited.stat()
    edited.write_text(PLAN.replace("科技创新平台", "创新科技平台"), encoding="utf-8")  # same size
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert edited.stat().st_size == before.st_size and edited.stat().st_mtime_ns == before.st_mtime_ns
    calls = _hashed(monkeypatch)
    inputs = scan([src], out, FAST)
    assert calls == ["b/plan.txt"]
    assert [k in inputs.prev_keys for k in inputs.keys] == [True, True, False]


def test_scan_hashes_files_changed_near_the_previous_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counter-example: files written less than RACY_NS before the previous build's scan
    began may have changed in the same clock tick: they are all read again."""
    src = _corpus(tmp_path / "in")
    out = tmp_path / "out"
    build([src], out, FAST)  # (the corpus was written just now)
    calls = _hashed(monkeypatch)
    inputs = scan([src], out, FAST)
    assert sorted(calls) == ["a/plan.txt", "a/report.txt", "b/plan.txt"]
    assert all(k in inputs.prev_keys for k in inputs.keys)


def test_a_shared_union_is_counted_from_the_previous_one_and_equals_a_recount(tmp_path: Path) -> None:
    """The names and metrics graphs are unions of the documents' chunks: a rebuild takes
    the previous counts, takes away the chunks of documents gone and adds the new ones; a
    line two documents share stays until both are gone."""
    from kg.pipeline.cache import DocInfo
    from kg.pipeline.shared import _union

    folder = CacheFolder(tmp_path)
    chunks = {"a": b"<x> <p> <u1> <g> .\n<x> <p> <u2> <g> .\n", "b": b"<x> <p> <u2> <g> .\n", "c": b"<x> <p> <u3> <g> .\n"}
    for key, data in chunks.items():
        (tmp_path / f"{key}.names.nq").write_bytes(data)

    def infos(*keys: str) -> list[DocInfo]:
        return [DocInfo(key=k, path=f"{k}.txt") for k in keys]

    first = _union(folder, infos("a", "b"), ".names.nq", None)
    assert first[1] == {b"<x> <p> <u1> <g> .": 1, b"<x> <p> <u2> <g> .": 2}
    second = _union(folder, infos("b", "c"), ".names.nq", first)  # a gone, c new
    assert second == (["b", "c"], {b"<x> <p> <u2> <g> .": 1, b"<x> <p> <u3> <g> .": 1})
    assert second == _union(folder, infos("b", "c"), ".names.nq", None)
    # counter-example: the chunk of a document gone is missing: counted again from every member
    (tmp_path / "a.names.nq").unlink()
    assert _union(folder, infos("b", "c"), ".names.nq", first) == second
