"""Stage 3: from a read document to tasks with responsible units (and, for reports, statements).

``extract_document`` is the one entry point: it detects the kind of document and its
region, segments it, parses every task's responsibility, resolves unit names through
the gazetteer, runs the indicator/project/district extractors, and collects a warning
for everything it could not do, so that nothing is silently dropped.

The kind is decided by evidence: a document whose numbered items carry responsibility
clauses is a task plan, whatever its title; one without is what its title says. A plan
that yields no task although it has numbered items and responsibility words, or a report
that holds such words or clauses, is warned about and flagged (``DOCUMENT_FLAGS``).
A document in traditional characters is read through its simplified matching form and
everything is mapped back to the text as written.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from ..models import (
    DocumentKind,
    ExtractedDocument,
    Issue,
    RawItem,
    Responsibility,
    Section,
    SourceText,
    Task,
    UnitMention,
)
from ..text.normalize import Restorer, matching_form, needs_matching_form
from .gazetteer import (
    GENERIC_REGION,
    Gazetteer,
    available_regions,
    load_gazetteer,
    read_document_region,
)
from .mentions import enrich_document
from .page_noise import document_title, page_noise
from .responsibility import earlier_clauses, has_responsibility, parse_responsibility
from .responsibility_labels import heading_leaders
from .responsibility_words import find_deadline, states_first_listed_leads
from .segment import Segmentation, segment_lines
from .table_header import split_cells
from .table_rows import row_responsibility
from .year import year_of_plan

__all__ = ["extract_document", "detect_kind", "detect_year", "DOCUMENT_FLAGS"]

# 政府工作报告, and the work reports of other bodies (管委会2024年工作报告, 镇人民政府工作报告)
_REPORT_TITLE = re.compile(r"工\s*作\s*报\s*告")


_PLAN_TITLE = re.compile(r"分解|分工|责任清单|任务清单|台账|落实方案|实施方案|工作方案|策划方案|任务表")


def detect_kind(source: SourceText) -> DocumentKind:
    """The kind a document's title gives: a work report names itself (政府工作报告) near the
    top, and is not a plan that splits one up (……政府工作报告重点任务分解方案 is a task plan).

    :func:`extract_document` asks the title only when the evidence is missing: numbered
    items that carry responsibility clauses make a task plan whatever the title says.
    """
    noise = page_noise(source.lines[:60])
    head = [ln.text for i, ln in enumerate(source.lines[:30]) if i not in noise][:20]
    title = document_title(source.lines[:60], noise)
    if _PLAN_TITLE.search(title) or _PLAN_TITLE.search(source.name):
        return DocumentKind.TASK_PLAN
    if any(_REPORT_TITLE.search(t) for t in head) or _REPORT_TITLE.search(source.name):
        return DocumentKind.WORK_REPORT
    return DocumentKind.TASK_PLAN


def detect_year(source: SourceText) -> int | None:
    """The year a document is about: the first year in its title, else in its first lines.

    >>> from kg.models import Line
    >>> detect_year(SourceText("p", "n", (Line(1, "区政府关于印发2020年《政府工作报告》的通知"),)))
    2020
    """
    for ln in source.lines[:20]:
        m = re.search(r"(20\d\d|19\d\d)年", ln.text)
        if m:
            return int(m.group(1))
    return None


class _Parser:
    """parse_responsibility for one document, remembering results: the segmenter asks about
    the same texts the extractor parses afterwards. Whether a text has a clause (``has``)
    is answered without building its mentions, and remembered apart."""

    def __init__(self, gaz: Gazetteer, first_listed: bool) -> None:
        self.gaz, self.first_listed = gaz, first_listed
        self._cache: dict[str, Responsibility] = {}
        self._has: dict[str, bool] = {}

    def __call__(self, text: str) -> Responsibility:
        r = self._cache.get(text)
        if r is None:
            r = parse_responsibility(text, self.gaz, self.first_listed)
            if len(self._cache) < 100_000:
                self._cache[text] = r
        return r

    def has(self, text: str) -> bool:
        r = self._cache.get(text)
        if r is not None:
            return bool(r.lead or r.co_lead)
        known = self._has.get(text)
        if known is None:
            known = has_responsibility(text, self.gaz, self.first_listed)
            if len(self._has) < 100_000:
                self._has[text] = known
        return known


def extract_document(
    source: SourceText,
    region: str | None = None,
    kind: DocumentKind | None = None,
    year: int | None = None,
) -> ExtractedDocument:
    """Extract tasks (or report statements) and their responsibility from one document.

    A document in traditional characters, or with inserted pinyin (``經(jīng)``), is read
    in its matching form (simplified, without the pinyin) and every text and name is
    mapped back to what the document writes.
    """
    full_text = "\n".join(ln.text for ln in source.lines)
    if needs_matching_form(full_text):
        restorer = Restorer([ln.text for ln in source.lines])
        matching = replace(source, lines=tuple(
            replace(ln, text=matching_form(ln.text)[0], cells=tuple(matching_form(c)[0] for c in ln.cells))
            for ln in source.lines
        ))
        doc = extract_document(matching, region, kind, year)
        doc = _restored(doc, restorer, source)
        return doc
    issues: list[Issue] = list(source.notes)
    gaz = _document_gazetteer(source, region, full_text, issues)
    region = gaz.region
    first_listed = states_first_listed_leads(full_text)
    if not source.lines:
        issues.append(Issue(source.path, 0, "document is empty: no text found", "empty"))
    parser = _Parser(gaz, first_listed)
    # The kind is decided by evidence: numbered items that carry responsibility clauses
    # make a task plan, whatever the title says. The title decides only without evidence.
    plan_seg = segment_lines(source.lines, parser.has)
    if not plan_seg.items and kind is not DocumentKind.WORK_REPORT and detect_kind(source) is DocumentKind.TASK_PLAN:
        # a plan without numbering: its paragraphs that carry clauses are its tasks
        plan_seg = segment_lines(source.lines, parser.has, paragraph_tasks=True)
    parsed = {item.ordinal: _item_responsibility(item, item.columns, gaz, parser) for item in plan_seg.items}
    with_clause = [o for o, (r, _) in parsed.items() if r.lead or r.co_lead]
    kind = _document_kind(source, kind, plan_seg, with_clause, issues)
    seg = plan_seg if kind is DocumentKind.TASK_PLAN else segment_lines(source.lines, parser.has, report=True)
    tasks: list[Task] = []
    for item in seg.items:
        if kind is DocumentKind.WORK_REPORT:
            resp = Responsibility()
        else:
            resp, text = parsed[item.ordinal]
            if text != item.text:
                item = replace(item, text=text)
        tasks.append(
            Task(
                ordinal=item.ordinal, number=item.number, line=item.line, text=item.text,
                section=item.section, responsibility=resp,
            )
        )
    if kind is DocumentKind.TASK_PLAN:
        tasks = _section_leaders(tasks, seg.sections, gaz)
        issues.extend(_task_issues(source, seg, tasks, gaz))
    if not year:  # a plan's year: title, 文号 or issue date (kg.extract.year); a report's: detect_year
        year = year_of_plan(source, seg.title, tasks, issues) if kind is DocumentKind.TASK_PLAN else detect_year(source)
    doc = ExtractedDocument(
        source=source, kind=kind, title=seg.title, region=region if region else GENERIC_REGION,
        sections=tuple(seg.sections), tasks=tuple(tasks), issues=tuple(issues),
        year=year, numbered_items=seg.numbered_items,
        first_listed_leads=first_listed,
    )
    return _enrich(doc, gaz)



def _document_gazetteer(source: SourceText, region: str | None, full_text: str, issues: list[Issue]) -> Gazetteer:
    """The gazetteer of the document's region: as given, else read from the document (a
    warning when it cannot be, or when the region is unknown)."""
    if not region:
        region, line, note = read_document_region(full_text)
        if note and source.lines:
            issues.append(Issue(source.path, line, note, "region"))
    gaz = load_gazetteer(region)
    if gaz.region == GENERIC_REGION != region:
        issues.append(Issue(source.path, 0, f"unknown region {region!r}: units are kept in the generic scope", "region"))
    return gaz


def _document_kind(
    source: SourceText, kind: DocumentKind | None, plan_seg: Segmentation, with_clause: list[int], issues: list[Issue],
) -> DocumentKind:
    """The kind of the document, decided by evidence: numbered items that carry
    responsibility clauses (``with_clause``) make a task plan, whatever the title says;
    the title decides only without evidence. A work report with clauses or responsibility
    words is warned about."""
    by_title = detect_kind(source)
    if kind is None:
        kind = DocumentKind.TASK_PLAN if with_clause else by_title
        # a work report by its title, where only a few of many numbered paragraphs name
        # units (由区发改委负责…), stays a report, with a warning below
        if (with_clause and by_title is DocumentKind.WORK_REPORT and len(with_clause) < 2
                and len(plan_seg.items) >= 5 * len(with_clause)):
            kind = DocumentKind.WORK_REPORT
    if kind is DocumentKind.WORK_REPORT and with_clause:
        first_line = next(i.line for i in plan_seg.items if i.ordinal == with_clause[0])
        issues.append(Issue(
            source.path, first_line,
            f"read as a work report, but {len(with_clause)} numbered item(s) carry responsibility clauses "
            "(a task plan? --kind plan reads it as one); their units are not in the graph", "report-with-clauses",
        ))
    elif kind is DocumentKind.WORK_REPORT:
        found = next(((ln, m) for ln in source.lines if (m := _RESPONSIBILITY_WORDS.search(ln.text))), None)
        if found is not None:
            issues.append(Issue(
                source.path, found[0].number,
                f"read as a work report, but it has responsibility words ({found[1].group(0)!r}) that no "
                "task was read from: the layout is not understood", "report-with-clauses",
            ))
    return kind


def _section_leaders(tasks: list[Task], sections: list[Section], gaz: Gazetteer) -> list[Task]:
    """Tasks without leaders of their own take the persons their nearest section heading
    names (一、袁家军省长主抓重点工作; …（牵头领导：成坤、柯相国）)."""
    by_ordinal = {s.ordinal: s for s in sections}
    own = {s.ordinal: heading_leaders(s.title, gaz) for s in sections}
    out = []
    for t in tasks:
        sec = by_ordinal.get(t.section) if t.section is not None else None
        leaders: tuple[str, ...] = ()
        while sec is not None and not leaders:
            leaders = own[sec.ordinal]
            sec = by_ordinal.get(sec.parent) if sec.parent is not None else None
        if leaders and not t.responsibility.leaders:
            t = replace(t, responsibility=replace(t.responsibility, leaders=leaders))
        out.append(t)
    return out


def _item_responsibility(
    item: RawItem, meanings: tuple[str | None, ...] | None, gaz: Gazetteer, parser: _Parser
) -> tuple[Responsibility, str]:
    first_listed = parser.first_listed
    if item.style == "row" or item.cells:
        rows = [list(c) for c in item.cells] or [split_cells(line) for line in item.text.split("\n")]
        width = max(len(r) for r in rows)
        col_meanings = None
        if meanings is not None:
            col_meanings = list(meanings[1:] if meanings and meanings[0] == "number" else meanings)
            if width == 1:
                col_meanings = [m for m in meanings if m not in ("number", None)]
        # continued rows: task text runs on; unit lists are joined as lists, without repeats
        cells = []
        for i in range(width):
            parts = list(dict.fromkeys(r[i] for r in rows if i < len(r) and r[i]))
            unit_col = col_meanings is not None and i < len(col_meanings) and col_meanings[i] in (
                "lead", "co_lead", "responsible", "leader"
            )
            cells.append(("、" if unit_col else "").join(parts))
        resp, text = row_responsibility(cells, col_meanings, gaz, first_listed)
        return resp, text
    resp = parser(item.text)
    # a deadline after the clause counts where the text names one (most texts do not:
    # asked first)
    if resp.deadline is None and _DEADLINE_NAMED.search(item.text):
        tail = item.text[resp.clause_start :] if resp.clause_start >= 0 else ""
        if tail:
            dl = find_deadline(tail)
            if dl:
                resp = replace(resp, deadline=dl)
    return resp, item.text


_DEADLINE_NAMED = re.compile(r"完成时限|时间节点|完成时间")


def _restored(doc: ExtractedDocument, restorer: Restorer, source: SourceText) -> ExtractedDocument:
    """``doc`` extracted from a matching form, with its texts and names as ``source`` writes them."""
    r = restorer.restore

    def mention(m: UnitMention, offs: list[int], text: str) -> UnitMention:
        if 0 <= m.start < m.end < len(offs):
            s, e = offs[m.start], offs[m.end]
            return replace(m, name=text[s:e], start=s, end=e)
        return replace(m, name=r(m.name))

    tasks = []
    for t in doc.tasks:
        text, offs = restorer.offsets(t.text)
        resp = t.responsibility
        resp = replace(
            resp,
            lead=tuple(mention(m, offs, text) for m in resp.lead),
            co_lead=tuple(mention(m, offs, text) for m in resp.co_lead),
            leaders=tuple(r(x) for x in resp.leaders),
            deadline=r(resp.deadline) if resp.deadline else resp.deadline,
            clause=r(resp.clause) if resp.clause else resp.clause,
            clause_start=offs[resp.clause_start] if 0 <= resp.clause_start < len(offs) else resp.clause_start,
        )
        indicators = tuple(
            replace(i, text=text[offs[i.start] : offs[i.end]], start=offs[i.start], end=offs[i.end])
            if 0 <= i.start < i.end < len(offs) else replace(i, text=r(i.text))
            for i in t.indicators
        )
        entities = [
            tuple(
                replace(e, text=text[offs[e.start] : offs[e.end]], start=offs[e.start], end=offs[e.end])
                if 0 <= e.start < e.end < len(offs) else replace(e, text=r(e.text))
                for e in ents
            )
            for ents in (t.projects, t.districts)
        ]
        tasks.append(replace(
            t, text=text, responsibility=resp, indicators=indicators, projects=entities[0], districts=entities[1],
        ))
    sections = tuple(replace(s, title=r(s.title)) for s in doc.sections)
    # names quoted in warnings as the document writes them
    issues = [
        replace(i, path=source.path, message=re.sub(r"'([^']+)'", lambda m: repr(r(m.group(1))), i.message))
        for i in doc.issues
    ]
    return replace(doc, source=source, title=r(doc.title), sections=sections, tasks=tuple(tasks), issues=tuple(issues))


def _enrich(doc: ExtractedDocument, gaz: Gazetteer) -> ExtractedDocument:
    """Indicators, projects and districts (stage kg.extract.mentions)."""

    return enrich_document(doc, gaz)


# Issue codes that flag a whole document in the manifest (its kind or coverage is in doubt).
DOCUMENT_FLAGS = ("no-tasks", "unread-responsibility", "report-with-clauses")
_RESPONSIBILITY_WORDS = re.compile(r"(?:牵头|主办|配合|协办|责任)(?:单位|部门)[：:]|[（(][^（）()]{2,40}(?:牵头|主办)[，,；;）)]")


def _task_issues(source: SourceText, seg, tasks: list[Task], gaz: Gazetteer) -> list[Issue]:  # type: ignore[no-untyped-def]
    out: list[Issue] = []
    path = source.path
    if not tasks and source.lines:
        words = _RESPONSIBILITY_WORDS.search("\n".join(ln.text for ln in source.lines))
        if seg.numbered_items and words:
            out.append(Issue(
                path, 1, f"{seg.numbered_items} numbered items and responsibility words ({words.group(0)!r}) "
                "but no task was read: the layout is not understood", "unread-responsibility",
            ))
        else:
            out.append(Issue(path, 1, "no numbered tasks found (is this a task plan?)", "no-tasks"))
    for line, msg in seg.notes:
        out.append(Issue(path, line, msg))
    seen: Counter[tuple[int | None, str]] = Counter()
    unknown: dict[str, list] = {}  # name → [first line, first task number, tasks]
    untyped: dict[str, tuple[int, str]] = {}  # name → first line, first task number
    for t in tasks:
        key = (t.section, t.number)
        seen[key] += 1
        if seen[key] == 2:
            out.append(Issue(path, t.line, f"task number {t.number} appears twice in the same section; both kept", "duplicate-number"))
        r = t.responsibility
        if not r.lead and not r.co_lead:
            out.append(Issue(path, t.line, f"task {t.number}: no responsibility clause found; task kept without units", "no-units"))
        elif not r.lead:
            out.append(Issue(path, t.line, f"task {t.number}: no lead unit, only co-leads", "no-lead"))
        for m in (*r.lead, *r.co_lead):
            if m.unit is None:
                first = unknown.setdefault(m.name, [t.line, t.number, 0])
                first[2] += 1
            if m.kind == "unit" and m.unit_type is None:
                untyped.setdefault(m.name, (t.line, t.number))
        earlier = earlier_clauses(t.text, r, gaz) if r.lead or r.co_lead else []
        if earlier:
            out.append(Issue(path, t.line, (
                f"task {t.number}: {len(earlier) + 1} responsibility clauses in one item, only the last is read "
                f"(not read: {'、'.join(earlier)})"), "several-clauses"))
        text = t.text
        opens = text.count("（") + text.count("【") + text.count("[")
        closes = text.count("）") + text.count("】") + text.count("]")
        if opens != closes:
            out.append(Issue(path, t.line, f"task {t.number}: unbalanced brackets ({opens} open, {closes} close); parsed as far as possible", "unbalanced"))
    # one warning per unknown name, at its first task: a plan from a region without a
    # gazetteer would otherwise repeat the same name on every task. Without a region
    # profile every name outside the national table is unknown by construction: the names
    # understood by their shape (a type from their suffix: 市园林局) are listed in one
    # warning per document, and only the names not understood get a warning each.
    profiled = gaz.region in available_regions()
    understood = {n: v for n, v in unknown.items() if not profiled and n not in untyped}
    for name, (line, number, count) in unknown.items():
        if name in understood:
            continue
        more = f" and {count - 1} more tasks" if count > 1 else ""
        what = "; its type is unknown, typed kg:OtherUnit" if name in untyped else ""
        out.append(Issue(path, line, f"task {number}{more}: unknown unit name {name!r} kept as written{what}",
                         "untyped-unit" if name in untyped else "unknown-unit"))
    for name, (line, number) in untyped.items():
        if name not in unknown:
            out.append(Issue(path, line, f"task {number}: the type of unit {name!r} is unknown; typed kg:OtherUnit", "untyped-unit"))
    if understood:
        first_line = min(int(v[0]) for v in understood.values())
        listed = "、".join(f"{n} (line {v[0]})" for n, v in understood.items())
        out.append(Issue(path, first_line, (
            f"{len(understood)} unit name(s) that no gazetteer of region {gaz.region!r} holds (it has no profile), "
            f"kept as written and typed by their names: {listed}"), "unknown-unit"))
    out.sort(key=lambda i: i.line)
    for ln in seg.orphans:
        if states_first_listed_leads(ln.text):
            continue  # （排在第一位的为牵头单位…）: the document's convention, applied to every task
        r = parse_responsibility(ln.text, gaz)
        if r.lead or r.co_lead:
            out.append(Issue(path, ln.number, "unnumbered paragraph with a responsibility clause is not part of any task; not in the graph", "orphan"))
    return out
