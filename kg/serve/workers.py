"""The query workers of ``kg serve``: a pool of ``python -m kg.serve.sparql_worker``
processes, each holding the store read-only. A query past the timeout is stopped by
killing its worker (the only way to stop a runaway query inside the store); a fresh
worker takes its place, and so does one that crashed. When the build folder is rebuilt,
every worker is replaced before the next query runs."""

from __future__ import annotations

import logging
import queue
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..store import StoreError

__all__ = ["WorkerPool"]

_log = logging.getLogger("kg.serve.server")


def _store_identity(out: Path) -> tuple[int, ...] | None:
    """What changes when ``out`` is rebuilt: the store folder (a new one each build), or
    the N-Quads file a store-less build is loaded from; None while neither is there."""
    for p in (out / "store", out / "graph.nq"):
        try:
            st = p.stat()
        except OSError:
            continue
        return (st.st_dev, st.st_ino, st.st_mtime_ns if p.is_file() else 0)
    return None


class _Worker:
    """One ``python -m kg.serve.sparql_worker`` process and its connection."""

    def __init__(self, out: Path, generation: int) -> None:
        parent, child = socket.socketpair()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kg.serve.sparql_worker", str(child.fileno()), str(out)],
                pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL,
            )
        finally:
            child.close()
        self.conn = Connection(parent.detach())
        self.generation = generation

    def wait_ready(self, timeout: float) -> str | None:
        """None when ready, else why not."""
        try:
            if not self.conn.poll(timeout):
                return "the query worker did not start in time"
            msg = self.conn.recv()
        except (EOFError, OSError):
            return "the query worker stopped while starting"
        return None if msg[0] == "ready" else str(msg[1])

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        finally:
            self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
            self.proc.wait(2)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self.proc.kill()
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                pass
        self.conn.close()


class WorkerPool:
    """Worker processes, each with the store open read-only.

    A worker that times out or crashes is killed and replaced. When the build folder is
    rebuilt (its store is a new folder), every worker is replaced before the next query
    runs, so that all of them answer from the same, newest store.
    """

    def __init__(self, out: Path, size: int = 2, start_timeout: float = 120.0) -> None:
        self.out = Path(out)
        self.size = max(1, size)
        self.start_timeout = start_timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.killed = 0
        self.generation = 0
        self._identity = _store_identity(self.out)
        workers = [self._new() for _ in range(self.size)]
        for w in workers:
            why = w.wait_ready(start_timeout)
            if why is not None:
                self.close()
                raise StoreError(why)
            self._idle.put(w)

    def _new(self) -> _Worker:
        w = _Worker(self.out, self.generation)
        with self._lock:
            self._all.add(w)
        return w

    def _forget(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)

    def _replace(self, w: _Worker, killed: bool = True) -> None:
        """Stop ``w`` and start a worker in its place (in the background, retrying)."""
        if killed:
            w.kill()
            self.killed += 1
        else:
            w.stop()
        self._forget(w)
        if self._closed:
            return

        def start() -> None:
            delay = 0.5
            while not self._closed:
                nw = self._new()
                why = nw.wait_ready(self.start_timeout)
                if why is None and not self._closed:
                    self._idle.put(nw)
                    return
                nw.kill()
                self._forget(nw)
                if why is not None:
                    _log.warning("kg serve: %s; trying again in %.1f s", why, delay)
                time.sleep(delay)
                delay = min(delay * 2, 10.0)

        threading.Thread(target=start, daemon=True, name="kg-sparql-respawn").start()

    def _check_rebuilt(self) -> None:
        ident = _store_identity(self.out)
        with self._lock:
            if ident is None or ident == self._identity:
                return
            self._identity = ident
            self.generation += 1
        _log.warning("kg serve: %s was rebuilt; restarting the query workers", self.out)
        while True:  # idle workers of the old store go now, busy ones when they finish
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                break
            self._replace(w, killed=False)

    def run(self, job: dict[str, Any], timeout: float) -> tuple[Any, ...]:
        """Run ``job`` in a worker: the worker's reply, or ``("err", status, message)``."""
        self._check_rebuilt()
        deadline = time.monotonic() + timeout
        while True:
            try:
                w = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return ("err", 503, f"server busy: no query worker became free within {timeout:g} s; try again")
            if w.generation == self.generation:
                break
            self._replace(w, killed=False)  # it holds the store of before a rebuild
        try:
            w.conn.send(job)
        except (OSError, ValueError):
            self._replace(w)
            return ("err", 500, "the query worker had stopped; try again")
        if w.conn.poll(max(0.0, deadline - time.monotonic())):
            try:
                reply = w.conn.recv()
            except (EOFError, OSError):
                self._replace(w)
                return ("err", 500, "the query worker stopped while running the query (it crashed or ran out of memory)")
            if w.generation == self.generation:
                self._idle.put(w)
            else:
                self._replace(w, killed=False)
            return reply
        self._replace(w)
        return ("err", 503, f"query timed out after {timeout:g} s and was stopped (the server's --timeout)")

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.stop()
