"""The three panes: digests, the items of the selected digest, and the selected item."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from markdown_it.token import Token
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content, Span
from textual.style import Style
from textual.widgets import Markdown
from textual.widgets.markdown import MarkdownBlock

from digesttui import links
from digesttui.model import Digest, Item
from digesttui.render import chunks, item_markdown, problems_markdown
from digesttui.ui.rowlist import RowList

_DATE_PREFIX = re.compile(r"^\d{4}[.-]\d{2}[.-]\d{2}(?:[.-]\d{2})?\s+")
"""A title that starts with its own date repeats the date column; the list leaves it out."""


class DigestList(RowList):
    """Newest first: date and time, title, item count; a file with an error is marked ⚠."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.digests: Sequence[Digest] = ()
        self.new_paths: set[str] = set()

    def show(self, digests: Sequence[Digest], cursor: int) -> None:
        self.digests = digests
        self.set_count(len(digests), cursor)

    def row_text(self, index: int, width: int) -> Text:
        digest = self.digests[index]
        when = digest.date_text()
        text = Text(when[5:] if width < 44 else when, style=self.style("dim"), end="")
        text.append(" ●" if digest.path in self.new_paths else "  ", style=self.style("mark"))
        if digest.has_error:
            name = digest.label.rsplit("/", 1)[-1]
            text.append(f"⚠ {name}", style=self.style("error"))
            return text
        count = f" {len(digest.items)}"
        text.append(_DATE_PREFIX.sub("", digest.title) or digest.title)
        text.truncate(max(0, width - len(count)), overflow="ellipsis", pad=True)
        text.append(count, style=self.style("dim"))
        return text


class ItemList(RowList):
    """Number and headline of each item of one digest."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: Sequence[Item] = ()

    def show(self, items: Sequence[Item], cursor: int) -> None:
        self.items = items
        self.set_count(len(items), cursor)

    def row_text(self, index: int, width: int) -> Text:
        item = self.items[index]
        text = Text(f"{item.n:>2}. ", style=self.style("dim"), end="")
        text.append(item.title)
        return text


_CLICK_LINK = re.compile(r"link\((?P<href>'[^'\\]*'|\"[^\"\\]*\")\)")


def _with_hyperlinks(content: Content) -> Content:
    """Make the http(s) links of rendered Markdown terminal hyperlinks (OSC 8) too.

    Only http(s): the terminal opens an OSC 8 link itself, past the app's link policy."""
    extra = []
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

    def get_block_class(self, block_name: str) -> type[MarkdownBlock]:
        base = super().get_block_class(block_name)
        if base not in self._blocks:

            def to_content(block: MarkdownBlock, token: Token) -> Content:
                return _with_hyperlinks(base._token_to_content(block, token))

            self._blocks[base] = type(base.__name__, (base,), {"_token_to_content": to_content})
        return self._blocks[base]


class DetailPane(VerticalScroll, inherit_bindings=False):
    """The selected item as Markdown.

    Updates are coalesced: while one renders, only the latest request waits, so holding a key
    down renders what the cursor stops on, not every row it passed. A long item is rendered in
    chunks so that the screen never freezes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", show=False, id="detail.down"),
        Binding("k,up", "scroll_up", "Scroll up", show=False, id="detail.up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="detail.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="detail.bottom"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._wanted: tuple[Digest, Item | None] | None = None
        self._shown: tuple[Digest, Item | None] | None = None
        self._busy = False

    def compose(self):  # type: ignore[no-untyped-def]
        yield LinkedMarkdown(id="markdown", open_links=False)

    @property
    def source(self) -> str:
        return self.query_one(Markdown).source

    def show(self, digest: Digest | None, item: Item | None) -> None:
        self._wanted = (digest, item) if digest is not None else None
        if not self._busy:
            self._busy = True
            self.run_worker(self._render_wanted(), group="detail")

    async def _render_wanted(self) -> None:
        markdown = self.query_one(Markdown)
        try:
            while self._wanted != self._shown:
                wanted = self._wanted
                same_place = _place(wanted) == _place(self._shown)
                parts = chunks(_markdown(wanted))
                await markdown.update(parts[0])
                if not same_place:
                    self.scroll_home(animate=False, immediate=True)
                self._shown = wanted
                for part in parts[1:]:
                    if self._wanted != wanted:
                        break
                    await markdown.append(part)
        finally:
            self._busy = False


def _place(shown: tuple[Digest, Item | None] | None) -> tuple[str, str] | None:
    if shown is None:
        return None
    digest, item = shown
    return digest.path, digest.item_id(item) if item else ""


def _markdown(shown: tuple[Digest, Item | None] | None) -> str:
    if shown is None:
        return ""
    digest, item = shown
    return item_markdown(digest, item) if item else problems_markdown(digest)
