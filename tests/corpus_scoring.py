"""Scoring of kg's extraction on an annotated corpus, the way the corpus scorer
(``score_extract.py``, see tests/data/real/README.md) does it.

Tasks are matched on the first 10 characters of the gold ``text_start``; truncated gold
tasks are left out of lead/co-lead scoring; unit names are compared as written (NFKC,
punctuation folded, a leading 各 and a final 等 stripped). Indicators are compared as values
in their base unit (万人 → 人): per matched task, and for a work report against all of its
statements.

A corpus folder holds ``docs/*.txt``, ``gold/*.json`` and ``thresholds.json``: the scores
reached so far, per document and in total, which can only go up.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.extract import extract_document
from kg.models import ExtractedDocument
from kg.pipeline import task_records
from kg.read import read_source

DATA = Path(__file__).resolve().parent / "data"

_FOLD = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":", "；": ";", "\u3000": " "})
_MULT = {"万": 10_000, "亿": 100_000_000, "千": 1_000, "百": 100}


def norm_text(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or "").translate(_FOLD))


def norm_name(s: str) -> str:
    return re.sub(r"^各", "", re.sub(r"等$", "", norm_text(s)))


def f1(tp: int, npred: int, ngold: int) -> float:
    p = tp / npred if npred else (1.0 if not ngold else 0.0)
    r = tp / ngold if ngold else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _match(key: str, records: list[dict]) -> dict | None:
    """The shortest record whose text holds ``key`` (the scorer's rule)."""
    match = [p for p in records if key in norm_text(p.get("text", ""))]
    return min(match, key=lambda m: len(norm_text(m.get("text", "")))) if match else None


def score(gold: dict, records: list[dict]) -> Counter[str]:
    """Lead and co-lead counts (tp / pred / gold) and tasks found for one document."""
    c: Counter[str] = Counter()
    for t in gold["tasks"]:
        if t.get("truncated"):
            continue
        c["gold_tasks"] += 1
        for role in ("lead", "co_lead"):
            c[f"{role}_gold"] += len(t[role])
        p = _match(norm_text(t["text_start"])[:10], records)
        if p is None:
            continue
        c["found_tasks"] += 1
        for role in ("lead", "co_lead"):
            g = Counter(norm_name(x) for x in t[role])
            pr = Counter(norm_name(x["name"]) for x in p.get(role, []))
            c[f"{role}_tp"] += sum((g & pr).values())
            c[f"{role}_pred"] += sum(pr.values())
    return c


def _base(value: object, unit: object) -> tuple[float, str]:
    """A value in its base unit (万人 → 人), as the scorer compares them."""
    u = norm_text(str(unit or ""))
    v = float(value)  # type: ignore[arg-type]
    while len(u) > 1 and u[0] in _MULT:
        v, u = v * _MULT[u[0]], u[1:]
    return round(v, 6), u


def indicator_counts(gold: dict, records: list[dict]) -> Counter[str]:
    """Indicator tp / gold / pred: per matched task, and per document for a work report."""
    c: Counter[str] = Counter()
    for t in gold["tasks"]:
        if t.get("truncated"):
            continue
        g = Counter(_base(x["value"], x["unit"]) for x in t.get("indicators", []))
        c["gold"] += sum(g.values())
        p = _match(norm_text(t["text_start"])[:10], records)
        if p is not None:
            pr = Counter(_base(x["value"], x["unit"]) for x in p.get("indicators", []))
            c["tp"] += sum((g & pr).values())
            c["pred"] += sum(pr.values())
    if gold.get("indicators"):
        g = Counter(_base(x["value"], x["unit"]) for x in gold["indicators"])
        pr = Counter(_base(x["value"], x["unit"]) for p in records for x in p.get("indicators", []))
        c["tp"] += sum((g & pr).values())
        c["gold"] += sum(g.values())
        c["pred"] += sum(pr.values())
    return c


@dataclass
class Corpus:
    """An annotated corpus folder under tests/data/, its documents read once."""

    name: str
    _docs: dict[str, tuple[ExtractedDocument, list[dict]]] = field(default_factory=dict, repr=False)

    @property
    def folder(self) -> Path:
        return DATA / self.name

    @property
    def stems(self) -> list[str]:
        return sorted(p.stem for p in (self.folder / "gold").glob("*.json"))

    @property
    def thresholds(self) -> dict[str, Any]:
        return json.loads((self.folder / "thresholds.json").read_text(encoding="utf-8"))

    def gold(self, stem: str) -> dict:
        return json.loads((self.folder / "gold" / f"{stem}.json").read_text(encoding="utf-8"))

    def extracted(self, stem: str) -> tuple[ExtractedDocument, list[dict]]:
        """The document as kg extracts it, and its records as ``kg extract`` prints them."""
        if stem not in self._docs:
            doc = extract_document(read_source(self.folder / "docs" / f"{stem}.txt"))
            records = [json.loads(json.dumps(r, ensure_ascii=False)) for r in task_records(doc)]
            self._docs[stem] = (doc, records)
        return self._docs[stem]

    def scores(self, stem: str) -> dict[str, float]:
        records = self.extracted(stem)[1]
        c = score(self.gold(stem), records)
        i = indicator_counts(self.gold(stem), records)
        return {
            "tasks_found": c["found_tasks"],
            "lead_f1": round(f1(c["lead_tp"], c["lead_pred"], c["lead_gold"]), 3),
            "co_lead_f1": round(f1(c["co_lead_tp"], c["co_lead_pred"], c["co_lead_gold"]), 3),
            "indicator_f1": round(f1(i["tp"], i["pred"], i["gold"]), 3),
        }

    def totals(self) -> dict[str, float]:
        tot: Counter[str] = Counter()
        ind: Counter[str] = Counter()
        for stem in self.stems:
            records = self.extracted(stem)[1]
            tot.update(score(self.gold(stem), records))
            ind.update(indicator_counts(self.gold(stem), records))
        resp = f1(tot["lead_tp"] + tot["co_lead_tp"], tot["lead_pred"] + tot["co_lead_pred"],
                  tot["lead_gold"] + tot["co_lead_gold"])
        return {
            "tasks_found": tot["found_tasks"],
            "responsibility_f1": round(resp, 3),
            "indicator_f1": round(f1(ind["tp"], ind["pred"], ind["gold"]), 3),
        }
