"""The Textual app: three panes over a `Library`. It shows snapshots and sends work to workers;
it never reads or writes digest files itself."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.content import Content
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from digesttui.config import Config
from digesttui.library import Library, Snapshot
from digesttui.model import Digest, Item
from digesttui.resources import resource
from digesttui.state import State, state_path
from digesttui.text import safe, shorten
from digesttui.ui.detail import DetailPane
from digesttui.ui.linkactions import LinkActions
from digesttui.ui.lists import DigestList, ItemList
from digesttui.ui.reading import ReadingActions
from digesttui.ui.rowlist import RowList

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.theme import Theme

    from digesttui.search import SearchIndex


def _go_to_digest() -> type[Provider]:
    from digesttui.ui.search import GoToDigest  # loaded when the palette opens

    return GoToDigest


def _filters() -> type[Provider]:
    from digesttui.ui.search import CategoryFilters

    return CategoryFilters


class DigestApp(ReadingActions, LinkActions):
    TITLE = "digest-tui"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = App.COMMANDS | {_go_to_digest, _filters}
    CSS_PATH = str(resource("styles") / "digest-tui.tcss")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (Textual declares it so)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Keys", id="help"),
        Binding("slash", "search", "Search", id="search"),
        Binding("n", "next_unread(1)", "Next unread", id="unread.next"),
        Binding("N", "next_unread(-1)", "Previous unread", show=False, id="unread.previous"),
        Binding("h,left", "pane(-1)", "Pane left", show=False, id="pane.left"),
        Binding("l,right", "pane(1)", "Pane right", show=False, id="pane.right"),
        Binding("enter", "pane(1)", "Open", show=False, id="pane.enter"),
        Binding("space,pagedown", "page_detail(1)", "Page down", show=False, id="detail.page_down"),
        Binding("b,pageup", "page_detail(-1)", "Page up", show=False, id="detail.page_up"),
        Binding("o", "open_link", "Open link", id="link.open"),
        Binding("c,y", "copy_link", "Copy link", id="link.copy"),
        Binding("O", "pick_link('open')", "Open which link", show=False, id="link.pick_open"),
        Binding("C", "pick_link('copy')", "Copy which link", show=False, id="link.pick_copy"),
        Binding("Y", "copy_item", "Copy item as Markdown", show=False, id="item.copy"),
        Binding("m", "toggle_read", "Mark read / unread", show=False, id="item.toggle_read"),
        Binding("M", "mark_digest_read", "Mark the digest read", show=False, id="digest.mark_read"),
        Binding("s", "toggle_star", "Star / unstar", show=False, id="item.star"),
        Binding("S", "toggle_filter('starred')", "Only starred items", show=False, id="filter.starred"),
        Binding("u", "toggle_filter('unread')", "Only digests with unread", show=False, id="filter.unread"),
        Binding("f", "pick_category", "Filter by category or tag", show=False, id="filter.category"),
        Binding("r", "reload", "Reload", id="reload"),
    ]

    class LibraryChanged(Message):
        """The library has a new snapshot (from loading, watching or a reload)."""

        def __init__(self, snapshot: Snapshot) -> None:
            super().__init__()
            self.snapshot = snapshot

    def __init__(
        self,
        roots: list[str],
        *,
        samples: bool = False,
        cache_dir: str | None = None,
        watch: bool = True,
        poll: bool = False,
        browser: str | None = None,
        config: Config | None = None,
        config_problem: str | None = None,
        state: State | None = None,
    ) -> None:
        super().__init__()
        self.config = config or Config()
        self.library = Library(roots, cache_dir, self.config.file_limit)
        self.samples = samples
        self.watching = watch
        self.poll = poll
        self.config_problem = config_problem
        self.browser = browser or self.config.browser
        self.state = state or State(state_path())
        self.snapshot: Snapshot | None = None
        self.loaded = False
        self.digest: Digest | None = None
        self.item: Item | None = None
        self.shown_digests: tuple[Digest, ...] = ()
        """The digests the filters let through, in the digest list."""
        self.shown_items: tuple[Item, ...] = ()
        self.only_unread = False
        self.only_starred = False
        self.category: str | None = None
        self.unread: dict[str, int] = {}
        self.unread_total = 0
        self.highlight = ""
        self._index: SearchIndex | None = None
        self._read_timer: Timer | None = None
        self._save_timer: Timer | None = None
        self._stop = threading.Event()
        self._follow_newest = True
        """While the library loads, the digest cursor stays on the newest digest found so far,
        until the reader moves it or goes to another pane."""
        self.exit_notices: list[str] = []
        """What to tell on the terminal once the screen is given back (a save that failed)."""

    def compose(self) -> ComposeResult:
        yield Static("digest-tui: loading…", id="header", markup=False)
        digests, items, detail = DigestList(id="digests"), ItemList(id="items"), DetailPane(id="detail")
        digests.border_title, items.border_title, detail.border_title = "Digests", "Items", "Detail"
        digests.unread = self.unread
        digests.moved, items.moved = self._digest_moved, self._select_item
        items.marks = self._item_marks
        yield from (digests, items, detail)  # no containers: each one costs the first paint

    def on_mount(self) -> None:
        self.query_one(DigestList).focus()
        self.call_after_refresh(self._after_first_frame)
        if self.config.keys:
            self.set_keymap(self.config.keys)
        self._apply_theme(self.config.theme)
        if self.config_problem:
            self.notify(self.config_problem, title="Config", severity="warning", timeout=15)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    async def _after_first_frame(self) -> None:
        """Paint first, then the rest: the collector (`digest-tui` starts with it paused), the
        library, and the key hints."""
        gc.enable()
        self.load_library()
        from textual.widgets import Footer

        await self.mount(Footer(), after="#header")  # before the panes: it splits off its row first
        self.screen.refresh_bindings()  # the footer fills in when told the keys (focus is set by now)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification, whatever it quotes (a headline, a path, a link, the config), shows
        its text as written: never as markup, never with control characters, never 1 MB long."""
        super().notify(shorten(safe(message), 600), title=safe(title), severity=severity, timeout=timeout, markup=False)

    def exit(self, *args: Any, **kwargs: Any) -> None:
        self.stop_workers()
        super().exit(*args, **kwargs)

    def stop_workers(self) -> None:
        """Stop a load in progress and the watcher at once (they look at this between files)."""
        self._stop.set()

    def on_unmount(self) -> None:
        self.stop_workers()
        if not self.state.unsaved:
            return
        try:
            self.state.save()  # the last marks, on the way out (a worker might not get to run)
        except Exception as exc:  # a read-only or full disk: said once the terminal is back
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.exit_notices.append(f"warning: could not save read marks to {safe(str(self.state.path))}: {why}")

    # --- the library and the state, in workers ---

    def _publish(self, snapshot: Snapshot) -> None:
        self.post_message(self.LibraryChanged(snapshot))

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def load_library(self) -> None:
        try:
            if not self.loaded:
                self.state.load()
                self.call_from_thread(self._state_loaded)
            self._publish(self.library.load(progress=self._publish, stop=self._stop))
            if self._stop.is_set():
                return
            self.library.save()
        except Exception as exc:  # a bug: said, never a reader left on "loading…" in silence
            self.notify(f"Loading the digests failed: {type(exc).__name__}: {exc}", severity="error", timeout=30)
        if self.watching and not self._stop.is_set():
            self.call_from_thread(self.watch_library)

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def watch_library(self) -> None:
        from digesttui.watch import watch_library  # watchfiles: not needed for the first paint

        def tell(message: str) -> None:
            self.notify(message, title="Watching", severity="warning", timeout=15)

        watch_library(self.library, self._publish, self._stop, poll=self.poll, tell=tell)

    def _state_loaded(self) -> None:
        if self.state.warning:
            self.notify(self.state.warning, title="Read marks", severity="warning", timeout=20)
        self._apply_theme(self.state.theme[0])
        self._marks_changed(save=False)

    @work(thread=True, group="state", exit_on_error=False)
    def save_state(self) -> None:
        try:
            self.state.save()
        except Exception as exc:  # never in silence: the marks are kept and saved again later
            self.notify(f"Could not save read marks to {self.state.path}: {exc}", severity="error", timeout=10)
            return
        if not self._stop.is_set():
            self.call_from_thread(self._marks_changed, False)  # another reader's marks may have come in

    def action_reload(self) -> None:
        self.notify("Reloading…", timeout=1)
        self.load_library()

    def on_digest_app_library_changed(self, message: LibraryChanged) -> None:
        snapshot, previous = message.snapshot, self.snapshot
        if previous is not None and snapshot.seq < previous.seq:
            return  # a slower worker's older news
        self.snapshot = snapshot
        self._index = None
        digests = self.query_one(DigestList)
        if self.loaded and previous is not None:
            before = {d.path for d in previous.digests}
            added = {d.path for d in snapshot.digests} - before
            if added:
                digests.new_paths |= added
                count = len(added)
                self.notify(f"{count} new digest{'s' if count != 1 else ''}", title="Digests arrived")
        if snapshot.notice:
            self.notify(snapshot.notice, timeout=5)
        first_complete = snapshot.complete and not self.loaded
        self.loaded = self.loaded or snapshot.complete
        self._refilter()
        self._follow_newest = self._follow_newest and not snapshot.complete
        if first_complete:
            # Hundreds of thousands of long-lived objects: keep the cycle collector from walking
            # them all (a pause the screen would show); refcounting still frees them. Once only:
            # what is cyclic garbage at that moment stays, and later changes are small.
            gc.freeze()

    # --- filters and counts ---

    def _refilter(self) -> None:
        """Apply the filters to the snapshot and show the result, keeping the reader's place."""
        self._count_unread()
        digests = self.snapshot.digests if self.snapshot else ()
        if self.category:
            digests = tuple(d for d in digests if self.category in d.categories or self.category in d.tags)
        if self.only_unread:
            digests = tuple(d for d in digests if self.unread.get(d.path))
        if self.only_starred:
            digests = tuple(d for d in digests if any(self._starred(d, i) for i in d.items))
        self.shown_digests = digests
        index = self._place_of(digests)
        self.query_one(DigestList).show(digests, index)
        self._select_digest(index, keep=True)
        self._update_header()

    def _place_of(self, digests: tuple[Digest, ...]) -> int:
        """Where the digest cursor belongs now: on the same digest, else its neighbour."""
        if self.digest is None or self._follow_newest:
            return 0
        for index, digest in enumerate(digests):
            if digest.path == self.digest.path:
                return index
        return min(self.query_one(DigestList).cursor, max(0, len(digests) - 1))

    def _update_header(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        home = os.path.expanduser("~")
        where = (
            "bundled samples"
            if self.samples
            else ", ".join(safe("~" + r[len(home) :] if r.startswith(home + os.sep) else r) for r in snap.roots)
        )
        unread = self.unread_total
        text = f"digest-tui — {where} — {len(snap.digests):,} digests, {snap.item_count:,} items, {unread:,} unread"
        shown = [
            name
            for name, on in (
                ("unread only", self.only_unread),
                ("starred only", self.only_starred),
                (f"category: {self.category}", self.category),
            )
            if on
        ]
        if shown:
            text += f" — showing {len(self.shown_digests):,} ({', '.join(shown)})"
        if not snap.complete:
            text += f" — loading {len(snap.digests):,}/{snap.total:,}"
        if snap.missing_roots:
            text += " — waiting for " + ", ".join(map(safe, snap.missing_roots)) + " to appear"
        elif not snap.digests and snap.complete:
            text += " — no digests here yet (*.md, *.markdown)"
        self.query_one("#header", Static).update(Content(text))

    # --- selection ---

    def _select_digest(self, index: int, keep: bool = False, item_index: int | None = None) -> None:
        digest = self.shown_digests[index] if 0 <= index < len(self.shown_digests) else None
        previous, previous_item = self.digest, self.item
        self.digest = digest
        item_list = self.query_one(ItemList)
        if digest is None:
            self.shown_items = ()
            item_list.show(None, (), 0)
            self._select_item(-1)
            return
        self.query_one(DigestList).new_paths.discard(digest.path)
        if previous is not None and previous.path != digest.path:
            self.highlight = ""  # a search's highlight belongs to the digest it opened
        items = digest.items
        if self.only_starred:
            items = tuple(i for i in items if self._starred(digest, i))
        self.shown_items = items
        cursor = item_index or 0
        if item_index is None and keep and previous is not None and previous.path == digest.path and previous_item:
            cursor = _same_item(items, previous_item)
        item_list.show(digest, items, cursor)
        self._select_item(cursor)

    def _select_item(self, index: int) -> None:
        digest = self.digest
        self.item = self.shown_items[index] if digest and 0 <= index < len(self.shown_items) else None
        detail = self.query_one(DetailPane)
        detail.highlight = self.highlight
        detail.show(digest, self.item)
        self._start_read_timer()

    def _digest_moved(self, index: int) -> None:
        self._follow_newest = False
        self._select_digest(index)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if not isinstance(event.widget, DigestList):
            self._follow_newest = False  # reading the items or the detail: the digest stays put

    def _go_to(self, digest_index: int, item_index: int) -> None:
        self._follow_newest = False
        self.query_one(DigestList).jump(digest_index)
        self._select_digest(digest_index, item_index=item_index)

    # --- moving around ---

    def action_pane(self, step: int) -> None:
        panes = [self.query_one(DigestList), self.query_one(ItemList), self.query_one(DetailPane)]
        focused = self.focused
        current = next((i for i, p in enumerate(panes) if focused is p or (focused and p in focused.ancestors)), 0)
        panes[max(0, min(current + step, len(panes) - 1))].focus()

    def action_page_detail(self, direction: int) -> None:
        detail = self.query_one(DetailPane)
        if direction > 0:
            detail.scroll_page_down(animate=False)
        else:
            detail.scroll_page_up(animate=False)

    def action_help(self) -> None:
        from digesttui.ui.screens import HelpScreen

        self.push_screen(HelpScreen(all_bindings()))

    # --- themes and the command palette ---

    def _apply_theme(self, name: str | None) -> None:
        if name and name != self.theme:
            if name in self.available_themes:
                self.theme = name
            else:
                self.notify(f"There is no theme called {name!r}.", severity="warning")

    def _theme_changed(self, theme: Theme) -> None:
        if self.state.theme[0] != theme.name:
            self.state.set_theme(theme.name)
            self._marks_changed()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[type-arg]
        from digesttui.ui.screens import key_label

        yield from super().get_system_commands(screen)
        for binding in all_bindings():
            if binding.action not in ("quit", "help") and binding.description:
                callback = partial(self.run_action, binding.action, self)
                # the palette reads this as markup, and the keys may come from the config
                yield SystemCommand(binding.description, escape(f"Key: {safe(key_label(binding.key))}"), callback)

    def category_names(self) -> list[str]:
        """Every category and tag of the library, sorted."""
        return sorted({n for d in (self.snapshot.digests if self.snapshot else ()) for n in (*d.categories, *d.tags)})


def _same_item(items: tuple[Item, ...], old: Item) -> int:
    """The index of the item that was selected before its digest changed: by URL, else number."""
    if old.url:
        for index, item in enumerate(items):
            if item.url == old.url:
                return index
    return max(0, min(old.n - 1, len(items) - 1))


def all_bindings() -> list[Binding]:
    found: list[Binding] = []
    for owner in (DigestApp, RowList, DetailPane):
        found.extend(b for b in owner.BINDINGS if isinstance(b, Binding))
    return found
