"""What the reader derives from a snapshot of the library: the zone and order of the times shown,
the titles many digests share, every item's key joined, the unread counts. Worked out where the
snapshot is made (a worker: 0.2-0.4 s at 100,000 digests), not on the UI thread. Pure Python,
no Textual."""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from datetime import tzinfo
from itertools import accumulate, islice, pairwise
from operator import is_
from typing import NamedTuple

from digesttui.library import Snapshot
from digesttui.model import Digest
from digesttui.state import State
from digesttui.times import display_zone, in_order

KEYS_A_LOOP = 1 << 16
"""Keys looked up in one call (`unread_counts`): ~5 ms."""


class View(NamedTuple):
    """A snapshot and what is derived from it (`view_of`)."""

    snapshot: Snapshot
    zone: tzinfo | None
    zone_name: str
    """The zone times are shown in (None: the machine's own), named when it is not that."""
    ordered: tuple[Digest, ...]
    """The digests newest first by the times shown."""
    base: int
    """The `seq` of the snapshot the reader held when this view was made (-1: none). Not the
    snapshot itself: kept, it kept a loading library's previous snapshot alive (15 MiB)."""
    added: frozenset[str]
    """The digests this snapshot has and that one had not."""
    keys: bytes
    """Every item's key, digest after digest (`Digest.keys` joined): found by `bytes.find`."""
    starts: array[int]
    """Where each digest's keys start in `keys` (in keys), and where the last ends."""
    unread: dict[str, int]
    """Unread items per digest, as of the state's `read_changes` `counted`."""
    counted: int

    def holding(self, key: int) -> Iterator[str]:
        """The path of the digest of each item with this key (`model.key_of`)."""
        needle = key.to_bytes(8, sys.byteorder, signed=True)  # as `array` packs it
        at = self.keys.find(needle)
        while at != -1:
            if at % 8 == 0:
                yield self.snapshot.digests[bisect_right(self.starts, at // 8) - 1].path
            at = self.keys.find(needle, at + 1)


def view_of(snapshot: Snapshot, timezone: str | None, state: State, base: View | None) -> View:
    """The view of a snapshot, shown in the config's `timezone`, its unread counts by the state's
    read marks (a copy: the UI thread marks meanwhile), what is new since `base` (the view held).

    A snapshot of the very digests `base` has (a load that found nothing changed on disk, a
    root gone or back) takes what derives from them from `base`: made anew at 100,000 digests,
    ~70 ms of work alone (179 ms in a loading reader), and the joined keys (6.1 MiB) and the
    counts (3.7 MiB) twice at once (the last of a warm start's two full snapshots)."""
    digests = snapshot.digests
    # (nothing to count in no digests: the reader's first, empty, view need not work out the keys)
    counted, read = state.read_keys_copy() if digests else (state.read_changes, frozenset())
    if base is not None and _same(digests, base.snapshot.digests):
        # (its counts are the ones the reader follows marks in: as of `base.counted` unless marked since)
        unread = base.unread if counted == base.counted else unread_counts(digests, base.keys, base.starts, read)
        seq = base.snapshot.seq
        return base._replace(snapshot=snapshot, base=seq, added=frozenset(), unread=unread, counted=counted)
    zone, zone_name = display_zone(digests, timezone)
    keys = b"".join(d.keys for d in digests)
    starts = array("q", accumulate((len(d.keys) // 8 for d in digests), initial=0))
    return View(
        snapshot,
        zone,
        zone_name,
        in_order(digests, zone),
        base.snapshot.seq if base is not None else -1,
        added_paths(digests, base.snapshot if base is not None else None),
        keys,
        starts,
        unread_counts(digests, keys, starts, read),
        counted,
    )


def _same(digests: Sequence[Digest], others: Sequence[Digest]) -> bool:
    """Whether these are the very same digest objects, in the same order."""
    return len(digests) == len(others) and all(map(is_, digests, others))


def added_paths(digests: Sequence[Digest], base: Snapshot | None) -> frozenset[str]:
    """The paths of `digests` that `base` has not (none without a base)."""
    if base is None:
        return frozenset()
    return frozenset({d.path for d in digests}.difference(d.path for d in base.digests))


def unread_counts(
    digests: Sequence[Digest], keys: bytes, starts: array[int], read: set[int] | frozenset[int]
) -> dict[str, int]:
    """Unread items per digest (those with any), by C loops over the joined keys, `KEYS_A_LOOP`
    keys a loop: one loop over the 800,000 keys of 100,000 digests held the interpreter lock
    60-75 ms (the screen stood still that long for every snapshot made while a library loaded,
    whenever anything at all was read)."""
    spans = pairwise(starts)
    if read:
        every = memoryview(keys).cast("q")
        seen = array("q", [0])  # how many of the keys before each were read
        for start in range(0, len(every), KEYS_A_LOOP):
            looked = map(read.__contains__, every[start : start + KEYS_A_LOOP])
            seen.extend(islice(accumulate(looked, initial=seen[-1]), 1, None))
        counts: Iterator[int] = (end - start - (seen[end] - seen[start]) for start, end in spans)
    else:
        counts = (end - start for start, end in spans)
    return {d.path: n for d, n in zip(digests, counts, strict=True) if n}
