"""What the reader derives from a snapshot of the library: the zone and order of the times shown,
the titles many digests share, the unread counts. Worked out where the snapshot is made (a
worker: 0.2-0.4 s at 100,000 digests), not on the UI thread. Pure Python, no Textual."""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import tzinfo
from itertools import accumulate, islice, pairwise
from operator import attrgetter, is_
from typing import NamedTuple

from digesttui.library import Snapshot
from digesttui.model import Digest
from digesttui.state import State
from digesttui.times import display_zone, in_order

KEYS_A_LOOP = 1 << 16
"""Keys joined and looked up in one call (`unread_counts`): ~5 ms."""


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
    starts: array[int]
    """Where each digest's keys start among all of theirs, in bytes (the last: where they end)."""
    short: bytes
    """Each item's key's first two bytes as packed, digest after digest: where `holding` looks
    first (1.6 MiB at 100,000 digests; the keys joined took 6.1)."""
    unread: dict[str, int]
    """Unread items per digest, as of the state's `read_changes` `counted`."""
    counted: int

    def holding(self, keys: Iterable[int]) -> Iterator[str]:
        """The path of the digest of each item with one of these keys (`model.key_of`), once an
        item: its first two bytes found in `short`, then the whole key in its digest's keys (at
        100,000 digests, ~25 places look alike that far: 1.7 ms a key; with every key held
        joined, 2.8 ms and 6.1 MiB)."""
        digests, starts, short = self.snapshot.digests, self.starts, self.short
        for key in keys:
            needle = key.to_bytes(8, sys.byteorder, signed=True)  # as `array` packs it
            at = short.find(needle[:2])
            while at != -1:
                if at % 2 == 0:  # the key numbered at / 2, at `at * 4` among all of them
                    index = bisect_right(starts, at * 4) - 1
                    digest = digests[index]
                    if digest.keys.startswith(needle, at * 4 - starts[index]):
                        yield digest.path
                at = short.find(needle[:2], at + 1)


def view_of(snapshot: Snapshot, timezone: str | None, state: State, base: View | None) -> View:
    """The view of a snapshot, shown in the config's `timezone`, its unread counts by the state's
    read marks (a copy: the UI thread marks meanwhile), what is new since `base` (the view held).

    A snapshot of the very digests `base` has (a load that found nothing changed on disk, a
    root gone or back) takes what derives from them from `base`: made anew at 100,000 digests,
    ~70 ms of work alone (179 ms in a loading reader), and the counts (3.7 MiB) twice at once
    (the last of a warm start's two full snapshots)."""
    digests = snapshot.digests
    # (nothing to count in no digests: the reader's first, empty, view need not work out the keys)
    counted, read = state.read_keys_copy() if digests else (state.read_changes, frozenset())
    if base is not None and _same(digests, base.snapshot.digests):
        # (its counts are the ones the reader follows marks in: as of `base.counted` unless marked since)
        unread = base.unread if counted == base.counted else unread_counts(digests, base.starts, read)
        seq = base.snapshot.seq
        return base._replace(snapshot=snapshot, base=seq, added=frozenset(), unread=unread, counted=counted)
    zone, zone_name = display_zone(digests, timezone)
    starts = array("q", accumulate(map(len, map(_KEYS, digests)), initial=0))
    short = b"".join(memoryview(keys).cast("H")[::4].tobytes() for keys in _runs(digests, starts))
    return View(
        snapshot,
        zone,
        zone_name,
        in_order(digests, zone),
        base.snapshot.seq if base is not None else -1,
        added_paths(digests, base.snapshot if base is not None else None),
        starts,
        short,
        unread_counts(digests, starts, read),
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


def unread_counts(digests: Sequence[Digest], starts: array[int], read: set[int] | frozenset[int]) -> dict[str, int]:
    """Unread items per digest (those with any), by C loops over their keys joined (`_runs`): one
    loop over the 800,000 keys of 100,000 digests held the interpreter lock 60-75 ms (the screen
    stood still that long for every snapshot made while a library loaded, whenever anything at
    all was read)."""
    spans = pairwise(starts)
    if read:
        seen = array("q", [0])  # how many of the keys before each were read
        for joined in _runs(digests, starts):
            looked = map(read.__contains__, memoryview(joined).cast("q"))
            seen.extend(islice(accumulate(looked, initial=seen[-1]), 1, None))
        counts: Iterator[int] = ((end - start) // 8 - (seen[end // 8] - seen[start // 8]) for start, end in spans)
    else:
        counts = ((end - start) // 8 for start, end in spans)
    return {d.path: n for d, n in zip(digests, counts, strict=True) if n}


def _runs(digests: Sequence[Digest], starts: array[int]) -> Iterator[bytes]:
    """The digests' keys joined, `KEYS_A_LOOP` keys (or one digest) at a time: never all at once
    (held, the 800,000 keys of 100,000 digests took 6.1 MiB)."""
    first = 0
    while first < len(digests):
        end = max(first + 1, bisect_right(starts, starts[first] + 8 * KEYS_A_LOOP, first) - 1)
        yield b"".join(map(_KEYS, digests[first:end]))
        first = end


_KEYS = attrgetter("keys")
