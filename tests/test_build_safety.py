"""Builds that never destroy what they did not make (the hostile-input review, issue 12):
each test is named after its case in /work/shared/RELIABILITY.md."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import UsageError
from kg.pipeline import BuildOptions, build, collect_paths

GULOU = "nanjing-gulou"
FAST = BuildOptions(artifacts=False, region=GULOU)
PLAN = "鼓楼区2021年目标任务分解方案\n一、科技创新\n1.推进科技创新平台建设。（区科技局主办，区发改委协办）\n2.完善人才服务体系。（区人社局主办，宁海路街道协办）\n"


def _plan(folder: Path, name: str = "plan.txt", text: str = PLAN) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def _kg(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))  # click 8.2: stdout and stderr apart
    return r.exit_code, r.stdout, r.stderr


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------------------
# C1, M8, L4: OUT must be missing, empty, or a kg build


def test_C1_out_with_foreign_files_is_refused(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "in")
    user = tmp_path / "userdir"
    (user / "sub").mkdir(parents=True)
    (user / "thesis.txt").write_text("my thesis", encoding="utf-8")
    (user / "sub" / "notes.md").write_text("important", encoding="utf-8")
    before = _tree(user)
    code, out, err = _kg("build", str(plan), "-o", str(user), "--no-report", "--region", GULOU)
    assert code == 2 and out == ""
    assert err == (
        f"Error: {user}: is a folder that kg did not build (no kg manifest.json) and is not empty; "
        "refusing to replace what it holds (choose another -o, or a new or empty folder)\n"
    )
    assert _tree(user) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp folder left


def test_C1_input_folder_as_out_is_refused(tmp_path: Path) -> None:
    same = tmp_path / "same"
    plan = _plan(same)
    with pytest.raises(UsageError, match="is a folder that kg did not build"):
        build([same], same, FAST)
    assert plan.read_text(encoding="utf-8") == PLAN


def test_C1_empty_folder_and_earlier_build_are_replaced(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    r = build([plan], out, FAST)
    assert r.summary()["tasks"] == 2
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generator"].startswith("kg build ")
    # a rebuild replaces its own earlier build; stale files of that build are gone
    (out / "stale.txt").write_text("left by hand", encoding="utf-8")
    build([plan], out, FAST)
    assert not (out / "stale.txt").exists() and (out / "graph.nq").is_file()


def test_C1_build_of_the_current_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _plan(tmp_path, "a.txt")
    (tmp_path / "my_notes.md").write_text("notes", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = _tree(tmp_path)
    code, out, err = _kg("build", ".", "-o", str(tmp_path), "--no-report")
    assert code == 2
    assert err == (
        f"Error: {tmp_path}: is the current folder or holds it, and a build replaces its output folder; "
        f"name a folder of its own, e.g. -o {tmp_path / 'out'}\n"
    )
    assert _tree(tmp_path) == before


def test_C1_input_inside_a_kg_build_is_refused(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "in")
    out = tmp_path / "out"
    build([plan], out, FAST)
    inside = _plan(out, "extra.txt")
    with pytest.raises(UsageError, match=r"extra.txt: is inside the output folder .*out, which the build replaces"):
        build([plan, inside], out, FAST)
    assert inside.is_file()


@pytest.mark.parametrize("value", [".", "./", ""])
def test_L4_current_folder_or_empty_out_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    plan = _plan(tmp_path / "in")
    monkeypatch.chdir(tmp_path)
    code, out, err = _kg("build", str(plan), "-o", value, "--no-report")
    assert code == 2 and out == ""
    if value:
        assert err == (
            f"Error: {value}: is the current folder or holds it, and a build replaces its output folder; "
            f"name a folder of its own, e.g. -o {os.path.join(value, 'out')}\n"
        )
    else:
        assert err == "Error: the output folder name is empty: give one with -o, e.g. -o out\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # nothing written


def test_L4_out_in_the_current_folder_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = _plan(tmp_path / "in")
    monkeypatch.chdir(tmp_path)
    code, out, _ = _kg("build", str(plan), "-o", "./out", "--no-report", "-q", "--region", GULOU)
    assert code == 0 and out.startswith("Built ./out: 1 documents")
    assert (tmp_path / "out" / "graph.nq").is_file()


def test_M8_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "in")
    report = tmp_path / "report.docx"
    report.write_bytes(b"precious")
    code, _, err = _kg("build", str(plan), "-o", str(report), "--no-report")
    assert code == 2
    assert err == f"Error: {report}: is a file, not a kg build folder; refusing to replace it (choose another -o)\n"
    assert report.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "report.docx"]


def test_M8_symlink_to_a_foreign_folder_is_refused(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "in")
    real = tmp_path / "real"
    _plan(real, "keep.txt", "mine")
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(UsageError, match=r"link: is a symlink \(to .*real\), not a kg build folder; refusing to replace it"):
        build([plan], link, FAST)
    assert link.is_symlink() and (real / "keep.txt").read_text(encoding="utf-8") == "mine"
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(UsageError, match="is a symlink"):
        build([plan], dangling, FAST)
    assert dangling.is_symlink() and not (tmp_path / "nowhere").exists()


def test_M8_symlink_to_a_kg_build_builds_into_its_target(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "in")
    real = tmp_path / "real" / "out"
    real.mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(real)
    build([plan], link, FAST)  # an empty folder first
    assert link.is_symlink() and (real / "graph.nq").is_file()
    plan.write_text(PLAN + "3.推进数字政府建设。（区数据局主办）\n", encoding="utf-8")
    r = build([plan], link, FAST)
    assert r.summary()["tasks"] == 3
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert len((real / "tasks.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def test_L9_read_only_out_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "in")
    out = tmp_path / "a"
    build([plan], out, FAST)
    before = _tree(out)
    out.chmod(0o555)
    try:
        code, _, err = _kg("build", str(plan), "-o", str(out), "--no-report", "--region", GULOU)
    finally:
        out.chmod(0o755)
    assert code == 2
    assert err == f"Error: {out}: the build folder is read-only; refusing to replace it (make it writable or choose another -o)\n"
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "in"]  # no hidden leftover


def test_L9_parts_made_read_only_do_not_stay_behind(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "in")
    out = tmp_path / "out"
    build([plan], out, FAST)
    (out / "cache").chmod(0o555)  # the old build is removed after the swap, read-only parts too
    build([plan], out, FAST)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]
    assert stat.S_IMODE((out / "cache").stat().st_mode) != 0o555


def test_L9_removing_a_temp_folder_never_changes_the_folder_around_it(tmp_path: Path) -> None:
    from kg.pipeline.swap import rmtree

    tmp_path.chmod(0o751)
    rmtree(tmp_path / ".out.tmp-1-gone")  # already gone: nothing to do
    (tmp_path / ".out.tmp-2-x" / "ro").mkdir(parents=True)
    (tmp_path / ".out.tmp-2-x" / "ro" / "f").write_text("x", encoding="utf-8")
    (tmp_path / ".out.tmp-2-x" / "ro").chmod(0o555)
    rmtree(tmp_path / ".out.tmp-2-x")
    assert list(tmp_path.iterdir()) == []
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o751


# ---------------------------------------------------------------------------------------
# L10, L11: temporary folder names and modes


def test_L10_out_name_of_255_bytes_builds(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "in")
    out = tmp_path / ("长" * 85)  # 255 bytes of UTF-8
    assert len(os.fsencode(out.name)) == 255
    build([plan], out, FAST)
    build([plan], out, FAST)  # and a rebuild, through the temp folder and the swap
    assert (out / "graph.nq").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in", out.name])


def test_L11_new_out_has_the_umask_mode(tmp_path: Path) -> None:
    plan = _plan(tmp_path / "in")
    old = os.umask(0o022)
    try:
        build([plan], tmp_path / "out", FAST)
        assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o755
        os.umask(0o027)
        build([plan], tmp_path / "out2", FAST)
        assert stat.S_IMODE((tmp_path / "out2").stat().st_mode) == 0o750
    finally:
        os.umask(old)


# ---------------------------------------------------------------------------------------
# H2, L3: what collecting the inputs leaves out


def test_H2_rebuild_of_a_folder_holding_out_reads_documents_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "nest"
    _plan(work, "a.txt")
    _plan(work, "b.txt", PLAN.replace("科技创新", "城市更新"))
    monkeypatch.chdir(work)
    first = build(["."], "out", BuildOptions(region=GULOU))  # with the report: out/ holds .html and .txt files
    assert (work / "out" / "index.html").is_file() and (work / "out" / "warnings.txt").is_file()
    for _ in range(2):
        again = build(["."], "out", BuildOptions(region=GULOU))
        assert again.summary() == first.summary() and again.summary()["documents"] == 2
        assert again.issues == []  # the build's own output folder is left out without a word
    # another kg build inside the input folder is left out, with a warning
    build(["a.txt"], "old_build", FAST)
    r = build(["."], "out", FAST)
    assert r.summary()["documents"] == 2
    assert [(i.path, i.message) for i in r.issues] == [("old_build", "is a kg build folder; its files are not read as documents")]


def test_L3_dangling_and_looping_symlinks_are_warned(tmp_path: Path) -> None:
    src = tmp_path / "in"
    _plan(src)
    (src / "dangling.txt").symlink_to(src / "gone.txt")
    (src / "loop.txt").symlink_to(src / "loop.txt")
    (src / "linked").symlink_to(tmp_path / "elsewhere")
    _plan(tmp_path / "elsewhere", "other.txt")
    issues: list = []
    assert collect_paths([src], issues) == [src / "plan.txt"]
    assert sorted((Path(i.path).name, i.message) for i in issues) == [
        ("dangling.txt", "is a broken symlink; skipped"),
        ("linked", "is a symlink to a folder; not followed (name the folder itself to read it)"),
        ("loop.txt", "is a symlink loop; skipped"),
    ]
    r = build([src], tmp_path / "out", FAST)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(w["code"] for w in manifest["warnings"]) == ["symlink-skipped"] * 3
    assert len(r.issues) == 3
    assert (tmp_path / "out" / "warnings.txt").read_text(encoding="utf-8").count("symlink") == 3


def test_L3_unreadable_subfolder_is_warned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in"
    _plan(src)
    _plan(src / "sub", "inner.txt")
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if os.fspath(path) == str(src / "sub"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    if os.geteuid() == 0:  # chmod 000 does not stop root: the folder fails as it would for a user
        monkeypatch.setattr(os, "scandir", scandir)
    else:
        (src / "sub").chmod(0)
    issues: list = []
    try:
        assert collect_paths([src], issues) == [src / "plan.txt"]
    finally:
        (src / "sub").chmod(0o755)
    assert [(i.path, i.message, i.code) for i in issues] == [
        (str(src / "sub"), "folder cannot be read (Permission denied); its documents are skipped", "unreadable-folder")
    ]


# ---------------------------------------------------------------------------------------
# L2: documents with the same file name


def test_L2_document_names_are_distinct_and_stable() -> None:
    from kg.pipeline import document_names

    paths = [Path("a/plan.docx"), Path("a/plan.txt"), Path("b/plan.txt"), Path("c/b/plan.txt"), Path("plan (b).txt"), Path("x/report.txt")]
    names, issues = document_names(paths)
    assert names == ["plan", "plan (txt)", "plan (b)", "plan (b 2)", "plan (b) (txt)", "report"]
    assert [i.path for i in issues] == ["a/plan.txt", "b/plan.txt", "c/b/plan.txt", "plan (b).txt"]
    assert document_names(paths) == (names, issues)  # the same inputs, the same names


# ---------------------------------------------------------------------------------------
# H4: documents named like the shared graphs; M12: a failed build takes back what it added


def test_H4_document_named_like_a_shared_graph(tmp_path: Path) -> None:
    src = tmp_path / "split3"
    # a target (the metrics graph) and a unit no gazetteer knows (the names graph)
    plan = PLAN.replace("平台建设。", "平台建设，确保全年新增硅巷10万平方米以上。").replace("宁海路街道", "宁海路街道、区数字办")
    _plan(src, "_metrics.txt", plan)
    _plan(src, f"_names-{GULOU}.txt", plan.replace("科技创新", "城市更新"))
    _plan(src, f"_gazetteer-{GULOU}.txt", plan.replace("科技创新", "社会治理"))
    split = BuildOptions(artifacts=False, region=GULOU, graph_files="split")
    r = build([src], tmp_path / "o", split)
    files = sorted(p.name for p in (tmp_path / "o" / "graphs").glob("*.nq"))
    assert files == sorted([
        "~_metrics.nq", f"~_names-{GULOU}.nq", f"~_gazetteer-{GULOU}.nq",
        "_metrics.nq", f"_names-{GULOU}.nq", f"_gazetteer-{GULOU}.nq",
    ])
    lines = [line for f in sorted((tmp_path / "o" / "graphs").glob("*.nq")) for line in f.read_bytes().splitlines()]
    assert len(lines) == len(set(lines)) == r.quads
    # combined, then split, then combined again into one OUT: the cache stays sound
    fresh = build([src], tmp_path / "fresh", FAST)
    o2 = tmp_path / "o2"
    build([src], o2, FAST)
    build([src], o2, split)
    again = build([src], o2, FAST)
    assert again.reused == 3
    assert (o2 / "graph.nq").read_bytes() == (tmp_path / "fresh" / "graph.nq").read_bytes()
    assert again.quads == fresh.quads == len((o2 / "graph.nq").read_bytes().splitlines())


def test_M12_failed_build_removes_the_cache_entries_it_added(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import kg.pipeline

    src = tmp_path / "in"
    _plan(src, "a.txt")
    out = tmp_path / "out"
    build([src], out, FAST)
    entries = sorted(p.name for p in (out / "cache" / "docs").iterdir())
    before = _tree(out)
    _plan(src, "b.txt", PLAN.replace("科技创新", "城市更新"))
    _plan(src, "c.txt", PLAN.replace("科技创新", "社会治理"))

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(out))

    monkeypatch.setattr(kg.pipeline, "_write_index", full)
    with pytest.raises(OSError, match="No space left on device"):
        build([src], out, FAST)
    assert sorted(p.name for p in (out / "cache" / "docs").iterdir()) == entries
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]
    monkeypatch.undo()
    r = build([src], out, FAST)
    assert (r.reused, r.extracted) == (1, 2)


# ---------------------------------------------------------------------------------------
# issue 12 item 6, M7: child processes


def test_plain_script_calling_build_at_top_level_runs_once_and_runs_the_queries(tmp_path: Path) -> None:
    import subprocess
    import sys

    from .conftest import EXAMPLES

    script = tmp_path / "plain.py"
    script.write_text(
        "from pathlib import Path\n"
        "from kg.pipeline import BuildOptions, build\n"
        "with open('runs.txt', 'a') as fh:\n"
        "    fh.write('ran\\n')\n"
        f"build([{str(EXAMPLES)!r}], 'out', BuildOptions(jobs=2))\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "runs.txt").read_text(encoding="utf-8") == "ran\n"
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "lead_counts" in page
    assert "未运行" not in page and "未完成" not in page and "运行出错" not in page


def _children(pid: int) -> list[int]:
    kids = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat_file.parent.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads the process table from /proc (Linux)")
def test_M7_workers_end_when_the_build_is_killed(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    from .conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    generate.generate(tmp_path / "corpus", 2400, 40, seed=3)
    code = f"from kg.pipeline import BuildOptions, build; build([{str(tmp_path / 'corpus')!r}], 'o', BuildOptions(jobs=2, artifacts=False))"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path)
    kids: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(kids) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            kids = _children(proc.pid)
        assert len(kids) >= 2, "the build did not start its workers"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 15
        while any(_alive(k) for k in kids) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert [k for k in kids if _alive(k)] == []
    finally:
        if proc.poll() is None:
            proc.kill()
        for k in kids:
            if _alive(k):  # (only when the test failed)
                os.kill(k, signal.SIGKILL)


# ---------------------------------------------------------------------------------------
# M2: spreadsheet formulas in unit names

FORMULAS = """鼓楼区2021年目标任务分解方案
一、任务
1.表格公式任务（=HYPERLINK("http://evil.example/","点击")局主办，+cmd|' /C calc'!A0局协办）
2.加法任务（@SUM(1+1)局主办，-1+1局协办）
3.等式任务（=1+1主办，=cmd|'/C calc'!A0协办）
"""


def test_M2_formula_cells_are_text_in_the_workbook_and_the_csv(tmp_path: Path) -> None:
    import csv
    import zipfile

    import openpyxl

    src = _plan(tmp_path / "in", "f.txt", FORMULAS)
    out = tmp_path / "out"
    build([src], out, BuildOptions(region=GULOU))
    with zipfile.ZipFile(out / "responsibility_matrix.xlsx") as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in x for x in sheets)
    wb = openpyxl.load_workbook(out / "responsibility_matrix.xlsx")
    risky = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value for c in risky} >= {"=1+1", "=cmd", "+cmd", "@SUM（1+1）局", "-1+1局"}
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)
    # a number is still a number
    ranks = [c.value for c in next(iter(wb["汇总"].iter_cols(min_col=1, max_col=1, min_row=2, max_row=4)))]
    assert ranks == [1, 2, 3]
    rows = list(csv.DictReader((out / "workload.csv").open(encoding="utf-8", newline="")))
    units = [r["unit"] for r in rows]
    assert {"'=1+1", "'=cmd", "'+cmd", "'@SUM（1+1）局", "'-1+1局"} <= set(units)
    assert not [u for u in units if u[:1] in "=+-@\t\r"]
    assert all(float(r["load"]) > 0 and r["lead"].isdigit() for r in rows)


def test_M2_csv_cells_keep_numbers_and_plain_text() -> None:
    from kg.analysis.workload_outputs import neutralise_csv, neutralise_csv_cell

    assert [neutralise_csv_cell(v) for v in ("-1.5", "+3", "-2e3", "1.0", "区科技局", "")] == ["-1.5", "+3", "-2e3", "1.0", "区科技局", ""]
    assert [neutralise_csv_cell(v) for v in ("=1+1", "-1+1局", "@SUM(A1)", "+cmd", "\t=x", "\r=x", "-")] == [
        "'=1+1", "'-1+1局", "'@SUM(A1)", "'+cmd", "'\t=x", "'\r=x", "'-",
    ]
    text = 'unit,load\n=1+1,-0.5\n"a,b",1.0\n'
    assert neutralise_csv(text) == 'unit,load\n\'=1+1,-0.5\n"a,b",1.0\n'


# ---------------------------------------------------------------------------------------
# cosmetic: a document with very many warnings


def test_cosmetic_many_warnings_are_shown_20_per_file_with_a_count(tmp_path: Path) -> None:
    lines = ["鼓楼区2021年目标任务分解方案", "一、任务"] + [f"{i}.推进第{i}项工作。（第{i}未知办主办）" for i in range(1, 31)]
    plan = _plan(tmp_path / "in", "many.txt", "\n".join(lines) + "\n")
    other = _plan(tmp_path / "in", "few.txt", "鼓楼区2021年方案\n一、任务\n1.推进工作。（某某未知办主办）\n")
    out = tmp_path / "out"
    code, _, err = _kg("build", str(tmp_path / "in"), "-o", str(out), "--no-report", "--region", GULOU)
    assert code == 0
    shown = err.splitlines()
    assert len([x for x in shown if x.startswith(f"warning: {plan}:")]) == 21
    assert shown[-1] == (
        f"warning: {plan}: 10 more warnings not shown (30 in all; every one is in {out / 'warnings.txt'}, or use --verbose)"
    )
    assert [x for x in shown if x.startswith(f"warning: {other}:")] == [
        f"warning: {other}:3: task 1: unknown unit name '某某未知办' kept as written"
    ]
    assert len((out / "warnings.txt").read_text(encoding="utf-8").splitlines()) == 31
    code, _, err = _kg("build", str(tmp_path / "in"), "-o", str(out), "--no-report", "--region", GULOU, "--verbose")
    assert code == 0 and len([x for x in err.splitlines() if x.startswith("warning: ")]) == 31


def test_cosmetic_query_child_is_quiet_when_nobody_listens(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    from kg.visualize.report import _query_worker

    from kg.pipeline import worker_context

    out = tmp_path / "out"
    build([_plan(tmp_path / "in")], out, FAST)
    ctx = worker_context()
    for stopped in (True, False):
        listen, talk = ctx.Pipe(duplex=False)
        if stopped:
            listen.close()  # the build was killed while the report was being written
        proc = ctx.Process(target=_query_worker, args=(str(out), ["lead_counts"], talk, os.getpid(), []))
        proc.start()
        talk.close()
        if not stopped:
            messages = [listen.recv() for _ in range(3)]
            assert [m[0] for m in messages] == ["start", "done", "end"] and messages[1][1] == "lead_counts"
        proc.join(60)
        assert proc.exitcode == 0
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and "BrokenPipeError" not in captured.err
