"""The running reader against hostile text, files, folders and state: it shows text as written,
keeps running, and keeps watching."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from digesttui import links
from digesttui.config import Config
from digesttui.state import State
from digesttui.ui.app import DigestApp
from digesttui.ui.detail import DetailPane
from tests.app.helpers import detail_text, header, palette_ready, panes, settled, toasts, visible_rows, wait_for
from tests.conftest import digest_text, write
from tests.hostile import PATTERNS

TITLE = "Weekly [/r/LocalLLaMA] roundup [@click=app.quit]x[/]"
HEADLINE = "[D] Headline [/] [@click=app.quit]quit[/]"
URL = "https://e.example/[/x]"
CATEGORY = "[/]"
MARKUP_DIGEST = (
    f'---\ntitle: "{TITLE}"\ndate: 2025-01-02\ncategories: ["{CATEGORY}", "[b]tag"]\n---\n\n'
    f"1.  [{HEADLINE}]({URL})\n    Summary [b]x[/b] [/] [@click=app.quit]q[/]\n\n"
    "2.  [Second [/]](https://e.example/2)\n    Another.\n"
)


async def shown(pilot, app: DigestApp, text: str) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: any(text in t for t in toasts(app)), what=f"a notification with {text!r}")
    assert app.is_running and app.return_code is None


async def test_text_with_markup_shows_as_written_through_every_action(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    copied: list[str] = []
    monkeypatch.setattr(links, "system_copy", lambda text: copied.append(text))
    write(tmp_path, "2025-01-02.md", MARKUP_DIGEST)
    write(tmp_path, "2025-01-01.md", digest_text("Plain", "2025-01-01", ("Other", "https://o.example")))
    app = DigestApp([str(tmp_path)], watch=False, config=Config(mark_read="manual"))
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await settled(pilot)
        digests, items, detail = panes(app)
        assert "Weekly [/r/Local" in visible_rows(digests)[0] and HEADLINE in visible_rows(items)[0]
        await wait_for(pilot, lambda: "[@click=app.quit]quit[/]" in detail_text(detail), what="headline in detail")
        await pilot.press("s")
        await shown(pilot, app, f"Starred: {HEADLINE}")
        await pilot.press("m", "M")
        await shown(pilot, app, f"Marked {TITLE} read.")
        await pilot.press("o")  # no browser here: the link is copied instead, and the toast says so
        await shown(pilot, app, f"Copied {URL}")
        await pilot.press("c")
        await wait_for(pilot, lambda: URL in copied)
        await pilot.press("Y")
        await wait_for(pilot, lambda: any(HEADLINE.replace("[", "\\[").replace("]", "\\]") in c for c in copied))
        await pilot.press("M", "G", "M", "n")
        await shown(pilot, app, "No unread items.")
        await pilot.press("f")
        await wait_for(pilot, lambda: app.screen.query("OptionList"))
        await pilot.press("down", "enter")  # the most used category first: both have one digest, "[/]" sorts first
        await wait_for(pilot, lambda: app.reader.category == CATEGORY, what="category chosen")
        assert f"category: {CATEGORY}" in header(app)
        await pilot.press("ctrl+p", *"Filter: [b]tag")
        await palette_ready(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.reader.category == "[b]tag", what="filter from the palette")
        await pilot.press("slash", *"[/]")
        status = app.screen.query_one("#search-status")
        await wait_for(pilot, lambda: "for '[/]'" in str(status.render()), what="search status")
        await pilot.press("escape")
        app.notify("[@click=app.quit]click me[/]")
        await shown(pilot, app, "[@click=app.quit]click me[/]")
        assert app.is_running


async def test_opening_a_link_with_brackets_through_a_browser(tmp_path: Path) -> None:
    write(tmp_path, "2025-01-02.md", MARKUP_DIGEST)
    app = DigestApp([str(tmp_path)], watch=False, browser="true %s")
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await settled(pilot)
        await pilot.press("o")
        await shown(pilot, app, f"Opened {URL}")


async def test_a_one_megabyte_link_is_refused_with_a_message(tmp_path: Path) -> None:
    long_url = "https://e.example/" + "a" * 2**20
    write(tmp_path, "2025-01-02.md", f"---\ntitle: T\ndate: 2025-01-02\n---\n\n1. [Long]({long_url})\n")
    app = DigestApp([str(tmp_path)], watch=False, browser="true %s")
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await settled(pilot)
        await pilot.press("o")
        await shown(pilot, app, "Not opening a link of 1,048,594 characters")
        assert all(len(t) < 1000 for t in toasts(app))


async def test_paths_and_config_cannot_reach_the_terminal(tmp_path: Path) -> None:
    root = tmp_path / "d\x1b]2;pwned\x07\u202e"
    write(root, "2025-01-01.md", digest_text("One", "2025-01-01", ("A", "https://a.example")))
    app = DigestApp([str(root)], watch=False, config_problem="/c/\x1b]2;pwned\x07config.toml: bad")
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        assert "d]2;pwned" in header(app)
        assert all(ch not in header(app) for ch in "\x1b\x07\u202e")
        await shown(pilot, app, "/c/]2;pwnedconfig.toml: bad")


async def test_hostile_files_arriving_while_reading_are_listed_and_shown(tmp_path: Path) -> None:
    app = DigestApp([str(tmp_path)])
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await _watching(pilot, app)
        for name, text in PATTERNS.items():
            write(tmp_path, f"2025-01-01-{name}.md", text)
        await wait_for(
            pilot, lambda: app.reader.snapshot and len(app.reader.snapshot.digests) == len(PATTERNS), timeout=20
        )
        detail = app.query_one(DetailPane)
        for _ in PATTERNS:  # every one of them on screen, in turn
            await pilot.press("j")
            await wait_for(pilot, lambda: detail.settled, timeout=20, what="detail")
        assert app.is_running


# --- watching ------------------------------------------------------------------------------------


async def _watching(pilot, app: DigestApp) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: app.reader.loaded and any(w.name == "watch_library" for w in app.workers))


def titles(app: DigestApp) -> list[str]:
    return [d.title for d in app.reader.snapshot.digests] if app.reader.snapshot else []


def watched_root(tmp_path: Path) -> tuple[Path, DigestApp]:
    """A root folder with one digest, and a reader watching it."""
    root = tmp_path / "d"
    write(root, "2025-01-01.md", digest_text("Old", "2025-01-01", ("A", "https://a.example")))
    return root, DigestApp([str(root)])


async def test_the_root_deleted_and_made_again_at_once_is_watched(tmp_path: Path) -> None:
    root, app = watched_root(tmp_path)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await _watching(pilot, app)
        inode = root.stat().st_ino
        shutil.rmtree(root)
        root.mkdir()
        write(root, "2025-01-02.md", digest_text("New", "2025-01-02", ("B", "https://b.example")))

        def seen() -> str:  # (it failed once in a full run: what the reader listed then)
            return f"{titles(app)}, the root's inode {inode} -> {root.stat().st_ino}"

        await wait_for(pilot, lambda: titles(app) == ["New"], what="the new folder's digest", seen=seen)
        write(root, "2025-01-03.md", digest_text("Newer", "2025-01-03", ("C", "https://c.example")))
        await wait_for(pilot, lambda: titles(app) == ["Newer", "New"], what="a digest written later", seen=seen)


async def test_the_root_replaced_by_a_file_and_back(tmp_path: Path) -> None:
    root, app = watched_root(tmp_path)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await _watching(pilot, app)
        shutil.rmtree(root)
        write(tmp_path, "d", digest_text("A file", "2025-01-05", ("F", "https://f.example")))
        await wait_for(pilot, lambda: titles(app) == ["A file"], what="the root as a file")
        os.unlink(root)
        write(root, "2025-01-02.md", digest_text("Back", "2025-01-02", ("B", "https://b.example")))
        await wait_for(pilot, lambda: titles(app) == ["Back"], what="the root a folder again")
        write(root, "2025-01-03.md", digest_text("Later", "2025-01-03", ("C", "https://c.example")))
        await wait_for(pilot, lambda: titles(app) == ["Later", "Back"], what="watched again")


async def test_the_watch_limit_is_told_and_polling_takes_over(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import watchfiles

    real = watchfiles.watch

    def limited(*args, **kwargs):  # type: ignore[no-untyped-def]  # as inotify says when out of watches
        if not kwargs.get("force_polling"):
            raise OSError("OS file watch limit reached. about [...] (Error { kind: MaxFilesWatch })")
        return real(*args, **kwargs)

    monkeypatch.setattr(watchfiles, "watch", limited)
    app = DigestApp([str(tmp_path)])
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await shown(pilot, app, "limit of file watches is reached")
        write(tmp_path, "2025-01-02.md", digest_text("Polled", "2025-01-02", ("B", "https://b.example")))
        await wait_for(pilot, lambda: titles(app) == ["Polled"], what="a digest found by polling")


async def test_an_error_inside_the_watcher_is_told_and_watching_goes_on(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app = DigestApp([str(tmp_path)])
    real = app.library.apply
    calls = []

    def failing_once(paths, settle=False):  # type: ignore[no-untyped-def]
        calls.append(paths)
        if len(calls) == 1:
            raise RecursionError("deep")
        return real(paths, settle)

    monkeypatch.setattr(app.library, "apply", failing_once)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await _watching(pilot, app)
        write(tmp_path, "2025-01-02.md", digest_text("First", "2025-01-02", ("B", "https://b.example")))
        await shown(pilot, app, "Watching for changes failed (RecursionError: deep)")
        write(tmp_path, "2025-01-03.md", digest_text("Second", "2025-01-03", ("C", "https://c.example")))
        await wait_for(pilot, lambda: titles(app) == ["Second", "First"], what="watching went on")


# --- the state file ---------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", [[["x"], 1], [None, "x"]])
async def test_state_of_the_wrong_shape_still_starts_and_saves(theme: object, tmp_path: Path) -> None:
    state_file = tmp_path / "state" / "state.json"
    state_file.parent.mkdir()
    marks = {f"https://{n}.example": {"r": [True, 1.0]} for n in range(40)}
    state_file.write_text(json.dumps({"format": 1, "theme": theme, "items": marks}))
    write(tmp_path / "d", "2025-01-01.md", digest_text("One", "2025-01-01", ("A", "https://a.example")))
    app = DigestApp([str(tmp_path / "d")], watch=False, state=State(state_file), config=Config(mark_read="manual"))
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded, what="loaded, not stuck on loading…")
        await settled(pilot)
        await shown(pilot, app, "the theme")
        await pilot.press("m")
        await wait_for(pilot, lambda: State(state_file).load().is_read("https://a.example"), what="saved")
    again = State(state_file).load()
    assert all(again.is_read(url) for url in marks)


async def test_quitting_with_an_unwritable_state_folder_says_so_once(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    write(tmp_path / "d", "2025-01-01.md", digest_text("One", "2025-01-01", ("A", "https://a.example")))
    app = DigestApp(
        [str(tmp_path / "d")], watch=False, state=State(blocker / "state.json"), config=Config(mark_read="manual")
    )
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await settled(pilot)
        await pilot.press("m")
        await shown(pilot, app, "Could not save read marks")
        await pilot.press("q")
    assert app.return_code in (None, 0)
    assert len(app.exit_notices) == 1 and "could not save read marks" in app.exit_notices[0]
