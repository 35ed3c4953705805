"""The ``scan`` stage's checks: which files are inputs (:func:`collect_paths`), their
document names (:func:`document_names`), and whether OUT may be replaced (:func:`check_out`).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..errors import UsageError
from ..layout import (
    is_kg_build,
)
from ..models import Issue

SUPPORTED_SUFFIXES = {".txt", ".text", ".md", ".docx", ".xlsx", ".xlsm", ".pdf", ".html", ".htm"}


def collect_paths(
    paths: Iterable[str | Path], issues: list[Issue] | None = None, exclude: Path | None = None,
    links: set[str] | None = None,
) -> list[Path]:
    """Files named, and supported files found (recursively) in folders named; sorted.

    In folders, hidden files and folders are left out, and so are ``exclude`` (the build's
    own output folder) and any other folder kg built (its pages and warnings are not
    documents). What else cannot be taken — a folder that cannot be read, a broken or
    looping symlink, a symlink to a folder (not followed) — is added to ``issues``.
    ``links`` gets the files that may be symlinks (those named, and symlinks found).
    """
    found: list[Path] = []
    warn = issues.append if issues is not None else (lambda issue: None)
    links = links if links is not None else set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(sorted(_walk(p, warn, exclude, links)))
        elif p.exists():
            found.append(p)
            links.add(os.fspath(p))
        elif p.is_symlink():
            raise UsageError(f"{raw}: is a broken symlink (what it points to does not exist)")
        else:
            raise UsageError(f"{raw}: no such file or folder")
    return found


def _walk(root: Path, warn: Callable[[Issue], None], exclude: Path | None, links: set[str]) -> list[Path]:
    """The supported files under ``root`` (see :func:`collect_paths`). Folders are listed
    with ``os.scandir``, whose entries know their type: a corpus of ten thousand files
    costs no system call per file."""
    skip = os.path.realpath(exclude) if exclude is not None else None
    files: list[Path] = []
    stack = [root]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            warn(Issue(str(exc.filename), 0, f"folder cannot be read ({exc.strerror}); its documents are skipped", "unreadable-folder"))
            continue
        keep: list[Path] = []
        plain: list[os.DirEntry[str]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()  # (through a symlink too)
            except OSError:
                is_dir = False
            if not is_dir:
                plain.append(entry)
                continue
            sub = here / entry.name
            if skip is not None and os.path.realpath(sub) == skip:
                continue
            if entry.is_symlink():
                warn(Issue(str(sub), 0, "is a symlink to a folder; not followed (name the folder itself to read it)", "symlink-skipped"))
            elif is_kg_build(sub):
                warn(Issue(str(sub), 0, "is a kg build folder; its files are not read as documents", "build-folder-skipped"))
            else:
                keep.append(sub)
        stack.extend(reversed(keep))  # (depth first, in name order)
        for entry in plain:
            if os.path.splitext(entry.name)[1].lower() in SUPPORTED_SUFFIXES:
                _take_file(here / entry.name, entry, files, links, warn)
    return files


def _take_file(f: Path, entry: os.DirEntry[str], files: list[Path], links: set[str], warn: Callable[[Issue], None]) -> None:
    """A supported file of a folder: taken, or a warning (a broken or looping symlink, a
    symlink to something else)."""
    if not entry.is_symlink():
        if entry.is_file():
            files.append(f)
        return
    links.add(os.fspath(f))
    try:
        st = os.stat(f)
    except OSError as exc:
        why = "a symlink loop" if exc.errno == errno.ELOOP else "a broken symlink"
        warn(Issue(str(f), 0, f"is {why}; skipped", "symlink-skipped"))
        return
    if stat.S_ISREG(st.st_mode):
        files.append(f)
    else:
        warn(Issue(str(f), 0, "is a symlink to something that is not a file; skipped", "symlink-skipped"))


def document_names(paths: Sequence[Path]) -> tuple[list[str], list[Issue]]:
    """The document name of each file (it names the document's graph), and a warning for
    each file named apart from its stem. A document is named after its file (``plan.txt``:
    ``plan``). When an earlier file has that name, the folder is added (``2021/plan.txt``:
    ``plan (2021)``), or the file type when an earlier file of that name is in the same
    folder (``plan.docx``, then ``plan.txt``: ``plan (txt)``; ``plan (2021, txt)`` when the
    first ``plan`` is elsewhere); numbered when even that is taken. The same inputs always
    give the same names."""
    taken: dict[str, Path] = {}
    earlier: dict[str, list[Path]] = {}  # stem -> the files with it so far
    names: list[str] = []
    issues: list[Issue] = []
    for p in paths:
        stem = name = p.stem
        if stem in taken:
            same = earlier.get(stem) or [taken[stem]]  # (or a name given to an earlier file)
            first = same[0]
            kind = p.suffix.lstrip(".") or "file"
            if not any(e.parent == p.parent for e in same) and p.parent.name:
                tag = p.parent.name
            elif first.parent == p.parent or not p.parent.name:
                tag = kind
            else:
                tag = f"{p.parent.name}, {kind}"
            name, n = f"{stem} ({tag})", 2
            while name in taken:
                name, n = f"{stem} ({tag} {n})", n + 1
            issues.append(Issue(
                str(p), 0, f"document name {stem!r} is also the name of {first}; this one is named {name!r}",
                "duplicate-document",
            ))
        taken[name] = p
        earlier.setdefault(stem, []).append(p)
        names.append(name)
    return names, issues


def check_out(out: str | Path) -> Path:
    """The folder a build may write to for the ``-o`` value ``out``, as an absolute path;
    else a :class:`UsageError` saying why not. A build replaces its output folder as a
    whole, so OUT must be missing, empty, or a folder kg built (:func:`kg.layout.is_kg_build`);
    never a file, the current folder or one holding it. A symlink to a kg build (or an
    empty folder) is followed: the build replaces the folder it points to, the link stays."""
    text = os.fspath(out)
    if not text.strip():
        raise UsageError("the output folder name is empty: give one with -o, e.g. -o out")
    path = Path(os.path.abspath(text))  # "." and "./" are the current folder
    if path.is_symlink():
        target = Path(os.path.realpath(path))
        if not (is_kg_build(target) or target.is_dir() and next(target.iterdir(), None) is None):
            raise UsageError(f"{text}: is a symlink (to {target}), not a kg build folder; refusing to replace it")
        path = target
    here = Path.cwd().resolve()
    if path == here or path in here.parents:
        raise UsageError(
            f"{text}: is the current folder or holds it, and a build replaces its output folder; "
            f"name a folder of its own, e.g. -o {os.path.join(text, 'out')}"
        )
    if path.exists():
        if not path.is_dir():
            raise UsageError(f"{text}: is a file, not a kg build folder; refusing to replace it (choose another -o)")
        if not is_kg_build(path) and next(path.iterdir(), None) is not None:
            raise UsageError(
                f"{text}: is a folder that kg did not build (no kg manifest.json) and is not empty; "
                "refusing to replace what it holds (choose another -o, or a new or empty folder)"
            )
        # (the mode too: root may write anywhere, but a folder made read-only says "keep")
        if not os.access(path, os.W_OK | os.X_OK) or not path.stat().st_mode & 0o222:
            raise UsageError(f"{text}: the build folder is read-only; refusing to replace it (make it writable or choose another -o)")
    return path


def check_inputs_outside(files: Sequence[Path], out: Path, given: str | Path, links: set[str] | None = None) -> None:
    """A build replaces OUT as a whole: no input may live in it. (``links``: the files
    that may be symlinks, from :func:`collect_paths`; without it, each file is checked.)"""
    real = os.path.realpath(out)
    inside = real.rstrip(os.sep) + os.sep
    folders: dict[str, str] = {}  # each folder resolved once: most inputs share theirs
    for f in files:
        text = os.fspath(f)
        if (text in links) if links is not None else os.path.islink(text):
            here = os.path.realpath(text)
        else:
            folder, name = os.path.split(text)
            if folder not in folders:
                folders[folder] = os.path.realpath(folder or os.curdir)
            here = os.path.join(folders[folder], name)
        if here == real or here.startswith(inside):
            raise UsageError(f"{f}: is inside the output folder {given}, which the build replaces; move it or choose another -o")
