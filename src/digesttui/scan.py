"""Digest files on disk: which names are digests, the files under a root (scandir, an entry at a
time), many parsed at once in child processes (`parsejob`). Pure Python, no Textual."""

from __future__ import annotations

import contextlib
import os
import pickle
import stat
import subprocess
import sys
from collections.abc import Iterable, Iterator

from digesttui.files import FILE_LIMIT, read_digest
from digesttui.model import Digest, newest_first

SUFFIXES = (".md", ".markdown")
IGNORED_ENDINGS = ("~", ".swp", ".swx", ".tmp", ".part", ".crdownload", ".bak")
SUBPROCESS_THRESHOLD = 400
"""From how many files to parse a cold start in a child process."""


def is_digest_name(name: str) -> bool:
    """Whether a file name (or path) names a digest: `.md` or `.markdown`, not hidden."""
    name = os.path.basename(name)
    return not name.startswith(".") and name.lower().endswith(SUFFIXES)


def is_watched_path(path: str) -> bool:
    """Whether a file event is worth a look: not hidden, not an editor's or a writer's temp file."""
    name = os.path.basename(path)
    return not name.startswith(".") and not name.lower().endswith(IGNORED_ENDINGS)


def scan(root: str, unreadable: list[tuple[str, str]] | None = None) -> Iterator[tuple[str, os.stat_result]]:
    """Digest files under root (a folder, recursively, or one file), with their stat results.

    Hidden files and folders are skipped; symlinks are followed, but never round a loop. A
    folder that cannot be listed is added to `unreadable` with the reason."""
    return _walk(root, unreadable, files=True)


def folders(root: str) -> Iterator[tuple[str, os.stat_result]]:
    """The folders `scan` looks in under root (root first; none if it is not a folder), with
    their stat results. Only they are looked at, not every file: the watcher watches each."""
    return _walk(root, None, files=False)


def _walk(root: str, unreadable: list[tuple[str, str]] | None, files: bool) -> Iterator[tuple[str, os.stat_result]]:
    """`scan` (`files`), else `folders`, with their stat results."""
    try:
        st = os.stat(root)
    except OSError:
        return
    if not stat.S_ISDIR(st.st_mode):
        if files:
            yield root, st
        return
    seen: set[tuple[int, int]] = set()
    stack = [(root, st)]
    while stack:
        folder, folder_st = stack.pop()
        if (folder_st.st_dev, folder_st.st_ino) in seen:
            continue
        seen.add((folder_st.st_dev, folder_st.st_ino))
        if not files:
            yield folder, folder_st
        yield from _listed(folder, stack, unreadable, files)


def _listed(
    folder: str, stack: list[tuple[str, os.stat_result]], unreadable: list[tuple[str, str]] | None, files: bool
) -> Iterator[tuple[str, os.stat_result]]:
    """A folder's digest files (with `files`); its subfolders go on `stack`."""
    try:
        # an entry at a time: 100,000 entries listed, each with its stat, were 85 MiB
        with os.scandir(folder) as listing:
            for entry in listing:
                if entry.name.startswith("."):
                    continue
                try:
                    if not files and not entry.is_dir():  # (the kind as listed: no stat but a symlink's)
                        continue
                    entry_st = entry.stat()
                except OSError:
                    continue
                if stat.S_ISDIR(entry_st.st_mode):
                    stack.append((entry.path, entry_st))
                elif files and stat.S_ISREG(entry_st.st_mode) and entry.name.lower().endswith(SUFFIXES):
                    yield entry.path, entry_st  # (is_digest_name)
    except OSError as exc:  # not listed, or failed while being read: what was read stays
        if unreadable is not None:
            unreadable.append((folder, f"folder cannot be read: {exc.strerror or exc}"))


def parse_all(paths: list[str], limit: int, catalog: str | None = None) -> Iterator[tuple[Digest, bool]]:
    """Read and parse files, newest first as given: many in child processes (see `parsejob`),
    one a core, taking chunks in turn; few files (or whatever the children leave) here. Each comes
    with whether it is stored: a child given the `catalog` file puts what it parses there and
    gives back the light digest (`rows.light_row`); the rest come in full, to be stored."""
    done: set[str] = set()
    if len(paths) >= SUBPROCESS_THRESHOLD:
        with contextlib.suppress(Exception):  # the children are only a speed-up
            yield from _parse_in_children(paths, done, limit, catalog)
    for path in paths:
        if path not in done:
            yield read_digest(path, limit=limit), False


def parse_roots(roots: Iterable[str], limit: int = FILE_LIMIT) -> list[Digest]:
    """Every digest under the roots, parsed in full, newest first: `--check` and `--json`, which
    need no catalog."""
    found: dict[str, os.stat_result] = {}
    unreadable: list[tuple[str, str]] = []
    for root in roots:
        found.update(scan(os.path.abspath(root), unreadable))
    digests = [*unreadable_folders(unreadable).values(), *(d for d, _ in parse_all(sorted(found), limit))]
    return sorted(digests, key=newest_first)


def _parse_in_children(
    paths: list[str], done: set[str], limit: int, catalog: str | None
) -> Iterator[tuple[Digest, bool]]:
    from digesttui.parsejob import CHUNK
    from digesttui.rows import light_row

    count = max(1, min(os.cpu_count() or 1, 4))
    shares: list[list[str]] = [[] for _ in range(count)]
    for n, start in enumerate(range(0, len(paths), CHUNK)):
        shares[n % count].extend(paths[start : start + CHUNK])
    children = []
    try:
        for share in shares:
            child = subprocess.Popen(
                [sys.executable, "-m", "digesttui.parsejob", str(limit), *([catalog] if catalog else [])],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            children.append(child)
            assert child.stdin is not None
            child.stdin.write("\0".join(share).encode("utf-8", "surrogateescape"))
            child.stdin.close()
        left = [len(share) for share in shares]
        while any(left):
            for i, child in enumerate(children):
                if left[i]:
                    stored, chunk = pickle.load(child.stdout)  # type: ignore[arg-type]
                    at = len(shares[i]) - left[i]
                    left[i] -= len(chunk)
                    for path, one in zip(shares[i][at : at + len(chunk)], chunk, strict=True):
                        # a row stored: with the path given, not the child's copy (the list holds it)
                        digest = light_row((path, *one[1:]) if one[0] == path else one) if stored else one
                        done.add(digest.path)
                        yield digest, stored
    finally:
        for child in children:
            child.kill()
            child.wait()


def unreadable_folders(unreadable: list[tuple[str, str]]) -> dict[str, Digest]:
    """Folders that could not be listed, as entries with the reason: never skipped in silence."""
    from digesttui.parse import unreadable as entry

    return {path: entry(path, why) for path, why in unreadable}
