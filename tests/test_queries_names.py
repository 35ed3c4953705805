"""Names → IRIs (kg.queries.names) and the parameter kinds that use them, on the example graph."""

from __future__ import annotations

import pytest
from kg.queries import parse_header
from kg.queries.format import with_headers
from kg.queries.names import check_name, name_index, resolve_name, suggest_names

from kg import queries as Q
from kg.errors import UsageError
from kg.store import OxigraphStore, QueryResult, Term

UNIT = "https://w3id.org/govkg/id/nanjing-gulou/unit/"


def test_a_label_and_an_alias_resolve_to_the_same_unit(store) -> None:
    iri = resolve_name(store, "unit", "区科技局")
    assert iri.startswith(UNIT) and iri.endswith("%E5%8C%BA%E7%A7%91%E6%8A%80%E5%B1%80")  # 区科技局
    # aliases from the gazetteer: the short and the full name
    assert resolve_name(store, "unit", "科技局") == iri
    assert resolve_name(store, "unit", "南京市鼓楼区科学技术局") == iri
    assert resolve_name(store, "unit", f"<{iri}>") == iri


def test_a_misspelt_unit_is_an_error_with_suggestions(store) -> None:
    with pytest.raises(UsageError) as exc:
        resolve_name(store, "unit", "区科技")
    assert str(exc.value) == "no unit named 区科技 — did you mean 区科技局?"
    with pytest.raises(UsageError) as exc:
        resolve_name(store, "unit", "区市场监督局")
    assert str(exc.value).startswith("no unit named 区市场监督局 — did you mean 区市场监管局")
    with pytest.raises(UsageError, match="^no unit named 气象台$"):
        resolve_name(store, "unit", "气象台")


def test_an_alias_close_to_the_text_suggests_its_units_label(store) -> None:
    # 区市场监督管理局 is an alias of 区市场监管局: the suggestion is the label, once
    close = suggest_names(name_index(store, "unit"), "区市场监督管理")
    assert close[0] == "区市场监管局" and "区市场监督管理局" not in close
    assert len(close) == len(set(close)) <= 3


def test_groups_and_metrics(store) -> None:
    assert resolve_name(store, "group", "各街道").endswith("%E5%90%84%E8%A1%97%E9%81%93")
    with pytest.raises(UsageError, match="^no unit named 各街道"):
        resolve_name(store, "unit", "各街道")  # a group is not a unit
    assert resolve_name(store, "metric", "产业收入") != resolve_name(store, "metric", "文化产业收入")
    with pytest.raises(UsageError, match="^no metric named 产业 — did you mean "):
        resolve_name(store, "metric", "产业")
    with pytest.raises(UsageError, match="unknown name kind"):
        resolve_name(store, "person", "张三")


def test_a_parameter_kind_in_the_header(store) -> None:
    q = Q.parse_header('# param unit (unit) = "区发改委"@zh -- the unit\n# param n = 1\nSELECT ?unit ?n {}')
    assert [(p.name, p.kind) for p in q.params] == [("unit", "unit"), ("n", None)]
    with pytest.raises(UsageError, match=r"unknown kind \(person\) of parameter unit"):
        Q.parse_header('# param unit (person) = "x"\nSELECT ?unit {}')
    # a given value is checked, the default is not
    with pytest.raises(UsageError, match="^no unit named 区科技 — did you mean 区科技局[?]$"):
        Q.run_query(store, "unit_tasks", {"unit": "区科技"})
    assert Q.run_query(store, "unit_tasks", {"unit": "科技局"}).rows


def test_list_queries_with_user_folders(tmp_path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "mine.rq").write_text("# question: Mine?\n# columns: n\nSELECT (1 AS ?n) WHERE {}\n", encoding="utf-8")
    canned = Q.list_queries()
    both = Q.list_queries(extra_dirs=[a])
    assert [q.name for q in both] == [q.name for q in canned] + ["mine"]
    assert Q.resolve_query("mine", extra_dirs=[a]).path == a / "mine.rq"
    with pytest.raises(UsageError, match="^no canned query named 'mine'"):
        Q.resolve_query("mine")
    (b / "mine.rq").write_text("# question: Also mine?\n# columns: n\nSELECT (2 AS ?n) WHERE {}\n", encoding="utf-8")
    with pytest.raises(UsageError) as exc:
        Q.list_queries(extra_dirs=[a, b])
    assert str(exc.value) == f"{b / 'mine.rq'}: a query named 'mine' exists already ({a / 'mine.rq'}); rename one of them"


def test_a_name_in_two_regions(tmp_path) -> None:
    """The same unit name in two regions: a query matching by name answers for both, so
    the parameter check passes; resolve_name, asked for one IRI, refuses to guess."""
    nq = tmp_path / "two.nq"
    lines = []
    for region in ("a", "b"):
        u = f"<https://w3id.org/govkg/id/{region}/unit/x>"
        lines += [f"{u} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/govkg/ns#Unit> <urn:g> .",
                  f'{u} <http://www.w3.org/2004/02/skos/core#prefLabel> "区发改委"@zh <urn:g> .']
    nq.write_text("\n".join(lines) + "\n", encoding="utf-8")
    two = OxigraphStore(None)
    two.load_nquads(nq)
    assert check_name(two, "unit", "区发改委") == (
        "https://w3id.org/govkg/id/a/unit/x", "https://w3id.org/govkg/id/b/unit/x"
    )
    with pytest.raises(UsageError, match=r"^区发改委 names 2 units \(<https://w3id.org/govkg/id/a/unit/x>, "):
        resolve_name(two, "unit", "区发改委")
    assert resolve_name(two, "unit", "<https://w3id.org/govkg/id/b/unit/x>") == "https://w3id.org/govkg/id/b/unit/x"
    Q.check_names(two, Q.resolve_query("unit_tasks"), {"unit": "区发改委"})  # no error


def test_the_labels_line_shows_vocabulary_keys_by_their_chinese_label() -> None:
    q = parse_header("# columns: 单位类型 type, 角色 role, 单位 unit\n# labels: type = unit_type, role = role\nSELECT * {}")
    row = [Term("literal", "GovernmentDepartment"), Term("literal", "co_lead"), Term("literal", "lead")]
    shown = with_headers(QueryResult("select", ["type", "role", "unit"], [row]), q)
    assert shown.variables == ["单位类型 type", "角色 role", "单位 unit"]
    # only the named columns: a unit literally called "lead" stays as written
    assert [t.value for t in shown.rows[0]] == ["政府部门", "配合", "lead"]
    # a value the vocabulary does not know is kept
    other = with_headers(QueryResult("select", ["type", "role", "unit"], [[Term("literal", "Spaceport"), None, None]]), q)
    assert other.rows[0][0].value == "Spaceport"


def test_a_labels_line_naming_an_unknown_kind_is_an_error() -> None:
    with pytest.raises(UsageError, match="cannot read 'type = colour' of the labels line"):
        parse_header("# labels: type = colour\nSELECT * {}")
