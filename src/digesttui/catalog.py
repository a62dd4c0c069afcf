"""The catalog: every parsed digest, in SQLite (the standard library's `sqlite3`, WAL) in the
user's cache folder, so that start-up reads only what the first screen shows and a changed file
updates its own rows.

- `digests`: one row per file: what the digest list shows (title, date, categories, problems,
  item count) and its items' keys (`Digest.keys`: what unread counts need). `rows()` and
  `newest()` read only these: light digests, no items in hand (~700 bytes a digest).
- `items`: one row per item, in full (summary, links). `heads(paths)` reads what the item list
  shows of a few digests (number, headline, link, section); `digest(path)` reads one in full,
  for the detail pane, copying, the link picker.
- Blobs are `marshal`'s plain values: they can hold no code. The file is used only if this user
  alone could have written it.

A catalog of another schema, another program version, or one that cannot be read is rebuilt
(the files removed, made anew), with a notice for the damaged ones. WAL lets two readers share
one catalog; every change is one transaction, so a kill at any moment leaves the last committed
state. Pure Python, no Textual.
"""

from __future__ import annotations

import contextlib
import glob
import marshal
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from itertools import starmap
from typing import Any, Protocol

from digesttui import __version__, finding
from digesttui.files import owned_privately, private_folder
from digesttui.finding import spaced
from digesttui.model import SHARED_TITLE, Digest, Item, Link
from digesttui.rows import ROW, item_row, light_row, row_of

SCHEMA = 5
APPLICATION_ID = 0x44475455  # "DGTU": a file with another id is not ours
_TABLES = (
    "CREATE TABLE info (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE digests (
        id INTEGER PRIMARY KEY,
        path TEXT UNIQUE NOT NULL,
        label TEXT NOT NULL, title TEXT NOT NULL, date TEXT, sort_key REAL NOT NULL, timed INTEGER NOT NULL,
        categories BLOB NOT NULL, tags BLOB NOT NULL, problems BLOB NOT NULL,
        size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, description TEXT NOT NULL,
        overview TEXT NOT NULL, count INTEGER NOT NULL, keys BLOB NOT NULL, lead TEXT NOT NULL)""",
    "CREATE INDEX digests_newest ON digests (sort_key DESC, path)",
    "CREATE INDEX digests_title ON digests (title)",
    """CREATE TABLE items (
        id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never used again: the search index goes by it
        digest INTEGER NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
        n INTEGER NOT NULL, title TEXT NOT NULL, url TEXT, links BLOB NOT NULL, summary TEXT NOT NULL,
        section TEXT NOT NULL,
        shown TEXT NOT NULL,  -- what the detail pane shows: searched (`inline.visible`)
        targets TEXT NOT NULL  -- where its links lead: searched by a query that looks like a link
    )""",
    "CREATE INDEX items_of ON items (digest, n)",
    # the search index: every three characters of what each item shows, spaced out (`finding.spaced`:
    # a word of one or two characters is three or five then); no copy of the text, no positions:
    # asked for a word's pairs of characters (`finding._match`), it gives the items that may hold it, and
    # LIKE looks at their text
    "CREATE VIEW items_spaced AS SELECT id, spaced(shown) AS shown FROM items",
    "CREATE VIRTUAL TABLE items_text USING fts5"
    "(shown, content = 'items_spaced', content_rowid = 'id', tokenize = 'trigram', detail = 'none')",
    "INSERT INTO info (key, value) VALUES ('indexed', '0')",
)
INDEX_CHUNK = 1000
"""Items indexed a transaction: what a writer (a new digest) may wait for."""


class Stop(Protocol):
    """What says a long write should stop (a `threading.Event`)."""

    def is_set(self) -> bool: ...


def catalog_path(cache_dir: str, key: str) -> str:
    return os.path.join(cache_dir, f"catalog-{key}.sqlite")


def remove_leftovers(cache_dir: str) -> None:
    """Files earlier versions left in the cache folder: their parse caches (pickle, marshal), and
    the temporary files of saves a kill interrupted (nothing ever removed those), and of the read
    marks' keys (`State.keep_keys`) likewise."""
    patterns = ("library-*.pickle", "library-*.cache", "library-*.tmp", "library-*.pickle.*", "library-*.cache.*")
    for pattern in (*patterns, "marks-*.keys.*.tmp"):
        for path in glob.glob(os.path.join(glob.escape(cache_dir), pattern)):
            with contextlib.suppress(OSError):
                os.remove(path)


class Catalog:
    """One catalog file (or, with `path` None, one in memory: `--no-cache`, tests)."""

    def __init__(self, path: str | None, over: sqlite3.Connection | None = None) -> None:
        """`over`: a connection open on `path` already (`reading`), for everything; the folder
        and the file are left as they are."""
        self.notice = ""
        """Something to tell the user once: the catalog was damaged and rebuilt, or not used."""
        if over is None and path is not None and os.path.exists(path) and not owned_privately(path):
            self.notice = f"Not using the catalog {path}: someone else could have written it."
            path = None
        self.path = path
        self._lock = threading.Lock()
        """Serialises the writer connection (the library's worker writes, the UI's workers read)."""
        if path is not None and over is None:
            private_folder(os.path.dirname(path))
            remove_leftovers(os.path.dirname(path))
        self._db = over or self._open(path)
        if path is None or over is not None:  # one connection for everything (in memory: the only one)
            self._reader = self._searcher = self._db
            self._read_lock = self._search_lock = self._lock
        else:  # a reader and a searcher of their own, each serialised by its lock
            self._reader, self._searcher = _connect(path), _connect(path)
            self._read_lock, self._search_lock = threading.Lock(), threading.Lock()
        self._typed = 0
        """When the newest query searched for was typed (`search`)."""
        self._typed_lock = threading.Lock()

    # --- opening -------------------------------------------------------------------------------

    def _open(self, path: str | None) -> sqlite3.Connection:
        if path is None:
            db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
            db.create_function("spaced", 1, spaced, deterministic=True)
            _create(db)
            return db
        try:
            db = _connect(path)
            if _usable(db):
                return db
            db.close()
            why = ""  # another version's or schema's: rebuilt without a word
        except sqlite3.DatabaseError as exc:
            why = f"Rebuilt the catalog: {path} could not be read ({exc})."
        except OSError as exc:
            why = f"Rebuilt the catalog: {path} could not be opened ({exc.strerror or exc})."
        self.notice = self.notice or why
        for name in (path, f"{path}-wal", f"{path}-shm", f"{path}-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(name)
        db = _connect(path)
        _create(db)
        return db

    def close(self) -> None:
        with self._lock:
            if self._reader is not self._db:
                self._reader.close()
                self._searcher.close()
            self._db.close()

    # --- reading ---------------------------------------------------------------------------------

    def rows(self) -> Iterator[Digest]:
        """Every digest, light, newest first; its `lead` only where `SHARED_TITLE` or more
        digests share its title (the list shows it then)."""
        shared = f"SELECT title FROM digests GROUP BY title HAVING count(*) >= {SHARED_TITLE}"
        with self._own_reader() as db:
            cursor = db.execute(
                f"SELECT {ROW}, CASE WHEN title IN ({shared}) THEN lead ELSE '' END"
                " FROM digests ORDER BY sort_key DESC, path"
            )
            while chunk := cursor.fetchmany(2000):
                yield from map(light_row, chunk)

    @contextlib.contextmanager
    def _own_reader(self) -> Iterator[sqlite3.Connection]:
        """A connection for a long read (the whole catalog), so that the detail pane's short
        reads need not wait for it: a file's own (WAL: it reads the last commit), else the one."""
        if self.path is None:
            with self._read_lock:
                yield self._reader
        else:
            with contextlib.closing(_connect(self.path)) as db:
                yield db

    def newest(self, count: int) -> list[Digest]:
        """The newest `count` digests, light: what the first screen shows."""
        with self._read_lock:
            query = f"SELECT {ROW}, lead FROM digests ORDER BY sort_key DESC, path LIMIT ?"
            return [light_row(row) for row in self._reader.execute(query, (count,))]

    def digest(self, path: str) -> Digest | None:
        """A digest in full: its items with their summaries and links, its overview."""
        with self._read_lock:
            query = f"SELECT id, overview, {ROW}, lead FROM digests WHERE path = ?"
            row = self._reader.execute(query, (path,)).fetchone()
            if row is None:
                return None
            query = "SELECT n, title, url, links, summary, section FROM items WHERE digest = ? ORDER BY n"
            items = self._reader.execute(query, (row[0],)).fetchall()
        light = light_row(row[2:])
        full = tuple(
            Item(n, t, url, tuple(starmap(Link, marshal.loads(links))), s, sec) for n, t, url, links, s, sec in items
        )
        return light.replace(items=full, overview=row[1])

    def heads(self, paths: Sequence[str]) -> dict[str, tuple[Item, ...]]:
        """What the item list shows of the items of these digests (no summaries, no links); a
        digest the catalog lacks is left out."""
        found: dict[str, list[Item]] = {}
        with self._read_lock:
            for start in range(0, len(paths), 500):
                chunk = paths[start : start + 500]
                query = (
                    "SELECT d.path, i.n, i.title, i.url, i.section FROM digests d JOIN items i ON i.digest = d.id"
                    f" WHERE d.path IN ({','.join('?' * len(chunk))}) ORDER BY d.path, i.n"
                )
                for path, n, title, url, section in self._reader.execute(query, chunk):
                    found.setdefault(path, []).append(_head(n, title, url, section))
        return {path: tuple(items) for path, items in found.items()}

    def leads(self, paths: Sequence[str]) -> dict[str, str]:
        """The first headline of these digests (what the list shows of a digest whose title
        others share); a digest the catalog lacks is left out."""
        found: dict[str, str] = {}
        with self._read_lock:
            for start in range(0, len(paths), 500):
                chunk = paths[start : start + 500]
                query = f"SELECT path, lead FROM digests WHERE path IN ({','.join('?' * len(chunk))})"
                found.update(self._reader.execute(query, chunk))
        return found

    def search(
        self, words: Sequence[str], links: bool, limit: int, typed: int = 0
    ) -> list[tuple[float, str, Item, str]]:
        """Items that hold every word (lowered), newest digest first, at most `limit`: (the
        digest's sort key and path, the item's head, what it shows). With `links`, the links'
        targets are searched too. Which way they are found: `finding.find`.

        `typed`: when the query was typed (`time.monotonic_ns`; 0: not said). The first search of
        a query typed later stops the one running; a search of a query typed earlier gives
        nothing at once. (A query's second search, for the rest of its hits, stopped the search
        of the query typed after it: "Nothing found" for a word in one item in twenty.)"""
        with self._typed_lock:
            if typed and typed < self._typed:
                return []  # a newer query has been searched for
            newer, self._typed = typed > self._typed or not typed, max(typed, self._typed)
        if newer and self._searcher is not self._db:
            self._searcher.interrupt()  # a search still running is for an older query: it stops
        with self._search_lock:
            db = self._searcher
            for _ in range(2):
                try:
                    rows = finding.find(db, words, links, limit, *_index_state(db))
                    break
                except sqlite3.OperationalError as exc:
                    if "interrupted" not in str(exc):
                        raise
                    if not typed or typed < self._typed:
                        return []  # a newer query stopped this one
                    # still the newest: stopped by its own stop of an older one, which was ending
            else:
                return []
        rows.sort(key=lambda r: (-r[0], r[1], r[2]))
        return [(key, path, _head(n, title, url, section), shown) for key, path, n, title, url, section, shown in rows]

    def whole(self) -> bool:
        """Whether the file and the search index are whole (SQLite's and FTS5's own checks; the
        index against the items too once it holds them all)."""
        with self._lock:
            done, top = _index_state(self._db)
            against = int(done >= top)
            try:
                self._db.execute("INSERT INTO items_text (items_text, rank) VALUES ('integrity-check', ?)", (against,))
            except sqlite3.DatabaseError:
                return False
            return bool(self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    def indexed(self) -> bool:
        """Whether the search index holds every item."""
        return self.unindexed() == 0

    def unindexed(self) -> int:
        """About how many items the search index lacks (ids, of which a few may be gone)."""
        with self._read_lock:
            done, top = _index_state(self._reader)
        return max(0, top - done)

    # --- writing -----------------------------------------------------------------------------------

    def index(self, stop: threading.Event | None = None) -> bool:
        """Put the items not in the search index yet into it (`build_index`); whether all are in now."""
        return build_index(self._db, stop, self._lock)

    def put(self, digests: Iterable[Digest]) -> None:
        """Add or replace digests (parsed in full), in one transaction."""
        with self._lock:
            store(self._db, digests)

    def remove(self, paths: Iterable[str]) -> None:
        with self._lock, _transaction(self._db) as db:
            for path in paths:
                _unindex(db, path)
                db.execute("DELETE FROM digests WHERE path = ?", (path,))


def build_index(
    db: sqlite3.Connection,
    stop: Stop | None = None,
    lock: contextlib.AbstractContextManager[Any] | None = None,
    pause: float = 0.005,
) -> bool:
    """Put the items not in the search index yet into it, `INDEX_CHUNK` a transaction (holding
    `lock`, a writer's of this process, for each); whether all are in now. Run after the catalog
    is built (`indexjob`: apart) and after each change."""
    lock = lock or contextlib.nullcontext()
    wrote = 0
    while stop is None or not stop.is_set():
        with lock, _transaction(db):
            done, top = _index_state(db)
            if done >= top:
                break
            upto = min(top, done + INDEX_CHUNK)
            query = "INSERT INTO items_text (rowid, shown) SELECT id, shown FROM items_spaced WHERE id > ? AND id <= ?"
            db.execute(query, (done, upto))
            db.execute("UPDATE info SET value = ? WHERE key = 'indexed'", (str(upto),))
            wrote += 1
        time.sleep(pause)  # a writer waiting (a new digest) gets the lock: it is not fair
    if wrote > 10:  # the write-ahead log, grown by the whole index (~100 MB at 10,000 digests), folded in
        with lock, contextlib.suppress(sqlite3.OperationalError):
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with lock:
        done, top = _index_state(db)
    return done >= top


def store(db: sqlite3.Connection, digests: Iterable[Digest]) -> list[tuple[Any, ...]]:
    """Add or replace digests (parsed in full), in one transaction; their rows as the list holds
    them (`light_row`)."""
    rows = []
    with _transaction(db):
        for digest in digests:
            _unindex(db, digest.path)
            db.execute("DELETE FROM digests WHERE path = ?", (digest.path,))
            row = row_of(digest)
            cursor = db.execute(f"INSERT INTO digests ({ROW}, lead, overview) VALUES ({','.join('?' * len(row))})", row)
            db.executemany(
                "INSERT INTO items (digest, n, title, url, links, summary, section, shown, targets)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                [(cursor.lastrowid, *item_row(i)) for i in digest.items],
            )
            rows.append((*row[:-2], ""))  # no first headline: see `rows.light`
    return rows


def _index_state(db: sqlite3.Connection) -> tuple[int, int]:
    """The highest item id in the search index (every one below it is too), and the highest."""
    done = int(db.execute("SELECT value FROM info WHERE key = 'indexed'").fetchone()[0])
    return done, db.execute("SELECT max(id) FROM items").fetchone()[0] or 0


def _head(n: int, title: str, url: str | None, section: str) -> Item:
    """An item as the item list shows it: no summary, no links."""
    return Item(n, title, url, (), "", sys.intern(section))


def _unindex(db: sqlite3.Connection, path: str) -> None:
    """A digest's items out of the search index (those in it), before its rows go: an index of
    FTS5 over a table of its own is told what to take out, with the text it took in."""
    db.execute(
        "INSERT INTO items_text (items_text, rowid, shown) SELECT 'delete', i.id, spaced(i.shown) FROM items i"
        " WHERE i.digest = (SELECT id FROM digests WHERE path = ?)"
        " AND i.id <= (SELECT CAST(value AS INTEGER) FROM info WHERE key = 'indexed')",
        (path,),
    )


def _connect(path: str, uri: bool = False) -> sqlite3.Connection:
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=5, uri=uri)
    db.create_function("spaced", 1, spaced, deterministic=True)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")  # WAL: a power cut may lose the last commits, never the file
    db.execute("PRAGMA foreign_keys = ON")
    return db


def _usable(db: sqlite3.Connection) -> bool:
    """Whether a catalog is ours, of this schema and this program's version (another version may
    parse differently: its rows are parsed again). An empty file is made ours."""
    if (
        db.execute("PRAGMA application_id").fetchone()[0] == 0
        and not db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    ):
        _create(db)
        return True
    if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise sqlite3.DatabaseError("it is not a digest-tui catalog")
    return _current(db)


def _current(db: sqlite3.Connection) -> bool:
    """Whether a catalog of ours is of this schema and this program's version."""
    if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
        return False
    row = db.execute("SELECT value FROM info WHERE key = 'version'").fetchone()
    return row is not None and row[0] == __version__


def reading(path: str) -> Catalog | None:
    """The catalog at `path`, read-only, for a process apart (the first screen, read while the
    reader starts: `cli.read_ahead`), if it is there, ours, current and this user's alone (as
    `Catalog` requires). Read-only: it never writes, nor folds the write-ahead log into the file
    as it closes (a log the last reader left unfolded was folded in before the first screen was
    sent: the bench's start after a cold one, 10k-100k digests)."""
    db = _for_a_child(path, "ro") if owned_privately(path) else None
    return None if db is None else Catalog(path, over=db)


def writer(path: str) -> sqlite3.Connection | None:
    """A connection that writes the catalog at `path`, for a child process that works for the
    reader (`parsejob`, `indexjob`)."""
    return _for_a_child(path, "rw")


def _for_a_child(path: str, mode: str) -> sqlite3.Connection | None:
    """A connection to the catalog at `path` (`mode` "rw" or "ro") if the file is there, ours
    and current: a child never makes or rebuilds one (the reader does, or decides not to keep one)."""
    import urllib.parse

    with contextlib.suppress(sqlite3.Error):
        db = _connect(f"file:{urllib.parse.quote(path)}?mode={mode}", uri=True)
        if db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID and _current(db):
            return db
        db.close()
    return None


def _create(db: sqlite3.Connection) -> None:
    """The tables, in one transaction: all of them, or (a kill) none."""
    with _transaction(db):
        for statement in _TABLES:
            db.execute(statement)
        db.execute("INSERT INTO info (key, value) VALUES ('version', ?)", (__version__,))
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA}")


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
