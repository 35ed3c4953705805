"""``kg.visualize``: the analyst's report and the interactive views of a build.

* :mod:`kg.visualize.report` — ``write_report(out, result)``, the build's artifact writer:
  ``OUT/index.html`` (headline numbers, workload ranking, load chart, concentration,
  links), ``OUT/queries.html`` (every canned query with its result) and ``OUT/views/``;
  ``python -m kg.visualize.report OUT`` rewrites them for an existing build folder
  (``--unit NAME`` / ``--section TITLE`` add a view a big build left out, ``--all-views``
  draws every one);
* :mod:`kg.visualize.views` — the pyvis networks (responsibility, collaboration, one per
  unit, one per section), rendered offline;
* :mod:`kg.visualize.data` — what the views draw, read from the build's store;
* :mod:`kg.visualize.charts` — static SVG charts; :mod:`kg.visualize.safe` — escaping,
  Content-Security-Policy and the no-network check.
"""
