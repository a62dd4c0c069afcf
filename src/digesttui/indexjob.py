"""Build a catalog's search index in a child process: `python -m digesttui.indexjob CATALOG`.

After a cold start the index takes every item in (~1 minute at 800,000 items), and each one's
text passes through a Python function (`finding.spaced`). Here that holds another interpreter's
lock, not the screen's: at 100,000 digests, keys pressed meanwhile, 8 presses each, medians: `G`
22 -> 15 ms, `j` 10 -> 8 ms. Exits 0 once the index holds every item; killed, the chunk under way
is rolled back and the next build goes on from there."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from digesttui.catalog import build_index, writer

PAUSE = 0.02
"""Seconds between chunks. The reader, writing a new digest meanwhile, waits in SQLite's busy
handler, which looks again only every few to 100 ms: with 5 ms between chunks (as in-process)
one write of ten waited 1.8 s; with 20 ms, none of 41 more than 54 ms, and the index of 10,000
digests took 5.0 s instead of 3.7."""


class Orphaned:
    """Set once the reader that started this child is gone (killed, it could not stop it): the
    index is left to the next reader, not built by a process nobody waits for."""

    def __init__(self) -> None:
        self.parent = os.getppid()

    def is_set(self) -> bool:
        return os.getppid() != self.parent


def build_apart(catalog: str, stop: threading.Event | None) -> None:
    """Build the index of the catalog file in a child process (this module) until it is done or
    `stop` is set (then the child is killed: its chunk under way is rolled back)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "digesttui.indexjob", catalog],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while child.poll() is None:
            if stop is None:
                child.wait()
            elif stop.wait(0.1):
                break
    finally:
        child.kill()
        child.wait()


def main() -> int:
    db = writer(sys.argv[1])
    return 0 if db is not None and build_index(db, Orphaned(), pause=PAUSE) else 1


if __name__ == "__main__":
    sys.exit(main())
