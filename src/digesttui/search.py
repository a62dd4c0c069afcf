"""Search every item's headline and summary as the reader sees them, case-insensitively. Pure
Python, no Textual.

Several words find the items that hold all of them, in any order. The text searched is what the
detail pane shows: a link's text, not where it points, and no emphasis marks, so a phrase matches
across bold; a query that looks like a link (`://`, `www.`, a `/`) searches the links' targets
too. A plain substring scan over pre-lowered text: for 80,000 items a query takes milliseconds,
works for any script (two-character Chinese queries included, which trigram indexes miss)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from digesttui.inline import LINK
from digesttui.model import Digest, Item

SNIPPET = 70
"""Characters of context a hit shows around its match."""


class Hit(NamedTuple):
    digest: Digest
    item: Item
    text: str
    """What the item shows, headline and summary (`visible`): where the snippet comes from."""


def visible(item: Item) -> str:
    """An item's text as the detail pane shows it, near enough to search: headline and summary,
    links and images as their text, no emphasis or code marks. (Not `inline.plain`, which is
    exact and five times slower: the index of 80,000 items took 0.7 s with it.)"""
    summary = item.summary
    if "](" in summary:
        summary = LINK.sub(_link_text, summary)
    return f"{item.title}\n{summary}".replace("*", "").replace("`", "")


def _link_text(m: re.Match[str]) -> str:
    return m[1]


def words_of(query: str) -> tuple[str, ...]:
    """The words of a query, as they can occur in the text searched (lowered, no emphasis marks)."""
    return tuple(dict.fromkeys(query.replace("*", " ").lower().split()))


def looks_like_a_link(query: str) -> bool:
    return any(word.startswith("www.") or "://" in word or "/" in word.strip("/") for word in query.split())


class SearchIndex:
    """The text of every item of `digests`; their items in full (summaries, links) come from
    `full_items`, (path, items) pairs in any order (the catalog's: the digests the lists hold
    are light)."""

    def __init__(self, digests: Sequence[Digest], full_items: Iterable[tuple[str, Sequence[Item]]]) -> None:
        self.digests = digests
        # one string a digest, its items' text joined by NUL (lowered, and as shown where that
        # differs: rarely in Chinese); offsets find the item of a match
        texts: dict[str, tuple[str, str, list[int], list[str]]] = {}
        for path, items in full_items:
            parts, starts, targets, at = [], [], [], 0
            for item in items:
                part = visible(item)
                if len(part.lower()) != len(part):
                    part = part.lower()  # a rare letter whose lower case is longer (İ): offsets stay shared
                starts.append(at)
                parts.append(part)
                targets.append(" ".join(link.url for link in item.links).lower())
                at += len(part) + 1
            shown = "\0".join(parts)
            lowered = shown.lower()
            texts[path] = (lowered, lowered if lowered == shown else shown, starts, targets)  # one string if alike
        self._texts = [texts.get(d.path, ("", "", [], [])) for d in digests]

    def search(self, query: str, limit: int = 1000) -> list[Hit]:
        """Items that hold every word of `query`, newest digest first."""
        words = words_of(query)
        if not words:
            return []
        links = looks_like_a_link(query)
        first = max(words, key=len)  # the longest word: the fewest places to look at
        hits: list[Hit] = []
        for digest, (text, shown, starts, targets) in zip(self.digests, self._texts, strict=True):
            found = self._items_with(text, starts, first) if first in text else set()
            if links:
                found |= {i for i, target in enumerate(targets) if first in target}
            for index in sorted(found):
                part = _part(text, starts, index)
                target = targets[index] if links else ""
                if index < len(digest.items) and all(word in part or word in target for word in words):
                    hits.append(Hit(digest, digest.items[index], _part(shown, starts, index)))
                    if len(hits) >= limit:
                        return hits
        return hits

    @staticmethod
    def _items_with(text: str, starts: list[int], word: str) -> set[int]:
        found: set[int] = set()
        at = text.find(word)
        while at != -1:
            index = bisect_right(starts, at) - 1
            found.add(index)
            following = starts[index + 1] if index + 1 < len(starts) else len(text)
            at = text.find(word, following)
        return found


def _part(text: str, starts: list[int], index: int) -> str:
    end = starts[index + 1] - 1 if index + 1 < len(starts) else len(text)
    return text[starts[index] : end]


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
