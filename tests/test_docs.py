"""The README's commands: the two main ones are what CI runs, and every ``kg …`` command
it shows exists, takes the options it is shown with, and answers ``--help``."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI_RUN = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
WHEEL_JOB = (ROOT / ".ci" / "wheel_smoke.sh").read_text(encoding="utf-8")


def section(title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert m, f"README has no section '## {title}'"
    return m.group(1)


def sh_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M)


def main_commands() -> tuple[str, str]:
    blocks = sh_blocks(section("The two commands"))
    assert len(blocks) == 2 and all(b.count("\n") == 1 for b in blocks), blocks
    build, test = (b.strip() for b in blocks)
    return build, test


def kg_commands() -> list[str]:
    """Every ``kg …`` command line of the README's shell blocks and inline code."""
    lines = [ln.split("  #")[0].strip() for b in sh_blocks(README) for ln in b.splitlines()]
    inline = re.findall(r"`(kg [a-z][^`]*)`", README)
    return [c for c in lines + inline if c.startswith("kg ")]


def test_the_two_main_commands_are_the_ones_ci_runs() -> None:
    build, test = main_commands()
    assert build == "python3 -m venv .venv && . .venv/bin/activate && pip install . && python build_graph.py"
    assert test == 'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[test]" && python -m pytest'
    # the wheel job runs the build command as written; the test command is CI's last step
    # (pip's -q added)
    assert f"({build})" in WHEEL_JOB
    last = CI_RUN.strip().splitlines()[-1]
    assert last == test.replace("pip install -e", "pip install -q -e")
    assert CI_RUN.index("bash .ci/wheel_smoke.sh") < CI_RUN.index(last)


def test_the_readme_shows_every_kg_command() -> None:
    shown = {shlex.split(c)[1] for c in kg_commands()}
    assert shown == set(main.commands)


@pytest.mark.parametrize("command", sorted(set(kg_commands())))
def test_each_kg_command_of_the_readme_exists_with_its_options(command: str) -> None:
    words = command.replace("…", "").split()
    name = words[1]
    assert name in main.commands, f"{command}: no command kg {name}"
    cmd = main.commands[name]
    known = {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
    options = {w.split("=")[0] for w in words[2:] if w.startswith("-")}
    assert options <= known, f"{command}: unknown options {sorted(options - known)}"
    r = CliRunner().invoke(main, [name, "--help"], prog_name="kg")
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"Usage: kg {name} ")


def test_an_unknown_command_or_option_would_be_caught() -> None:
    """Counter-examples: what the check above refuses."""
    assert "frobnicate" not in main.commands
    r = CliRunner().invoke(main, ["frobnicate", "--help"])
    assert r.exit_code == 2 and "No such command 'frobnicate'" in r.output
    known = {o for p in main.commands["build"].params for o in (*p.opts, *p.secondary_opts)}
    assert "--no-report" in known and "--no-such-flag" not in known


def test_build_graph_py_passes_its_arguments_to_kg_build() -> None:
    r = subprocess.run(
        [sys.executable, str(ROOT / "build_graph.py"), "--help"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Usage: build_graph.py build [OPTIONS] PATHS...")


def test_build_graph_py_never_runs_the_source_folder_kg() -> None:
    """Without site-packages (``-S``) there is no installed kg: the script says so instead
    of importing ./kg beside it, which lacks kg.ontology, kg.queries and kg.visualize."""
    r = subprocess.run(
        [sys.executable, "-S", str(ROOT / "build_graph.py"), "--help"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert r.returncode == 1
    assert r.stderr == "Error: kg is not installed (No module named 'kg'); run `pip install .` first\n"


def test_the_development_commands_exist(pytestconfig: pytest.Config) -> None:
    dev = sh_blocks(section("Development"))[0]
    assert "python -m pytest --update-golden" in dev
    # defined by tests/conftest.py (getoption raises ValueError for an unknown option)
    assert isinstance(pytestconfig.getoption("--update-golden"), bool)
