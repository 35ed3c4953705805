"""What every kg command shares: errors to one line and an exit code, the build folder check.

Kept apart from :mod:`kg.cli` so that command modules (``kg.cli.query``…) can import it
while ``kg.cli`` itself is still being imported.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import KgError

__all__ = ["handle_errors", "progress_bar", "require_build"]

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn library errors into one line on stderr and the error's exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except OSError as exc:  # output folder not writable, disk full…
            click.echo(f"Error: {exc.filename or ''}: {exc.strerror or exc}".replace(": :", ":"), err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def require_build(out: str | Path) -> Path:
    """The build folder OUT, or a UsageError telling how to make one."""
    from ..layout import graph_nquads

    p = Path(out)
    graph_nquads(p)  # raises the UsageError
    return p


def progress_bar(quiet: bool, label: str, min_total: int) -> Callable[[int, int], None] | None:
    """A ``progress(done, total)`` callback drawing a transient bar on a terminal, or ``None``
    when quiet or not on a terminal. The bar appears only for ``total > min_total`` steps,
    so short runs print nothing."""
    if quiet or not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "p" not in state and total > min_total:
            state["p"] = Progress(transient=True)
            state["p"].start()
            state["t"] = state["p"].add_task(label, total=total)
        if "p" in state:
            state["p"].update(state["t"], completed=done)
            if done >= total:
                state["p"].stop()

    return update
