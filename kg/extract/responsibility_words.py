"""The words of responsibility clauses (``ontology/responsibility.json``) compiled once,
and the small readers built on them alone: deadlines, heading leaders (一、袁家军省长主抓…),
plans stating that the first listed unit leads."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from ..models import Role
from ..resources import responsibility_rules

__all__ = [
    "OPEN_BRACKETS", "CLOSE_BRACKETS", "ROLE_MARK", "LEAD_IN", "SHARED_PREFIX", "CONJUNCTION",
    "CLAUSE", "LABEL_MARKS", "ClauseRules", "clause_rules", "states_first_listed_leads",
    "find_deadline", "role_of_word", "NOT_IN_NAMES",
]

OPEN_BRACKETS = "（【["


CLOSE_BRACKETS = "）】]"


_PAIRS = {"（": "）", "【": "】", "[": "]"}


# Separators between units in a list. "和/及/与" are handled separately (they also occur
# inside unit names such as 区发展和改革委员会).
ROLE_MARK = re.compile(r"[（(【\[](牵头|主办|负责|配合|协办|参与)[）)】\]]$")


LEAD_IN = re.compile(r"^(由|请|其中|和|及|与)")


SHARED_PREFIX = re.compile(r"^(各|相关|有关)")


CONJUNCTION = re.compile(r"[和及与]")


CLAUSE = re.compile(r"[^，；。\n]+")


# every label match contains one of these (see ClauseRules.label_re)
LABEL_MARKS = ("：", "【", "[", "\t")


@dataclass(frozen=True)
class ClauseRules:
    lead_words: tuple[str, ...]
    co_words: tuple[str, ...]
    shared_words: tuple[str, ...]
    co_prefixes: tuple[str, ...]
    tail_re: re.Pattern[str]
    lead_labels: tuple[str, ...]
    co_labels: tuple[str, ...]
    resp_labels: tuple[str, ...]
    leader_labels: tuple[str, ...]
    deadline_labels: tuple[str, ...]
    not_role_after: tuple[str, ...]
    first_listed: tuple[re.Pattern[str], ...]
    deadline_re: re.Pattern[str]
    label_re: re.Pattern[str]
    role_re: re.Pattern[str]


@cache
def clause_rules() -> ClauseRules:
    d = responsibility_rules()

    def by_len(xs: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(xs, key=len, reverse=True))

    labels = by_len(
        d["lead_labels"] + d["co_lead_labels"] + d["responsible_labels"]
        + d["leader_labels"] + d["deadline_labels"]
    )
    # A label counts when a colon follows it, or when it sits alone in brackets (【牵头单位】).
    label_alt = "|".join(map(re.escape, labels))
    # …or a tab (a lost cell boundary) follows it at the start of a line (牵头单位\t区发改委).
    # 牵头单位（部门）：a short bracketed qualifier may stand between the label and its colon
    label_re = re.compile(
        rf"[【\[]({label_alt})[】\]]：?|({label_alt})(?:（[^（）：]{{1,6}}）)?：|(?:(?<=\n)|^)({label_alt})\t"
    )
    roles = by_len(d["lead_words"] + d["co_lead_words"] + d["shared_words"])
    role_re = re.compile("|".join(map(re.escape, roles)))
    tails = "|".join([*d.get("list_tail_patterns", []), *map(re.escape, by_len(d["list_tail_words"]))])
    return ClauseRules(
        by_len(d["lead_words"]), by_len(d["co_lead_words"]), by_len(d["shared_words"]),
        by_len(d["co_lead_prefixes"]), re.compile(f"(?:{tails})+$"),
        by_len(d["lead_labels"]), by_len(d["co_lead_labels"]), by_len(d["responsible_labels"]),
        by_len(d["leader_labels"]), by_len(d["deadline_labels"]), tuple(d["not_role_after"]),
        tuple(re.compile(p) for p in d["first_listed_leads_patterns"]),
        re.compile("|".join(f"(?:{p})" for p in d["deadline_patterns"])),
        label_re, role_re,
    )


def states_first_listed_leads(text: str) -> bool:
    """Whether a document states that the first unit listed is the lead.

    >>> states_first_listed_leads("（注：列第一位的为牵头单位）")
    True
    >>> states_first_listed_leads("区发改委牵头")
    False
    """
    return any(p.search(text) for p in clause_rules().first_listed)


@lru_cache(maxsize=65536)
def find_deadline(text: str) -> str | None:
    """A deadline phrase (完成时限) in ``text``, e.g. ``2021年6月底前``, ``长期坚持``.

    Remembered per text: the pieces of unit lists and brackets asked about recur in every
    document, and the pattern (an alternation of the data's deadline forms) is tried at
    every position of a text.

    >>> find_deadline("2021年6月底前"), find_deadline("长期坚持"), find_deadline("区发改委")
    ('2021年6月底前', '长期坚持', None)
    """
    m = clause_rules().deadline_re.search(text)
    return m.group(0) if m and m.group(0) else None


def role_of_word(word: str) -> Role:
    """Lead for 主办/牵头/负责 and for the shared words (until a lead is seen elsewhere)."""
    r = clause_rules()
    return Role.LEAD if word in r.lead_words or word in r.shared_words else Role.CO_LEAD


NOT_IN_NAMES = re.compile(r"[，。；：！？“”《》\d%]")
