"""A page per unit, group and task, where the workbench's IRIs lead.

An IRI of the graph (``ID_NS`` + ``REGION/unit/NAME``, ``REGION/group/NAME``,
``doc/DOC/task/N``) is served at ``/unit/REGION/NAME``, ``/group/REGION/NAME`` and
``/task/DOC/N``: the path segments are the IRI's own (percent-encoded) segments, so that
the page names exactly one IRI. The pages are read through the worker pool like any
query, and every value is escaped by the template.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..labels import both, has_label, label
from ..namespaces import ID_NS, KG_NS
from .config import RequestError

__all__ = ["ENTITY_KINDS", "entity_iri", "entity_queries", "entity_view", "local_path", "workload_fields"]

# kind → the IRI path after ID_NS, from the two segments of the local path
ENTITY_KINDS = {"unit": "{0}/unit/{1}", "group": "{0}/group/{1}", "task": "doc/{0}/task/{1}"}
# one IRI path segment as kg writes it (kg.graph.vocab.slug: percent-encoded UTF-8)
_SEGMENT = re.compile(r"[A-Za-z0-9._~%-]+")
_LOCAL = re.compile(r"^(?:([^/]+)/(unit|group)/([^/]+)|doc/([^/]+)/task/([^/]+))$")

_PREFIXES = """PREFIX kg: <https://w3id.org/govkg/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
# the roles a unit has in a task, as the page names them (Chinese first, English beside;
# the labels are kg.labels', as in every output)
_LEAD, _CO = label("role", "lead"), label("role", "co_lead")
_ROLES = f"""VALUES (?p ?role ?order) {{
    (kg:lead "{_LEAD} lead" 1) (kg:coLead "{_CO} co-lead" 2)
    (kg:leadViaGroup "经群组{_LEAD} lead via group" 3) (kg:coLeadViaGroup "经群组{_CO} co-lead via group" 4) }}"""

# a group's members: the units its references reached (kg:viaGroup of a responsibility)
_UNIT_FACTS = _PREFIXES + """SELECT DISTINCT ?label ?alt ?type ?member WHERE {
  OPTIONAL { <IRI> skos:prefLabel ?label }
  OPTIONAL { <IRI> skos:altLabel ?alt }
  OPTIONAL { <IRI> a ?type FILTER(?type NOT IN (kg:Unit)) }
  OPTIONAL { ?r kg:viaGroup <IRI> ; kg:agent ?m . ?m skos:prefLabel ?member }
}"""
_UNIT_TASKS = _PREFIXES + """SELECT ?role ?task ?number ?text ?document WHERE {
  """ + _ROLES + """
  ?task ?p <IRI> ; a kg:Task ; kg:taskNumber ?number ; kg:ordinal ?ord ; kg:inDocument ?d .
  OPTIONAL { ?task kg:text ?text }
  OPTIONAL { ?d dcterms:title ?document }
} ORDER BY ?order ?d ?ord"""
_TASK_FACTS = _PREFIXES + """SELECT ?number ?text ?section ?document ?line WHERE {
  <IRI> a kg:Task ; kg:taskNumber ?number ; kg:inDocument ?d .
  OPTIONAL { <IRI> kg:text ?text }
  OPTIONAL { <IRI> kg:line ?line }
  OPTIONAL { <IRI> kg:inSection ?s . ?s dcterms:title ?section }
  OPTIONAL { ?d dcterms:title ?document }
}"""
_TASK_UNITS = _PREFIXES + """SELECT ?role ?unit ?label WHERE {
  """ + _ROLES + """
  <IRI> ?p ?unit .
  OPTIONAL { ?unit skos:prefLabel ?label }
} ORDER BY ?order ?label"""


def entity_iri(kind: str, rest: str) -> str:
    """The IRI that ``/KIND/REST`` names (``rest``: the two raw path segments); 404 for
    any other path."""
    parts = rest.split("/")
    if kind not in ENTITY_KINDS or len(parts) != 2 or not all(_SEGMENT.fullmatch(p) for p in parts):
        raise RequestError(404, f"not found: /{kind}/{rest} (a unit is /unit/REGION/NAME, a task /task/DOC/N)")
    iri = ID_NS + ENTITY_KINDS[kind].format(*parts)
    ox.NamedNode(iri)  # the segments' alphabet makes a valid IRI; this would say otherwise
    return iri


def local_path(iri: str) -> str | None:
    """The page of an IRI of the graph (``/unit/…``, ``/group/…``, ``/task/…``), or None.

    >>> local_path("https://w3id.org/govkg/id/doc/plan/task/5")
    '/task/plan/5'
    """
    if not iri.startswith(ID_NS):
        return None
    m = _LOCAL.match(iri[len(ID_NS):])
    if m is None:
        return None
    if m.group(2):
        return f"/{m.group(2)}/{m.group(1)}/{m.group(3)}"
    return f"/task/{m.group(4)}/{m.group(5)}"


def entity_queries(kind: str, iri: str) -> tuple[str, str]:
    """The two SELECT queries of a page: its facts and its table."""
    facts, table = (_TASK_FACTS, _TASK_UNITS) if kind == "task" else (_UNIT_FACTS, _UNIT_TASKS)
    return facts.replace("IRI", iri), table.replace("IRI", iri)


@dataclass
class Link:
    text: str
    href: str | None


def _value(term: Any) -> str:
    return "" if term is None else str(term.value)


def _rows(body: bytes) -> list[dict[str, Any]]:
    parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return []
    names = [v.value for v in parsed.variables]
    return [{n: s[n] for n in names} for s in parsed]


def entity_view(kind: str, iri: str, facts_body: bytes, table_body: bytes) -> dict[str, Any] | None:
    """What ``entity.html`` shows, from the two answers; None when the graph does not hold
    the IRI."""
    facts, table = _rows(facts_body), _rows(table_body)
    if kind == "task":
        if not facts:
            return None
        f = facts[0]
        return {
            "kind": "task", "iri": iri, "title": f"{_value(f['document'])} · {_value(f['number'])}",
            "fields": [("编号 number", _value(f["number"])), ("文件 document", _value(f["document"])),
                       ("章节 section", _value(f["section"])), ("行 line", _value(f["line"])),
                       ("内容 text", _value(f["text"]))],
            "columns": ("角色 role", "单位 unit"),
            "rows": [(_value(r["role"]), Link(_value(r["label"]) or _value(r["unit"]), local_path(_value(r["unit"]))))
                     for r in table],
        }
    labels = sorted({_value(f["label"]) for f in facts if f["label"] is not None})
    if not labels and not table:
        return None
    keys = sorted({_value(f["type"]).removeprefix(KG_NS) for f in facts if f["type"] is not None})
    types = [both("unit_type", k) if has_label("unit_type", k) else k for k in keys]
    alts = sorted({_value(f["alt"]) for f in facts if f["alt"] is not None})
    members = sorted({_value(f["member"]) for f in facts if f["member"] is not None})
    return {
        "kind": kind, "iri": iri, "title": labels[0] if labels else iri,
        "fields": [("名称 name", "、".join(labels)), ("别名 aliases", "、".join(alts)), ("类型 type", "、".join(types)),
                   ("成员 members", "、".join(members)), ("任务数 tasks", str(len({_value(r["task"]) for r in table})))],
        "columns": ("角色 role", "文件 document", "编号 number", "内容 text"),
        "rows": [(_value(r["role"]), _value(r["document"]), Link(_value(r["number"]), local_path(_value(r["task"]))),
                  _value(r["text"])) for r in table],
    }


# the columns of workload.csv a unit's page shows, and how
_VERDICTS = {"true": "超负荷 overloaded", "false": "未超负荷 not overloaded"}


@lru_cache(maxsize=4)
def _workload_rows(path: Path, stamp: tuple[int, int]) -> dict[str, dict[str, str]]:
    """workload.csv's rows by unit IRI (``stamp``: the file's size and mtime, so that a
    ``kg report`` run while the server is up is seen)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {row["iri"]: row for row in csv.DictReader(fh) if row.get("iri")}


def workload_fields(out: Path, iri: str) -> list[tuple[str, str]]:
    """A unit's load, rank and overload verdict with its reason, from the build's
    ``workload.csv`` (the ranking the report shows; the same build, so the same numbers).
    A build without it (big corpora leave the exports to ``kg report``) says so."""
    path = out / "workload.csv"
    load = f"{label('measure', 'load')} load"
    try:
        st = path.stat()
        rows = _workload_rows(path, (st.st_size, st.st_mtime_ns))
    except (OSError, KeyError, csv.Error):
        return [(load, f"未计算：本次构建没有 workload.csv（运行 kg report {out} 生成） / not computed: run kg report")]
    row = rows.get(iri)
    if row is None:
        return []
    return [
        (load, f"{row['load']}（{label('measure', 'direct_load')} {row['direct_load']}，"
               f"{label('measure', 'expanded_load')} {row['expanded_load']}）"),
        ("排名 rank", row["rank"]),
        ("判定 verdict", _VERDICTS.get(row["overloaded"], row["verdict"])),
        ("理由 reason", row["reason_zh"]),
    ]
