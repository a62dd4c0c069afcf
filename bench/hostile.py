"""Hostile files (tests/hostile.py): what `--check` costs on each, and how the running reader holds up
when they arrive and when each is shown.

    python bench/hostile.py

Prints, per file: `--check`'s wall time and peak memory (a child process each), then the longest
the reader's event loop stalled (gaps between the ticks of a 10 ms timer) while all of them
arrived in its folder, and while each one was shown (a key press `j`, until the detail pane had
rendered it). Targets (issue "Nothing a digest contains can crash…"): under 2 s and 300 MiB each;
the reader responds within 100 ms."""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.hostile import PATTERNS  # noqa: E402


def check_each(folder: Path) -> None:
    print(f"{'file':<26} {'KB':>5} {'--check':>8} {'peak MiB':>9}  exit  first problem")
    for name, text in PATTERNS.items():
        path = folder / f"2025-01-01-{name}.md"
        path.write_text(text)
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "digesttui", "--check", str(path)], stdout=subprocess.PIPE, text=True
        )
        out = child.stdout.read() if child.stdout else ""
        _, status, usage = os.wait4(child.pid, 0)
        took = time.perf_counter() - start
        first = next((line.split(": ", 1)[1] for line in out.splitlines() if ": error: " in line), "")
        code = os.waitstatus_to_exitcode(status)
        print(f"{name:<26} {len(text) / 1024:5.0f} {took:7.2f}s {usage.ru_maxrss / 1024:9.0f}  {code:>4}  {first[:70]}")


async def in_reader(folder: Path) -> None:
    from digesttui.ui.app import DigestApp
    from digesttui.ui.detail import DetailPane

    app = DigestApp([str(folder)])
    async with app.run_test(size=(150, 40)) as pilot:
        while not (app.reader.loaded and any(w.name == "watch_library" for w in app.workers)):
            await pilot.pause(0.05)
        await pilot.pause(0.6)
        ticks = [time.perf_counter()]
        timer = app.set_interval(0.01, lambda: ticks.append(time.perf_counter()))
        start = time.perf_counter()
        for name, text in PATTERNS.items():
            (folder / f"2025-01-01-{name}.md").write_text(text)
        while not (app.reader.snapshot and len(app.reader.snapshot.digests) == len(PATTERNS)):
            await pilot.pause(0.01)
        listed = time.perf_counter() - start
        print(f"\nall {len(PATTERNS)} written into the watched folder: listed after {listed:.2f} s, ", end="")
        print(f"longest stall {max(b - a for a, b in itertools.pairwise(ticks)) * 1000:.0f} ms")
        detail = app.query_one(DetailPane)
        print(f"{'shown with j':<36} {'rendered':>8} {'stall':>6}")
        await pilot.press("g")
        for _ in PATTERNS:
            ticks[:] = [time.perf_counter()]
            start = time.perf_counter()
            await pilot.press("j")
            while not detail.settled:
                await pilot.pause(0.005)
            stall = max(b - a for a, b in itertools.pairwise(ticks)) if len(ticks) > 1 else 0.0
            name = Path(app.reader.digest.path).name if app.reader.digest else "?"
            print(f"{name:<36} {time.perf_counter() - start:7.2f}s {stall * 1000:5.0f}ms")
        timer.stop()


def main() -> None:
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as watched:
        check_each(Path(one))
        asyncio.run(in_reader(Path(watched)))


if __name__ == "__main__":
    main()
