"""The Textual app: three panes that draw a `Reader` (digesttui.reader) and send it what the user
does. File work runs in workers; the app never reads or writes digest files itself.

Longer than our ~400 lines on purpose: it is the key bindings and one short method an action
(tell the reader, draw what changed); splitting it would bring back the mixins it replaced."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from importlib import import_module
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.command import Provider
from textual.content import Content
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from digesttui.config import Config
from digesttui.library import Library, Snapshot
from digesttui.reader import Arrival, Counts, Reader
from digesttui.resources import resource
from digesttui.snapview import View
from digesttui.state import State, state_path
from digesttui.text import safe, shorten
from digesttui.ui import linkactions, wrapping
from digesttui.ui.detail import DetailPane
from digesttui.ui.keys import APP_BINDINGS, all_bindings, keymap_problems
from digesttui.ui.lists import DigestList, ItemList
from digesttui.ui.rowlist import RowList, focus_now

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.theme import Theme

    from digesttui.model import Digest, Item
    from digesttui.search import Hit


FIRST_SCREEN_WAIT = 2.0
"""Seconds the load waits at most for the first screen to be drawn before it reads the rest."""
FOOTER_LATEST = 0.5
"""Seconds after the first frame by which the key hints are shown (see `_mount_footer`)."""
ARRIVALS_TOLD_AFTER = 0.5
"""Seconds without more digests arriving before the new ones are told: a burst that the watcher
gives in two batches or more (a copy of many files, on a busy machine) is one notice, not
"199 new digests", then "1 new digest". The lists show each batch at once."""
PREFETCH_WAIT = 0.1
"""Seconds the first frame waits at most for the entry point's prefetch (the first screen and
the read marks, read while Textual was imported), else it is drawn empty and filled in after."""


def _go_to_digest() -> type[Provider]:
    from digesttui.ui.search import GoToDigest  # loaded when the palette opens

    return GoToDigest


def _filters() -> type[Provider]:
    from digesttui.ui.search import CategoryFilters

    return CategoryFilters


class DigestApp(App[None]):
    TITLE = "digest-tui"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = App.COMMANDS | {_go_to_digest, _filters}
    CSS_PATH = str(resource("styles") / "digest-tui.tcss")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (Textual declares it so)
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    class LibraryChanged(Message):
        """The library has a new snapshot (from loading, watching or a reload), with the reader's
        view of it (made in the worker)."""

        def __init__(self, view: View) -> None:
            super().__init__()
            self.view = view

    class StateLoaded(Message):
        """The read marks and settings are read (before the first snapshot comes)."""

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
        library: Library | None = None,
        on_painted: Callable[[], object] = lambda: None,
        on_loaded: Callable[[], object] = lambda: None,
    ) -> None:
        super().__init__()
        wrapping.install()  # Chinese text broken where a Chinese reader expects
        self.config = config or Config()
        self.library = library or Library(roots, cache_dir, self.config.file_limit)
        self.samples = samples
        self.watching = watch
        self.poll = poll
        self.config_problem = config_problem
        self.browser = browser or self.config.browser
        self.state = state or State(state_path())
        self.reader = Reader(self.state, self.config.timezone)
        self.reader.catalog = lambda: self.library.catalog  # the search's: the lists' digests are light
        self.on_painted, self.on_loaded = on_painted, on_loaded
        """The entry point's hooks: after the first frame, after the library's first full load."""
        self._read_timer: Timer | None = None
        self._save_timer: Timer | None = None
        self._stop = threading.Event()
        """Set when the app closes: a load in progress stops."""
        self._watch_stop = threading.Event()
        """Set to stop the watcher that runs now (the app closes, or `r` starts another)."""
        self._first_screen = threading.Event()
        """Set once the detail pane has drawn something: the first screen is complete."""
        self._state_shown = False
        """Whether the read marks and settings have been taken (`_state_loaded`)."""
        self._last_notice: tuple[str, str, float] = ("", "", 0.0)
        self._arrived = 0
        """Digests arrived and not yet told (`ARRIVALS_TOLD_AFTER`)."""
        self._arrivals_timer: Timer | None = None
        self.keys_in_effect: dict[str, str] = {}
        """The config's `[keys]` remaps that apply (binding id -> keys)."""
        self.exit_notices: list[str] = []
        """What to tell on the terminal once the screen is given back (a save that failed)."""

    def compose(self) -> ComposeResult:
        yield Static("digest-tui: loading…", id="header", markup=False)
        digests, items, detail = DigestList(id="digests"), ItemList(id="items"), DetailPane(id="detail")
        digests.border_title, items.border_title, detail.border_title = "Digests", "Items", "Detail"
        digests.facts, items.marks = self.reader.digest_facts, self.reader.item_marks
        digests.when, digests.title_of, detail.when = (
            self.reader.when_text,
            self.reader.row_title,
            self.reader.when_text,
        )
        detail.full, detail.drawn = self.library.full, self._drawn
        digests.moved, items.moved = self._digest_moved, self._item_moved
        yield from (digests, items, detail)  # no containers: each one costs the first paint

    def on_mount(self) -> None:
        self.query_one(DigestList).focus()
        self._take_first_screen()
        self.call_after_refresh(self._after_first_frame)
        if self.config.keys:
            keymap, bad = keymap_problems(self.config.keys)
            self.set_keymap(keymap)
            self.keys_in_effect = keymap
            for binding_id, why in bad:
                self.notify(f"{self.config.where(binding_id)}: {why}; that key is left as it was", title="Config")
        self._apply_theme(self._theme_wanted())
        if self.config_problem:
            self.notify(self.config_problem, title="Config", severity="warning", timeout=15)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _take_first_screen(self) -> None:
        """The newest digests in the first frame, if the entry point's prefetch has read them
        (and the read marks) by now."""
        first = self.library.first_screen(PREFETCH_WAIT)
        if first is None:
            return
        self.query_one(DetailPane).hand(self.library.first_in_full())
        if self.state.loaded:
            self._state_loaded()
        self._take(self.reader.take(first))

    async def _after_first_frame(self) -> None:
        """Paint first, then the rest: the library and the key hints."""
        self.on_painted()
        # The detail's Markdown (markdown-it, Textual's Markdown widget: ~35 ms to import), imported
        # now, as the detail's first render starts: imported before the first frame, it delayed it.
        threading.Thread(target=import_module, args=("digesttui.ui.markdown",), daemon=True).start()
        self.load_library()
        self.set_timer(FOOTER_LATEST, self._mount_footer)

    def _drawn(self) -> None:
        """The detail pane has drawn what it was asked: the first screen is complete."""
        if not self._first_screen.is_set():
            self._first_screen.set()
            self.call_later(self._mount_footer)

    async def _mount_footer(self) -> None:
        """The key hints, once the first screen is complete (mounting them costs the detail's
        first drawing ~40 ms in a trace), or after `FOOTER_LATEST` seconds (a reader with nothing to show)."""
        from textual.widgets import Footer

        if not self.screen_stack:
            return  # closing
        main = self.screen_stack[0]  # (another screen may be on top by now: `?`)
        if main.query(Footer):
            return
        await main.mount(Footer(), after="#header")  # before the panes: it splits off its row first
        main.refresh_bindings()  # the footer fills in when told the keys (focus is set by now)

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
        its text as written: never as markup, never with control characters, never 1 MB long. The
        same notification again while it is on screen is not stacked under itself."""
        text, title = shorten(safe(message), 600), safe(title)
        seconds = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        now = time.monotonic()
        if self._last_notice[:2] == (text, title) and now < self._last_notice[2]:
            return
        self._last_notice = (text, title, now + seconds)
        super().notify(text, title=title, severity=severity, timeout=seconds, markup=False)

    def exit(self, *args: Any, **kwargs: Any) -> None:
        self.stop_workers()
        super().exit(*args, **kwargs)

    def stop_workers(self) -> None:
        """Stop a load in progress and the watcher at once (they look at these between files)."""
        self._stop.set()
        self._watch_stop.set()

    def on_unmount(self) -> None:
        self.stop_workers()
        if self.state.unsaved:
            self._save_on_the_way_out()  # the last marks (a worker might not get to run)

    def _save_on_the_way_out(self) -> None:
        try:
            self.state.save()
        except Exception as exc:  # a read-only or full disk: said once the terminal is back
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.exit_notices.append(f"warning: could not save read marks to {safe(str(self.state.path))}: {why}")

    # --- the library and the state, in workers ---

    def _publish(self, snapshot: Snapshot) -> None:
        """(In a worker.)"""
        self.post_message(self.LibraryChanged(self.reader.view(snapshot)))

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def load_library(self, reloading: bool = False) -> None:
        try:
            if not self._state_shown:
                self.library.prefetched()  # which may be reading the state (the entry point's)
                if not self.state.loaded:
                    self.state.load()
                self.post_message(self.StateLoaded())  # handled before the snapshots that follow
            snapshot = self.library.load(progress=self._publish, stop=self._stop, first_shown=self._first_shown)
            self._publish(snapshot)
            self.state.keep_keys()  # for the next start, if read from the file this time
            if self._stop.is_set():
                return
            if reloading:
                self.notify(f"Reloaded: {len(snapshot.digests):,} digests.", timeout=3)
        except Exception as exc:  # a bug: said, never a reader left on "loading…" in silence
            self.notify(f"Loading the digests failed: {type(exc).__name__}: {exc}", severity="error", timeout=30)
        if self.watching and not self._stop.is_set():
            self.call_from_thread(self._start_watching)
        self.library.index(self._stop)  # the search's, built once the rest is done

    def _start_watching(self) -> None:
        """One watcher at a time: the one running (if any) is told to stop first."""
        self._watch_stop.set()
        self._watch_stop = threading.Event()
        if not self._stop.is_set():
            self.watch_library(self._watch_stop)

    @work(thread=True, group="watch", exit_on_error=False)
    def watch_library(self, stop: threading.Event) -> None:
        from digesttui.watch import watch_library  # watchfiles: not needed for the first paint

        def tell(message: str) -> None:
            self.notify(message, title="Watching", severity="warning", timeout=15)

        watch_library(self.library, self._publish, stop, poll=self.poll, tell=tell)

    def _first_shown(self) -> None:
        """Wait (in the loading worker) until the first screen is drawn, its first item in the
        detail pane: reading the rest of the catalog meanwhile would only delay it."""
        self._first_screen.wait(FIRST_SCREEN_WAIT)

    def on_digest_app_state_loaded(self) -> None:
        self._state_loaded()

    def _state_loaded(self) -> None:
        self._state_shown = True
        if self.state.warning:
            self.notify(self.state.warning, title="Read marks", severity="warning", timeout=20)
        self._apply_theme(self._theme_wanted())
        self.reader.settings_loaded()
        self._show_digests()
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
        self._watch_stop.set()  # the reload starts a watcher of its own when it is done
        self.load_library(reloading=True)

    def on_digest_app_library_changed(self, message: LibraryChanged) -> None:
        self._take(self.reader.take(message.view))

    def _take(self, arrival: Arrival | None) -> None:
        if arrival is None:
            return
        if arrival.added:
            self._arrived += arrival.added
            if self._arrivals_timer is not None:
                self._arrivals_timer.stop()
            self._arrivals_timer = self.set_timer(ARRIVALS_TOLD_AFTER, self._tell_arrivals)
        if arrival.notice:
            self.notify(arrival.notice, timeout=5)
        self._show_digests()
        if arrival.first_complete:
            self.on_loaded()

    def _tell_arrivals(self) -> None:
        count, self._arrived, self._arrivals_timer = self._arrived, 0, None
        self.notify(f"{count} new digest{'s' if count != 1 else ''}", title="Digests arrived")

    # --- drawing the reader ---

    def _show_digests(self) -> None:
        """The digest list, and the rest (after a change of snapshot or filter)."""
        self.query_one(DigestList).show(self.reader.digests, self.reader.digest_index, self.reader.empty_digests())
        self._show_items()
        self._show_header()

    def _show_items(self) -> None:
        reader = self.reader
        self.query_one(ItemList).show(reader.digest, reader.items, reader.item_index, reader.empty_items())
        self._show_item()
        wanted = reader.wanted_heads()
        if wanted and reader.waiting:
            self._read_heads(wanted)
        elif wanted:  # only the neighbours': after the screen is drawn
            self.call_after_refresh(self._read_heads, wanted)

    @work(thread=True, group="heads", exit_on_error=False)
    def _read_heads(self, digests: list[Digest]) -> None:
        """Item lists from the catalog (the lists' digests are light): the selected digest's and
        its neighbours'."""
        found = self.library.heads(digests)
        self.call_from_thread(self._heads_arrived, [(d, found.get(d.path, ())) for d in digests])

    def _heads_arrived(self, found: list[tuple[Digest, tuple[Item, ...]]]) -> None:
        if self.reader.heads_arrived(found):
            self._show_items()

    def _show_item(self) -> None:
        if self.reader.waiting:
            return  # the detail shows what it showed until the item list is in hand: no flicker
        detail = self.query_one(DetailPane)
        detail.highlight = self.reader.highlight
        detail.show(self.reader.digest, self.reader.item)
        self._start_read_timer()

    def _show_header(self) -> None:
        # (one line always: no layout, so that it is drawn in the same frame as the lists)
        self.query_one("#header", Static).update(Content(self.reader.status(self.samples)), layout=False)

    def _digest_moved(self, index: int) -> None:
        self.reader.move_digest(index)
        self._show_items()

    def _item_moved(self, index: int) -> None:
        self.reader.select_item(index)
        self._show_item()

    def go_to_digest(self, path: str) -> None:
        """Select a digest, clearing the filters that hide it."""
        if self.reader.go_to_digest(path):
            self._show_digests()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if not isinstance(event.widget, DigestList):
            self.reader.follow_newest = False  # reading the items or the detail: the digest stays put
        self._start_read_timer()  # into the items or the detail: the item is open

    def _reading(self) -> bool:
        """Whether the selected item is open: the focus is on the items or the detail."""
        focused = self.focused
        return focused is not None and any(isinstance(w, ItemList | DetailPane) for w in (focused, *focused.ancestors))

    # --- moving around ---

    def action_pane(self, step: int) -> None:
        panes = [self.query_one(DigestList), self.query_one(ItemList), self.query_one(DetailPane)]
        focused = self.focused
        current = next((i for i, p in enumerate(panes) if focused is p or (focused and p in focused.ancestors)), 0)
        focus_now(panes[max(0, min(current + step, len(panes) - 1))])

    def action_open(self) -> None:
        """Enter: one pane to the right; on an item, that opens it (it counts as read now)."""
        if isinstance(self.focused, ItemList) and self.config.mark_read != "manual":
            self._mark([item_id] if (item_id := self.reader.unread_item()) else [])
        self.action_pane(1)

    def action_page_detail(self, direction: int) -> None:
        """A page of the detail; Space at its end goes on to the next unread item (mutt)."""
        detail = self.query_one(DetailPane)
        if direction > 0 and detail.scroll_y >= detail.max_scroll_y and detail.settled:
            self.action_next_unread(1)
        elif direction > 0:
            detail.scroll_page_down(animate=False)
        else:
            detail.scroll_page_up(animate=False)

    def action_next_digest(self, step: int) -> None:
        """J / K from any pane; the focus stays where it is."""
        self.reader.move_digest(self.reader.digest_index + step)
        self.query_one(DigestList).jump(self.reader.digest_index)
        self._show_items()

    def action_view_digest(self) -> None:
        if self.reader.digest is not None:
            from digesttui.ui import whole

            whole.show(self, self.reader.digest, self.reader.when_text(self.reader.digest), self.config.file_limit)

    def action_pager(self) -> None:
        if self.reader.digest is not None:
            from digesttui.ui import whole

            whole.page(self, self.reader.digest.path)

    def action_help(self) -> None:
        from digesttui.ui.screens import HelpScreen

        self.push_screen(HelpScreen(all_bindings(self.keys_in_effect)))

    # --- marks, filters and search ---

    def _marks_changed(self, save: bool = True) -> None:
        if not self.reader.count_here():  # (many marked at once, or another reader's marks came in)
            self._count_apart()
        self._show_counts()
        if save:
            if self._save_timer is not None:
                self._save_timer.stop()
            self._save_timer = self.set_timer(0.5, self.save_state)

    def _show_counts(self) -> None:
        for pane in (self.query(DigestList), self.query(ItemList)):
            pane.refresh()  # a query: the reader may be closing, its panes gone
        if self.query("#header"):
            self._show_header()

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def _count_apart(self) -> None:
        """The unread counts counted afresh, off the screen's thread (`Reader.count_apart`)."""
        counts = self.reader.count_apart()
        if not self._stop.is_set():
            self.call_from_thread(self._counts_made, counts)

    def _counts_made(self, counts: Counts) -> None:
        if not self.reader.take_counts(counts):
            if self.reader.counts_due:
                self._count_apart()  # marked again meanwhile, or another snapshot: again
            return
        if self.reader.only_unread:
            self._show_digests()
        else:
            self._show_counts()

    def _start_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        item_id, policy = self.reader.unread_item(), self.config.mark_read
        if item_id is None or policy == "manual" or not self._reading():
            return  # skimming the digests marks nothing: an item is read once it is open
        if policy == "immediately":
            self._mark([item_id])
        else:
            self._read_timer = self.set_timer(self.config.mark_read_delay, partial(self._mark, [item_id]))

    def _mark(self, item_ids: list[str]) -> None:
        if self.reader.mark(item_ids):
            self._marks_changed()

    def action_next_unread(self, step: int) -> None:
        went = self.reader.next_unread(step)
        if went is None:
            self.notify("No unread items.", timeout=3)
            return
        self.query_one(DigestList).jump(self.reader.digest_index)
        self._show_items()
        if went:
            self.notify(went, timeout=3)

    def action_undo(self) -> None:
        undo = self.reader.undo()
        if undo is None:
            self.notify("Nothing to undo.", timeout=3)
        elif not self.reader.many(undo[0]):
            self._mark_here(*undo, read=False)
        else:  # (seconds, for many: ~4 us an item)
            self._mark_apart(*undo, read=False)

    def action_mark_all_read(self) -> None:
        from digesttui.ui.screens import Confirm

        count, digests = self.reader.unread_shown()
        if not count:
            self.notify("Nothing shown is unread.", timeout=3)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._mark_shown_read(self.reader.digests, self.reader.shown_read_told())

        question = f"Mark {count:,} unread item{'s' * (count != 1)} in {digests:,} digest{'s' * (digests != 1)} read?"
        self.push_screen(Confirm(question), confirmed)

    @work(thread=True, group="marks", exit_on_error=False)
    def _mark_shown_read(self, digests: tuple[Digest, ...], told: str) -> None:
        """`A`: the ids of the items of every digest shown, read from the catalog, marked read."""
        found = self.library.heads(list(digests))
        ids = [d.item_id(i) for d in digests for i in found.get(d.path, d.items)]
        if not self.reader.many(ids):
            self.call_from_thread(self._mark_here, ids, told)
        else:
            self._mark_many(ids, told, read=True)

    def _mark_here(self, ids: list[str], told: str, read: bool = True) -> None:
        self.reader.mark(ids, read)
        self._told(told)

    @work(thread=True, group="marks", exit_on_error=False)
    def _mark_apart(self, ids: list[str], told: str, read: bool) -> None:
        self._mark_many(ids, told, read)

    def _mark_many(self, ids: list[str], told: str, read: bool) -> None:
        """(In a worker: seconds for 800,000.) Many marks made, then the rest in the screen's thread."""
        self.notify(f"Marking {len(ids):,} items {'read' if read else 'unread'}…", timeout=3)
        changed = self.reader.mark_apart(ids, read)
        if not self._stop.is_set():
            self.call_from_thread(self._took_marks, changed, told, read)
        elif changed:  # quit meanwhile: saved here, the last save having come before these marks were all made
            self._save_on_the_way_out()  # (the process waits for this thread before it ends)

    def _took_marks(self, changed: list[str], told: str, read: bool) -> None:
        self.reader.marked_apart(changed, read)
        self._told(told)

    def action_toggle_read(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
        if self.reader.toggle_read():
            self._marks_changed()

    def action_mark_digest_read(self) -> None:
        self._told(self.reader.mark_digest_read())

    def action_toggle_star(self) -> None:
        self._with_full_item(lambda full: self._told(self.reader.toggle_star(full)))

    def _told(self, message: str | None) -> None:
        """After a change of marks: show it, and say what happened."""
        if message:
            self._marks_changed()
            self.notify(message, timeout=3)

    def action_toggle_filter(self, which: str) -> None:
        self.reader.toggle_filter(which)
        self._show_digests()

    def set_category(self, category: str | None) -> None:
        self.reader.set_category(category)
        self._show_digests()

    def action_pick_category(self) -> None:
        from digesttui.ui.screens import CategoryPicker

        def chosen(choice: str | None) -> None:
            if choice is not None:
                self.set_category(choice or None)

        self.push_screen(CategoryPicker(self.reader.category_counts(), self.reader.category), chosen)

    def action_search(self) -> None:
        from digesttui.ui.search import SearchScreen

        self.push_screen(SearchScreen(self.reader.last_query), self._open_hit)

    def _open_hit(self, found: tuple[str, Hit | None] | None) -> None:
        self.reader.drop_search_index()
        if found is not None:
            self.reader.last_query = found[0]
        if found is None or found[1] is None:
            return
        self.reader.open_hit(found[0], found[1])
        self.query_one(DigestList).jump(self.reader.digest_index)
        self._show_digests()
        focus_now(self.query_one(ItemList))

    # --- links (digesttui.ui.linkactions) ---

    def action_open_link(self) -> None:
        if url := linkactions.source_link(self, self.reader.item):
            linkactions.open_url(self, url, self.browser)

    def action_copy_link(self) -> None:
        if url := linkactions.source_link(self, self.reader.item):
            linkactions.copy_text(self, url, "the link")

    def action_copy_item(self) -> None:
        self._with_full_item(partial(linkactions.copy_item, self))

    def action_pick_link(self, verb: str) -> None:
        self._with_full_item(lambda full: linkactions.pick_link(self, full, verb, self.browser))

    def _with_full_item(self, then: Callable[[Item | None], None]) -> None:
        """`then`, given the selected item in full (summary, links): the detail pane's, else
        read from the catalog in a thread."""
        digest, item = self.reader.digest, self.reader.item
        full = self.query_one(DetailPane).full_item(digest, item)
        if full is not None or digest is None or item is None:
            then(full or item)
        else:
            self._fetch_full(digest, item, then)

    @work(thread=True, group="full", exit_on_error=False)
    def _fetch_full(self, digest: Digest, item: Item, then: Callable[[Item | None], None]) -> None:
        self.call_from_thread(then, self.library.full(digest).same_item(item) or item)

    def on_markdown_link_clicked(self, message: Any) -> None:
        message.stop()
        linkactions.open_url(self, message.href, self.browser)

    on_quick_markdown_link_clicked = on_markdown_link_clicked

    # --- themes and the command palette ---

    def _theme_wanted(self) -> str | None:
        """The theme last chosen in the reader (the state's), else the config's (the config's was
        set after the state's when the state came with the first screen: it won)."""
        return (self.state.theme[0] if self.state.loaded else None) or self.config.theme

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
        lists = (("Digests: ", self.query_one(DigestList)), ("Items: ", self.query_one(ItemList)))
        for binding in all_bindings(self.keys_in_effect):
            if binding.action in ("quit", "help", "app.pane(1)", "app.pane(-1)") or not binding.description:
                continue
            # the palette reads this as markup, and the keys may come from the config
            keys = escape(f"Key: {safe(key_label(binding.key))}")
            if binding in RowList.BINDINGS:  # one command a list, named by it
                for name, pane in lists:
                    yield SystemCommand(
                        name + binding.description, keys, partial(self.run_action, binding.action, pane)
                    )
            else:
                target: DetailPane | DigestApp = self.query_one(DetailPane) if binding in DetailPane.BINDINGS else self
                yield SystemCommand(binding.description, keys, partial(self.run_action, binding.action, target))
