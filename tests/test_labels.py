"""One vocabulary of labels (ontology/labels.csv and the unit types of ontology/unit_types.csv)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import kg.labels
import kg.resources as res
from kg.errors import OntologyError
from kg.labels import LabelError, both, label, labels, note
from kg.resources import ontology_path, paths


@pytest.fixture
def ontology_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of ontology/ that the loaders read instead of the shipped one."""
    root = tmp_path / "ontology"
    shutil.copytree(paths.ontology_path(), root)
    monkeypatch.setattr(paths, "ontology_path", lambda: root)
    res.clear_caches()
    kg.labels.clear_cache()
    yield root
    res.clear_caches()
    kg.labels.clear_cache()


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


def test_every_indicator_kind_the_extractor_gives_has_a_label() -> None:
    from kg.extract.indicators import KINDS

    assert [lab.key for lab in labels("indicator_kind")] == list(KINDS)
    assert label("indicator_kind", "growth_rate") == "增速"
    assert label("indicator_kind", "count", "en") == "count"
    assert all(note("indicator_kind", k) and note("indicator_kind", k, "en") for k in KINDS)


def test_an_unknown_label_is_an_error_not_the_key() -> None:
    with pytest.raises(LabelError, match=r"^no label for unit_type:Spaceport "):
        label("unit_type", "Spaceport")
    with pytest.raises(LabelError, match="no label for roles:lead"):
        label("roles", "lead")


def test_a_type_labelled_twice_names_file_and_line(ontology_copy: Path) -> None:
    with (ontology_copy / "labels.csv").open("a", encoding="utf-8") as fh:
        fh.write("unit_type,StreetOffice,街道办,street,,\n")
    line = len((ontology_copy / "labels.csv").read_text(encoding="utf-8").splitlines())  # the row just added
    with pytest.raises(
        OntologyError,
        match=rf"^ontology/unit_types\.csv: unit_type:StreetOffice is labelled twice \(also at ontology/labels\.csv:{line}\)$",
    ):
        label("role", "lead")


def test_a_malformed_label_file_names_file_and_line(ontology_copy: Path) -> None:
    (ontology_copy / "labels.csv").write_text("kind,key,zh,en\nrole,lead,牵头,\n", encoding="utf-8")
    with pytest.raises(OntologyError, match=r"^ontology/labels\.csv:1: missing column 'note_en'$"):
        label("role", "lead")
    (ontology_copy / "labels.csv").write_text(
        "kind,key,zh,en,note_zh,note_en\nrole,lead,牵头,,,\n", encoding="utf-8"
    )
    with pytest.raises(OntologyError, match=r"^ontology/labels\.csv:2: key, zh and en must not be empty$"):
        label("role", "lead")
    (ontology_copy / "labels.csv").write_text(
        "kind,key,zh,en,note_zh,note_en\nrank,lead,牵头,lead,,\n", encoding="utf-8"
    )
    with pytest.raises(OntologyError, match=r"^ontology/labels\.csv:2: column 'kind': "):
        label("role", "lead")
