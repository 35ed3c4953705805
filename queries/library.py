"""The query library: ``.rq`` files, their headers (question, parameters, columns) and lookup.

The header grammar is described in :mod:`kg.queries`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.errors import UsageError
from kg.labels import KINDS as LABEL_KINDS
from kg.store import XSD, Term

from .names import KINDS

__all__ = [
    "QUERY_DIR", "INTERNAL_DIR", "Param", "CannedQuery", "parse_term", "parse_header",
    "list_queries", "internal_query", "load_query", "resolve_query",
]

QUERY_DIR = Path(__file__).resolve().parent
# the queries kg runs itself (workload, responsibility matrix, views): not canned queries,
# not listed by `kg queries`; syntax-checked by the tests like the canned ones
INTERNAL_DIR = QUERY_DIR / "internal"

@dataclass(frozen=True)
class Param:
    """A query parameter: a variable of the query, its default term and what it means."""

    name: str
    default: Term
    description: str = ""
    kind: str | None = None  # unit / group / metric: the value names one (kg.queries.names)

    @property
    def default_text(self) -> str:
        return self.default.value if self.default.kind == "literal" else f"<{self.default.value}>"


@dataclass(frozen=True)
class CannedQuery:
    """A query with its header: ``name`` is the file stem (or ``"inline"``)."""

    name: str
    text: str
    question: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    path: Path | None = None
    notes: str = ""
    headers: tuple[str, ...] = ()
    # columns whose values are keys of the label vocabulary (kg.labels): variable -> kind
    vocabulary: tuple[tuple[str, str], ...] = ()

    def header_of(self, variable: str) -> str:
        """The column header of ``variable``: ``单位 unit`` when the header line gives a label."""
        return dict(zip(self.columns, self.headers, strict=False)).get(variable, variable)

    @property
    def body(self) -> str:
        """The text with header comment lines blanked (line numbers are kept)."""
        return _blank_header(self.text)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def defaults(self) -> dict[str, Term]:
        return {p.name: p.default for p in self.params}


_HEADER_RE = re.compile(r"^#\s*(question|param|columns|labels)\s*:?\s*(.*)$")
_LABELS_RE = re.compile(r"^(\w+)\s*=\s*(\w+)$")
_PARAM_RE = re.compile(r"^(\w+)(?:\s*\((\w+)\))?\s*=\s*(.+?)(?:\s+--\s+(.*))?$")
_INT_RE = re.compile(r"^[+-]?\d+$")
_DEC_RE = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$")
_STRING_RE = re.compile(r'^"((?:[^"\\]|\\.)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^<([^>]*)>)?$')


def parse_term(text: str) -> Term:
    """A default as written in a header: ``"s"``, ``"s"@zh``, ``"s"^^<dt>``, ``<iri>``, numbers, booleans.

    >>> parse_term('"区发改委"').value
    '区发改委'
    >>> parse_term("3").datatype.endswith("integer")
    True
    """
    s = text.strip()
    m = _STRING_RE.match(s)
    if m:
        value = json.loads(f'"{m.group(1)}"')
        return Term("literal", value, m.group(3), m.group(2))
    if s.startswith("<") and s.endswith(">"):
        return Term("uri", s[1:-1])
    if _INT_RE.match(s):
        return Term("literal", str(int(s)), XSD + "integer")
    if _DEC_RE.match(s):
        return Term("literal", s, XSD + "decimal")
    if s in ("true", "false"):
        return Term("literal", s, XSD + "boolean")
    raise UsageError(f"cannot read the default {text!r} (write a string in quotes, a number, true/false or <iri>)")


def parse_header(text: str, name: str = "inline", path: Path | None = None) -> CannedQuery:
    """The question, parameters and columns declared in the leading comment lines."""
    question = ""
    notes: list[str] = []
    params: list[Param] = []
    columns: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    vocabulary: list[tuple[str, str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _HEADER_RE.match(stripped)
        if not m:
            # free text: notes on how to read the answer
            note = stripped.lstrip("#").strip()
            if note:
                notes.append(note)
            continue
        key, rest = m.group(1), m.group(2).strip()
        if key == "question":
            question = rest
        elif key == "columns":
            # "单位 unit, 角色 role": a label before the variable name (its last word)
            headers = tuple(" ".join(c.split()) for c in rest.split(",") if c.strip())
            columns = tuple(h.split()[-1] for h in headers)
        elif key == "labels":
            # "type = unit_type, role = role": these columns hold vocabulary keys
            for item in (x.strip() for x in rest.split(",") if x.strip()):
                lm = _LABELS_RE.match(item)
                if not lm or lm.group(2) not in LABEL_KINDS:
                    raise UsageError(f"{path or name}: cannot read {item!r} of the labels line "
                                     f"(write column = kind, kind one of {', '.join(LABEL_KINDS)})")
                vocabulary.append((lm.group(1), lm.group(2)))
        else:
            pm = _PARAM_RE.match(rest)
            if not pm:
                raise UsageError(f"{path or name}: cannot read the parameter line {stripped!r}")
            kind = pm.group(2)
            if kind is not None and kind not in KINDS:
                raise UsageError(f"{path or name}: unknown kind ({kind}) of parameter {pm.group(1)} "
                                 f"(choose from {', '.join(KINDS)})")
            params.append(Param(pm.group(1), parse_term(pm.group(3)), (pm.group(4) or "").strip(), kind))
    return CannedQuery(name, text, question, tuple(params), columns, path, " ".join(notes), headers,
                       tuple(vocabulary))


def _blank_header(text: str) -> str:
    lines = text.split("\n")
    out = []
    in_header = True
    for line in lines:
        if in_header and (not line.strip() or line.lstrip().startswith("#")):
            out.append("")
            continue
        in_header = False
        out.append(line)
    return "\n".join(out)


def list_queries(directory: Path | None = None, extra_dirs: Iterable[str | Path] = ()) -> list[CannedQuery]:
    """Every canned query (of ``directory``, by default kg's own), then the ``.rq`` files of
    each of ``extra_dirs`` (a user's query folders), each group sorted by name.

    A name may be used once: a user query named like a canned one, or like one of another
    folder, raises :class:`UsageError` naming both files, as does a folder that does not exist.
    """
    d = directory or QUERY_DIR
    found = [load_query(p) for p in sorted(d.glob("*.rq"))]
    by_name = {q.name: q for q in found}
    for extra in extra_dirs:
        folder = Path(extra)
        if not folder.is_dir():
            raise UsageError(f"{extra}: no such query folder")
        for path in sorted(folder.glob("*.rq")):
            q = load_query(path)
            other = by_name.get(q.name)
            if other is not None:
                where = "the canned query" if other.path is not None and other.path.parent == d else str(other.path)
                raise UsageError(f"{path}: a query named {q.name!r} exists already ({where}); rename one of them")
            by_name[q.name] = q
            found.append(q)
    return found


@cache
def internal_query(name: str) -> str:
    """The text of ``queries/internal/NAME.rq`` without its header comment lines."""
    text = (INTERNAL_DIR / f"{name}.rq").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines).removesuffix("\n")


def load_query(path: str | Path) -> CannedQuery:
    """A ``.rq`` file with its header."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    return parse_header(text, p.stem, p)


def resolve_query(spec: str, directory: Path | None = None, extra_dirs: Iterable[str | Path] = ()) -> CannedQuery:
    """``spec`` is a query name (canned, or of one of ``extra_dirs``), a ``.rq`` file, or SPARQL text."""
    d = directory or QUERY_DIR
    s = spec.strip()
    if not s:
        raise UsageError("empty query")
    if re.search(r"\s|[{}]", s):
        return parse_header(spec, "inline")
    candidate = Path(s)
    if candidate.suffix == ".rq" or candidate.is_file():
        if not candidate.is_file():
            raise UsageError(f"{s}: no such query file")
        return load_query(candidate)
    extra = tuple(extra_dirs)
    if not extra:
        canned = d / f"{s}.rq"
        if canned.is_file():
            return load_query(canned)
    known = {q.name: q for q in list_queries(d, extra)}  # with user folders: clashes are errors
    if s in known:
        return known[s]
    close = [n for n in known if s.lower() in n or n in s.lower()]
    hint = f" (did you mean {', '.join(close)}?)" if close else "; `kg queries` lists them"
    raise UsageError(f"no canned query named {s!r}{hint}")
