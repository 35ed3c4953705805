"""Pieces every structured reader shares: the line sink and joining of cell paragraphs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Line
from ..text.normalize import normalize_text

__all__ = ["LineSink", "GridCell", "join_pieces", "join_wrapped", "clean", "row_text"]

_SENTENCE_END = "。；;！!？?：:，,、）)】」』”"
_SENTENCE_PUNCT = re.compile(r"[。；！？，：]")


def clean(text: str) -> str:
    """Normalise one piece of text (a paragraph, a cell) into a single line."""
    if "\n" in text or "\r" in text:
        text = join_pieces(text.splitlines())
    return normalize_text(text)


def join_pieces(pieces: Sequence[str]) -> str:
    """Join the paragraphs (or wrapped lines) of one cell into one line of text.

    Chinese text needs no space between pieces. Two short pieces without sentence
    punctuation are most often list entries written one per line (区发改委 / 区科技局):
    they are joined with ``、`` so that the names stay apart.

    >>> join_pieces(["区发改委", "区科技局"])
    '区发改委、区科技局'
    >>> join_pieces(["发力区块链先导区建设；", "完善信息基础设施。"])
    '发力区块链先导区建设；完善信息基础设施。'
    """
    parts = [normalize_text(p) for p in pieces]
    parts = [p for p in parts if p]
    if not parts:
        return ""
    out = parts[0]
    for prev, nxt in zip(parts, parts[1:], strict=False):
        if (
            prev[-1] not in _SENTENCE_END
            and nxt[0] not in _SENTENCE_END
            and _looks_like_name(prev)
            and _looks_like_name(nxt)
        ):
            out += "、" + nxt
        elif prev[-1].isascii() and prev[-1].isalnum() and nxt[0].isascii() and nxt[0].isalnum():
            out += " " + nxt  # two Latin words
        else:
            out += nxt
    return out


def join_wrapped(pieces: Sequence[str]) -> str:
    """Join visual lines of one paragraph that were wrapped at the margin.

    >>> join_wrapped(["确保全年新增硅巷10万平方", "米以上。see the", "plan"])
    '确保全年新增硅巷10万平方米以上。see the plan'
    """
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if out and piece and out[-1].isascii() and out[-1].isalnum() and piece[0].isascii() and piece[0].isalnum():
            out += " "
        out += piece
    return out


def _looks_like_name(piece: str) -> bool:
    return len(piece) <= 16 and not _SENTENCE_PUNCT.search(piece) and not piece[-1].isdigit()


_EMPTY_CELL = re.compile(r"(?<=\|) {2}(?=\|)")


def row_text(cells: Sequence[str]) -> str:
    """The text of a table row: its cells joined with `` | ``, normalised.

    An empty cell is written ``| |``: two spaces would read as a tab, a cell boundary.

    >>> row_text(["1", "推进硅巷建设", "", "", "长期坚持"])
    '1 | 推进硅巷建设 | | | 长期坚持'
    """
    return normalize_text(_EMPTY_CELL.sub(" ", " | ".join(cells)))


@dataclass(frozen=True)
class GridCell:
    """One cell of a table grid after merged cells were spread out.

    ``from_above``/``from_left`` say that the cell is covered by a merged cell that starts
    in an earlier row / column; ``text`` is then that merged cell's text, repeated.
    """

    text: str
    from_above: bool = False
    from_left: bool = False


class LineSink:
    """Collects :class:`Line` records, numbering them with a running position, and the
    reader's warnings (``(position, message)``: what was skipped or read differently)."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.position = 0
        self.notes: list[tuple[int, str]] = []

    def warn(self, position: int, message: str) -> None:
        self.notes.append((position, message))

    def advance(self) -> int:
        """Take the next running position (also for pieces that turn out empty)."""
        self.position += 1
        return self.position

    def prose(self, text: str, location: str, number: int | None = None) -> None:
        n = number if number is not None else self.advance()
        text = clean(text)
        if text:
            self.lines.append(Line(number=n, text=text, location=location))

    def row(self, cells: Sequence[str], location: str, number: int | None = None) -> None:
        n = number if number is not None else self.advance()
        cells = tuple(cells)
        if not any(cells):
            return
        self.lines.append(Line(number=n, text=row_text(cells), location=location, cells=cells))
