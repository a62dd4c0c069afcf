"""The data digest-tui shows: immutable values (named tuples and `Digest`), no I/O, no Textual."""

from __future__ import annotations

import os
from array import array
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from itertools import chain, compress, count, islice
from operator import attrgetter, eq
from typing import Any, Final, Literal, NamedTuple

try:  # hashlib's own BLAKE2, without hashlib: it loads OpenSSL first (3 ms of the first paint, -X importtime)
    from _blake2 import blake2b
except ImportError:  # (a Python built without it)
    from hashlib import blake2b

Level = Literal["error", "warning"]
SHARED_TITLE = 3
"""From how many digests with one title on, the list shows what tells them apart instead."""


class Problem(NamedTuple):
    """Something wrong with a digest file, as a value (the parser never raises)."""

    level: Level
    message: str
    line: int | None = None

    def describe(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class Link(NamedTuple):
    text: str
    url: str


class Item(NamedTuple):
    """One news item of a digest. (Named tuples: a cache of 80,000 loads several times faster
    than it would as dataclasses.)"""

    n: int
    """Its number in display order, from 1."""
    title: str
    url: str | None
    """The source link: the headline's link, else the item's first http(s) link."""
    links: tuple[Link, ...]
    summary: str
    """Markdown."""
    section: str = ""
    """The unnumbered heading the item stands under, if any."""


_NAMES = (
    "path", "label", "title", "date", "sort_key", "categories", "tags", "items", "problems", "stamp",
    "description", "overview", "timed", "pending", "count", "keys", "lead",
)  # fmt: skip
"""`Digest`'s fields, in the order of its arguments."""


class Digest:
    """A digest file, read: a value, compared by its fields (but `lead`), never changed (its fields
    are `Final`: the type check, which CI runs, refuses an assignment; `replace` makes a copy).
    Written out, not a frozen dataclass: that one's `__init__` set each field through
    `object.__setattr__` (2.2 us a digest, now 0.45: listing 100,000 rows from the catalog took
    ~1 s, 0.2 s of it that), and making the class took 1 ms of every start."""

    __slots__ = _NAMES

    def __init__(
        self,
        path: str,
        label: str,
        title: str,
        date: datetime | None,
        sort_key: float,
        categories: tuple[str, ...] = (),
        tags: tuple[str, ...] = (),
        items: tuple[Item, ...] = (),
        problems: tuple[Problem, ...] = (),
        stamp: int = 0,
        description: str = "",
        overview: str = "",
        timed: bool = True,
        pending: bool = False,
        count: int = 0,
        keys: bytes = b"",
        lead: str = "",
    ) -> None:
        self.path: Final = path
        """Where the file is (used for I/O; see `label` for display)."""
        self.label: Final = label
        """The path made safe to show."""
        self.title: Final = title
        self.date: Final = date
        """As written (naive or zoned); None only when nothing gave a date."""
        self.sort_key: Final = sort_key
        """Seconds since the epoch, for ordering newest first."""
        self.categories: Final = categories
        self.tags: Final = tags
        self.items: Final = items
        self.problems: Final = problems
        self.stamp: Final = stamp
        """The file's size and modification time when it was read, as one number (`stamp_of`):
        what tells whether the file changed since. One number, not two: 40 bytes a digest (3.8 MiB
        at 100,000 by arithmetic; resident memory warm 2.6-2.9 MiB less, measured)."""
        self.description: Final = description
        """The front matter's `description`, if any."""
        self.overview: Final = overview
        """What the body says besides its items (intro, highlights, closing notes), as Markdown."""
        self.timed: Final = timed
        """Whether `date` has a time of day (else only the day is known: no 00:00 is shown)."""
        self.pending: Final = pending
        """Found, not read yet: listed from its file name until it is parsed."""
        if items:
            count, lead = len(items), lead or items[0].title
            keys = array("q", (key_of(self.item_id(item)) for item in items)).tobytes()
        self.count: Final = count
        """How many items it has (set from `items` when given: a light digest has none in hand)."""
        self.keys: Final = keys
        """Each item's `key_of(item_id)`, in order, packed (`item_keys`): what unread counts,
        "next unread" and the starred filter need of every digest, in 8 bytes an item."""
        self.lead: Final = lead
        """Its first headline, where the list may need it to tell digests of one title apart (the
        catalog gives it only then). Not compared."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Digest):
            return NotImplemented
        return self is other or _COMPARED(self) == _COMPARED(other)

    def __hash__(self) -> int:
        return hash(_COMPARED(self))

    def __repr__(self) -> str:
        return f"Digest({', '.join(f'{name}={value!r}' for name, value in zip(_NAMES, _FIELDS(self), strict=True))})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Digest, _FIELDS(self))

    def replace(self, **changes: Any) -> Digest:
        """A copy with `changes` (as `dataclasses.replace`: `count`, `keys` and `lead` follow new
        `items`)."""
        return Digest(**{**dict(zip(_NAMES, _FIELDS(self), strict=True)), **changes})

    def item_keys(self) -> array[int]:
        """`keys`, unpacked."""
        return array("q", self.keys)

    @property
    def shown_title(self) -> str:
        """Its title as shown: a digest not read yet holds its path for a title (`parse.pending`:
        no string of its own) and shows its file's name."""
        return self.title.rsplit(os.sep, 1)[-1] if self.pending else self.title

    @property
    def size(self) -> int:
        """The file's size when it was read (`stamp_of`): 0 for a folder or a file that could not
        be read (a digest not read yet, `pending`, has none to tell)."""
        return self.stamp & SIZES

    @property
    def mtime_ns(self) -> int:
        """The file's modification time when it was read (`stamp_of`)."""
        return self.stamp >> SIZE_BITS

    @property
    def has_error(self) -> bool:
        return any(p.level == "error" for p in self.problems)

    @property
    def first_error(self) -> Problem | None:
        return next((p for p in self.problems if p.level == "error"), None)

    def date_text(self) -> str:
        if self.date is None:
            return "????-??-?? ??:??"
        return self.date.strftime("%Y-%m-%d %H:%M")

    def same_item(self, item: Item) -> Item | None:
        """This digest's item that is `item` (a light one's head, say), if it has it: same
        number and headline."""
        return next((i for i in self.items if (i.n, i.title) == (item.n, item.title)), None)

    def item_id(self, item: Item) -> str:
        """A stable id for read marks: the item's URL, else digest + headline."""
        return item.url or f"{self.path}#{item.title}"


_FIELDS = attrgetter(*_NAMES)
_COMPARED = attrgetter(*_NAMES[:-1])
"""All but `lead`."""


def shared_titles(digests: Iterable[Digest]) -> frozenset[str]:
    """Titles `SHARED_TITLE` digests or more have (the list shows what tells them apart instead)."""
    return frozenset(title for title, n in Counter(d.title for d in digests).items() if n >= SHARED_TITLE)


def newest_first(digest: Digest) -> tuple[float, str]:
    """The order of a library's digests (a snapshot's): newest first, by path where equal."""
    return -digest.sort_key, digest.path


def in_newest_order(digests: Iterable[Digest]) -> list[Digest]:
    """`digests` in `newest_first` order: sorted by their `sort_key`, then each run of equal keys
    by path. No key made a digest (a tuple and a float: 10 MiB at 100,000 digests, made again for
    every snapshot of a loading library, which left its memory that much larger).

    One sort is one call that holds the interpreter lock: given nearly in order (as `Library`
    gives them), 100,000 digests take ~11 ms in all; in no order ~45; sorted by path first as
    well, 75-115 ms, which the screen waited for while a library loaded in a worker."""
    ordered = sorted(digests, key=_SORT_KEY, reverse=True)  # (the equal keep their order)
    keys = list(map(_SORT_KEY, ordered))
    tied = compress(count(1), map(eq, keys, islice(keys, 1, None)))  # i: the same key as i - 1
    first = last = -2
    for i in chain(tied, (-1,)):
        if i != last + 1:  # a run of equal keys, `first` - 1 to `last`, ends
            if first >= 0:
                ordered[first - 1 : last + 1] = sorted(ordered[first - 1 : last + 1], key=_PATH)
            first = i
        last = i
    return ordered


_SORT_KEY, _PATH = attrgetter("sort_key"), attrgetter("path")


SIZE_BITS = 31
SIZES = (1 << SIZE_BITS) - 1
"""The part of a stamp that is the file's size: sizes of 2 GiB and more are known modulo that."""


def stamp_of(size: int, mtime_ns: int) -> int:
    """A file's version: its modification time and size in one number (`Digest.stamp`), an int
    of 48 bytes as the time alone was (the size was one more of 32, and a slot of 8)."""
    return mtime_ns << SIZE_BITS | size & SIZES


def key_of(item_id: str) -> int:
    """An item id as a number (64 bits of its BLAKE2 hash): what the lists hold of every item,
    where the ids themselves took ~100 bytes each (the state file keeps the ids)."""
    digest = blake2b(item_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)
