from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from digesttui.library import Library, Snapshot
from digesttui.scan import scan
from tests.conftest import bump_mtime, digest_text, write

ONE = ("One", "https://one.example")
TWO = ("Two", "https://two.example")


def paths(snapshot) -> list[str]:
    return [os.path.basename(d.path) for d in snapshot.digests]


def test_scan_recursive_skips_hidden_and_other_files_and_symlink_loops(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "1. x")
    write(tmp_path, "sub/deeper/b.markdown", "1. x")
    write(tmp_path, ".hidden.md", "1. x")
    write(tmp_path, ".git/c.md", "1. x")
    write(tmp_path, "notes.txt", "1. x")
    write(tmp_path, "d.md~", "1. x")
    write(tmp_path, "e.md.swp", "1. x")
    os.symlink(tmp_path, tmp_path / "sub" / "loop")
    found = sorted(os.path.relpath(p, tmp_path) for p, _ in scan(str(tmp_path)))
    assert found == ["a.md", "sub/deeper/b.markdown"]


def test_parsed_newest_first_by_the_name_date_even_when_mtimes_say_otherwise(tmp_path: Path) -> None:
    for n, day in enumerate(["01", "02", "03", "04"]):
        path = write(tmp_path, f"2025-01-{day}.md", digest_text(f"Day {day}", f"2025-01-{day}", ONE))
        os.utime(path, (1e9 - n * 1000, 1e9 - n * 1000))  # a copied archive: the newest looks oldest
    write(tmp_path, "undated.md", digest_text("Undated", "2025-01-05", ONE))  # no date in the name: its mtime
    snapshots: list[Snapshot] = []
    final = Library([str(tmp_path)]).load(progress=snapshots.append, every=-1)
    assert all(not s.complete and s.total == 5 for s in snapshots) and final.complete
    # every file listed at once, by the date in its name (else its mtime: now, the newest)...
    assert paths(snapshots[0]) == ["undated.md", "2025-01-04.md", "2025-01-03.md", "2025-01-02.md", "2025-01-01.md"]
    assert all(d.pending for d in snapshots[0].digests)
    # ...and read newest first
    read = [[os.path.basename(d.path) for d in s.digests if not d.pending] for s in snapshots]
    assert [len(names) for names in read] == [0, 1, 2, 3, 4, 5]
    assert read[1] == ["undated.md"]
    assert read[4] == ["undated.md", "2025-01-04.md", "2025-01-03.md", "2025-01-02.md"]


def test_newest_first_and_problem_files_still_listed(tmp_path: Path) -> None:
    write(tmp_path, "old.md", digest_text("Old", "2025-01-01", ONE))
    write(tmp_path, "new.md", digest_text("New", "2025-03-01", TWO))
    write(tmp_path, "broken.md", b"\xff\xfe not utf8")
    snap = Library([str(tmp_path)]).load()
    assert [p for p in paths(snap) if p != "broken.md"] == ["new.md", "old.md"]
    broken = next(d for d in snap.digests if d.path.endswith("broken.md"))
    assert broken.has_error and "not valid UTF-8" in broken.problems[0].message
    assert len(snap.digests) == 3


def test_a_snapshot_comes_with_its_items_counted(tmp_path: Path) -> None:
    """Counted where it is made (the loader's thread), not by the header on the screen's side at
    each update (20-40 ms of the UI at 100,000 digests)."""
    write(tmp_path, "a.md", digest_text("A", "2025-01-01", ONE, TWO))
    write(tmp_path, "b.md", digest_text("B", "2025-01-02", ONE))
    library = Library([str(tmp_path)], str(tmp_path / "cache"))
    assert library.load().items == 3
    assert library.snapshot().items == 3
    assert Snapshot(library.load().digests, ()).item_count == 3  # (one made by hand: counted when asked)


def test_apply_added_modified_deleted_and_folders(tmp_path: Path) -> None:
    lib = Library([str(tmp_path)])
    a = write(tmp_path, "a.md", digest_text("A", "2025-01-01", ONE))
    lib.load()
    b = write(tmp_path, "sub/b.md", digest_text("B", "2025-02-01", ONE))
    snap = lib.apply([str(b)])
    assert paths(snap) == ["b.md", "a.md"]
    a.write_text(digest_text("A2", "2025-01-01", ONE, TWO))
    bump_mtime(a)
    snap = lib.apply([str(a)])
    assert [d.title for d in snap.digests] == ["B", "A2"]
    subprocess.run(["rm", "-r", str(tmp_path / "sub")], check=True)
    snap = lib.apply([str(tmp_path / "sub")])
    assert paths(snap) == ["a.md"]


def test_a_root_looked_at_again_unchanged_makes_no_snapshot(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The watcher looks at every root once it starts (what was written since the load): at
    100,000 digests a snapshot made for nothing cost ~100 ms. A folder that cannot be read is
    not a change each time it is looked at."""
    write(tmp_path, "a.md", digest_text("A", "2025-01-01", ONE))
    write(tmp_path, "locked/b.md", digest_text("B", "2025-01-02", ONE))
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p: _denied(p) if str(p).endswith("locked") else real(p))
    lib = Library([str(tmp_path)])
    assert paths(lib.load()) == ["a.md", "locked"]
    assert lib.apply([str(tmp_path)]) is None
    write(tmp_path, "c.md", digest_text("C", "2025-01-03", ONE))
    snap = lib.apply([str(tmp_path)])
    assert snap is not None and paths(snap) == ["c.md", "a.md", "locked"]
    assert paths(lib.snapshot()) == ["c.md", "a.md", "locked"]


def _denied(path: object) -> os.DirEntry[str]:
    raise PermissionError(13, "Permission denied", str(path))


def test_half_written_file_is_held_back_with_settle(tmp_path: Path) -> None:
    lib = Library([str(tmp_path)])
    lib.load()
    half = write(tmp_path, "new.md", '---\ntitle: "Half')
    assert lib.apply([str(half)], settle=True) is None  # held back: nothing changed to show
    assert lib.due() == []
    half.write_text(digest_text("Whole", "2025-01-01", ONE))
    snap = lib.apply([str(half)], settle=True)
    assert [d.title for d in snap.digests] == ["Whole"]
    assert not snap.digests[0].problems


def test_cache_reused_and_survives_corruption(tmp_path: Path) -> None:
    docs, cache = tmp_path / "docs", tmp_path / "cache"
    write(docs, "a.md", digest_text("A", "2025-01-01", ONE))
    lib = Library([str(docs)], str(cache))
    first = lib.load()
    (cache_file,) = cache.glob("catalog-*.sqlite")
    again = Library([str(docs)], str(cache))
    second = again.load()
    assert second.digests[0] is not first.digests[0]
    assert second.digests == first.digests and not second.notice
    lib.close()
    again.close()
    cache_file.write_bytes(b"garbage" * 2000)
    third = Library([str(docs)], str(cache)).load()
    assert third.digests == first.digests
    assert "could not be read" in third.notice


def test_cache_only_reparses_changed_files(tmp_path: Path, monkeypatch) -> None:
    docs, cache = tmp_path / "docs", tmp_path / "cache"
    write(docs, "a.md", digest_text("A", "2025-01-01", ONE))
    b = write(docs, "b.md", digest_text("B", "2025-01-02", ONE))
    lib = Library([str(docs)], str(cache))
    lib.load()
    b.write_text(digest_text("B2", "2025-01-02", ONE))
    bump_mtime(b)
    parsed = []
    import digesttui.parse

    real = digesttui.parse.parse_digest
    monkeypatch.setattr(
        digesttui.parse, "parse_digest", lambda data, path, **kw: parsed.append(path) or real(data, path, **kw)
    )
    snap = Library([str(docs)], str(cache)).load()
    assert parsed == [str(b)]
    assert [d.title for d in snap.digests] == ["B2", "A"]


def test_a_file_changed_in_its_size_alone_or_its_time_alone_is_read_again(tmp_path: Path) -> None:
    """A file is known by its size and modification time, held as one number (`Digest.stamp`):
    either one changed alone is a change; a file changed in neither is not read again."""
    docs, cache = tmp_path / "docs", tmp_path / "cache"
    a = write(docs, "a.md", digest_text("A", "2025-01-01", ONE))
    b = write(docs, "b.md", digest_text("B", "2025-01-02", ONE))
    c = write(docs, "c.md", digest_text("C", "2025-01-03", ONE))
    lib = Library([str(docs)], str(cache))
    lib.load()
    lib.close()
    before = a.stat()
    a.write_text(digest_text("A, longer", "2025-01-01", ONE))  # another size, the same time
    os.utime(a, ns=(before.st_atime_ns, before.st_mtime_ns))
    b.write_text(digest_text("D", "2025-01-02", ONE))  # the same size, another time
    bump_mtime(b)
    before = c.stat()
    c.write_text(digest_text("E", "2025-01-03", ONE))  # neither: not seen
    os.utime(c, ns=(before.st_atime_ns, before.st_mtime_ns))
    again = Library([str(docs)], str(cache))
    snap = again.load()
    again.close()
    assert [d.title for d in snap.digests] == ["C", "D", "A, longer"]
    assert [d.size for d in snap.digests] == [c.stat().st_size, b.stat().st_size, a.stat().st_size]


def test_reader_never_writes_to_digest_folders(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs, "a.md", digest_text("A", "2025-01-01", ONE))
    before = sorted(p.name for p in docs.rglob("*"))
    lib = Library([str(docs)], str(tmp_path / "cache"))
    lib.load()
    assert sorted(p.name for p in docs.rglob("*")) == before


def test_model_modules_do_not_import_textual() -> None:
    code = (
        "import sys; import digesttui.model, digesttui.parse, digesttui.fields, digesttui.library, digesttui.links, "
        "digesttui.render, digesttui.watch, digesttui.cli; "
        "bad = [m for m in sys.modules if m.split('.')[0] == 'textual']; print(bad); assert not bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_many_files_parse_in_child_processes_same_as_here(tmp_path: Path, monkeypatch) -> None:
    from digesttui import scan as scanning

    count = scanning.SUBPROCESS_THRESHOLD + 50
    for n in range(count):
        write(tmp_path, f"d{n:04}.md", digest_text(f"D{n}", f"2025-01-01T{n % 24:02}:00:00", ONE, TWO))
    write(tmp_path, "broken.md", b"\xff")
    in_children = Library([str(tmp_path)]).load()
    monkeypatch.setattr(scanning, "SUBPROCESS_THRESHOLD", 10**9)
    here = Library([str(tmp_path)]).load()
    assert in_children.digests == here.digests
    assert len(here.digests) == count + 1


def test_a_failing_child_falls_back_to_parsing_here(tmp_path: Path, monkeypatch) -> None:
    from digesttui import scan as scanning

    monkeypatch.setattr(scanning, "SUBPROCESS_THRESHOLD", 5)
    monkeypatch.setattr(scanning.sys, "executable", "/bin/false")
    for n in range(12):
        write(tmp_path, f"d{n:02}.md", digest_text(f"D{n}", "2025-01-01", ONE))
    snap = Library([str(tmp_path)]).load()
    assert sorted(d.title for d in snap.digests) == sorted(f"D{n}" for n in range(12))


def test_load_stops_at_once_when_told(tmp_path: Path) -> None:
    import threading

    for n in range(50):
        write(tmp_path, f"d{n:02}.md", digest_text(f"D{n}", "2025-01-01", ONE))
    stop = threading.Event()
    stop.set()
    snap = Library([str(tmp_path)]).load(stop=stop)
    assert all(d.pending for d in snap.digests) and snap.total == 50  # listed by name, none read


def test_a_digest_holds_its_first_headline_where_its_title_is_shared(tmp_path: Path) -> None:
    """What the list shows of a digest whose title two others have too; the others hold none
    (~70 bytes a digest), cold, warm and after a change, as the catalog's rows give them."""
    folder, cache = tmp_path / "d", str(tmp_path / "cache")
    for day in ("01", "02", "03"):
        write(
            folder,
            f"2025-01-{day}.md",
            digest_text("AI 日报", f"2025-01-{day}", (f"头条{day}", f"https://e.example/{day}")),
        )
    write(folder, "2025-01-04.md", digest_text("Weekly", "2025-01-04", ONE))

    def leads(snapshot: Snapshot) -> dict[str, str]:
        return {os.path.basename(d.path): d.lead for d in snapshot.digests}

    cold = leads(Library([str(folder)], cache).load())
    assert cold == {
        "2025-01-04.md": "",
        "2025-01-03.md": "头条03",
        "2025-01-02.md": "头条02",
        "2025-01-01.md": "头条01",
    }
    library = Library([str(folder)], cache)
    assert leads(library.load()) == cold  # warm: from the catalog's rows
    for day in ("05", "06"):
        write(
            folder,
            f"2025-01-{day}.md",
            digest_text("Weekly", f"2025-01-{day}", (f"周{day}", f"https://w.example/{day}")),
        )
    changed = leads(library.apply([str(folder / "2025-01-05.md"), str(folder / "2025-01-06.md")]))
    assert changed["2025-01-04.md"] == "One" and changed["2025-01-06.md"] == "周06"  # "Weekly" shared now


def test_snapshots_after_changes_hold_every_file_in_order(tmp_path: Path) -> None:
    """Each snapshot sorts the last one's order with the digests entered since: what it holds is
    every file there, in `newest_first` order, whatever came and went."""
    import random

    from digesttui.model import newest_first

    rng = random.Random(3)
    lib = Library([str(tmp_path)])

    def put(n: int) -> Path:
        day = f"2025-01-{rng.randrange(1, 4):02}"  # many equal dates: the path orders them
        return write(tmp_path, f"{rng.choice('ab')}/{n:03}.md", digest_text(f"D{n}", day, ONE))

    for n in range(40):
        put(n)
    snap = lib.load()
    for _ in range(8):
        touched = []
        for _ in range(6):
            n = rng.randrange(60)
            target = next(tmp_path.glob(f"*/{n:03}.md"), None)
            if target is not None and rng.random() < 0.4:
                target.unlink()
            else:
                target = put(n)
                bump_mtime(target)
            touched.append(str(target))
        snap = lib.apply(touched) or snap
        on_disk = sorted(str(p) for p in tmp_path.glob("*/*.md"))
        assert sorted(d.path for d in snap.digests) == on_disk
        assert list(snap.digests) == sorted(snap.digests, key=newest_first)


def test_a_snapshot_orders_newest_first_then_by_path_as_newest_first_says() -> None:
    import random

    from digesttui.model import Digest, in_newest_order, newest_first

    rng = random.Random(7)
    for size, keys in [(500, [0, 1, 2, -1.5, 1e9]), (50, [3.0]), (1, [0]), (0, [0]), (300, range(280))]:
        digests = [
            Digest(f"/d/{rng.choice('abc')}{n:03}.md", "", "", None, float(rng.choice(keys)))
            for n in rng.sample(range(size), size)
        ]
        expected = sorted(digests, key=newest_first)
        assert in_newest_order(digests) == expected
        assert in_newest_order(expected[::-1]) == expected  # (runs of equal keys at either end too)
