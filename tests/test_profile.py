"""``kg profile OUT --region R``: a draft region profile from what a build found; and the
build of several plans of one region, whose units aggregate across its documents."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.extract.gazetteer as gazetteer
import kg.resources.paths as resource_paths
from kg.cli import main
from kg.graph.vocab import KG, iri_unit
from kg.pipeline import BuildOptions, build
from kg.resources import clear_region_caches

# two plans of 广州市 (01_guangzhou_city_2006), each spelling 发改委 its own way
PLAN_A = """广州市人民政府办公厅关于印发重点工作事项的通知
一、促进经济发展
（一）建设汽车产业基地。（牵头单位：市发改委；配合单位：国土房管局、各区、县级市）
（二）推进石化基地建设。（牵头单位：市经贸委；配合单位：市发改委、市级相关单位）
"""
PLAN_B = """广州市人民政府办公厅关于印发重点工作事项的通知
一、建设枢纽
（一）建设空港物流园区。（牵头单位：市发展和改革委员会；配合单位：市国土房管局、黄埔区政府）
（二）建设会展中心。（牵头单位：市发展改革委；配合单位：某某推进办）
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("guangzhou")
    docs = root / "docs"
    docs.mkdir()
    (docs / "plan_a.txt").write_text(PLAN_A, encoding="utf-8")
    (docs / "plan_b.txt").write_text(PLAN_B, encoding="utf-8")
    out = root / "out"
    build([docs], out, BuildOptions(artifacts=False))
    return out


def test_a_unit_of_one_region_is_one_node_across_its_documents(built):
    nq = (built / "graph.nq").read_text(encoding="utf-8")
    node = f"<{iri_unit('cn-440100', '市发展和改革委员会')}>"
    leads = [q for q in nq.splitlines() if q.split(" ")[1] == f"<{KG.lead}>"]
    assert sum(q.split(" ")[2] == node for q in leads) == 3  # 市发改委, 市发展和改革委员会, 市发展改革委
    assert f"{node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KG.GovernmentDepartment}>" in nq
    # the unit the national table does not know is kept as written, and said
    warnings = (built / "warnings.txt").read_text(encoding="utf-8")
    assert ("plan_b.txt:4: 1 unit name(s) that no gazetteer of region 'cn-440100' holds (it has no profile), "
            "kept as written and typed by their names: 某某推进办 (line 4)") in warnings


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_the_draft_lists_units_with_their_aliases_types_and_sources(built, tmp_path):
    dest = tmp_path / "draft"
    r = _run("profile", str(built), "--region", "广州市", "--to", str(dest))
    assert r.exit_code == 0, r.output
    assert r.output == (
        f"wrote a draft profile of cn-440100 to {dest}: 5 units (1 kept as written, to review), "
        "3 group references, from 2 documents\n"
    )
    with (dest / "units.csv").open(encoding="utf-8") as fh:
        rows = {row["canonical"]: row for row in csv.DictReader(fh)}
    ndrc = rows["市发展和改革委员会"]
    assert (ndrc["full_name"], ndrc["aliases"], ndrc["type"], ndrc["source"], ndrc["tasks"]) == (
        "广州市发展和改革委员会", "市发展改革委|市发改委", "GovernmentDepartment", "national table", "4",
    )
    assert rows["市国土资源和房屋管理局"]["aliases"] == "国土房管局|市国土房管局"
    assert rows["黄埔区人民政府"]["type"] == "LocalGovernment"
    assert (rows["某某推进办"]["source"], rows["某某推进办"]["type"]) == ("kept as written", "GovernmentDepartment")
    profile = json.loads((dest / "profile.json").read_text(encoding="utf-8"))
    assert (profile["id"], profile["adcode"], profile["level_prefix"], profile["level"]) == ("cn-440100", "440100", "市", "city")
    assert [(g["label"], g["written"], g["scope"]) for g in profile["groups"]] == [
        ("各区人民政府", ["各区"], "unknown"), ("各县级市", ["县级市"], "all"), ("市相关部门", ["市级相关单位"], "unknown"),
    ]
    assert profile["aliases"]["市发展和改革委员会"] == ["市发展改革委", "市发改委"]


def test_an_existing_profile_is_not_overwritten_without_force(built, tmp_path):
    dest = tmp_path / "draft"
    dest.mkdir()
    (dest / "profile.json").write_text("{}", encoding="utf-8")
    r = _run("profile", str(built), "--region", "cn-440100", "--to", str(dest))
    assert r.exit_code == 2
    assert r.output == f"Error: {dest / 'profile.json'} exists: a profile is not overwritten without --force\n"
    assert (dest / "profile.json").read_text(encoding="utf-8") == "{}"
    r = _run("profile", str(built), "--region", "cn-440100", "--to", str(dest), "--force")
    assert r.exit_code == 0 and json.loads((dest / "profile.json").read_text(encoding="utf-8"))["id"] == "cn-440100"


@pytest.mark.parametrize(
    "region, message",
    [
        ("南京市", "Error: the build in {out} has no document of region cn-320100; its regions: cn-440100\n"),
        ("nowhere", "Error: unknown region 'nowhere': give a region id of the build (kg build prints them) or a division name\n"),
    ],
)
def test_a_region_the_build_does_not_have_is_a_usage_error(built, tmp_path, region, message):
    r = _run("profile", str(built), "--region", region, "--to", str(tmp_path / "x"))
    assert (r.exit_code, r.output) == (2, message.format(out=built))
    assert not (tmp_path / "x").exists()


def test_a_folder_that_is_no_build_is_a_usage_error(tmp_path):
    r = _run("profile", str(tmp_path), "--region", "广州市", "--to", str(tmp_path / "x"))
    assert r.exit_code == 2 and "is not a build folder" in r.output


@pytest.fixture
def ontology_copy(tmp_path, monkeypatch):
    """A copy of ontology/ that the gazetteer reads (so that a test can add a profile)."""
    root = tmp_path / "src"
    shutil.copytree(resource_paths.ontology_path(), root / "ontology")
    monkeypatch.setattr(resource_paths, "ontology_path", lambda: root / "ontology")
    gazetteer.load_gazetteer.cache_clear()
    clear_region_caches()
    yield root / "ontology"
    gazetteer.load_gazetteer.cache_clear()
    clear_region_caches()


def test_a_committed_draft_is_the_region_s_profile(built, ontology_copy):
    dest = ontology_copy / "regions" / "guangzhou"
    r = _run("profile", str(built), "--region", "广州市", "--id", "guangzhou", "--to", str(dest))
    assert r.exit_code == 0, r.output
    region, _, note = gazetteer.read_document_region(PLAN_A)
    assert (region, note) == ("guangzhou", None)
    gaz = gazetteer.load_gazetteer("guangzhou")
    assert gaz.resolve_unit("市发改委") == "市发展和改革委员会"
    assert gaz.units["某某推进办"].type == "GovernmentDepartment"
    # names the draft does not list still go through the national table
    assert gaz.resolve_unit("市卫健委") == "市卫生健康委员会"


def test_an_installed_package_needs_a_folder(built, tmp_path, monkeypatch):
    import kg.analysis.profile

    monkeypatch.setattr(kg.analysis.profile, "ontology_path", lambda: tmp_path / "site-packages" / "kg" / "ontology")
    r = _run("profile", str(built), "--region", "广州市")
    assert r.exit_code == 2 and "name the folder to write the draft profile to with --to" in r.output


def test_a_town_s_draft_is_its_profile(tmp_path, ontology_copy):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "mudong.txt").write_text(
        "重庆市巴南区木洞镇人民政府关于印发重点工作分解方案的通知\n一、发展经济\n"
        "1.推进乡村振兴。（牵头单位：镇经发办；配合单位：镇党政办、各村（社区））\n", encoding="utf-8",
    )
    out = tmp_path / "out"
    build([docs], out, BuildOptions(artifacts=False))
    dest = ontology_copy / "regions" / "mudong"
    r = _run("profile", str(out), "--region", "cn-500113-木洞镇", "--id", "mudong", "--to", str(dest))
    assert r.exit_code == 0, r.output
    profile = json.loads((dest / "profile.json").read_text(encoding="utf-8"))
    assert (profile["adcode"], profile["town"], profile["level"], profile["level_prefix"]) == ("500113", "木洞镇", "town", "镇")
    with (dest / "units.csv").open(encoding="utf-8") as fh:
        rows = {row["canonical"]: row["full_name"] for row in csv.DictReader(fh)}
    assert rows == {"镇经济发展办公室": "重庆市巴南区木洞镇经济发展办公室", "镇党政办公室": "重庆市巴南区木洞镇党政办公室"}
    assert gazetteer.read_document_region("重庆市巴南区木洞镇人民政府\n2024年")[0] == "mudong"
    assert gazetteer.load_gazetteer("mudong").resolve_unit("木洞镇经发办") == "镇经济发展办公室"


def test_a_profile_s_draft_keeps_its_rows_and_settings_and_adds_what_the_build_found(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "gulou.txt").write_text(
        "鼓楼区重点工作任务分解方案\n一、创新发展\n1.推进数字政府建设。（区发展改革委主办，宁海路街道、各街道协办）\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    build([docs], out, BuildOptions(region="nanjing-gulou", artifacts=False))
    dest = tmp_path / "draft"
    r = _run("profile", str(out), "--region", "nanjing-gulou", "--to", str(dest))
    assert r.exit_code == 0, r.output
    profile_json, rows = gazetteer.profile_files("nanjing-gulou")  # type: ignore[misc]
    draft = json.loads((dest / "profile.json").read_text(encoding="utf-8"))
    assert {k: draft[k] for k in profile_json} == profile_json
    with (dest / "units.csv").open(encoding="utf-8") as fh:
        drafted = {row["canonical"]: row for row in csv.DictReader(fh)}
    assert set(drafted) == {row["canonical"] for row in rows}
    for row in rows:
        got = drafted[row["canonical"]]
        assert {k: got[k] for k in row if k != "aliases"} == {k: v for k, v in row.items() if k != "aliases"}
        assert set(got["aliases"].split("|")) >= set(row["aliases"].split("|"))
    assert (drafted["区发改委"]["tasks"], drafted["宁海路街道"]["tasks"], drafted["区科技局"]["tasks"]) == ("1", "1", "0")
    assert [g["label"] for g in draft["groups"]] == ["各街道"]
