"""Digest files to `Digest` values: `parse_digest(bytes, path) -> Digest`.

This is the one place untrusted text enters the program. It never raises on bad input (problems
are values) and strips terminal control characters from every string it returns.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any

from digesttui.fields import date_from_name, load_front_matter, timestamp, to_datetime
from digesttui.model import Digest, Item, Link, Problem

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Remove terminal control characters (C0 but tab and newline, ESC, DEL, C1)."""
    return _CONTROL.sub("", text)


# --- items ------------------------------------------------------------------------------------

_BRACKETS = r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]"
_TARGET = r"\(\s*<?((?:[^()\s<>]|\([^()\s]*\))+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
# No look-behind in front: it would cost these patterns their fast scan for the first character.
_LINK = re.compile(_BRACKETS + _TARGET)
_IMAGE = re.compile(r"!" + _BRACKETS + _TARGET)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]\"']+")
_LIST = re.compile(r"( {0,3})(\d{1,9}[.)]|[-*+])(?:([ \t]+)(.*))?")
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_NUMBERED = re.compile(r"(\d{1,4})(?:[.)][ \t]+|、[ \t]*)(.+)")
_ANCHOR = re.compile(r"[ \t]*\{#[^}]*\}[ \t]*$")
_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
_EMPHASIS = re.compile(r"(\*\*|__|~~|`)(.+?)\1")
_SINGLE_EMPHASIS = re.compile(r"(?<!\*)\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)|(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")


_MARKUP = re.compile(r"[\[*_`~<]")


def plain(markdown: str) -> str:
    """Inline Markdown to plain text: links to their text, emphasis and code marks dropped."""
    if not _MARKUP.search(markdown):
        return " ".join(markdown.split())
    text = _IMAGE.sub(lambda m: m[1], markdown)
    text = _LINK.sub(lambda m: m[1], text)
    text = _AUTOLINK.sub(lambda m: m[1], text)
    for _ in range(2):
        text = _EMPHASIS.sub(lambda m: m[2], text)
    text = _SINGLE_EMPHASIS.sub(lambda m: m[1] or m[2], text)
    return " ".join(text.split())


_NOT_BARE = frozenset("(<[/=_") | frozenset(string.ascii_letters + string.digits)


def _links(*parts: str) -> list[Link]:
    """Every link in the parts, in order, once each."""
    found: list[tuple[int, Link]] = []
    offset = 0
    for part in parts:
        found.extend(_links_in(part, offset))
        offset += len(part) + 1
    seen: set[str] = set()
    links = []
    for _, link in sorted(found, key=lambda pair: pair[0]):
        if link.url not in seen:
            seen.add(link.url)
            links.append(link)
    return links


def _links_in(markdown: str, offset: int) -> list[tuple[int, Link]]:
    found: list[tuple[int, Link]] = []
    if "](" in markdown:
        for m in _LINK.finditer(markdown):
            if m.start() == 0 or markdown[m.start() - 1] != "!":  # else an image, not a link
                found.append((offset + m.start(), Link(plain(m[1]) or m[2], m[2])))
    if "://" in markdown:
        for m in _AUTOLINK.finditer(markdown):
            found.append((offset + m.start(), Link(m[1], m[1])))
        for m in _BARE_URL.finditer(markdown):
            if markdown[m.start() - 1 : m.start()] not in _NOT_BARE:  # inside a link or a word
                url = m[0].rstrip(".,;:!?。，；：！？、）》」")
                found.append((offset + m.start(), Link(url, url)))
    return found


def _is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


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
    head = _ANCHOR.sub("", raw.head).strip()
    bold = re.fullmatch(r"(\*\*|__)(.+)\1", head)
    if bold:
        head = bold[2].strip()
    summary = _dedent(raw.body)
    url: str | None = None
    lead = _LINK.match(head)
    if lead:
        title, url = plain(lead[1]), lead[2]
        rest = head[lead.end() :].strip()
        if rest.strip(" -–—:：|"):
            summary = f"{rest}\n\n{summary}" if summary else rest
    else:
        title = plain(head)
    links = _links(head, summary)
    if lead and url and links and links[0] == (title, url):
        links[0] = Link(title, url)  # share the strings: 80,000 items hold a copy less
    if url is None:
        url = next((link.url for link in links if _is_web(link.url)), None)
    return Item(n, title or "(no headline)", url, tuple(links), summary, raw.section)


def _heading_text(m: re.Match[str]) -> str:
    return _ANCHOR.sub("", m[2] or "").strip()


def _scan(lines: list[str]) -> tuple[list[_Raw], str]:
    """Find the items in body lines; also return the first `#` heading (a title, if needed)."""
    numbered_headings = any(
        (m := _HEADING.fullmatch(line)) and len(m[1]) > 1 and _NUMBERED.fullmatch(_heading_text(m))
        for line in lines
        if "#" in line
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
        heading = _HEADING.fullmatch(line) if indent <= 3 and stripped.startswith("#") else None
        if heading:
            level, text = len(heading[1]), _heading_text(heading)
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
        urls = [link.url for link in _links(text)] if "](#" in text else []
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
    return tuple(text for v in value if v is not None and (text := clean(str(v)).strip()))


def parse_digest(data: bytes, path: str, *, mtime_ns: int = 0, size: int | None = None) -> Digest:
    """Parse one digest file. Never raises on bad input: what is wrong is in `problems`."""
    problems: list[Problem] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem("error", f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}", line))
        text = data.decode("utf-8", errors="replace")
    text = clean(text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")

    meta: dict[str, Any] = {}
    body_start = 0
    opener = lines[0].strip() if lines else ""
    if opener in ("---", "+++"):
        closers = ("---", "...") if opener == "---" else ("+++",)
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in closers), None)
        if end is None:
            problems.append(Problem("error", f"front matter opened with '{opener}' on line 1 is never closed", 1))
            body_start = 1
        else:
            body_start = end + 1
            loaded, problem = load_front_matter(opener, "\n".join(lines[1:end]), 2)
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

    title = clean(str(meta.get("title") or "")).strip() or h1 or PurePath(path).stem
    when, date_problem = _pick_date(meta, path, mtime_ns)
    if date_problem:
        problems.append(date_problem)
    return Digest(
        path=path,
        label=clean(path),
        title=" ".join(title.split()),
        date=when,
        sort_key=timestamp(when) if when else 0.0,
        categories=_strings(meta.get("categories"), "categories", problems),
        tags=_strings(meta.get("tags"), "tags", problems),
        items=items,
        problems=tuple(problems),
        size=len(data) if size is None else size,
        mtime_ns=mtime_ns,
    )


def _pick_date(meta: dict[str, Any], path: str, mtime_ns: int) -> tuple[datetime | None, Problem | None]:
    """The front matter's date, else the file name's, else the file's modification time."""
    raw = meta.get("date")
    when = to_datetime(raw)
    if when is not None:
        return when, None
    named = date_from_name(path)
    if raw is None:
        if named is not None:
            return named, None
        why = "no date in the front matter or the file name"
    else:
        why = f"date {clean(str(raw))!r} is not an ISO 8601 date"
    if named is not None:
        return named, Problem("warning", f"{why}; using the date in the file name")
    if mtime_ns:
        return datetime.fromtimestamp(mtime_ns / 1e9), Problem("warning", f"{why}; using the file's modification time")
    return None, Problem("warning", why)
