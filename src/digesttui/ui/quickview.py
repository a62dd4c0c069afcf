"""The first item drawn without Textual's Markdown widget: blocks read by `quickmd` (what
markdown-it would read), drawn as that widget draws them, so that the first screen needs neither
markdown-it nor the widget (~35 ms to import, ~50 ms to mount and fill, after the first frame).
A test holds the two to the same screen. Also the decoration both use (terminal hyperlinks,
search words marked)."""

from __future__ import annotations

import re
from typing import ClassVar

from textual.content import Content, Span
from textual.message import Message
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Static

from digesttui import links, quickmd

_CLICK_LINK = re.compile(r"link\((?P<href>'[^'\\]*'|\"[^\"\\]*\")\)")

HIGHLIGHT = Style(bold=True, reverse=True)


def decorate(content: Content, highlight: tuple[str, ...]) -> Content:
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


def _content(block: quickmd.Block) -> Content:
    """A block's text as Textual's Markdown builds it from markdown-it's tokens."""
    spans = [
        Span(s.start, s.end, Style.from_meta({"@click": f"link({s.href!r})"}) if s.style == "link" else f".{s.style}")
        for s in block.spans
    ]
    return decorate(Content(block.text, spans=spans), ())


class QuickBlock(Static):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"em", "strong", "s", "code_inline"}

    def __init__(self, block: quickmd.Block) -> None:
        super().__init__(_content(block) if block.kind != "hr" else "", expand=True)

    def action_link(self, href: str) -> None:
        self.post_message(QuickMarkdown.LinkClicked(href))


class QuickHeader(QuickBlock):
    pass


class QuickH1(QuickHeader):
    pass


class QuickH2(QuickHeader):
    pass


class QuickH3(QuickHeader):
    pass


class QuickH4(QuickHeader):
    pass


class QuickH5(QuickHeader):
    pass


class QuickH6(QuickHeader):
    pass


class QuickParagraph(QuickBlock):
    pass


class QuickRule(QuickBlock):
    pass


_KINDS: dict[str, type[QuickBlock]] = {
    "h1": QuickH1,
    "h2": QuickH2,
    "h3": QuickH3,
    "h4": QuickH4,
    "h5": QuickH5,
    "h6": QuickH6,
    "p": QuickParagraph,
    "hr": QuickRule,
}


class QuickMarkdown(Widget):
    """Blocks as Textual's Markdown widget draws them (its CSS, Textual 8.2, as it applies here)."""

    DEFAULT_CSS = """
    QuickMarkdown {
        height: auto;
        padding: 0 2 0 2;
        layout: vertical;
        color: $foreground;
        overflow-y: hidden;

        QuickBlock {
            width: 1fr;
            height: auto;
            & > .em { text-style: italic; }
            & > .strong { text-style: bold; }
        }
        QuickHeader { color: $text; margin: 2 0 1 0; }
        QuickH1 {
            content-align: center middle;
            color: $markdown-h1-color;
            background: $markdown-h1-background;
            text-style: $markdown-h1-text-style;
        }
        QuickH2 {
            color: $markdown-h2-color;
            background: $markdown-h2-background;
            text-style: $markdown-h2-text-style;
        }
        QuickH3 {
            color: $markdown-h3-color;
            background: $markdown-h3-background;
            text-style: $markdown-h3-text-style;
            margin: 1 0;
            width: auto;
        }
        QuickH4 {
            color: $markdown-h4-color;
            background: $markdown-h4-background;
            text-style: $markdown-h4-text-style;
            margin: 1 0;
        }
        QuickH5 {
            color: $markdown-h5-color;
            background: $markdown-h5-background;
            text-style: $markdown-h5-text-style;
            margin: 1 0;
        }
        QuickH6 {
            color: $markdown-h6-color;
            background: $markdown-h6-background;
            text-style: $markdown-h6-text-style;
            margin: 1 0;
        }
        & > QuickParagraph { margin: 0 0 1 0; }
        QuickRule {
            border-bottom: solid $secondary;
            height: 1;
            padding-top: 1;
            margin-bottom: 1;
        }
    }
    """

    class LinkClicked(Message):
        """A link of the text clicked (as Textual's `Markdown.LinkClicked`)."""

        def __init__(self, href: str) -> None:
            super().__init__()
            self.href = href

    def __init__(self, blocks: tuple[quickmd.Block, ...], *, id: str | None = None) -> None:
        super().__init__(*(_KINDS[block.kind](block) for block in blocks), id=id)
