"""Front matter and dates of digest files: YAML (a strict fast path, else python-frontmatter's
YAML loader) or TOML, and ISO 8601 or file-name dates. Pure; used by `parse`."""

from __future__ import annotations

import json
import os
import re
import tomllib
from datetime import date, datetime
from typing import Any

import yaml
from frontmatter.default_handlers import SafeLoader, YAMLHandler

from digesttui.model import Problem

# --- front matter -----------------------------------------------------------------------------

_YAML = YAMLHandler()
_FAST_LINE = re.compile(r"([A-Za-z_][\w-]*):(.*)")
FRONT_MATTER_LIMIT = 64 * 1024
"""Characters of front matter above which its fields are not read (a problem, not work)."""
YAML_NODES = 10_000
"""Values front matter may hold once its YAML aliases (`*a`) are expanded: a few hundred bytes of
nested aliases expand to gigabytes (an "alias bomb") when anything walks the result."""
NESTING = 32
"""How deeply front-matter lists and tables may nest."""
_YAML_WORDS = {"null", "~", "true", "false", "yes", "no", "on", "off"}


class _NeedsYaml(Exception):
    pass


def _fast_value(raw: str) -> Any:
    if raw.startswith('"') or (raw.startswith("[") and raw.endswith("]")):
        value = json.loads(raw)  # YAML's double-quoted and flow forms, when they are also JSON
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise _NeedsYaml
        return value
    if raw.startswith("'") and raw.endswith("'") and len(raw) >= 2 and "'" not in raw[1:-1]:
        return raw[1:-1]
    if not raw or raw[0] in "[]{}&*!|>%@`'\"#-?:," or ": " in raw or " #" in raw or raw.lower() in _YAML_WORDS:
        raise _NeedsYaml
    return raw


def _fast_yaml(text: str) -> dict[str, Any]:
    """Plain `key: value` lines without YAML's machinery; `_NeedsYaml` when it is more than that."""
    fields: dict[str, Any] = {}
    for line in text.split("\n"):
        if not line.strip():
            continue
        m = _FAST_LINE.fullmatch(line)
        if m is None:
            raise _NeedsYaml
        try:
            fields[m[1]] = _fast_value(m[2].strip(" \t"))
        except ValueError as exc:  # json
            raise _NeedsYaml from exc
    return fields


def load_front_matter(kind: str, text: str, first_line: int) -> tuple[Any, Problem | None]:
    """Parse front matter text; `first_line` is the file line its first line stands on."""
    if kind == "+++":
        try:
            return tomllib.loads(text), None
        except tomllib.TOMLDecodeError as exc:
            msg = str(exc)
            m = re.search(r"line (\d+)", msg)
            line = first_line + int(m[1]) - 1 if m else first_line
            msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
            return None, Problem("error", f"front matter is not valid TOML: {msg}", line)
        except RecursionError:
            return None, Problem("error", "front matter is not valid TOML: it nests too deeply", first_line)
        except ValueError as exc:  # an integer of thousands of digits, say
            return None, Problem("error", f"front matter is not valid TOML: {exc}", first_line)
    try:
        return _fast_yaml(text), None
    except _NeedsYaml:
        pass
    try:
        _within_budget(text, first_line)
        return _YAML.load(text), None
    except _TooMuch as exc:
        return None, exc.problem
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark is not None else first_line
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, Problem("error", f"front matter is not valid YAML: {what}", line)
    except RecursionError:
        return None, Problem("error", "front matter is not valid YAML: it nests too deeply", first_line)


class _TooMuch(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _within_budget(text: str, first_line: int) -> None:
    """Walk the YAML's events (cheap: no objects are built) and count what loading it would
    build, aliases expanded: `_TooMuch` past `YAML_NODES` values or `NESTING` levels."""

    def too_much(why: str, event: yaml.Event) -> _TooMuch:
        line = first_line + (event.start_mark.line if event.start_mark else 0)
        return _TooMuch(Problem("error", f"front matter not read: {why}", line))

    sizes: dict[str, int] = {}
    stack: list[list[Any]] = [[None, 0]]  # per open collection: its anchor, values so far
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([event.anchor, 1])
            if len(stack) > NESTING + 1:
                raise too_much(f"it nests deeper than {NESTING} levels", event)
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, size = stack.pop()
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, sizes.get(event.anchor or "", 1)
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        else:
            continue
        if anchor:
            sizes[anchor] = size
        stack[-1][1] += size
        if stack[-1][1] > YAML_NODES:
            raise too_much(f"with its aliases (*name) expanded it holds over {YAML_NODES:,} values", event)


# --- dates ------------------------------------------------------------------------------------

_NAME_DATE = re.compile(r"(\d{4})[-.](\d{2})[-.](\d{2})(?:[-.T_ ](\d{2})(?!\d))?")


def to_datetime(value: Any) -> datetime | None:
    """A front-matter date (datetime, date or ISO 8601 string) as a datetime, else None."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?", text):
            try:
                return datetime.fromisoformat(text)
            except ValueError:
                return None
    return None


def has_time(value: Any) -> bool:
    """Whether a front-matter date says the time of day (a bare date does not)."""
    if isinstance(value, datetime):
        return True
    if isinstance(value, date):
        return False
    return not isinstance(value, str) or re.search(r"\d[T ]\d{2}:\d{2}", value) is not None


def name_has_time(path: str) -> bool:
    m = _NAME_DATE.search(os.path.basename(path))
    return m is not None and m[4] is not None


def date_from_name(path: str) -> datetime | None:
    """`YYYY-MM-DD[-HH]` or `YYYY.MM.DD.HH` in a file name."""
    m = _NAME_DATE.search(os.path.basename(path))
    if m is None:
        return None
    try:
        return datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0))
    except ValueError:
        return None


def timestamp(when: datetime) -> float:
    try:
        return when.timestamp()
    except (OverflowError, ValueError, OSError):
        return 0.0
