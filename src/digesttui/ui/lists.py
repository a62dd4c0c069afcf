"""The two lists: digests (newest first) and the items of the selected digest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType

from digesttui.model import Digest, Item
from digesttui.ui.rowlist import PANE_BINDINGS, RowList, fit


class DigestList(RowList):
    """Newest first: date and time, title, item count; a file with an error is marked ⚠."""

    BINDINGS: ClassVar[list[BindingType]] = PANE_BINDINGS

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.digests: Sequence[Digest] = ()
        self.facts: Callable[[Digest], tuple[int, bool]] = lambda digest: (0, False)
        """A digest's unread items, and whether it is new (the reader's `digest_facts`)."""
        self.when: Callable[[Digest], str] = lambda digest: digest.date_text()
        """Its time as shown (the reader's `when_text`: one zone for all)."""
        self.title_of: Callable[[Digest], str] = lambda digest: digest.title
        """Its title as the list shows it (the reader's `row_title`)."""

    def show(self, digests: Sequence[Digest], cursor: int, empty: str = "") -> None:
        self.digests = digests
        self.empty = empty
        self.set_count(len(digests), cursor)

    def row_text(self, index: int, width: int) -> Text:
        digest = self.digests[index]
        text = Text(end="")
        text.append(self.when(digest), style=self.style("dim"))
        unread, new = self.facts(digest)
        text.append(" ● " if new else "   ", style=self.style("mark"))
        if digest.has_error:
            name = digest.label.rsplit("/", 1)[-1]
            text.append(f"⚠ {name}", style=self.style("error"))
            return text
        count = f" {unread}/{digest.count}" if unread else f" {digest.count}"
        if digest.pending:
            count = " …"  # found, not read yet
        title = self.title_of(digest)[: width + 1]  # a cell a character at least: no more can show
        text.append(title, style="" if unread else self.style("dim"))
        text = fit(text, max(0, width - len(count)))
        text.append(count, style=self.style("mark") if unread else self.style("dim"))
        return text


class ItemList(RowList):
    """Number and headline of each item of one digest: unread ones bright with a •, starred ★."""

    BINDINGS: ClassVar[list[BindingType]] = PANE_BINDINGS

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.digest: Digest | None = None
        self.items: Sequence[Item] = ()
        self.marks: Callable[[Digest, Item], tuple[bool, bool]] = lambda digest, item: (False, False)

    def show(self, digest: Digest | None, items: Sequence[Item], cursor: int, empty: str = "") -> None:
        self.digest = digest
        self.items = items
        self.empty = empty
        self.set_count(len(items), cursor)

    def row_text(self, index: int, width: int) -> Text:
        item = self.items[index]
        read, starred = self.marks(self.digest, item) if self.digest else (False, False)
        text = Text(end="")
        text.append("  " if read else "• ", style=self.style("mark"))
        text.append(f"{item.n:>2}. ", style=self.style("dim"))
        if starred:
            text.append("★ ", style=self.style("mark"))
        text.append(item.title[: width + 1], style=self.style("dim") if read else "")
        return text
