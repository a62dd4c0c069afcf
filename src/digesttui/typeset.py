"""Line breaking as a Chinese reader expects it. Pure functions, no Textual.

- A line may break between any two CJK characters (Han, kana, Hangul, fullwidth forms) and
  between CJK and Latin text; Latin words (and URLs) stay whole where they fit, and text without
  CJK breaks exactly where a space-only rule would.
- Kinsoku: no line starts with closing punctuation (`，。、；：！？）」』】》…`, and `,.;:!?)` after CJK),
  and no line ends with opening punctuation (`（「『【《`): such a character moves with its neighbour.
- A soft line break between two CJK characters joins them with no space (`join_soft_breaks`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

CLOSING = frozenset("，。、；：！？）」』】》〉〕］｝〙〗…‥・ー々〜～％‰℃")
"""May not start a line."""
CLOSING_AFTER_CJK = frozenset(",.;:!?)]}%")
"""ASCII punctuation that may not start a line when it follows CJK text."""
OPENING = frozenset("（「『【《〈〔［｛〘〖“‘")
"""May not end a line."""


@lru_cache(maxsize=8192)
def is_cjk(ch: str) -> bool:
    """Han, kana, Hangul, CJK symbols and punctuation, fullwidth forms: a line may break around it."""
    code = ord(ch)
    return (
        0x2E80 <= code <= 0x9FFF  # radicals, CJK symbols and punctuation, kana, CJK ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFE30 <= code <= 0xFE4F  # compatibility forms
        or 0xFF00 <= code <= 0xFFEF  # fullwidth and halfwidth forms
        or 0x20000 <= code <= 0x3FFFF  # extension planes
        or (unicodedata.east_asian_width(ch) in ("W", "F") and not ch.isspace())
    )


@lru_cache(maxsize=4096)
def _cells(ch: str) -> int:
    if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cell_len(text: str) -> int:
    """Terminal cells `text` takes (wide characters two)."""
    return len(text) if text.isascii() else sum(map(_cells, text))


def head_in(text: str, room: int) -> tuple[int, int]:
    """How many of `text`'s first characters fit in `room` cells, and the cells they take."""
    if text.isascii():
        cut = max(0, min(len(text), room))
        return cut, cut
    cut = used = 0
    for cells in map(_cells, text):
        if used + cells > room:
            break
        used += cells
        cut += 1
    return cut, used


def _units(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the pieces a line may not be broken inside: a Latin word with the spaces
    after it, or one CJK character (with the spaces after it), kinsoku characters kept with their
    neighbour."""
    n = len(text)
    start = 0
    i = 0
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if i > start and _breakable(text, i):
            yield start, i
            start = i
        i += 1
    if start < n:
        yield start, n


def _breakable(text: str, i: int) -> bool:
    """Whether a line may start at `text[i]` (a non-space character), given what is before it."""
    before = text[i - 1]
    ch = text[i]
    if ch in CLOSING or (ch in CLOSING_AFTER_CJK and _cjk_before(text, i)):
        return False  # closing punctuation stays with what it closes
    prev = _last_visible(text, i)
    if prev is not None and prev in OPENING:
        return False  # opening punctuation stays with what it opens
    if before.isspace():
        return True
    return is_cjk(ch) or (prev is not None and is_cjk(prev))


def _last_visible(text: str, i: int) -> str | None:
    j = i - 1
    while j >= 0 and text[j].isspace():
        j -= 1
    return text[j] if j >= 0 else None


def _cjk_before(text: str, i: int) -> bool:
    prev = _last_visible(text, i)
    return prev is not None and is_cjk(prev)


def break_offsets(text: str, width: int, fold: bool = True) -> list[int]:
    """The character offsets at which to break `text` so that each line fits in `width` cells
    (the contract of Rich's and Textual's `divide_line`)."""
    offsets: list[int] = []
    used = 0
    width = max(1, width)
    for start, end in _units(text):
        unit = text[start:end]
        shown = cell_len(unit.rstrip())
        if used and used + shown > width:
            offsets.append(start)
            used = 0
        if shown > width and fold:  # longer than a line: cut it by cells
            at = start
            for ch_index in range(start, start + len(unit.rstrip())):
                size = cell_len(text[ch_index])
                if used + size > width and ch_index > at:
                    offsets.append(ch_index)
                    used = 0
                used += size
            used += cell_len(unit) - cell_len(unit.rstrip())
            continue
        used += cell_len(unit)
    return [o for o in offsets if o > 0]


_SOFT_BREAK = re.compile(r"[ \t]*\n[ \t]*")


def join_soft_breaks(markdown: str) -> str:
    """Remove a soft line break (and the indentation around it) between two CJK characters:
    Markdown would show it as a space, a stray gap in Chinese (`以内。 更多细节`)."""
    if "\n" not in markdown:
        return markdown
    return _SOFT_BREAK.sub(_joined, markdown)


def _joined(m: re.Match[str]) -> str:
    """A line break found, removed if a CJK character is on each side. (Tested here, not in the
    pattern: lookarounds for characters from U+2E80 on took ~1 ms of start-up to compile.)"""
    text, start, end = m.string, m.start(), m.end()
    if start > 0 and end < len(text) and _cjk_from_2e80(text[start - 1]) and _cjk_from_2e80(text[end]):
        return ""
    return m[0]


def _cjk_from_2e80(ch: str) -> bool:
    return ch > "\u2e7f" and is_cjk(ch)
