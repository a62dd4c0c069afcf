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
from digesttui.state import State


def test_marks_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "state" / "state.json"
    state = State(path).load()
    assert state.set_read(["a", "b"]) is True
    assert state.set_read(["a"]) is False  # already read
    state.set_star("b", True, {"title": "B", "url": "https://b.example"})
    state.set_theme("nord")
    state.save()
    again = State(path).load()
    assert again.is_read("a") and again.is_read("b") and not again.is_read("c")
    assert again.is_starred("b") and not again.is_starred("a")
    assert again.starred() == [("b", {"title": "B", "url": "https://b.example"})]
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
    assert state.items == {}
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("state.json.corrupt-")]
    assert len(aside) == 1 and aside[0].read_text() == "{not json"
    state.set_read(["a"])
    state.save()
    assert State(path).load().is_read("a")


def test_damaged_records_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"format": 1, "items": {"ok": {"r": [True, 1.0]}, "bad": {"r": "yes"}}}))
    state = State(path).load()
    assert state.is_read("ok") and "bad" not in state.items
    assert state.warning and "1 mark of the wrong shape" in state.warning


WRITER = """
import sys, time
from pathlib import Path
from digesttui.state import State
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
    assert len(State(path).load().items) > 200


def test_what_is_read_follows_every_change(tmp_path: Path) -> None:
    def read(state: State) -> set[str]:
        return {i for i in state.items if state.is_read(i)}

    state = State(tmp_path / "state.json")
    assert read(state) == set()
    state.set_read(["a", "b"])
    assert read(state) == {"a", "b"}
    state.set_read(["a"], False)
    state.set_star("d", True, {})
    assert read(state) == {"b"}
    other = State(tmp_path / "state.json")
    other.set_read(["c"])
    other.save()
    state.save()  # brings in the other reader's mark
    assert read(state) == {"b", "c"} and state.read_keys() == {key_of("b"), key_of("c")}
    rng = random.Random(7)
    for _ in range(300):
        state.set_read(rng.sample("abcdefgh", 2), rng.random() < 0.6)
        if rng.random() < 0.1:
            state.save()
        assert state.read_keys() == set(map(key_of, read(state)))  # kept, not built, between saves
