"""The numbered lines of a plan as a tree by numbering style (一、 > （一） > 1. > （1） > ①),
and the role of each — heading, task or sub-point — decided by where the responsibility
clauses are (:func:`classify_numbered`; :mod:`kg.extract.segment` assembles the tasks)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..models import Line
from ..text.numbering import STYLE_RANK

__all__ = ["Numbered", "classify_numbered"]

Numbered = list[tuple[int, tuple[str, str, str] | None]]


def classify_numbered(
    lines: Sequence[Line],
    numbered: list[tuple[int, tuple[str, str, str] | None]],
    has_responsibility: Callable[[str], bool],
    has_header: bool,
) -> dict[int, str]:
    """Decide for each numbered line whether it is a heading, a task or a sub-point.

    The numbered lines form a tree by style (一、 > （一） > 1. > （1） > ①). Walking it from
    the top, a node whose block carries no responsibility clause at all is a heading if
    it has children; a node with a clause is a task, unless most of its children carry
    their own clause (then they are the tasks, and it is a heading). Sub-points below a
    task are folded into it. Childless nodes without a clause are tasks when their style
    numbers tasks elsewhere (a task whose clause is missing), headings otherwise.
    Articles (第一条…) before the first and after the last that carry a clause are
    ``prose``: the purpose and closing articles of a text of articles.
    """
    idx, rank, children, end = _number_tree(numbered, len(lines))
    resp: dict[int, bool] = {}

    def has(i: int) -> bool:
        if i not in resp:
            if numbered[i][1][0] == "row" and has_header:  # type: ignore[index]
                resp[i] = True
            else:
                resp[i] = has_responsibility("\n".join(ln.text for ln in lines[i : end[i]]))
        return resp[i]

    roles: dict[int, str] = {}

    def fold(i: int) -> None:
        for c in children[i]:
            roles[c] = "sub"
            fold(c)

    def visit(i: int) -> None:
        kids = children[i]
        if i >= 0 and not has(i):
            roles[i] = "heading" if kids else "pending"
            for c in kids:
                visit(c)
            return
        with_clause = [c for c in kids if has(c)]
        # clauses on most children (or on any, under a 一、 or 第一部分 heading): descend
        descend = i < 0 or (
            with_clause and (len(with_clause) * 2 > len(kids) or rank[i] <= STYLE_RANK["cn_dun"])
        )
        if descend:
            if i >= 0:
                roles[i] = "heading"
            for c in kids:
                visit(c)
        else:
            roles[i] = "task"
            fold(i)

    visit(-1)
    _resolve_pending(roles, rank)
    # articles before the first one that assigns units (purpose, basis) and after the last
    # (interpretation, entry into force) are the frame of the text, not tasks
    articles = [i for i in idx if numbered[i][1][0] == "article" and roles.get(i) == "task"]  # type: ignore[index]
    assigned = [i for i in articles if has(i)]
    for i in articles:
        if assigned and (i < assigned[0] or i > assigned[-1]):
            roles[i] = "prose"
    return roles


def _resolve_pending(roles: dict[int, str], rank: dict[int, int]) -> None:
    """Childless numbered lines without a clause: tasks when their style numbers tasks
    elsewhere (a task whose clause is missing), headings otherwise."""
    task_ranks = {rank[i] for i, r in roles.items() if r == "task"}
    for i, r in list(roles.items()):
        if r == "pending":
            roles[i] = "task" if rank[i] in task_ranks else "heading"


def _number_tree(
    numbered: Numbered, n_lines: int,
) -> tuple[list[int], dict[int, int], dict[int, list[int]], dict[int, int]]:
    """The numbered lines as a tree by style: ``(their indexes, the rank of each, the
    children of each (the root is -1), the end of each one's block)``."""
    idx = [i for i, n in numbered if n is not None]
    rank = {i: STYLE_RANK[numbered[i][1][0]] for i in idx}  # type: ignore[index]
    children: dict[int, list[int]] = {-1: []}
    stack: list[int] = []
    end: dict[int, int] = {}
    for i in idx:
        while stack and rank[stack[-1]] >= rank[i]:
            end[stack.pop()] = i
        children.setdefault(stack[-1] if stack else -1, []).append(i)
        children.setdefault(i, [])
        stack.append(i)
    for i in stack:
        end[i] = n_lines
    return idx, rank, children, end
