"""Summarise a py-spy raw profile (``py-spy record -f raw``) of extraction.

    python bench/flame_summary.py prof.txt [--top 30]

Only the samples inside ``extract_document`` count, less the one-off costs of the first
document (imports, the tokenizer's dictionary, spaCy's vocabulary and matchers, the table of
China's divisions, read when a document first asks for it). Prints
the share of samples per kg module (the one nearest the sampled frame; spaCy or rjieba
when the frame is inside them), per function including its callees, and per function alone.
"""

from __future__ import annotations

import argparse
import collections
import re

_FRAME = re.compile(r"(.*) \((.*?):(\d+)\)$")
_ONE_OFF = ("_find_and_load", "_RjiebaDict.__init__", "_token_matcher", "_phrase_matcher", "_vocab (", "_divisions (")


def _name(frame: str) -> tuple[str, str]:
    m = _FRAME.match(frame)
    if not m:
        return frame, ""
    path = m.group(2)
    for cut in ("site-packages/", "/kg/"):
        if cut in path:
            path = ("kg/" if cut == "/kg/" else "") + path.rsplit(cut, 1)[1]
    return f"{m.group(1)} ({path})", path


def summary(lines: list[str], top: int) -> str:
    incl: collections.Counter[str] = collections.Counter()
    alone: collections.Counter[str] = collections.Counter()
    modules: collections.Counter[str] = collections.Counter()
    total = 0
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        if not any("extract_document" in f for f in frames) or any(x in f for f in frames for x in _ONE_OFF):
            continue
        n = int(count)
        total += n
        named = [_name(f) for f in frames]
        for nm in {nm for nm, _ in named}:
            incl[nm] += n
        alone[named[-1][0]] += n
        module = "other (re, builtins, stdlib)"
        for _, path in reversed(named):
            if path.startswith("kg/"):
                module = path
                break
            if path.startswith(("spacy", "thinc")) or "rjieba" in path:
                module = path.split("/")[0]
                break
        modules[module] += n
    if not total:
        return "no sample inside extract_document"
    out = [f"{total} samples inside extract_document", "", "per module:"]
    out += [f"{100 * v / total:5.1f}%  {k}" for k, v in modules.most_common()]
    out += ["", "per function, with its callees:"]
    out += [f"{100 * v / total:5.1f}%  {k}" for k, v in incl.most_common(top)]
    out += ["", "per function, alone:"]
    out += [f"{100 * v / total:5.1f}%  {k}" for k, v in alone.most_common(top)]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("--top", type=int, default=30)
    a = ap.parse_args()
    with open(a.raw, encoding="utf-8") as fh:
        print(summary(fh.readlines(), a.top))


if __name__ == "__main__":
    main()
