"""Watch digest roots with watchfiles and feed debounced batches of changes to a `Library`.

Runs in a worker thread (never on the UI loop). Survives roots that do not exist yet or vanish and
come back: while any root is missing, it re-checks about twice a second and restarts the watch.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import watchfiles

from digesttui.library import Library, Snapshot, is_watched_path

TICK_MS = 500


def _filter(_change: watchfiles.Change, path: str) -> bool:
    return is_watched_path(path)


def watch_library(
    library: Library,
    publish: Callable[[Snapshot], None],
    stop: threading.Event,
    *,
    poll: bool = False,
) -> None:
    """Apply file changes under the library's roots until `stop` is set; publish each result."""
    while not stop.is_set():
        present = tuple(r for r in library.roots if os.path.exists(r))
        watched = present or tuple({_existing_parent(r) for r in library.roots})
        for changes in watchfiles.watch(
            *watched,
            watch_filter=_filter,
            debounce=50,
            step=10,
            rust_timeout=TICK_MS,
            yield_on_timeout=True,
            stop_event=stop,
            force_polling=poll,
            poll_delay_ms=250,
            raise_interrupt=False,
            ignore_permission_denied=True,
        ):
            paths = {path for _, path in changes if _under_roots(path, library.roots)}
            paths.update(library.due())
            now_present = tuple(r for r in library.roots if os.path.exists(r))
            if now_present != present:
                paths.update(set(now_present) ^ set(present))
            if paths:
                publish(library.apply(paths, settle=True))
                library.save()
            if now_present != present:
                break  # watch the roots as they are now


def _under_roots(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _existing_parent(path: str) -> str:
    while not os.path.exists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path
