"""The records that flow through the pipeline, one stage to the next.

read → :class:`SourceText` (lines with locations)
segment → :class:`Segment` (sections and raw numbered items)
extract → :class:`Task` (with :class:`UnitMention` for every responsible unit)
normalise → :class:`UnitMention.unit` filled from the gazetteer
graph → RDF

All records are frozen dataclasses: a stage never changes what an earlier stage produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .text.normalize import normalize_name


class Role(StrEnum):
    """The role a unit holds in a task (see GLOSSARY: lead, co-lead)."""

    LEAD = "lead"
    CO_LEAD = "co_lead"


class DocumentKind(StrEnum):
    TASK_PLAN = "TaskPlan"
    WORK_REPORT = "WorkReport"


@dataclass(frozen=True)
class Line:
    """One logical line of a source document after normalisation.

    ``number`` is the 1-based line in the file (or the paragraph / table row of a
    structured document); ``location`` says which, e.g. ``"line 12"``, ``"table 1 row 3"``.
    """

    number: int
    text: str
    location: str = ""
    # Cells of a table row, when the reader saw a real table; empty for prose.
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceText:
    """A document read from disk: its name, its lines and how it was decoded."""

    path: str
    name: str
    lines: tuple[Line, ...]
    encoding: str = "utf-8"
    content_hash: str = ""
    notes: tuple[Issue, ...] = ()  # problems met while reading (truncation, skipped parts)


@dataclass(frozen=True)
class Issue:
    """A warning about the input: where, what was seen, what was done."""

    path: str
    line: int
    message: str
    code: str = "warning"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Section:
    ordinal: int
    number: str
    title: str
    line: int
    level: int = 1
    parent: int | None = None  # ordinal of the enclosing section


@dataclass(frozen=True)
class RawItem:
    """A numbered item as the segmenter found it: number, lines, section."""

    ordinal: int
    number: str
    style: str
    line: int
    text: str
    section: int | None
    cells: tuple[tuple[str, ...], ...] = ()
    columns: tuple[str | None, ...] | None = None  # meanings of the table header above a row


@dataclass(frozen=True, slots=True)
class UnitMention:
    """A unit (or unit group) named in a responsibility clause.

    ``name`` is exactly as written (without a list-final 等); ``unit`` is the
    canonical name from the gazetteer, or ``None`` when the name is unknown.
    ``start``/``end`` are character offsets of ``name`` in the task text.
    """

    name: str
    role: Role
    unit: str | None = None
    kind: str = "unit"  # "unit" | "group"
    start: int = -1
    end: int = -1
    unit_type: str | None = None

    @property
    def node_name(self) -> str:
        """The name the graph's node of this unit or group is made of: the gazetteer's
        name, else the name as written, normalised."""
        return self.unit or normalize_name(self.name)

    @property
    def node_key(self) -> tuple[str, str]:
        """What the mention names: two mentions with equal keys are one node of the graph."""
        return ("group" if self.kind == "group" else "unit", self.node_name)


@dataclass(frozen=True, slots=True)
class Responsibility:
    """What the responsibility parser found in one task text."""

    lead: tuple[UnitMention, ...] = ()
    co_lead: tuple[UnitMention, ...] = ()
    leaders: tuple[str, ...] = ()  # persons (分管领导), never units
    deadline: str | None = None
    clause: str | None = None  # the responsibility text as written
    clause_start: int = -1
    pattern: str | None = None  # which rule matched, for diagnostics
    progress: str | None = None  # a table's progress cell (进展情况), never task text or targets


@dataclass(frozen=True, slots=True)
class Indicator:
    text: str
    metric: str
    comparator: str
    value: float
    unit: str
    base_value: float
    base_unit: str
    kind: str = "level"
    commitment: str | None = None
    start: int = -1
    end: int = -1
    period: str = "target"  # "target" | "actual"


@dataclass(frozen=True, slots=True)
class Entity:
    """A project or district/area mention."""

    text: str
    label: str  # "project" | "district"
    start: int = -1
    end: int = -1
    governed_by: str | None = None


@dataclass(frozen=True)
class Task:
    """One numbered task of a task plan, or one statement of a work report."""

    ordinal: int
    number: str
    line: int
    text: str
    section: int | None
    responsibility: Responsibility = field(default_factory=Responsibility)
    indicators: tuple[Indicator, ...] = ()
    projects: tuple[Entity, ...] = ()
    districts: tuple[Entity, ...] = ()


@dataclass(frozen=True)
class ExtractedDocument:
    """Everything extracted from one document, ready to become a named graph."""

    source: SourceText
    kind: DocumentKind
    title: str
    region: str
    sections: tuple[Section, ...]
    tasks: tuple[Task, ...]
    issues: tuple[Issue, ...]
    year: int | None = None
    numbered_items: int = 0
    first_listed_leads: bool = False

    @property
    def name(self) -> str:
        return self.source.name

    def section_title(self, ordinal: int | None) -> str | None:
        if ordinal is None:
            return None
        for s in self.sections:
            if s.ordinal == ordinal:
                return s.title
        return None


@dataclass(frozen=True)
class StatementLink:
    """A work-report statement linked to a similar task of a task plan (inferred, scored)."""

    report: str  # document name of the report
    statement: int  # ordinal of the statement in the report
    plan: str  # document name of the task plan
    task: int  # ordinal of the task in the plan
    score: float

