"""Two versions of digest-tui (or more) side by side: their first complete screen (warm), started
in turns with the floor in the bench's terminal, on one catalog.

    python bench/ab.py FOLDER REV [REV ...] [--rounds 12] [--home DIR]

REV is a git revision (its `src`, `styles` and `seeds`, archived into a temporary folder) or `.`
(the working tree). Each start runs its version from `PYTHONPATH`; the home (cache, state with the
bench's read marks) is made once by a start of the first version, which builds the catalog and its
search index: with `--home` it is kept for the next run (100,000 digests take minutes to index).
Rounds go through the six orders of three (more versions: their permutations) as `run.beside_floor`'s
do. Prints each version's medians and their ratio to the floor's.

Why: on this kind of machine one start moves by ±0.15x of the floor from run to run, more than
most changes; versions started in turns within one run see the same machine."""

from __future__ import annotations

import argparse
import compileall
import contextlib
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def trees(revs: list[str]) -> Iterator[dict[str, str]]:
    """Each version's `src` folder, for `PYTHONPATH` (archived ones compiled, as installed ones are)."""
    with tempfile.TemporaryDirectory() as scratch:
        found = {}
        for n, rev in enumerate(revs):
            if rev == ".":
                found[rev] = str(ROOT / "src")
                continue
            into = Path(scratch, str(n))
            into.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", rev, "src", "styles", "seeds"], check=True, capture_output=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
            compileall.compile_dir(into / "src", quiet=1)
            found[rev] = str(into / "src")
        yield found


def first_complete(folder: Path, count: int, home: str, src: str, needle: bytes) -> float:
    """One warm start: seconds to its first complete screen (it quits once loaded, as a reader would)."""
    term = run.Pty([run.digest_tui(), str(folder)], {**run.term_env(home), "PYTHONPATH": src})
    try:
        term.until(lambda out: needle in out)
        seconds = time.perf_counter() - term.start
        term.until_loaded(count)
        return seconds
    finally:
        term.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("revs", nargs="+")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--home", help="a folder kept for the next run (its catalog built once)")
    args = parser.parse_args()
    needle = run._needle(run.corpus_digests(args.folder)[0].items[0].summary)
    count = sum(1 for _ in args.folder.rglob("*.md"))
    with trees(args.revs) as src, contextlib.ExitStack() as stack:
        home = args.home or stack.enter_context(tempfile.TemporaryDirectory())
        if not list(Path(home).rglob("catalog-*.sqlite")):
            os.makedirs(home, exist_ok=True)
            run.reader_state(args.folder, home)
            env = {**run.term_env(home), "PYTHONPATH": src[args.revs[0]]}
            term = run.Pty([run.digest_tui(), str(args.folder)], env)
            term.until_loaded(count, timeout=3600)
            run.until_indexed(home, term.start)
            term.close()
        times: dict[str, list[float]] = {name: [] for name in ("floor", *args.revs)}
        orders = list(itertools.permutations(times))
        for round_ in range(args.rounds):
            for name in orders[round_ % len(orders)]:
                os.sync()
                if name == "floor":
                    times[name].append(run.floor(1))
                else:
                    times[name].append(first_complete(args.folder, count, home, src[name], needle))
    the_floor = statistics.median(times["floor"])
    print(f"floor {the_floor * 1000:.0f} ms ({args.rounds} rounds; first complete screen, warm, medians)")
    for rev in args.revs:
        took = statistics.median(times[rev])
        print(f"{rev:>12} {took * 1000:6.0f} ms  {took / the_floor:.3f}x")


if __name__ == "__main__":
    main()
