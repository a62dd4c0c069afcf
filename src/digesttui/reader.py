"""The reader's logic, without Textual: what the panes show and where the cursors are, the
filters, unread counts, next / previous unread, marks, stars and search.

The UI sends it intentions (a cursor moved, `n`, `m`, a filter) and then draws what it holds. It
keeps nothing the widgets share and change: they ask it (`digest_facts`, `item_marks`)."""

from __future__ import annotations

import functools
import os
import re
import threading
from array import array
from collections.abc import Callable, Iterator, Sequence, Sized
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from digesttui.itemlists import ItemLists
from digesttui.library import Snapshot
from digesttui.model import Digest, Item, key_of
from digesttui.snapview import View, added_paths, unread_counts, view_of
from digesttui.state import State
from digesttui.text import safe
from digesttui.times import when_text

if TYPE_CHECKING:
    from digesttui.catalog import Catalog
    from digesttui.search import Hit, Search


class Arrival(NamedTuple):
    """What a new snapshot brought, for the UI to tell."""

    added: int
    notice: str
    first_complete: bool


_LEADING_DATE = (
    r"\s*(?:\d{4}\s*[.\-/年]\s*\d{1,2}\s*[.\-/月]\s*\d{1,2}\s*日?(?:[.\-_T ]\d{1,2}(?:[:.]\d{2})?(?!\d))?"
    r"|\d{1,2}[.\-/]\d{1,2}(?=[\-\s._]))"
    r"(?:[\s\-—–_:：|·]*(?:日报|早报|晚报|周报)(?=[\s\-—–_:：|·]))?[\s\-—–_:：|·]*"
)
"""A date a title starts with (`2025.12.17.20`, `2026-04-13`, `2026年4月13日`, `12-01-日报-`)."""


@functools.cache
def _leading_date() -> re.Pattern[str]:
    return re.compile(_LEADING_DATE)


HEADS_AROUND = 40
"""Item lists read ahead on each side of the digest cursor, and at each end of the list, so that
`j`, a page and `G` find them in hand."""
MANY = 1000
"""From how many items on, a mark is made in a thread apart (`mark_apart`: ~4 us an item, 3.3 s
for the 800,000 of 100,000 digests)."""
FOLLOW_WORK = 16_000_000
"""Up to how many keys times the keys held (a mark's items, each looked for among all: ~2 ns
each, 1.7 ms an item at 100,000 digests) the unread counts follow a mark (`View.holding`); more,
they are counted afresh (off the screen's thread: `count_apart`)."""
COUNT_HERE = 20_000
"""Up to how many items the unread counts are counted afresh in the calling thread (`count_here`:
a few ms); more, apart (`count_apart`: 160-440 ms for the 800,000 of 100,000 digests)."""


class Counts(NamedTuple):
    """Unread counts made apart (`Reader.count_apart`): of which view, as of which marks."""

    view: View
    version: int
    unread: dict[str, int]


class Reader:
    def __init__(self, state: State, timezone: str | None = None) -> None:
        self.state = state
        self.timezone = timezone
        """The config's `timezone` ("local", an IANA name), or None: the digests' own."""
        self.snapshot: Snapshot | None = None
        self.loaded = False
        """Whether a complete snapshot has come (the library's first full load is done)."""
        self.digests: tuple[Digest, ...] = ()
        """The digests the filters let through, newest first."""
        self.items: tuple[Item, ...] = ()
        """The items of the selected digest that the filters let through."""
        self.digest: Digest | None = None
        self.item: Item | None = None
        self.digest_index = 0
        self.item_index = 0
        self._lists = ItemLists()
        self._want: tuple[int | None, Item | None, int | None, Item | None] | None = None
        """Which item to select once the selected digest's item list is in hand (see `settle`)."""
        self.only_unread = False
        self.only_starred = False
        self.category: str | None = None
        self.highlight: tuple[str, ...] = ()
        """A search's words, highlighted until another digest is selected."""
        self.unread_total = 0
        self._unread: dict[str, int] = {}
        self._view = view_of(Snapshot((), ()), None, state, None)
        """What is derived from the snapshot held (`view`)."""
        self._counted = -1
        """The state's `read_changes` the unread counts are of."""
        self._new: set[str] = set()
        self.follow_newest = True
        """While the library loads, the cursor stays on the newest digest found so far, until the
        reader moves it or goes to the items or the detail."""
        self._index: Search | None = None
        self._index_lock = threading.Lock()
        self.catalog: Callable[[], Catalog] = self._own_catalog
        """Where the search looks: the library's catalog (set by the app: the digests of a
        snapshot are light), else one made of the snapshot's own digests."""
        self._undo: list[list[str]] = []
        """The items each mark-read action of this session marked (newest last), for undo."""
        self.last_query = ""

    # --- the library ------------------------------------------------------------------------------

    def view(self, snapshot: Snapshot) -> View:
        """What `take` derives from a snapshot (`snapview.view_of`), worked out in the calling
        thread (the worker that made the snapshot)."""
        base = self._view if self.snapshot else None  # (read in another thread: a newer one's view is taken at once)
        return view_of(snapshot, self.timezone, self.state, base)

    def take(self, news: Snapshot | View) -> Arrival | None:
        """A new snapshot of the library (with its `view`, made in a worker, or without: made
        here); None when it is older than the one held (a slower worker's news)."""
        view = news if isinstance(news, View) else self.view(news)
        previous, snapshot = self._view if self.snapshot else None, view.snapshot
        if previous is not None and snapshot.seq < previous.snapshot.seq:
            return None
        self._view = view
        self.snapshot = snapshot
        self._index = None
        self._set_counts(view.unread, view.counted)
        if snapshot.heads:
            self.heads_arrived([(d, snapshot.heads[d.path]) for d in snapshot.digests if d.path in snapshot.heads])
        added: frozenset[str] = frozenset()
        if self.loaded and previous is not None:
            base = previous.snapshot
            added = view.added if view.base == base.seq else added_paths(snapshot.digests, base)
            self._new |= added
        first_complete = snapshot.complete and not self.loaded
        self.loaded = self.loaded or snapshot.complete
        self.refilter()
        self.follow_newest = self.follow_newest and not snapshot.complete
        return Arrival(len(added), snapshot.notice, first_complete)

    # --- filters and counts -----------------------------------------------------------------------

    def count_unread(self) -> None:
        """Unread items per digest, and in all (the rows the item lists show unread: a story in
        two digests is two, as the two counts show it; counting it once took a set of every
        unread item, 30 MiB at 800,000). Counted afresh when what is read may have changed
        otherwise than by `mark` (which follows its own marks), in C loops over the keys."""
        version = self.state.read_changes
        if version == self._counted:
            return
        self._set_counts(unread_counts(self._view.snapshot.digests, self._view.starts, self.state.read_keys()), version)

    def _set_counts(self, unread: dict[str, int], version: int) -> None:
        """The unread counts, as of the state's `read_changes` `version`."""
        self._unread, self._counted = unread, version
        self.unread_total = sum(unread.values())

    @property
    def counts_due(self) -> bool:
        """Whether the unread counts are of other marks than the state's (`count_apart`, then
        `take_counts`; or `count_unread` here)."""
        return self._counted != self.state.read_changes

    def count_here(self) -> bool:
        """Count the unread items afresh if they are due and few (`COUNT_HERE`); whether the counts
        are current now (else: `count_apart`)."""
        if self.counts_due and self._view.starts[-1] // 8 <= COUNT_HERE:
            self.count_unread()
        return not self.counts_due

    def count_apart(self) -> Counts:
        """(In any thread.) The unread counts of the view held, as of the marks now."""
        view = self._view
        version, read = self.state.read_keys_copy()
        return Counts(view, version, unread_counts(view.snapshot.digests, view.starts, read))

    def take_counts(self, counts: Counts) -> bool:
        """Counts made apart, if they are of the view and the marks held (else False: count again);
        the filters applied again with them."""
        if counts.view is not self._view or counts.version != self.state.read_changes:
            return False
        self._set_counts(counts.unread, counts.version)
        if self.only_unread:
            self.refilter()
        return True

    def _follow_marks(self, item_ids: list[str], read: bool) -> None:
        """The unread counts after these items (each of them changed) were marked: each found
        where it occurs, by its key."""
        step = -1 if read else 1
        for path in self._view.holding(map(key_of, item_ids)):
            self.unread_total += step
            count = self._unread.get(path, 0) + step
            if count:
                self._unread[path] = count
            else:
                self._unread.pop(path, None)

    def refilter(self) -> None:
        """Apply the filters to the snapshot, keeping the reader's place."""
        self.count_unread()
        digests = self._view.ordered
        if self.category:
            digests = tuple(d for d in digests if self.category in d.categories or self.category in d.tags)
        if self.only_unread:
            digests = tuple(d for d in digests if self._unread.get(d.path))
        if self.only_starred:
            starred = self.state.starred_keys()
            digests = tuple(d for d in digests if not starred.isdisjoint(d.item_keys()))
        index = self._place_of(digests)
        self.digests = digests
        self.select_digest(index, keep=True)

    def _place_of(self, digests: tuple[Digest, ...]) -> int:
        """Where the digest cursor belongs now: on the same digest, else its neighbour."""
        if self.digest is None or self.follow_newest:
            return 0
        for index, digest in enumerate(digests):
            if digest.path == self.digest.path:
                return index
        return min(self.digest_index, max(0, len(digests) - 1))

    def toggle_filter(self, which: str) -> None:
        """`starred` (only starred items) or `unread` (only unread items, and the digests that
        have some; remembered). Applied now and when the library changes, not as items are read:
        nothing vanishes from under the cursor."""
        if which == "starred":
            self.only_starred = not self.only_starred
        else:
            self.only_unread = not self.only_unread
            self.state.set("unread_only", self.only_unread)
        self.refilter()

    def settings_loaded(self) -> None:
        """The state file has been read: take its settings."""
        self.only_unread = bool(self.state.settings["unread_only"][0])
        self.refilter()

    def set_category(self, category: str | None) -> None:
        self.category = category
        self.refilter()

    def category_counts(self) -> dict[str, int]:
        """Each category and tag, with how many digests carry it."""
        counts: dict[str, int] = {}
        for digest in self.snapshot.digests if self.snapshot else ():
            for name in dict.fromkeys((*digest.categories, *digest.tags)):
                counts[name] = counts.get(name, 0) + 1
        return counts

    def category_names(self) -> list[str]:
        return sorted(self.category_counts())

    # --- selection --------------------------------------------------------------------------------

    def select_digest(
        self,
        index: int,
        keep: bool = False,
        item_index: int | None = None,
        item: Item | None = None,
        position: int | None = None,
    ) -> None:
        """Select a digest among those shown and one of its items: `item` (by number and
        headline), else the one at `position` in the digest, else the one at `item_index` among
        those shown, else (with `keep`) the one selected before if it is still there, else the
        first. Until the digest's item list is in hand (`waiting`), no item is."""
        digest = self.digests[index] if 0 <= index < len(self.digests) else None
        previous, previous_item = self.digest, self.item
        self.digest, self.digest_index = digest, max(0, index if digest else 0)
        self._want = None
        if digest is None:
            self.items = ()
            self.select_item(-1)
            return
        self._new.discard(digest.path)
        if previous is not None and previous.path != digest.path:
            self.highlight = ()  # a search's highlight belongs to the digest it opened
        same = keep and previous is not None and previous.path == digest.path
        self._want = (item_index, item, position, previous_item if same else None)
        self._settle()

    def _settle(self) -> None:
        """Select the item `select_digest` asked for, once the digest's item list is in hand."""
        heads = self.heads_of(self.digest) if self.digest else ()
        if heads is None or self._want is None or self.digest is None:
            self.items = ()
            self.item, self.item_index = None, 0
            return
        item_index, item, position, previous_item = self._want
        self._want = None
        self.items = items = tuple(i for i in heads if self._shows_item(self.digest, i))
        cursor = item_index or 0
        if item is not None:
            cursor = next((k for k, i in enumerate(items) if (i.n, i.title) == (item.n, item.title)), cursor)
        elif position is not None and 0 <= position < len(heads) and heads[position] in items:
            cursor = items.index(heads[position])
        elif item_index is None and previous_item is not None:
            cursor = _same_item(items, previous_item)
        self.select_item(cursor)

    @property
    def zone(self) -> tzinfo | None:
        """The zone times are shown in (None: the machine's own)."""
        return self._view.zone

    @property
    def zone_name(self) -> str:
        """Its name, when it is not the machine's own."""
        return self._view.zone_name

    @property
    def waiting(self) -> bool:
        """Whether the selected digest's item list is still to be read."""
        return self._want is not None

    def heads_of(self, digest: Digest) -> tuple[Item, ...] | None:
        """A digest's items as the item list shows them; None until read (a light digest's)."""
        return self._lists.get(digest)

    def wanted_heads(self) -> list[Digest]:
        """The digests whose item lists to read now: the selected one, then its neighbours, then
        the oldest ones (`G`)."""
        if self.digest is None:
            return []
        at, digests = self.digest_index, self.digests
        after, before = digests[at + 1 : at + 1 + HEADS_AROUND], digests[max(0, at - HEADS_AROUND) : at]
        return self._lists.missing((self.digest, *after, *before, *digests[-HEADS_AROUND:]))

    def heads_arrived(self, found: Sequence[tuple[Digest, tuple[Item, ...]]]) -> bool:
        """Item lists read (for `heads_of`); whether the selected digest's was among them (its
        item is selected now)."""
        self._lists.put(found)
        if self._want is None or self.digest is None or self.heads_of(self.digest) is None:
            return False
        self._settle()
        return True

    def _shows_item(self, digest: Digest, item: Item) -> bool:
        """Whether the filters let an item through."""
        if self.only_starred and not self.is_starred(digest, item):
            return False
        return not (self.only_unread and self.state.is_read(digest.item_id(item)))

    def select_item(self, index: int) -> None:
        self.item = self.items[index] if self.digest and 0 <= index < len(self.items) else None
        self.item_index = max(0, index if self.item else 0)

    def move_digest(self, index: int) -> None:
        """The reader moved the digest cursor."""
        self.follow_newest = False
        self.select_digest(max(0, min(index, len(self.digests) - 1)))

    def go_to_digest(self, path: str, item: Item | None = None) -> bool:
        """Select a digest and one of its items, clearing the filters that hide them; whether
        the digest was found."""
        shown = next((d for d in self.digests if d.path == path), None)
        if shown is None or (item is not None and not self._shows_item(shown, item)):
            self.only_starred = False
            self.category = None
            if self.only_unread:
                self.only_unread = False
                self.state.set("unread_only", False)
            self.refilter()
        for index, digest in enumerate(self.digests):
            if digest.path == path:
                self.follow_newest = False
                self.select_digest(index, item=item)
                return True
        return False

    def next_unread(self, step: int) -> str | None:
        """Go to the next (1) or previous (-1) unread item, going round from the end of the list to
        the other end if need be: "" when found, the notice to give when it went round, None when
        nothing shown is unread."""
        read = self.state.read_keys()
        starred = self.state.starred_keys() if self.only_starred else None
        heads = self.heads_of(self.digest) if self.digest else None
        start = (self.digest_index, heads.index(self.item) if heads and self.item in heads else -1)
        last, keys = -1, array("q")
        for d, index, wrapped in _positions(self.digests, start, step):
            if d != last:
                last, keys = d, self.digests[d].item_keys()
            if keys[index] not in read and (starred is None or keys[index] in starred):
                self.follow_newest = False
                self.select_digest(d, position=index)
                return ("Wrapped to the newest." if step > 0 else "Wrapped to the oldest.") if wrapped else ""
        return None

    # --- marks ------------------------------------------------------------------------------------

    def is_starred(self, digest: Digest, item: Item) -> bool:
        return self.state.is_starred(digest.item_id(item))

    def item_marks(self, digest: Digest, item: Item) -> tuple[bool, bool]:
        """Whether an item is read, and whether it is starred."""
        item_id = digest.item_id(item)
        return self.state.is_read(item_id), self.state.is_starred(item_id)

    def when_text(self, digest: Digest) -> str:
        """The digest's time as the list shows it: in the zone of every time shown."""
        return when_text(digest, self.zone, datetime.now().year)  # not kept: a reader open over New Year

    def row_title(self, digest: Digest) -> str:
        """The title as the list shows it: without a leading date (the date column says it); when
        many digests share it, what tells this one apart (its description, else its first
        headline)."""
        title = digest.shown_title
        if title in self._view.snapshot.shared and (digest.description or digest.lead):
            return digest.description or digest.lead
        if not title.lstrip()[:1].isdigit():  # (the pattern, ~0.7 ms to compile, only when it may match)
            return title
        return _leading_date().sub("", title, count=1) or title

    def digest_facts(self, digest: Digest) -> tuple[int, bool]:
        """A digest's unread items, and whether it arrived while the reader was open."""
        return self._unread.get(digest.path, 0), digest.path in self._new

    def unread_item(self) -> str | None:
        """The selected item's id if it is unread (for the read-after-a-delay timer)."""
        if self.digest is None or self.item is None:
            return None
        item_id = self.digest.item_id(self.item)
        return None if self.state.is_read(item_id) else item_id

    def mark(self, item_ids: list[str], read: bool = True) -> bool:
        """Mark items read or unread; whether anything changed (the counts follow). Marking read
        is one action for `undo`. Many items take seconds (~4 us each): `mark_apart`."""
        counted = self._counted == self.state.read_changes
        changed = self.state.set_read(item_ids, read)
        if not changed:
            return False
        self.marked_apart(changed, read)
        if counted and len(changed) * (self._view.starts[-1] // 8) <= FOLLOW_WORK:
            self._follow_marks(changed, read)
            self._counted += 1  # (set_read's change: another one meanwhile means a recount)
        # else the counts are due (`counts_due`): counted apart, or by the next `refilter`
        return True

    @staticmethod
    def many(item_ids: Sized) -> bool:
        """Whether these are many to mark: for `mark_apart` (`MANY`)."""
        return len(item_ids) >= MANY

    def mark_apart(self, item_ids: list[str], read: bool = True) -> list[str]:
        """(In any thread.) `mark`'s marks made in the state; those that changed, for
        `marked_apart` in the reader's thread. The counts are due then."""
        return self.state.set_read(item_ids, read)

    def marked_apart(self, changed: list[str], read: bool) -> None:
        """After `mark_apart` (and in `mark`): a mark read is one action for `undo`."""
        if read and changed:
            self._undo.append(changed)

    def undo(self) -> tuple[list[str], str] | None:
        """The last mark-read action of this session, taken back from `undo`'s list: its items,
        to mark unread, and what to tell (None: nothing to undo)."""
        if not self._undo:
            return None
        ids = self._undo.pop()
        return ids, f"Marked {len(ids):,} item{'s' * (len(ids) != 1)} unread again."

    def toggle_read(self) -> bool:
        if self.digest is None or self.item is None:
            return False
        item_id = self.digest.item_id(self.item)
        return self.mark([item_id], not self.state.is_read(item_id))

    def mark_digest_read(self) -> str | None:
        """Mark every item of the selected digest read; what to tell."""
        heads = self.heads_of(self.digest) if self.digest else None
        if self.digest is None or heads is None:
            return None
        self.mark([self.digest.item_id(i) for i in heads], True)
        return f"Marked {self.digest.shown_title} read."

    def unread_shown(self) -> tuple[int, int]:
        """Unread items in the digests shown (as `count_unread` counts them), and those digests."""
        counts = [n for d in self.digests if (n := self._unread.get(d.path, 0))]
        return sum(counts), len(counts)

    def shown_read_told(self) -> str:
        """What to tell once every item of the digests shown is marked read (`A`)."""
        count, digests = self.unread_shown()
        return f"Marked {count:,} item{'s' * (count != 1)} in {digests:,} digest{'s' * (digests != 1)} read."

    def toggle_star(self, full: Item | None = None) -> str | None:
        """Star or unstar the selected item (`full`: it with its summary, which the star keeps
        for `--export-starred`); what to tell."""
        digest, item = self.digest, self.item
        if digest is None or item is None:
            return None
        starred = not self.is_starred(digest, item)
        summary = (full if full is not None and (full.n, full.title) == (item.n, item.title) else item).summary
        info = {"title": item.title, "url": item.url, "summary": summary, "digest": digest.shown_title}
        self.state.set_star(digest.item_id(item), starred, {**info, "date": digest.date_text()})
        return ("Starred: " if starred else "Unstarred: ") + item.title

    # --- search -----------------------------------------------------------------------------------

    def search_index(self) -> Search:
        """The search of the current snapshot (in a worker thread: the catalog is read)."""
        from digesttui.search import Search

        with self._index_lock:
            digests = self.snapshot.digests if self.snapshot else ()
            if self._index is None or self._index.digests is not digests:
                self._index = Search(digests, self.catalog())
            return self._index

    def _own_catalog(self) -> Catalog:
        from digesttui.catalog import Catalog

        catalog = Catalog(None)
        catalog.put(self.snapshot.digests if self.snapshot else ())
        return catalog

    def drop_search_index(self) -> None:
        self._index = None

    def open_hit(self, query: str, hit: Hit) -> None:
        """Show a search hit (the filters that hide it go), its query highlighted."""
        from digesttui.search import highlight_of

        self.go_to_digest(hit.digest.path, hit.item)
        self.highlight = highlight_of(query)
        self.last_query = query

    # --- what an empty pane says ------------------------------------------------------------------

    def empty_digests(self) -> str:
        snap = self.snapshot
        if snap is None or (not snap.digests and not snap.complete):
            return "Loading…"
        if snap.missing_roots and not snap.digests:
            return f"Waiting for {', '.join(map(safe, snap.missing_roots))} to appear."
        if not snap.digests:
            return "No digests here yet (*.md): they show up as they are written."
        keys = [key for key, on in (("u", self.only_unread), ("S", self.only_starred), ("f", self.category)) if on]
        what = "Nothing matches the filters"
        if keys == ["u"]:
            what = "Nothing unread"
        elif keys == ["S"]:
            what = "No starred items"
        return f"{what}: {' / '.join(keys)} shows all."

    def empty_items(self) -> str:
        if self.digest is None:
            return ""
        if self.digest.pending or self.waiting:
            return "Reading this digest…"
        if not self.digest.count:  # (a light digest holds no items: its count says whether it has any)
            return "No items here: see the detail pane."
        if self.only_starred:
            return "No starred items here: S shows all."
        return "Nothing unread here: u shows all."

    # --- the header -------------------------------------------------------------------------------

    def status(self, samples: bool) -> str:
        """One line: where the digests come from, how many, what is unread, filters, loading."""
        snap = self.snapshot
        if snap is None:
            return "digest-tui: loading…"
        home = os.path.expanduser("~")
        where = (
            "bundled samples"
            if samples
            else ", ".join(safe("~" + r[len(home) :] if r.startswith(home + os.sep) else r) for r in snap.roots)
        )
        text = (
            f"digest-tui — {where} — {len(snap.digests):,} digests, {snap.item_count:,} items, "
            f"{self.unread_total:,} unread"
        )
        if self.zone_name:
            text += f" — times in {self.zone_name}"
        filters = [("unread only", self.only_unread), ("starred only", self.only_starred)]
        filters.append((f"category: {self.category}", bool(self.category)))
        shown = [name for name, on in filters if on]
        if shown:
            text += f" — showing {len(self.digests):,} ({', '.join(shown)})"
        if not snap.complete:
            text += f" — loading {len(snap.digests) - snap.pending:,}/{snap.total:,}"
        if snap.missing_roots:
            text += " — waiting for " + ", ".join(map(safe, snap.missing_roots)) + " to appear"
        elif not snap.digests and snap.complete:
            text += " — no digests here yet (*.md, *.markdown)"
        return text


def _same_item(items: tuple[Item, ...], old: Item) -> int:
    """The index of the item that was selected before its digest changed: by URL, else number."""
    if old.url:
        for index, item in enumerate(items):
            if item.url == old.url:
                return index
    return max(0, min(old.n - 1, len(items) - 1))


def _positions(digests: tuple[Digest, ...], start: tuple[int, int], step: int) -> Iterator[tuple[int, int, bool]]:
    """Every item after `start` (`step` 1) or before it (-1) in list order, then from the other
    end of the list round to `start`: (digest, item index in the digest, whether it went round).
    `start` is (digest, item index in the digest); an item index of -1 is before the first."""
    first, cursor = start
    count = len(digests)
    for k in range(count + 1 if count else 0):
        at = first + k * step
        d = at % count
        indexes = list(range(digests[d].count))[::step]
        if k == 0:
            indexes = [i for i in indexes if (i - cursor) * step > 0]
        elif k == count:
            indexes = [i for i in indexes if (i - cursor) * step <= 0]
        wrapped = not 0 <= at < count
        yield from ((d, i, wrapped) for i in indexes)
