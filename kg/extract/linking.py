"""Link work-report statements to the task-plan tasks they most resemble.

``link_statements`` scores every target-period statement of a report against every task
of the given plans by TF-IDF cosine over jieba words (the gazetteer's unit and area names
are kept whole; ``ontology/stopwords.txt``, punctuation, numbers and single characters are
dropped; term frequency is sublinear, ``1 + ln tf``; idf is smoothed,
``ln((1 + N) / (1 + df)) + 1`` over all statements and tasks together; vectors are
L2-normalised). Each statement keeps its ``top_k`` best tasks scoring at least
``min_score``. The links are *inferred*: :func:`infer_units` turns them into proposed
lead units for a statement, weighted by link score, never into stated responsibility.

Pure Python, deterministic: ties are broken by plan name and task ordinal.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from ..models import ExtractedDocument, StatementLink
from ..resources import stopwords
from .entities import cut
from .mentions import past_sections, task_text

__all__ = ["link_statements", "infer_units", "tokens", "stopwords"]

_KEEP = re.compile(r"[\u3400-\u9fffA-Za-z]")


def tokens(text: str, region: str | None = None) -> list[str]:
    """Content words of ``text`` for similarity (jieba, stopwords dropped).

    >>> tokens("推进湖南路片区环境综合整治", "nanjing-gulou")
    ['湖南路片区', '环境', '综合', '整治']

    A word that jieba cuts whole is dropped only when it is listed itself (继续 and 推进
    are, 继续推进 is not):

    >>> tokens("继续推进湖南路片区环境综合整治", "nanjing-gulou")[0]
    '继续推进'
    """

    stop = stopwords()
    out = []
    for w, _ in cut(text, region):
        w = w.strip()
        if len(w) < 2 or w in stop or not _KEEP.search(w) or w.isdigit():
            continue
        out.append(w)
    return out


def _vector(toks: list[str], idf: dict[str, float]) -> dict[str, float]:
    tf = Counter(toks)
    vec = {w: (1.0 + math.log(n)) * idf[w] for w, n in tf.items()}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {w: v / norm for w, v in vec.items()} if norm else {}


def _region(doc: ExtractedDocument) -> str | None:
    return doc.region if doc.region and doc.region != "generic" else None


def _statements(report: ExtractedDocument) -> list[tuple[int, str]]:
    past = past_sections(report.sections, report.year)
    return [
        (t.ordinal, task_text(t, report.kind))
        for t in report.tasks
        if t.section not in past and not (t.indicators and all(i.period == "actual" for i in t.indicators))
    ]


def link_statements(
    report: ExtractedDocument,
    plans: Sequence[ExtractedDocument],
    top_k: int = 3,
    min_score: float = 0.1,
) -> list[StatementLink]:
    """The ``top_k`` most similar plan tasks of every target-period report statement.

    Links are ordered by statement ordinal, then best score first.
    """
    region = _region(report)
    stmts = [(o, tokens(text, region)) for o, text in _statements(report)]
    tasks: list[tuple[str, int, list[str]]] = []
    for plan in plans:
        if plan is report:
            continue
        preg = _region(plan) or region
        for t in plan.tasks:
            tasks.append((plan.name, t.ordinal, tokens(task_text(t, plan.kind), preg)))
    docs = [s for _, s in stmts] + [t for _, _, t in tasks]
    n = len(docs)
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d))
    idf = {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}
    # inverted index: term → (task index, weight); a statement meets only the tasks that
    # share a term with it
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for k, (_name, _o, toks) in enumerate(tasks):
        for w, v in _vector(toks, idf).items():
            postings[w].append((k, v))
    links: list[StatementLink] = []
    for ordinal, toks in stmts:
        acc: dict[int, float] = defaultdict(float)
        for w, v in _vector(toks, idf).items():
            for k, tv in postings.get(w, ()):
                acc[k] += v * tv
        scored = [
            (round(score, 6), tasks[k][0], tasks[k][1]) for k, score in acc.items() if score >= min_score
        ]
        scored.sort(key=lambda x: (-x[0], x[1], x[2]))
        for score, name, o in scored[:top_k]:
            links.append(StatementLink(report.name, ordinal, name, o, round(score, 4)))
    return links


def infer_units(
    links: Sequence[StatementLink], plans: Sequence[ExtractedDocument]
) -> dict[int, list[tuple[str, float]]]:
    """Proposed lead units per report statement: each linked task's lead units, weighted
    by the link's score and summed; best first (ties by name).

    A lead is named by its canonical gazetteer name, else as written (groups by their
    label). These are inferences from similarity, to be kept apart from stated
    responsibility.
    """
    by_task = {(p.name, t.ordinal): t for p in plans for t in p.tasks}
    weights: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for link in links:
        task = by_task.get((link.plan, link.task))
        if task is None:
            continue
        seen = set()
        for m in task.responsibility.lead:
            name = m.unit or m.name
            if name in seen:
                continue
            seen.add(name)
            weights[link.statement][name] += link.score
    return {
        s: sorted(((u, round(w, 4)) for u, w in ws.items()), key=lambda x: (-x[1], x[0]))
        for s, ws in sorted(weights.items())
    }
