"""The canned query library (``queries/*.rq``) and the result formatters.

Imported as ``kg.queries``: this folder *is* that package (see ``pyproject.toml``), so the
``.rq`` files and the code that reads them ship together whether kg is installed
editable or not.

Every ``.rq`` file starts with a header of comment lines::

    # question: Which units share tasks with a given unit, and how often?
    # param unit (unit) = "区发改委"@zh -- the unit: its name or any alias in the gazetteer
    # param min_shared = 1 -- keep partners with at least this many shared tasks
    # columns: 合作单位 partner, 单位类型 type, 共同任务数 shared, 对方牵头 partner_leads, …
    # labels: type = unit_type

A column may carry a label before its variable name (``合作单位 partner``): the table, CSV,
TSV and xlsx outputs of ``kg query`` show ``合作单位 partner`` as its header
(:meth:`CannedQuery.header_of`); JSON keeps the variable names. The ``labels`` line names
the columns whose values are keys of the label vocabulary (:mod:`kg.labels`: ``unit_type``,
``role``, ``measure``): those outputs show ``政府部门`` for ``GovernmentDepartment`` and
``牵头`` for ``lead``, as every other output of kg does; JSON keeps the keys.

A parameter may declare a *kind* in parentheses after its name: ``(unit)``, ``(group)`` or
``(metric)``. A value given for it must then be a label or alias of that kind in the graph,
matched exactly; otherwise :func:`run_query` raises :class:`~kg.errors.UsageError`
``no unit named 区科技 — did you mean 区科技局?`` (:mod:`kg.queries.names`). When the query
also has a boolean parameter ``fuzzy`` set to true, the value need only be part of a name.
Defaults are not checked (a query runs as is on any build). A name several resources
carry (the same unit name in two regions) passes: the query matches names, not IRIs.

Other comment lines of the header are notes on how to read the answer.

A parameter is a SPARQL variable of the query. Its default is written as an RDF term
(``"text"``, ``"text"@zh``, ``42``, ``0.5``, ``true``, ``<https://…>``) and is bound when
no value is given, so every file runs as is. Values are bound as RDF terms through
:meth:`kg.store.Store.query` (never pasted into the text) and take the default's type:
``--param min_shared=3`` is an integer because the default ``1`` is.

Formatters for ``kg query``: :func:`format_table` (aligned, CJK double width),
:func:`format_csv` (plain values), :func:`format_tsv` (plain values, tabs and newlines
escaped), :func:`format_json` (SPARQL 1.1 Query Results JSON) and :func:`format_graph`
(Turtle or N-Triples for CONSTRUCT/DESCRIBE). ``kg serve`` writes its results with
pyoxigraph's serialisers instead (:mod:`kg.serve.sparql_worker`). :func:`write_result`
writes a result to a file: ``xlsx`` (:func:`write_xlsx`), CSV and TSV with a UTF-8 BOM.

User query folders: :func:`list_queries` ``(extra_dirs=[DIR, …])`` lists the canned queries
and then the ``.rq`` files of each folder, :func:`resolve_query` and :func:`run_query`
take the same ``extra_dirs`` (``kg queries --queries DIR``, ``kg query NAME --queries
DIR``); a name used twice (a user query named like a canned one, or in two folders) is a
:class:`~kg.errors.UsageError` naming both files.

Modules: :mod:`~kg.queries.library` (the files and their headers), :mod:`~kg.queries.params`
(values and the name check), :mod:`~kg.queries.names` (names → IRIs),
:mod:`~kg.queries.execute` (syntax check, run), :mod:`~kg.queries.format` (text formats),
:mod:`~kg.queries.spreadsheet` (files for spreadsheets). Everything listed in ``__all__``
is importable from ``kg.queries``.
"""

from __future__ import annotations

from .execute import (
    check_query_text,
    check_syntax,
    describe_syntax_error,
    is_update,
    run_query,
    with_defaults_inlined,
)
from .format import (
    FORMATS,
    GRAPH_FORMATS,
    PREFIXES,
    compact_iri,
    display_value,
    display_width,
    format_csv,
    format_graph,
    format_json,
    format_result,
    format_table,
    format_tsv,
    with_headers,
)
from .library import (
    INTERNAL_DIR,
    QUERY_DIR,
    CannedQuery,
    Param,
    internal_query,
    list_queries,
    load_query,
    parse_header,
    parse_term,
    resolve_query,
)
from .names import resolve_name
from .params import check_names, coerce_params
from .spreadsheet import write_result, write_xlsx

__all__ = [
    "QUERY_DIR",
    "INTERNAL_DIR",
    "internal_query",
    "Param",
    "CannedQuery",
    "list_queries",
    "load_query",
    "resolve_query",
    "parse_header",
    "parse_term",
    "coerce_params",
    "check_syntax",
    "check_query_text",
    "describe_syntax_error",
    "is_update",
    "compact_iri",
    "run_query",
    "check_names",
    "resolve_name",
    "with_defaults_inlined",
    "display_value",
    "display_width",
    "format_table",
    "format_csv",
    "format_tsv",
    "format_json",
    "format_graph",
    "format_result",
    "with_headers",
    "FORMATS",
    "GRAPH_FORMATS",
    "PREFIXES",
    "write_result",
    "write_xlsx",
]
