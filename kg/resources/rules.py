"""Typed loaders of the rule files of ``ontology/`` (word lists and patterns of the
extraction stages): each file is read once, checked against its ``TypedDict`` (see
:mod:`kg.resources.schema`), and returned as that type."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal, NotRequired, TypedDict, cast

from ..errors import OntologyError
from .paths import ontology_file
from .schema import Regex, read_json, read_jsonl

__all__ = [
    "ColumnWords", "column_words",
    "PrefixWord", "IndicatorRules", "indicator_rules",
    "PageNoise", "page_noise",
    "ResponsibilityRules", "responsibility_rules",
    "GroupKind", "GroupShapes", "group_shapes",
    "EntityRules", "entity_rules",
    "EntityPattern", "entity_patterns", "clear_pattern_caches",
    "stopwords", "shapes_file",
]


class ColumnWords(TypedDict):
    """``ontology/columns.json``: the header words of each column meaning."""

    number: list[str]
    task: list[str]
    lead: list[str]
    co_lead: list[str]
    responsible: list[str]
    leader: list[str]
    deadline: list[str]
    target: list[str]
    note: list[str]
    progress: list[str]


@cache
def column_words() -> dict[str, list[str]]:
    """Each column meaning of ``ontology/columns.json`` (checked as :class:`ColumnWords`)
    and its header words."""
    return cast(dict[str, list[str]], read_json(ontology_file("columns.json"), ColumnWords))


class PrefixWord(TypedDict):
    word: str
    comparator: NotRequired[Literal["reach", "more_than", "at_most", "at_least", "about"]]
    kind: NotRequired[Literal["decrease", "growth", "level"]]
    commitment: NotRequired[Literal["aspirational", "binding"]]
    filler: NotRequired[bool]


class IndicatorRules(TypedDict):
    """``ontology/indicators.json``: the words and units of target phrasing."""

    multipliers: dict[str, int]
    count_units: list[str]
    measure_units: list[str]
    base_unit_alias: dict[str, str]
    chinese_numeral_units_excluded: list[str]
    chinese_numeral_verbs: list[str]
    comparator_suffixes: dict[str, str]
    approx_markers: dict[str, str]
    prefix_words: list[PrefixWord]
    commitment_words: dict[str, str]
    new_clause_verbs: list[str]
    metric_strip_leading: list[str]
    metric_strip_trailing: list[str]
    metric_scope_split: list[str]
    metric_list_prefixes: list[str]
    list_connectors: list[str]
    skip_after: list[str]
    not_noun_after: list[str]
    noun_stop_words: list[str]
    quote_pairs: list[list[str]]
    metric_growth_suffixes: NotRequired[list[str]]
    growth_after: list[str]
    duration_units: list[str]
    time_limit_suffixes: list[str]
    scope_note_openers: list[str]
    project_nouns: list[str]
    not_target_counted_nouns: list[str]
    policy_term_markers: list[str]
    nouns_ending_in_zhong: list[str]
    existing_scope_before: Regex
    existing_clause_start: Regex
    scope_verbs: list[str]
    qualifier_words: list[str]
    ranking_verbs: list[str]
    ranking_nouns: list[str]
    ranking_units: list[str]
    negative_after: list[str]
    range_connectors: list[str]
    doubling: dict[str, int]
    metric_compared_with: Regex
    metric_leading_year: Regex
    item_number_prefix: Regex
    progress_openers: list[Regex]
    progress_inside: list[str]


@cache
def indicator_rules() -> IndicatorRules:
    path = ontology_file("indicators.json")
    rules = read_json(path, IndicatorRules)
    for i, pair in enumerate(rules["quote_pairs"]):
        if len(pair) != 2:
            raise OntologyError(f"ontology/indicators.json:quote_pairs[{i}]: expected two strings")
    return rules


class PageNoise(TypedDict):
    """``ontology/page_noise.json``: page noise of government web pages."""

    metadata_labels: list[str]
    navigation: list[Regex]
    footer_marks: list[Regex]
    footer_label_line: Regex
    addressee: Regex
    signature_date: Regex


@cache
def page_noise() -> PageNoise:
    return read_json(ontology_file("page_noise.json"), PageNoise)


class ResponsibilityRules(TypedDict):
    """``ontology/responsibility.json``: the words and labels of responsibility clauses."""

    lead_words: list[str]
    co_lead_words: list[str]
    lead_labels: list[str]
    co_lead_labels: list[str]
    responsible_labels: list[str]
    leader_labels: list[str]
    deadline_labels: list[str]
    not_role_after: list[str]
    first_listed_leads_patterns: list[Regex]
    deadline_patterns: list[Regex]
    shared_words: list[str]
    co_lead_prefixes: list[str]
    list_tail_words: list[str]
    list_tail_patterns: list[Regex]
    unit_name_endings: list[str]
    unit_name_starts: list[str]
    leader_titles: list[str]
    leader_heading_verbs: list[str]
    not_unit_words: list[str]
    placeholder_values: list[str]
    progress_starts: list[Regex]


@cache
def responsibility_rules() -> ResponsibilityRules:
    return read_json(ontology_file("responsibility.json"), ResponsibilityRules)


class GroupKind(TypedDict):
    member_types: list[str]
    words: list[str]


class GroupShapes(TypedDict):
    """``ontology/units/group_shapes.json``: group references recognised by their shape."""

    quantifiers: dict[str, Literal["all", "subset"]]
    level_words: list[str]
    level_qualifiers: list[str]
    max_modifier: int
    member_words: list[str]
    owner_endings: list[str]
    kinds: list[GroupKind]


@cache
def group_shapes() -> GroupShapes:
    return read_json(ontology_file("units", "group_shapes.json"), GroupShapes)


class EntityRules(TypedDict):
    """``ontology/patterns/entity_rules.json``: token classes and filters of the entity
    extractor."""

    stop_tokens: list[str]
    generic_names: list[str]
    generic_modifiers: list[str]
    stop_pos: list[str]
    project_not_followed_by: list[str]
    coordinated_suffixes: list[str]
    triggers: list[str]
    jieba_hmm: NotRequired[bool]
    jieba_words: NotRequired[list[str]]


@cache
def entity_rules() -> EntityRules:
    return read_json(ontology_file("patterns", "entity_rules.json"), EntityRules)


class EntityPattern(TypedDict):
    """An entry of a ``*.jsonl`` pattern file: a phrase (a string) or a token pattern (a
    list of spaCy token specifications, checked by spaCy's own validator; its ``needs``:
    strings of which every match holds one)."""

    label: Literal["project", "district"]
    id: NotRequired[str]
    needs: NotRequired[list[str]]
    pattern: str | list[dict[str, object]]


@cache
def _patterns(path: Path) -> tuple[EntityPattern, ...]:
    return tuple(read_jsonl(path, EntityPattern))


def entity_patterns(name: str, region: str | None = None) -> tuple[EntityPattern, ...]:
    """The entries of ``ontology/patterns/<name>``, or of ``ontology/regions/<region>/<name>``
    when ``region`` is given (none when the region has no such file)."""
    if region is None:
        return _patterns(ontology_file("patterns", name))
    path = ontology_file("regions", region, name)
    return _patterns(path) if path.is_file() else ()


def clear_pattern_caches() -> None:
    """Forget the pattern files read so far."""
    _patterns.cache_clear()


@cache
def stopwords() -> frozenset[str]:
    """The words of ``ontology/stopwords.txt`` (one a line; ``#`` starts a comment line)."""
    path = ontology_file("stopwords.txt")
    with path.open(encoding="utf-8") as fh:
        return frozenset(w.strip() for w in fh if w.strip() and not w.lstrip().startswith("#"))


def shapes_file() -> Path:
    """``ontology/shapes.ttl``: the SHACL shapes a graph is validated against."""
    return ontology_file("shapes.ttl")
