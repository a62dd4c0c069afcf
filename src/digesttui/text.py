"""Text made safe to show: the one filter every string passes before it reaches the screen or
`--check`'s output, whatever its source (a digest, a file name, the config, the user). Pure."""

from __future__ import annotations

import functools
import re


@functools.cache
def unsafe() -> re.Pattern[str]:
    """Terminal control characters (C0 but tab and newline, ESC, DEL, C1) and the bidi overrides and
    isolates (U+202A-202E, U+2066-2069), which reorder what follows them on screen. (Compiled on
    first use: ~0.5 ms, which the first frame, whose texts are all printable, need not pay.)"""
    return re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Remove terminal control characters and bidi overrides and isolates."""
    return text if text.isprintable() else unsafe().sub("", text)  # (printable: none of them)


def safe(text: str) -> str:
    """`clean`, and a file name's undecodable bytes (lone surrogates) shown as `\\xNN`: the
    result is always valid UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate that no file name gave: show its code
            text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return clean(text)


def shorten(text: str, limit: int = 200) -> str:
    """At most `limit` characters, with `…` where text was cut (a 1 MB link in a message)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
