"""Hostile input files (issue 12, item 7; cases of /work/shared/RELIABILITY.md).

Each test is named after its case: H3 (a tiny .xlsx that declares a huge sheet), M1 (``src=//``
in a task's text), M6 (deeply nested HTML), L1 (a bad byte in a .txt), L8 (one very long
line), L12 (UTF-16 without a BOM).
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.extract import extract_document
from kg.read import decode_text, read_source

from .conftest import PLAN


def _task_signature(path: Path) -> list[tuple[str, list[str | None], list[str | None]]]:
    doc = extract_document(read_source(path))
    return [
        (t.number, [m.unit for m in t.responsibility.lead], [m.unit for m in t.responsibility.co_lead])
        for t in doc.tasks
    ]


# --- L1: a bad byte in the middle of a .txt ---------------------------------------


def _continuation_byte_at_or_after(data: bytes, offset: int) -> int:
    while not 0x80 <= data[offset] < 0xC0:
        offset += 1
    return offset


def test_L1_utf8_txt_with_one_bad_byte_keeps_every_task_and_warns_its_line(tmp_path: Path) -> None:
    data = PLAN.read_bytes()
    cut = _continuation_byte_at_or_after(data, 3000)  # the case of the review: one byte deleted
    damaged = tmp_path / "trunc_mid.txt"
    damaged.write_bytes(data[:cut] + data[cut + 1 :])
    bad_line = data[:cut].count(b"\n") + 1

    src = read_source(damaged)

    assert src.encoding == "utf-8"
    assert [(n.line, n.code) for n in src.notes] == [(bad_line, "bad-bytes")]
    assert str(src.notes[0]) == f"{damaged}:{bad_line}: bytes that are not utf-8 text were replaced with \ufffd"
    damaged_line = next(ln for ln in src.lines if ln.number == bad_line)
    assert "\ufffd" in damaged_line.text
    # every other line reads as in the intact file
    intact = {ln.number: ln.text for ln in read_source(PLAN).lines}
    assert {ln.number: ln.text for ln in src.lines if ln.number != bad_line} == {
        n: t for n, t in intact.items() if n != bad_line
    }
    assert [t for t, _, _ in _task_signature(damaged)] == [t for t, _, _ in _task_signature(PLAN)]


def test_L1_gb18030_txt_with_one_bad_byte_keeps_every_task(tmp_path: Path) -> None:
    data = PLAN.read_text(encoding="utf-8").encode("gb18030")
    at = data.index("主办".encode("gb18030"), len(data) // 2)
    damaged = tmp_path / "gb_bad.txt"
    damaged.write_bytes(data[:at] + b"\xff" + data[at:])  # 0xFF starts no GB18030 character

    src = read_source(damaged)

    assert src.encoding == "gb18030"
    assert [n.line for n in src.notes] == [data[:at].count(b"\n") + 1]
    assert len(_task_signature(damaged)) == len(_task_signature(PLAN))


def test_L1_many_bad_bytes_give_the_first_few_lines_and_a_count(tmp_path: Path) -> None:
    lines = [f"{i}.推进第{i}项重点工作，完成全年目标任务（区发改委主办）" for i in range(1, 41)]
    raw = b"".join(
        line.encode() + (b"\xff" if i % 5 == 0 else b"") + b"\n" for i, line in enumerate(lines, start=1)
    )
    path = tmp_path / "plan.txt"
    path.write_bytes("一、重点任务\n".encode() + raw)

    src = read_source(path)

    bad_lines = [i + 1 for i in range(1, 41) if i % 5 == 0]  # +1: the heading line
    assert [n.line for n in src.notes] == [*bad_lines[:5], bad_lines[5]]
    assert src.notes[-1].message.startswith("3 more runs of bytes that are not utf-8 text were replaced")
    assert f"on lines {bad_lines[5]}, {bad_lines[6]}, {bad_lines[7]})" in src.notes[-1].message
    assert len(extract_document(src).tasks) == 40


def test_L1_gbk_file_with_few_chinese_words_is_not_read_as_damaged_utf8() -> None:
    # Mostly ASCII with two GBK words: every Chinese byte pair is invalid UTF-8, so this is
    # not "UTF-8 with a few bad bytes" but GB18030 text.
    data = ("Report 2021: 1. Budget review (" + "区发改委" + ") 2. Audit (" + "区审计局" + ")\n").encode("gbk") * 3
    decoded = decode_text(data)
    assert (decoded.encoding, decoded.bad) == ("gb18030", ())
    assert decoded.text.count("区发改委") == 3


def test_L1_text_with_many_bad_bytes_is_still_refused() -> None:
    line = "1.推进重点工作（区发改委主办）".encode()
    # a bad byte after every second character: not "a few"
    data = b"".join(line[i : i + 6] + b"\xff" for i in range(0, len(line), 6)) * 20
    with pytest.raises(SourceError, match="is neither UTF-8, UTF-16 nor GB18030 text"):
        decode_text(data, "junk.txt")


# --- L12: UTF-16 without a BOM ------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_L12_utf16_without_bom_is_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"plan-{encoding}.txt"
    path.write_bytes(PLAN.read_text(encoding="utf-8").encode(encoding))
    assert not path.read_bytes().startswith((b"\xff\xfe", b"\xfe\xff"))

    src = read_source(path)

    assert src.encoding == encoding
    assert src.notes == ()
    assert [(ln.number, ln.text) for ln in src.lines] == [(ln.number, ln.text) for ln in read_source(PLAN).lines]
    assert _task_signature(path) == _task_signature(PLAN)


def test_L12_binary_with_nul_bytes_on_one_side_is_still_binary(tmp_path: Path) -> None:
    # little 16-bit integers (a sample table): NULs at every odd offset, like UTF-16-LE ASCII,
    # but they decode to control characters, not text
    path = tmp_path / "samples.txt"
    path.write_bytes(struct.pack("<2000H", *[i % 31 for i in range(2000)]))
    with pytest.raises(SourceError, match="looks like a binary file"):
        read_source(path)
