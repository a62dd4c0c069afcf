"""Watch digest roots with watchfiles and feed debounced batches of changes to a `Library`.

Runs in a worker thread (never on the UI loop) until `stop` is set. It survives roots that do
not exist yet, vanish, come back, or are replaced (a folder deleted and made anew, a folder
swapped for a file and back): about twice a second it compares each root's identity (device,
inode, kind) with the one it watches, and when one differs it watches the roots as they are now
and looks at the changed roots afresh. When the system's limit of inotify watches is reached it
says so and polls instead. Nothing that goes wrong in here ends it: it tells, waits, goes on.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable

import watchfiles

from digesttui.library import Library, Snapshot
from digesttui.scan import folders, is_watched_path

TICK_MS = 500
POLL_MS = 250
Identity = dict[str, tuple[int, int, bool]]
"""Each present root: (device, inode, is a folder)."""


def _filter(_change: watchfiles.Change, path: str) -> bool:
    return is_watched_path(path)


def identities(roots: tuple[str, ...]) -> Identity:
    found: Identity = {}
    for root in roots:
        try:
            found[root] = _identity(os.stat(root))
        except OSError:
            continue
    return found


def _identity(st: os.stat_result) -> tuple[int, int, bool]:
    return st.st_dev, st.st_ino, stat.S_ISDIR(st.st_mode)


def _changed(before: Identity, now: Identity) -> set[str]:
    return {root for root in before.keys() | now.keys() if before.get(root) != now.get(root)}


def watch_library(
    library: Library,
    publish: Callable[[Snapshot], None],
    stop: threading.Event,
    *,
    poll: bool = False,
    tell: Callable[[str], object] = lambda message: None,
) -> None:
    """Apply file changes under the library's roots until `stop` is set; publish each result.
    `tell` gets what the user should know (the watch limit reached, an error)."""
    watched = identities(library.roots)
    rescan = set(watched)  # what was written after the library was read, before the watch began
    while not stop.is_set():
        if not watched:  # nothing to watch yet: look for the roots twice a second
            stop.wait(TICK_MS / 1000)
            watched = identities(library.roots)
            rescan = set(watched)
            continue
        try:
            watched, rescan = _watch(library, publish, stop, watched, poll, rescan)
        except OSError as exc:
            rescan |= set(watched)  # what changed meanwhile is not seen otherwise
            if "watch limit" in str(exc) and not poll:
                poll = True
                tell(
                    "The system's limit of file watches is reached (fs.inotify.max_user_watches): "
                    f"looking for changes every {POLL_MS} ms instead."
                )
                continue
            stop.wait(TICK_MS / 1000)  # a folder that vanished under the watcher, say: start over
        except Exception as exc:  # never die in silence: the user would wait for digests forever
            tell(f"Watching for changes failed ({type(exc).__name__}: {exc}); trying again.")
            stop.wait(TICK_MS / 1000)
            rescan |= set(watched)  # the changes it failed on are lost: look at everything again
        else:
            continue
        now = identities(library.roots)
        rescan |= _changed(watched, now)
        watched = now


def _apply(library: Library, publish: Callable[[Snapshot], None], paths: set[str], roots_changed: bool) -> None:
    """Bring paths up to date; publish the result if it changed anything (or a root changed:
    the header tells which roots are missing)."""
    snapshot = library.apply(paths, settle=True)
    if snapshot is None and roots_changed:
        snapshot = library.snapshot()
    if snapshot is not None:
        publish(snapshot)


def _watch(
    library: Library,
    publish: Callable[[Snapshot], None],
    stop: threading.Event,
    watched: Identity,
    poll: bool,
    rescan: set[str],
) -> tuple[Identity, set[str]]:
    """Watch the roots in `watched` until one of them changes identity or a folder appears under
    them (or `stop`); return the roots' identities then, and what to look at afresh (the roots
    that changed, the folders that appeared). `rescan` is looked at afresh once this watch runs,
    so that nothing written while no watch ran goes unseen, and its folders are listed again.

    Each folder is watched on its own, not each root with its folders: a recursive watch, made,
    looks at every file under it with the interpreter lock held (watchfiles), and the screen
    stood still that long once the library was loaded (300 ms at 100,000 files)."""
    listed: Identity = {}
    for root, identity in watched.items():
        found = {folder: _identity(st) for folder, st in folders(root)}
        listed.update(found or {root: identity})  # (a root that is a file: itself)
    for changes in watchfiles.watch(
        *listed,
        watch_filter=_filter,
        debounce=50,
        step=10,
        rust_timeout=TICK_MS,
        yield_on_timeout=True,
        stop_event=stop,
        force_polling=poll,
        poll_delay_ms=POLL_MS,
        raise_interrupt=False,
        ignore_permission_denied=True,
        recursive=False,
    ):
        changes = {(change, path) for change, path in changes if _under_roots(path, library.roots)}
        paths = {path for _, path in changes}
        arrived = _arrived(changes, listed)
        # the watch is made now: a folder made under what is looked at afresh after it was listed
        # and before then (`makedirs` paused between two folders) has no watch, and none comes
        # (by identity: a folder reached by two paths, a symlink's and its own, is listed once)
        watching = set(listed.values()) if rescan else set()
        arrived |= {folder for path in rescan for folder, st in folders(path) if _identity(st) not in watching}
        paths.update(library.due())
        now = identities(library.roots)
        # a root's own event (deleted, made anew: its inode number may well be the same) or a
        # new identity: the watch on it is dead, so watch again
        changed = _changed(watched, now) | {path for _, path in changes if path in watched}
        paths |= rescan | changed
        rescan = set()
        if paths:
            _apply(library, publish, paths, bool(changed))
        if changed or arrived:
            return now, changed | arrived  # watch the roots and their folders as they are now
    return watched, rescan


def _arrived(changes: set[tuple[watchfiles.Change, str]], listed: Identity) -> set[str]:
    """The folders these changes made, moved in or made anew (its inode number may well be the
    old one's): no watch is on them."""
    found = set()
    for change, path in changes:
        try:
            identity = _identity(os.stat(path))
        except OSError:
            continue
        if identity[2] and (change == watchfiles.Change.added or listed.get(path) != identity):
            found.add(path)
    return found


def _under_roots(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)
