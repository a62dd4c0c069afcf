from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from digesttui.model import key_of
from digesttui.state import State, starred_of


def test_marks_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "state" / "state.json"
    state = State(path).load()
    assert state.set_read(["a", "b"]) == ["a", "b"]
    assert state.set_read(["a", "a"]) == []  # already read
    state.set_star("b", True, {"title": "B", "url": "https://b.example"})
    state.set_theme("nord")
    state.save()
    again = State(path).load()
    assert again.is_read("a") and again.is_read("b") and not again.is_read("c")
    assert again.is_starred("b") and not again.is_starred("a")
    assert starred_of(State(path).read()[0]["items"]) == [("b", {"title": "B", "url": "https://b.example"})]
    assert again.theme[0] == "nord"
    again.set_read(["a"], False)
    again.save()
    assert not State(path).load().is_read("a")


def test_two_readers_keep_each_others_marks(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    one, two = State(path).load(), State(path).load()
    one.set_read(["from-one"])
    two.set_read(["from-two"])
    two.set_star("shared", True, {"title": "S"})
    one.save()
    two.save()
    one.set_read(["shared"])
    one.save()
    final = State(path).load()
    assert final.is_read("from-one") and final.is_read("from-two") and final.is_read("shared")
    assert final.is_starred("shared")
    assert one.is_read("from-two")  # a save brings the other reader's marks in


def test_newest_mark_wins(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    one, two = State(path).load(), State(path).load()
    one.set_read(["x"])
    one.save()
    time.sleep(0.01)
    two.set_read(["x"])
    two.set_read(["x"], False)  # later: unread
    two.save()
    one.save()  # one's older "read" must not win
    assert not State(path).load().is_read("x")


def test_corrupt_file_is_moved_aside_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json")
    state = State(path).load()
    assert state.warning and "damaged" in state.warning
    assert not state.read_keys() and not state.starred_keys()
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("state.json.corrupt-")]
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    state.set_read(["a"])
    state.save()
    assert State(path).load().is_read("a")


def test_damaged_records_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"format": 1, "items": {"ok": {"r": [True, 1.0]}, "bad": {"r": "yes"}}}))
    state = State(path).load()
    assert state.is_read("ok") and not state.is_read("bad")
    assert state.warning and "1 mark of the wrong shape" in state.warning


WRITER = """
import sys, time
from pathlib import Path
from digesttui.state import State, starred_of
state = State(Path(sys.argv[1])).load()
n = 0
print("ready", flush=True)
while True:
    state.set_read([f"item-{n}-{i}" for i in range(200)])
    state.save()
    n += 1
"""


def test_kill_9_never_leaves_a_corrupt_or_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    seed = State(path).load()
    seed.set_read(["seed"])
    seed.save()
    for attempt in range(8):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(0.05 + 0.037 * attempt)  # at varying moments of a save
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        state = State(path).load()
        assert state.warning is None, state.warning
        assert state.is_read("seed")
        json.loads(path.read_bytes())  # whole, parseable JSON
    assert len(State(path).read()[0]["items"]) > 200


def test_what_is_read_follows_every_change(tmp_path: Path) -> None:
    """The reader holds the keys of what is read, not the file's records: after every mark and
    every save (another reader's marks coming in) they say what the file and the marks made
    here say together, and the file says it too."""
    path = tmp_path / "state.json"
    ids = "abcdefgh"
    state, expected = State(path), set()

    def holds(theirs: set[str] = set()) -> bool:  # noqa: B006 (read only)
        keys = state.read_keys() == set(map(key_of, expected | theirs))
        return keys and {i for i in ids + "stuvwxyz" if state.is_read(i)} == expected | theirs

    assert holds()
    state.set_read(["a", "b"])
    expected = {"a", "b"}
    assert holds()
    state.set_read(["a"], False)
    state.set_star("d", True, {})
    expected = {"b"}
    assert holds() and state.starred_keys() == {key_of("d")}
    other = State(path)
    other.set_read(["c"])
    other.save()
    state.save()  # brings in the other reader's mark
    expected = {"b", "c"}
    assert holds()
    rng = random.Random(7)
    theirs: set[str] = set()
    for _ in range(300):
        marked, read = rng.sample(ids, 2), rng.random() < 0.6
        state.set_read(marked, read)
        expected = expected | set(marked) if read else expected - set(marked)
        if rng.random() < 0.1:  # another reader marks other items and saves
            other = State(path).load()
            marked, read = rng.sample("stuvwxyz", 3), rng.random() < 0.6
            other.set_read(marked, read)
            other.save()
            theirs = theirs | set(marked) if read else theirs - set(marked)
        if rng.random() < 0.1:
            state.save()
            expected |= theirs
            expected -= set("stuvwxyz") - theirs
            assert {i for i in ids + "stuvwxyz" if State(path).load().is_read(i)} == expected
        assert holds()


def test_a_mark_made_during_a_save_stays(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A save works out the keys of what it wrote after the write (outside the lock): a mark made
    meanwhile stays in effect, and unsaved, whatever the file said of that item."""
    from digesttui import state as module

    path = tmp_path / "state.json"
    state = State(path)
    state.set_read(["a", "b"])
    state.set_star("s", True, {"title": "S"})
    state.save()
    write = module.atomic_write

    def meanwhile(where: str, blob: bytes) -> None:
        write(where, blob)
        state.set_read(["a"], False)
        state.set_read(["c"])
        state.set_star("s", False, {})

    monkeypatch.setattr(module, "atomic_write", meanwhile)
    state.set_read(["d"])
    state.save()
    assert state.read_keys() == {key_of("b"), key_of("c"), key_of("d")} and not state.starred_keys()
    assert state.unsaved
    monkeypatch.setattr(module, "atomic_write", write)
    state.save()
    again = State(path).load()
    assert [i for i in "abcds" if again.is_read(i)] == ["b", "c", "d"] and not again.is_starred("s")


def test_a_save_keeps_every_record_of_the_file(tmp_path: Path) -> None:
    """The reader never holds the file's records: a save of one mark keeps all the others (stars
    with what was saved of them, marks of items no digest has any more) as they were."""
    path = tmp_path / "state.json"
    records = {f"https://x.example/{n}": {"r": [True, float(n)]} for n in range(2000)}
    records["https://x.example/7"]["s"] = [True, 9.0]
    records["https://x.example/7"]["i"] = {"title": "Seven"}
    path.write_text(json.dumps({"format": 1, "items": records}))
    state = State(path).load()
    assert state.mine == {} and len(state.read_keys()) == 2000
    state.set_read(["https://x.example/1"], False)
    state.save()
    saved = json.loads(path.read_text())["items"]
    assert saved.keys() == records.keys()
    assert saved["https://x.example/1"]["r"][0] is False
    assert {k: v for k, v in saved.items() if k != "https://x.example/1"} == {
        k: v for k, v in records.items() if k != "https://x.example/1"
    }
    assert starred_of(saved) == [("https://x.example/7", {"title": "Seven"})]


def test_marks_made_before_the_file_is_taken_stay_over_it(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"format": 1, "items": {"a": {"r": [True, 1.0]}, "b": {"r": [True, 1.0]}}}))
    state = State(path)
    state.set_read(["b"])
    state.set_read(["b"], False)
    state.set_read(["c"])
    state.load()
    assert [i for i in "abc" if state.is_read(i)] == ["a", "c"]


def test_a_start_reads_the_kept_keys_and_not_the_file_while_it_is_the_same(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The keys of the marks are kept beside the file (`keep_keys`, and at every save): a start
    reads those (a year of marks: ~1 ms, not ~80) as long as the file is the one they are of;
    written since (by another reader, by hand), damaged, cut short or another file's: the file."""
    path, keys = tmp_path / "state.json", tmp_path / "cache" / "marks.keys"
    records = {f"https://x.example/{n}": {"r": [True, 1.0]} for n in range(500)}
    records["https://x.example/s"] = {"s": [True, 2.0], "i": {"title": "S"}}
    records["bad"] = {"r": "yes"}
    path.write_text(json.dumps({"format": 1, "theme": ["nord", 3.0], "items": records}))

    def started() -> tuple[State, bool]:
        marks, warning = State(path, keys).read_marks()
        return State(path, keys).take(marks, warning), marks.kept

    def right(state: State) -> bool:
        read = {f"https://x.example/{n}" for n in range(500)}
        return (
            state.read_keys() == set(map(key_of, read))
            and state.starred_keys() == {key_of("https://x.example/s")}
            and state.theme[0] == "nord"
            and "1 mark of the wrong shape" in (state.warning or "")
        )

    first = State(path, keys).load()
    assert right(first) and not keys.exists()  # kept only when asked: in a worker
    first.set_theme("gruvbox")  # not saved: the keys kept are the file's, not of what changed since
    first.keep_keys()
    again, kept = started()
    assert kept and right(again)
    monkeypatch.setattr(State, "_read_file", lambda self: 1 / 0)  # not read at all
    assert right(State(path, keys).load())
    monkeypatch.undo()

    other = State(path)  # another reader, keeping no keys, saves
    other.set_read(["https://x.example/new"])
    other.save()
    again, kept = started()
    assert not kept and again.is_read("https://x.example/new") and again.warning is None
    again.keep_keys()
    again, kept = started()
    assert kept and again.is_read("https://x.example/new") and len(again.read_keys()) == 501

    whole = keys.read_bytes()
    for damaged in (whole[:-3], whole + b"x", b"\x00" * len(whole), whole.replace(b'"format": 1', b'"format": 9')):
        keys.write_bytes(damaged)
        again, kept = started()
        assert not kept and again.is_read("https://x.example/new") and len(again.read_keys()) == 501
    keys.write_bytes(whole)
    assert started()[1]
    moved = tmp_path / "other.json"
    moved.write_bytes(path.read_bytes())
    marks, _ = State(moved, keys).read_marks()  # another state file's keys: not its own
    assert not marks.kept


def test_a_save_keeps_the_keys_of_what_it_wrote(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Kept at each save: the keys of the file written, not of marks made meanwhile."""
    from digesttui import state as module

    path, keys = tmp_path / "state.json", tmp_path / "marks.keys"
    state = State(path, keys)
    state.set_read(["a", "b"])
    state.set_star("s", True, {})
    state.save()
    marks, _ = State(path, keys).read_marks()
    assert marks.kept and set(marks.read) == {key_of("a"), key_of("b")} and set(marks.starred) == {key_of("s")}
    write = module.atomic_write

    def meanwhile(where: str, data) -> None:  # type: ignore[no-untyped-def]
        write(where, data)
        if where == str(path):
            state.set_read(["c"])

    monkeypatch.setattr(module, "atomic_write", meanwhile)
    state.set_read(["a"], False)
    state.save()
    marks, _ = State(path, keys).read_marks()
    assert marks.kept and set(marks.read) == {key_of("b")}  # as the file says: "c" is not saved yet
    assert state.read_keys() == {key_of("b"), key_of("c")}
