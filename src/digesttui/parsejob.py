"""Parse digest files in a child process: `python -m digesttui.parsejob` reads NUL-separated paths
on stdin and writes pickled lists of `Digest`s on stdout, newest-file-first as given.

A cold start of thousands of files parses here, on the other core, instead of in a thread that
would compete with the screen for the interpreter lock; and what the parent unpickles lies
compactly in its memory, without the parser's garbage between."""

from __future__ import annotations

import pickle
import sys

from digesttui.files import FILE_LIMIT, read_digest

CHUNK = 250


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else FILE_LIMIT
    paths = [p for p in sys.stdin.buffer.read().decode("utf-8", "surrogateescape").split("\0") if p]
    out = sys.stdout.buffer
    for start in range(0, len(paths), CHUNK):
        chunk = [read_digest(p, limit=limit) for p in paths[start : start + CHUNK]]
        pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


if __name__ == "__main__":
    main()
