"""The watcher alone (real files, real watchfiles), without the app."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from digesttui import watch
from digesttui.library import Library, Snapshot
from tests.conftest import digest_text, write

ONE = ("One", "https://one.example")


def _until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_a_folder_made_while_its_parent_is_watched_anew_is_watched(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A folder appears: the watcher lists the folders to watch and watches them. A folder made
    between the listing and the watch (`makedirs` paused between its two folders, on a busy
    machine) had its files found by the look afresh, but no watch: a digest written into it
    later was never seen (the app's folders test, once in a full run)."""
    library = Library([str(tmp_path)])
    library.load()
    published: list[Snapshot] = []
    listed = watch.folders
    made, listings = threading.Event(), []

    def listing(root: str) -> Iterator[tuple[str, object]]:
        listings.append(root)
        yield from listed(root)
        if (tmp_path / "2026").is_dir() and not made.is_set():  # the watch is not made yet
            made.set()
            write(tmp_path, "2026/02/2026-02-01.md", digest_text("Nested", "2026-02-01", ONE))

    monkeypatch.setattr(watch, "folders", listing)
    stop = threading.Event()
    watcher = threading.Thread(target=watch.watch_library, args=(library, published.append, stop), daemon=True)
    watcher.start()

    def titles() -> list[str]:
        return [d.title for d in published[-1].digests] if published else []

    try:
        _until(lambda: bool(listings), "the folders listed for the first watch")
        (tmp_path / "2026").mkdir()  # (before or after that watch is made: either way, a folder to watch)
        _until(lambda: titles() == ["Nested"], "the folder made meanwhile, looked at")
        write(tmp_path, "2026/02/2026-02-02.md", digest_text("Later", "2026-02-02", ONE))
        _until(lambda: titles() == ["Later", "Nested"], "a file written into it later")
    finally:
        stop.set()
        watcher.join(5)
