"""The catalog's search as SQL over one connection: which way to find the items that hold every
word, newest digest first. The index is of each item's text spaced out (`spaced`: `模型` is
`␟模␟型␟`), so that a word of any length is in it. Pure Python over `sqlite3`, no Textual."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

SCAN_FIRST = 0.005
"""Seconds a search scans newest first (a common word is found at once) before it asks the
index instead."""
FEW = 5000
"""Up to how many items the index gives are read and sorted (more: looked up newest first)."""
SCANNED = 3000
"""About how many items the scan gets through in `SCAN_FIRST` (~2,000 in 3.4 ms at 10,000 digests):
a word the index gives for fewer than `FEW` is scanned for first if it is likely to be in `limit`
of that many (4,000 in 80,000 items: 100 found in 3.4 ms; read and sorted they took 15 ms)."""
COMMON = 8
"""A word in more than one item in this many is scanned for even when the first scan ran out of
time (a cold cache, a busy machine): looked up in the index, it took ~95 ms at 100,000 digests."""
SPACER = "\x1f"
"""Between the characters of the text indexed: a control character, which no text shown holds."""

Row = tuple[float, str, int, str, str | None, str, str]
"""A hit: its digest's sort key and path, the item's number, headline, link, section, shown text."""
_ROW = "SELECT d.sort_key, d.path, i.n, i.title, i.url, i.section, i.shown"
_NEWEST = "ORDER BY d.sort_key DESC, d.path LIMIT ?"


def spaced(text: str) -> str:
    """`abc` as `␟a␟b␟c␟`: in the trigram index, a word of one character is three."""
    return SPACER + SPACER.join(text) + SPACER


def find(db: sqlite3.Connection, words: Sequence[str], links: bool, limit: int, indexed: int, items: int) -> list[Row]:
    """Items that hold every word (lowered), at most `limit`, those of the newest digests (in no
    order); with `links`, the links' targets are searched too. `indexed` of `items` are in the
    index (`Catalog`'s `_index_state`).

    The index says which items may hold every word, counted up to `FEW`: that few (a rare word),
    they are read and sorted, unless `limit` of them are likely among the newest `SCANNED`
    items (then those are scanned first, for `SCAN_FIRST` seconds). More: digest by digest from
    the newest until `limit` hits, for `SCAN_FIRST` seconds (a common word is found at once);
    then, unless the word is in most items (`COMMON`), the index's items, looked up as the digests
    are gone through newest first (only their text is read)."""
    where, values = [], []  # type: list[str], list[object]
    for word in words:
        targets = " OR i.targets LIKE ? ESCAPE '\\'" if links else ""
        where.append(f"(i.shown LIKE ? ESCAPE '\\'{targets})")
        values += [_like(word)] * (2 if links else 1)
    # the digests in the index's order, newest first, each one's items looked up: the
    # search stops at `limit` (sorting every match first took 100 ms for a common word)
    condition = " AND ".join(where)
    scan = (
        f"{_ROW} FROM digests d INDEXED BY digests_newest CROSS JOIN items i ON i.digest = d.id"
        f" WHERE {condition} {_NEWEST}"
    )
    if not words or links or indexed < items:
        return db.execute(scan, (*values, limit)).fetchall()
    match = _match(words)
    counted = _counted(db, match, FEW)
    likely = counted > FEW or counted * SCANNED >= limit * items  # (to be found sooner newest first)
    if likely and (scanned := _within(db, SCAN_FIRST, scan, (*values, limit))) is not None:
        return scanned
    if counted <= FEW:  # a rare word: the few items the index gives, sorted
        few = (
            f"{_ROW} FROM items_text t JOIN items i ON i.id = t.rowid JOIN digests d ON d.id = i.digest"
            f" WHERE items_text MATCH ? AND {condition} {_NEWEST}"
        )
        return db.execute(few, (match, *values, limit)).fetchall()
    if _counted(db, match, items // COMMON) > items // COMMON:  # the scan is still the way
        return db.execute(scan, (*values, limit)).fetchall()
    # many: the newest first, each looked up among the index's items (only their text is read)
    many = scan.replace(" WHERE ", " WHERE i.id IN (SELECT rowid FROM items_text WHERE items_text MATCH ?) AND ", 1)
    return db.execute(many, (match, *values, limit)).fetchall()


def _within(db: sqlite3.Connection, seconds: float, query: str, values: tuple[object, ...]) -> list[Any] | None:
    """The rows of a query, or None if it took longer than that."""
    deadline = time.monotonic() + seconds
    over = False

    def check() -> bool:
        nonlocal over
        over = time.monotonic() > deadline
        return over

    db.set_progress_handler(check, 50_000)  # rarely: each call waits for the GIL
    try:
        return db.execute(query, values).fetchall()
    except sqlite3.OperationalError:
        if over:
            return None
        raise
    finally:
        db.set_progress_handler(None, 0)


def _counted(db: sqlite3.Connection, match: str, upto: int) -> int:
    """How many items the index says may match, counted no further than past `upto` (counting
    40,000 took 14 ms, 5,000 2 ms)."""
    query = "SELECT count(*) FROM (SELECT 1 FROM items_text WHERE items_text MATCH ? LIMIT ?)"
    return int(db.execute(query, (match, upto + 1)).fetchone()[0])


def _like(word: str) -> str:
    """A LIKE pattern (ESCAPE '\\') for text that holds `word`."""
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _match(words: Sequence[str]) -> str:
    """What the index is asked for: the items that hold each pair of characters of every word
    (`模型发`: `模␟型` and `型␟发`), or a word's one character, all in one FTS5 query. (Asked by
    LIKE, the index would also look up each character alone: for `模型发`, 38 -> 78 ms at 10,000
    digests.)"""
    pairs = [p for w in words for p in ([a + SPACER + b for a, b in pairwise(w)] or [SPACER + w + SPACER])]
    return " AND ".join('"' + pair.replace('"', '""') + '"' for pair in dict.fromkeys(pairs))
