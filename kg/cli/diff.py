"""``kg diff OUT_A OUT_B``: responsibility gained, lost and moved from one build to the next."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

import click

from .common import handle_errors

if TYPE_CHECKING:
    from ..analysis.diff import BuildDiff

__all__ = ["register"]

# how much of a task's text the table shows
TEXT_WIDTH = 40
CSV_COLUMNS = ("change", "role", "unit", "from", "to", "task_a", "task_b", "similarity", "text")


def _aligned(header: list[str], rows: list[list[str]]) -> list[str]:
    from kg.queries import display_width

    widths = [max(display_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  " + "  ".join(c + " " * (w - display_width(c)) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *rows]
    ]


def _short(text: str) -> str:
    return text if len(text) <= TEXT_WIDTH else text[: TEXT_WIDTH - 1] + "…"


def _years(years: list[int]) -> str:
    return ", ".join(map(str, years)) if years else "year unknown"


def format_table(d: BuildDiff) -> str:
    lines = [
        f"Tasks: {len(d.matched)} matched, {len(d.new)} new, {len(d.dropped)} dropped "
        f"(plans of {_years(d.years[0])} → {_years(d.years[1])})",
        f"Responsibility moved ({len(d.moves)}):",
    ]
    if d.moves:
        lines += _aligned(
            ["role", "from", "to", "task A", "task B", "text"],
            [[m.role, "、".join(m.from_units), "、".join(m.to_units), m.old, m.new, _short(m.text)] for m in d.moves],
        )
    lines.append(f"Units that gained or lost tasks ({len({u.unit for u in d.units})}):")
    if d.units:
        lines += _aligned(
            ["unit", "role", "gained", "lost", "tasks gained", "tasks lost"],
            [[u.unit, u.role, str(len(u.gained)), str(len(u.lost)), " ".join(u.gained), " ".join(u.lost)]
             for u in d.units],
        )
    if d.renamed:
        lines.append("Renamed units (mapped through the region profile's aliases):")
        lines += [f"  {old} → {new}" for old, new in d.renamed.items()]
    return "\n".join(lines) + "\n"


def format_csv(d: BuildDiff) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for m in d.moves:
        w.writerow(["moved", m.role, "", "|".join(m.from_units), "|".join(m.to_units), m.old, m.new, m.similarity, m.text])
    for u in d.units:
        for ref in u.gained:
            w.writerow(["gained", u.role, u.unit, "", "", "", ref, "", ""])
        for ref in u.lost:
            w.writerow(["lost", u.role, u.unit, "", "", ref, "", "", ""])
    for ref in d.new:
        w.writerow(["new task", "", "", "", "", "", ref, "", ""])
    for ref in d.dropped:
        w.writerow(["dropped task", "", "", "", "", ref, "", "", ""])
    for old, new in d.renamed.items():
        w.writerow(["renamed", "", "", old, new, "", "", "", ""])
    return buf.getvalue()


@click.command("diff")
@click.argument("out_a", type=click.Path())
@click.argument("out_b", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table: for reading; csv: one row per change; json: everything.")
@handle_errors
def diff_cmd(out_a: str, out_b: str, fmt: str) -> None:
    """Compare build OUT_A (before, e.g. last year's plan) with OUT_B (after): per unit, the
    tasks gained and lost, and the tasks whose lead or co-lead moved to another unit.

    Tasks are matched by their text (the responsibility clause left out) and number; a
    unit renamed in a reform is mapped through its region profile's aliases, so a rename
    is not a move.

    \b
    Example:
      kg build plan2023.docx -o out2023 && kg build plan2024.docx -o out2024
      kg diff out2023 out2024
    """
    from ..analysis.diff import diff_builds

    d = diff_builds(out_a, out_b)
    if fmt == "json":
        click.echo(json.dumps(d.to_json(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(format_csv(d), nl=False)
    else:
        click.echo(format_table(d), nl=False)


def register(main: click.Group) -> None:
    """Add ``kg diff`` to the ``kg`` group."""
    main.add_command(diff_cmd)
