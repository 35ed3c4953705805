"""The ``swap`` stage: the build writes into a temporary folder beside OUT, which
replaces OUT at the end (atomically on Linux); a killed build's leftovers are removed
by the next one (:func:`recover`).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from .cache import (
    CACHE_DIR,
    CACHE_DOCS,
)


def _rename_exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return rc == 0


def _temp_stem(out: Path) -> str:
    """The start of the names of the build's temporary folders beside ``out``: ``.NAME``,
    or a hash of a name too long for a suffix (file names are at most 255 bytes)."""
    name = out.name
    if len(os.fsencode(name)) > 200:
        name = "kg-" + hashlib.sha256(os.fsencode(name)).hexdigest()[:16]
    return f".{name}"


def make_temp(out: Path) -> Path:
    """A new, empty folder beside ``out`` for the build to write into. Made with the
    umask's mode (as any new folder), since it becomes OUT."""
    for _ in range(100):
        tmp = out.parent / f"{_temp_stem(out)}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            tmp.mkdir()
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(errno.EEXIST, "cannot make a temporary folder", str(out.parent))


def rmtree(path: Path) -> None:
    """Remove a folder kg made, also when parts of it were made read-only."""

    root = os.fspath(path)

    def retry(func: Callable[..., object], p: str, _exc: object) -> None:
        parent = os.path.dirname(p)
        if parent != root and not parent.startswith(root + os.sep):
            return  # (never touch what is outside the folder)
        with contextlib.suppress(OSError):
            os.chmod(parent, 0o700)
            func(p)

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=retry)
    else:
        shutil.rmtree(path, onerror=retry)


def swap_in(tmp: Path, out: Path, keep: tuple[str, str] | None = None) -> None:
    """Replace ``out`` with ``tmp`` so that a reader sees the old or the new output, never half.

    On Linux both folders are exchanged in one system call; elsewhere the old folder is
    renamed aside first (and :func:`recover` puts it back if the process dies between
    the two renames). ``keep`` (a path in the old folder, where to put it in the new one):
    what is moved from the old folder before it is removed (the split layout's graphs
    folder, which the next build updates instead of linking every file again).
    """
    if out.exists() and _rename_exchange(tmp, out):
        _keep(tmp, out, keep)
        rmtree(tmp)
        return
    old = None
    if out.exists():
        old = out.with_name(f"{_temp_stem(out)}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(tmp, out)
    if old is not None:
        _keep(old, out, keep)
        rmtree(old)


def _keep(old: Path, out: Path, keep: tuple[str, str] | None) -> None:
    if keep is None:
        return
    src, dest = old / keep[0], out / keep[1]
    if src.is_dir() and not src.is_symlink() and dest.parent.is_dir() and not os.path.lexists(dest):
        with contextlib.suppress(OSError):  # (then it is removed with the old folder)
            os.rename(src, dest)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(out: Path) -> None:
    """Clean up after a killed build: restore an output renamed aside, drop stale temp folders."""
    if not out.parent.is_dir():
        return
    stem = _temp_stem(out)
    for p in out.parent.iterdir():
        if not p.name.startswith(f"{stem}.") or p.is_symlink() or not p.is_dir():
            continue  # (kg before 0.2 renamed a file or symlink OUT aside: the user's, kept)
        rest = p.name[len(stem) + 1 :]
        kind, _, tail = rest.partition("-")
        pid_text = tail.split("-", 1)[0]
        if kind not in ("tmp", "old") or not pid_text.isdigit():
            continue
        if int(pid_text) != os.getpid() and _pid_alive(int(pid_text)):
            continue  # another build is running
        if kind == "old" and not out.exists():
            os.replace(p, out)
            continue
        # a killed build had taken the cache entries over: give them back
        taken = p / CACHE_DIR / CACHE_DOCS
        if kind == "tmp" and taken.is_dir() and (out / CACHE_DIR).is_dir() and not (out / CACHE_DIR / CACHE_DOCS).exists():
            os.rename(taken, out / CACHE_DIR / CACHE_DOCS)
        rmtree(p)
