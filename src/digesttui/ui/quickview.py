"""Items drawn without Textual's Markdown widget: blocks read by `quickmd` (what markdown-it
would read), drawn as that widget draws them, so that the first screen needs neither markdown-it
nor the widget (~35 ms to import, ~50 ms to mount and fill, after the first frame), and `j` in
the items draws the next one with the key (that widget mounts a widget a block: 46 -> 21 ms from
key to screen at 1,000 digests). A test holds the two to the same screen. Also the decoration both
use (terminal hyperlinks, search words marked)."""

from __future__ import annotations

import itertools
import re
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content, Span
from textual.geometry import Size
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widget import Widget

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


def _content(block: quickmd.Block, highlight: tuple[str, ...]) -> Content:
    """A block's text as Textual's Markdown builds it from markdown-it's tokens, decorated as
    `LinkedMarkdown` decorates it."""
    spans = [
        Span(s.start, s.end, Style.from_meta({"@click": f"link({s.href!r})"}) if s.style == "link" else f".{s.style}")
        for s in block.spans
    ]
    return decorate(Content(block.text, spans=spans), highlight)


_MARGINS = {"h1": (2, 1), "h2": (2, 1), "p": (0, 1), "hr": (0, 1)}
"""Blank rows above and below a block as Textual's Markdown widget spaces its blocks (its CSS,
Textual 8.2); h3 to h6: one each. Between two blocks the larger counts, as in its layout."""


class QuickMarkdown(Widget):
    """Blocks as Textual's Markdown widget draws them (its CSS, Textual 8.2, as it applies here),
    all drawn by this one widget: a widget a block, as that widget mounts them, cost the first
    frame ~8 ms of styling and drawing, and importing their classes ~3 ms."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"em", "strong", "quick--hr", *(f"quick--h{n}" for n in range(1, 7))}
    DEFAULT_CSS = (
        "QuickMarkdown { height: auto; padding: 0 2 0 2; color: $foreground;"
        " & > .em { text-style: italic; } & > .strong { text-style: bold; } & > .quick--hr { color: $secondary; }"
        + "".join(
            f" & > .quick--h{n} {{ color: $markdown-h{n}-color; background: $markdown-h{n}-background;"
            f" text-style: $markdown-h{n}-text-style; }}"
            for n in range(1, 7)
        )
        + " }"
    )

    class LinkClicked(Message):
        """A link of the text clicked (as Textual's `Markdown.LinkClicked`)."""

        def __init__(self, href: str) -> None:
            super().__init__()
            self.href = href

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.blocks: tuple[quickmd.Block, ...] = ()
        self.highlight: tuple[str, ...] = ()
        """Words to mark (a search's)."""
        self._drawn: tuple[int, list[Strip]] = (-1, [])
        """The width last drawn at, and the rows."""

    def update(self, blocks: tuple[quickmd.Block, ...], highlight: tuple[str, ...]) -> None:
        """Draw these blocks instead."""
        self.blocks, self.highlight, self._drawn = blocks, highlight, (-1, [])
        self.refresh(layout=True)

    def action_link(self, href: str) -> None:
        self.post_message(self.LinkClicked(href))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn = (-1, [])  # (another theme: drawn again in its colours)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._rows(width))

    def render_line(self, y: int) -> Strip:
        rows = self._rows(self.size.width)
        if y >= len(rows):
            return Strip.blank(self.size.width, self.visual_style.rich_style)
        selection = self.text_selection
        span = selection.get_span(y) if selection is not None else None
        if span is not None:  # (the text selected with the mouse, as Textual's own widgets mark it)
            style = self.screen.get_component_rich_style("screen--selection")
            return _marked(rows[y], *span, style).apply_offsets(0, y)
        return rows[y].apply_offsets(0, y)  # (where in the text a mouse press falls)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        text = "\n".join(row.text.rstrip() for row in self._rows(self.size.width))
        return selection.extract(text), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()

    def _rows(self, width: int) -> list[Strip]:
        if self._drawn[0] != width:
            self._drawn = (width, self._draw(width))
        return self._drawn[1]

    def _draw(self, width: int) -> list[Strip]:
        """The blocks' rows at `width`: what each block's widget would draw, spaced as they would be."""
        blank = Strip.blank(width, self.visual_style.rich_style)
        rows: list[Strip] = []
        below = 0
        for block in self.blocks:
            above, below_this = _MARGINS.get(block.kind, (1, 1)) if rows else (0, 0)
            # (the first block: none, as for Markdown the pane's CSS `margin-top: 0` on the first
            # child gives it, which in Textual 8.2 sets its whole margin)
            rows += [blank] * max(below, above)
            below = below_this
            if block.kind == "hr":  # a row of padding, then the bottom border
                rule = self.get_visual_style("quick--hr").rich_style
                rows += [blank, Strip([Segment("─" * width, rule)], width)]
                continue
            style = self.visual_style if block.kind == "p" else self.get_visual_style(f"quick--{block.kind}")
            strips = Visual.to_strips(self, _content(block, self.highlight), width, None, style, apply_selection=False)
            fill = (style + Style(reverse=False)).rich_style
            if block.kind == "h1":  # `content-align: center`
                rows += Strip.align(strips, fill, width, len(strips), "center", "top")
            else:
                rows += [strip.extend_cell_length(width, fill) for strip in strips]
        return [*rows, *[blank] * below]


def _marked(row: Strip, start: int, end: int, style: RichStyle) -> Strip:
    """`row` with its characters `start` to `end` (-1: the end) in `style`, over their own."""
    end = len(row.text) if end == -1 else end
    segments: list[Segment] = []
    at = 0
    for segment in row:
        text, own = segment.text, segment.style
        cuts = sorted({0, min(max(start - at, 0), len(text)), min(max(end - at, 0), len(text)), len(text)})
        for lo, hi in itertools.pairwise(cuts):
            inside = start <= at + lo and at + hi <= end
            segments.append(Segment(text[lo:hi], (own + style if own else style) if inside else own))
        at += len(text)
    return Strip(segments, row.cell_length)
