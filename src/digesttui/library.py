"""The digests under a set of roots: scan, parse (with a cache), apply batches of changes.

Pure Python, no Textual. A `Library` is used from worker threads; every change goes through its
lock and the UI only ever sees immutable `Snapshot`s.
"""

from __future__ import annotations

import contextlib
import functools
import marshal
import os
import pickle
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import starmap
from typing import Any, BinaryIO

from digesttui import __version__
from digesttui.files import FILE_LIMIT, atomic_write, owned_privately, read_digest, release_memory
from digesttui.model import Digest, Item, Link, Problem

SUFFIXES = (".md", ".markdown")
IGNORED_ENDINGS = ("~", ".swp", ".swx", ".tmp", ".part", ".crdownload", ".bak")
SETTLE_SECONDS = 1.0
"""How long a just-written file that fails to parse may stay unlisted, awaiting the rest of it."""
CACHE_FORMAT = 8
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
    try:
        st = os.stat(root)
    except OSError:
        return
    if not stat.S_ISDIR(st.st_mode):
        yield root, st
        return
    seen: set[tuple[int, int]] = set()
    stack = [(root, st)]
    while stack:
        folder, folder_st = stack.pop()
        if (folder_st.st_dev, folder_st.st_ino) in seen:
            continue
        seen.add((folder_st.st_dev, folder_st.st_ino))
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            if unreadable is not None:
                unreadable.append((folder, f"folder cannot be read: {exc.strerror or exc}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                entry_st = entry.stat()
            except OSError:
                continue
            if stat.S_ISDIR(entry_st.st_mode):
                stack.append((entry.path, entry_st))
            elif stat.S_ISREG(entry_st.st_mode) and is_digest_name(entry.name):
                yield entry.path, entry_st


def _parse_all(paths: list[str], limit: int) -> Iterator[Digest]:
    """Read and parse files, newest first as given: many in child processes (see `parsejob`),
    one a core, taking chunks in turn; few files (or whatever the children leave) here."""
    done: set[str] = set()
    if len(paths) >= SUBPROCESS_THRESHOLD:
        with contextlib.suppress(Exception):  # the children are only a speed-up
            yield from _parse_in_children(paths, done, limit)
    for path in paths:
        if path not in done:
            yield read_digest(path, limit=limit)


def _parse_in_children(paths: list[str], done: set[str], limit: int) -> Iterator[Digest]:
    from digesttui.parsejob import CHUNK

    count = max(1, min(os.cpu_count() or 1, 4))
    shares: list[list[str]] = [[] for _ in range(count)]
    for n, start in enumerate(range(0, len(paths), CHUNK)):
        shares[n % count].extend(paths[start : start + CHUNK])
    children = []
    try:
        for share in shares:
            child = subprocess.Popen(
                [sys.executable, "-m", "digesttui.parsejob", str(limit)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            children.append((child, len(share)))
            assert child.stdin is not None
            child.stdin.write("\0".join(share).encode("utf-8", "surrogateescape"))
            child.stdin.close()
        left = [n for _, n in children]
        while any(left):
            for i, (child, _) in enumerate(children):
                if left[i]:
                    chunk = pickle.load(child.stdout)  # type: ignore[arg-type]
                    left[i] -= len(chunk)
                    for digest in chunk:
                        done.add(digest.path)
                        yield digest
    finally:
        for child, _ in children:
            child.kill()
            child.wait()


# The cache is marshal's plain values, not pickles: it can hold no code, and writing it does not
# keep a UTF-8 copy of every non-ASCII string (pickling a library of Chinese digests did, for as
# long as the strings lived: +40 MiB at 10,000 digests).
Encoded = tuple[Any, ...]


def encode(d: Digest) -> Encoded:
    items = tuple((i.n, i.title, i.url, tuple(map(tuple, i.links)), i.summary, i.section) for i in d.items)
    date = d.date.isoformat() if d.date else None
    problems = tuple(map(tuple, d.problems))
    fields = (d.path, d.label, d.title, date, d.sort_key, d.categories, d.tags, items, problems, d.size, d.mtime_ns)
    return (*fields, d.description, d.overview, d.timed)


def decode(value: Encoded) -> Digest:
    (
        path,
        label,
        title,
        date,
        sort_key,
        categories,
        tags,
        items,
        problems,
        size,
        mtime_ns,
        description,
        overview,
        timed,
    ) = value
    return Digest(
        path,
        label,
        title,
        datetime.fromisoformat(date) if date else None,
        sort_key,
        categories,
        tags,
        tuple([Item(n, t, url, tuple(starmap(Link, links)), s, sec) for n, t, url, links, s, sec in items]),
        tuple(starmap(Problem, problems)),
        size,
        mtime_ns,
        description,
        overview,
        timed,
    )


def _write_frame(f: BinaryIO, value: Any) -> None:
    blob = marshal.dumps(value)
    f.write(len(blob).to_bytes(8, "little") + blob)


def _read_frame(f: BinaryIO) -> Any:
    """The next value, None at the end. (`marshal.load` from a file reads in small pieces: three
    times slower than this.)"""
    size = f.read(8)
    if not size:
        return None
    blob = f.read(int.from_bytes(size, "little"))
    if len(blob) != int.from_bytes(size, "little"):
        raise EOFError("the cache ends in the middle of a chunk")
    return marshal.loads(blob)


def _unreadable_folders(unreadable: list[tuple[str, str]]) -> dict[str, Digest]:
    """Folders that could not be listed, as entries with the reason: never skipped in silence."""
    from digesttui.parse import unreadable as entry

    return {path: entry(path, why) for path, why in unreadable}


@dataclass(frozen=True)
class Snapshot:
    """What the library holds at one moment, newest digest first."""

    digests: tuple[Digest, ...]
    roots: tuple[str, ...]
    missing_roots: tuple[str, ...] = ()
    complete: bool = True
    total: int = 0
    """Files found; while loading, `len(digests)` of them are parsed."""
    notice: str = ""
    """Something to tell the user once (a rebuilt cache)."""
    seq: int = 0
    """Later snapshots have larger numbers."""

    @property
    def item_count(self) -> int:
        return sum(len(d.items) for d in self.digests)


class Library:
    def __init__(self, roots: Iterable[str], cache_dir: str | None = None, limit: int = FILE_LIMIT) -> None:
        self.roots = tuple(os.path.abspath(r) for r in roots)
        self.limit = limit
        self._entries: dict[str, Digest] = {}
        self._pending: dict[str, float] = {}
        self._lock = threading.Lock()
        self._cache_dir = cache_dir
        self._notice = ""
        self._dirty = False
        self._save_wanted = False
        self._writer: threading.Thread | None = None
        self._seq = 0
        self.generation = 0
        """Counts changes to the entries: a batch that changed nothing need not be shown."""

    @functools.cached_property
    def _cache_path(self) -> str | None:
        """One cache file per set of roots. (Worked out on first use: hashlib costs the first paint.)"""
        if not self._cache_dir:
            return None
        import hashlib

        key = hashlib.sha256("\0".join(sorted(self.roots)).encode()).hexdigest()[:16]
        return os.path.join(self._cache_dir, f"library-{key}.cache")

    # --- reading the whole library ---

    def load(
        self,
        progress: Callable[[Snapshot], None] | None = None,
        every: float = 0.3,
        stop: threading.Event | None = None,
    ) -> Snapshot:
        """Scan every root; parse what the cache does not already hold, newest first (by the
        date in the file name, else the file's mtime: a copied archive's mtimes say little).
        With `stop` set (the reader is quitting), it returns what it has at once."""
        from digesttui.fields import date_from_name, timestamp

        with self._lock:
            cached = self._read_cache() if not self._entries else dict(self._entries)
            found: dict[str, os.stat_result] = {}
            unreadable: list[tuple[str, str]] = []
            for root in self.roots:
                found.update(scan(root, unreadable))
            entries = _unreadable_folders(unreadable)
            todo = []
            for path, st in found.items():
                old = cached.get(path)
                if old is not None and (old.size, old.mtime_ns) == (st.st_size, st.st_mtime_ns):
                    entries[path] = old
                else:
                    named = date_from_name(path)
                    todo.append((timestamp(named) if named else st.st_mtime, path))
            todo.sort(reverse=True)
            self._entries = entries
            last = time.monotonic()
            for digest in _parse_all([path for _, path in todo], self.limit):
                if stop is not None and stop.is_set():
                    break
                self._entries[digest.path] = digest
                if progress and time.monotonic() - last > every:
                    progress(self._snapshot(complete=False, total=len(found)))
                    last = time.monotonic()
            self._pending.clear()
            self._dirty = bool(todo) or len(cached) != len(entries)
            self.generation += 1
            return self._snapshot(total=len(found))

    def _snapshot(self, complete: bool = True, total: int | None = None) -> Snapshot:
        digests = sorted(self._entries.values(), key=lambda d: (-d.sort_key, d.path))
        notice, self._notice = self._notice, ""
        self._seq += 1
        return Snapshot(
            digests=tuple(digests),
            roots=self.roots,
            missing_roots=tuple(r for r in self.roots if not os.path.exists(r)),
            complete=complete,
            total=len(digests) if total is None else total,
            notice=notice,
            seq=self._seq,
        )

    # --- live changes ---

    def apply(self, paths: Iterable[str], settle: bool = False) -> Snapshot:
        """Bring the given paths (files or folders, changed, added or gone) up to date.

        Order-independent: each path is looked at as it is now. With `settle`, a file written less
        than `SETTLE_SECONDS` ago that does not parse is held back (see `due`) rather than showing
        a half-written file's error; it is listed once it parses or stops changing.
        """
        with self._lock:
            for path in {os.path.abspath(p) for p in paths}:
                self._refresh(path, settle)
            return self._snapshot()

    def due(self) -> list[str]:
        """Held-back paths whose settle time is over."""
        now = time.monotonic()
        with self._lock:
            return [p for p, deadline in self._pending.items() if deadline <= now]

    def _refresh(self, path: str, settle: bool) -> None:
        try:
            st = os.stat(path)
        except OSError:
            st = None
        is_dir = st is not None and stat.S_ISDIR(st.st_mode)
        kept: set[str] = set()
        if st is not None and not is_dir:
            if path in self.roots or (stat.S_ISREG(st.st_mode) and is_digest_name(path)):
                self._refresh_file(path, st, settle)  # a root that is not a regular file gets its error
                kept.add(path)
        elif is_dir:  # looked at afresh: what is no longer under it goes
            unreadable: list[tuple[str, str]] = []
            for found, found_st in scan(path, unreadable):
                self._refresh_file(found, found_st, settle)
                kept.add(found)
            for folder, digest in _unreadable_folders(unreadable).items():
                self._put(folder, digest)
                kept.add(folder)
        # gone: the path itself (a file deleted, or one no longer a digest: a FIFO put in its
        # place), or what was under it and is not any more
        prefix = path.rstrip(os.sep) + os.sep
        for gone in [p for p in self._entries if (p == path or p.startswith(prefix)) and p not in kept]:
            self._put(gone, None)
        for gone in [p for p in self._pending if (p == path or p.startswith(prefix)) and p not in kept]:
            self._pending.pop(gone)

    def _refresh_file(self, path: str, st: os.stat_result, settle: bool) -> None:
        old = self._entries.get(path)
        if old is not None and (old.size, old.mtime_ns) == (st.st_size, st.st_mtime_ns) and path not in self._pending:
            return
        digest = read_digest(path, st, self.limit)
        fresh = time.time() - st.st_mtime < SETTLE_SECONDS
        if digest.has_error and settle and fresh:
            self._pending[path] = time.monotonic() + SETTLE_SECONDS
            return
        self._pending.pop(path, None)
        self._put(path, digest)

    def _put(self, path: str, digest: Digest | None) -> None:
        """Add, replace or (None) remove one entry."""
        if digest is None:
            del self._entries[path]
        else:
            self._entries[path] = digest
        self._dirty = True
        self.generation += 1

    # --- the parse cache ---

    def _read_cache(self) -> dict[str, Digest]:
        if not self._cache_path or not os.path.exists(self._cache_path):
            return {}
        if not owned_privately(self._cache_path):  # only ever what this user alone could have written
            self._notice = f"Not using the parse cache {self._cache_path}: someone else could have written it."
            return {}
        entries: dict[str, Digest] = {}
        try:
            with open(self._cache_path, "rb") as f:
                if _read_frame(f) != {"format": CACHE_FORMAT, "version": __version__}:
                    return {}  # another version's: rebuilt without a word
                while (chunk := _read_frame(f)) is not None:
                    entries.update((digest.path, digest) for digest in map(decode, chunk))
        except Exception:  # any damage to the cache only costs a rebuild
            self._notice = f"Rebuilt the parse cache: {self._cache_path} could not be read."
            return {}
        return entries

    def save(self) -> None:
        """Write the parse cache, if anything changed since it was read or written: in the one
        writer thread, which writes the latest entries and ends when nothing more is wanted."""
        with self._lock:
            if not self._cache_path or not self._dirty:
                return
            self._save_wanted = True
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_cache, name="digest-tui cache writer")
                self._writer.start()

    def flush(self, timeout: float | None = None) -> None:
        """Wait for the cache writer (tests; the app does not wait for a speed-up on its way out)."""
        writer = self._writer
        if writer is not None:
            writer.join(timeout)

    def _write_cache(self) -> None:
        while True:
            with self._lock:
                if not self._save_wanted or self._cache_path is None:
                    self._writer = None
                    return
                self._save_wanted = self._dirty = False
                digests = list(self._entries.values())
                path = self._cache_path

            def write(f: BinaryIO, digests: list[Digest] = digests) -> None:
                _write_frame(f, {"format": CACHE_FORMAT, "version": __version__})
                for start in range(0, len(digests), 500):
                    _write_frame(f, [encode(d) for d in digests[start : start + 500]])

            with contextlib.suppress(OSError):  # a cache that cannot be written only costs speed
                atomic_write(path, write)
            with contextlib.suppress(OSError):  # what an earlier version wrote (a pickle)
                os.unlink(path.removesuffix(".cache") + ".pickle")
            del digests
            release_memory()
