"""The data digest-tui shows: immutable values (named tuples and a frozen dataclass), no I/O, no Textual."""

from __future__ import annotations

import os
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from typing import Any, Literal, NamedTuple

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


@dataclass(frozen=True, slots=True)
class Digest:
    path: str
    """Where the file is (used for I/O; see `label` for display)."""
    label: str
    """The path made safe to show."""
    title: str
    date: datetime | None
    """As written (naive or zoned); None only when nothing gave a date."""
    sort_key: float
    """Seconds since the epoch, for ordering newest first."""
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    items: tuple[Item, ...] = ()
    problems: tuple[Problem, ...] = ()
    size: int = 0
    mtime_ns: int = 0
    description: str = ""
    """The front matter's `description`, if any."""
    overview: str = ""
    """What the body says besides its items (intro, highlights, closing notes), as Markdown."""
    timed: bool = True
    """Whether `date` has a time of day (else only the day is known: no 00:00 is shown)."""
    pending: bool = False
    """Found, not read yet: listed from its file name until it is parsed."""
    count: int = 0
    """How many items it has (set from `items` when given: a light digest has none in hand)."""
    keys: bytes = b""
    """Each item's `key_of(item_id)`, in order, packed (`item_keys`): what unread counts,
    "next unread" and the starred filter need of every digest, in 8 bytes an item."""
    lead: str = field(default="", compare=False)
    """Its first headline, where the list may need it to tell digests of one title apart (the
    catalog gives it only then)."""

    def __post_init__(self) -> None:
        if self.items:
            object.__setattr__(self, "count", len(self.items))
            object.__setattr__(self, "keys", array("q", (key_of(self.item_id(i)) for i in self.items)).tobytes())
            object.__setattr__(self, "lead", self.lead or self.items[0].title)

    def item_keys(self) -> array[int]:
        """`keys`, unpacked."""
        return array("q", self.keys)

    @property
    def shown_title(self) -> str:
        """Its title as shown: a digest not read yet holds its path for a title (`parse.pending`:
        no string of its own) and shows its file's name."""
        return self.title.rsplit(os.sep, 1)[-1] if self.pending else self.title

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

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt by the constructor: much faster to unpickle than dataclasses' own __setstate__.
        return (Digest, tuple(getattr(self, f) for f in _INIT_FIELDS))

    def same_item(self, item: Item) -> Item | None:
        """This digest's item that is `item` (a light one's head, say), if it has it: same
        number and headline."""
        return next((i for i in self.items if (i.n, i.title) == (item.n, item.title)), None)

    def item_id(self, item: Item) -> str:
        """A stable id for read marks: the item's URL, else digest + headline."""
        return item.url or f"{self.path}#{item.title}"


def shared_titles(digests: Iterable[Digest]) -> frozenset[str]:
    """Titles `SHARED_TITLE` digests or more have (the list shows what tells them apart instead)."""
    return frozenset(title for title, n in Counter(d.title for d in digests).items() if n >= SHARED_TITLE)


def newest_first(digest: Digest) -> tuple[float, str]:
    """The order of a library's digests (a snapshot's): newest first, by path where equal."""
    return -digest.sort_key, digest.path


def in_newest_order(digests: Iterable[Digest]) -> list[Digest]:
    """`digests` in `newest_first` order, by two stable sorts on their own fields: no key made a
    digest (a tuple and a float: 10 MiB at 100,000 digests, made again for every snapshot of a
    loading library, which left its memory that much larger)."""
    ordered = sorted(digests, key=attrgetter("path"))
    ordered.sort(key=attrgetter("sort_key"), reverse=True)  # (the equal keep their order)
    return ordered


def key_of(item_id: str) -> int:
    """An item id as a number (64 bits of its BLAKE2 hash): what the lists hold of every item,
    where the ids themselves took ~100 bytes each (the state file keeps the ids)."""
    digest = blake2b(item_id.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


_INIT_FIELDS = tuple(f.name for f in fields(Digest) if f.init)
