"""A digest as a row of the catalog's `digests` table and back, and an item as a row of `items`.
A light digest (what the lists hold) shares what many have (names of categories and tags, time
zones) and holds no copy it need not. Pure Python, no Textual."""

from __future__ import annotations

import marshal
import sys
from datetime import datetime, tzinfo
from itertools import starmap
from typing import Any

from digesttui.inline import visible
from digesttui.model import Digest, Item, Problem, stamp_of

ROW = "path, label, title, date, sort_key, categories, tags, problems, size, mtime_ns, description, timed, count, keys"
"""The columns of `digests` a light digest is read from (then its first headline: `light_row`)."""


def row_of(digest: Digest) -> tuple[Any, ...]:
    """A digest's row in `digests`: the columns of `ROW`, then its first headline and overview."""
    return (
        digest.path,
        digest.label,
        digest.title,
        digest.date.isoformat() if digest.date else None,
        digest.sort_key,
        marshal.dumps(digest.categories),
        marshal.dumps(digest.tags),
        marshal.dumps(tuple(map(tuple, digest.problems))),
        digest.size,
        digest.mtime_ns,
        digest.description,
        digest.timed,
        digest.count,
        digest.keys,
        digest.lead,
        digest.overview,
    )


def item_row(item: Item) -> tuple[object, ...]:
    links = marshal.dumps(tuple(map(tuple, item.links)))
    targets = " ".join(link.url for link in item.links).lower()
    return (item.n, item.title, item.url, links, item.summary, item.section, visible(item), targets)


def light(digest: Digest) -> Digest:
    """A digest as the lists hold it: no items in hand, no overview, no first headline (as `rows`
    reads it back where its title is not shared; `Library` reads the others' with `leads`). Its
    title is a copy: `put` gives SQLite the digest's own, and CPython keeps the UTF-8 it makes of
    a non-ASCII text with the text."""
    return digest.replace(
        label=digest.path if digest.label == digest.path else digest.label,
        title=_copy(digest.title),
        lead="",
        date=_zoned(digest.date),
        categories=_shared(digest.categories),
        tags=_shared(digest.tags),
        items=(),
        overview="",
    )


def _copy(text: str) -> str:
    """A copy of `text` (a lone surrogate, as an undecodable name leaves, copied too)."""
    return text if text.isascii() else text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")


def light_row(row: tuple[Any, ...]) -> Digest:
    """A digest as the list holds it, from its row (`ROW`'s columns and its first headline)."""
    path, label, title, date, sort_key, categories, tags, problems, size, mtime_ns, description, timed, *rest = row
    return Digest(
        path,
        path if label == path else label,
        title,
        _zoned(datetime.fromisoformat(date)) if date else None,
        sort_key,
        _shared(marshal.loads(categories)),
        _shared(marshal.loads(tags)),
        (),
        tuple(starmap(Problem, marshal.loads(problems))),
        stamp_of(size, mtime_ns),
        description,
        "",
        bool(timed),
        False,
        *rest,  # count, keys, lead
    )


_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}


def _shared(names: tuple[str, ...]) -> tuple[str, ...]:
    """Categories or tags, one tuple for every digest that has the same (6 MiB at 100,000)."""
    names = tuple(map(sys.intern, names))  # and each name once
    return _NAMES.setdefault(names, names) if len(_NAMES) < 10_000 else names


_ZONES: dict[object, tzinfo] = {}


def _zoned(date: datetime | None) -> datetime | None:
    """`date` with a time zone object shared by every date of its offset (each date read has
    one of its own)."""
    if date is None or date.tzinfo is None:
        return date
    zone = _ZONES.setdefault(date.utcoffset(), date.tzinfo)
    return date if zone is date.tzinfo else date.replace(tzinfo=zone)
