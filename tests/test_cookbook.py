"""docs/cookbook.md tells the truth: every ``$ kg …`` command of its ``console`` blocks is run on
the bundled example's build, and the output the cookbook shows is what the command prints.

A line ``…`` in a shown output means "the rest is left out": the lines before it must be the
first lines printed. ``$ echo $?`` shows the exit code of the command before it; ``| head -N`` keeps the first
N lines. ``kg build``
lines are not run (the example build is the session's fixture, built the same way), and
``kg serve`` (a server that runs until stopped) is shown in ``sh`` blocks only.
``python -m pytest tests/test_cookbook.py --update-golden`` rewrites the shown outputs from
real runs, keeping each ``…`` cut at the same number of lines.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import EXAMPLES

COOKBOOK = Path(__file__).resolve().parent.parent / "docs" / "cookbook.md"
CUT = "…"


@dataclass
class Step:
    command: str
    shown: list[str]  # the output lines the cookbook shows
    start: int  # index of the first shown line in the file's lines
    end: int  # index after the last shown line


def console_steps(lines: list[str]) -> list[Step]:
    """The ``$ …`` commands of the console blocks, with the lines shown under each."""
    steps: list[Step] = []
    inside = False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            inside = line.strip() == "```console" if not inside else False
            continue
        if not inside:
            continue
        if line.startswith("$ "):
            steps.append(Step(line[2:].strip(), [], i + 1, i + 1))
        elif steps and steps[-1].end == i:
            steps[-1].shown.append(line)
            steps[-1].end = i + 1
    return steps


def _args(command: str, out: Path) -> list[str]:
    words = shlex.split(command)[1:]
    return [str(out) if w == "out" else str(EXAMPLES) if w == "examples" else w for w in words]


def _expected(shown: list[str]) -> tuple[list[str], bool]:
    lines = [ln.rstrip() for ln in shown]
    if CUT in lines:
        return lines[: lines.index(CUT)], True
    return lines, False


def _run_all(out: Path) -> list[tuple[Step, list[str]]]:
    """Each step with the lines it really prints (kg build is the fixture, not re-run)."""
    runner = CliRunner()
    results: list[tuple[Step, list[str]]] = []
    last_code = 0
    for step in console_steps(COOKBOOK.read_text(encoding="utf-8").splitlines()):
        if step.command == "echo $?":
            results.append((step, [str(last_code)]))
            continue
        assert step.command.startswith("kg "), f"cookbook runs only kg commands: {step.command}"
        if step.command.startswith("kg build "):
            continue
        # a server runs until stopped: its lines belong in ```sh blocks, shown, not run
        assert not step.command.startswith("kg serve"), f"kg serve in a console block: {step.command}"
        command, _, head = step.command.partition(" | head -")  # the one pipe the cookbook uses
        r = runner.invoke(main, _args(command, out))
        last_code = r.exit_code
        printed = r.output.replace(str(out), "out").replace(str(EXAMPLES), "examples")
        lines = [ln.rstrip() for ln in printed.rstrip("\n").splitlines()]
        results.append((step, lines[: int(head)] if head else lines))
    return results


def test_every_cookbook_command_prints_what_the_cookbook_shows(
    example_out: Path, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the commands name the build `out` (the default of --graph): run them beside it
    assert example_out.name == "out"
    monkeypatch.chdir(example_out.parent)
    results = _run_all(example_out)
    assert len(results) >= 8, "the cookbook shows its commands in ```console blocks"
    if update_golden:
        _rewrite(results)
        return
    wrong = []
    for step, printed in results:
        expected, cut = _expected(step.shown)
        got = printed[: len(expected)] if cut else printed
        if got != expected:
            wrong.append(f"$ {step.command}\n  shown:   {expected[:4]}\n  printed: {got[:4]}")
    assert not wrong, "docs/cookbook.md is out of date:\n" + "\n".join(wrong)


def _rewrite(results: list[tuple[Step, list[str]]]) -> None:
    lines = COOKBOOK.read_text(encoding="utf-8").splitlines()
    for step, printed in sorted(results, key=lambda r: r[0].start, reverse=True):
        expected, cut = _expected(step.shown)
        new = printed[: len(expected)] + [CUT] if cut and len(printed) > len(expected) else printed
        lines[step.start : step.end] = new
    COOKBOOK.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_console_steps_reads_commands_and_their_output() -> None:
    text = "x\n```console\n$ kg queries\na\nb\n$ echo $?\n0\n```\n$ not a step\n```sh\n$ kg no\n```"
    steps = console_steps(text.splitlines())
    assert [(s.command, s.shown) for s in steps] == [("kg queries", ["a", "b"]), ("echo $?", ["0"])]


@pytest.mark.parametrize(
    ("shown", "expected"),
    [(["a ", "b"], (["a", "b"], False)), (["a", CUT, "z"], (["a"], True)), ([CUT], ([], True))],
)
def test_a_cut_line_ends_what_is_compared(shown: list[str], expected: tuple[list[str], bool]) -> None:
    assert _expected(shown) == expected


def test_the_cookbook_answers_the_eight_questions() -> None:
    text = COOKBOOK.read_text(encoding="utf-8")
    m = re.search(r"^## Eight questions\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert m, "docs/cookbook.md has no '## Eight questions' section"
    assert len(re.findall(r"^### ", m.group(1), re.M)) == 8
