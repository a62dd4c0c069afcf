"""The one place digest-tui changes how Textual wraps text.

Textual's `Content` (what the Markdown widget and every Static draw) and Rich's `Text` (big items,
rendered by Rich in a thread) break lines with Rich's `divide_line`, which breaks only at spaces:
a Chinese run after a Latin word jumps to the next line whole, and punctuation starts lines. Both
modules import it by name (textual/content.py and rich/text.py, textual pinned at 8.2.8), so
`install` puts `typeset.break_offsets` (same contract: text, width, fold -> offsets) in its place.
`tests/app/test_typeset_app.py` fails loudly if Textual or Rich stop wrapping through it."""

from __future__ import annotations

import rich.text
import textual.content

from digesttui.typeset import break_offsets


def install() -> None:
    for module in (textual.content, rich.text):
        if not hasattr(module, "divide_line"):
            raise RuntimeError(f"{module.__name__} no longer wraps with divide_line: see digesttui/ui/wrapping.py")
        module.divide_line = break_offsets  # type: ignore[attr-defined]
