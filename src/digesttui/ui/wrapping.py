"""The one place digest-tui changes how Textual wraps text.

Textual's `Content` (what the Markdown widget and every Static draw) and Rich's `Text` (big items,
rendered by Rich in a thread) break lines with Rich's `divide_line`, which breaks only at spaces:
a Chinese run after a Latin word jumps to the next line whole, and punctuation starts lines. Both
modules import it by name (textual/content.py and rich/text.py, textual pinned at 8.2.8), so
`install` puts `divide_line` below in its place: `typeset.break_offsets` (same contract: text,
width, fold -> offsets), and Rich's own for ASCII text, which it breaks the same way.
`tests/app/test_typeset_app.py` fails loudly if Textual or Rich stop wrapping through it."""

from __future__ import annotations

from collections.abc import Callable

import rich.text
import textual.content

from digesttui.typeset import break_offsets

_spaces_only: Callable[[str, int, bool], list[int]] | None = None
"""The `divide_line` Textual had: ASCII text (no CJK in it) keeps going through it, as fast as before."""


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    if text.isascii() and _spaces_only is not None:
        return _spaces_only(text, width, fold)
    return break_offsets(text, width, fold)


def install() -> None:
    global _spaces_only
    for module in (textual.content, rich.text):
        found = getattr(module, "divide_line", None)
        if found is None:
            raise RuntimeError(f"{module.__name__} no longer wraps with divide_line: see digesttui/ui/wrapping.py")
        if found is not divide_line:
            _spaces_only = found
            module.divide_line = divide_line  # type: ignore[attr-defined]
