"""kg.layout.Splice: a file written from parts copies the runs of parts the previous
build's file holds, and is always exactly the parts."""

from __future__ import annotations

import json
import os
from pathlib import Path

from kg.layout import Splice


def _parts(folder: Path, texts: dict[str, str]) -> dict[str, Path]:
    folder.mkdir(exist_ok=True)
    out = {}
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
        out[name] = folder / name
    return out


def _write(out: Path, parts: list[Path | bytes], previous: Path | None, maps: object) -> Splice:
    out.mkdir()
    splice = Splice(previous, maps)
    splice.concat(parts, out / "tasks.jsonl", b"HEAD\n")
    return splice


def test_unchanged_runs_come_from_the_previous_file(tmp_path: Path) -> None:
    p = _parts(tmp_path / "cache", {"a.jsonl": "甲\n", "b.jsonl": "乙\n", "c.jsonl": "丙\n"})
    first = _write(tmp_path / "one", [p["a.jsonl"], b",", p["b.jsonl"], b",", p["c.jsonl"]], None, None)
    assert first.copied == 0
    maps = json.loads(json.dumps(first.record))  # as the cache index keeps it
    # b changed (a new part file); a and c (and the separator after a) are copied
    p2 = _parts(tmp_path / "cache", {"b2.jsonl": "乙乙\n"})
    os.unlink(p["b.jsonl"])  # the old part is gone: a copied part is never opened
    os.unlink(p["a.jsonl"])
    second = _write(tmp_path / "two", [p["a.jsonl"], b",", p2["b2.jsonl"], b",", p["c.jsonl"]], tmp_path / "one", maps)
    assert second.copied == 1
    assert (tmp_path / "two" / "tasks.jsonl").read_text(encoding="utf-8") == "HEAD\n甲\n,乙乙\n,丙\n"
    assert second.record["tasks.jsonl"]["ids"] == [  # type: ignore[index]
        "=" + b"HEAD\n".hex(), "a.jsonl", "=2c", "b2.jsonl", "=2c", "c.jsonl",
    ]


def test_a_previous_file_changed_since_is_not_used(tmp_path: Path) -> None:
    p = _parts(tmp_path / "cache", {"a.jsonl": "甲\n", "b.jsonl": "乙\n"})
    first = _write(tmp_path / "one", [p["a.jsonl"], p["b.jsonl"]], None, None)
    maps = json.loads(json.dumps(first.record))
    old = tmp_path / "one" / "tasks.jsonl"
    old.write_text("HEAD\n丁\n乙\n", encoding="utf-8")  # same size, edited by hand
    second = _write(tmp_path / "two", [p["a.jsonl"], p["b.jsonl"]], tmp_path / "one", maps)
    assert second.copied == 0
    assert (tmp_path / "two" / "tasks.jsonl").read_text(encoding="utf-8") == "HEAD\n甲\n乙\n"


def test_separators_are_copied_only_after_the_part_they_followed(tmp_path: Path) -> None:
    p = _parts(tmp_path / "cache", {"a.json": "{1}", "b.json": "{2}", "c.json": "{3}"})
    first = _write(tmp_path / "one", [p["a.json"], b", ", p["b.json"]], None, None)
    maps = json.loads(json.dumps(first.record))
    # a new order, and a separator that follows a part which had none after it before
    second = _write(tmp_path / "two", [p["b.json"], b", ", p["a.json"], b"; ", p["c.json"]], tmp_path / "one", maps)
    assert (tmp_path / "two" / "tasks.jsonl").read_bytes() == b"HEAD\n{2}, {1}; {3}"
    assert second.copied == 1  # the file was written from the previous one (b, a), c opened
