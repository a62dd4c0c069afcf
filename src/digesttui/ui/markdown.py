"""Textual's Markdown widget, with terminal hyperlinks and highlighting. Imported after the first paint: markdown-it
is not needed to draw the first screen."""

from __future__ import annotations

import functools
import re
import weakref
from typing import Any

from markdown_it.token import Token
from textual.content import Content, Span
from textual.style import Style
from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownBlock

from digesttui import links

_CLICK_LINK = re.compile(r"link\((?P<href>'[^'\\]*'|\"[^\"\\]*\")\)")


HIGHLIGHT = Style(bold=True, reverse=True)


def _decorate(content: Content, highlight: tuple[str, ...]) -> Content:
    """Make the http(s) links of rendered Markdown terminal hyperlinks (OSC 8) too, and mark
    where each word of `highlight` occurs (case-insensitively).

    Only http(s) links: the terminal opens an OSC 8 link itself, past the app's link policy."""
    extra = []
    plain = content.plain.lower() if highlight else ""
    for needle in highlight:
        at = plain.find(needle)
        while at != -1:
            extra.append(Span(at, at + len(needle), HIGHLIGHT))
            at = plain.find(needle, at + len(needle))
    for span in content.spans:
        style = span.style
        click = style.meta.get("@click", "") if isinstance(style, Style) else ""
        m = _CLICK_LINK.fullmatch(click) if isinstance(click, str) else None
        if m and links.refusal(href := m["href"][1:-1]) is None:
            extra.append(Span(span.start, span.end, Style(link=href)))
    return content.add_spans(extra) if extra else content


class LinkedMarkdown(Markdown):
    """Textual's Markdown (links clickable in the app) whose web links are also OSC 8 hyperlinks,
    and where `highlight` is marked. Through public hooks only: `get_block_class` gives each block
    a subclass whose `set_content` (what every text block draws) decorates the content first."""

    highlight: tuple[str, ...] = ()

    def get_block_class(self, block_name: str) -> type[MarkdownBlock]:
        return _decorated(super().get_block_class(block_name))


@functools.cache
def _decorated(base: type[MarkdownBlock]) -> type[MarkdownBlock]:
    def __init__(self: MarkdownBlock, markdown: Markdown, token: Token, *args: Any, **kwargs: Any) -> None:
        self.document = weakref.ref(markdown)  # type: ignore[attr-defined]
        base.__init__(self, markdown, token, *args, **kwargs)

    def set_content(self: MarkdownBlock, content: Content) -> None:
        base.set_content(self, _decorate(content, getattr(self.document(), "highlight", ())))  # type: ignore[attr-defined]

    # made with its base's name: Textual keys styles by the class name given at creation
    return type(base.__name__, (base,), {"__init__": __init__, "set_content": set_content})
