"""Opening and copying links from the keyboard: the app's side of `digesttui.links`."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from digesttui import links
from digesttui.model import Item
from digesttui.render import item_as_markdown
from digesttui.text import shorten

if TYPE_CHECKING:
    from textual.widgets import Markdown


class LinkActions(App[None]):
    """o / c / y / O / C / Y, and clicks on links in the detail pane."""

    item: Item | None
    browser: str | None

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
            self.copy_text(url, shorten(url, 200), f"Not opening a browser: {plan.why}. ")
        else:
            self._run_browser(plan.argv, url)

    @work(thread=True, group="links", exit_on_error=False)
    def _run_browser(self, argv: tuple[str, ...], url: str) -> None:
        shown = shorten(url, 200)
        try:
            error = links.run_browser(argv)
        except Exception as exc:  # never a link that silently does nothing
            error = f"{type(exc).__name__}: {exc}"
        if error:
            self.notify(f"Could not open {shown}: {error}.", severity="error")
        else:
            self.notify(f"Opened {shown}", timeout=3)

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
