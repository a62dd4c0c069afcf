"""What the reader holds of its state file's marks: the keys (`model.key_of`) of the items read and
starred, and the settings; and those keys kept beside the file for the next start, which reads
them (22,000: ~1 ms) instead of the file (81-84 ms) as long as the file is the same. Pure Python,
no Textual.

The kept keys are one line of JSON (the state file they are of, by path, device, inode, size and
mtime; its settings; what to tell about it) and then 8 bytes a key, in the machine's byte order.
Cut short, damaged, of another format, byte order or state file: ignored (the file is read)."""

from __future__ import annotations

import contextlib
import math
import os
import sys
from array import array
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from digesttui.files import atomic_write
from digesttui.model import key_of

KEYS_FORMAT = 1
SETTINGS: dict[str, tuple[type, Any]] = {"theme": (str, None), "unread_only": (bool, False)}
"""Settings kept with the marks (the newest choice wins when two readers merge): type, default."""
Record = dict[str, Any]
"""One item's marks: {"r": [read, when], "s": [starred, when], "i": {what to export}}."""


class Marks(NamedTuple):
    """What the reader holds of a state file: its settings, and the keys of the items it says are
    read and starred. The records themselves (an id of ~60 bytes and a time each; a year of
    reading, ~20,000) stay on disk: a save merges with the file, which it reads anyway."""

    settings: dict[str, list[Any]]
    read: array[int]
    starred: array[int]
    of: list[int] | None = None
    """The file these are of (`signature`); None: no file."""
    kept: bool = False
    """Whether they came from the keys kept beside the file (`read_kept`)."""


def keys_path(cache_dir: str, state: Path) -> Path:
    """Where the keys of a state file's marks are kept: the platform cache folder."""
    return Path(cache_dir) / f"marks-{key_of(str(state.absolute())) & (2**64 - 1):016x}.keys"


def marks_of(items: dict[str, Record], settings: dict[str, list[Any]], of: list[int] | None = None) -> Marks:
    """The `Marks` of a state file's records and settings."""
    read, starred = keys_of(items)
    return Marks(settings, array("q", read), array("q", starred), of)


def keys_of(items: dict[str, Record]) -> tuple[set[int], set[int]]:
    """The keys of the items these records say are read, and of those starred (~1.4 us a record)."""
    read: set[int] = set()
    starred: set[int] = set()
    for item_id, record in items.items():
        follow(read, starred, key_of(item_id), record)
    return read, starred


def follow(read: set[int], starred: set[int], key: int, record: Record) -> None:
    """The key in or out of the read and the starred keys, as far as the record says."""
    for keys, field in ((read, "r"), (starred, "s")):
        if field in record:
            (keys.add if record[field][0] else keys.discard)(key)


def signature(st: os.stat_result) -> list[int]:
    """A file's content, as far as its metadata tells: each save is a new file (`atomic_write`)."""
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]


def is_mark(value: object, kind: type) -> bool:
    """`[value, when]`: a value of `kind` (or None), and a finite time."""
    return (
        isinstance(value, list)
        and len(value) == 2
        and (value[0] is None or isinstance(value[0], kind))
        and isinstance(value[1], int | float)
        and not isinstance(value[1], bool)
        and math.isfinite(value[1])
    )


def read_kept(keys: Path | None, state: Path) -> tuple[Marks, str | None] | None:
    """The keys kept at `keys` (`write_kept`; None: kept nowhere), and what to tell about the
    file, if they are of the state file as it is now."""
    import json

    if keys is None:
        return None
    try:
        with open(keys, "rb") as f:
            head = json.loads(f.readline(1 << 16))
            if (head["format"], head["byteorder"], head["state"]) != (KEYS_FORMAT, sys.byteorder, str(state)):
                return None
            if head["of"] != signature(os.stat(state)):
                return None  # (the file was written since: by another reader, say)
            read, starred = array("q"), array("q")
            read.frombytes(f.read(8 * head["read"]))
            starred.frombytes(f.read(8 * head["starred"]))
            settings, warning = head["settings"], head["warning"]
            whole = (len(read), len(starred), f.read(1)) == (head["read"], head["starred"], b"")
    except (OSError, ValueError, KeyError, TypeError):  # none, cut short, foreign: the file is read
        return None
    fine = isinstance(settings, dict) and all(is_mark(settings.get(k), t) for k, (t, _) in SETTINGS.items())
    if not (whole and fine and isinstance(warning, str | None)):
        return None
    return Marks(settings, read, starred, head["of"], kept=True), warning


def write_kept(keys: Path | None, state: Path, marks: Marks, warning: str | None) -> None:
    """Keep the keys of the marks of the state file (`marks.of`: as it was read or written) at
    `keys` (None: nowhere)."""
    import json

    if keys is None or marks.of is None:
        return
    head: dict[str, object] = {"format": KEYS_FORMAT, "byteorder": sys.byteorder, "state": str(state)}
    head |= {"of": marks.of, "settings": marks.settings, "warning": warning}
    head |= {"read": len(marks.read), "starred": len(marks.starred)}

    def write(f: BinaryIO) -> None:
        f.write(json.dumps(head).encode() + b"\n")
        f.write(marks.read.tobytes())
        f.write(marks.starred.tobytes())

    with contextlib.suppress(OSError):  # (kept or not, the file is right)
        atomic_write(str(keys), write)
