"""The detail pane: the selected item rendered as Markdown."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from textual import work
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from digesttui import quickmd
from digesttui.model import Digest, Item
from digesttui.render import digest_markdown, item_markdown
from digesttui.ui.frames import HeldFrames
from digesttui.ui.quickview import QuickMarkdown
from digesttui.ui.rowlist import PANE_BINDINGS

if TYPE_CHECKING:
    from digesttui.ui.markdown import LinkedMarkdown

AT_HAND = 4_000
"""Characters of summary up to which an item of the digest shown is drawn in the frame that moves
the cursor (`show`)."""

BIG = 24_000
"""Characters of Markdown above which an item is rendered in a worker thread (Textual's Markdown
widget needs seconds for 200 KB, and would hold the screen still meanwhile)."""

Shown = tuple[Digest, Item | None, tuple[str, ...]]
"""A digest, its item (None: show the digest's problems), and the words to highlight."""


class RenderedLines(Widget):
    """Lines rendered elsewhere (in a thread), drawn a visible line at a time."""

    DEFAULT_CSS = "RenderedLines { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Strip] = []

    def set_lines(self, lines: list[Strip]) -> None:
        self.lines = lines
        self.styles.height = len(lines)
        self.refresh(layout=True)

    def render_line(self, y: int) -> Strip:
        return self.lines[y] if y < len(self.lines) else Strip.blank(self.size.width)


SCROLL_BINDINGS: list[BindingType] = [
    Binding("j,down", "scroll_down", "Detail: scroll down", show=False, id="detail.down"),
    Binding("k,up", "scroll_up", "Detail: scroll up", show=False, id="detail.up"),
    Binding("g,home", "scroll_home", "Detail: top", show=False, id="detail.top"),
    Binding("G,end", "scroll_end", "Detail: bottom", show=False, id="detail.bottom"),
]
"""Moving in a rendered document: the detail pane and the whole digest (`v`)."""


class DetailPane(VerticalScroll, inherit_bindings=False):
    """The selected item as Markdown.

    Updates are coalesced: while one renders, only the latest request waits, so holding a key
    down renders what the cursor stops on, not every row it passed. A very long item is rendered
    in a worker thread, so that the screen never freezes."""

    BINDINGS: ClassVar[list[BindingType]] = [*SCROLL_BINDINGS, *PANE_BINDINGS]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._wanted: Shown | None = None
        self._shown: Shown | None = None
        self._busy = False
        self._frames = HeldFrames()
        self.source = ""
        """The Markdown now shown."""
        self.highlight: tuple[str, ...] = ()
        """Words to highlight (a search's)."""
        self.when: Callable[[Digest], str] = lambda digest: digest.date_text()
        """A digest's time as shown (the reader's `when_text`)."""
        self.full: Callable[[Digest], Digest] = lambda digest: digest
        """A digest in full, its items with their summaries (the library's `full`: the lists'
        digests are light). Called in a thread."""
        self._full: Digest | None = None
        """The last digest fetched in full."""
        self._quick: QuickMarkdown | None = None
        """What `quickmd` can read, drawn without Textual's Markdown (`_put`)."""
        self.drawn: Callable[[], None] = lambda: None
        """Called each time the pane has drawn what was asked (the app: the first screen is complete)."""

    def hand(self, full: Digest | None) -> None:
        """A digest in full, read before the pane asked (the first screen's, by the prefetch)."""
        self._full = full or self._full

    def full_item(self, digest: Digest | None, item: Item | None) -> Item | None:
        """The item in full, if the pane has its digest in full (the one shown)."""
        if digest is None or item is None or self._full is None or not _same(self._full, digest):
            return None
        return self._full.same_item(item)

    async def _in_full(self, wanted: Shown | None) -> Shown | None:
        """What to show, with the digest and the item in full."""
        if wanted is None:
            return None
        digest, item, highlight = wanted
        full = self._full
        if full is None or not _same(full, digest):
            full = await asyncio.to_thread(self.full, digest)
            self._full = full if full is not digest else None  # not in the catalog (yet): asked again
        return full, (full.same_item(item) or item) if item else None, highlight

    def show(self, digest: Digest | None, item: Item | None) -> None:
        """Show an item (or, without one, the digest's overview and problems): another item of the
        digest in hand in the frame that moves the cursor, any other once the lists have painted."""
        self._wanted = (digest, item, self.highlight) if digest is not None else None
        at_hand = self.full_item(digest, item)
        near = at_hand is not None and len(at_hand.summary) <= AT_HAND
        if near and self._full is not None and at_hand is not None:  # `j` in the items
            text = _markdown((self._full, at_hand, ()), self.when)
            found = quickmd.blocks(text)
            if found is not None:  # drawn with the cursor, without Textual's Markdown: ~1 ms
                if self._shown is not None:  # (its new height is laid out a message after the cursor)
                    self._frames.hold(self.app)  # (not the first frame's: nothing to draw with it)
                self._put(self._wanted, text, found)
                self.call_after_refresh(self._drawn_quickly)
                return
        if self._busy:
            return
        self._busy = True
        if near:  # drawn by Textual's Markdown, its frames held: ~10 ms
            self._frames.hold(self.app)
            self._start_rendering()
        else:  # the cursor drawn first, the item once read
            self.call_after_refresh(self._start_rendering)

    def _drawn_quickly(self) -> None:
        self._frames.release()
        self.refresh()  # (the frames held since: drawn now)
        self.drawn()

    def _put(self, wanted: Shown | None, text: str, found: tuple[quickmd.Block, ...] | None) -> None:
        """Show `text`: drawn from `found` (`quickmd`'s blocks) if there are any, else by Textual's
        Markdown (which has it already)."""
        if found is not None:
            if self._quick is None:
                self._quick = QuickMarkdown(id="quick")
                self.mount(self._quick, before=0 if self.children else None)
            self._quick.update(found, wanted[2] if wanted else ())
            for lines in self.query(RenderedLines):
                lines.set_lines([])
            for note in self.query("#note"):
                note.display = False
        for quick in self.query("#quick"):
            quick.display = found is not None
        for markdown in self.query("#markdown"):
            markdown.display = found is None
        if _place(wanted) != _place(self._shown):
            self.scroll_home(animate=False, immediate=True)
        self._shown, self.source = wanted, text

    def _start_rendering(self) -> None:
        """(The coroutine made only now: one made earlier is never awaited if the app closes first.)"""
        self.run_worker(self._render_wanted(), group="detail")

    @property
    def settled(self) -> bool:
        """Whether what is shown is what was last asked for."""
        return not self._busy and self._shown == self._wanted

    async def _markdown(self) -> LinkedMarkdown:
        from digesttui.ui.markdown import LinkedMarkdown

        found = self.query(LinkedMarkdown)
        if found:
            return found.first()
        # mounted with the first item, after the first paint: an empty pane paints faster
        markdown = LinkedMarkdown(id="markdown", open_links=False)
        await self.mount_all([markdown, RenderedLines(id="big"), Static("", id="note")])
        return markdown

    async def _render_wanted(self) -> None:
        try:
            while self._wanted != self._shown:
                wanted = self._wanted
                text = _markdown(await self._in_full(wanted), self.when)
                if wanted != self._wanted:
                    continue  # the cursor moved on meanwhile (drawn quickly, maybe: `show`)
                found = quickmd.blocks(text) if len(text) <= BIG else None
                if found is None:
                    await self._render_markdown(text, wanted[2] if wanted else ())
                if wanted == self._wanted:
                    self._put(wanted, text, found)
                self._frames.release()  # one item drawn: a key held down still sees frames
        except NoMatches:  # the reader is closing: the pane's widgets are gone already
            pass
        finally:
            self._frames.release()
            self._busy = False
        if self._shown is not None:
            self.call_after_refresh(self.drawn)  # once on screen

    async def _render_markdown(self, text: str, highlight: tuple[str, ...]) -> None:
        """Textual's Markdown given `text` (or, a very long one, Rich in a thread)."""
        big = len(text) > BIG
        markdown = await self._markdown()
        markdown.highlight = highlight
        note = self.query_one("#note", Static)
        self.query_one(RenderedLines).set_lines([])
        note.display = big  # (empty, it would still take a row below the item)
        self.source = text  # (before the big render starts: it is dropped unless this is its text)
        if big:
            kb = len(text.encode()) // 1024
            note.update(f"Rendering a {kb} KB item…")
            self._render_big(text, self.scrollable_content_region.width)
            await markdown.update("")
        else:
            await markdown.update(text)

    def on_resize(self) -> None:
        if len(self.source) > BIG:
            self._render_big(self.source, self.scrollable_content_region.width)

    @work(thread=True, exclusive=True, group="detail-big", exit_on_error=False)
    def _render_big(self, text: str, width: int) -> None:
        self.app.call_from_thread(self._big_rendered, text, rich_lines(text, width))

    def _big_rendered(self, text: str, strips: list[Strip]) -> None:
        if self.source != text or not self.is_attached:
            return  # the cursor moved on, or the reader is closing
        self.query_one("#markdown").display = False
        self.query_one("#note", Static).display = False
        self.query_one(RenderedLines).set_lines(strips)


def rich_lines(text: str, width: int) -> list[Strip]:
    """Markdown rendered by Rich, as lines to draw (in a thread: seconds for a 200 KB text)."""
    from markdown_it import MarkdownIt
    from rich.console import Console
    from rich.markdown import Markdown as RichMarkdown

    from digesttui.mdit import cjk_friendly

    console = Console(width=max(20, width), force_terminal=True, color_system="truecolor", legacy_windows=False)
    markdown = RichMarkdown("", hyperlinks=False)
    # Rich's own parser (CommonMark, strikethrough, tables) with CJK-friendly emphasis, as `mdit` reads the rest
    markdown.markup, markdown.parsed = text, cjk_friendly(MarkdownIt().enable(["strikethrough", "table"])).parse(text)
    lines = console.render_lines(markdown, pad=False)
    return [Strip(Segment.adjust_line_length(line, width)) for line in lines]


def _same(full: Digest, digest: Digest) -> bool:
    return (full.path, full.stamp) == (digest.path, digest.stamp)


def _place(shown: Shown | None) -> tuple[str, str] | None:
    if shown is None:
        return None
    digest, item, _ = shown
    return digest.path, digest.item_id(item) if item else ""


def _markdown(shown: Shown | None, when: Callable[[Digest], str]) -> str:
    if shown is None:
        return ""
    digest, item, _ = shown
    return item_markdown(digest, item, when(digest)) if item else digest_markdown(digest, when(digest))
