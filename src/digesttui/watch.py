"""Watch digest roots with watchfiles and feed debounced batches of changes to a `Library`.

Runs in a worker thread (never on the UI loop). Survives roots that do not exist yet or vanish and
come back: it re-checks the roots about twice a second and restarts the watch when one appears
or vanishes.
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
    present = tuple(r for r in library.roots if os.path.exists(r))
    while not stop.is_set():
        if not present:  # nothing to watch yet: look for the roots twice a second
            stop.wait(TICK_MS / 1000)
            now_present = tuple(r for r in library.roots if os.path.exists(r))
            if now_present:
                publish(library.apply(now_present, settle=True))
                library.save()
            present = now_present
            continue
        try:
            present = _watch(library, publish, stop, present, poll)
        except (OSError, RuntimeError):  # a root that vanished under the watcher, say: start over
            stop.wait(TICK_MS / 1000)
            present = tuple(r for r in library.roots if os.path.exists(r))


def _watch(
    library: Library, publish: Callable[[Snapshot], None], stop: threading.Event, present: tuple[str, ...], poll: bool
) -> tuple[str, ...]:
    """Watch the present roots until one appears or vanishes (or `stop`); the roots present then."""
    for changes in watchfiles.watch(
        *present,
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
            present = now_present
            break  # watch the roots as they are now
    return present


def _under_roots(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)
