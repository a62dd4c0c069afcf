"""The first screen, read ahead: the newest digests, the item lists of the newest of them and the
newest in full, read from the catalog before anything else (while the entry point imports
Textual, in a thread or in a child process: `cli.read_ahead`) and handed to the library once.
Pure Python, no Textual."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from digesttui.model import Digest, Item

if TYPE_CHECKING:
    from digesttui.catalog import Catalog

FIRST_SCREEN = 100
"""Digests read from the catalog before anything else: more than a screen shows."""
FIRST_HEADS = 40
"""Of those, the newest whose item lists are read with them."""


class First(NamedTuple):
    """The first screen: the newest digests (light), the item lists of the newest
    `FIRST_HEADS` of them, the newest in full."""

    digests: list[Digest]
    heads: dict[str, tuple[Item, ...]]
    full: Digest | None


def first_of(catalog: Catalog) -> First | None:
    newest = catalog.newest(FIRST_SCREEN)
    if not newest:
        return None
    return First(newest, catalog.heads([d.path for d in newest[:FIRST_HEADS]]), catalog.digest(newest[0].path))


class Ahead:
    """The first screen, read in a thread (`start`) or put (`put`), handed over once (`take`),
    and the newest digest in full once (`full`)."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._first = First([], {}, None)

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self, read: Callable[[], First | None], also: Iterable[Callable[[], object]]) -> None:
        """Read the first screen, then do `also` (read the read marks), in a thread."""

        def run() -> None:
            self.put(read())
            for job in also:
                with contextlib.suppress(Exception):  # done again, and told, where it is needed
                    job()

        self._thread = threading.Thread(target=run, name="digest-tui first screen", daemon=True)
        self._thread.start()

    def wait(self, seconds: float | None = None) -> bool:
        """Wait at most `seconds` (None: as long as it takes) for the thread, if one was
        started; whether it is done."""
        if self._thread is not None:
            self._thread.join(seconds)
            return not self._thread.is_alive()
        return True

    def put(self, first: First | None) -> None:
        if first is not None:
            self._first = first

    def take(self) -> tuple[list[Digest], dict[str, tuple[Item, ...]]]:
        """The newest digests and their item lists, once (then nothing)."""
        digests, heads, full = self._first
        self._first = First([], {}, full)
        return digests, heads

    def full(self) -> Digest | None:
        """The newest digest in full, once."""
        full = self._first.full
        self._first = self._first._replace(full=None)
        return full
