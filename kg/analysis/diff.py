"""What changed in responsibility from one build to the next (``kg diff OUT_A OUT_B``):
per unit, the tasks it gained and lost, and the tasks whose lead or co-lead moved from
one unit to another (say, from one year's plan to the next).

Both builds are read from their ``tasks.jsonl`` (the tasks of the task plans, with their
leads and co-leads as the gazetteer named them) and ``manifest.json`` (each document's
region and year); the graph store is not opened.

Matching tasks
--------------
A task of build A and a task of build B are the same task when their texts are alike:

* the texts are compared in a *normalised* form: the responsibility clause and every unit
  name written in the task taken out (the clause changes when the lead moves), then the
  role words (主办, 牵头, 协办 …), punctuation and spaces;
* their similarity is :class:`difflib.SequenceMatcher`'s ratio of the normalised texts;
* a pair is a match when the tasks are of the same region and the similarity is at least
  :data:`SAME_NUMBER_MIN` (0.6) for tasks with the same number (二、3 in both plans), or
  :data:`OTHER_NUMBER_MIN` (0.8) for renumbered ones;
* pairs are taken greedily, best first (the number breaks ties): each task is matched
  at most once. Tasks of A left over were *dropped*, tasks of B left over are *new*.

Units and the alias history
---------------------------
A unit renamed in an institutional reform (机构改革: 区金融办 → 区金融监管局) keeps its old
name among the aliases of its region profile (``ontology/regions/*/units.csv``). Every
unit name of both builds is mapped through the *current* profile of its document's region
to its canonical name before comparing, so a task led by 区金融办 in an old build and by
区金融监管局 in a new one has not moved; the names mapped are listed in
:attr:`BuildDiff.renamed`.

Moves, gains and losses
-----------------------
For a matched task and a role (lead or co-lead), the units that lost the role and those
that took it: when both are present, responsibility *moved* (:class:`Move`). A unit
*gains* a task when it holds a role on it in B and did not in A (a new task, or a matched
one it joined), and *loses* it the other way round (:class:`UnitChange`, per unit and role).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

from ..errors import UsageError
from ..extract.gazetteer import available_regions, load_gazetteer
from ..extract.responsibility_words import clause_rules
from ..layout import MANIFEST, graph_nquads

__all__ = [
    "TaskRow",
    "Move",
    "UnitChange",
    "BuildDiff",
    "ROLES",
    "SAME_NUMBER_MIN",
    "OTHER_NUMBER_MIN",
    "read_tasks",
    "normalised_text",
    "match_tasks",
    "diff_tasks",
    "diff_builds",
]

ROLES = ("lead", "co_lead")
SAME_NUMBER_MIN = 0.6
OTHER_NUMBER_MIN = 0.8


@cache
def _clause_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A trailing responsibility bracket, and the role words and labels of a clause, from
    the extractor's own word lists (ontology/responsibility.json): what matching leaves out."""
    rules = clause_rules()
    words = sorted(
        {*rules.lead_words, *rules.co_words, *rules.shared_words, *rules.lead_labels, *rules.co_labels,
         *rules.resp_labels, *rules.leader_labels},
        key=len, reverse=True,
    )
    alt = "|".join(map(re.escape, words))
    bracket = re.compile(rf"[（(][^（）()]*(?:{alt})[^（）()]*[）)]\s*$")
    return bracket, re.compile(alt)


@dataclass(frozen=True)
class TaskRow:
    """A task of a build: where it is, its text, and its units by role (canonical names)."""

    document: str
    number: str
    text: str
    region: str = ""
    year: int | None = None
    lead: tuple[str, ...] = ()
    co_lead: tuple[str, ...] = ()
    names: tuple[str, ...] = field(default=(), repr=False)  # unit names as written

    @property
    def ref(self) -> str:
        """``document#number``, how tables name the task."""
        return f"{self.document}#{self.number}"

    def units(self, role: str) -> tuple[str, ...]:
        return self.lead if role == "lead" else self.co_lead


@dataclass(frozen=True)
class Move:
    """Responsibility for a matched task that moved: in ``role``, ``from_units`` held it in
    build A and ``to_units`` hold it in build B."""

    old: str  # the task in A (document#number)
    new: str  # the task in B
    role: str
    from_units: tuple[str, ...]
    to_units: tuple[str, ...]
    text: str  # the task's text in B
    similarity: float


@dataclass(frozen=True)
class UnitChange:
    """The tasks a unit gained and lost in one role (task refs of B and of A)."""

    unit: str
    role: str
    gained: tuple[str, ...]
    lost: tuple[str, ...]


@dataclass
class BuildDiff:
    """What :func:`diff_tasks` found."""

    matched: list[tuple[str, str, float]]  # (task in A, task in B, similarity)
    dropped: list[str]  # tasks of A without a match
    new: list[str]  # tasks of B without a match
    moves: list[Move]
    units: list[UnitChange]  # sorted by unit, then role
    renamed: dict[str, str]  # a name of either build → the canonical name it was mapped to
    years: tuple[list[int], list[int]] = ([], [])  # the plans' years in A and in B

    def to_json(self) -> dict[str, object]:
        return {
            "years": {"a": self.years[0], "b": self.years[1]},
            "matched": len(self.matched),
            "dropped": self.dropped,
            "new": self.new,
            "moves": [asdict(m) for m in self.moves],
            "units": [asdict(u) for u in self.units],
            "renamed": self.renamed,
        }


# ---------------------------------------------------------------------------------------
# reading a build


def _canonical_of(region: str) -> Callable[[str], str]:
    """A unit name → its canonical name by the current profile of ``region`` (as is when
    the region has no profile or the profile does not know the name)."""
    if region not in available_regions():
        return lambda name: name
    gaz = load_gazetteer(region)
    return lambda name: gaz.resolve_unit(name) or name


def read_tasks(out: str | Path, renamed: dict[str, str] | None = None) -> list[TaskRow]:
    """The tasks of the task plans of build folder ``out``, their units mapped to the
    canonical names of their region's current profile (each name mapped to another is
    recorded in ``renamed``)."""
    folder = Path(out)
    graph_nquads(folder)  # a UsageError when it is no build folder
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        lines = (folder / "tasks.jsonl").read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError) as exc:
        raise UsageError(f"{folder}: cannot read the build's tasks ({exc}); rebuild it with kg build") from None
    docs = {d["document"]: d for d in manifest.get("documents", [])}
    mappers: dict[str, Callable[[str], str]] = {}
    rows = []
    for line in lines:
        rec = json.loads(line)
        if rec.get("kind") != "TaskPlan":
            continue
        doc = docs.get(rec["document"], {})
        region = str(doc.get("region") or "")
        canonical = mappers.setdefault(region, _canonical_of(region))
        roles: dict[str, tuple[str, ...]] = {}
        for role in ROLES:
            names = []
            for m in rec[role]:
                unit = canonical(m["unit"])
                if unit != m["unit"] and renamed is not None:
                    renamed[m["unit"]] = unit
                if unit not in names:
                    names.append(unit)
            roles[role] = tuple(names)
        written = tuple(m["name"] for role in ROLES for m in rec[role])
        rows.append(TaskRow(
            rec["document"], str(rec["id"]), rec["text"], region, doc.get("year"),
            roles["lead"], roles["co_lead"], written,
        ))
    return rows


# ---------------------------------------------------------------------------------------
# matching


def normalised_text(task: TaskRow) -> str:
    """The text compared when matching: without the responsibility clause, the unit names
    written in it, role words, punctuation and spaces.

    >>> normalised_text(TaskRow("p", "3", "推进城市更新。（区建设局主办，各街道协办）", names=("区建设局", "各街道")))
    '推进城市更新'
    """
    bracket, role_words = _clause_patterns()
    text = bracket.sub("", task.text)
    for name in sorted(task.names, key=len, reverse=True):
        if name:
            text = text.replace(name, "")
    text = role_words.sub("", text)
    return "".join(c for c in text if not unicodedata.category(c).startswith(("P", "Z", "S", "C")))


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def match_tasks(old: Sequence[TaskRow], new: Sequence[TaskRow]) -> list[tuple[int, int, float]]:
    """The matched pairs ``(index in old, index in new, similarity)`` by the rule of the
    module's docstring, in the order of ``new``."""
    norm_old = [normalised_text(t) for t in old]
    norm_new = [normalised_text(t) for t in new]
    grams_new = [_bigrams(t) for t in norm_new]
    by_region: dict[str, list[int]] = {}
    for j, b in enumerate(new):
        by_region.setdefault(b.region, []).append(j)
    candidates: list[tuple[float, bool, int, int, float]] = []
    # every task of A against every task of B in its region: 1,000 tasks on each side
    # take about 2 s (the bigram bound below skips the matcher for nearly all pairs)
    for i, (a, text_a) in enumerate(zip(old, norm_old, strict=True)):
        grams_a = _bigrams(text_a)
        for j in by_region.get(a.region, ()):
            b, text_b = new[j], norm_new[j]
            same_number = a.number == b.number
            floor = SAME_NUMBER_MIN if same_number else OTHER_NUMBER_MIN
            # the share of shared character pairs bounds the similarity cheaply: most
            # pairs of a plan's tasks are dropped here without running the matcher
            shared = len(grams_a & grams_new[j])
            if 2 * shared / (len(grams_a) + len(grams_new[j])) < floor - 0.2:
                continue
            ratio = SequenceMatcher(None, text_a, text_b, autojunk=False).ratio()
            if ratio >= floor:
                candidates.append((-ratio, not same_number, i, j, ratio))
    candidates.sort()
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for _, _, i, j, ratio in candidates:
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((i, j, round(ratio, 3)))
    return sorted(pairs, key=lambda p: p[1])


# ---------------------------------------------------------------------------------------
# the diff


def diff_tasks(old: Sequence[TaskRow], new: Sequence[TaskRow], renamed: Mapping[str, str] | None = None) -> BuildDiff:
    """The :class:`BuildDiff` of two builds' tasks (see the module's docstring).

    >>> a = [TaskRow("p2020", "1", "推进城市更新。（区建设局主办）", lead=("区建设局",), names=("区建设局",))]
    >>> b = [TaskRow("p2021", "1", "推进城市更新。（区房产局主办）", lead=("区房产局",), names=("区房产局",))]
    >>> [(m.old, m.new, m.from_units, m.to_units) for m in diff_tasks(a, b).moves]
    [('p2020#1', 'p2021#1', ('区建设局',), ('区房产局',))]
    """
    pairs = match_tasks(old, new)
    gained: dict[tuple[str, str], list[str]] = {}
    lost: dict[tuple[str, str], list[str]] = {}
    moves = []
    for i, j, ratio in pairs:
        a, b = old[i], new[j]
        for role in ROLES:
            went = [u for u in a.units(role) if u not in b.units(role)]
            came = [u for u in b.units(role) if u not in a.units(role)]
            for u in went:
                lost.setdefault((u, role), []).append(a.ref)
            for u in came:
                gained.setdefault((u, role), []).append(b.ref)
            if went and came:
                moves.append(Move(a.ref, b.ref, role, tuple(went), tuple(came), b.text, ratio))
    matched_old = {i for i, _, _ in pairs}
    matched_new = {j for _, j, _ in pairs}
    dropped = [t for i, t in enumerate(old) if i not in matched_old]
    added = [t for j, t in enumerate(new) if j not in matched_new]
    for t in dropped:
        for role in ROLES:
            for u in t.units(role):
                lost.setdefault((u, role), []).append(t.ref)
    for t in added:
        for role in ROLES:
            for u in t.units(role):
                gained.setdefault((u, role), []).append(t.ref)
    units = [
        UnitChange(unit, role, tuple(gained.get((unit, role), ())), tuple(lost.get((unit, role), ())))
        for unit, role in sorted(set(gained) | set(lost), key=lambda k: (k[0], ROLES.index(k[1])))
    ]
    return BuildDiff(
        matched=[(old[i].ref, new[j].ref, r) for i, j, r in pairs],
        dropped=[t.ref for t in dropped], new=[t.ref for t in added], moves=moves, units=units,
        renamed=dict(sorted((renamed or {}).items())),
        years=(_years(old), _years(new)),
    )


def _years(tasks: Iterable[TaskRow]) -> list[int]:
    return sorted({t.year for t in tasks if t.year is not None})


def diff_builds(out_a: str | Path, out_b: str | Path) -> BuildDiff:
    """The diff of build folders ``out_a`` (before) and ``out_b`` (after)."""
    renamed: dict[str, str] = {}
    old = read_tasks(out_a, renamed)
    new = read_tasks(out_b, renamed)
    return diff_tasks(old, new, renamed)
