"""The build's clock (the time of each stage) and its workspace: the temporary folder
beside OUT it writes into, with the previous build's cache entries taken over.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import CACHE_DIR, CACHE_DOCS, CacheFolder
from .swap import make_temp, rmtree

if TYPE_CHECKING:  # pragma: no cover
    from .store_load import BackgroundLoad


class Clock:
    """The time of each stage (``BuildResult.timings``)."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.timings: dict[str, float] = {}

    def stage(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self.last
        self.last = now

    def total(self) -> dict[str, float]:
        self.timings["total"] = time.perf_counter() - self.start
        return self.timings


class Workspace:
    """The temporary folder beside OUT that the build writes into, with the previous
    build's cache entries taken over (given back if the build fails)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.tmp = make_temp(out)
        (self.tmp / CACHE_DIR).mkdir()
        self.folder = CacheFolder(self.tmp / CACHE_DIR / CACHE_DOCS)
        self.prev_folder = out / CACHE_DIR / CACHE_DOCS
        self.taken = False
        self.held: list[str] = []  # the previous build's files, given back on failure
        self.loader: BackgroundLoad | None = None

    def take_cache(self, reusable: bool) -> None:
        if reusable and self.prev_folder.is_dir():
            os.rename(self.prev_folder, self.folder.path)
            self.taken = True
            names = os.listdir(self.folder.path)
            self.held = names
            self.folder.listed = names
            self.folder.complete = {n[: -len(".info.json")] for n in names if n.endswith(".info.json")}
        else:
            self.folder.path.mkdir()

    def roll_back(self) -> None:
        """After a failure: stop the store's load, give the previous build's cache entries
        back and remove the entries this build added (a build that failed on a full disk
        must not leave the disk full), then the temporary folder."""
        if self.loader is not None:
            self.loader.abort()
        if self.taken and self.folder.path.is_dir() and (self.out / CACHE_DIR).is_dir():
            held = {n.split(".", 1)[0] for n in self.held}
            for name in os.listdir(self.folder.path):
                if name.split(".", 1)[0] not in held:
                    with contextlib.suppress(OSError):
                        os.unlink(self.folder.path / name)
            os.rename(self.folder.path, self.prev_folder)
        rmtree(self.tmp)
