"""Textual's Markdown widget, with terminal hyperlinks and highlighting. Imported after the first paint: markdown-it
is not needed to draw the first screen."""

from __future__ import annotations

import re
from typing import ClassVar

from markdown_it.token import Token
from textual.content import Content, Span
from textual.style import Style
from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownBlock

from digesttui import links

_CLICK_LINK = re.compile(r"link\((?P<href>'[^'\\]*'|\"[^\"\\]*\")\)")


HIGHLIGHT = Style(bold=True, reverse=True)


def _decorate(content: Content, highlight: str) -> Content:
    """Make the http(s) links of rendered Markdown terminal hyperlinks (OSC 8) too, and mark
    where `highlight` occurs (case-insensitively).

    Only http(s) links: the terminal opens an OSC 8 link itself, past the app's link policy."""
    extra = []
    if highlight:
        plain, needle = content.plain.lower(), highlight.lower()
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
    """Textual's Markdown (links clickable in the app) whose web links are also OSC 8 hyperlinks."""

    _blocks: ClassVar[dict[type[MarkdownBlock], type[MarkdownBlock]]] = {}
    highlight = ""

    def get_block_class(self, block_name: str) -> type[MarkdownBlock]:
        base = super().get_block_class(block_name)
        if base not in self._blocks:

            def to_content(block: MarkdownBlock, token: Token) -> Content:
                return _decorate(base._token_to_content(block, token), getattr(block._markdown, "highlight", ""))

            self._blocks[base] = type(base.__name__, (base,), {"_token_to_content": to_content})
        return self._blocks[base]
