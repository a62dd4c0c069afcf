"""The catalog: light rows for the lists, full items on demand, one transaction per change,
rebuilt when damaged, foreign or of another version, shared by two readers, whole after a kill."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from digesttui.catalog import Catalog
from digesttui.library import Library
from digesttui.scan import parse_roots
from tests.conftest import bump_mtime, digest_text, write

ONE = ("One", "https://one.example")
TWO = ("Two", "https://two.example")


def library_with(tmp_path: Path, count: int = 3) -> tuple[Path, Path]:
    docs, cache = tmp_path / "docs", tmp_path / "cache"
    for n in range(count):
        write(docs, f"2025-01-{n + 1:02}.md", digest_text(f"D{n}", f"2025-01-{n + 1:02}", ONE, TWO))
    return docs, cache


def catalog_file(cache: Path) -> Path:
    (found,) = cache.glob("catalog-*.sqlite")
    return found


def test_the_lists_hold_light_digests_and_the_catalog_gives_them_in_full(tmp_path: Path) -> None:
    docs, cache = library_with(tmp_path)
    library = Library([str(docs)], str(cache))
    snapshot = library.load()
    full = {d.path: d for d in parse_roots([str(docs)])}
    heads = library.heads(list(snapshot.digests))
    for digest in snapshot.digests:
        whole = full[digest.path]
        assert digest.items == () and (digest.count, digest.keys) == (whole.count, whole.keys)  # light
        assert [(i.n, i.title, i.url, i.section) for i in heads[digest.path]] == [
            (i.n, i.title, i.url, i.section) for i in whole.items
        ]
        assert all(i.summary == "" and i.links == () for i in heads[digest.path])
        assert library.full(digest) == whole  # and whole again, from the catalog
    library.close()
    again = Library([str(docs)], str(cache))
    assert again.load().digests == snapshot.digests
    assert [d.title for d in again.catalog.newest(2)] == ["D2", "D1"]


def test_a_changed_file_replaces_its_own_rows(tmp_path: Path) -> None:
    docs, cache = library_with(tmp_path)
    library = Library([str(docs)], str(cache))
    library.load()
    changed = docs / "2025-01-02.md"
    changed.write_text(digest_text("Changed", "2025-01-02", ("Three", "https://three.example")))
    bump_mtime(changed)
    library.apply([str(changed)])
    gone = docs / "2025-01-03.md"
    gone.unlink()
    library.apply([str(gone)])
    rows = {Path(d.path).name: d for d in library.catalog.rows()}
    assert sorted(rows) == ["2025-01-01.md", "2025-01-02.md"]
    assert [i.title for i in library.full(rows["2025-01-02.md"]).items] == ["Three"]
    with sqlite3.connect(catalog_file(cache)) as db:  # no rows of the old version left behind
        assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 2 + 1


def test_two_readers_share_one_catalog(tmp_path: Path) -> None:
    docs, cache = library_with(tmp_path, 40)
    results: list[int] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            results.append(len(Library([str(docs)], str(cache)).load().digests))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and results == [40, 40]
    assert len(list(Catalog(str(catalog_file(cache))).rows())) == 40


def test_a_damaged_foreign_or_older_catalog_is_rebuilt(tmp_path: Path) -> None:
    docs, cache = library_with(tmp_path)
    Library([str(docs)], str(cache)).load()
    path = catalog_file(cache)
    for name in (f"{path}-wal", f"{path}-shm"):
        Path(name).unlink(missing_ok=True)

    path.write_bytes(b"not a database" * 1000)
    damaged = Library([str(docs)], str(cache)).load()
    assert len(damaged.digests) == 3 and "could not be read" in damaged.notice

    path.unlink()
    with sqlite3.connect(path) as db:  # someone else's SQLite file, where ours should be
        db.execute("CREATE TABLE notes (text TEXT)")
    foreign = Library([str(docs)], str(cache)).load()
    assert len(foreign.digests) == 3 and "not a digest-tui catalog" in foreign.notice

    with sqlite3.connect(path) as db:  # an older schema: rebuilt without a word
        db.execute("PRAGMA user_version = 0")
    older = Library([str(docs)], str(cache)).load()
    assert len(older.digests) == 3 and not older.notice


def test_leftovers_of_earlier_versions_are_removed(tmp_path: Path) -> None:
    docs, cache = library_with(tmp_path)
    cache.mkdir(mode=0o700)
    left = ("library-abc.cache", "library-abc.pickle", "library-abc.cache.123.456.tmp", "library-x.pickle.tmp")
    for name in (*left, "marks-0123456789abcdef.keys.123.456.tmp"):  # (the read marks' keys, half written)
        (cache / name).write_bytes(b"x" * 1000)
    (cache / "unrelated.txt").write_text("kept")
    (cache / "marks-0123456789abcdef.keys").write_text("kept")
    Library([str(docs)], str(cache)).load()
    kept = sorted(p.name for p in cache.iterdir() if not p.name.startswith("catalog-"))
    assert kept == ["marks-0123456789abcdef.keys", "unrelated.txt"]


KILLED = """
import sys
from digesttui.library import Library
library = Library([sys.argv[1]], sys.argv[2])
library.load()
library.index()
"""


def _written(cache: Path, prefix: str) -> int:
    """Digests of this round in the catalog, as another reader sees them (0 before it exists)."""
    if not list(cache.glob("catalog-*.sqlite")):
        return 0
    with contextlib.closing(sqlite3.connect(catalog_file(cache), timeout=5)) as db:
        try:
            return int(db.execute("SELECT count(*) FROM digests WHERE title LIKE ?", (prefix + "%",)).fetchone()[0])
        except sqlite3.OperationalError:  # the tables not made yet
            return 0


def test_a_kill_at_any_moment_leaves_a_usable_catalog_and_no_stray_files(tmp_path: Path) -> None:
    docs, cache = library_with(tmp_path, 0)
    count = 1500
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    partial = []
    for round, after in enumerate((0.0, 0.0, 0.05, 0.1, 0.2)):
        for n in range(count):  # every file new again: all of it to parse and write
            write(docs, f"d{n:04}.md", digest_text(f"R{round} D{n}", f"2025-01-01T{n % 24:02}:00:00", ONE, TWO))
        child = subprocess.Popen([sys.executable, "-c", KILLED, str(docs), str(cache)], env=env)
        deadline = time.monotonic() + 60
        while _written(cache, f"R{round} ") == 0 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)  # killed once it has started writing, and `after` seconds later
        time.sleep(after)
        child.send_signal(signal.SIGKILL)
        child.wait()
        catalog = Catalog(str(catalog_file(cache)))
        rows = list(catalog.rows())  # it opens, reads, and is whole
        assert catalog.whole()
        catalog.close()
        written = sum(d.title.startswith(f"R{round} ") for d in rows)
        partial.append(0 < written < count)
        assert [p.name for p in cache.iterdir() if not p.name.startswith("catalog-")] == []
    assert any(partial), "no kill came in the middle of writing: the test tested nothing"
    snapshot = Library([str(docs)], str(cache)).load()
    assert len(snapshot.digests) == count and not snapshot.notice
    assert all(not d.pending and d.count == 2 and d.title.startswith("R4 ") for d in snapshot.digests)


def test_without_a_cache_folder_the_catalog_lives_in_memory(tmp_path: Path) -> None:
    docs, _ = library_with(tmp_path)
    library = Library([str(docs)])
    snapshot = library.load()
    assert library.catalog.path is None and len(snapshot.digests) == 3
    assert library.full(snapshot.digests[0]).items[0].summary == "Summary of **One**."
    assert not list(tmp_path.glob("**/catalog-*"))


def test_what_a_snapshot_shows_is_in_the_catalog_already(tmp_path: Path) -> None:
    """The detail pane reads an item's summary from the catalog: a digest shown before its rows
    are written would show without it."""
    docs, cache = library_with(tmp_path, 30)
    library = Library([str(docs)], str(cache))
    missing: list[str] = []

    def progress(snapshot) -> None:  # type: ignore[no-untyped-def]
        for digest in snapshot.digests:
            if not digest.pending and library.catalog.digest(digest.path) is None:
                missing.append(digest.path)

    library.load(progress=progress, every=-1)
    assert missing == []


def test_a_cache_folder_that_cannot_be_written_only_costs_speed(tmp_path: Path) -> None:
    docs, _ = library_with(tmp_path)
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    library = Library([str(docs)], str(blocked))
    snapshot = library.load()
    assert len(snapshot.digests) == 3 and "Not keeping a catalog" in snapshot.notice
    assert library.full(snapshot.digests[0]).items[0].summary == "Summary of **One**."


def test_a_digest_the_catalog_lacks_is_read_from_its_file(tmp_path: Path) -> None:
    docs, cache = library_with(tmp_path)
    library = Library([str(docs)], str(cache))
    row = library.load().digests[0]
    library.catalog.remove([row.path])  # say another reader held the catalog when it was written
    assert library.full(row).items[1].summary == "Summary of **Two**."


def test_the_search_index_finds_what_the_scan_finds_and_follows_changes(tmp_path: Path, monkeypatch) -> None:
    docs = tmp_path / "docs"
    stories = [("量子计算突破", "https://q.example"), ("OpenAI 发布 o5_mini", "https://o.example"), TWO]
    for n in range(6):
        write(docs, f"2025-01-{n + 1:02}.md", digest_text(f"D{n}", f"2025-01-{n + 1:02}", *stories[n % 3 :]))
    library = Library([str(docs)], str(tmp_path / "cache"))
    library.load()
    catalog = library.catalog
    queries = [["量子计算"], ["openai"], ["o5_mini"], ["summary", "two"], ["量子"], ["量"], ["o"], ["不在"]]
    queries += [["**量子"], ["100%"], ['"a']]  # marks of LIKE and of FTS5's queries

    def found(words: list[str]) -> list[tuple[str, int]]:
        return [(path, item.n) for _, path, item, _ in catalog.search(words, False, 100)]

    scanned = {tuple(q): found(q) for q in queries}  # the index is not built yet: a scan
    assert scanned[("量子计算",)] and scanned[("o5_mini",)] and not scanned[("不在",)]
    assert library.catalog.index()
    assert {tuple(q): found(q) for q in queries} == scanned  # few, and likely among the newest: scanned
    monkeypatch.setattr("digesttui.finding.SCANNED", 0)
    assert {tuple(q): found(q) for q in queries} == scanned  # few, and not likely: read, sorted
    monkeypatch.setattr("digesttui.finding.FEW", 0)
    assert {tuple(q): found(q) for q in queries} == scanned  # more: a scan from the newest, in time
    monkeypatch.setattr("digesttui.finding._within", lambda *_: None)  # the scan too slow
    monkeypatch.setattr("digesttui.finding.COMMON", 1)
    assert {tuple(q): found(q) for q in queries} == scanned  # the index's, looked up newest first
    monkeypatch.setattr("digesttui.finding.COMMON", 10**9)
    assert {tuple(q): found(q) for q in queries} == scanned  # in most items: scanned after all
    # a changed file's old text leaves the index, its new text comes in with the change
    changed = docs / "2025-01-01.md"
    changed.write_text(digest_text("D0", "2025-01-01", ("Neutrino 观测", "https://n.example")))
    bump_mtime(changed)
    library.apply([str(changed)])
    (docs / "2025-01-04.md").unlink()
    library.apply([str(docs / "2025-01-04.md")])
    assert catalog.indexed()  # the change's items went in with it
    assert [path for path, _ in found(["neutrino"])] == [str(changed)]
    assert len(found(["量子计算"])) == len(scanned[("量子计算",)]) - 2  # D0's and D3's gone
    assert catalog.whole()
    library.close()


def test_a_cold_start_of_many_files_is_stored_by_the_children_that_parse_them(tmp_path: Path, monkeypatch) -> None:
    """The child processes put what they parse into the catalog and give back only the rows the
    list holds; what the reader then holds and reads is what parsing here gives."""
    from digesttui.scan import SUBPROCESS_THRESHOLD

    docs, cache = library_with(tmp_path, SUBPROCESS_THRESHOLD + 30)
    write(docs, "broken.md", b"\xff")
    library = Library([str(docs)], str(cache))
    stored_here: list[str] = []
    put = Catalog.put
    monkeypatch.setattr(Catalog, "put", lambda self, ds: put(self, [stored_here.append(d.path) or d for d in ds]))
    snapshot = library.load()
    assert stored_here == []  # the children stored them all
    full = {d.path: d for d in parse_roots([str(docs)])}
    assert len(snapshot.digests) == len(full) == SUBPROCESS_THRESHOLD + 31
    for digest in snapshot.digests:
        assert digest.items == () and library.full(digest) == full[digest.path]
    with sqlite3.connect(catalog_file(cache)) as db:
        assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 2 * (SUBPROCESS_THRESHOLD + 30)
    library.close()
    assert Library([str(docs)], str(cache)).load().digests == snapshot.digests  # as read back


def test_a_child_writes_only_a_current_catalog_of_ours_and_else_gives_the_digests_back(tmp_path: Path) -> None:
    import pickle

    from digesttui.catalog import writer

    docs, cache = library_with(tmp_path, 2)
    Library([str(docs)], str(cache)).load()
    ours = catalog_file(cache)
    foreign = tmp_path / "foreign.sqlite"
    with contextlib.closing(sqlite3.connect(foreign)) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    missing = tmp_path / "missing ?#%.sqlite"
    assert writer(str(missing)) is None and not missing.exists()  # never made by a child
    assert writer(str(foreign)) is None
    db = writer(str(ours))
    assert db is not None
    db.close()

    new = write(docs, "2025-02-01.md", digest_text("New", "2025-02-01", ONE))

    def parsed_by_a_child(catalog: Path) -> tuple[bool, list[object]]:
        done = subprocess.run(
            [sys.executable, "-m", "digesttui.parsejob", "1000000", str(catalog)],
            input=str(new).encode(),
            capture_output=True,
            check=True,
        )
        stored, chunk = pickle.loads(done.stdout)
        return stored, chunk

    stored, chunk = parsed_by_a_child(foreign)
    assert not stored and [d.title for d in chunk] == ["New"]  # in full, for the reader to store
    stored, chunk = parsed_by_a_child(ours)
    assert stored and [row[:3] for row in chunk] == [(str(new), str(new), "New")]
    found = Catalog(str(ours)).digest(str(new))
    assert found is not None and [i.title for i in found.items] == ["One"]


def test_a_large_index_is_built_in_a_child_process_that_a_stop_ends_at_once(tmp_path: Path, monkeypatch) -> None:
    docs, cache = library_with(tmp_path, 30)
    library = Library([str(docs)], str(cache))
    library.load()
    monkeypatch.setattr("digesttui.library.INDEX_APART", 1)
    stop = threading.Event()
    stop.set()
    library.index(stop)  # the reader quitting: the child is killed, not waited for
    assert not library.catalog.indexed()
    monkeypatch.setattr(Catalog, "index", lambda self, stop=None: False)  # not here: in the child
    library.index()
    assert library.catalog.indexed() and library.catalog.whole()
    found = library.catalog.search(["two"], False, 100)
    assert len(found) == 30 and {path for _, path, _, _ in found} == {str(p) for p in docs.iterdir()}


def test_an_index_child_stops_once_its_reader_is_gone(tmp_path: Path) -> None:
    """A reader killed (SIGKILL) cannot stop its index child: the child sees it and stops."""
    child, parent, out = tmp_path / "child.py", tmp_path / "parent.py", tmp_path / "out"
    child.write_text(
        "import sys, time\nfrom digesttui.indexjob import Orphaned\n"
        "gone = Orphaned()\nopen(sys.argv[1] + '.alive', 'w').write(str(gone.is_set()))\n"
        "start = time.monotonic()\nwhile not gone.is_set() and time.monotonic() - start < 30:\n    time.sleep(0.01)\n"
        "open(sys.argv[1] + '.tmp', 'w').write(str(gone.is_set()))\n"
        "import os\nos.replace(sys.argv[1] + '.tmp', sys.argv[1])\n"
    )
    parent.write_text(
        "import os, signal, subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, sys.argv[1], sys.argv[2]])\n"
        "while not os.path.exists(sys.argv[2] + '.alive'):\n    time.sleep(0.01)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, str(parent), str(child), str(out)], check=False)
    deadline = time.monotonic() + 30
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert Path(f"{out}.alive").read_text() == "False" and out.read_text() == "True"


def test_the_first_screen_read_apart_is_the_one_read_here_and_never_makes_a_catalog(tmp_path: Path) -> None:
    docs, cache = library_with(tmp_path, 5)
    assert Library([str(docs)], str(cache)).read_first_apart() is None
    assert not cache.exists() or not list(cache.iterdir())  # nothing made where there was nothing
    built = "\n".join(
        [
            "import os, sys",
            "from digesttui.library import Library",
            "Library(sys.argv[1:2], sys.argv[2]).load()",
            "os._exit(0)",
        ]
    )
    subprocess.run([sys.executable, "-c", built, str(docs), str(cache)], check=True)  # gone without folding its log in
    ours = catalog_file(cache)
    before = ours.stat()
    apart = Library([str(docs)], str(cache)).read_first_apart()
    assert (ours.stat().st_mtime_ns, ours.stat().st_size) == (before.st_mtime_ns, before.st_size)  # read only
    here = Library([str(docs)], str(cache))
    assert apart is not None and apart == here.read_first()
    here.close()  # (the log folded into the file now)
    assert [d.title for d in apart.digests] == ["D4", "D3", "D2", "D1", "D0"]
    assert apart.full is not None and [i.title for i in apart.full.items] == ["One", "Two"]
    ours.write_bytes(b"not a catalog")
    assert Library([str(docs)], str(cache)).read_first_apart() is None
    assert ours.read_bytes() == b"not a catalog"  # left for the reader to rebuild, and to say so


def test_the_entry_point_reads_the_first_screen_and_the_marks_in_a_child(tmp_path: Path) -> None:
    """`cli.read_ahead` (fork: in a fresh interpreter, as the entry point runs it): the reader gets
    what a thread would read, its child is reaped, and a child that fails, is cut short or hangs
    leaves the load to read."""
    docs, cache = library_with(tmp_path, 5)
    Library([str(docs)], str(cache)).load()
    marks = tmp_path / "state.json"
    marks.write_text('{"format": 1, "items": {"https://one.example": {"r": [true, 1.0]}}}')
    script = (
        "import json, os, sys\n"
        "from digesttui import cli\n"
        "from digesttui.library import Library\n"
        "from digesttui.state import State\n"
        "library, state = Library([sys.argv[1]], sys.argv[2]), State(__import__('pathlib').Path(sys.argv[3]))\n"
        "if sys.argv[4] == 'fails':\n    Library.read_first_apart = lambda self: 1 / 0\n"
        "if sys.argv[4] == 'cut short':\n    import pickle\n    whole = pickle.dumps\n"
        "    pickle.dumps = lambda *a: whole(*a)[:-9]\n"
        "if sys.argv[4] == 'hangs':\n    Library.read_first_apart = lambda self: __import__('time').sleep(60)\n"
        "    cli.AHEAD_LIMIT = 0.5\n"
        "if sys.argv[4] == 'threads':  # another thread running: no fork (it would raise here)\n"
        "    import threading\n    threading.Thread(target=__import__('time').sleep, args=(1,), daemon=True).start()\n"
        "    os.fork = lambda: 1 / 0\n"
        "cli.read_ahead(library, state)\n"
        "first = library.first_screen(30)\n"
        "try:\n    os.waitpid(-1, os.WNOHANG); left = True\nexcept ChildProcessError:\n    left = False\n"
        "from digesttui.model import key_of\n"
        "keyed = state.read_keys() == {key_of('https://one.example')}\n"
        "print(json.dumps([[d.title for d in first.digests] if first else None, state.loaded,"
        " [i for i in ['https://one.example', 'https://two.example'] if state.is_read(i)], left, keyed]))\n"
    )

    def run(how: str) -> list[object]:
        argv = [sys.executable, "-c", script, str(docs), str(cache), str(marks), how]
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        assert done.returncode == 0 and not done.stderr, done.stderr  # (a thread that failed would say so)
        return list(json.loads(done.stdout))

    # (the read marks' keys worked out there too: ~1 us a mark, on the first frame's path otherwise)
    assert run("works") == [["D4", "D3", "D2", "D1", "D0"], True, ["https://one.example"], False, True]
    assert run("fails") == [None, False, [], False, False]  # nothing taken: the load reads it all
    assert run("cut short") == [None, False, [], False, False]
    assert run("hangs") == [None, False, [], False, False]  # stopped after `AHEAD_LIMIT`, and reaped
    in_a_thread = run("threads")
    assert in_a_thread == [["D4", "D3", "D2", "D1", "D0"], True, ["https://one.example"], False, True]


def test_a_query_typed_earlier_neither_stops_nor_outruns_the_search_of_one_typed_later(
    tmp_path: Path, monkeypatch
) -> None:
    """A query's second search (the rest of its hits) came after the next query was typed and
    stopped its search: "Nothing found" for a word in one item in twenty (the bench, once)."""
    from digesttui import finding

    docs, cache = library_with(tmp_path, 30)
    library = Library([str(docs)], str(cache))
    library.load()
    library.index()
    catalog = library.catalog
    whole = catalog.search(("one",), False, 1000)
    assert len(whole) == 30
    real, running = finding.find, threading.Event()

    def slow(db: sqlite3.Connection, *args: object) -> object:  # a statement that runs a while first
        running.set()
        db.execute(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT count(*) FROM c",
            (2_000_000,),
        ).fetchone()
        return real(db, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(finding, "find", slow)
    found: dict[str, object] = {}

    def search(name: str, typed: int) -> threading.Thread:
        thread = threading.Thread(target=lambda: found.update({name: catalog.search(("one",), False, 1000, typed)}))
        thread.start()
        return thread

    newest = search("newest", 20)
    assert running.wait(10)
    time.sleep(0.05)
    assert catalog.search(("one",), False, 1000, typed=10) == []  # typed before: nothing, at once
    rest = search("its rest", 20)  # the same query's second search: waits, stops nothing
    newest.join(30)
    rest.join(30)
    assert found == {"newest": whole, "its rest": whole}
    running.clear()
    older = search("older", 25)
    assert running.wait(10)
    time.sleep(0.05)
    assert catalog.search(("one",), False, 1000, typed=30) == whole  # typed later: stops the older one
    older.join(30)
    assert found["older"] == []
