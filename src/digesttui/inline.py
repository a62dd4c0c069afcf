"""Inline Markdown, the little the parser needs of it: a headline as plain text, the links of a
text. Pure, and linear in its input: no pattern can scan the rest of a line again from each of
many starting points (a lazy `(.*?)` before a trailing `[ \t]*`, or an opener looking for a closer
that never comes); where a regex could not say it that way, a function does."""

from __future__ import annotations

import re
import string
from collections.abc import Callable

from digesttui.model import Item, Link

# Possessive (`*+`, `++`): what they take is never given back, which changes no match (a shorter
# run never lets the next part match) and scans a run of text at once, not a character at a time:
# a linked headline's link found in 1.6 us, not 4.5.
_BRACKETS = r"\[((?:[^\[\]]++|\[[^\[\]]*+\])*+)\]"
_TARGET = r"\(\s*+<?((?:[^()\s<>]++|\([^()\s]*+\))++)>?(?:\s++(?:\"[^\"]*+\"|'[^']*+'))?\s*+\)"
# No look-behind in front: it would cost these patterns their fast scan for the first character.
LINK = re.compile(_BRACKETS + _TARGET)
_IMAGE = re.compile(r"!" + _BRACKETS + _TARGET)
_AUTOLINK = re.compile(r"<(https?://[^<>\s]+)>")  # no `<` inside: each `<` scans only to the next
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]\"']+")
_MARKUP = re.compile(r"[\[*_`~<]")


def _unpair(line: str, mark: str) -> str:
    """Drop `mark` where it encloses text, left to right (`**bold**` -> `bold`)."""
    out: list[str] = []
    at, size = 0, len(mark)
    while (start := line.find(mark, at)) != -1 and (end := line.find(mark, start + size + 1)) != -1:
        out += (line[at:start], line[start + size : end])
        at = end + size
    out.append(line[at:])
    return "".join(out)


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _star_opens(s: str, i: int) -> bool:
    return (i == 0 or s[i - 1] != "*") and i + 1 < len(s) and not s[i + 1].isspace() and s[i + 1] != "*"


def _star_closes(s: str, i: int) -> bool:
    return i > 0 and not s[i - 1].isspace() and s[i - 1] != "*" and s[i + 1 : i + 2] != "*"


def _under_opens(s: str, i: int) -> bool:
    return (i == 0 or not _word(s[i - 1])) and i + 1 < len(s) and not s[i + 1].isspace()


def _under_closes(s: str, i: int) -> bool:
    return i > 0 and not s[i - 1].isspace() and not (i + 1 < len(s) and _word(s[i + 1]))


def _unsingle(line: str, mark: str, opens: Callable[[str, int], bool], closes: Callable[[str, int], bool]) -> str:
    """Drop single `*` / `_` emphasis marks by CommonMark's flanking rules, in one pass."""
    where: list[int] = []
    at = line.find(mark)
    while at != -1:  # the marks only: a walk over every character would cost search's index
        where.append(at)
        at = line.find(mark, at + 1)
    openers = [i for i in where if opens(line, i)]
    closers = [i for i in where if closes(line, i)]
    drop: list[int] = []
    c = 0
    for o in openers:
        if drop and o <= drop[-1]:
            continue
        while c < len(closers) and closers[c] < o + 2:
            c += 1
        if c == len(closers):
            break
        drop += (o, closers[c])
    if not drop:
        return line
    return "".join(line[a + 1 : b] for a, b in zip([-1, *drop], [*drop, len(line)], strict=True))


def _unemphasize(line: str) -> str:
    for _ in range(2):
        for mark in ("**", "__", "~~", "`"):
            if mark in line:
                line = _unpair(line, mark)
    line = _unsingle(line, "*", _star_opens, _star_closes)
    return _unsingle(line, "_", _under_opens, _under_closes)


def plain(markdown: str) -> str:
    """Inline Markdown to plain text: links to their text, emphasis and code marks dropped."""
    if not _MARKUP.search(markdown):
        return " ".join(markdown.split())
    text = _IMAGE.sub(lambda m: m[1], markdown)
    text = LINK.sub(lambda m: m[1], text)
    text = _AUTOLINK.sub(lambda m: m[1], text)
    return " ".join(" ".join(_unemphasize(line) for line in text.split("\n")).split())


_NOT_BARE = frozenset("(<[/=_") | frozenset(string.ascii_letters + string.digits)


def find_links(*parts: str) -> list[Link]:
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
        for m in LINK.finditer(markdown):
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


def is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def visible(item: Item) -> str:
    """An item's text as the detail pane shows it, near enough to search: headline and summary,
    links and images as their text, no emphasis or code marks. (Not `inline.plain`, which is
    exact and five times slower; this is computed for every item the catalog stores.)"""
    summary = item.summary
    if "](" in summary:
        summary = LINK.sub(_link_text, summary)
    return f"{item.title}\n{summary}".replace("*", "").replace("`", "")


def _link_text(m: re.Match[str]) -> str:
    return m[1]
