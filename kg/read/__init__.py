"""Stage 1, reading: a file on disk → :class:`~kg.models.SourceText`.

:mod:`kg.read.text` decodes plain text; :mod:`kg.read.structured` dispatches .docx, .xlsx,
.pdf and .html to their readers (``*_reader``), which shape table grids with
:mod:`kg.read.grid`.
"""
