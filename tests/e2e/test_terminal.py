"""The installed `digest-tui` in a real pseudo-terminal: what reaches the terminal."""

from __future__ import annotations

import base64
import copy
import fcntl
import os
import pty
import select
import shutil
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.conftest import write

pytestmark = pytest.mark.e2e


def executable() -> str:
    found = shutil.which("digest-tui", path=os.path.dirname(sys.executable)) or shutil.which("digest-tui")
    if not found:
        pytest.fail("digest-tui is not installed (pip install -e '.[test]')")
    return found


class Terminal:
    def __init__(self, *args: str, env: dict[str, str] | None = None, size=(120, 36)) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the real program on a pty that has its size from the start
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
            full = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", **(env or {})}
            os.execve(executable(), ["digest-tui", *args], full)
        self.output = b""
        import pyte

        self.screen = pyte.Screen(*size)
        self.stream = pyte.ByteStream(self.screen)

    def read(self, seconds: float) -> bytes:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                self.output += chunk
                self.stream.feed(chunk)
        return self.output

    def shows(self, text: str, timeout: float = 15) -> None:
        """Wait until `text` is on the screen, as a terminal draws it."""
        end = time.monotonic() + timeout
        while not any(text in line for line in self.screen.display):
            if time.monotonic() > end:
                raise AssertionError(f"{text!r} never shown; the screen:\n" + "\n".join(self.screen.display))
            self.read(0.1)

    def wait_for(self, needle: bytes, timeout: float = 15, since: int = 0) -> None:
        """Wait until `needle` has reached the terminal (after the first `since` bytes of its output)."""
        end = time.monotonic() + timeout
        while needle not in self.output[since:]:
            if time.monotonic() > end:
                raise AssertionError(f"{needle!r} never reached the terminal; got {self.output[-2000:]!r}")
            self.read(0.1)

    def press(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def exit_code(self, timeout: float = 10) -> int:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.read(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, 9)
        raise AssertionError("digest-tui did not exit")


def test_samples_in_a_real_terminal_and_q_quits() -> None:
    term = Terminal()
    term.wait_for(b"bundled samples")
    term.wait_for(b"Evening notes")
    term.wait_for(b"Sample: an open speech model")
    term.wait_for(b"Digests")
    term.wait_for(b"Next unread")  # the footer's key hints
    term.press("q")
    assert term.exit_code() == 0


def test_osc52_reaches_the_terminal_and_digests_cannot_send_their_own(tmp_path: Path) -> None:
    evil_osc52 = "\x1b]52;c;" + base64.b64encode(b"rm -rf ~").decode() + "\x07"
    write(
        tmp_path,
        "2025-01-01.md",
        f'---\ntitle: "Evil \x1b]0;pwned-title\x07 digest"\ndate: 2025-01-01\n---\n'
        f"1. [Headline \x9b31m here\x1b\\](https://story.example/1)\n"
        f"   Summary {evil_osc52} text \x1b]0;pwned-title\x07\n",
    )
    term = Terminal(str(tmp_path), env={"SSH_CONNECTION": "1 2 3 4"})
    term.wait_for(b"Headline")
    term.press("c")
    expected = b"\x1b]52;c;" + base64.b64encode(b"https://story.example/1")
    term.wait_for(expected)
    term.wait_for(b"Copied")
    assert b"\x1b]0;pwned-title" not in term.output
    assert b"\x1b]52;c;" + base64.b64encode(b"rm -rf ~") not in term.output  # shown as text at most
    term.press("q")
    assert term.exit_code() == 0


def test_markup_and_an_unwritable_state_folder_end_in_one_line_and_exit_0(tmp_path: Path) -> None:
    """A headline full of markup starred and marked (it crashed the reader and, with the watcher
    thread left running, kept the process alive); the marks cannot be saved: one line, exit 0."""
    (tmp_path / "blocker").write_text("")
    write(
        tmp_path / "d",
        "2025-01-01.md",
        "---\ntitle: Weekly [/r/LocalLLaMA] roundup\ndate: 2025-01-01\n---\n"
        "1. [[D] Headline [/] [@click=app.quit]q[/]](https://e.example/[/x])\n   Summary.\n",
    )
    env = {"DIGEST_TUI_STATE": str(tmp_path / "blocker" / "state.json")}
    term = Terminal(str(tmp_path / "d"), env=env)
    term.shows("[D] Headline [/] [@click=app.quit]q[/]")
    term.shows("Weekly [/r/LocalLLaMA] roundup")
    term.press("s")
    term.shows("Starred: [D] Headline [/]")
    term.shows("Could not save read marks")
    term.press("q")
    assert term.exit_code() == 0
    assert term.output.count(b"digest-tui: warning: could not save read marks to") == 1


def test_links_in_the_detail_pane_are_terminal_hyperlinks() -> None:
    term = Terminal(size=(160, 40))
    term.wait_for(b"Sample: an open speech model")
    term.wait_for(b"\x1b]8;")  # a hyperlink (OSC 8)...
    term.wait_for(b"https://example.com/speech/twelve-languages")  # ...to the headline (a read may split them)
    assert b"\x1b]8;id=" in term.output or b"\x1b]8;;" in term.output
    term.press("q")
    assert term.exit_code() == 0


def test_check_and_json_from_the_command_line(tmp_path: Path) -> None:
    import json
    import subprocess

    run = [executable()]
    ok = subprocess.run([*run, "--check"], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip().endswith("0 errors, 0 warnings")
    write(tmp_path, "bad.md", "---\ntitle: x\n")
    bad = subprocess.run([*run, "--check", str(tmp_path)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert f"{tmp_path}/bad.md: error: line 1: front matter opened with '---' on line 1 is never closed" in bad.stdout
    missing = subprocess.run([*run, "--check", str(tmp_path / "nope")], capture_output=True, text=True)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no such file" in missing.stderr
    lines = subprocess.run([*run, "--json"], capture_output=True, text=True, check=True).stdout.splitlines()
    first = json.loads(lines[0])
    assert set(first) == {"path", "title", "date", "categories", "tags", "description", "items", "overview", "problems"}
    assert first["items"][0]["n"] == 1 and first["items"][0]["url"].startswith("https://")
    dates = [json.loads(line)["date"] for line in lines]
    assert len(dates) == 6
    version = subprocess.run([*run, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("digest-tui ")
    usage = subprocess.run([*run, "--bogus"], capture_output=True, text=True)
    assert usage.returncode == 2 and usage.stderr.count("\n") == 1
    no_tty = subprocess.run(run, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert no_tty.returncode == 2 and "needs a terminal" in no_tty.stderr and "Traceback" not in no_tty.stderr


def test_export_starred_prints_markdown() -> None:
    import subprocess

    from digesttui.state import State, state_path

    empty = subprocess.run([executable(), "--export-starred"], capture_output=True, text=True)
    assert empty.returncode == 0 and "(none yet" in empty.stdout
    state = State(state_path()).load()
    info = {"title": "Big [news]", "url": "https://n.example/1", "summary": "**Bold** words\nline two", "digest": "D"}
    state.set_star("https://n.example/1", True, {**info, "date": "2025-01-01 08:00"})
    state.save()
    out = subprocess.run([executable(), "--export-starred"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("# Starred items\n")
    assert "- [Big \\[news\\]](https://n.example/1)\n  *D — 2025-01-01 08:00*\n\n  **Bold** words\n  line two\n" in out


def test_e_hands_the_terminal_to_the_pager_and_comes_back(tmp_path: Path) -> None:
    write(tmp_path / "d", "2025-01-01.md", "---\ntitle: Paged\ndate: 2025-01-01\n---\n1. [A](https://a.example)\n")
    pager = tmp_path / "pager"
    record = tmp_path / "paged.txt"
    pager.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> {record}\n')
    pager.chmod(0o755)
    term = Terminal(str(tmp_path / "d"), env={"PAGER": str(pager), "DIGEST_TUI_STATE": str(tmp_path / "s.json")})
    term.shows("Paged")
    term.press("e")
    end = time.monotonic() + 10
    while not record.exists() and time.monotonic() < end:
        term.read(0.1)
    assert record.read_text().strip().endswith("2025-01-01.md")
    term.shows("Paged")  # the reader is back
    term.press("q")
    assert term.exit_code() == 0


SYNC_START = b"\x1b[?2026h"
"""A terminal with synchronized output shows what comes between this and its end as one frame."""


def synchronized(term: Terminal) -> None:
    """Answer the program's question whether the terminal draws whole frames (DECRQM 2026): yes.
    Each frame it draws then comes between `SYNC_START` and its end, as a terminal shows it."""
    term.wait_for(b"\x1b[?2026$p")
    term.press("\x1b[?2026;2$y")


def screens_after(term: Terminal, keys: str, needle: str) -> list[tuple[bytes, str]]:
    """Each frame drawn after `keys`, up to the one that brings `needle`, with the screen as it
    shows after that frame."""
    import pyte

    screen = copy.deepcopy(term.screen)
    stream = pyte.ByteStream(screen)
    start = len(term.output)
    term.press(keys)
    term.wait_for(needle.encode(), since=start)
    shown = []
    for frame in term.output[start:].split(SYNC_START):
        stream.feed(SYNC_START + frame)
        shown.append((frame, "\n".join(screen.display)))
        if needle.encode() in frame:
            return shown
    raise AssertionError(f"{needle!r} reached the terminal outside a frame")


def test_a_key_and_what_it_brings_are_drawn_in_one_frame(tmp_path: Path) -> None:
    """`j` in the items: the cursor and the next item (rendered as Markdown, ~10 ms) in one frame,
    not the cursor first and the item up to a frame (1/60 s) later. A search's key: the letter
    typed and its hits, the same."""
    items = [f"{n}. [标题{n} headline](https://e.example/{n})\n   第{n}条的摘要正文在此处" for n in range(1, 4)]
    write(tmp_path / "d", "2025-01-01.md", "---\ntitle: Frames\ndate: 2025-01-01\n---\n\n" + "\n\n".join(items))
    (tmp_path / "config.toml").write_text('mark_read = "manual"\n')  # no read mark drawn meanwhile
    env = {"DIGEST_TUI_CONFIG": str(tmp_path / "config.toml"), "DIGEST_TUI_STATE": str(tmp_path / "s.json")}
    term = Terminal(str(tmp_path / "d"), env=env)
    synchronized(term)
    term.shows("第1条的摘要正文在此处")
    term.wait_for(b"Next unread")  # the key hints: the first screen is all there
    term.press("l")
    frames = screens_after(term, "j", "第2条的摘要正文在此处")
    item_frame = frames[-1][0]
    assert "标题1 headline".encode() in item_frame  # item 1's row, its cursor taken off in this frame
    start = len(term.output)
    term.press("/")
    term.wait_for(b"Type to search", since=start)
    term.press("h")
    term.wait_for(b"3 hits for 'h'", since=start)  # a first query: the search is ready
    start = len(term.output)
    term.press("\x7f")
    term.wait_for(b"Type to search", since=start)
    for _, screen in screens_after(term, "h", "hits for 'h'"):
        typed = any(line.strip(" ▊▎") == "h" for line in screen.splitlines())  # the query box
        assert typed == ("3 hits for 'h'" in screen), screen
    start = len(term.output)
    term.press("\x1b")
    term.wait_for(b"Digests", since=start)  # back in the panes (Esc and q at once are Alt+q)
    term.press("q")
    assert term.exit_code() == 0


def test_keys_that_arrive_together_act_where_the_first_one_moved_the_focus(tmp_path: Path) -> None:
    """Keys typed quickly (over SSH, one read of the terminal): `l` `j` moves in the items, not
    in the digests; `h` `j` in the digests again; in the search, Enter `j` opens the hit and moves
    in its items, and a letter typed with the `k` that goes up from the first hit is on the query."""
    for day in ("01", "02"):
        items = [f"{n}. [标题{day}-{n}](https://e.example/{day}/{n})\n   {day}日第{n}条的摘要" for n in range(1, 4)]
        write(
            tmp_path / "d",
            f"2025-01-{day}.md",
            f"---\ntitle: Day {day}\ndate: 2025-01-{day}\n---\n\n" + "\n\n".join(items),
        )
    (tmp_path / "config.toml").write_text('mark_read = "manual"\n')
    env = {"DIGEST_TUI_CONFIG": str(tmp_path / "config.toml"), "DIGEST_TUI_STATE": str(tmp_path / "s.json")}
    term = Terminal(str(tmp_path / "d"), env=env)
    term.shows("02日第1条的摘要")
    term.wait_for(b"Next unread")  # the first screen is all there
    term.press("lj")
    term.shows("02日第2条的摘要")  # the second item of the newest digest, not the other digest
    term.press("hj")
    term.shows("01日第1条的摘要")  # the digest below
    term.press("/")
    term.shows("Type to search")
    term.press("01日第1")
    term.shows("1 hit for '01日第1'")
    term.press("\rj")  # the hit opened in the items, and the next item
    term.shows("01日第2条的摘要")
    term.press("/")
    term.shows("1 hit for '01日第1'")  # the last query, again, selected: typing replaces it
    term.press("日第")
    term.shows("6 hits for '日第'")
    term.press("\x1b[B")  # down to the hits,
    term.press("k1")  # up to the query again (`k` on the first hit), and on with it
    term.shows("2 hits for '日第1'")
    term.press("\x1b[Bj\r")  # down to the hits, the second one, opened
    term.shows("01日第1条的摘要")
    term.press("q")
    assert term.exit_code() == 0
