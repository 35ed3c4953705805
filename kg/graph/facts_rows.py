"""The facts record of a document: what the report, the views and the workload exports
read, made from the same extracted document and with the same IRIs as its quads.

Reading these facts back from the store costs ~15 µs a row in RocksDB (~80 s at 100k
tasks); the build writes them instead, one JSON line per document, into the document's
cache entry (``KEY.facts.jsonl``), and the build concatenates the lines into
``OUT/facts.jsonl`` (:mod:`kg.pipeline.facts_file`), as it does the task records.

**Why JSON Lines** (and not marshal or pickle): the file is in the build folder, which
is byte-identical for the same input (marshal and pickle write a string twice or as a
reference depending on object identity and interning, so their bytes are not a function
of the value); it is a plain, documented file users can read without kg; and one line
per document parses in C (``json.loads``) at ~100 MB/s, about a second at 100k tasks.

A line (every list in a fixed order, so the same input gives the same bytes)::

    {"document": IRI, "name": NAME, "kind": "TaskPlan" | "WorkReport", "title": TITLE,
     "region": REGION,
     "sections": [[IRI, ORDINAL, NUMBER, TITLE, PARENT_IRI | null], …],
     "tasks": [[IRI, NUMBER, ORDINAL, TEXT, SECTION_IRI | null, DEADLINE | null,
                RESPONSIBILITIES, INDICATORS, PROJECTS], …],
     "parties": [[IRI, LABEL, TYPE, SCOPE | null, UNRESOLVED], …],
     "aliases": [[IRI, ALIAS], …],
     "members": [[GROUP_IRI, [MEMBER_IRI, …]], …]}

* ``tasks``: the tasks of a task plan only (a work report's statements carry no stated
  responsibility); a RESPONSIBILITY is ``[AGENT_IRI, "lead" | "co_lead", AS_WRITTEN,
  START, VIA_GROUP_IRI]`` in the order of the graph's ``kg:Responsibility`` nodes: a unit
  or group reference named in the text (AS_WRITTEN the name as written, START its offset
  or null; VIA_GROUP null), each followed by the members it reaches when groups are
  expanded (AS_WRITTEN and START null, VIA_GROUP the group's IRI); an INDICATOR is
  ``[IRI, TEXT, METRIC]``, a PROJECT ``[IRI, LABEL]``.
* ``parties``: the description of every unit and group reference the document names and
  of every member of its group references: the label (``skos:prefLabel``), the local name
  of its class (``GovernmentDepartment`` …, ``UnitGroup``, ``OtherUnit``), a group's
  scope (``all``, ``subset``, ``unknown``; null for a unit), and whether the name is kept
  as written (``kg:unresolved``). The graph describes each once in a shared graph (the
  region's gazetteer or names graph); here each document repeats what it uses.
* ``aliases``: the other names (``skos:altLabel``) of the units in ``parties``;
  ``members``: the members (``skos:member``) of its group references.
"""

from __future__ import annotations

import json

from ..extract.gazetteer import Gazetteer, load_gazetteer, unit_types
from ..layout import FACTS_VERSION
from ..models import DocumentKind, ExtractedDocument, Role, Task
from ..text.normalize import normalize_name
from .vocab import iri_document, iri_group, iri_project, iri_section, iri_task, iri_unit

__all__ = ["FACTS_VERSION", "document_facts", "facts_line"]


_TYPES = {t.type for t in unit_types()}

Party = tuple[str, str, str, "str | None", bool]


def _type(name: str | None) -> str:
    return name if name is not None and name in _TYPES else "OtherUnit"


class _Parties:
    """The descriptions a document gives (see the module docstring), by IRI."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self.rows: dict[str, Party] = {}
        self.aliases: set[tuple[str, str]] = set()
        self.members: dict[str, list[str]] = {}
        self._iris: dict[tuple[str, str], str] = {}  # (a URIRef costs ~4 µs: made once per name)

    def iri(self, kind: str, name: str) -> str:
        """The IRI of a unit (``kind`` "unit") or group of the region, as the quads make it."""
        found = self._iris.get((kind, name))
        if found is None:
            found = self._iris[(kind, name)] = str((iri_group if kind == "group" else iri_unit)(self.gaz.region, name))
        return found

    def gazetteer_unit(self, iri: str, canonical: str) -> None:
        rec = self.gaz.units[canonical]
        self.rows[iri] = (iri, rec.canonical, _type(rec.type), None, False)
        self.aliases.update((iri, a) for a in (rec.full_name, *rec.aliases) if a)

    def mention(self, iri: str, kind: str, unit: str | None, name: str, unit_type: str | None) -> None:
        """As :func:`kg.graph.quads._unit_description` and :func:`kg.graph.quads.region_quads`
        describe the node of a mention."""
        gaz = self.gaz
        if kind == "group":
            if not unit:  # (a group the gazetteer does not know: not described)
                return
            grp = gaz.group_record(unit)
            self.rows[iri] = (iri, unit, "UnitGroup", grp.scope if grp else "unknown", False)
            if iri in self.members:
                return
            names = gaz.group_members(unit)
            members = self.members[iri] = [self.iri("unit", m) for m in names]
            for m, canonical in zip(members, names, strict=True):
                if canonical in gaz.units:
                    self.gazetteer_unit(m, canonical)
            return
        if unit is not None and unit in gaz.units:
            self.gazetteer_unit(iri, unit)
            return
        written = normalize_name(name)
        if unit is not None and written != unit:
            self.aliases.add((iri, written))
        if iri not in self.rows:  # (described by its first mention, as the quads do)
            self.rows[iri] = (iri, unit if unit is not None else written, _type(unit_type), None, unit is None)


def _task_row(doc: ExtractedDocument, t: Task, parties: _Parties, expand: bool) -> list[object]:
    """A task's row (see the module docstring); the IRIs as :func:`kg.graph.quads._task_quads`
    makes them."""
    region = doc.region
    t_iri = str(iri_task(doc.name, t.ordinal))
    resp: list[list[object]] = []
    r = t.responsibility
    for m in (*r.lead, *r.co_lead):
        node = parties.iri(*m.node_key)
        role = "lead" if m.role is Role.LEAD else "co_lead"
        parties.mention(node, m.kind, m.unit, m.name, m.unit_type)
        resp.append([node, role, m.name, m.start if m.start >= 0 else None, None])
        if m.kind == "group" and expand and m.unit:  # (the members mention() listed: the gazetteer's)
            resp.extend([member, role, None, None, node] for member in parties.members[node])
    indicators = [[f"{t_iri}/indicator/{i}", ind.text, ind.metric] for i, ind in enumerate(t.indicators, start=1)]
    projects = [[str(iri_project(region, e.text)), e.text] for e in t.projects]
    section = str(iri_section(doc.name, t.section)) if t.section is not None else None
    return [t_iri, t.number, t.ordinal, t.text, section, r.deadline or None, resp, indicators, projects]


def document_facts(doc: ExtractedDocument, expand_groups: bool = True) -> dict[str, object]:
    """The facts record of ``doc`` (the module docstring says what it holds), for the
    build made with ``expand_groups`` as :func:`kg.graph.quads.document_graphs` is."""
    gaz = load_gazetteer(doc.region)
    parties = _Parties(gaz)
    is_plan = doc.kind is DocumentKind.TASK_PLAN
    tasks = []
    for t in doc.tasks:
        if is_plan:
            tasks.append(_task_row(doc, t, parties, expand_groups))
        else:  # (a statement's units are not facts, but its groups' members are in the graph)
            for m in (*t.responsibility.lead, *t.responsibility.co_lead):
                if m.kind == "group" and m.unit:
                    parties.mention(str(iri_group(doc.region, m.node_name)), m.kind, m.unit, m.name, m.unit_type)
    sections = [
        [str(iri_section(doc.name, s.ordinal)), s.ordinal, s.number, s.title,
         str(iri_section(doc.name, s.parent)) if s.parent is not None else None]
        for s in doc.sections
    ]
    return {
        "document": str(iri_document(doc.name)), "name": doc.name,
        "kind": "TaskPlan" if is_plan else "WorkReport", "title": doc.title, "region": doc.region,
        "sections": sections, "tasks": tasks,
        "parties": [list(p) for _, p in sorted(parties.rows.items())],
        "aliases": [list(a) for a in sorted(parties.aliases)],
        "members": [[g, m] for g, m in sorted(parties.members.items())],
    }


def facts_line(doc: ExtractedDocument | None, expand_groups: bool = True) -> bytes:
    """The line of ``doc`` in ``facts.jsonl`` (empty for a document that was not read)."""
    if doc is None:
        return b""
    return (json.dumps(document_facts(doc, expand_groups), ensure_ascii=False, separators=(",", ":")) + "\n").encode()
