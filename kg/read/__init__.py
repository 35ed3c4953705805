"""Stage 1, reading: a file on disk → :class:`~kg.models.SourceText`.

:mod:`kg.read.text` decodes plain text; :mod:`kg.read.structured` dispatches .docx, .xlsx,
.pdf and .html to their readers (``*_reader``), which shape table grids with
:mod:`kg.read.grid`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import SourceError
from ..models import SourceText
from .structured import read_structured
from .text import TEXT_SUFFIXES, text_source

__all__ = ["read_source"]


def read_source(path: str | Path) -> SourceText:
    """Read one document. Text files are decoded here; other formats go to their reader."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise SourceError(str(path), 0, "no such file") from None
    except IsADirectoryError:
        raise SourceError(str(path), 0, "is a folder, not a document") from None
    except OSError as exc:
        raise SourceError(str(path), 0, f"cannot be read: {exc.strerror}") from None
    digest = hashlib.sha256(data).hexdigest()
    if p.suffix.lower() in TEXT_SUFFIXES:
        return text_source(path, data, digest)
    structured = read_structured(p, data)
    return SourceText(str(path), p.stem, structured.lines, structured.label, digest, structured.notes)
