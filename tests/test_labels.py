"""One vocabulary of labels (ontology/labels.csv and the unit types of ontology/unit_types.csv)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import kg.labels
from kg.labels import LabelError, both, label, labels, note
from kg.resources import ontology_path


@pytest.fixture
def ontology_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the label files the loader reads instead of the shipped ones."""
    for name in ("labels.csv", "unit_types.csv"):
        shutil.copy(ontology_path() / name, tmp_path / name)
    monkeypatch.setattr(kg.labels, "ontology_path", lambda: tmp_path)
    kg.labels._table.cache_clear()
    yield tmp_path
    kg.labels._table.cache_clear()


def test_one_chinese_label_per_role() -> None:
    assert (label("role", "lead"), label("role", "co_lead")) == ("牵头", "配合")
    assert (label("role", "lead", "en"), label("role", "co_lead", "en")) == ("lead", "co-lead")


def test_unit_types_come_from_unit_types_csv() -> None:
    with (ontology_path() / "unit_types.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 9
    for row in rows:
        assert label("unit_type", row["type"]) == row["label_zh"]
        assert label("unit_type", row["type"], "en") == row["label_en"]
    # the three kinds of party that are not a type there
    assert [lab.key for lab in labels("unit_type")][:3] == ["UnitGroup", "OtherUnit", "Unit"]
    assert len(labels("unit_type")) == 12


def test_measures_have_plain_language_notes() -> None:
    keys = {lab.key for lab in labels("measure")}
    assert {"load", "direct_load", "expanded_load", "betweenness", "partners", "fence"} <= keys
    for key in ("betweenness", "partners", "fence"):
        assert note("measure", key) and note("measure", key, "en")
    assert "IQR" in note("measure", "fence") and "四分位" in note("measure", "fence")
    assert both("measure", "betweenness") == "中介中心度 betweenness"


def test_an_unknown_label_is_an_error_not_the_key() -> None:
    with pytest.raises(LabelError, match=r"^no label for unit_type:Spaceport "):
        label("unit_type", "Spaceport")
    with pytest.raises(LabelError, match="no label for roles:lead"):
        label("roles", "lead")


def test_a_type_labelled_twice_names_file_and_line(ontology_copy: Path) -> None:
    with (ontology_copy / "labels.csv").open("a", encoding="utf-8") as fh:
        fh.write("unit_type,StreetOffice,街道办,street,,\n")
    with pytest.raises(LabelError, match=r"^unit_types\.csv:5: unit_type:StreetOffice is labelled twice \(also at labels\.csv:14\)$"):
        label("role", "lead")


def test_a_malformed_label_file_names_file_and_line(ontology_copy: Path) -> None:
    (ontology_copy / "labels.csv").write_text("kind,key,zh,en\nrole,lead,牵头,\n", encoding="utf-8")
    with pytest.raises(LabelError, match=r"^labels\.csv:1: missing column\(s\) note_zh, note_en$"):
        label("role", "lead")
    (ontology_copy / "labels.csv").write_text(
        "kind,key,zh,en,note_zh,note_en\nrole,lead,牵头,,,\n", encoding="utf-8"
    )
    with pytest.raises(LabelError, match=r"^labels\.csv:2: key, zh and en must not be empty$"):
        label("role", "lead")
    (ontology_copy / "labels.csv").write_text(
        "kind,key,zh,en,note_zh,note_en\nrank,lead,牵头,lead,,\n", encoding="utf-8"
    )
    with pytest.raises(LabelError, match=r"^labels\.csv:2: unknown kind 'rank'"):
        label("role", "lead")
