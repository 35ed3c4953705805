"""Typed errors. The library raises these; only the CLI turns them into messages and exit codes."""

from __future__ import annotations


class KgError(Exception):
    """Base class of every error kg reports to a user (exit code 1 unless stated)."""

    exit_code = 1


class SourceError(KgError):
    """An input document cannot be read at all (missing, binary, undecodable)."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


class UsageError(KgError):
    """The command was asked something it cannot do (bad option, missing build folder)."""

    exit_code = 2


class QueryError(KgError):
    """A SPARQL query is invalid or failed."""

    exit_code = 2


class StrictModeError(KgError):
    """``--strict`` was given and the build produced warnings."""

    exit_code = 3


class OntologyError(KgError):
    """A data file of ``ontology/`` (or a region profile) breaks its schema: the message is
    ``file:key: what is wrong`` (``file:line: …`` for a CSV row or a JSON Lines entry)."""
