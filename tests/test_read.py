"""Reading plain text: encodings detected, punctuation and spaces normalised, bad input reported."""

from __future__ import annotations

import pytest

from kg.errors import SourceError
from kg.read import read_source
from kg.read.text import decode_bytes
from kg.text.normalize import normalize_text

TEXT = "一、关于扩大有效投入\n11.地区生产总值增长7%。(区发改委主办)\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings_are_detected(tmp_path, encoding):
    data = TEXT.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    p = tmp_path / "plan.txt"
    p.write_bytes(data)
    src = read_source(p)
    assert [ln.text for ln in src.lines] == ["一、关于扩大有效投入", "11.地区生产总值增长7%。（区发改委主办）"]
    assert [ln.number for ln in src.lines] == [1, 2]


def test_gb18030_is_reported_as_such():
    assert decode_bytes(TEXT.encode("gb18030"))[1] == "gb18030"


def test_binary_file_is_a_one_line_error(tmp_path):
    p = tmp_path / "x.txt"
    p.write_bytes(b"\x00\x01\x02\x89PNG\x00" * 100)
    with pytest.raises(SourceError, match="binary"):
        read_source(p)


def test_missing_file(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        read_source(tmp_path / "nope.txt")


def test_empty_file_reads_as_no_lines(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    assert read_source(p).lines == ()


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("(区科技局,高新区管委会主办)", "（区科技局，高新区管委会主办）"),
        ("牵头单位:区发改委;责任单位:区财政局", "牵头单位：区发改委；责任单位：区财政局"),
        ("完善智梦园信息 基础设施", "完善智梦园信息基础设施"),
        ("政 府 工 作 报 告", "政府工作报告"),
        ("２０２１年６月底前", "2021年6月底前"),
        ("投资1,000万元，时间10:30", "投资1,000万元，时间10:30"),
        ("\u3000\u3000区发改委\u200b主办 ", "区发改委主办"),
        ("2、 加速创新驱动", "2、加速创新驱动"),
    ],
)
def test_normalisation(raw, expected):
    assert normalize_text(raw) == expected
    assert normalize_text(expected) == expected  # idempotent
