"""Schema checks of the ontology data files, driven by the type of what a file holds.

A JSON file is checked against a ``TypedDict`` (its keys, and the type of every value,
recursively); a CSV file row by row against a ``TypedDict`` of its columns. Every problem is
an :class:`~kg.errors.OntologyError` whose message names the place: ``file:key: what is
wrong`` for JSON (``ontology/indicators.json:count_units[3]: expected a string``),
``file:line: …`` for a CSV row or a JSON Lines entry. Keys starting with ``_`` are comments
and are dropped; any other key the type does not declare is an error (a misspelt key would
otherwise be ignored in silence).
"""

from __future__ import annotations

import csv
import json
import re
import types
import typing
from pathlib import Path
from typing import (
    Any,
    Literal,
    NewType,
    NotRequired,
    TypeVar,
    get_args,
    get_origin,
    get_type_hints,
    is_typeddict,
)

from ..errors import OntologyError
from .paths import shown

__all__ = ["Regex", "read_json", "read_jsonl", "read_csv", "check", "split_cell"]

Regex = NewType("Regex", str)
"""A string that must compile as a regular expression."""

T = TypeVar("T")


def _fail(where: str, what: str) -> OntologyError:
    return OntologyError(f"{where}: {what}")


def _fields(hint: Any) -> tuple[dict[str, Any], set[str]]:
    """The value types of a ``TypedDict``'s keys, and its required keys (read from the
    annotations: with postponed annotations ``__required_keys__`` misses ``NotRequired``)."""
    extras = get_type_hints(hint, include_extras=True)
    required = {k for k, v in extras.items() if get_origin(v) is not NotRequired}
    return get_type_hints(hint), required


def _check_typeddict(value: object, hint: Any, where: str, top: bool) -> dict[str, object]:
    if not isinstance(value, dict):
        raise _fail(where, "expected an object")
    hints, required = _fields(hint)
    out: dict[str, object] = {}
    sep = ":" if top else "."
    for key, item in value.items():
        if str(key).startswith("_"):
            continue
        if key not in hints:
            raise _fail(f"{where}{sep}{key}", "unknown key")
        out[key] = check(item, hints[key], f"{where}{sep}{key}")
    missing = sorted(required - set(value))
    if missing:
        raise _fail(f"{where}{sep}{missing[0]}", "missing")
    return out


def _check_plain(value: object, hint: Any, where: str) -> object:
    if hint is str or hint is Regex:
        if not isinstance(value, str):
            raise _fail(where, "expected a string")
        if hint is Regex:
            try:
                re.compile(value)
            except re.error as exc:
                raise _fail(where, f"not a regular expression ({exc})") from None
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise _fail(where, "expected true or false")
        return value
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _fail(where, "expected an integer")
        return value
    if hint is object:
        return value
    raise TypeError(f"kg.resources.schema cannot check {hint!r}")  # a programming error


def check(value: object, hint: Any, where: str, *, top: bool = False) -> Any:
    """``value`` if it has type ``hint``, else an :class:`OntologyError` at ``where``.

    A string inside a list, or a key of an object, must not be empty (an empty word matches
    everywhere)."""
    origin = get_origin(hint)
    if is_typeddict(hint):
        return _check_typeddict(value, hint, where, top)
    if origin is Literal:
        if value not in get_args(hint):
            raise _fail(where, "expected one of " + ", ".join(repr(a) for a in get_args(hint)))
        return value
    if origin in (typing.Union, types.UnionType):
        for option in get_args(hint):
            try:
                return check(value, option, where)
            except OntologyError:
                continue
        raise _fail(where, "expected " + " or ".join(_name(a) for a in get_args(hint)))
    if origin is list:
        if not isinstance(value, list):
            raise _fail(where, "expected a list")
        (item,) = get_args(hint)
        out = [check(v, item, f"{where}[{i}]") for i, v in enumerate(value)]
        if item in (str, Regex) and "" in out:
            raise _fail(f"{where}[{out.index('')}]", "empty string")
        return out
    if origin is dict:
        if not isinstance(value, dict):
            raise _fail(where, "expected an object")
        _, item = get_args(hint)
        if "" in value:
            raise _fail(where, "empty key")
        return {k: check(v, item, f"{where}.{k}") for k, v in value.items()}
    return _check_plain(value, hint, where)


def _name(hint: Any) -> str:
    origin = get_origin(hint)
    if origin is list:
        return "a list"
    if origin is dict or is_typeddict(hint):
        return "an object"
    return {str: "a string", int: "an integer", bool: "true or false"}.get(hint, repr(hint))


def _open_error(path: Path, exc: OSError) -> OntologyError:
    return OntologyError(f"{shown(path)}: cannot be read ({exc.strerror or exc})")


def read_json(path: Path, hint: type[T]) -> T:
    """The JSON object of ``path``, checked against the ``TypedDict`` ``hint``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _open_error(path, exc) from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", 0)
        raise OntologyError(f"{shown(path)}:{line}: not valid JSON ({getattr(exc, 'msg', exc)})") from None
    result: T = check(data, hint, shown(path), top=True)
    return result


def read_jsonl(path: Path, hint: type[T]) -> list[T]:
    """The JSON objects of ``path``, one a line (blank lines skipped), each checked
    against ``hint``; a problem is reported at ``file:line``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise _open_error(path, exc) from None
    out: list[T] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{shown(path)}:{number}"
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise OntologyError(f"{where}: not valid JSON ({getattr(exc, 'msg', exc)})") from None
        out.append(check(data, hint, where, top=True))
    return out


def read_csv(path: Path, hint: type[T]) -> list[tuple[int, T]]:
    """The rows of the CSV file ``path`` with their line numbers, each checked against the
    ``TypedDict`` ``hint`` of its columns (all strings or ``Literal`` values; a column that is
    not required may be missing from the header)."""
    hints, required = _fields(hint)
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            unknown = [c for c in header if c not in hints]
            if unknown:
                raise OntologyError(f"{shown(path)}:1: unknown column {unknown[0]!r}")
            missing = sorted(required - set(header))
            if missing:
                raise OntologyError(f"{shown(path)}:1: missing column {missing[0]!r}")
            rows: list[tuple[int, T]] = []
            for row in reader:
                where = f"{shown(path)}:{reader.line_num}"
                if None in row:
                    raise OntologyError(f"{where}: more cells than columns")
                cells = {k: v for k, v in row.items() if v is not None}
                if len(cells) < len(header):
                    raise OntologyError(f"{where}: fewer cells than columns")
                for column, value in cells.items():
                    check(value, hints[column], f"{where}: column {column!r}")
                rows.append((reader.line_num, typing.cast(T, cells)))
    except OSError as exc:
        raise _open_error(path, exc) from None
    return rows


def split_cell(cell: str) -> tuple[str, ...]:
    """The ``|``-separated values of a CSV cell, stripped, empty ones dropped."""
    return tuple(x.strip() for x in cell.split("|") if x.strip()) if cell else ()
