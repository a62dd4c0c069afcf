"""`digest-tui`: the reader, `--check` for generators' CI, `--json` for scripts."""

from __future__ import annotations

import contextlib
import gc
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from digesttui import __version__
from digesttui.text import safe

# The rest of digest-tui is imported where it is used, after `main` has paused the cycle collector
# (`collector_tuned`): imported here, with the collector running, it took 32 ms instead of 27.
if TYPE_CHECKING:
    import argparse

    from digesttui.firstscreen import First
    from digesttui.library import Library
    from digesttui.model import Digest
    from digesttui.state import State

ENV_DIR = "DIGEST_TUI_DIR"


class Options(NamedTuple):
    """The command line, read (`parse_args`)."""

    paths: list[str]
    check: bool = False
    json: bool = False
    export_starred: bool = False
    poll: bool = False
    browser: str | None = None
    no_cache: bool = False


def parse_args(argv: Sequence[str]) -> Options:
    """Folders alone (`digest-tui`, `digest-tui ~/digests`: every day's command) are read without
    argparse: importing it and building its parser (each message looked up for a translation)
    took ~5 ms of every start. Anything else goes through it."""
    if not any(arg.startswith("-") for arg in argv):
        return Options(list(argv))
    return Options(**vars(build_parser().parse_args(argv)))


def build_parser() -> argparse.ArgumentParser:
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> None:  # type: ignore[override]
            self.exit(2, f"digest-tui: error: {message} (see digest-tui --help)\n")

    parser = Parser(
        prog="digest-tui",
        description="A keyboard-driven terminal reader for AI news digests (Markdown with front matter).",
        epilog=f"Without PATH: ${ENV_DIR} (folders separated by '{os.pathsep}'), else the bundled samples. "
        "Press ? in the reader for every key.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="digest folders (searched recursively) or files")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="report problems in the digests and exit (1 if any error)")
    mode.add_argument("--json", action="store_true", help="print the parsed digests as JSON lines, newest first")
    mode.add_argument("--export-starred", action="store_true", help="print the starred items as Markdown")
    parser.add_argument("--poll", action="store_true", help="poll for changes (network file systems without inotify)")
    parser.add_argument("--browser", metavar="CMD", help="command that opens links (%%s: the URL); overrides $BROWSER")
    parser.add_argument("--no-cache", action="store_true", help="parse every file; neither read nor write the cache")
    parser.add_argument("--version", action="version", version=f"digest-tui {__version__}")
    return parser


def choose_roots(
    paths: Sequence[str], env: dict[str, str] | os._Environ[str], configured: Sequence[str] = ()
) -> tuple[list[str], bool]:
    """The folders to read, and whether they are the bundled samples."""
    if paths:
        return list(paths), False
    from_env = [p for p in env.get(ENV_DIR, "").split(os.pathsep) if p.strip()]
    if from_env:
        return from_env, False
    if configured:
        return list(configured), False
    from digesttui.resources import resource

    return [str(resource("seeds"))], True


def export_starred() -> int:
    from digesttui.render import escape, markdown_link
    from digesttui.state import State, starred_of, state_path

    marks, warning = State(state_path()).read()
    if warning:
        print(f"digest-tui: warning: {warning}", file=sys.stderr)
    starred = starred_of(marks["items"])
    print("# Starred items\n")
    for _, info in starred:
        title = safe(str(info.get("title") or "(no headline)"))
        url = safe(str(info.get("url") or ""))
        print(f"- {markdown_link(title, url)}" if url else f"- {escape(title)}")
        source = " — ".join(safe(str(info[k])) for k in ("digest", "date") if info.get(k))
        if source:
            print(f"  *{escape(source)}*")
        summary = safe(str(info.get("summary") or "")).strip()
        if summary:
            print("\n" + "\n".join(f"  {line}" if line else "" for line in summary.splitlines()))
        print()
    if not starred:
        print("(none yet: press s on an item to star it)")
    return 0


def display_path(path: str) -> str:
    """A path to print: relative to here when under it, made safe (`safe`)."""
    relative = os.path.relpath(path)
    return safe(path if relative.startswith("..") else relative)


def unusable_path(paths: Sequence[str]) -> str | None:
    """Why one of the PATHs given cannot be read as digests (missing, a FIFO, a device), or None."""
    from digesttui.files import file_kind

    for path in paths:
        try:
            st = os.stat(path)
        except OSError as exc:
            if os.path.lexists(path) or not isinstance(exc, FileNotFoundError):
                return f"{safe(path)}: {exc.strerror or exc}"
            continue
        if not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
            return f"{safe(path)} is {file_kind(st.st_mode)}: give digest files or folders"
    return None


def check(digests: list[Digest]) -> int:
    errors = warnings = 0
    for digest in sorted(digests, key=lambda d: d.path):
        for problem in digest.problems:
            print(f"{display_path(digest.label)}: {problem.level}: {safe(problem.describe())}")
            errors += problem.level == "error"
            warnings += problem.level == "warning"
    files = len(digests)
    print(
        f"checked {files} file{'s' * (files != 1)}: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
    )
    return 1 if errors else 0


def as_json(digest: Digest) -> str:
    import json

    return json.dumps(
        {
            "path": display_path(digest.label),
            "title": digest.title,
            "date": digest.date.isoformat() if digest.date else None,
            "categories": list(digest.categories),
            "tags": list(digest.tags),
            "description": digest.description,
            "items": [
                {
                    "n": item.n,
                    "title": item.title,
                    "url": item.url,
                    "links": [{"text": link.text, "url": link.url} for link in item.links],
                    "summary": item.summary,
                    **({"section": item.section} if item.section else {}),
                }
                for item in digest.items
            ],
            "overview": digest.overview,
            "problems": [{"level": p.level, "message": p.describe()} for p in digest.problems],
        },
        ensure_ascii=False,
    )


def main(argv: Sequence[str] | None = None) -> int:
    with _collector_kept():  # (for a caller that goes on: tests)
        return _main(sys.argv[1:] if argv is None else argv, collector_tuned())  # first, before the imports


def _main(argv: Sequence[str], hooks: dict[str, Callable[[], None]]) -> int:
    args = parse_args(argv)
    if args.export_starred:
        return export_starred()
    from digesttui.config import load_config

    config, config_problem = load_config()
    roots, samples = choose_roots(args.paths, os.environ, config.folders)
    if config_problem and (args.check or args.json):
        print(f"digest-tui: warning: {safe(config_problem)}", file=sys.stderr)
    unusable = unusable_path(roots)
    if unusable:
        print(f"digest-tui: error: {unusable}", file=sys.stderr)
        return 2
    if args.check or args.json:
        return report(roots, config.file_limit, args.check)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print("digest-tui: error: the reader needs a terminal; for scripts use --json or --check", file=sys.stderr)
        return 2
    import platformdirs

    from digesttui.library import Library
    from digesttui.marks import keys_path
    from digesttui.state import State, state_path

    cache = None if args.no_cache else platformdirs.user_cache_dir("digest-tui")
    library = Library(roots, cache, config.file_limit)
    state = State(state_path(), keys_path(cache, state_path()) if cache else None)
    read_ahead(library, state)  # the first screen and the read marks, read while Textual is imported

    from digesttui.ui.app import DigestApp

    app = DigestApp(
        roots,
        samples=samples,
        library=library,
        state=state,
        poll=args.poll,
        browser=args.browser,
        config=config,
        config_problem=config_problem,
        on_painted=hooks["on_painted"],
        on_loaded=hooks["on_loaded"],
    )
    try:
        app.run()
    except KeyboardInterrupt:
        return 130
    finally:
        app.stop_workers()  # however the app ended, no worker thread keeps the process alive
        library.close(wait=1.0)
    for notice in app.exit_notices:
        print(f"digest-tui: {notice}", file=sys.stderr)
    return app.return_code or 0


def read_ahead(library: Library, state: State) -> None:
    """Read the first screen (`Library.read_first`) and the read marks while Textual is imported
    (~150 ms), in a process apart where the platform forks safely (Linux), else in a thread.

    Why a process (fork: so only here, where the reader starts, before any thread is): in a
    thread, that reading and its handovers of the interpreter lock with the imports were on the
    first frame's path. Measured at 1,000 digests, A/B in one run, 24 rounds each: the first
    complete screen 229 -> 216 ms, 1.28x -> 1.21x of the smallest Textual app's; twice.

    The child only reads (the catalog only if it is there, ours and current), sends what it read
    through a pipe and ends at once (`os._exit`: none of this process's exit work, no buffers
    flushed on the terminal). If it fails, nothing comes, and the load reads both, as after a
    thread that failed. With another thread running already (`main` called from a program of
    its own), no fork: a child of a process with threads may find a lock held forever."""
    import threading

    if sys.platform != "linux" or threading.active_count() > 1:
        library.prefetch(state.load)
        return
    try:
        pipe, into = os.pipe()
        with contextlib.suppress(OSError):  # what the child sends fits at once (~230 KB at 1,000 digests)
            import fcntl

            fcntl.fcntl(into, fcntl.F_SETPIPE_SZ, 1 << 20)
        pid = os.fork()
    except OSError:
        library.prefetch(state.load)
        return
    if pid == 0:  # the child
        try:
            os.close(pipe)
            import pickle

            sent = (library.read_first_apart(), state.read_marks())
            with os.fdopen(into, "wb") as out:
                out.write(pickle.dumps(sent, pickle.HIGHEST_PROTOCOL))
        finally:
            os._exit(0)
    os.close(into)

    def received() -> First | None:
        """(In the library's prefetch thread.) The read marks taken, the first screen given."""
        import pickle

        sent = _from_child(pipe, pid, AHEAD_LIMIT)
        try:
            first, (marks, warning) = pickle.loads(sent)  # (our own child's)
        except Exception:  # nothing, or cut short (the child killed): the load reads both
            return None
        state.take(marks, warning)
        return first  # type: ignore[no-any-return]

    library.prefetch(first=received)


AHEAD_LIMIT = 10.0
"""Seconds the child of `read_ahead` may take before it sends (~0.1 s): one still reading then
is stuck (a lock held elsewhere, a network mount gone), and is stopped; the load reads for itself."""


def _from_child(pipe: int, pid: int, limit: float) -> bytes:
    """What the child sends through `pipe` (nothing if it sends nothing within `limit` seconds:
    then it is killed), the child reaped."""
    import select
    import signal

    chunks = []
    if select.select([pipe], [], [], limit)[0]:
        # in as few reads as the pipe allows (`read_ahead` widens it): each read hands the
        # interpreter lock back and forth with the main thread, which is importing Textual
        while chunk := os.read(pipe, 1 << 21):
            chunks.append(chunk)
    else:  # the time is up
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    os.close(pipe)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
    return b"".join(chunks)


def collector_tuned() -> dict[str, Callable[[], None]]:
    """The one place that tunes the cycle collector (process-wide, so only here, where one app
    runs; bench/run.py uses it too, to measure what a user gets). Returns the app's hooks.

    - Off from the start of `main` until the first frame: importing Textual and building the
      frame allocate much and free little; collecting meanwhile spent ~13 ms of the first paint
      finding nothing (and ~5 ms more before `main` paused it first thing, as it does now).
      `--check` and `--json` run with it off: `--json` of 10,000 digests took 4.6 s instead of
      5.6 s, at the same peak memory (116 MiB: parsing leaves nothing cyclic to collect).
    - While the library loads, a collection comes every million new objects that live on (the
      library's), not every 700: the warm load of 10k digests took 0.89 s with the default
      collector, 0.37 s at 100,000, 0.29 s at a million (0.30 s with none), and collections over
      the growing library stalled the screen up to 350 ms during a cold load. Cyclic garbage is
      still collected.
    - Once loaded, the library's hundreds of thousands of long-lived objects are frozen, so that
      no full collection walks them again (that stalled the screen 56 + 48 ms), and the default
      thresholds come back.
    - And one tuning of the C allocator (glibc's; see `_large_blocks_given_back`)."""
    defaults = gc.get_threshold()
    gc.disable()

    def painted() -> None:
        gc.set_threshold(1_000_000, 1000, 1000)
        gc.enable()
        _large_blocks_given_back()

    def loaded() -> None:
        gc.freeze()
        gc.set_threshold(*defaults)

    return {"on_painted": painted, "on_loaded": loaded}


@contextlib.contextmanager
def _collector_kept() -> Iterator[None]:
    """The cycle collector as it was found, once `main` returns."""
    defaults, running = gc.get_threshold(), gc.isenabled()
    try:
        yield
    finally:
        gc.set_threshold(*defaults)
        if running:
            gc.enable()


def _large_blocks_given_back() -> None:
    """glibc maps blocks of 128 KiB and more apart, and gives them back when freed, but raises
    that threshold to the largest such block freed (up to 32 MiB). The snapshots' tuples and
    dicts (4-6 MiB each at 100,000 digests) then come from the heap, and each one replaced left
    its room behind: +12 MiB after a second snapshot at 100,000 digests, measured; +1 MiB with the
    threshold held at 256 KiB. (Elsewhere than glibc: nothing to do.)"""
    import ctypes

    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(None).mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD


def report(roots: list[str], limit: int, checking: bool) -> int:
    """`--check` (exit 0: no errors, 1: errors) or `--json`; exit 3 if digest-tui itself fails."""
    from digesttui.scan import parse_roots

    missing = [p for p in roots if not os.path.exists(p)]
    if missing:
        print(f"digest-tui: error: no such file or folder: {safe(missing[0])}", file=sys.stderr)
        return 2
    try:
        digests = parse_roots(roots, limit)
        if checking:
            return check(digests)
        for digest in digests:
            print(as_json(digest))
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except Exception as exc:  # a bug: say so plainly, with an exit code that is not "errors found"
        print(f"digest-tui: internal error: {type(exc).__name__}: {safe(str(exc))}", file=sys.stderr)
        return 3
    return 0
