"""``kg serve``: the SPARQL endpoint, the query workbench and the pages of a build folder.

:mod:`~kg.serve.server` (the socket, uvicorn, ``make_server``, ``serve``) ·
:mod:`~kg.serve.app` (routes, request limits) · :mod:`~kg.serve.config` (limits, settings,
content negotiation) · :mod:`~kg.serve.workers` (the worker pool) ·
:mod:`~kg.serve.sparql_worker` (the process that runs queries) · :mod:`~kg.serve.pages`
(the query form, canned queries, the build's report) · :mod:`~kg.serve.entities` (a page
per unit, group and task). ``static/`` holds the workbench's script and the vendored
YASGUI (``static/yasgui/VENDORED.md``)."""
