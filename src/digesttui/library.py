"""The digests under a set of roots: scan, parse (with a cache), apply batches of changes.

Pure Python, no Textual. A `Library` is used from worker threads; every change goes through its
lock and the UI only ever sees immutable `Snapshot`s.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from itertools import chain
from typing import TYPE_CHECKING, NamedTuple

from digesttui.files import FILE_LIMIT, read_digest
from digesttui.firstscreen import Ahead, First, first_of
from digesttui.model import Digest, Item, in_newest_order, shared_titles, stamp_of
from digesttui.scan import is_digest_name, parse_all, scan, unreadable_folders

if TYPE_CHECKING:
    from digesttui.catalog import Catalog


def _catalog_error() -> type[Exception]:
    """What reading or writing the catalog raises (SQLite's errors). SQLite, the catalog and
    its rows are imported on first use: the first frame needs none of them (the entry point's
    child reads the first screen), and importing them cost it ~3 ms."""
    import sqlite3

    return sqlite3.Error


SETTLE_SECONDS = 1.0
"""How long a just-written file that fails to parse may stay unlisted, awaiting the rest of it."""


class Snapshot(NamedTuple):
    """What the library holds at one moment, newest digest first."""

    digests: tuple[Digest, ...]
    roots: tuple[str, ...]
    missing_roots: tuple[str, ...] = ()
    complete: bool = True
    total: int = 0
    """Files found; while loading, `len(digests)` of them are parsed."""
    notice: str = ""
    """Something to tell the user once (a rebuilt cache)."""
    pending: int = 0
    """Files listed and not read yet."""
    seq: int = 0
    """Later snapshots have larger numbers."""
    heads: Mapping[str, tuple[Item, ...]] = {}  # read only: one default shared is safe
    """The item lists of some digests, read with them (the first screen's)."""
    shared: frozenset[str] = frozenset()
    """The titles of `digests` that `SHARED_TITLE` or more of them have (`model.shared_titles`):
    the list shows their first headlines instead, which only these digests hold."""

    items: int | None = None
    """How many items `digests` hold, counted where the snapshot is made, in the loader's thread
    (None: counted when asked). Counted on the screen's side, each update of the header took
    20-40 ms of the UI at 100,000 digests."""

    @property
    def item_count(self) -> int:
        return sum(d.count for d in self.digests) if self.items is None else self.items


BATCH = 200
"""Digests parsed before they go to the catalog together (one transaction)."""
INDEX_APART = 20_000
"""From how many items the search index lacks on, it is built in a child process."""
SNAPSHOT_SHARE = 20
"""While parsing, a snapshot is shown at most every this many times what making one took."""


class Library:
    def __init__(self, roots: Iterable[str], cache_dir: str | None = None, limit: int = FILE_LIMIT) -> None:
        self.roots = tuple(os.path.abspath(r) for r in roots)
        self.limit = limit
        self._entries: dict[str, Digest] = {}
        """Light digests (items without summaries): the full ones are in the catalog."""
        self._shown: tuple[Digest, ...] = ()
        """The last snapshot's digests, in its order."""
        self._fresh: list[str] = []
        """The paths entered since (`_in_shown_order`)."""
        self._pending: dict[str, float] = {}
        self._lock = threading.Lock()
        self._cache_dir = cache_dir
        self._notice = ""
        self._seq = 0
        self._loaded = False
        self._ahead = Ahead()
        self._first_given = False
        """Whether the first screen's snapshot was given (by `first_screen` or the load)."""
        self._generation = 0
        """Counts changes to the entries: a batch that changed nothing need not be shown."""

    @functools.cached_property
    def catalog_file(self) -> str | None:
        """Where the catalog of these roots is kept (one per set of roots, in the cache folder);
        None: in memory."""
        if not self._cache_dir:
            return None
        import hashlib

        from digesttui.catalog import catalog_path

        return catalog_path(self._cache_dir, hashlib.sha256("\0".join(sorted(self.roots)).encode()).hexdigest()[:16])

    @functools.cached_property
    def catalog(self) -> Catalog:
        """The catalog (`catalog_file`), opened on first use, in a worker: hashlib and SQLite
        cost the first paint."""
        from digesttui.catalog import Catalog

        path = self.catalog_file
        if path is None:
            return Catalog(None)
        try:
            catalog = Catalog(path)
        except (OSError, _catalog_error()) as exc:  # a cache folder that cannot be written: only slower
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            catalog = Catalog(None)
            catalog.notice = f"Not keeping a catalog at {path}: {why}."
        self._notice = catalog.notice
        return catalog

    def prefetch(self, *also: Callable[[], object], first: Callable[[], First | None] | None = None) -> None:
        """Start reading the first screen from the catalog, then doing `also` (reading the read
        marks), in a thread: the entry point calls it before it imports Textual (~150 ms).
        `first`: where the first screen comes from instead (the entry point's child process,
        which reads it apart: `cli.read_ahead`)."""
        self._ahead.start(first or self.read_first, also)

    def read_first(self) -> First | None:
        """The first screen, from the catalog (None: nothing there yet, or it cannot be read:
        then the load reads it, or parses)."""
        with contextlib.suppress(_catalog_error(), OSError):
            return first_of(self.catalog)
        return None

    def read_first_apart(self) -> First | None:
        """The same for a process apart (`cli.read_ahead`): from the catalog file if it is there,
        ours, current and this user's alone; never made, rebuilt or written there."""
        from digesttui.catalog import reading

        with contextlib.suppress(_catalog_error(), OSError):
            catalog = reading(self.catalog_file) if self.catalog_file else None
            if catalog is not None:
                with contextlib.closing(catalog):
                    return first_of(catalog)
        return None

    def first_screen(self, wait: float) -> Snapshot | None:
        """The first screen (the newest digests), if the prefetch (and what it was asked to do
        besides) is done within `wait` seconds. Given once: the load then goes on from there."""
        if not self._ahead.started or not self._ahead.wait(wait):
            return None
        if not self._lock.acquire(blocking=False):
            return None  # (a load has started: it gives the first screen)
        try:
            return self._first_snapshot()
        finally:
            self._lock.release()

    def first_in_full(self) -> Digest | None:
        """The newest digest in full (its first item is the first screen's), if read with the
        first screen. Given once."""
        return self._ahead.full()

    def prefetched(self) -> None:
        """Wait for the prefetch, if one was started."""
        self._ahead.wait()

    def _first_snapshot(self) -> Snapshot | None:
        """A snapshot of the newest digests from the catalog (once), with their item lists."""
        self._ahead.wait()
        if not self._ahead.started and not self._first_given:
            self._ahead.put(self.read_first())
        first, heads = self._ahead.take()
        if not first:
            return None
        self._first_given = True
        self._entries = {d.path: d for d in first}
        return self._snapshot(complete=False, total=len(first), heads=heads)

    def close(self, wait: float = -1) -> None:
        """Close the catalog (its write-ahead log folded back into the file), waiting at most
        `wait` seconds (-1: as long as it takes) for a load or a change in progress."""
        if not self._lock.acquire(timeout=wait):
            return  # still busy: the catalog's log is folded in by the next reader instead
        try:
            if "catalog" in self.__dict__:
                self.catalog.close()
                del self.__dict__["catalog"]
        finally:
            self._lock.release()

    def full(self, digest: Digest) -> Digest:
        """A digest with its items in full (summaries, links) and its overview: from the
        catalog, else (a catalog that could not be written, or was busy) from its file."""
        if digest.pending:
            return digest
        with contextlib.suppress(_catalog_error()):
            found = self.catalog.digest(digest.path)
            if found is not None:
                return found
        if digest.has_error and not digest.size:
            return digest  # a folder or a file that could not be read: nothing more to read
        return read_digest(digest.path, limit=self.limit)

    def heads(self, digests: list[Digest]) -> dict[str, tuple[Item, ...]]:
        """What the item list shows of these digests' items: from the catalog, else (see
        `full`) from their files."""
        found: dict[str, tuple[Item, ...]] = {}
        with contextlib.suppress(_catalog_error()):
            found = self.catalog.heads([d.path for d in digests])
        for digest in digests:
            if digest.path not in found:
                found[digest.path] = tuple(i._replace(links=(), summary="") for i in self.full(digest).items)
        return found

    def index(self, stop: threading.Event | None = None) -> None:
        """Bring the catalog's search index up to date (until then a search scans): after a cold
        load, in a child process (`indexjob`: about a minute at 100,000 digests); what a change added, or
        whatever the child left, here."""
        with contextlib.suppress(_catalog_error()):
            if self.catalog.path is not None and self.catalog.unindexed() >= INDEX_APART:
                from digesttui.indexjob import build_apart

                build_apart(self.catalog.path, stop)
            self.catalog.index(stop)

    # --- reading the whole library ---

    def load(
        self,
        progress: Callable[[Snapshot], None] | None = None,
        every: float = 0.3,
        stop: threading.Event | None = None,
        first_shown: Callable[[], None] | None = None,
    ) -> Snapshot:
        """The catalog's newest digests first (the first screen: `first_shown` returns once the
        reader has drawn it), then all of its rows; then a scan of every root, and what changed
        parsed, newest first (by the date in the file name, else the file's mtime: a copied
        archive's mtimes say little), into the catalog. A file not read yet is listed at once,
        from its name. With `stop` set (the reader is quitting), it returns what it has."""
        with self._lock:
            if not self._loaded:
                with contextlib.suppress(_catalog_error()):  # an unreadable catalog: everything is parsed
                    self._show_catalog(progress, first_shown)
            unreadable: list[tuple[str, str]] = []
            todo, total = self._take_scan(chain.from_iterable(scan(r, unreadable) for r in self.roots), unreadable)
            if progress and todo:
                progress(self._snapshot(complete=False, total=total))
            self._parse(todo, progress, every, stop, total)
            self._pending.clear()
            self._loaded = True
            self._generation += 1
            return self._snapshot(total=total)

    def _show_catalog(
        self, progress: Callable[[Snapshot], None] | None, first_shown: Callable[[], None] | None
    ) -> None:
        if progress is not None:
            first = self._first_snapshot()
            if first is not None:
                progress(first)
            if self._first_given and first_shown is not None:
                first_shown()
        # What the scan and the parse import, imported before the rows are read: modules made
        # between the scan's short-lived objects would keep their memory from being given back
        # (40 MiB at 100,000 files).
        import digesttui.fields
        import digesttui.parse  # noqa: F401

        self._entries = {d.path: d for d in self.catalog.rows()}
        if progress is not None and self._entries:
            progress(self._snapshot(complete=False, total=len(self._entries)))

    def _take_scan(
        self, found: Iterable[tuple[str, os.stat_result]], unreadable: list[tuple[str, str]]
    ) -> tuple[list[str], int]:
        """Apply a scan as it goes (its results are not kept: 80 MiB at 100,000 files): the files
        gone leave the catalog; the new and changed ones are returned, newest first, to be parsed
        (a new one listed meanwhile from its name); and how many files were found."""
        from digesttui.fields import date_from_name, timestamp
        from digesttui.parse import pending

        entries: dict[str, Digest] = {}
        todo = []
        for path, st in found:
            if path in entries:
                continue  # under two roots
            old = self._entries.get(path)
            if old is None or old.stamp != stamp_of(st.st_size, st.st_mtime_ns):
                named = date_from_name(path)
                todo.append((timestamp(named) if named else st.st_mtime, path))
                old = old if old is not None and not old.pending else pending(path, st.st_mtime_ns)
            entries[old.path] = old  # its own path, not the scan's copy: that one goes with the scan
        total = len(entries)
        folders = unreadable_folders(unreadable)
        entries.update(folders)
        gone = [path for path in self._entries if path not in entries]
        if gone:
            self._unstore(gone)
        self._entries = entries
        todo.sort(reverse=True)
        paths = [entries[path].path for _, path in todo]
        self._fresh += [*paths, *folders]  # (newest first: as they are shown)
        return paths, total

    def _parse(
        self,
        paths: list[str],
        progress: Callable[[Snapshot], None] | None,
        every: float,
        stop: threading.Event | None,
        total: int,
    ) -> None:
        from digesttui.rows import light

        batch: list[Digest] = []
        last = time.monotonic()
        for digest, stored in parse_all(paths, self.limit, self.catalog.path):
            if stop is not None and stop.is_set():
                break
            if not stored:
                batch.append(digest)
            self._enter(digest if stored else light(digest))
            shown = progress is not None and time.monotonic() - last > every
            if len(batch) >= BATCH or shown:
                self._store(batch)  # before it is shown: the detail pane reads its items there
                batch = []
            if progress is not None and shown:
                start = time.thread_time()
                progress(self._snapshot(complete=False, total=total))
                cost = time.thread_time() - start
                last = time.monotonic()
                # A snapshot costs the library's size, here and again on the screen's side: at
                # 100,000 rows, one every 0.3 s left the parse a fifth of the time. (Its cost is
                # this thread's own time: the screen's, on the interpreter lock meanwhile, is not.)
                if every > 0:  # (0 or less: after every file, as tests ask)
                    every = max(every, SNAPSHOT_SHARE * cost)
        self._store(batch)

    def _store(self, digests: list[Digest]) -> None:
        """Digests into the catalog (a file gone meanwhile too: the next scan takes it out)."""
        with contextlib.suppress(_catalog_error()):  # a catalog that cannot be written only costs speed
            self.catalog.put(digests)

    def _unstore(self, paths: list[str]) -> None:
        with contextlib.suppress(_catalog_error()):
            self.catalog.remove(paths)

    def _snapshot(
        self, complete: bool = True, total: int | None = None, heads: dict[str, tuple[Item, ...]] | None = None
    ) -> Snapshot:
        digests = in_newest_order(self._in_shown_order())
        shared = shared_titles(digests)
        if shared:
            self._lead(digests, shared)
        self._shown = tuple(digests)
        notice, self._notice = self._notice, ""
        self._seq += 1
        return Snapshot(
            digests=self._shown,
            roots=self.roots,
            missing_roots=tuple(r for r in self.roots if not os.path.exists(r)),
            complete=complete,
            total=len(digests) if total is None else total,
            notice=notice,
            pending=sum(d.pending for d in digests) if not complete else 0,
            seq=self._seq,
            heads=heads or {},
            shared=shared,
            items=sum(d.count for d in digests),
        )

    def _in_shown_order(self) -> list[Digest]:
        """The entries in the last snapshot's order, then those entered since: what
        `in_newest_order` sorts fastest (~11 ms at 100,000 digests; in the dict's order, scan
        order, ~45 ms in one call: the screen waited that long while a library loaded)."""
        entries, fresh = self._entries, dict.fromkeys(self._fresh)
        self._fresh = []
        ordered = [e for d in self._shown if d.path not in fresh and (e := entries.get(d.path)) is not None]
        ordered += [e for path in fresh if (e := entries.get(path)) is not None]
        return ordered if len(ordered) == len(entries) else list(entries.values())  # (some entered otherwise)

    def _lead(self, digests: list[Digest], shared: frozenset[str]) -> None:
        """The first headline, from the catalog, for the digests whose title is shared: the list
        shows it then (as `Catalog.rows` gives it); the others hold none (`light`: at 100,000
        digests of different titles, a cold load in-process 136 -> 124 MiB)."""
        lacking = [i for i, d in enumerate(digests) if d.title in shared and d.count and not d.lead]
        if not lacking:
            return
        with contextlib.suppress(_catalog_error()):  # without, the list shows the title
            leads = self.catalog.leads([digests[i].path for i in lacking])
            for i in lacking:
                if lead := leads.get(digests[i].path):
                    digests[i] = self._entries[digests[i].path] = digests[i].replace(lead=lead)

    # --- live changes ---

    def apply(self, paths: Iterable[str], settle: bool = False) -> Snapshot | None:
        """Bring the given paths (files or folders, changed, added or gone) up to date; the
        snapshot then, None if nothing changed (the watcher's first look at a whole root after
        the load, say: at 100,000 digests a snapshot made for nothing took ~100 ms).

        Order-independent: each path is looked at as it is now. With `settle`, a file written less
        than `SETTLE_SECONDS` ago that does not parse is held back (see `due`) rather than showing
        a half-written file's error; it is listed once it parses or stops changing.
        """
        with self._lock:
            before = self._generation
            changed: dict[str, Digest | None] = {}
            for path in {os.path.abspath(p) for p in paths}:
                self._refresh(path, settle, changed)
            indexed = False
            with contextlib.suppress(_catalog_error()):
                indexed = bool(changed) and self.catalog.indexed()
            self._store([d for d in changed.values() if d is not None])
            gone = [p for p, d in changed.items() if d is None]
            if gone:
                self._unstore(gone)
            if indexed:  # the change's items (else the index's build, under way, takes them too)
                self.index()
            return self._snapshot() if self._generation != before else None

    def snapshot(self) -> Snapshot:
        """What the library holds now."""
        with self._lock:
            return self._snapshot()

    def due(self) -> list[str]:
        """Held-back paths whose settle time is over."""
        now = time.monotonic()
        with self._lock:
            return [p for p, deadline in self._pending.items() if deadline <= now]

    def _refresh(self, path: str, settle: bool, changed: dict[str, Digest | None]) -> None:
        try:
            st = os.stat(path)
        except OSError:
            st = None
        is_dir = st is not None and stat.S_ISDIR(st.st_mode)
        kept: set[str] = set()
        if st is not None and not is_dir:
            if path in self.roots or (stat.S_ISREG(st.st_mode) and is_digest_name(path)):
                self._refresh_file(path, st, settle, changed)  # a root that is not a regular file gets its error
                kept.add(path)
        elif is_dir:  # looked at afresh: what is no longer under it goes
            unreadable: list[tuple[str, str]] = []
            for found, found_st in scan(path, unreadable):
                self._refresh_file(found, found_st, settle, changed)
                # the entry's own path, not the scan's copy (11 MiB at 100,000 files)
                kept.add(entry.path if (entry := self._entries.get(found)) is not None else found)
            for folder, digest in unreadable_folders(unreadable).items():
                if self._entries.get(folder) != digest:  # listed with its reason; not a file for the catalog
                    self._entries[folder] = digest
                    self._fresh.append(folder)
                    self._generation += 1
                kept.add(folder)
        # gone: the path itself (a file deleted, or one no longer a digest: a FIFO put in its
        # place), or what was under it and is not any more
        prefix = path.rstrip(os.sep) + os.sep
        for gone in [p for p in self._entries if (p == path or p.startswith(prefix)) and p not in kept]:
            self._put(gone, None, changed)
        for gone in [p for p in self._pending if (p == path or p.startswith(prefix)) and p not in kept]:
            self._pending.pop(gone)

    def _refresh_file(self, path: str, st: os.stat_result, settle: bool, changed: dict[str, Digest | None]) -> None:
        old = self._entries.get(path)
        if old is not None and old.stamp == stamp_of(st.st_size, st.st_mtime_ns) and path not in self._pending:
            return
        digest = read_digest(path, st, self.limit)
        fresh = time.time() - st.st_mtime < SETTLE_SECONDS
        if digest.has_error and settle and fresh:
            self._pending[path] = time.monotonic() + SETTLE_SECONDS
            return
        self._pending.pop(path, None)
        self._put(path, digest, changed)

    def _enter(self, digest: Digest) -> None:
        """A light digest into the list, keyed by its own path: a key that is another copy of it
        (the scan's) would keep that copy alive (9 MiB at 100,000 files)."""
        self._entries.pop(digest.path, None)
        self._entries[digest.path] = digest
        self._fresh.append(digest.path)

    def _put(self, path: str, digest: Digest | None, changed: dict[str, Digest | None]) -> None:
        """Add, replace or (None) remove one entry; the catalog follows at the end of the batch."""
        from digesttui.rows import light

        if digest is None:
            del self._entries[path]
        else:
            self._enter(light(digest))
        changed[path] = digest
        self._generation += 1
