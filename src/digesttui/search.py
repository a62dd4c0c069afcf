"""Search every item's headline and summary as the reader sees them, case-insensitively. Pure
Python, no Textual.

Several words find the items that hold all of them, in any order. The text searched is what the
detail pane shows: a link's text, not where it points, and no emphasis marks, so a phrase matches
across bold; a query that looks like a link (`://`, `www.`, a `/`) searches the links' targets
too. The catalog searches (`Catalog.search`), newest digest first until enough hits are found:
any script, any length of word (`模` as well as `模型发布`), and nothing held in memory for it."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import NamedTuple

from digesttui.catalog import Catalog
from digesttui.model import Digest, Item, newest_first

SNIPPET = 70
"""Characters of context a hit shows around its match."""
MOST_HITS = 1000
"""Hits a search gives at most (newest first)."""


class Hit(NamedTuple):
    digest: Digest
    item: Item
    text: str
    """What the item shows, headline and summary (`visible`): where the snippet comes from."""


def words_of(query: str) -> tuple[str, ...]:
    """The words of a query, as they can occur in the text searched (lowered, no emphasis marks)."""
    return tuple(dict.fromkeys(query.replace("*", " ").lower().split()))


def looks_like_a_link(query: str) -> bool:
    return any(word.startswith("www.") or "://" in word or "/" in word.strip("/") for word in query.split())


class Search:
    """Search the items of `digests` (a snapshot's: in `newest_first` order) in the catalog, as
    the reader sees them: hits are the reader's own (light) digests and items, found in
    `digests` by their place in that order (a table of them by path was 3.7 MiB at 100,000)."""

    def __init__(self, digests: Sequence[Digest], catalog: Catalog) -> None:
        self.digests = digests
        self._catalog = catalog

    def search(self, query: str, limit: int = MOST_HITS, typed: int = 0) -> list[Hit]:
        """Items that hold every word of `query`, newest digest first. `typed`: when the query
        was typed (`Catalog.search`: a search of an older query neither runs nor stops a newer one's)."""
        words = words_of(query)
        if not words:
            return []
        hits = []
        found: dict[str, Digest | None] = {}
        for sort_key, path, item, shown in self._catalog.search(words, looks_like_a_link(query), limit, typed):
            if path not in found:
                found[path] = self._digest(sort_key, path)
            digest = found[path]
            if digest is not None:  # else not (or not yet) in the snapshot
                hits.append(Hit(digest, item, shown))
        return hits

    def _digest(self, sort_key: float, path: str) -> Digest | None:
        at = bisect_left(self.digests, (-sort_key, path), key=newest_first)
        return self.digests[at] if at < len(self.digests) and self.digests[at].path == path else None


def snippet(shown: str, query: str) -> str:
    """A line of an item's summary (`shown`: its `visible` text) around the first word of the
    query found in it ("" when the query is found in the headline only: the headline shows it)."""
    text = " ".join(shown.partition("\n")[2].split())
    lowered = text.lower()
    at = min((i for w in words_of(query) if (i := lowered.find(w)) != -1), default=-1)
    if at == -1:
        return ""
    start = max(0, at - SNIPPET // 3)
    space = text.find(" ", start, at)
    if start and space != -1:  # from a word's start where words are spaced (not in Chinese)
        start = space + 1
    shown = text[start : start + SNIPPET]
    return ("…" if start else "") + shown + ("…" if start + SNIPPET < len(text) else "")


def highlight_of(query: str) -> tuple[str, ...]:
    """What the detail pane marks for a query: each of its words."""
    return words_of(query)
