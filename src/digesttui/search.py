"""Search every item's headline and summary as the reader sees them, case-insensitively. Pure
Python, no Textual.

Several words find the items that hold all of them, in any order. The text searched is what the
detail pane shows: a link's text, not where it points, and no emphasis marks, so a phrase matches
across bold; a query that looks like a link (`://`, `www.`, a `/`) searches the links' targets
too. The catalog searches (`Catalog.search`), newest digest first until enough hits are found:
any script, any length of word (`模` as well as `模型发布`), and nothing held in memory for it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from digesttui.catalog import Catalog
from digesttui.model import Digest, Item

SNIPPET = 70
"""Characters of context a hit shows around its match."""


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
    """Search the items of `digests` in the catalog, as the reader sees
    them: hits are the reader's own (light) digests and items."""

    def __init__(self, digests: Sequence[Digest], catalog: Catalog) -> None:
        self.digests = digests
        self._by_path = {d.path: d for d in digests}
        self._catalog = catalog

    def search(self, query: str, limit: int = 1000) -> list[Hit]:
        """Items that hold every word of `query`, newest digest first."""
        words = words_of(query)
        if not words:
            return []
        hits = []
        for path, item, shown in self._catalog.search(words, looks_like_a_link(query), limit):
            digest = self._by_path.get(path)
            if digest is not None:
                hits.append(Hit(digest, item, shown))
        return hits


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
