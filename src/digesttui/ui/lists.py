"""The two lists: digests (newest first) and the items of the selected digest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual.binding import BindingType

from digesttui.model import Digest, Item
from digesttui.ui.rowlist import PANE_BINDINGS, PLAIN, Pieces, RowList, fit


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

    def row_text(self, index: int, width: int) -> Pieces:
        digest = self.digests[index]
        dim, mark = self.style("dim"), self.style("mark")
        unread, new = self.facts(digest)
        row = [(self.when(digest), dim), (" ● " if new else "   ", mark)]
        if digest.has_error:
            return [*row, (f"⚠ {digest.label.rsplit('/', 1)[-1]}", self.style("error"))]
        count = f" {unread}/{digest.count}" if unread else f" {digest.count}"
        if digest.pending:
            count = " …"  # found, not read yet
        title = self.title_of(digest)[: width + 1]  # a cell a character at least: no more can show
        row.append((title, PLAIN if unread else dim))
        return [*fit(row, max(0, width - len(count))), (count, mark if unread else dim)]


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

    def row_text(self, index: int, width: int) -> Pieces:
        item = self.items[index]
        read, starred = self.marks(self.digest, item) if self.digest else (False, False)
        dim, mark = self.style("dim"), self.style("mark")
        return [
            ("  " if read else "• ", mark),
            (f"{item.n:>2}. ", dim),
            ("★ " if starred else "", mark),
            (item.title[: width + 1], dim if read else PLAIN),
        ]
