"""`/`: search every digest as you type; Enter opens a hit in the panes, Esc goes back."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hits, Provider
from textual.command import Hit as PaletteHit
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.widgets.input import Selection

from digesttui.search import MOST_HITS
from digesttui.text import safe, shorten
from digesttui.ui.frames import HeldFrames
from digesttui.ui.rowlist import PLAIN, Pieces, RowList, focus_now
from digesttui.ui.screens import SCREENS_CSS

if TYPE_CHECKING:
    from digesttui.search import Hit
    from digesttui.ui.app import DigestApp


FIRST_HITS = 100
"""Hits shown first, a screenful and more: any query finds them within 6 ms at 100,000 digests
(a word in one item in twenty took 51-63 ms to find 1,000), then the rest (`MOST_HITS`)."""


class SearchResults(RowList):
    """Hits: the digest's date, the item's headline, and the text around the match."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list[Hit] = []
        self.query_text = ""

    def show(self, hits: list[Hit], query: str) -> None:
        """The hits of a query: the cursor at the top, or where it was if they are more of the same."""
        cursor = self.cursor if query == self.query_text else 0
        self.hits, self.query_text = hits, query
        self.set_count(len(hits), cursor)

    def action_cursor(self, delta: int) -> None:
        if delta < 0 and self.cursor == 0:
            focus_now(self.screen.query_one(Input))  # up from the first hit: back to the query
        else:
            super().action_cursor(delta)

    def on_key(self, event: events.Key) -> None:
        """A key typed in the hits that neither they nor the search bind (a letter, a space; the
        panes' keys too, as in the query): on the query, as if typed there. Typing narrows the hits
        from here too; and a letter typed with the `k` that went back up to the query is not lost
        (it can come here before the focus has moved)."""
        if not (event.is_printable and event.character):
            return
        bound = self.screen.active_bindings.get(event.key)
        if bound is None or bound.node is self.app:
            event.stop()
            query = self.screen.query_one(Input)
            focus_now(query)
            query.insert_text_at_cursor(event.character)

    def row_text(self, index: int, width: int) -> Pieces:
        from digesttui.search import snippet

        digest, item, shown = self.hits[index]
        dim = self.style("dim")
        found = snippet(shown, self.query_text)  # where the match is, when it is in the summary
        return [
            (self.app.reader.when_text(digest) + "  ", dim),  # type: ignore[attr-defined]
            (item.title[: width + 1], PLAIN),
            (f"  {found}" if found else "", dim),
        ]


class SearchScreen(Screen[tuple[str, "Hit | None"]]):
    """Dismissed with the query typed (kept for the next `/`) and the hit chosen, or None."""

    CSS_PATH = SCREENS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="search.back"),
        # priority: acted on as they come, before the query box sees them (its own Enter posts a
        # message; a key it does not bind goes up from it a step later), so that a key typed with
        # them (over SSH, one read of the terminal) goes where they moved the focus
        Binding("down", "results(1)", "Results", show=False, id="search.results", priority=True),
        Binding("up", "results(-1)", "Up", show=False, id="search.up", priority=True),
        Binding("enter", "open", "Open", id="search.open", priority=True),
    ]

    app: DigestApp

    def __init__(self, last_query: str = "") -> None:
        super().__init__()
        self.last_query = last_query
        self._frames = HeldFrames(limit=0.05)
        """Held from a key until its hits are shown: the key and its hits in one frame."""

    def compose(self) -> ComposeResult:
        # its text selected once, as the search opens (`on_mount`), not each time the focus comes back
        yield Input(
            self.last_query, placeholder="Search every headline and summary…", id="query", select_on_focus=False
        )
        yield Static("Type to search; ↓ to the results, Enter opens, Esc goes back.", id="search-status", markup=False)
        results = SearchResults(id="results")
        results.border_title = "Hits"
        yield results
        yield Footer()

    def on_mount(self) -> None:
        query = self.query_one(Input)
        focus_now(query)
        query.selection = Selection(0, len(query.value))  # the last query, replaced by what is typed
        # held as the query changes, not at `Input.Changed`: that comes a message later, and a
        # frame (the letter without its hits) could be drawn in between
        self.watch(query, "value", lambda: self._frames.hold(self.app), init=False)
        self._prepare()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _prepare(self) -> None:
        self.app.reader.search_index()  # built once per snapshot, here rather than at the first key

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._run(event.value, time.monotonic_ns())  # a search takes milliseconds: no need to wait for more keys

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _run(self, query: str, typed: int) -> None:
        search = self.app.reader.search_index()
        hits = search.search(query, FIRST_HITS, typed) if query.strip() else []
        self.app.call_from_thread(self._show, query, hits, len(hits) == FIRST_HITS)
        if len(hits) == FIRST_HITS and (rest := search.search(query, typed=typed)):  # none: a newer query came
            self.app.call_from_thread(self._show, query, rest, False)

    def _show(self, query: str, hits: list[Hit], more: bool) -> None:
        if self.app.screen is not self:
            self._frames.release()
            return  # gone back already
        if query != self.query_one(Input).value:
            return  # typing went on: its hits come next
        self.query_one(SearchResults).show(hits, query)
        shown = shorten(safe(query), 80)
        if not query.strip():
            status = "Type to search; ↓ to the results, Enter opens, Esc goes back."
        elif hits:
            plus = "+" if more or len(hits) >= MOST_HITS else ""
            status = f"{len(hits)}{plus} hit{'s' if len(hits) != 1 else ''} for {shown!r}"
        else:
            status = f"Nothing found for {shown!r}"
        # the query as typed, not markup; one line always: no layout, drawn in the hits' frame
        self.query_one("#search-status", Static).update(Content(status), layout=False)
        self._frames.release()

    def action_results(self, delta: int) -> None:
        """Down from the query to the hits; in the hits, a row (up from the first: the query again,
        its text kept, to go on typing it)."""
        results = self.query_one(SearchResults)
        if self.focused is results:
            results.action_cursor(delta)
        elif delta > 0:
            focus_now(results)

    def action_open(self) -> None:
        results = self.query_one(SearchResults)
        if results.hits:
            self.dismiss((self.query_one(Input).value.strip(), results.hits[results.cursor]))

    def action_back(self) -> None:
        self.dismiss((self.query_one(Input).value.strip(), None))


class GoToDigest(Provider):
    """Command palette: "go to digest" by date or title."""

    async def search(self, query: str) -> Hits:
        app: DigestApp = self.app  # type: ignore[assignment]
        needle = " ".join(query.split()).lower()
        if len(needle) < 2:
            return
        found = 0
        for digest in app.reader.snapshot.digests if app.reader.snapshot else ():
            label = f"{app.reader.when_text(digest)} {digest.shown_title}"
            at = label.lower().find(needle)
            if at == -1:
                continue
            display = Text("Go to digest: ")
            display.append(label[:at])
            display.append(label[at : at + len(needle)], style="bold reverse")
            display.append(label[at + len(needle) :])
            yield PaletteHit(0.9 if at == 0 else 0.7, display, partial(app.go_to_digest, digest.path), text=label)
            found += 1
            if found >= 30:
                return


class CategoryFilters(Provider):
    """Command palette: "Filter: NAME" for every category and tag, shown as written (the names
    come from digests: never read as markup)."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app: DigestApp = self.app  # type: ignore[assignment]
        found: list[tuple[str, str, Callable[[], object]]] = [
            (f"Filter: {name}", "Only digests with this category or tag", partial(app.set_category, name))
            for name in app.reader.category_names()
        ]
        if app.reader.category:
            found.append(("Filter: all digests", "Clear the category filter", partial(app.set_category, None)))
        return found

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield PaletteHit(score, Content(title), callback, text=title, help=help_text)
