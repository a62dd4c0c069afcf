"""The item lists of light digests (the lists hold no items), as read from the catalog for the
digests near the cursor: kept for the last few hundred used, and those asked for. Pure."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from digesttui.model import Digest, Item

HEADS_KEPT = 512
"""Item lists of this many digests are kept at most (the lists' digests are light)."""


class ItemLists:
    """The item lists of light digests, read from the catalog: the last `HEADS_KEPT` used, by
    digest as its file was when read (its list changes with it), and those asked for."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[str, int], tuple[Item, ...]] = OrderedDict()
        self._asked: set[tuple[str, int]] = set()

    def get(self, digest: Digest) -> tuple[Item, ...] | None:
        """A digest's item list; None until read (a light digest's)."""
        if digest.items or not digest.count or digest.pending:
            return digest.items
        heads = self._kept.get(key := _key(digest))
        if heads is not None:
            self._kept.move_to_end(key)
        return heads

    def missing(self, digests: Iterable[Digest]) -> list[Digest]:
        """Those of `digests` whose lists are neither in hand nor asked for; asked for now."""
        wanted = {_key(d): d for d in digests if self.get(d) is None and _key(d) not in self._asked}
        self._asked.update(wanted)
        return list(wanted.values())

    def put(self, found: Iterable[tuple[Digest, tuple[Item, ...]]]) -> None:
        for digest, heads in found:
            self._kept[_key(digest)] = heads
            self._asked.discard(_key(digest))
        while len(self._kept) > HEADS_KEPT:
            self._kept.popitem(last=False)


def _key(digest: Digest) -> tuple[str, int]:
    """A digest's file as it was when read: its item list changes with it."""
    return digest.path, digest.stamp
