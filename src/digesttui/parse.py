"""Digest files to `Digest` values: `parse_digest(bytes, path) -> Digest`.

This is the one place untrusted text enters the program. It never raises on bad input (problems
are values) and strips terminal control characters from every string it returns.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from digesttui.fields import (
    FRONT_MATTER_LIMIT,
    date_from_name,
    has_time,
    load_front_matter,
    name_has_time,
    timestamp,
    to_datetime,
)
from digesttui.inline import plain
from digesttui.items import parts
from digesttui.model import Digest, Problem, stamp_of
from digesttui.text import clean, safe, shorten, unsafe

__all__ = ["clean", "parse_digest", "plain"]


LONG_LINE = 20_000
"""Characters on one line above which `--check` wonders whether the file is what it should be."""

# --- the whole file ---------------------------------------------------------------------------


def _strings(value: Any, name: str, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(Problem("warning", f"'{name}' should be a list or a string, not {type(value).__name__}"))
        return ()
    return tuple(text for v in value if (text := _text(v)))


def parse_digest(data: bytes, path: str, *, mtime_ns: int = 0, size: int | None = None) -> Digest:
    """Parse one digest file. Never raises: what is wrong is in `problems`, and anything that
    goes wrong inside (a bug, a limit of the interpreter) is a problem of this file alone."""
    try:
        return _parse(data, path, mtime_ns, len(data) if size is None else size)
    except Exception as exc:  # total: one file's trouble never stops the others
        why = f"could not be parsed ({type(exc).__name__}: {shorten(clean(str(exc)))})"
        return unreadable(path, why, mtime_ns=mtime_ns, size=len(data) if size is None else size)


def body_of(data: bytes) -> str:
    """The Markdown body of a digest file, made safe to show: everything after its front matter."""
    text = clean(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace").replace("\r\n", "\n"))
    lines = text.split("\n")
    opener, end = _front_matter(lines)
    return "\n".join(lines[end + 1 :]) if opener and end is not None else text


def _front_matter(lines: list[str]) -> tuple[str, int | None]:
    """The front matter's opening line (`---`, `+++`, or "" when there is none) and the index of
    its closing line (None: never closed)."""
    opener = lines[0].strip() if lines else ""
    if opener not in ("---", "+++"):
        return "", None
    closers = ("---", "...") if opener == "---" else ("+++",)
    return opener, next((i for i in range(1, len(lines)) if lines[i].rstrip() in closers), None)


def unreadable(path: str, why: str, *, mtime_ns: int = 0, size: int = 0) -> Digest:
    """A file (or folder) that cannot be read as a digest: listed, with the reason, no items."""
    return _by_name(path, mtime_ns, size, problems=(Problem("error", why),))


def pending(path: str, mtime_ns: int) -> Digest:
    """A file found and not read yet (a cold start of thousands): listed at once, by the date in
    its name, else its modification time; it takes its place when parsed. Its title is its path
    (`Digest.shown_title`: the file's name): a name of its own each, 100,000 of them, left a cold
    load's memory 3-7 MiB larger."""
    return _by_name(path, mtime_ns, -1, pending=True)


def _by_name(path: str, mtime_ns: int, size: int, **rest: Any) -> Digest:
    named = date_from_name(path)
    when = named or (datetime.fromtimestamp(mtime_ns / 1e9) if rest.get("pending") and mtime_ns else None)
    label = safe(path)
    return Digest(
        timed=name_has_time(path) if named else when is not None,
        path=path,
        label=label,
        title=label if rest.get("pending") else safe(os.path.basename(path)),
        date=when,
        sort_key=timestamp(when) if when else 0.0,
        stamp=stamp_of(size, mtime_ns),
        **rest,
    )


def _parse(data: bytes, path: str, mtime_ns: int, size: int) -> Digest:
    problems: list[Problem] = []
    lines = _lines(data, problems)
    meta, body_start = _meta(lines, problems)
    body = parts(lines[body_start:], body_start)
    items = body.items
    problems += body.problems
    if not items and not body.placeholder:
        problems.append(
            Problem(
                "error",
                "no items found: expected a list of headlines such as '1. [Headline](https://…)' "
                "or numbered headings such as '### 1. Headline'",
            )
        )

    title = _text(meta.get("title")) or body.title or safe(os.path.splitext(os.path.basename(path))[0])
    when, timed, date_problem = _pick_date(meta, path, mtime_ns)
    if date_problem:
        problems.append(date_problem)
    return Digest(
        path=path,
        label=safe(path),
        title=" ".join(title.split()),
        date=when,
        sort_key=timestamp(when) if when else 0.0,
        categories=_strings(meta.get("categories"), "categories", problems),
        tags=_strings(meta.get("tags"), "tags", problems),
        items=items,
        problems=tuple(problems),
        stamp=stamp_of(size, mtime_ns),
        description=" ".join(_text(meta.get("description")).split()),
        overview=body.overview,
        timed=timed,
    )


def _lines(data: bytes, problems: list[Problem]) -> list[str]:
    """The file's lines, decoded and made safe to show; what that took is told in `problems`."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem("error", f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}", line))
        text = data.decode("utf-8", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    unsafe = _unsafe_text(text)
    problems += unsafe
    lines = (clean(text) if unsafe else text).split("\n")
    if max(map(len, lines)) > LONG_LINE:
        longest = max(range(len(lines)), key=lambda i: len(lines[i]))
        why = f"a line of {len(lines[longest]):,} characters: is the file what it should be?"
        problems.append(Problem("warning", why, longest + 1))
    return lines


def _meta(lines: list[str], problems: list[Problem]) -> tuple[dict[str, Any], int]:
    """The front matter's fields (none if it has none, or they cannot be read) and the index of
    the body's first line."""
    opener, end = _front_matter(lines)
    if not opener:
        return {}, 0
    if end is None:
        problems.append(Problem("error", f"front matter opened with '{opener}' on line 1 is never closed", 1))
        return {}, 1
    front = "\n".join(lines[1:end])
    if len(front) > FRONT_MATTER_LIMIT:
        kb, limit = len(front) // 1024, FRONT_MATTER_LIMIT // 1024
        problems.append(Problem("error", f"front matter not read: it is {kb:,} KB, over the {limit} KB limit", 2))
        return {}, end + 1
    loaded, problem = load_front_matter(opener, front, 2)
    if problem:
        problems.append(problem)
    elif isinstance(loaded, dict):
        return loaded, end + 1
    elif loaded is not None:
        problems.append(Problem("error", f"front matter is a {type(loaded).__name__}, not a mapping of fields", 2))
    return {}, end + 1


def _unsafe_text(text: str) -> list[Problem]:
    """A warning when terminal control or bidi override characters had to be removed."""
    found = unsafe().search(text)
    if found is None:
        return []
    line = text.count("\n", 0, found.start()) + 1
    code = f"U+{ord(found[0]):04X}"
    return [Problem("warning", f"removed terminal control or bidi characters (the first: {code})", line)]


def _text(value: Any) -> str:
    """A front-matter field meant as text: a string or a number, else nothing."""
    return clean(str(value)).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else ""


def _pick_date(meta: dict[str, Any], path: str, mtime_ns: int) -> tuple[datetime | None, bool, Problem | None]:
    """The front matter's date, else the file name's, else the file's modification time; and
    whether it has a time of day."""
    raw = meta.get("date", meta.get("digest_date"))
    when = to_datetime(raw)
    if when is not None:
        return when, has_time(raw), None
    named = date_from_name(path)
    timed = name_has_time(path)
    if raw is None:
        if named is not None:
            return named, timed, None
        why = "no date in the front matter or the file name"
    else:
        why = f"date {shorten(clean(str(raw)), 60)!r} is not an ISO 8601 date"
    if named is not None:
        return named, timed, Problem("warning", f"{why}; using the date in the file name")
    if mtime_ns:
        when = datetime.fromtimestamp(mtime_ns / 1e9)
        return when, True, Problem("warning", f"{why}; using the file's modification time")
    return None, False, Problem("warning", why)
