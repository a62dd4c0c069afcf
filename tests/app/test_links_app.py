"""Opening and copying links from the keyboard: fake browser command, fake clipboard."""

from __future__ import annotations

from pathlib import Path

import pytest

from digesttui import links
from digesttui.ui.app import DigestApp
from digesttui.ui.screens import LinkPicker
from tests.app.helpers import settled, told, wait_for
from tests.conftest import write

DIGEST = """---
title: Links
date: 2025-01-01
---
1. [Main story](https://main.example/story)
   See [the paper](https://paper.example/pdf) and [a bad one](javascript:alert(1)).
2. [Evil headline](javascript:alert(document.cookie))
   nothing
3. No link here
"""


@pytest.fixture
def clipboard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    copied: list[str] = []
    monkeypatch.setattr(links, "system_copy", lambda text: copied.append(text))
    return copied


@pytest.fixture
def browser(tmp_path: Path) -> tuple[str, Path]:
    record = tmp_path / "opened.txt"
    script = tmp_path / "fake-browser"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> {record}\n')
    script.chmod(0o755)
    return f"{script} %s", record


def links_app(folder: Path, **options: object) -> DigestApp:
    """The reader on one digest whose items have a web link, several links, and bad ones."""
    write(folder, "d.md", DIGEST)
    return DigestApp([str(folder)], watch=False, **options)  # type: ignore[arg-type]


async def started(pilot, app: DigestApp) -> None:
    await wait_for(pilot, lambda: app.reader.loaded)
    await settled(pilot)


async def test_o_opens_with_browser_command_from_any_pane(tmp_path: Path, browser, clipboard) -> None:
    command, record = browser
    app = links_app(tmp_path, browser=command)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("o")
        await wait_for(pilot, lambda: record.exists(), what="browser ran")
        await pilot.press("l", "l", "o")
        await wait_for(pilot, lambda: len(record.read_text().splitlines()) == 2, what="browser ran twice")
        assert record.read_text().splitlines() == ["https://main.example/story"] * 2
        await wait_for(pilot, lambda: "Opened https://main.example/story" in told(app))


async def test_browser_env_var_and_failure_message(tmp_path: Path, monkeypatch, clipboard) -> None:
    monkeypatch.setenv("BROWSER", "no-such-browser-here")
    app = links_app(tmp_path)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("o")
        await wait_for(pilot, lambda: "was not found" in told(app), what="failure message")
        assert "Could not open https://main.example/story" in told(app)


async def test_non_http_links_are_refused(tmp_path: Path, browser, clipboard) -> None:
    command, record = browser
    app = links_app(tmp_path, browser=command)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("l", "j")
        await settled(pilot)
        await pilot.press("o")
        await wait_for(pilot, lambda: "only http and https links are opened" in told(app))
        assert not record.exists()  # refused before any command could start
        await pilot.press("j", "o")
        await pilot.pause()
        assert "This item has no source link." in told(app)


async def test_over_ssh_copies_instead_of_starting_a_browser(tmp_path: Path, monkeypatch, clipboard) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    monkeypatch.setenv("DISPLAY", ":0")
    app = links_app(tmp_path)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("o")
        await wait_for(pilot, lambda: clipboard == ["https://main.example/story"], what="copied")
        assert app.clipboard == "https://main.example/story"  # sent by OSC 52 too
        await wait_for(pilot, lambda: "SSH session" in told(app))
        assert "Copied https://main.example/story" in told(app)


async def test_c_y_copy_and_Y_copies_the_item(tmp_path: Path, clipboard) -> None:
    app = links_app(tmp_path)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("c")
        await wait_for(pilot, lambda: len(clipboard) == 1)
        await pilot.press("y")
        await wait_for(pilot, lambda: len(clipboard) == 2)
        assert clipboard == ["https://main.example/story"] * 2
        await pilot.press("Y")
        await wait_for(pilot, lambda: len(clipboard) == 3)
        assert clipboard[2].startswith("[Main story](https://main.example/story)\n\nSee [the paper]")
        assert app.clipboard == clipboard[2]
        await wait_for(pilot, lambda: "to the system clipboard and the terminal's (OSC 52)" in told(app))


async def test_no_system_clipboard_is_said_truthfully(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(links, "system_copy", lambda text: "no copy mechanism")
    app = links_app(tmp_path)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("c")
        await wait_for(pilot, lambda: "no system clipboard here" in told(app))
        assert app.clipboard == "https://main.example/story"


async def test_picker_lists_every_link_and_chooses_by_number(tmp_path: Path, browser, clipboard) -> None:
    command, record = browser
    app = links_app(tmp_path, browser=command)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, LinkPicker)
        assert [link.url for link in app.screen.links] == [
            "https://main.example/story",
            "https://paper.example/pdf",
            "javascript:alert(1)",
        ]
        await pilot.press("2")
        await wait_for(pilot, lambda: clipboard == ["https://paper.example/pdf"])
        await pilot.press("O", "down", "down", "enter")
        await wait_for(pilot, lambda: "only http and https" in told(app))
        await pilot.press("O", "escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, LinkPicker))
        assert not record.exists()


async def test_clicking_a_link_in_the_detail_follows_the_policy(tmp_path: Path, browser, clipboard) -> None:
    from textual.widgets import Markdown

    command, record = browser
    app = links_app(tmp_path, browser=command)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        markdown = app.query_one(Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "javascript:alert(1)"))
        await wait_for(pilot, lambda: "only http and https" in told(app))
        markdown.post_message(Markdown.LinkClicked(markdown, "https://paper.example/pdf"))
        await wait_for(pilot, lambda: record.exists())
        assert record.read_text().strip() == "https://paper.example/pdf"
