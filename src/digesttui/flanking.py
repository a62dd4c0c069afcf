"""Which runs of `*`, `_` or `~` may open or close emphasis: CommonMark's rule (markdown-it's
`scanDelims`) with the CJK-friendly amendment proposed for CommonMark (commonmark-spec issue 650,
"CommonMark CJK-friendly Amendments"). Plain CommonMark leaves the asterisks of `**注意：**这里`
and `**“引号”**的说法` showing, because punctuation inside the run meets a letter outside it: a
common way of writing Chinese (a bold label ending in a full-width colon). Under the amendment a
CJK punctuation mark counts as a letter, and a CJK character next to other punctuation as a space
would.

The parser the detail pane draws with (`mdit`) and the first screen's quick reading (`quickmd`)
both ask here, so they read alike. Pure."""

from __future__ import annotations

import unicodedata

ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_WHITESPACE = frozenset("\t\n\v\f\r \xa0\u1680\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}
"""What markdown-it takes for whitespace around a run (the start and end of a line count as one)."""

_QUOTES = frozenset("\u2018\u2019\u201c\u201d")
"""Quotation marks of ambiguous width that a variation selector can make fullwidth (U+FE01)."""
_EMOJI_IDEOGRAPHS = frozenset(
    [0x1F201, 0x1F21A, 0x1F22F, *range(0x1F232, 0x1F237), *range(0x1F238, 0x1F23B), 0x1F250, 0x1F251]
)
"""The enclosed ideographs drawn as emoji by default (Unicode's Emoji_Presentation)."""


def is_punct(ch: str) -> bool:
    """A Unicode punctuation character as CommonMark 0.31 and markdown-it see it (symbols too)."""
    return ch in ASCII_PUNCT or unicodedata.category(ch).startswith(("P", "S"))


def is_cjk(ch: str) -> bool | None:
    """Whether `ch` is a CJK character (East Asian width W, F or H, not an emoji by default; or
    Hangul); None for a character of ambiguous width, which its neighbours decide."""
    code = ord(ch)
    if code < 0x1100:
        return False
    width = unicodedata.east_asian_width(ch)
    if width in ("F", "H"):
        return True
    if width == "W":
        return not _emoji(code)
    if width == "A":
        return None
    return width == "N" and unicodedata.name(ch, "").startswith("HANGUL")


def _emoji(code: int) -> bool:
    """Whether a wide character is drawn as an emoji by default: the wide symbols of U+2300-2BFF
    and U+1F000-1FAFF are, but for most enclosed ideographs."""
    if 0x1F200 <= code <= 0x1F2FF:
        return code in _EMOJI_IDEOGRAPHS
    return 0x2300 <= code <= 0x2BFF or 0x1F000 <= code <= 0x1FAFF


def _selector(ch: str) -> bool:
    """A variation selector that may follow a CJK character (U+FE00-FE0E; not U+FE0F, emoji)."""
    return "\ufe00" <= ch <= "\ufe0e"


def delims(before: str, after: str, split_word: bool) -> tuple[bool, bool]:
    """Whether a run of delimiters may open and whether it may close emphasis, given the text
    `before` it (its last two characters matter: a variation selector is looked through) and the
    character `after` it (" " at the end of the text). `split_word`: `*` and `~`, not `_`."""
    last = before[-1] if before else " "
    main, prev_cjk = last, is_cjk(last)
    if prev_cjk is None:
        prev_cjk = "\U000e0100" <= last <= "\U000e01ef"  # an ideographic variation selector
    if _selector(last) and len(before) > 1:
        base = before[-2]
        if unicodedata.category(base) != "Zs":
            main = base
        prev_cjk = is_cjk(base) or (last == "\ufe01" and base in _QUOTES)
    next_cjk = bool(is_cjk(after))
    last_space, next_space = main in _WHITESPACE, after in _WHITESPACE
    last_punct, next_punct = is_punct(main), is_punct(after)
    last_other, next_other = last_punct and not prev_cjk, next_punct and not next_cjk
    """Punctuation that is not CJK: the only kind CommonMark's rule still looks at."""
    left = not next_space and (not next_other or last_space or last_other or prev_cjk)
    right = not last_space and (not last_other or next_space or next_other or next_cjk)
    return (
        left and (split_word or not right or last_punct),
        right and (split_word or not left or next_punct),
    )
