"""Hostile input never crashes, hangs or floods: the parser is total and linear, reads are bounded
and non-blocking, the state file of any shape loads, and what is printed is always safe text."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

from digesttui import fields, parse
from digesttui.cli import main
from digesttui.files import read_digest
from digesttui.library import Library
from digesttui.parse import parse_digest
from digesttui.state import State
from digesttui.text import clean, safe
from tests.conftest import digest_text, write
from tests.hostile import PATTERNS

LINEAR = 1.0
"""Seconds a 100 KB file may take: these parse in milliseconds, so a failure means super-linear
work (today's code took from 5 s to minutes on several of them), not a slow machine."""


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_hostile_file_parses_quickly_into_a_digest(name: str) -> None:
    data = PATTERNS[name].encode()
    start = time.perf_counter()
    digest = parse_digest(data, f"/x/2025-01-01-{name}.md")
    assert time.perf_counter() - start < LINEAR, name
    for text in (digest.title, *(i.title for i in digest.items), *(i.summary for i in digest.items)):
        assert clean(text) == text


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("yaml-nested", "front matter"),
        ("yaml-alias-bomb", "aliases"),
        ("toml-nested", "nests too deeply"),
        ("toml-huge-integer", "4301 digits"),
        ("front-matter-huge", "over the 64 KB limit"),
    ],
)
def test_front_matter_that_crashed_or_exploded_is_a_problem(name: str, says: str) -> None:
    tracemalloc.start()
    try:
        digest = parse_digest(PATTERNS[name].encode(), "/x/2025-01-01.md")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    errors = [p.describe() for p in digest.problems if p.level == "error"]
    assert any(says in e for e in errors), errors
    assert peak < 50 * 2**20  # the alias bomb took 7.6 GiB


def test_deep_yaml_without_libyaml_is_a_problem_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pure-Python loader recursed into 1,000 nested lists (RecursionError); the C loader is
    not always installed."""
    from frontmatter.default_handlers import YAMLHandler

    monkeypatch.setattr(fields, "SafeLoader", yaml.SafeLoader)
    handler = YAMLHandler()
    monkeypatch.setattr(handler, "load", lambda text: yaml.load(text, Loader=yaml.SafeLoader))
    monkeypatch.setattr(fields, "_YAML", handler)
    digest = parse_digest(PATTERNS["yaml-nested"].encode(), "/x/2025-01-01.md")
    assert any("nests deeper than" in p.message for p in digest.problems)


def test_an_exception_inside_the_parser_is_a_problem_of_that_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(lines: list[str], offset: int) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(parse, "parts", broken)
    digest = parse_digest(b"---\ntitle: t\n---\n1. a\n", "/x/2025-01-01.md")
    assert digest.has_error and "RecursionError" in digest.problems[0].message
    assert digest.items == ()


def test_bidi_overrides_and_isolates_are_removed() -> None:
    digest = parse_digest(PATTERNS["controls-and-bidi"].encode(), "/x/2025-01-01.md")
    title = digest.items[0].title
    assert title == "cTitle evil"
    assert digest.items[0].summary == "]2;pwned 31m red x"
    for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x1b\x9b\x07":
        assert ch not in title and ch not in digest.items[0].summary


def test_safe_text_is_valid_utf8_and_shows_undecodable_bytes() -> None:
    name = os.fsdecode(b"/d/bad\xff\x1b]2;x\x07.md")
    shown = safe(name)
    shown.encode("utf-8")  # no lone surrogates left
    assert shown == "/d/bad\\xff]2;x.md"


# --- reading files ---------------------------------------------------------------------------


def _in_thread(function, timeout: float = 5.0):  # type: ignore[no-untyped-def]
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(function()), daemon=True)
    thread.start()
    thread.join(timeout)
    assert result, "blocked"
    return result[0]


def test_a_fifo_is_not_read_and_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "2025-01-01.md"
    os.mkfifo(fifo)
    digest = _in_thread(lambda: read_digest(str(fifo)))
    assert digest.has_error and "a FIFO, not a regular file" in digest.problems[0].message


def test_a_digest_swapped_for_a_folder_is_told_not_raised(tmp_path: Path) -> None:
    """As the detail pane reads a digest whose file became a folder meanwhile (a root that was a
    file, made a folder again): Python's `open` raises for a folder where `os.open` did not."""
    folder = tmp_path / "d"
    folder.mkdir()
    digest = read_digest(str(folder))
    assert digest.has_error and "a folder, not a regular file" in digest.problems[0].message


def test_a_digest_swapped_for_a_fifo_while_watched_does_not_block(tmp_path: Path) -> None:
    path = write(tmp_path, "2025-01-01.md", digest_text("One", "2025-01-01", ("A", "https://a.example")))
    library = Library([str(tmp_path)])
    library.load()
    path.unlink()
    os.mkfifo(path)
    snapshot = _in_thread(lambda: library.apply([str(path)]))
    assert snapshot.digests == ()  # a FIFO is not a digest: as if the file were deleted


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    with open(big, "wb") as f:
        f.truncate(2**30)  # sparse: 1 GiB that costs no disk
    link = tmp_path / "2025-01-01.md"
    link.symlink_to(big)
    tracemalloc.start()
    try:
        digest = read_digest(str(link))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert digest.has_error and "over the 16 MB limit" in digest.problems[0].message
    assert peak < 2**20


def test_the_size_limit_is_configurable(tmp_path: Path) -> None:
    write(tmp_path, "2025-01-01.md", digest_text("One", "2025-01-01", ("A", "https://a.example")))
    assert not Library([str(tmp_path)], limit=10_000).load().digests[0].has_error
    assert Library([str(tmp_path)], limit=50).load().digests[0].has_error


@pytest.mark.parametrize("path", ["fifo", "/dev/zero", "/dev/null"])
def test_a_fifo_or_device_as_path_is_a_one_line_error(path: str, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "none.toml"))
    if path == "fifo":
        path = str(tmp_path / "fifo")
        os.mkfifo(path)
    assert _in_thread(lambda: main(["--check", path])) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("digest-tui: error:") and "not a regular file" not in err and "\n" not in err
    assert "FIFO" in err or "device" in err


def test_an_unreadable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path, "ok/2025-01-01.md", digest_text("One", "2025-01-01", ("A", "https://a.example")))
    locked = tmp_path / "locked"
    write(locked, "2025-01-02.md", digest_text("Two", "2025-01-02", ("B", "https://b.example")))
    real = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]  # root reads every folder: deny as a mode 000 would
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "none.toml"))
    assert main(["--check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "locked: error: folder cannot be read: Permission denied" in out


def test_the_cache_folder_is_private_and_a_foreign_cache_is_not_loaded(tmp_path: Path) -> None:
    write(tmp_path / "d", "2025-01-01.md", digest_text("One", "2025-01-01", ("A", "https://a.example")))
    cache = tmp_path / "cache"
    library = Library([str(tmp_path / "d")], str(cache))
    library.load()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    (catalog,) = cache.glob("catalog-*.sqlite")
    os.chmod(catalog, 0o666)  # anyone could have written it
    again = Library([str(tmp_path / "d")], str(cache))
    snapshot = again.load()
    assert "someone else could have written it" in snapshot.notice
    assert [d.title for d in snapshot.digests] == ["One"]  # parsed afresh instead


# --- the state file ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "theme",
    [[["x"], 1], [None, "x"], "nord", [1, 2], ["nord", float("inf")], None, [["x"], ["y"]]],
)
def test_state_of_any_shape_loads_and_saves(theme: object, tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    items = {f"id{n}": {"r": [True, 1.0]} for n in range(40)}
    items |= {"bad": {"r": [1, "x"], "s": "yes", "i": ["x"]}, "worse": [1], "ok-star": {"s": [True, 2], "i": {"t": 1}}}
    path.write_text(json.dumps({"format": 1, "theme": theme, "items": items}))
    state = State(path).load()
    assert state.warning and "wrong shape" in state.warning
    assert state.theme[0] is None or isinstance(state.theme[0], str)
    state.set_read(["new"])
    state.save()
    again = State(path).load()
    assert all(again.is_read(f"id{n}") for n in range(40)) and again.is_read("new")
    assert again.is_starred("ok-star") and not again.is_read("bad")


def test_a_failing_save_raises_and_keeps_the_marks_unsaved(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    state = State(blocker / "state.json").load()  # its folder cannot be made: a file is in the way
    state.set_read(["a"])
    with pytest.raises(OSError):
        state.save()
    assert state.unsaved and state.is_read("a")


def test_loading_the_state_leaves_nothing_to_save(tmp_path: Path) -> None:
    state = State(tmp_path / "state.json").load()
    assert not state.unsaved
    state.set_read(["a"])
    state.save()
    assert not state.unsaved and not State(tmp_path / "state.json").load().unsaved


# --- printing: --json and --check ---------------------------------------------------------------


def test_json_and_check_escape_undecodable_file_names(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    good = digest_text("One", "2025-01-01", ("A", "https://a.example")).encode()
    with open(folder + b"/2025-01-01-caf\xe9.md", "wb") as f:
        f.write(good)
    with open(folder + b"/2025-01-02-\xff\x1b]2;x\x07.md", "wb") as f:
        f.write(b"---\ntitle: [unclosed\n---\n")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "DIGEST_TUI_CONFIG": str(tmp_path / "none.toml")}
    run = [sys.executable, "-m", "digesttui"]
    out = subprocess.run([*run, "--json", str(tmp_path)], capture_output=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode("utf-8").splitlines()  # valid UTF-8, or this raises
    paths = sorted(json.loads(line)["path"] for line in lines)
    assert paths[0].endswith("2025-01-01-caf\\xe9.md") and paths[1].endswith("2025-01-02-\\xff]2;x.md")
    check = subprocess.run([*run, "--check", str(tmp_path)], capture_output=True, env=env, timeout=60)
    assert check.returncode == 1 and b"Traceback" not in check.stderr
    assert "2025-01-02-\\xff]2;x.md: error: line 3: front matter is not valid YAML" in check.stdout.decode()
    assert b"\x1b" not in check.stdout


def test_check_reports_an_internal_error_apart_from_errors_found(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from digesttui import cli

    write(tmp_path, "2025-01-01.md", digest_text("One", "2025-01-01", ("A", "https://a.example")))
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setattr(cli, "check", lambda snapshot: 1 / 0)
    assert main(["--check", str(tmp_path)]) == 3
    assert "internal error: ZeroDivisionError" in capsys.readouterr().err


def test_main_gives_the_cycle_collector_back_as_it_found_it(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`main` pauses it first thing (`cli.collector_tuned`); a program that calls it goes on with
    its own collector, however `main` ended."""
    import gc

    from digesttui import cli

    write(tmp_path, "2025-01-01.md", digest_text("One", "2025-01-01", ("A", "https://a.example")))
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "none.toml"))
    paused = []
    monkeypatch.setattr(cli, "check", lambda digests: paused.append(not gc.isenabled()) or 1 / 0)
    gc.set_threshold(650, 9, 8)  # (any but the defaults)
    try:
        assert main(["--check", str(tmp_path)]) == 3
        assert paused == [True]
        assert gc.isenabled() and gc.get_threshold() == (650, 9, 8)
    finally:
        gc.set_threshold(700, 10, 10)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_check_on_each_hostile_file_prints_a_line_per_problem(name: str, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "none.toml"))
    path = write(tmp_path, f"2025-01-01-{name}.md", PATTERNS[name])
    code = main(["--check", str(path)])
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("checked 1 file:")
    assert code == (1 if any(": error: " in line for line in out) else 0)
    assert all("\x1b" not in line and len(line) < 1000 for line in out)
