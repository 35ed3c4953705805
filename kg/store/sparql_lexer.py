"""A small SPARQL lexer: the one place where kg looks inside query text.

Everything that inspects a query without running it goes through :func:`tokenize`:
binding ``--param`` values (:func:`bind_values`), telling a query from an update
(:func:`is_update`), refusing federated queries (:func:`has_service`), seeing whether a
query brings its own dataset (:func:`has_dataset_clause`) and refusing pathological
nesting before the parser sees it (:func:`nesting_depth`). Braces, ``#`` or keywords
inside IRIs, strings (``'…'``, ``"…"``, ``'''…'''``, ``\"\"\"…\"\"\"``, with escapes) and
comments are never mistaken for structure.

The lexer follows the terminals of the SPARQL 1.1 grammar closely enough to find token
boundaries; it does not validate (pyoxigraph's parser does). Text it cannot read (an
unterminated string, a stray character) becomes an ``error`` token that runs to the end
of the line, so every character belongs to exactly one token.

>>> [t.text for t in tokenize('SELECT ?x WHERE { ?x <urn:a> "}" } # }')]
['SELECT', '?x', 'WHERE', '{', '?x', '<urn:a>', '"}"', '}']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "Token",
    "QueryFacts",
    "tokenize",
    "analyze",
    "query_form",
    "is_update",
    "has_service",
    "has_dataset_clause",
    "nesting_depth",
    "variables",
    "where_block_end",
    "bind_values",
    "UPDATE_KEYWORDS",
    "MAX_NESTING",
]

# Deeper nesting of { ( [ (or a longer run of !) is refused before parsing: pyoxigraph's
# recursive parser overflows its stack near 3,000 levels (a segfault), and real queries
# stay under 20.
MAX_NESTING = 256

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}
)

_PN_CHARS_BASE = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})"
    f"(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_ECHAR = r"\\[tbnrf\\\"']"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_EXP = r"[eE][+-]?[0-9]+"

_TOKEN_RE = re.compile(
    "|".join(
        f"(?P<{name}>{pattern})"
        for name, pattern in (
            ("ws", r"[ \t\r\n]+"),
            ("comment", r"#[^\r\n]*"),
            ("iri", r"<(?:[^<>\"{}|^`\\\x00-\x20]|" + _UCHAR + r")*>"),
            ("string", r"'''(?:(?:'|'')?(?:[^'\\]|" + _ECHAR + "|" + _UCHAR + r"))*'''"
                       r'|"""(?:(?:"|"")?(?:[^"\\]|' + _ECHAR + "|" + _UCHAR + r'))*"""'
                       r"|'(?:[^'\\\n\r]|" + _ECHAR + "|" + _UCHAR + r")*'"
                       r'|"(?:[^"\\\n\r]|' + _ECHAR + "|" + _UCHAR + r')*"'),
            ("var", f"[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"),
            ("bnode", f"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"),
            ("pname", f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
            ("langtag", r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*"),
            ("number", rf"[0-9]*\.[0-9]+(?:{_EXP})?|[0-9]+\.[0-9]*{_EXP}|[0-9]+(?:{_EXP})?"),
            ("name", r"[A-Za-z_][A-Za-z0-9_]*"),
            ("punct", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*+\-/!=<>^|?]"),
            ("error", r"[^\r\n]+?(?=[ \t\r\n]|$)|[^\r\n]"),
        )
    )
)


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` (``iri``, ``string``, ``var``, ``pname``, ``bnode``, ``langtag``,
    ``number``, ``name``, ``punct``, ``comment``, ``ws`` or ``error``), its text and offset."""

    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def keyword(self) -> str:
        """The upper-cased text of a ``name`` token (``SELECT``, ``FROM``…), else ``""``."""
        return self.text.upper() if self.kind == "name" else ""


def tokenize(text: str, trivia: bool = False) -> list[Token]:
    """The tokens of ``text``; whitespace and comments only when ``trivia`` is true.

    An unterminated string or IRI is an ``error`` token, never a reason to read the
    rest of the text as its content:

    >>> [(t.kind, t.text) for t in tokenize('"open { }')][:2]
    [('error', '"open'), ('punct', '{')]
    """
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or "error"
        if trivia or kind not in ("ws", "comment"):
            out.append(Token(kind, m.group(), m.start()))
    return out


def _skip_prologue(tokens: list[Token]) -> int:
    i = 0
    while i < len(tokens):
        kw = tokens[i].keyword
        if kw == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            i += 2
        elif kw == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1].kind == "pname" and tokens[i + 2].kind == "iri":
            i += 3
        else:
            return i
    return i


@dataclass(frozen=True)
class QueryFacts:
    """What the checks need to know about a query, from one pass of the lexer."""

    form: str
    update: bool
    service: bool
    dataset: bool
    depth: int


def analyze(text: str) -> QueryFacts:
    """:func:`query_form`, :func:`is_update`, :func:`has_service`,
    :func:`has_dataset_clause` and :func:`nesting_depth` at once.

    >>> analyze("SELECT * FROM <urn:g> WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    QueryFacts(form='SELECT', update=False, service=True, dataset=True, depth=2)
    """
    tokens = tokenize(text)
    i = _skip_prologue(tokens)
    keywords = {t.keyword for t in tokens if t.kind == "name"}
    return QueryFacts(
        form=tokens[i].keyword if i < len(tokens) else "",
        update=bool(keywords & UPDATE_KEYWORDS),
        service="SERVICE" in keywords,
        dataset="FROM" in keywords,
        depth=_depth(tokens),
    )


def query_form(text: str) -> str:
    """The first keyword after the prologue: ``SELECT``, ``ASK``, ``CONSTRUCT``,
    ``DESCRIBE`` for a query, an update keyword (``INSERT``, ``DROP``…) otherwise, or
    ``""`` when there is none.

    >>> query_form("PREFIX kg: <https://w3id.org/govkg/ns#>  # {\\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    tokens = tokenize(text)
    i = _skip_prologue(tokens)
    return tokens[i].keyword if i < len(tokens) else ""


def is_update(text: str) -> bool:
    """Whether ``text`` is (or contains) a SPARQL Update operation.

    Any update keyword outside strings, IRIs and comments counts: none of them can
    appear in a query, so ``SELECT … ; DROP ALL`` is an update too.

    >>> is_update('# DROP ALL\\nSELECT ("DELETE" AS ?x) WHERE { }')
    False
    >>> is_update('PREFIX : <urn:x#> DELETE WHERE { ?s ?p ?o }')
    True
    """
    return analyze(text).update


def has_service(text: str) -> bool:
    """Whether the query holds a ``SERVICE`` clause (a federated query to another server).

    >>> has_service("SELECT * WHERE { ?s <urn:SERVICE> 'SERVICE' }  # SERVICE")
    False
    >>> has_service("SELECT * WHERE { service silent <http://x/sparql> { ?s ?p ?o } }")
    True
    """
    return analyze(text).service


def has_dataset_clause(text: str) -> bool:
    """Whether the query names its own dataset (``FROM <g>`` or ``FROM NAMED <g>``).

    >>> has_dataset_clause("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }")
    True
    >>> has_dataset_clause("SELECT * WHERE { ?s <urn:from> 'FROM' }")
    False
    """
    return analyze(text).dataset


def nesting_depth(text: str) -> int:
    """How deep the parser must recurse: the nesting of ``{``, ``(`` and ``[`` plus a run
    of ``!`` (each one a level of the parser too), outside strings, IRIs and comments.

    >>> nesting_depth("SELECT * WHERE { { ?s ?p ?o FILTER((1)) } }  # {{{{")
    4
    >>> nesting_depth("ASK { FILTER(!!!true) }")
    5
    """
    return _depth(tokenize(text))


def _depth(tokens: list[Token]) -> int:
    depth = deepest = run = 0
    for t in tokens:
        if t.kind == "punct" and t.text == "!":
            run += 1
            deepest = max(deepest, depth + run)
            continue
        run = 0
        if t.kind == "punct":
            if t.text in "{([":
                depth += 1
                deepest = max(deepest, depth)
            elif t.text in "})]":
                depth -= 1
    return deepest


def variables(text: str) -> set[str]:
    """The names of the variables the text mentions (``?x`` and ``$x`` alike).

    >>> sorted(variables('SELECT ?a WHERE { ?a <urn:p> $b . FILTER(?a != "?c") }'))
    ['a', 'b']
    """
    return {t.text[1:] for t in tokenize(text) if t.kind == "var"}


def _matching_close(tokens: list[Token], i: int) -> int | None:
    depth = 0
    for j in range(i, len(tokens)):
        t = tokens[j]
        if t.kind == "punct" and t.text == "{":
            depth += 1
        elif t.kind == "punct" and t.text == "}":
            depth -= 1
            if depth == 0:
                return j
    return None


def where_block_end(text: str) -> int | None:
    """The offset of the ``}`` that closes the query's WHERE clause, or None.

    The WHERE clause is the group after the top-level keyword ``WHERE``; a SELECT, ASK or
    DESCRIBE may leave the keyword out, and then it is the first top-level group. A
    trailing ``VALUES`` block after the WHERE clause is not the WHERE clause.

    >>> q = 'SELECT * WHERE { ?s ?p "}" # }\\n } VALUES ?s { <urn:a> }'
    >>> q[where_block_end(q):]
    '} VALUES ?s { <urn:a> }'
    """
    tokens = tokenize(text)
    depth = 0
    first_group: int | None = None
    for i, t in enumerate(tokens):
        if t.kind == "punct" and t.text == "{":
            if depth == 0 and first_group is None:
                first_group = i
            depth += 1
        elif t.kind == "punct" and t.text == "}":
            depth -= 1
        elif depth == 0 and t.keyword == "WHERE":
            j = i + 1
            if j < len(tokens) and tokens[j].kind == "punct" and tokens[j].text == "{":
                close = _matching_close(tokens, j)
                return tokens[close].start if close is not None else None
            return None
    form = query_form(text)
    if first_group is None or form == "CONSTRUCT":
        return None
    close = _matching_close(tokens, first_group)
    return tokens[close].start if close is not None else None


def bind_values(text: str, bindings: Mapping[str, str]) -> str:
    """``text`` with ``VALUES (?a ?b) { (x y) }`` added at the end of its WHERE clause.

    ``bindings`` maps variable names to terms already written in SPARQL syntax (escaped
    by the caller, e.g. :meth:`kg.store.Term.n3`), so a value cannot change the query's
    structure. Raises ValueError when the query has no WHERE clause to bind into.

    >>> print(bind_values('SELECT ?u WHERE {\\n  ?t <urn:lead> ?u  # the lead {\\n}', {"u": "<urn:x>"}))
    SELECT ?u WHERE {
      ?t <urn:lead> ?u  # the lead {
      VALUES (?u) { (<urn:x>) }
    }
    """
    if not bindings:
        return text
    end = where_block_end(text)
    if end is None:
        raise ValueError("the query has no WHERE clause to bind parameters into")
    names = " ".join(f"?{k}" for k in bindings)
    values = " ".join(bindings.values())
    block = f"VALUES ({names}) {{ ({values}) }}"
    head = text[:end].rstrip(" \t")
    return head + ("" if head.endswith("\n") else "\n") + "  " + block + "\n" + text[end:]
