"""The config file (TOML, in the platform config dir). Pure: parsing and checking, no Textual.

folders = ["~/digests"]          # read when no PATH is given (after $DIGEST_TUI_DIR)
theme = "nord"                   # a Textual theme; the last one chosen in the app wins
browser = "firefox %s"           # like --browser
mark_read = "delay"              # "delay", "immediately" or "manual"
mark_read_delay = 1.0            # seconds an item is shown before it counts as read
timezone = "local"               # or "Asia/Shanghai"; unset: the zone most digests are written in
max_file_mb = 16                 # larger files are listed with an error, not read

[keys]                           # binding id = keys (see the ? screen for the ids)
"link.open" = "o,enter"
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

MARK_READ = ("delay", "immediately", "manual")


class Config(NamedTuple):
    folders: tuple[str, ...] = ()
    theme: str | None = None
    browser: str | None = None
    mark_read: str = "delay"
    mark_read_delay: float = 1.0
    max_file_mb: float = 16
    timezone: str | None = None
    """"local", an IANA name ("Asia/Shanghai"), or None: the zone most digests are written in."""
    keys: Mapping[str, str] = {}  # read only: one default shared is safe
    path: str = ""
    key_lines: Mapping[str, int] = {}  # read only: one default shared is safe
    """The line of the file where each `[keys]` entry is."""

    def where(self, key_id: str) -> str:
        """`file:line` of a `[keys]` entry, for a message."""
        line = self.key_lines.get(key_id)
        return f"{self.path}:{line}" if line else self.path or "config"

    @property
    def file_limit(self) -> int:
        """Bytes above which a file is not read as a digest."""
        return int(self.max_file_mb * 2**20)


def config_path() -> Path:
    """Where the config file is: $DIGEST_TUI_CONFIG, else the platform config dir."""
    if os.environ.get("DIGEST_TUI_CONFIG"):
        return Path(os.environ["DIGEST_TUI_CONFIG"])
    import platformdirs

    return Path(platformdirs.user_config_dir("digest-tui")) / "config.toml"


def load_config(path: Path | None = None) -> tuple[Config, str | None]:
    """The config, and a message when the file is broken (then the defaults are used, in whole
    or for the broken settings)."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(), None
    except (OSError, UnicodeDecodeError) as exc:
        return Config(), f"{path}: cannot be read ({exc}); using the defaults"
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        where = f"{path}:{m[1]}" if m else str(path)
        return Config(), f"{where}: not valid TOML ({exc}); using the defaults"
    problems: list[str] = []

    def take(name: str, kind: type | tuple[type, ...], default: Any) -> Any:
        value = data.get(name, default)
        if value is not default and not isinstance(value, kind):
            problems.append(f"'{name}' should be {_kind_name(kind)}")
            return default
        return value

    folders = take("folders", list, [])
    if not all(isinstance(f, str) for f in folders):
        problems.append("'folders' should be a list of strings")
        folders = []
    mark_read = take("mark_read", str, "delay")
    if mark_read not in MARK_READ:
        problems.append(f"'mark_read' should be one of {', '.join(MARK_READ)}")
        mark_read = "delay"
    keys = take("keys", dict, {})
    if not all(isinstance(v, str) for v in keys.values()):
        problems.append('every [keys] entry should be a string such as "o,enter"')
        keys = {}
    max_file_mb = take("max_file_mb", (int, float), 16)
    if not 0 < max_file_mb <= 1024:
        problems.append("'max_file_mb' should be a number of megabytes from 0 to 1024")
        max_file_mb = 16
    zone = take("timezone", str, None)
    if zone not in (None, "local") and not _zone_exists(zone):
        problems.append(f'\'timezone\' should be "local" or a zone name such as "Asia/Shanghai", not {zone!r}')
        zone = None
    known = {"folders", "theme", "browser", "mark_read", "mark_read_delay", "max_file_mb", "timezone", "keys"}
    unknown = sorted(set(data) - known)
    if unknown:
        problems.append(f"unknown setting{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
    config = Config(
        folders=tuple(os.path.expanduser(f) for f in folders),
        theme=take("theme", str, None),
        browser=take("browser", str, None),
        mark_read=mark_read,
        mark_read_delay=min(3600.0, max(0.0, float(take("mark_read_delay", (int, float), 1.0)))),
        max_file_mb=float(max_file_mb),
        timezone=zone,
        path=str(path),
        key_lines=_key_lines(text, keys),
        keys=dict(keys),
    )
    message = f"{path}: {'; '.join(problems)}; using the defaults for those" if problems else None
    return config, message


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {list: "a list", str: "a string", dict: "a table", int: "a number", float: "a number"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))


def _key_lines(text: str, keys: dict[str, str]) -> dict[str, int]:
    """Where each `[keys]` entry is written: its line number."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        name = line.split("=", 1)[0].strip().strip('"').strip("'")
        if name in keys and "=" in line:
            lines.setdefault(name, number)
    return lines


def _zone_exists(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True
