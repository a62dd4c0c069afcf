"""What the reader has read and starred, and its settings (the theme, unread only). Pure Python,
no Textual.

Kept in a JSON file in the platform state dir. Every mark carries the time it was made, and a
save merges with what is on disk (newest mark wins, field by field) under a file lock: two
readers open at once keep each other's marks. Writes are atomic (temporary file, fsync, rename),
so a crash or `kill -9` at any moment leaves the old file or the new one, whole. A file that
cannot be read is moved aside, with a warning, and the reader starts afresh.

The reader holds the keys of what the file says is read and starred (`marks.Marks`), not its
records, and keeps those keys beside it (`marks.keys_path`) for the next start."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from digesttui.files import atomic_write
from digesttui.marks import (
    SETTINGS,
    Marks,
    Record,
    follow,
    is_mark,
    keys_of,
    marks_of,
    read_kept,
    signature,
    write_kept,
)
from digesttui.model import key_of

FORMAT = 1

MARKS_A_HOLD = 10_000
"""Marks made at a time under the state's lock (`set_read`): ~40 ms (800,000 took 3.3 s)."""


def state_path() -> Path:
    if os.environ.get("DIGEST_TUI_STATE"):
        return Path(os.environ["DIGEST_TUI_STATE"])
    import platformdirs

    return Path(platformdirs.user_state_dir("digest-tui")) / "state.json"


class State:
    def __init__(self, path: Path, keys_path: Path | None = None) -> None:
        self.path = path
        self.keys_path = keys_path
        """Where the keys of the file's marks are kept (the platform cache folder), so that a start
        reads those (22,000: ~1 ms, and 1-5 ms to make their set) and not the whole file (81-84 ms): None,
        nowhere."""
        self._unkept: tuple[Marks, str | None] | None = None
        """Marks read from the file whose keys are not kept yet (`keep_keys`)."""
        self.mine: dict[str, Record] = {}
        """The marks made here: merged into the file at each save, and kept (each field the newest
        of here and the file) for the session."""
        self.settings: dict[str, list[Any]] = _default_settings()
        """Each setting as `[value, when chosen]`."""
        self.warning: str | None = None
        self._lock = threading.Lock()
        self._read: set[int] = set()
        self._starred: set[int] = set()
        self.changes = 0
        """Counts every change made here (`unsaved`)."""
        self.read_changes = 0
        """Counts the changes that may have changed what is read: views recount unread items
        only after those."""
        self.unsaved = False
        """Whether a mark was made since the last save."""
        self.loaded = False
        """Whether the file has been read (`load`)."""

    # --- reading and writing ---

    def load(self) -> State:
        return self.take(*self.read_marks())

    def read_marks(self) -> tuple[Marks, str | None]:
        """The file's `Marks` (from the keys kept, if they are of the file as it is), and what to
        tell about the file."""
        kept = read_kept(self.keys_path, self.path)
        if kept is not None:
            return kept
        data, warning, of = self._read_file()
        return marks_of(data["items"], data["settings"], of), warning

    def take(self, marks: Marks, warning: str | None) -> State:
        """The file's marks (`read_marks`, here or in a process apart: `cli.read_ahead`) in effect,
        with any made here before over them."""
        self.warning = warning
        with self._lock:
            # (copies: the marks may be kept later, `keep_keys`, as the file says them, not as changed since)
            self.settings, self._read, self._starred = dict(marks.settings), set(marks.read), set(marks.starred)
            self._unkept = None if marks.kept or marks.of is None else (marks, warning)
            for item_id, record in self.mine.items():
                follow(self._read, self._starred, key_of(item_id), record)
            self.read_changes += 1
            self.loaded = True
        return self

    def read(self) -> tuple[dict[str, Any], str | None]:
        """The file's marks and settings, and what to tell about it (damaged: moved aside)."""
        data, warning, _ = self._read_file()
        return data, warning

    def _read_file(self) -> tuple[dict[str, Any], str | None, list[int] | None]:
        """`read`, and the `marks.signature` of the file read (None: none, or moved aside)."""
        import json

        empty: dict[str, Any] = {"items": {}, "settings": _default_settings()}
        try:
            with open(self.path, "rb") as f:
                of = signature(os.fstat(f.fileno()))
                raw = f.read()
        except FileNotFoundError:
            return empty, None, None
        except OSError as exc:
            return empty, f"Cannot read {self.path} ({exc.strerror}); read marks start empty.", None
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("not a digest-tui state file")
            if not isinstance(data.get("items", {}), dict):
                raise ValueError("its items are damaged")
        except (ValueError, RecursionError) as exc:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            with contextlib.suppress(OSError):
                os.replace(self.path, aside)
            return empty, f"{self.path} was damaged ({exc}); moved it to {aside.name} and started afresh.", None
        return *_validated(data, self.path), of

    def keep_keys(self) -> None:
        """Keep the keys of the marks read from the file (if they were read from it), for the
        next start. (A write: in a worker.)"""
        with self._lock:
            unkept, self._unkept = self._unkept, None
        if unkept is not None:
            write_kept(self.keys_path, self.path, *unkept)

    def save(self) -> None:
        """Merge with what is on disk (another reader's marks) and write it atomically; then hold
        the keys of what the two say together."""
        import json

        with self._file_lock():
            disk, _ = self.read()
            with self._lock:
                merged = _merge(disk["items"], self.mine)
                settings = {k: max(disk["settings"][k], self.settings[k], key=lambda s: s[1]) for k in SETTINGS}
                self.settings = dict(settings)  # (`settings` as written, for the keys kept)
                version = self.changes
                blob = json.dumps(
                    {"format": FORMAT, **settings, "items": merged}, ensure_ascii=False, separators=(",", ":")
                ).encode()
            written: list[int] = []

            def write(f: BinaryIO) -> None:
                f.write(blob)
                f.flush()
                written.extend(signature(os.fstat(f.fileno())))

            atomic_write(str(self.path), write)
        read, starred = keys_of(merged)  # (outside the lock)
        write_kept(self.keys_path, self.path, Marks(settings, array("q", read), array("q", starred), written), None)
        with self._lock:
            self._unkept = None
            for item_id, record in self.mine.items():  # each the newest of the file's and here (made since too)
                self.mine[item_id] = combined = _newest(merged.get(item_id), record)
                follow(read, starred, key_of(item_id), combined)
            if read != self._read:  # another reader's marks came in
                self._read = read
                self.read_changes += 1
            self._starred = starred
            self.unsaved = self.unsaved and self.changes != version  # unless marked meanwhile

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock, the merge still keeps most marks
            yield
            return
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # --- marks ---

    def is_read(self, item_id: str) -> bool:
        return key_of(item_id) in self._read

    def is_starred(self, item_id: str) -> bool:
        return key_of(item_id) in self._starred

    def read_keys(self) -> set[int]:
        """`key_of` every id marked read (do not modify)."""
        return self._read

    def read_keys_copy(self) -> tuple[int, frozenset[int]]:
        """`read_changes` and `read_keys` as of it, copied (for another thread to count with)."""
        with self._lock:
            return self.read_changes, frozenset(self._read)

    def starred_keys(self) -> set[int]:
        """`key_of` every starred id (do not modify)."""
        return self._starred

    def set_read(self, item_ids: Sequence[str], read: bool = True) -> list[str]:
        """Mark items read or unread; those whose mark changed. Held `MARKS_A_HOLD` at a time
        (800,000 took 3.3 s): other threads' marks and counts go on meanwhile."""
        now = time.time()
        changed: list[str] = []
        for at in range(0, len(item_ids), MARKS_A_HOLD):
            with self._lock:
                for item_id in item_ids[at : at + MARKS_A_HOLD]:
                    key = key_of(item_id)
                    if (key in self._read) != read:
                        self.mine.setdefault(item_id, {})["r"] = [read, now]
                        (self._read.add if read else self._read.discard)(key)
                        changed.append(item_id)
        if changed:
            with self._lock:
                self.changes += 1
                self.read_changes += 1
                self.unsaved = True
        return changed

    def set_star(self, item_id: str, starred: bool, info: dict[str, Any]) -> None:
        with self._lock:
            record = self.mine.setdefault(item_id, {})
            record["s"] = [starred, time.time()]
            if starred:
                record["i"] = info
            (self._starred.add if starred else self._starred.discard)(key_of(item_id))
            self.changes += 1
            self.unsaved = True

    @property
    def theme(self) -> list[Any]:
        return self.settings["theme"]

    def set_theme(self, name: str) -> None:
        self.set("theme", name)

    def set(self, name: str, value: object) -> None:
        """Change a setting (one of `SETTINGS`)."""
        with self._lock:
            self.settings[name] = [value, time.time()]
            self.changes += 1
            self.unsaved = True


def starred_of(items: dict[str, Record]) -> list[tuple[str, dict[str, Any]]]:
    """Starred items (of what `State.read` read), newest star first, with what was saved of them."""
    found = [(r["s"][1], item_id, r.get("i", {})) for item_id, r in items.items() if r.get("s", (False,))[0]]
    return [(item_id, info) for _, item_id, info in sorted(found, reverse=True)]


def _default_settings() -> dict[str, list[Any]]:
    return {name: [default, 0.0] for name, (_, default) in SETTINGS.items()}


def _validated(data: dict[str, Any], path: Path) -> tuple[dict[str, Any], str | None]:
    """The state file's fields, each checked: what has the wrong shape is dropped (and said)."""
    items: dict[str, Record] = {}
    dropped = 0
    for item_id, record in data.get("items", {}).items():
        kept, bad = _record(record)
        dropped += bad
        if kept:
            items[item_id] = kept
    problems = [f"{dropped} mark{'s' * (dropped != 1)} of the wrong shape"] if dropped else []
    settings: dict[str, list[Any]] = {}
    for name, (kind, default) in SETTINGS.items():
        value = data.get(name, [default, 0.0])
        if not is_mark(value, kind):
            problems.append(f"the {name.replace('_', ' ')}")
            value = [default, 0.0]
        settings[name] = value
    warning = f"Left out of {path}: {' and '.join(problems)} (damaged, or from another program)." if problems else None
    return {"items": items, "settings": settings}, warning


def _record(record: object) -> tuple[Record, bool]:
    """An item's well-formed marks, and whether anything was left out."""
    if not isinstance(record, dict):
        return {}, True
    kept: Record = {k: record[k] for k in ("r", "s") if k in record and is_mark(record[k], bool)}
    info = record.get("i")
    if isinstance(info, dict):
        kept["i"] = {k: v for k, v in info.items() if isinstance(v, str | None)}
    bad = len(kept) < sum(k in record for k in ("r", "s", "i")) or (
        isinstance(info, dict) and len(kept["i"]) < len(info)
    )
    return kept, bad


def _merge(disk: dict[str, Record], mine: dict[str, Record]) -> dict[str, Record]:
    merged = dict(disk)
    for item_id, record in mine.items():
        merged[item_id] = _newest(merged.get(item_id), record)
    return merged


def _newest(other: Record | None, record: Record) -> Record:
    """Each mark the newer of the two records' (the second's when as new)."""
    if other is None:
        return record
    combined = dict(other)
    for key in ("r", "s"):
        if key in record and (key not in other or record[key][1] >= other[key][1]):
            combined[key] = record[key]
    if "i" in record and combined.get("s") is record.get("s"):
        combined["i"] = record["i"]
    return combined
