"""Parse digest files in a child process: `python -m digesttui.parsejob LIMIT [CATALOG]` reads
NUL-separated paths on stdin and writes pickled chunks on stdout, newest-file-first as given.

A cold start of thousands of files parses here, on other cores, instead of in a thread that
would compete with the screen for the interpreter lock. Given the reader's catalog, a chunk goes
into it from here (one transaction) and only the rows the digest list holds go back (`stored`):
the reader never has the items in hand, nor writes them (100,000 digests cold in the app: its
memory 165 -> 159 MiB, the load 70 -> 46 s). Else, or where the catalog cannot be written, the
digests go back in full, for the reader to store."""

from __future__ import annotations

import contextlib
import pickle
import sqlite3
import sys
from typing import Any

from digesttui.catalog import store, writer
from digesttui.files import FILE_LIMIT, read_digest
from digesttui.model import Digest

CHUNK = 250


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else FILE_LIMIT
    db = writer(sys.argv[2]) if len(sys.argv) > 2 else None
    paths = [p for p in sys.stdin.buffer.read().decode("utf-8", "surrogateescape").split("\0") if p]
    out = sys.stdout.buffer
    for start in range(0, len(paths), CHUNK):
        digests = [read_digest(p, limit=limit) for p in paths[start : start + CHUNK]]
        chunk: tuple[bool, list[Digest] | list[tuple[Any, ...]]] = (False, digests)
        if db is not None:
            with contextlib.suppress(sqlite3.Error):  # (busy too long, a full disk): the reader stores them
                chunk = (True, store(db, digests))
        pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


if __name__ == "__main__":
    main()
