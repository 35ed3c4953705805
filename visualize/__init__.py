"""``kg.visualize``: the analyst's report and the interactive views of a build.

* :mod:`kg.visualize.report` — ``write_report(out, result)``, the build's artifact writer:
  ``OUT/index.html`` (headline numbers, workload ranking with direct and expanded load and
  each verdict's reason, load chart, concentration, notes on the measures, links),
  ``OUT/queries.html`` (every canned query with its result) and ``OUT/views/``;
  ``python -m kg.visualize.report OUT`` rewrites them for an existing build folder
  (``--unit NAME`` / ``--section TITLE`` add a view a big build left out, ``--all-views``
  draws every one); :mod:`.index_page` puts the index together, :mod:`.report_queries`
  runs the canned queries, :mod:`.loads` gives each unit its load and verdict;
* :mod:`kg.visualize.views` — selects the views and writes them, with one copy of
  vis-network and the search index per folder; :mod:`.networks` (responsibility,
  collaboration, one per unit with its task table, one per section) and
  :mod:`.aggregate` (unit types, regions, top units: corpora above 20,000 tasks), styled
  by :mod:`.style`, drawn by :mod:`.render`, named by :mod:`.names`;
* :mod:`kg.visualize.data` — what the views draw, read from the build's store (the
  task–unit–role facts through :func:`kg.analysis.facts.read_facts`);
* :mod:`kg.visualize.charts` — static SVG charts; :mod:`kg.visualize.safe` — escaping,
  Content-Security-Policy and the no-network check.
"""
