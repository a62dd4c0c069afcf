"""Speed and memory figures for the targets of the scale issue, printed as measured / target.

    python bench/run.py [--count 10000] [--folder DIR] [--runs 3]
    python bench/run.py --sizes 1000,10000,100000 [--runs 3]

Makes (once) a deterministic corpus of seed-shaped digests with bench/corpus.py, then measures:
the floor (the smallest Textual app's first paint in a real terminal, started in turns with
digest-tui's starts; and the same app showing the newest item with Textual's Markdown widget,
what the detail pane draws), digest-tui's first paint and full load in a real terminal (cold and
warm cache), the library load in-process, key-to-screen
times with Textual's pilot, a 200 KB item, search, resident memory, and a new digest's arrival.
Figures are medians of --runs; the machine's speed drifts, so compare figures of one run."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
import itertools
import os
import pty
import select
import shutil
import statistics
import struct
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import write_corpus  # noqa: E402

from digesttui.cli import collector_tuned  # noqa: E402

FLOOR_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Floor(App):\n"
    "    def compose(self):\n"
    "        yield Static('floor-ready')\n"
    "Floor().run()\n"
)
MARKDOWN_FLOOR_APP = (
    "import sys\n"
    "from textual.app import App\n"
    "from textual.widgets import Markdown\n"
    "class Floor(App):\n"
    "    def compose(self):\n"
    "        yield Markdown(sys.argv[1])\n"
    "Floor().run()\n"
)
"""The same with the newest item as the detail pane shows it, through Textual's Markdown widget
alone: what drawing an item costs before anything of digest-tui's."""


# --- a real terminal ---------------------------------------------------------------------------


class Pty:
    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int] = (150, 40)) -> None:
        import fcntl
        import termios

        self.start = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # sized before the program starts, as a terminal window is
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
            os.execve(argv[0], argv, env)
        self.output = b""
        import pyte  # the test extra's terminal emulator: what the screen shows, for `header`

        self.screen = pyte.Screen(*size)
        self.stream = pyte.ByteStream(self.screen)
        self.unread = bytearray()
        """Output not fed to the emulator yet: it is fed when the screen is asked for (`header`),
        never while a key's effect is timed (pyte takes ~60 ms for the 90 KB up to the first
        complete screen, on a core the program would otherwise have)."""

    def until(self, found: Callable[[bytes], bool], timeout: float = 60) -> float:
        """Seconds from start until `found(output)`."""
        end = time.perf_counter() + timeout
        while not found(self.output):
            left = end - time.perf_counter()
            if left <= 0:
                self.header()  # the emulator fed: the screen as shown, said
                raise TimeoutError("\n".join(line.rstrip() for line in self.screen.display if line.strip()))
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.05))
            if ready:
                try:
                    chunk = os.read(self.fd, 1 << 20)
                except OSError:
                    break
                self.output += chunk
                self.unread += chunk
        return time.perf_counter() - self.start

    def header(self) -> str:
        """The screen's first line, as shown now."""
        self.stream.feed(bytes(self.unread))
        self.unread.clear()
        return str(self.screen.display[0])

    def until_loaded(self, count: int, timeout: float = 600) -> float:
        """Seconds from start until the header says the whole library is read."""

        def loaded(_: bytes) -> bool:
            header = self.header()
            return f"{count:,} digests" in header and "loading" not in header

        return self.until(loaded, timeout)

    def send(self, keys: str) -> float:
        self.output = b""
        self.start = time.perf_counter()
        os.write(self.fd, keys.encode())
        return self.start

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        """Quit, as a user does; killed if still there 5 s later. (Waited for by the clock: a
        count of reads ran out at once on the frames a loading reader had queued, and killed it
        mid-quit, which left its catalog's log files behind.)"""
        os.write(self.fd, b"q\x11")  # q for digest-tui, Ctrl+Q for a plain Textual app
        end = time.perf_counter() + 5
        while not os.waitpid(self.pid, os.WNOHANG)[0]:
            if time.perf_counter() > end:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
                break
            if select.select([self.fd], [], [], 0.05)[0]:
                with contextlib.suppress(OSError):
                    os.read(self.fd, 1 << 20)
        os.close(self.fd)


READ = 250
"""The newest digests whose items the bench's reader has read (`reader_home`)."""
HISTORY = 20_000
"""Read marks in the bench reader's state in all: about a year of reading (~55 items a day); those
beyond the newest `READ` digests' are of items no longer in the folder (the state is the user's,
across folders and years). With 2,000 marks the first complete screen did not show that reading
the state file grew with them (at 22,000: 1.27-1.43x the floor, 1.18-1.21x since)."""


@functools.cache
def read_ids(folder: Path) -> tuple[str, ...]:
    from digesttui.files import read_digest

    digests = [read_digest(str(name)) for name in sorted(folder.rglob("*.md"))[-READ:]]
    return tuple(digest.item_id(item) for digest in digests for item in digest.items)


def reader_state(folder: Path, home: str) -> Any:
    """The state in `home` (as XDG_STATE_HOME), with the items of the newest `READ` digests read
    (`HISTORY` marks in all), loaded. A reader's has read marks; with none, the unread counts took
    a shortcut, and the bench did not see that one loop over every item's key held the interpreter
    lock 60-75 ms at 100k."""
    from digesttui.state import State

    path = Path(home) / "digest-tui" / "state.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    state = State(path).load()
    read = list(read_ids(folder))
    state.set_read(read + [f"https://x.com/gone/status/{n}" for n in range(HISTORY - len(read))])
    state.save()
    return state


@contextlib.contextmanager
def reader_home(folder: Path) -> Iterator[str]:
    """A temporary home (cache, state) whose state has read marks (`reader_state`)."""
    with tempfile.TemporaryDirectory() as home:
        reader_state(folder, home)
        yield home


def term_env(cache_home: str) -> dict[str, str]:
    env = {**os.environ, "TERM": "xterm-256color", "XDG_CACHE_HOME": cache_home, "XDG_STATE_HOME": cache_home}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_bytecode() -> None:
    """As an install from a wheel would: without it (an editable install where
    PYTHONDONTWRITEBYTECODE is set, as on CI machines) every start compiles our modules again,
    ~20 ms that the floor, installed with its bytecode, does not pay."""
    import compileall

    import digesttui

    compileall.compile_dir(os.path.dirname(digesttui.__file__), quiet=1)


def digest_tui() -> str:
    found = shutil.which("digest-tui", path=os.path.dirname(sys.executable)) or shutil.which("digest-tui")
    if not found:
        sys.exit("bench: digest-tui is not installed (pip install -e .)")
    return found


# --- the measurements --------------------------------------------------------------------------


def floor(runs: int, markdown: str = "") -> float:
    """The smallest Textual app's first paint; with `markdown`, that app showing it as
    Textual's Markdown widget does (`MARKDOWN_FLOOR_APP`)."""
    argv = [sys.executable, "-c", MARKDOWN_FLOOR_APP, markdown] if markdown else [sys.executable, "-c", FLOOR_APP]
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            term = Pty(argv, term_env(home))
            times.append(term.until(lambda out: b"floor-ready" in out))
            term.close()
    return statistics.median(times)


def markdown_floor(folder: Path, runs: int) -> float:
    """`floor` with the newest digest's first item as the detail pane's Markdown, the word
    `floor-ready` at the start of its summary."""
    from digesttui.render import item_markdown

    newest = corpus_digests(folder)[0]
    item = newest.items[0]
    return floor(runs, item_markdown(newest, item._replace(summary=f"floor-ready {item.summary}")))


def corpus_digests(folder: Path) -> list[Any]:
    """The newest, the second newest and the oldest digest of a corpus, parsed (the names sort by date)."""
    from digesttui.files import read_digest

    names = sorted(folder.rglob("*.md"))
    return [read_digest(str(p)) for p in (names[-1], names[-2], names[0])]


def _needle(summary: str) -> bytes:
    """Text of a summary that only the detail pane shows, on one line of it."""
    start = next(i for i, ch in enumerate(summary) if ord(ch) > 0x2E80)  # past the company's name
    return summary[start : start + 8].encode()


def terminal_start(folder: Path, count: int, runs: int, keys: bool = True) -> dict[str, float]:
    """In a real terminal, cold (empty cache) and warm: the first paint (the frame), the first
    complete screen (the newest digest's first item's summary drawn in the detail pane), the whole
    library listed; memory when loaded; key-to-screen times (warm). (The first paints and the warm
    complete screen printed are `beside_floor`'s, measured in turns with the floor: here, each is
    one start a run, minutes from the floor's.)"""
    figures: dict[str, list[float]] = {}
    newest, second, oldest = corpus_digests(folder)
    complete = _needle(newest.items[0].summary)
    for _ in range(runs):
        with reader_home(folder) as home:
            for kind in ("cold", "warm"):
                term = Pty([digest_tui(), str(folder)], term_env(home))
                figures.setdefault(f"paint_{kind}", []).append(term.until(lambda out: b"Digests" in out))
                figures.setdefault(f"complete_{kind}", []).append(term.until(lambda out: complete in out))
                figures.setdefault(f"loaded_{kind}", []).append(term.until_loaded(count))
                figures.setdefault(f"indexed_{kind}", []).append(until_indexed(home, term.start))
                time.sleep(1.0)  # let the watcher settle
                figures.setdefault(f"rss_{kind}", []).append(term.rss_mib())
                if kind == "warm" and keys:
                    for name, seconds in _keys_to_screen(term, (newest, second, oldest)).items():
                        figures.setdefault(name, []).append(seconds)
                term.close()
    return {k: statistics.median(v) for k, v in figures.items()}


def beside_floor(folder: Path, count: int, rounds: int) -> dict[str, float]:
    """The floor and digest-tui's starts, started in turns (each round in another order: with the
    order reversed every round, the warm start always came right after a cold one, the floor never):
    warm (its first paint and its first complete screen, on a catalog built by a start before)
    and cold (its first paint, in a new cache folder: it quits then, mid-load); medians. Measured
    apart, minutes apart, they drifted with the machine (the floor read 168-280 ms within one
    `--sizes` run), and the drift read as a ratio; in turns, all see the same machine."""
    complete = _needle(corpus_digests(folder)[0].items[0].summary)
    figures: dict[str, list[float]] = {"floor": [], "paint_warm": [], "complete_warm": [], "paint_cold": []}
    with reader_home(folder) as home:
        term = Pty([digest_tui(), str(folder)], term_env(home))
        term.until_loaded(count)
        until_indexed(home, term.start)
        term.close()
        orders = list(itertools.permutations(("floor", "warm", "cold")))
        for round_ in range(rounds):
            for kind in orders[round_ % len(orders)]:
                os.sync()  # (what the start before wrote is on disk: not written back during the next)
                if kind == "floor":
                    figures["floor"].append(floor(1))
                elif kind == "cold":
                    with reader_home(folder) as empty:
                        term = Pty([digest_tui(), str(folder)], term_env(empty))
                        figures["paint_cold"].append(term.until(lambda out: b"Digests" in out))
                        term.close()
                else:
                    term = Pty([digest_tui(), str(folder)], term_env(home))
                    figures["paint_warm"].append(term.until(lambda out: b"Digests" in out))
                    figures["complete_warm"].append(term.until(lambda out: complete in out))
                    term.until_loaded(count)  # (quit once its start's work is done, as a reader would)
                    term.close()
    return {name: statistics.median(times) for name, times in figures.items()}


def slowest_key(figures: dict[str, float]) -> float:
    """The slowest of a search's keys timed (`_keys_to_screen`)."""
    return max(seconds for name, seconds in figures.items() if name.startswith("search_key"))


def until_indexed(home: str, start: float) -> float:
    """Seconds from `start` until the search index of the catalog under `home` holds every item
    (the reader builds it after the load; the keys are timed once it is done)."""
    import sqlite3

    (path,) = Path(home).rglob("catalog-*.sqlite")
    wal, size = Path(f"{path}-wal"), -1
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        while True:
            indexed = int(db.execute("SELECT value FROM info WHERE key = 'indexed'").fetchone()[0])
            if indexed >= (db.execute("SELECT max(id) FROM items").fetchone()[0] or 0):
                break
            time.sleep(0.05)
    done = time.perf_counter() - start
    while size != (size := wal.stat().st_size if wal.exists() else 0):  # and its log folded in
        time.sleep(0.5)
    return done


def _keys_to_screen(term: Pty, digests: tuple[Any, Any, Any]) -> dict[str, float]:
    """Seconds from a key press until its effect is on screen, in the real terminal:
    `G` (the oldest digest's first headline shows) and `j` in the digest list (the next digest's
    first headline), the median of three each; `j` in the items (the next item's summary in the
    detail pane, the median of five), a search's first, second and fourth key (`模`, `模型`, `代码发布`: the hits' count
    shown, the median of three)."""
    newest, second, oldest = digests

    def timed(keys: str, needle: str | bytes) -> float:
        start = term.send(keys)
        wanted = needle if isinstance(needle, bytes) else needle.encode()
        term.until(lambda out: wanted in out, timeout=10)
        return time.perf_counter() - start

    figures: dict[str, float] = {}
    for key, back, there, here in (("G", "g", oldest, newest), ("j", "k", second, newest)):
        presses = []  # the median of three: one press moves by a frame (1/60 s) or more
        for _ in range(3):
            presses.append(timed(key, there.items[0].title[:6]))
            time.sleep(0.3)
            timed(back, here.items[0].title[:6])
            time.sleep(0.3)
        figures["G" if key == "G" else "j_digest"] = statistics.median(presses)
    timed("j", second.items[0].title[:6])
    time.sleep(0.3)
    term.send("l")
    time.sleep(0.3)
    presses = []  # the median of a few: one press moves by a frame (1/60 s) or more
    for item in second.items[1:6]:
        presses.append(timed("j", _needle(item.summary)))
        time.sleep(0.25)
    figures["j_item"] = statistics.median(presses)
    term.send("hg")
    time.sleep(0.3)
    term.send("/")
    time.sleep(1.0)  # the search index is built when the search screen opens
    keys: dict[str, list[float]] = {"search_key1": [], "search_key2": [], "search_key4": []}
    for _ in range(3):
        keys["search_key1"].append(timed("模", "hits for '模'"))
        time.sleep(0.25)
        keys["search_key2"].append(timed("型", "hits for '模型'"))
        time.sleep(0.25)
        timed("\x7f\x7f", "Type to search")  # the query emptied (one write: the keys of one kind)
        time.sleep(0.25)
        timed("代码发", "hits for '代码发'")
        time.sleep(0.25)
        keys["search_key4"].append(timed("布", "hits for '代码发布'"))  # in one item in twenty
        time.sleep(0.25)
        timed("\x7f" * 4, "Type to search")  # the query emptied again
        time.sleep(0.25)
    figures.update({name: statistics.median(times) for name, times in keys.items()})
    figures["rss_search"] = term.rss_mib()
    term.send("\x1b")
    time.sleep(1.0)  # the index is dropped as the search closes
    figures["rss_after_search"] = term.rss_mib()
    return figures


@contextlib.contextmanager
def tuned() -> Any:
    """A load as the program's entry point runs it (see `digesttui.cli.collector_tuned`)."""
    hooks = collector_tuned()
    hooks["on_painted"]()
    try:
        yield
    finally:
        hooks["on_loaded"]()
        gc.unfreeze()


def library_load(folder: Path, runs: int) -> dict[str, float]:
    """In-process: every file parsed (child processes, as a cold start does), no catalog; the
    catalog built from nothing (the same parse, written to SQLite); the catalog read back."""
    from digesttui.library import Library
    from digesttui.scan import parse_roots

    parsed, cold, warm = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        with tuned():
            parse_roots([str(folder)])
        parsed.append(time.perf_counter() - start)
        with tempfile.TemporaryDirectory() as cache:
            start = time.perf_counter()
            with tuned():
                library = Library([str(folder)], cache)
                library.load()
            cold.append(time.perf_counter() - start)
            library.close()
            start = time.perf_counter()
            with tuned():
                again = Library([str(folder)], cache)
                again.load()
            warm.append(time.perf_counter() - start)
            again.close()
    median = statistics.median
    return {"parse_only": median(parsed), "parse_cold": median(cold), "parse_warm": median(warm)}


async def _cold_load(pilot: Any) -> float:
    """Wait for a reader's library to load (and its watcher to start, and 2 s more: the watch is
    made then, and a recursive one stalled the screen 300 ms at 100k): the longest the event loop
    stalled meanwhile, as gaps between the ticks of a 10 ms timer."""
    app = pilot.app
    ticks = [time.perf_counter()]
    timer = app.set_interval(0.01, lambda: ticks.append(time.perf_counter()))
    while not app.reader.loaded or not any(w.name == "watch_library" for w in app.workers):
        await pilot.pause(0.05)
    await pilot.pause(2.0)
    timer.stop()
    return max(b - a for a, b in itertools.pairwise(ticks))


async def in_app(folder: Path, runs: int) -> dict[str, float]:
    """With Textual's pilot (headless): the longest the event loop stalled during a cold load (one
    a run), a new digest's arrival through the real watcher while the whole library is loaded, and
    a 200 KB item."""
    from digesttui.ui.app import DigestApp

    figures: dict[str, list[float]] = {"load_stall": []}
    # The bench's own garbage collected first: its terminals' emulators (pyte: ~6,800 objects in
    # cycles a session) made the cold load's longest stall read 284 ms at 100k, 89 ms without.
    gc.collect()
    for _ in range(runs - 1):
        with tempfile.TemporaryDirectory() as cache:
            state = reader_state(folder, cache)
            app = DigestApp([str(folder)], cache_dir=cache, state=state, **collector_tuned())
            async with app.run_test(size=(150, 40)) as pilot:
                figures["load_stall"].append(await _cold_load(pilot))
            gc.unfreeze()
    with tempfile.TemporaryDirectory() as cache:
        state = reader_state(folder, cache)
        app = DigestApp([str(folder)], cache_dir=cache, state=state, **collector_tuned())
        async with app.run_test(size=(150, 40)) as pilot:
            figures["load_stall"].append(await _cold_load(pilot))
            await pilot.pause(1.0)
            while not app.library.catalog.indexed():  # as it is after the first start: indexed
                await pilot.pause(0.2)
            await pilot.pause(1.0)
            for n in range(runs):
                path = folder / "new" / f"2030-01-0{n + 1}-00.md"
                path.parent.mkdir(exist_ok=True)
                start = time.perf_counter()
                path.write_text(
                    f'---\ntitle: "New {n}"\ndate: 2030-01-0{n + 1}T00:00:00\n---\n1. [New](https://new.example/{n})\n'
                )
                while not (app.reader.snapshot and app.reader.snapshot.digests[0].path == str(path)):
                    await pilot.pause(0.005)
                await pilot.pause()
                figures.setdefault("new_digest", []).append(time.perf_counter() - start)
            shutil.rmtree(folder / "new")
    figures.update(await big_item())
    worst = {"load_stall_worst": max(figures["load_stall"])}
    return {k: statistics.median(v) if k != "big_stall" else max(v) for k, v in figures.items()} | worst


async def big_item() -> dict[str, list[float]]:
    """A 200 KB item: time until fully rendered, and the longest the event loop stalled meanwhile."""
    from digesttui.ui.app import DigestApp
    from digesttui.ui.detail import DetailPane

    with tempfile.TemporaryDirectory() as folder:
        paragraph = "这是一个很长的段落，用来测试大条目的渲染速度。**加粗的词** 和普通的文字交替出现。" * 3
        summary = "\n\n".join(f"    {n}. {paragraph}" for n in range(750))
        Path(folder, "2025-01-01.md").write_text(
            f"---\ntitle: Big\ndate: 2025-01-01\n---\n1. [Small](https://s.example)\n    small\n"
            f"2. [Big](https://b.example)\n{summary}\n"
        )
        size = Path(folder, "2025-01-01.md").stat().st_size
        app = DigestApp([folder], watch=False)
        gaps: list[float] = []
        async with app.run_test(size=(150, 40)) as pilot:
            while not app.reader.loaded:
                await pilot.pause(0.05)
            detail = app.query_one(DetailPane)
            last = time.perf_counter()

            def tick() -> None:
                nonlocal last
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

            timer = app.set_interval(0.01, tick)
            await pilot.pause(0.1)
            gaps.clear()
            last = time.perf_counter()
            start = time.perf_counter()
            await pilot.press("l", "j")
            while not detail.settled:
                await pilot.pause(0.001)
            rendered = time.perf_counter() - start
            timer.stop()
    return {"big_render": [rendered], "big_stall": [max(gaps)], "big_size_kb": [size / 1024]}


SEARCHES = {
    "common": ["模型", "模型发", "openai", "gpt 5", "a", "智能体", "模"],
    "rare, 3+ characters": ["不存在的词", "xyzzy", "量子纠缠"],
    "rare, 1-2 characters": ["量子", "鑫"],
    "in one item in twenty": ["代码发布", "开源模型", "芯片平台"],
}


def search_figures(folder: Path) -> dict[str, float]:
    """Queries on the catalog (built first, then its search index), from the search's worker, as
    the search screen asks them: its first `FIRST_HITS` hits (what it shows first: the target's),
    then all of them (up to `MOST_HITS`, shown as they come). The slowest of each kind of query,
    each the median of three (one time each read 27-86 ms for the same common words in four runs;
    the first search's own cost is in the search as you type, timed on screen)."""
    from digesttui.library import Library
    from digesttui.search import MOST_HITS, Search
    from digesttui.ui.search import FIRST_HITS

    figures = {}
    with tempfile.TemporaryDirectory() as cache:
        library = Library([str(folder)], cache)
        snapshot = library.load()
        start = time.perf_counter()
        library.index()
        figures["index"] = time.perf_counter() - start
        search = Search(snapshot.digests, library.catalog)
        for kind, queries in SEARCHES.items():
            for limit, name in ((FIRST_HITS, kind), (MOST_HITS, f"{kind}, all")):
                times = []
                for query in queries:
                    took = []
                    for _ in range(3):
                        start = time.perf_counter()
                        search.search(query, limit)
                        took.append(time.perf_counter() - start)
                    times.append(statistics.median(took))
                figures[name] = max(times)
        library.close()
    return figures


# --- the report --------------------------------------------------------------------------------


def corpus(count: int, folder: Path | None = None) -> Path:
    """The corpus of `count` digests (written once)."""
    folder = folder or Path(tempfile.gettempdir()) / f"digest-tui-bench-{count}"
    if not folder.exists() or sum(1 for _ in folder.rglob("*.md")) != count:
        shutil.rmtree(folder, ignore_errors=True)
        print(f"writing {count:,} digests to {folder} ...", flush=True)
        write_corpus(count, folder)
    return folder


def by_size(sizes: list[int], runs: int) -> None:
    """Start-up, keys and memory at each library size, with the floor measured alongside: does
    anything grow with the library?"""
    print(f"digest-tui bench --sizes: {runs} runs, {os.cpu_count()} cores; times in ms, x: to the floor\n")
    compile_bytecode()
    print("digests   floor  +Markdown  paint warm  COMPLETE warm   complete cold  listed warm", end="")
    print("  RSS  RSS search  RSS cold    G  j dig  j item  search  rare3  rare1-2  1 in 20  index", flush=True)
    for size in sizes:
        folder = corpus(size)
        t = terminal_start(folder, size, runs)
        t.update(beside_floor(folder, size, 8 * runs + 1))
        the_floor = t["floor"]
        with_markdown = markdown_floor(folder, runs)
        found = search_figures(folder)
        ms = {k: v * 1000 for k, v in t.items()}
        print(
            f"{size:>7,} {the_floor * 1000:7.0f} {with_markdown * 1000:5.0f} {with_markdown / the_floor:4.2f}x"
            f" {ms['paint_warm']:6.0f} {t['paint_warm'] / the_floor:4.2f}x"
            f" {ms['complete_warm']:7.0f} {t['complete_warm'] / the_floor:5.2f}x"
            f" {ms['complete_cold']:9.0f} {t['complete_cold'] / the_floor:5.2f}x {ms['loaded_warm']:10.0f}"
            f" {t['rss_warm']:5.0f} {t['rss_search']:6.0f} {t['rss_cold']:9.0f} {ms['G']:4.0f} {ms['j_digest']:6.0f}"
            f" {ms['j_item']:7.0f}"
            f" {slowest_key(t) * 1000:7.0f} {found['rare, 3+ characters'] * 1000:6.0f}"
            f" {found['rare, 1-2 characters'] * 1000:8.0f} {found['in one item in twenty'] * 1000:7.0f}"
            f" {t['indexed_cold']:5.0f}s",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", help="e.g. 1000,10000,100000: only start-up, keys and memory, at each size")
    args = parser.parse_args()
    if args.sizes:
        by_size([int(n) for n in args.sizes.split(",")], args.runs)
        return
    folder = corpus(args.count, args.folder)
    print(f"digest-tui bench: {args.count:,} digests in {folder}, {args.runs} runs, {os.cpu_count()} cores\n")

    compile_bytecode()
    term = terminal_start(folder, args.count, args.runs)
    term.update(beside_floor(folder, args.count, 8 * args.runs + 1))
    the_floor = term["floor"]
    with_markdown = markdown_floor(folder, args.runs)
    app = asyncio.run(in_app(folder, args.runs))
    load = library_load(folder, args.runs)
    search = search_figures(folder)

    per_10k = max(1.0, args.count / 10_000)  # (the targets of whole-library work are for 10,000: pro rata above)
    rows = [
        ("floor: smallest Textual app, first paint (started in turns with ours)", the_floor, None, "s"),
        ("the same showing the first item with Textual's Markdown (for reference)", with_markdown, None, "s"),
        ("first paint, cold cache, in turns with the floor", term["paint_cold"], 1.2 * the_floor, "s"),
        ("first paint, warm cache, in turns with the floor", term["paint_warm"], 1.2 * the_floor, "s"),
        ("first complete screen (first summary drawn), cold", term["complete_cold"], None, "s"),
        (
            "first complete screen (first summary drawn), warm, in turns with the floor",
            term["complete_warm"],
            1.2 * the_floor,
            "s",
        ),
        ("whole library on screen, cold", term["loaded_cold"], None, "s"),
        ("whole library on screen, warm", term["loaded_warm"], None, "s"),
        ("cold load: longest UI stall (pilot, median of runs)", app["load_stall"], 0.1, "s"),
        ("cold load: longest UI stall, worst run", app["load_stall_worst"], None, "s"),
        ("every file parsed (in-process, no catalog)", load["parse_only"], None, "s"),
        ("catalog built from nothing (in-process; target: 10,000 in 5 s)", load["parse_cold"], 5.0 * per_10k, "s"),
        ("then its search index (in-process)", search["index"], None, "s"),
        ("search index complete after start, cold (terminal)", term["indexed_cold"], None, "s"),
        ("catalog read: whole library listed (in-process; 10,000 in 0.5 s)", load["parse_warm"], 0.5 * per_10k, "s"),
        ("G: oldest digest's items on screen", term["G"], 0.05, "s"),
        ("j in the digests: next digest's items on screen", term["j_digest"], 0.05, "s"),
        ("j in the items: next item's detail on screen", term["j_item"], 0.05, "s"),
        (f"{app['big_size_kb']:.0f} KB item fully rendered", app["big_render"], None, "s"),
        (f"{app['big_size_kb']:.0f} KB item: longest UI stall", app["big_stall"], 0.1, "s"),
        ("resident memory, loaded, cold start", term["rss_cold"], 150, "MiB"),
        ("resident memory, loaded, warm start", term["rss_warm"], 150, "MiB"),
        ("resident memory, during a search (index built)", term["rss_search"], None, "MiB"),
        ("resident memory, after the search closed", term["rss_after_search"], 150, "MiB"),
        ("search as you type: key to hits on screen (slowest key)", slowest_key(term), 0.05, "s"),
        ("new digest written -> on screen", app["new_digest"], 1.0, "s"),
    ]
    for kind in SEARCHES:
        rows += [
            (f"search, slowest {kind} word (catalog): first hits", search[kind], 0.05, "s"),
            (f"search, slowest {kind} word (catalog): all, up to 1,000", search[f"{kind}, all"], None, "s"),
        ]
    width = max(len(r[0]) for r in rows)
    for name, measured, target, unit in rows:
        scale = 1000 if unit == "s" else 1
        shown = "ms" if unit == "s" else unit
        line = f"{name:<{width}}  {measured * scale:9.1f} {shown}"
        if target is not None:
            verdict = "ok" if measured <= target else "OVER"
            line += f"  / {target * scale:7.1f} {shown}  {verdict}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
