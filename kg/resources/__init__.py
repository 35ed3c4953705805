"""kg's data files: where they are (:func:`ontology_path`) and one typed, validated loader
per file of ``ontology/`` (each read once; a file that breaks its schema is an
:class:`~kg.errors.OntologyError` naming ``file:key``, or ``file:line`` for a CSV row).

- :mod:`kg.resources.rules`: the rule files of the extraction stages (``columns.json``,
  ``indicators.json``, ``page_noise.json``, ``responsibility.json``,
  ``units/group_shapes.json``, ``patterns/*``, ``stopwords.txt``, ``shapes.ttl``);
- :mod:`kg.resources.units`: the unit tables and the region profiles;
- :mod:`kg.resources.labels`: the label vocabulary (``labels.csv``);
- :mod:`kg.resources.schema`: the checks themselves.
"""

from __future__ import annotations

from .labels import LabelRecord, label_records
from .paths import ontology_file, ontology_path
from .rules import (
    ColumnWords,
    EntityPattern,
    EntityRules,
    GroupShapes,
    IndicatorRules,
    PageNoise,
    ResponsibilityRules,
    clear_pattern_caches,
    column_words,
    entity_patterns,
    entity_rules,
    group_shapes,
    indicator_rules,
    page_noise,
    responsibility_rules,
    shapes_file,
    stopwords,
)
from .units import (
    GroupRecord,
    NameForm,
    RegionProfile,
    StandardDepartment,
    TypeRecord,
    UnitRecord,
    available_regions,
    clear_region_caches,
    name_forms,
    region_profile,
    region_unit_rows,
    region_units,
    standard_departments,
    unit_groups,
    unit_types,
)


def clear_caches() -> None:
    """Forget every file read so far (for a test that points :func:`ontology_path` at a
    copy of the folder)."""
    for loader in (
        column_words, entity_rules, group_shapes, indicator_rules, page_noise, responsibility_rules,
        stopwords, name_forms, standard_departments, unit_groups, unit_types, label_records,
    ):
        loader.cache_clear()
    clear_pattern_caches()
    clear_region_caches()


__all__ = [
    "ontology_path", "ontology_file", "clear_caches",
    "ColumnWords", "EntityPattern", "EntityRules", "GroupShapes", "IndicatorRules", "PageNoise",
    "ResponsibilityRules",
    "column_words", "entity_patterns", "entity_rules", "group_shapes", "indicator_rules", "page_noise",
    "responsibility_rules", "shapes_file", "stopwords",
    "GroupRecord", "NameForm", "RegionProfile", "StandardDepartment", "TypeRecord", "UnitRecord",
    "available_regions", "clear_region_caches", "name_forms", "region_profile", "region_unit_rows",
    "region_units", "standard_departments", "unit_groups", "unit_types",
    "LabelRecord", "label_records",
]
