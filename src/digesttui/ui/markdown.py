"""Textual's Markdown widget, with terminal hyperlinks and highlighting (`quickview.decorate`), reading
as `mdit` does (CJK-friendly emphasis). Imported after the first paint: markdown-it is not needed to
draw the first screen."""

from __future__ import annotations

import functools
import weakref
from typing import Any

from markdown_it.token import Token
from textual.content import Content
from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownBlock

from digesttui.mdit import parser
from digesttui.ui.quickview import decorate


class LinkedMarkdown(Markdown):
    """Textual's Markdown (links clickable in the app) whose web links are also OSC 8 hyperlinks,
    and where `highlight` is marked. Through public hooks only: `get_block_class` gives each block
    a subclass whose `set_content` (what every text block draws) decorates the content first."""

    highlight: tuple[str, ...] = ()

    def __init__(self, markdown: str | None = None, **kwargs: Any) -> None:
        super().__init__(markdown, parser_factory=parser, **kwargs)

    def get_block_class(self, block_name: str) -> type[MarkdownBlock]:
        return _decorated(super().get_block_class(block_name))


@functools.cache
def _decorated(base: type[MarkdownBlock]) -> type[MarkdownBlock]:
    def __init__(self: MarkdownBlock, markdown: Markdown, token: Token, *args: Any, **kwargs: Any) -> None:
        self.document = weakref.ref(markdown)  # type: ignore[attr-defined]
        base.__init__(self, markdown, token, *args, **kwargs)

    def set_content(self: MarkdownBlock, content: Content) -> None:
        base.set_content(self, decorate(content, getattr(self.document(), "highlight", ())))  # type: ignore[attr-defined]

    # made with its base's name: Textual keys styles by the class name given at creation
    return type(base.__name__, (base,), {"__init__": __init__, "set_content": set_content})
