"""Daily reading: read marks, next unread, stars, filters and search (the app's side of
`digesttui.state` and `digesttui.search`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.css.query import NoMatches
from textual.timer import Timer

from digesttui.config import Config
from digesttui.library import Snapshot, release_memory
from digesttui.model import Digest, Item
from digesttui.state import State
from digesttui.ui.lists import DigestList, ItemList

if TYPE_CHECKING:
    from digesttui.search import Hit, SearchIndex

_INDEX_LOCK = threading.Lock()


class ReadingActions(App[None]):
    """n / N / m / M / s / S / u / f and `/`; the app provides the selection and the filters."""

    state: State
    config: Config
    snapshot: Snapshot | None
    digest: Digest | None
    item: Item | None
    shown_digests: tuple[Digest, ...]
    shown_items: tuple[Item, ...]
    unread: dict[str, int]
    unread_total: int
    only_unread: bool
    only_starred: bool
    category: str | None
    highlight: str
    _index: SearchIndex | None
    _read_timer: Timer | None
    _save_timer: Timer | None

    if TYPE_CHECKING:  # provided by DigestApp

        def _refilter(self) -> None: ...
        def _update_header(self) -> None: ...
        def _go_to(self, digest_index: int, item_index: int) -> None: ...
        def _select_item(self, index: int) -> None: ...
        def save_state(self) -> Any: ...

    def _count_unread(self) -> None:
        """Unread items per digest, and in all (where a story in two digests counts once)."""
        read = self.state.read_ids()
        self.unread.clear()
        unread_ids: set[str] = set()
        for digest in self.snapshot.digests if self.snapshot else ():
            ids = digest.item_ids
            left = ids if read.isdisjoint(ids) else [i for i in ids if i not in read]
            if left:
                self.unread[digest.path] = len(left)
                unread_ids.update(left)
        self.unread_total = len(unread_ids)

    def _starred(self, digest: Digest, item: Item) -> bool:
        return self.state.is_starred(digest.item_id(item))

    def _item_marks(self, digest: Digest, item: Item) -> tuple[bool, bool]:
        item_id = digest.item_id(item)
        return self.state.is_read(item_id), self.state.is_starred(item_id)

    def _marks_changed(self, save: bool = True) -> None:
        self._count_unread()
        try:
            self.query_one(DigestList).refresh()
            self.query_one(ItemList).refresh()
        except NoMatches:  # the reader is closing: the marks are saved on the way out
            return
        self._update_header()
        if save:
            if self._save_timer is not None:
                self._save_timer.stop()
            self._save_timer = self.set_timer(0.5, self.save_state)

    def _start_read_timer(self) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        digest, item, policy = self.digest, self.item, self.config.mark_read
        if digest is None or item is None or policy == "manual":
            return
        item_id = digest.item_id(item)
        if self.state.is_read(item_id):
            return
        if policy == "immediately":
            self._mark([item_id], True)
        else:
            self._read_timer = self.set_timer(self.config.mark_read_delay, partial(self._mark, [item_id], True))

    def _mark(self, item_ids: list[str], read: bool) -> None:
        if self.state.set_read(item_ids, read):
            self._marks_changed()

    def action_next_unread(self, step: int) -> None:
        start = (self.query_one(DigestList).cursor, self.query_one(ItemList).cursor)
        keep = self._starred if self.only_starred else None
        read = self.state.read_ids()
        for d, i in _positions(self.shown_digests, start, step, keep):
            digest = self.shown_digests[d]
            if digest.item_ids[i] not in read:
                items = [x for x in digest.items if not self.only_starred or self._starred(digest, x)]
                self._go_to(d, items.index(digest.items[i]))
                return
        self.notify("No unread items " + ("below." if step > 0 else "above."), timeout=3)

    def action_toggle_read(self) -> None:
        if self.digest and self.item:
            if self._read_timer is not None:
                self._read_timer.stop()
            item_id = self.digest.item_id(self.item)
            self._mark([item_id], not self.state.is_read(item_id))

    def action_mark_digest_read(self) -> None:
        if self.digest:
            self._mark(list(self.digest.item_ids), True)
            self.notify(f"Marked {self.digest.title} read.", timeout=3)

    def action_toggle_star(self) -> None:
        digest, item = self.digest, self.item
        if digest is None or item is None:
            return
        starred = not self._starred(digest, item)
        info = {"title": item.title, "url": item.url, "summary": item.summary, "digest": digest.title}
        self.state.set_star(digest.item_id(item), starred, {**info, "date": digest.date_text()})
        self._marks_changed()
        self.notify(("Starred: " if starred else "Unstarred: ") + item.title, timeout=3)

    def action_toggle_filter(self, which: str) -> None:
        if which == "starred":
            self.only_starred = not self.only_starred
        else:
            self.only_unread = not self.only_unread
        self._refilter()

    def set_category(self, category: str | None) -> None:
        self.category = category
        self._refilter()

    def action_pick_category(self) -> None:
        from digesttui.ui.screens import CategoryPicker

        counts: dict[str, int] = {}
        for digest in self.snapshot.digests if self.snapshot else ():
            for name in dict.fromkeys((*digest.categories, *digest.tags)):
                counts[name] = counts.get(name, 0) + 1
        self.push_screen(CategoryPicker(counts, self.category), self._category_chosen)

    def _category_chosen(self, choice: str | None) -> None:
        if choice is not None:
            self.set_category(choice or None)

    # --- search ---

    def search_index(self) -> SearchIndex:
        """The search index of the current snapshot, while the search screen is open (it is
        ~3.5 KB a digest: 34 MiB at 10,000)."""
        from digesttui.search import SearchIndex

        with _INDEX_LOCK:  # a search typed while the index is being built waits for it
            index = self._index
            if index is None or self.snapshot is None or index.digests is not self.snapshot.digests:
                index = SearchIndex(self.snapshot.digests if self.snapshot else ())
                self._index = index
            return index

    @work(thread=True, group="memory", exit_on_error=False)
    def _release_memory(self) -> None:
        release_memory()

    def action_search(self) -> None:
        from digesttui.ui.search import SearchScreen

        self.push_screen(SearchScreen(), self._open_hit)

    def go_to_digest(self, path: str, item_index: int = 0) -> None:
        """Select a digest and one of its items (an index into the items on display), clearing
        the filters that hide the digest."""
        if not any(d.path == path for d in self.shown_digests):
            self.only_unread = self.only_starred = False
            self.category = None
            self._refilter()
        for index, digest in enumerate(self.shown_digests):
            if digest.path == path:
                self._go_to(index, item_index)
                return

    def _open_hit(self, found: tuple[str, Hit] | None) -> None:
        from digesttui.search import as_shown

        self._index = None
        self._release_memory()
        if found is None:
            return
        query, hit = found
        if self.only_starred:  # the hit is shown among all its digest's items
            self.only_starred = False
            self._refilter()
        self.go_to_digest(hit.digest.path, hit.digest.items.index(hit.item))
        self.highlight = as_shown(query)  # until another digest is selected
        self._select_item(self.query_one(ItemList).cursor)
        self.query_one(ItemList).focus()


def _positions(
    digests: tuple[Digest, ...],
    start: tuple[int, int],
    step: int,
    keep: Callable[[Digest, Item], bool] | None = None,
) -> Iterator[tuple[int, int]]:
    """(digest, item) positions after `start` (`step` 1) or before it (-1), in display order.
    `start`'s item index counts the items on display (with `keep`, those that pass it)."""
    first, item_cursor = start
    for d in range(first, len(digests) if step > 0 else -1, step):
        indexes = [i for i, item in enumerate(digests[d].items) if keep is None or keep(digests[d], item)]
        if d == first:
            indexes = indexes[item_cursor + 1 :] if step > 0 else indexes[:item_cursor][::-1]
        elif step < 0:
            indexes.reverse()
        yield from ((d, i) for i in indexes)
