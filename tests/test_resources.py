"""The typed loaders of kg.resources: each reads its shipped file, and each schema problem
of a broken copy is an OntologyError naming the place (``file:key`` or ``file:line``)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import kg.resources as res
import kg.resources.paths as paths
from kg.errors import KgError, OntologyError


def test_every_shipped_file_loads_with_its_contents() -> None:
    assert res.column_words()["lead"][0] == "牵头单位"
    assert "_comment" not in res.column_words()
    rules = res.indicator_rules()
    assert rules["multipliers"]["万"] == 10000 and "_doc" not in rules
    assert all(len(pair) == 2 for pair in rules["quote_pairs"])
    assert res.page_noise()["metadata_labels"][0] == "索引号"
    assert res.responsibility_rules()["lead_words"][:2] == ["牵头负责", "牵头抓总"]
    assert res.group_shapes()["quantifiers"]["各"] == "all"
    assert res.entity_rules()["jieba_hmm"] in (True, False)
    assert {p["label"] for p in res.entity_patterns("projects.jsonl")} == {"project"}
    assert "的" in res.stopwords()
    assert res.unit_types()[0].type == "PartyDepartment"
    assert res.unit_groups()["各街道"].member_types == ("StreetOffice",)
    assert res.standard_departments()[0].full_name == "组织部"
    assert res.name_forms()[0].suffixes == ("街道办事处", "街道办", "街道")
    assert res.region_profile("nanjing-gulou")["name"] == "南京市鼓楼区"
    assert res.region_units("nanjing-gulou")["区委宣传部"].full_name == "中共南京市鼓楼区委宣传部"
    assert res.available_regions() == ["nanjing-gulou"]
    assert res.shapes_file().is_file()


def test_a_region_without_a_file_has_no_units_and_no_own_patterns() -> None:
    assert res.region_units("cn-440100") == {}
    assert res.entity_patterns("districts.jsonl", "cn-440100") == ()


@pytest.fixture
def ontology(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of ontology/ that every loader reads (so that a test may break a file)."""
    root = tmp_path / "ontology"
    shutil.copytree(paths.ontology_path(), root)
    monkeypatch.setattr(paths, "ontology_path", lambda: root)
    res.clear_caches()
    yield root
    res.clear_caches()


def _edit_json(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _raises(loader, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OntologyError) as info:
        loader()
    assert str(info.value) == message
    assert isinstance(info.value, KgError)


def test_a_string_list_holding_a_number(ontology: Path) -> None:
    _edit_json(ontology / "indicators.json", lambda d: d["count_units"].__setitem__(3, 5))
    _raises(res.indicator_rules, "ontology/indicators.json:count_units[3]: expected a string")


def test_a_missing_and_a_misspelt_key(ontology: Path) -> None:
    _edit_json(ontology / "indicators.json", lambda d: d.pop("growth_after"))
    _raises(res.indicator_rules, "ontology/indicators.json:growth_after: missing")
    res.clear_caches()
    _edit_json(ontology / "indicators.json", lambda d: d.__setitem__("growth_afterr", []))
    _raises(res.indicator_rules, "ontology/indicators.json:growth_afterr: unknown key")


def test_a_key_starting_with_an_underscore_is_a_comment(ontology: Path) -> None:
    _edit_json(ontology / "indicators.json", lambda d: d.__setitem__("_note", 5))
    assert "_note" not in res.indicator_rules()


def test_a_value_outside_its_vocabulary(ontology: Path) -> None:
    _edit_json(ontology / "indicators.json", lambda d: d["prefix_words"][0].__setitem__("comparator", "over"))
    _raises(
        res.indicator_rules,
        "ontology/indicators.json:prefix_words[0].comparator: "
        "expected one of 'reach', 'more_than', 'at_most', 'at_least', 'about'",
    )


def test_a_quote_pair_of_three(ontology: Path) -> None:
    _edit_json(ontology / "indicators.json", lambda d: d["quote_pairs"][1].append("」"))
    _raises(res.indicator_rules, "ontology/indicators.json:quote_pairs[1]: expected two strings")


def test_a_broken_regular_expression(ontology: Path) -> None:
    _edit_json(ontology / "page_noise.json", lambda d: d.__setitem__("addressee", "(各区"))
    with pytest.raises(OntologyError, match=r"^ontology/page_noise\.json:addressee: not a regular expression \("):
        res.page_noise()
    res.clear_caches()
    _edit_json(ontology / "page_noise.json", lambda d: d.__setitem__("addressee", "各区"))
    _edit_json(ontology / "page_noise.json", lambda d: d["navigation"].__setitem__(2, "[首页"))
    with pytest.raises(OntologyError, match=r"^ontology/page_noise\.json:navigation\[2\]: not a regular expression"):
        res.page_noise()


def test_an_empty_word(ontology: Path) -> None:
    _edit_json(ontology / "columns.json", lambda d: d["lead"].insert(1, ""))
    _raises(res.column_words, "ontology/columns.json:lead[1]: empty string")


def test_an_integer_and_a_flag_of_the_wrong_type(ontology: Path) -> None:
    _edit_json(ontology / "units" / "group_shapes.json", lambda d: d.__setitem__("max_modifier", "4"))
    _raises(res.group_shapes, "ontology/units/group_shapes.json:max_modifier: expected an integer")
    _edit_json(ontology / "patterns" / "entity_rules.json", lambda d: d.__setitem__("jieba_hmm", "yes"))
    _raises(res.entity_rules, "ontology/patterns/entity_rules.json:jieba_hmm: expected true or false")


def test_a_file_that_is_no_json(ontology: Path) -> None:
    (ontology / "responsibility.json").write_text('{\n  "lead_words": [\n', encoding="utf-8")
    _raises(res.responsibility_rules, "ontology/responsibility.json:3: not valid JSON (Expecting value)")


def test_a_pattern_line_with_an_unknown_label(ontology: Path) -> None:
    path = ontology / "patterns" / "projects.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace('"label": "project"', '"label": "place"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _raises(
        lambda: res.entity_patterns("projects.jsonl"),
        "ontology/patterns/projects.jsonl:2:label: expected one of 'project', 'district'",
    )


def _edit_csv(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_group_row_with_an_unknown_scope_or_member_type(ontology: Path) -> None:
    _edit_csv(ontology / "groups.csv", 3, ",subset,", ",some,")
    _raises(res.unit_groups, "ontology/groups.csv:3: column 'scope': expected one of 'all', 'subset', 'unknown'")
    res.clear_caches()
    _edit_csv(ontology / "groups.csv", 3, ",some,StreetOffice,", ",subset,StreetOfice,")
    _raises(res.unit_groups, "ontology/groups.csv:3: column 'member_types': unknown unit type 'StreetOfice'")


def test_a_standard_department_at_an_unknown_level(ontology: Path) -> None:
    _edit_csv(ontology / "units" / "standard_departments.csv", 2, "province|", "nation|")
    _raises(
        res.standard_departments,
        "ontology/units/standard_departments.csv:2: column 'levels': unknown level 'nation'",
    )


def test_a_csv_header_and_rows_of_the_wrong_shape(ontology: Path) -> None:
    _edit_csv(ontology / "units" / "name_forms.csv", 1, "canonical_suffix", "canonical")
    _raises(res.name_forms, "ontology/units/name_forms.csv:1: unknown column 'canonical'")
    res.clear_caches()
    _edit_csv(ontology / "units" / "name_forms.csv", 1, "canonical", "canonical_suffix")
    _edit_csv(ontology / "units" / "name_forms.csv", 4, ",TownOffice", ",TownOffice,x")
    _raises(res.name_forms, "ontology/units/name_forms.csv:4: more cells than columns")
    res.clear_caches()
    (ontology / "units" / "name_forms.csv").write_text("suffixes,canonical_suffix\n街道,街道办事处\n", encoding="utf-8")
    _raises(res.name_forms, "ontology/units/name_forms.csv:1: missing column 'type'")
    res.clear_caches()
    (ontology / "units" / "name_forms.csv").write_text(
        "suffixes,canonical_suffix,type\n街道,街道办事处,StreetOffice\n镇,镇人民政府\n", encoding="utf-8")
    _raises(res.name_forms, "ontology/units/name_forms.csv:3: fewer cells than columns")


def test_a_region_profile_names_the_line_of_a_bad_unit(ontology: Path) -> None:
    units = ontology / "regions" / "nanjing-gulou" / "units.csv"
    _edit_csv(units, 5, ",PartyDepartment,", ",Ministry,")
    _raises(
        lambda: res.region_units("nanjing-gulou"),
        "ontology/regions/nanjing-gulou/units.csv:5: column 'type': unknown unit type 'Ministry'",
    )


def test_a_region_profile_json_of_the_wrong_shape(ontology: Path) -> None:
    profile = ontology / "regions" / "nanjing-gulou" / "profile.json"
    _edit_json(profile, lambda d: d["detect"].__setitem__("min_distinctive_hits", "3"))
    _raises(
        lambda: res.region_profile("nanjing-gulou"),
        "ontology/regions/nanjing-gulou/profile.json:detect.min_distinctive_hits: expected an integer",
    )
    res.clear_caches()
    _edit_json(profile, lambda d: d["detect"].update(min_distinctive_hits=3, distinctive_types=["Street"]))
    _raises(
        lambda: res.region_profile("nanjing-gulou"),
        "ontology/regions/nanjing-gulou/profile.json:detect.distinctive_types[0]: unknown unit type 'Street'",
    )
