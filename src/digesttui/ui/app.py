"""The Textual app: three panes over a `Library`. It shows snapshots and sends work to workers;
it never reads or writes digest files itself."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Footer, Static

from digesttui import links
from digesttui.library import Library, Snapshot
from digesttui.model import Digest, Item
from digesttui.render import item_as_markdown
from digesttui.resources import resource
from digesttui.ui.detail import DetailPane
from digesttui.ui.lists import DigestList, ItemList
from digesttui.ui.rowlist import RowList

if TYPE_CHECKING:
    from textual.widgets import Markdown


class DigestApp(App[None]):
    TITLE = "digest-tui"
    CSS_PATH = str(resource("styles") / "digest-tui.tcss")
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (110, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Keys", id="help"),
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
    ) -> None:
        super().__init__()
        self.library = Library(roots, cache_dir)
        self.samples = samples
        self.watching = watch
        self.poll = poll
        self.browser = browser
        self.snapshot: Snapshot | None = None
        self.loaded = False
        self.digest: Digest | None = None
        self.item: Item | None = None
        self._stop = threading.Event()

    def compose(self) -> ComposeResult:
        yield Static("digest-tui: loading…", id="header")
        with Horizontal(id="panes"):
            with Horizontal(id="lists"):
                yield DigestList(id="digests")
                yield ItemList(id="items")
            yield DetailPane(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#digests").border_title = "Digests"
        self.query_one("#items").border_title = "Items"
        self.query_one("#detail").border_title = "Detail"
        self.query_one(DigestList).focus()
        self.call_after_refresh(self.load_library)  # paint first, then read

    def on_unmount(self) -> None:
        self._stop.set()

    # --- the library, in workers ---

    def _publish(self, snapshot: Snapshot) -> None:
        self.post_message(self.LibraryChanged(snapshot))

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def load_library(self) -> None:
        self._publish(self.library.load(progress=self._publish))
        self.library.save()
        if self.watching and not self._stop.is_set():
            self.call_from_thread(self.watch_library)

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def watch_library(self) -> None:
        from digesttui.watch import watch_library  # watchfiles: not needed for the first paint

        watch_library(self.library, self._publish, self._stop, poll=self.poll)

    def action_reload(self) -> None:
        self.notify("Reloading…", timeout=1)
        self.load_library()

    def on_digest_app_library_changed(self, message: LibraryChanged) -> None:
        snapshot, previous = message.snapshot, self.snapshot
        if previous is not None and snapshot.seq < previous.seq:
            return  # a slower worker's older news
        self.snapshot = snapshot
        digests = self.query_one(DigestList)
        if self.loaded and previous is not None:
            before = {d.path for d in previous.digests}
            added = {d.path for d in snapshot.digests} - before
            if added:
                digests.new_paths |= added
                count = len(added)
                self.notify(f"{count} new digest{'s' if count != 1 else ''}", title="Digests arrived")
        if snapshot.notice:
            self.notify(snapshot.notice, severity="warning")
        self.loaded = self.loaded or snapshot.complete
        index = self._place_of(snapshot.digests, previous)
        digests.show(snapshot.digests, index)
        self._select_digest(index, keep=True)
        self._update_header()

    def _place_of(self, digests: tuple[Digest, ...], previous: Snapshot | None) -> int:
        """Where the digest cursor belongs in a new snapshot: on the same digest, else its neighbour."""
        if self.digest is None:
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
            else ", ".join("~" + r[len(home) :] if r.startswith(home + os.sep) else r for r in snap.roots)
        )
        text = f"digest-tui — {where} — {len(snap.digests):,} digests, {snap.item_count:,} items"
        if not snap.complete:
            text += f" — loading {len(snap.digests):,}/{snap.total:,}"
        if snap.missing_roots:
            text += " — waiting for " + ", ".join(snap.missing_roots) + " to appear"
        elif not snap.digests and snap.complete:
            text += " — no digests here yet (*.md, *.markdown)"
        self.query_one("#header", Static).update(text)

    # --- selection ---

    def _select_digest(self, index: int, keep: bool = False) -> None:
        snap = self.snapshot
        digest = snap.digests[index] if snap and 0 <= index < len(snap.digests) else None
        previous, previous_item = self.digest, self.item
        self.digest = digest
        item_list = self.query_one(ItemList)
        if digest is None:
            item_list.show((), 0)
            self._select_item(-1)
            return
        self.query_one(DigestList).new_paths.discard(digest.path)
        cursor = 0
        if keep and previous is not None and previous.path == digest.path and previous_item is not None:
            cursor = _same_item(digest.items, previous_item)
        item_list.show(digest.items, cursor)
        self._select_item(cursor)

    def _select_item(self, index: int) -> None:
        digest = self.digest
        self.item = digest.items[index] if digest and 0 <= index < len(digest.items) else None
        self.query_one(DetailPane).show(digest, self.item)

    @on(RowList.Highlighted, "#digests")
    def _digest_highlighted(self, message: RowList.Highlighted) -> None:
        self._select_digest(message.index)

    @on(RowList.Highlighted, "#items")
    def _item_highlighted(self, message: RowList.Highlighted) -> None:
        self._select_item(message.index)

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

        self.push_screen(HelpScreen(_all_bindings()))

    # --- links ---

    def action_open_link(self) -> None:
        if self._needs_link():
            self.open_url_safely(self.item.url)  # type: ignore[union-attr, arg-type]

    def action_copy_link(self) -> None:
        if self._needs_link():
            self.copy_text(self.item.url, "the link")  # type: ignore[union-attr, arg-type]

    def action_copy_item(self) -> None:
        if self.item is not None:
            self.copy_text(item_as_markdown(self.item), "the item as Markdown")

    def action_pick_link(self, verb: str) -> None:
        if self.item is None or not self.item.links:
            self.notify("This item has no links.", severity="warning")
            return

        def chosen(url: str | None) -> None:
            if url is not None and verb == "open":
                self.open_url_safely(url)
            elif url is not None:
                self.copy_text(url, "the link")

        from digesttui.ui.screens import LinkPicker

        self.push_screen(LinkPicker(self.item.links, verb), chosen)

    def _needs_link(self) -> bool:
        if self.item is None:
            self.notify("No item is selected.", severity="warning")
            return False
        if not self.item.url:
            self.notify("This item has no source link.", severity="warning")
            return False
        return True

    def on_markdown_link_clicked(self, message: Markdown.LinkClicked) -> None:
        message.stop()
        self.open_url_safely(message.href)

    def open_url_safely(self, url: str) -> None:
        """Open a link by the link policy: http(s) only, no console browser, never a shell."""
        why = links.refusal(url)
        if why:
            self.notify(why[0].upper() + why[1:], severity="error", title="Link refused")
            return
        plan = links.plan_open(url, os.environ, self.browser)
        if plan.argv is None:
            self.copy_text(url, url, f"Not opening a browser: {plan.why}. ")
        else:
            self._run_browser(plan.argv, url)

    @work(thread=True, group="links", exit_on_error=False)
    def _run_browser(self, argv: tuple[str, ...], url: str) -> None:
        error = links.run_browser(argv)
        if error:
            self.call_from_thread(self.notify, f"Could not open {url}: {error}.", severity="error")
        else:
            self.call_from_thread(self.notify, f"Opened {url}", timeout=3)

    def copy_text(self, text: str, what: str, prefix: str = "") -> None:
        """Copy by OSC 52 (reaches the user's own machine over SSH) and the system clipboard."""
        self.copy_to_clipboard(text)
        self._system_copy(text, what, prefix)

    @work(thread=True, group="clipboard", exit_on_error=False)
    def _system_copy(self, text: str, what: str, prefix: str) -> None:
        error = links.system_copy(text)
        where = (
            "the system clipboard and the terminal's (OSC 52)"
            if error is None
            else ("the terminal's clipboard (OSC 52); no system clipboard here")
        )
        self.call_from_thread(self.notify, f"{prefix}Copied {what} to {where}.", timeout=6)


def _same_item(items: tuple[Item, ...], old: Item) -> int:
    """The index of the item that was selected before its digest changed: by URL, else number."""
    if old.url:
        for index, item in enumerate(items):
            if item.url == old.url:
                return index
    return max(0, min(old.n - 1, len(items) - 1))


def _all_bindings() -> list[Binding]:
    found: list[Binding] = []
    for owner in (DigestApp, RowList, DetailPane):
        found.extend(b for b in owner.BINDINGS if isinstance(b, Binding))
    return found
