"""`v`: the selected digest as one document, everything the file says after its front matter
(the overview, the items in order, the closing notes), rendered as the detail pane renders an item.
`e`: the digest's file in the user's pager."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Footer, Static

from digesttui.files import read_body
from digesttui.model import Digest
from digesttui.ui.detail import BIG, SCROLL_BINDINGS, RenderedLines, rich_lines
from digesttui.ui.markdown import LinkedMarkdown
from digesttui.ui.rowlist import focus_now
from digesttui.ui.screens import SCREENS_CSS


class Document(VerticalScroll, inherit_bindings=False):
    """The whole digest, scrolled with the detail pane's keys, and a page with Space / b."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *SCROLL_BINDINGS,
        Binding("space,pagedown", "scroll_page_down", "Page down", show=False, id="whole.page_down"),
        Binding("b,pageup", "scroll_page_up", "Page up", show=False, id="whole.page_up"),
    ]


class WholeDigest(Screen[None]):
    CSS_PATH = SCREENS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,v", "dismiss", "Back", id="whole.back"),
    ]

    def __init__(self, digest: Digest, when: str, limit: int) -> None:
        super().__init__()
        self.digest, self.when, self.limit = digest, when, limit
        self.text: str | None = None
        """The Markdown shown, once read."""

    def compose(self) -> ComposeResult:
        title = f"{self.digest.shown_title} — {self.when}" + (
            f" — {self.digest.description}" if self.digest.description else ""
        )
        yield Static(Content(title), id="whole-title")
        with Document(id="whole"):
            yield LinkedMarkdown(id="whole-markdown", open_links=False)
            yield RenderedLines(id="whole-big")
        yield Footer()

    def on_mount(self) -> None:
        focus_now(self.query_one(Document))
        self._read(self.query_one(Document).scrollable_content_region.width)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _read(self, width: int) -> None:
        text = read_body(self.digest.path, self.limit)
        self.app.call_from_thread(self._show, text, None if len(text) <= BIG else rich_lines(text, width))

    def _show(self, text: str, big: list[Strip] | None) -> None:
        if not self.is_attached:
            return
        if big is None:
            self.query_one(LinkedMarkdown).update(text)
        else:
            self.query_one(LinkedMarkdown).display = False
            self.query_one(RenderedLines).set_lines(big)
        self.text = text


def show(app: App[None], digest: Digest, when: str, limit: int) -> None:
    app.push_screen(WholeDigest(digest, when, limit))


def page(app: App[None], path: str) -> None:
    """The file in `$PAGER` (default `less`): the terminal is the pager's until it quits, then the
    reader is back where it was."""
    import os
    import shlex
    import subprocess

    from textual.app import SuspendNotSupported

    argv = [*shlex.split(os.environ.get("PAGER") or "less"), path]
    try:
        with app.suspend():
            subprocess.run(argv, check=False)
    except SuspendNotSupported:
        app.notify("This terminal cannot be handed to a pager.", severity="warning")
    except (OSError, ValueError) as exc:
        app.notify(f"Could not start {argv[0]!r}: {exc}", severity="error")
