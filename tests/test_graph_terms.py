"""The graph stage writes N-Quads lines itself (see kg/graph/quads.py): every term must be
written exactly as Oxigraph's serialiser writes it, and every line must parse."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.graph.quads import N, lit, zh

XSD = "http://www.w3.org/2001/XMLSchema#"

# every control character, the escaped ones, quotes, backslashes, a lone surrogate-free
# sample of the planes document text uses, and text as documents hold it
AWKWARD = [
    "".join(map(chr, range(0x00, 0x80))),
    'say "多" \\ not \\"',
    "第一行\n第二行\r\n\t缩进\u000b\u000c\u0008",
    "全角（区科技局、高新区管委会主办，区相关部门协办）%～￥…—",
    "emoji 🙂 and \u2028 line separator and \u00a0 nbsp and \u007f del",
    "",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_language_literals_are_written_as_oxigraph_writes_them(text: str) -> None:
    assert zh(text) == str(ox.Literal(text, language="zh"))


@pytest.mark.parametrize("text", AWKWARD)
def test_plain_literals_are_written_as_oxigraph_writes_them(text: str) -> None:
    assert lit(text) == str(ox.Literal(text))


@pytest.mark.parametrize(
    ("value", "lexical", "datatype"),
    [
        (True, "true", "boolean"),
        (False, "false", "boolean"),
        (0, "0", "integer"),
        (-12, "-12", "integer"),
        (12.0, "12.0", "decimal"),
        (0.1, "0.1", "decimal"),
        (1e-7, "0.0000001", "decimal"),
        (2.5e6, "2500000.0", "decimal"),
        (Decimal("3.140"), "3.14", "decimal"),
    ],
)
def test_typed_literals(value: object, lexical: str, datatype: str) -> None:
    assert lit(value) == str(ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype)))


def test_iris() -> None:
    from kg.graph.vocab import iri_task

    iri = iri_task("鼓楼区2021年 任务/分解", 3)
    assert N(iri) == str(ox.NamedNode(iri))


def test_chunks_parse_strictly_and_round_trip(example_out: Path) -> None:
    """Every chunk of the bundled examples' build is valid N-Quads (IRIs checked) and is
    what Oxigraph writes when it serialises the parsed quads again."""
    chunks = sorted((example_out / "cache" / "docs").glob("*.nq"))
    assert chunks
    for chunk in chunks:
        data = chunk.read_bytes()
        quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
        again = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        assert sorted(again.splitlines()) == data.splitlines(), chunk.name
