"""Digest files to `Digest` values: `parse_digest(bytes, path) -> Digest`.

This is the one place untrusted text enters the program. It never raises on bad input (problems
are values) and strips terminal control characters from every string it returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
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
from digesttui.inline import LINK, find_links, is_web, plain
from digesttui.model import Digest, Item, Link, Problem
from digesttui.text import UNSAFE, clean, safe, shorten

__all__ = ["clean", "parse_digest", "plain"]


LONG_LINE = 20_000
"""Characters on one line above which `--check` wonders whether the file is what it should be."""

# --- items ---------------------------------------------------------------------------------------
# Line patterns, each linear in its line (see `inline` for what that takes).

_LIST = re.compile(r"( {0,3})(\d{1,9}[.)]|[-*+])(?:([ \t]+)(.*))?")
_NUMBERED = re.compile(r"(\d{1,4})(?:[.)][ \t]+|、[ \t]*)(.+)")
_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*+\1){2,}+[ \t]*+")
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")


def _heading(line: str) -> tuple[int, str] | None:
    """An ATX heading's level and text (closing `#`s and a `{#anchor}` dropped), else None."""
    text = line.lstrip(" ")
    if len(line) - len(text) > 3 or not text.startswith("#"):
        return None
    level = len(text) - len(text.lstrip("#"))
    rest = text[level:]
    if level > 6 or (rest and rest[0] not in " \t"):
        return None
    rest = rest.strip(" \t")
    closed = rest.rstrip("#")
    if closed != rest and (not closed or closed[-1] in " \t"):
        rest = closed.rstrip(" \t")
    return level, _strip_anchor(rest)


def _strip_anchor(text: str) -> str:
    """`Headline {#anchor}` -> `Headline`."""
    end = text.rstrip(" \t")
    if not end.endswith("}"):
        return text.strip()
    start = text.find("{#", end.rfind("}", 0, len(end) - 1) + 1)
    return text[:start].strip() if start != -1 else text.strip()


@dataclass
class _Raw:
    """An item as the scanner found it, before it is made into an `Item`."""

    head: str
    body: list[str] = field(default_factory=list)
    section: str = ""
    group: int = 0
    indent: int = 0
    level: int = 0
    kind: str = ""


def _dedent(lines: list[str]) -> str:
    if len(lines) == 1:
        return lines[0].strip()
    lines = [line.expandtabs(4).rstrip() for line in lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    margin = min((len(x) - len(x.lstrip(" ")) for x in lines if x), default=0)
    return "\n".join(x[margin:] for x in lines)


def _make_item(n: int, raw: _Raw) -> Item:
    head = _strip_anchor(raw.head)
    bold = re.fullmatch(r"(\*\*|__)(.+)\1", head)
    if bold:
        head = bold[2].strip()
    summary = _dedent(raw.body)
    url: str | None = None
    lead = LINK.match(head)
    if lead:
        title, url = plain(lead[1]), lead[2]
        rest = head[lead.end() :].strip()
        if rest.strip(" -–—:：|"):
            summary = f"{rest}\n\n{summary}" if summary else rest
    else:
        title = plain(head)
    links = find_links(head, summary)
    if lead and url and links and links[0] == (title, url):
        links[0] = Link(title, url)  # share the strings: 80,000 items hold a copy less
    if url is not None and ":" not in url.split("/", 1)[0]:
        url = None  # a relative link (`/news/abc`, `#top`) is never the source: it leads nowhere from here
    if url is None:
        url = next((link.url for link in links if is_web(link.url)), None)
    return Item(n, title or "(no headline)", url, tuple(links), summary, raw.section)


def _scan(lines: list[str]) -> tuple[list[_Raw], str]:  # noqa: C901 (one pass of a line scanner: the item-format issue replaces it with markdown-it rules)
    """Find the items in body lines; also return the first `#` heading (a title, if needed)."""
    numbered_headings = any(
        (h := _heading(line)) and h[0] > 1 and _NUMBERED.fullmatch(h[1]) for line in lines if "#" in line
    )
    items: list[_Raw] = []
    h1 = ""
    section = ""
    group = 0
    current: _Raw | None = None
    fence = ""
    previous_blank = True
    for line in lines:
        expanded = line.expandtabs(4) if "\t" in line else line
        stripped = expanded.strip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
            if current is not None:
                current.body.append(line)
            continue
        indent = len(expanded) - len(expanded.lstrip(" "))
        inside = current is not None and indent >= max(current.indent, 1)
        fm = _FENCE.match(expanded) if stripped.startswith(("```", "~~~")) else None
        if fm:
            fence = fm[1][:3]
            if current is not None and (numbered_headings or inside):
                current.body.append(line)
            else:
                current = None
                group += 1
            previous_blank = False
            continue
        if not stripped:
            if current is not None:
                current.body.append("")
            previous_blank = True
            continue
        if inside and current is not None and not numbered_headings:
            current.body.append(line)  # the common case: a summary line
            previous_blank = False
            continue
        heading = _heading(line) if indent <= 3 and stripped.startswith("#") else None
        if heading:
            level, text = heading
            number = _NUMBERED.fullmatch(text) if level > 1 else None
            if numbered_headings and number:
                current = _Raw(number[2], section=section, level=level)
                items.append(current)
            elif numbered_headings and current is not None and level > current.level:
                current.body.append(line)
            else:
                current = None
                group += 1
                if level == 1:
                    h1 = h1 or plain(text)
                else:
                    section = plain(text)
        elif stripped[0] in "-*_" and _BREAK.fullmatch(expanded):
            current = None
            group += 1
        elif numbered_headings:
            if current is not None:
                current.body.append(line)
        elif not inside and (marker := _LIST.fullmatch(expanded)):
            kind = marker[2][-1]  # a change of bullet or of ordered delimiter starts a new list
            if current is None or current.kind != kind:
                group += 1
            pad = len(marker[3] or " ")
            content = indent + len(marker[2]) + (pad if pad <= 4 else 1)
            current = _Raw((marker[4] or "").strip(), section=section, group=group, indent=content, kind=kind)
            items.append(current)
        elif current is not None and (indent > 0 or not previous_blank):
            current.body.append(line)
        else:
            current = None
            group += 1
        previous_blank = False
    return items, h1


def _drop_tables_of_contents(raws: list[_Raw]) -> list[_Raw]:
    """A list whose links all point at #fragments is a table of contents, not items."""
    texts: dict[int, list[str]] = {}
    for raw in raws:
        texts.setdefault(raw.group, []).extend([raw.head, *raw.body])
    toc_groups = set()
    for group, lines in texts.items():
        text = "\n".join(lines)
        urls = [link.url for link in find_links(text)] if "](#" in text else []
        if urls and all(url.startswith("#") for url in urls):
            toc_groups.add(group)
    return [raw for raw in raws if raw.group not in toc_groups]


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
    named = date_from_name(path)
    return Digest(
        timed=name_has_time(path),
        path=path,
        label=safe(path),
        title=safe(PurePath(path).name),
        date=named,
        sort_key=timestamp(named) if named else 0.0,
        problems=(Problem("error", why),),
        size=size,
        mtime_ns=mtime_ns,
    )


def _parse(data: bytes, path: str, mtime_ns: int, size: int) -> Digest:
    problems: list[Problem] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem("error", f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}", line))
        text = data.decode("utf-8", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    problems += _unsafe_text(text)
    text = clean(text)
    lines = text.split("\n")
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    if len(lines[longest]) > LONG_LINE:
        why = f"a line of {len(lines[longest]):,} characters: is the file what it should be?"
        problems.append(Problem("warning", why, longest + 1))

    meta: dict[str, Any] = {}
    body_start = 0
    opener, end = _front_matter(lines)
    if opener:
        if end is None:
            problems.append(Problem("error", f"front matter opened with '{opener}' on line 1 is never closed", 1))
            body_start = 1
        else:
            body_start = end + 1
            front = "\n".join(lines[1:end])
            if len(front) > FRONT_MATTER_LIMIT:
                kb, limit = len(front) // 1024, FRONT_MATTER_LIMIT // 1024
                why = f"front matter not read: it is {kb:,} KB, over the {limit} KB limit"
                loaded, problem = None, Problem("error", why, 2)  # type: Any, Problem | None
            else:
                loaded, problem = load_front_matter(opener, front, 2)
            if problem:
                problems.append(problem)
            elif isinstance(loaded, dict):
                meta = loaded
            elif loaded is not None:
                kind = type(loaded).__name__
                problems.append(Problem("error", f"front matter is a {kind}, not a mapping of fields", 2))

    raws, h1 = _scan(lines[body_start:])
    items = tuple(_make_item(n, raw) for n, raw in enumerate(_drop_tables_of_contents(raws), 1))
    if not items:
        problems.append(
            Problem(
                "error",
                "no items found: expected a list of headlines such as '1. [Headline](https://…)' "
                "or numbered headings such as '### 1. Headline'",
            )
        )

    title = _text(meta.get("title")) or h1 or safe(PurePath(path).stem)
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
        size=size,
        mtime_ns=mtime_ns,
        description=" ".join(_text(meta.get("description")).split()),
        timed=timed,
    )


def _unsafe_text(text: str) -> list[Problem]:
    """A warning when terminal control or bidi override characters had to be removed."""
    found = UNSAFE.search(text)
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
