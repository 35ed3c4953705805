"""The life of the build's child processes, without extraction's imports: the start
method (:func:`worker_context`), how a child ends with the build (:func:`die_with_parent`).
(The functions a pool runs are in :mod:`kg.pipeline.entries`.)
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from multiprocessing.context import BaseContext


# Extraction allocates millions of short-lived objects (quads, tokens, spans) next to
# long-lived memo tables; with Python's default thresholds the cyclic collector walks
# those tables again and again (~10% of a worker's time). Nothing extraction makes is
# cyclic garbage worth collecting early, so it runs with collections 40x rarer.
_EXTRACT_GC_THRESHOLD = (30_000, 20, 20)


_WORKER_NICENESS = 5


def extraction_warm() -> bool:
    """Whether this process has already paid for extraction's imports (spaCy)."""
    return "spacy" in sys.modules


def worker_context() -> BaseContext:
    """The start method of kg's child processes: ``fork`` where it is safe (Linux and the
    other POSIX systems but macOS). It does not run the caller's ``__main__`` again, so a
    plain script that calls :func:`build` at its top level, without the ``if __name__ ==
    "__main__":`` guard, runs once (``spawn`` and ``forkserver`` import the script again in
    each child). Elsewhere ``spawn``, where scripts need that guard."""
    import multiprocessing

    if sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def die_with_parent(parent: int) -> None:
    """In a child process: end when the process ``parent`` ends, even when it is killed
    with SIGKILL (it cannot stop its children then). Linux: the kernel sends SIGKILL
    (``PR_SET_PDEATHSIG``); elsewhere a thread checks the parent every second."""
    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            pr_set_pdeathsig = 1
            armed = ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent died before this
        os._exit(1)
    if not armed:

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, name="kg-parent-watch", daemon=True).start()


def worker_init(parent: int, niceness: int = _WORKER_NICENESS) -> None:
    die_with_parent(parent)
    gc.freeze()  # what the worker inherited (modules, gazetteers) is never garbage
    gc.set_threshold(*_EXTRACT_GC_THRESHOLD)
    # The store's bulk load (a thread of the parent) goes first: it takes each chunk as
    # soon as it is written, so when the last document is extracted little is left to
    # load; at equal priority it falls behind and the build ends waiting for it. (A
    # rebuild's single worker, which the build waits for, runs at the build's priority.)
    if niceness:
        with contextlib.suppress(OSError):
            os.nice(niceness)


@contextlib.contextmanager
def rare_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(*_EXTRACT_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)
