"""The ``store`` stage's bulk load, in a thread fed chunk files as they are ready.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from ..store import load_oxigraph


class BackgroundLoad:
    """A bulk load of the store in a thread, fed chunk files as they are ready."""

    def __init__(self, target: Path) -> None:
        self._queue: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._done = False
        self._thread = threading.Thread(target=self._run, args=(target,), name="kg-store-load", daemon=True)
        self._thread.start()

    def _run(self, target: Path) -> None:
        try:
            load_oxigraph(iter(self._queue.get, None), target)
        except BaseException as exc:  # noqa: BLE001 - handed to the build's thread
            self._error = exc

    def add(self, chunk: Path) -> None:
        self._queue.put(chunk)

    def finish(self) -> None:
        """Wait for the load to end; raise what it raised."""
        self._done = True
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def abort(self) -> None:
        if not self._done:
            self._done = True
            self._queue.put(None)
            self._thread.join()
