"""What the reader has read and starred, and its settings (the theme, unread only). Pure Python,
no Textual.

Kept in a JSON file in the platform state dir. Every mark carries the time it was made, and a
save merges with what is on disk (newest mark wins, field by field) under a file lock: two
readers open at once keep each other's marks. Writes are atomic (temporary file, fsync, rename),
so a crash or `kill -9` at any moment leaves the old file or the new one, whole. A file that
cannot be read is moved aside, with a warning, and the reader starts afresh."""

from __future__ import annotations

import contextlib
import math
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from digesttui.files import atomic_write
from digesttui.model import key_of

FORMAT = 1
SETTINGS: dict[str, tuple[type, Any]] = {"theme": (str, None), "unread_only": (bool, False)}
"""Settings kept with the marks (the newest choice wins when two readers merge): type, default."""
Record = dict[str, Any]
"""One item's marks: {"r": [read, when], "s": [starred, when], "i": {what to export}}."""


def state_path() -> Path:
    if os.environ.get("DIGEST_TUI_STATE"):
        return Path(os.environ["DIGEST_TUI_STATE"])
    import platformdirs

    return Path(platformdirs.user_state_dir("digest-tui")) / "state.json"


class State:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: dict[str, Record] = {}
        self.settings: dict[str, list[Any]] = _default_settings()
        """Each setting as `[value, when chosen]`."""
        self.warning: str | None = None
        self._lock = threading.Lock()
        self.changes = 0
        """Counts every change, so that views know when to recount."""
        self.read_changes = 0
        """Counts the changes that may have changed what is read: views recount unread items
        only after those."""
        self.unsaved = False
        """Whether a mark was made since the last save."""
        self.loaded = False
        """Whether the file has been read (`load`)."""
        self._read_keys: tuple[int, set[int]] = (-1, set())
        """`key_of` the ids marked read, as of `read_changes`."""

    # --- reading and writing ---

    def load(self) -> State:
        return self.take(*self.read())

    def take(self, data: dict[str, Any], warning: str | None, read_keys: set[int] | None = None) -> State:
        """What `read` read (here, or in a process apart: `cli.read_ahead`), as the marks in effect;
        with `read_keys_of` its items, if worked out there (the first screen's unread counts need
        them: ~1 us a mark, on the first frame's path otherwise)."""
        self.warning = warning
        with self._lock:
            self.items, self.settings = data["items"], data["settings"]
            self.changes += 1
            self.read_changes += 1
            if read_keys is not None:
                self._read_keys = (self.read_changes, read_keys)
            self.loaded = True
        return self

    def read(self) -> tuple[dict[str, Any], str | None]:
        """The file's marks and settings, and what to tell about it (damaged: moved aside)."""
        import json

        empty: dict[str, Any] = {"items": {}, "settings": _default_settings()}
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return empty, None
        except OSError as exc:
            return empty, f"Cannot read {self.path} ({exc.strerror}); read marks start empty."
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
            return empty, f"{self.path} was damaged ({exc}); moved it to {aside.name} and started afresh."
        return _validated(data, self.path)

    def save(self) -> None:
        """Merge with what is on disk (another reader's marks) and write it atomically."""
        import json

        with self._file_lock():
            disk, _ = self.read()
            with self._lock:
                merged = _merge(disk["items"], self.items)
                settings = {k: max(disk["settings"][k], self.settings[k], key=lambda s: s[1]) for k in SETTINGS}
                self.read_changes += merged != self.items  # another reader's marks came in
                self.items, self.settings = merged, settings
                self.changes += 1
                version = self.changes
                blob = json.dumps(
                    {"format": FORMAT, **settings, "items": merged}, ensure_ascii=False, separators=(",", ":")
                ).encode()
            atomic_write(str(self.path), blob)
            with self._lock:
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
        record = self.items.get(item_id)
        return bool(record and record.get("r", (False,))[0])

    def read_keys(self) -> set[int]:
        """`key_of` every id marked read (kept up to date by `set_read`, built again after any
        other change of what is read; do not modify)."""
        with self._lock:
            if self._read_keys[0] != self.read_changes:
                self._read_keys = (self.read_changes, read_keys_of(self.items))
            return self._read_keys[1]

    def read_keys_copy(self) -> tuple[int, frozenset[int]]:
        """`read_changes` and `read_keys` as of it, copied (for another thread to count with)."""
        keys = self.read_keys()
        with self._lock:
            return self.read_changes, frozenset(keys)

    def starred_keys(self) -> set[int]:
        """`key_of` every starred id."""
        with self._lock:
            return {key_of(i) for i, r in self.items.items() if r.get("s", (False,))[0]}

    def is_starred(self, item_id: str) -> bool:
        record = self.items.get(item_id)
        return bool(record and record.get("s", (False,))[0])

    def set_read(self, item_ids: list[str], read: bool = True) -> bool:
        """Mark items read or unread; whether anything changed."""
        now = time.time()
        changed = []
        with self._lock:
            for item_id in item_ids:
                if self.is_read(item_id) != read:
                    self.items.setdefault(item_id, {})["r"] = [read, now]
                    changed.append(item_id)
            if changed:
                version, keys = self._read_keys
                self.changes += 1
                self.read_changes += 1
                self.unsaved = True
                if version == self.read_changes - 1:  # kept up to date, not built again
                    (keys.update if read else keys.difference_update)(map(key_of, changed))
                    self._read_keys = (self.read_changes, keys)
        return bool(changed)

    def set_star(self, item_id: str, starred: bool, info: dict[str, Any]) -> None:
        with self._lock:
            record = self.items.setdefault(item_id, {})
            record["s"] = [starred, time.time()]
            if starred:
                record["i"] = info
            self.changes += 1
            self.unsaved = True

    def starred(self) -> list[tuple[str, dict[str, Any]]]:
        """Starred items, newest star first, with what was saved of them."""
        found = [(r["s"][1], item_id, r.get("i", {})) for item_id, r in self.items.items() if self.is_starred(item_id)]
        return [(item_id, info) for _, item_id, info in sorted(found, reverse=True)]

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


def read_keys_of(items: dict[str, Record]) -> set[int]:
    """`key_of` every id these marks say is read."""
    return set(map(key_of, (i for i, r in items.items() if r.get("r", (False,))[0])))


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
        if not _mark(value, kind):
            problems.append(f"the {name.replace('_', ' ')}")
            value = [default, 0.0]
        settings[name] = value
    warning = f"Left out of {path}: {' and '.join(problems)} (damaged, or from another program)." if problems else None
    return {"items": items, "settings": settings}, warning


def _mark(value: object, kind: type) -> bool:
    """`[value, when]`: a value of `kind` (or None), and a finite time."""
    return (
        isinstance(value, list)
        and len(value) == 2
        and (value[0] is None or isinstance(value[0], kind))
        and isinstance(value[1], int | float)
        and not isinstance(value[1], bool)
        and math.isfinite(value[1])
    )


def _record(record: object) -> tuple[Record, bool]:
    """An item's well-formed marks, and whether anything was left out."""
    if not isinstance(record, dict):
        return {}, True
    kept: Record = {k: record[k] for k in ("r", "s") if k in record and _mark(record[k], bool)}
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
        other = merged.get(item_id)
        if other is None:
            merged[item_id] = record
            continue
        combined = dict(other)
        for key in ("r", "s"):
            if key in record and (key not in other or record[key][1] >= other[key][1]):
                combined[key] = record[key]
        if "i" in record and combined.get("s") is record.get("s"):
            combined["i"] = record["i"]
        merged[item_id] = combined
    return merged
