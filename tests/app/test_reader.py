"""What each pane shows, driven from the keyboard and mouse (Textual's pilot)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widgets import Footer

from digesttui.cli import choose_roots
from digesttui.ui.app import DigestApp
from digesttui.ui.screens import HelpScreen
from tests.app.helpers import header, panes, settled, visible_rows, wait_for
from tests.conftest import digest_text, write


def sample_app(**kw) -> DigestApp:
    roots, samples = choose_roots([], {})
    return DigestApp(roots, samples=samples, watch=False, **kw)


async def test_start_shows_newest_digest_first_item_and_focus() -> None:
    app = sample_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await settled(pilot)
        digests, items, detail = panes(app)
        assert app.focused is digests
        rows = visible_rows(digests)
        assert len(rows) == 6
        assert rows[0].startswith("2025-12-19 20:00   Evening") and rows[0].endswith("3/3")  # the year: not this one
        assert rows[-1].startswith("2025-12-17 16:00   过去4小时")  # its leading date left out
        assert visible_rows(items)[0].startswith("•  1. Sample: an open speech model adds")
        assert "## [Sample: an open speech model adds twelve languages]" in detail.source
        assert (
            "Source: [example.com/speech/twelve-languages](https://example.com/speech/twelve-languages)"
            in detail.source
        )
        text = header(app)
        assert "bundled samples" in text and "6 digests" in text and "24 items" in text


async def test_moving_cursors_updates_the_panes_to_the_right() -> None:
    app = sample_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        _digests, items, detail = panes(app)
        await pilot.press("G")
        await settled(pilot)
        assert app.reader.digest is not None and app.reader.digest.title.startswith("2025.12.17.16")
        assert visible_rows(items)[0].startswith("•  1. 示例：开源社区发布轻量级代码模型")
        assert "示例：开源社区发布轻量级代码模型" in detail.source
        await pilot.press("g", "j", "j", "j", "j")  # the reference digest is fifth, newest first
        await settled(pilot)
        assert app.reader.digest is not None and app.reader.digest.title.startswith("2025.12.17.20")
        await pilot.press("enter")
        assert app.focused is items
        await pilot.press("j", "down")
        await settled(pilot)
        assert app.reader.item is not None and app.reader.item.n == 3
        assert "小米MiMo-V2-Flash开源MoE模型发布" in detail.source
        assert "2025.12.17.20 过去4小时全球AI发生了什么？" in detail.source
        assert "AI模型 · 行业动态 · 技术发布" in detail.source
        await pilot.press("G")
        await settled(pilot)
        assert app.reader.item is not None and app.reader.item.n == 8


async def test_pane_keys_tab_h_l_enter() -> None:
    app = sample_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        digests, items, detail = panes(app)
        await pilot.press("l")
        assert app.focused is items
        await pilot.press("l")
        assert detail in (app.focused, *(app.focused.ancestors if app.focused else ()))
        await pilot.press("h", "h")
        assert app.focused is digests
        await pilot.press("tab")
        assert app.focused is items
        await pilot.press("shift+tab")
        assert app.focused is digests
        await pilot.press("right", "left")
        assert app.focused is digests


async def test_section_is_shown_for_heading_items() -> None:
    app = sample_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await pilot.press("j", "l", "G")
        await settled(pilot)
        assert app.reader.item is not None and app.reader.item.title == "示例：用更少的数据做指令微调"
        assert panes(app)[2].source.startswith("*📄 论文精选*")


async def test_space_and_page_keys_scroll_the_detail(tmp_path: Path) -> None:
    long_summary = "\n\n".join(f"Paragraph {n} of a long summary." for n in range(80))
    write(
        tmp_path,
        "long.md",
        "---\ntitle: Long\ndate: 2025-01-01\n---\n1. [Long](https://l.example)\n\n"
        + "\n".join("   " + line for line in long_summary.splitlines())
        + "\n",
    )
    app = DigestApp([str(tmp_path)], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await settled(pilot)
        detail = panes(app)[2]
        assert detail.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        first = detail.scroll_y
        assert first > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert detail.scroll_y > first
        await pilot.press("pageup", "pageup")
        await pilot.pause()
        assert detail.scroll_y == 0


async def test_mouse_click_selects_a_row() -> None:
    app = sample_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        digests, items, _ = panes(app)
        await pilot.click(items, offset=(5, 3))  # the border is row 0: the fourth item... offset is in widget space
        await settled(pilot)
        assert app.reader.item is not None and app.reader.item.n == 3
        await pilot.click(digests, offset=(5, 2))
        await settled(pilot)
        assert app.reader.digest is not None and app.reader.digest.title.startswith("2025.12.19.09")


async def test_help_screen_lists_every_key() -> None:
    app = sample_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table_text = _render_text(app.screen.table)
        for needle in [
            "j / ↓",
            "k / ↑",
            "g / Home",
            "G / End",
            "h / ←",
            "l / →",
            "Enter",
            "Space / PgDn",
            "o",
            "Open link",
            "c / y",
            "Copy link",
            "O",
            "C",
            "Y",
            "r",
            "Reload",
            "q",
            "Quit",
            "Tab",
            "Shift+Tab",
            "/",
            "Search",
            "n",
            "Next unread",
            "link.open",
            "unread.next",
        ]:
            assert needle in table_text, needle
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


def _render_text(renderable) -> str:
    from io import StringIO

    from rich.console import Console

    console = Console(file=StringIO(), width=200)
    console.print(renderable)
    return console.file.getvalue()


async def test_error_file_is_marked_and_explained(tmp_path: Path) -> None:
    write(tmp_path, "2025-01-02.md", digest_text("Good", "2025-01-02", ("G", "https://g.example")))
    write(tmp_path, "2025-01-01-bad.md", "---\ntitle: [unclosed\n---\nno items here\n")
    app = DigestApp([str(tmp_path)], watch=False)
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        digests, _items, detail = panes(app)
        rows = visible_rows(digests)
        assert "⚠ 2025-01-01-bad.md" in rows[1]
        await pilot.press("j")
        await settled(pilot)
        assert "front matter is not valid YAML" in detail.source
        assert "2025-01-01-bad.md" in detail.source


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (200, 50)])
async def test_every_pane_is_visible_from_80x24(size: tuple[int, int]) -> None:
    app = sample_app()
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await settled(pilot)
        await wait_for(pilot, lambda: bool(app.query("FooterKey")))
        other = (150, 40) if size[0] < 110 else (90, 30)  # then the other layout, by a live resize
        for width, height in (size, other):
            await pilot.resize_terminal(width, height)
            footer, bottom = app.query_one(Footer), Region(0, height - 1, width, 1)
            await wait_for(pilot, lambda f=footer, r=bottom: f.region == r, what="relaid out")
            assert "Quit" in [key.description for key in footer.query("FooterKey")]
            regions = [pane.region for pane in panes(app)]
            for region in regions:
                assert region.width >= 20 and region.height >= 5, region
                assert region.y >= 1 and region.right <= width and region.bottom <= height - 1  # header, footer
            assert not any(a.overlaps(b) for i, a in enumerate(regions) for b in regions[i + 1 :])
            assert len(visible_rows(panes(app)[0])) >= 3


async def test_ten_thousand_rows_do_not_mount_widgets() -> None:
    from digesttui.ui.lists import DigestList

    app = sample_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await settled(pilot)  # every widget of the reader mounted (the footer, the detail's)
        await wait_for(pilot, lambda: bool(app.query("FooterKey")), what="the key hints")
        digests = app.query_one(DigestList)
        widgets = len(list(app.screen.walk_children()))
        many = list(app.reader.snapshot.digests) * 2000
        digests.show(many, 0)
        await pilot.press("G")
        await pilot.pause()
        assert digests.cursor == len(many) - 1
        assert len(list(app.screen.walk_children())) <= widgets + 5  # not a widget a row
        assert visible_rows(digests)[-1]


async def test_a_very_long_item_is_rendered_off_the_ui_loop(tmp_path: Path) -> None:
    from digesttui.ui.detail import BIG, RenderedLines

    paragraph = "A long paragraph of a very long item, with **bold** words, **注意：**这里. " * 8
    body = "\n\n".join(f"   {paragraph} [{n}]" for n in range(BIG // len(paragraph) + 20))
    write(tmp_path, "2025-01-01.md", f"---\ntitle: Big\ndate: 2025-01-01\n---\n1. [Big](https://b.example)\n\n{body}\n")
    app = DigestApp([str(tmp_path)], watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        # the detail pane mounts its widgets with the first item it shows
        await wait_for(pilot, lambda: app.query(RenderedLines), what="detail widgets mounted")
        lines = app.query_one(RenderedLines)
        await wait_for(pilot, lambda: len(lines.lines) > 100, what="rendered in a thread")
        assert not app.query_one("#markdown").display
        text = "\n".join(strip.text for strip in lines.lines)
        assert "A long paragraph" in text and "[3]" in text
        assert "注意：这里" in text and "**" not in text  # read as the rest (`mdit`: CJK-friendly emphasis)
        await pilot.press("l", "l", "G")
        await wait_for(pilot, lambda: panes(app)[2].scroll_y > 100, what="the detail at its end")


async def test_a_long_item_rendered_at_once_is_not_dropped(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The big item's render, done before the pane noted the text it shows (a thread scheduled
    at once, a loaded machine), was dropped as stale, and the pane said "Rendering…" for ever."""
    from digesttui.ui.detail import BIG, DetailPane, RenderedLines, rich_lines

    def at_once(self, text: str, width: int) -> None:  # type: ignore[no-untyped-def]
        self._big_rendered(text, rich_lines(text, width))

    monkeypatch.setattr(DetailPane, "_render_big", at_once)
    monkeypatch.setattr(DetailPane, "on_resize", lambda self: None)  # (a resize renders again: not to count on)
    body = "\n\n".join(f"   Paragraph {n} of a long item, with a few words in it." * 4 for n in range(BIG // 200 + 20))
    write(tmp_path, "2025-01-01.md", f"---\ntitle: Big\ndate: 2025-01-01\n---\n1. [Big](https://b.example)\n\n{body}\n")
    app = DigestApp([str(tmp_path)], watch=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded and app.query(RenderedLines), what="detail widgets mounted")
        await wait_for(pilot, lambda: len(app.query_one(RenderedLines).lines) > 100, what="rendered")


async def test_closed_apps_are_collected(tmp_path: Path) -> None:
    """No process-wide tricks in the app: three readers run one after another in one process, and
    once closed none of them stays alive (a frozen collector, say, would keep all three)."""
    import gc
    import weakref
    from concurrent.futures import ThreadPoolExecutor

    write(tmp_path, "2025-01-01.md", digest_text("One", "2025-01-01", ("A", "https://a.example")))
    loop = asyncio.get_running_loop()

    async def one() -> weakref.ref[DigestApp]:
        app = DigestApp([str(tmp_path)])
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: app.reader.loaded and any(w.name == "watch_library" for w in app.workers))
            await settled(pilot)
        return weakref.ref(app)

    refs = []
    for _ in range(3):
        # Each in a task of its own (Textual's `active_app` is a context variable) and with an
        # executor of its own: a thread keeps the `sys.stderr` of the moment it started, and while
        # an app runs that is the app's print capture (Markdown parses in the loop's executor).
        executor = ThreadPoolExecutor()
        loop.set_default_executor(executor)
        refs.append(await asyncio.create_task(one()))
        executor.shutdown(wait=True)
    loop.set_default_executor(ThreadPoolExecutor())
    del executor
    for _ in range(50):  # the watcher threads end within a tick of the apps closing
        gc.collect()
        if not any(ref() for ref in refs):
            break
        await asyncio.sleep(0.1)
    assert [ref() for ref in refs] == [None, None, None]


async def test_quitting_while_an_item_renders_is_quiet() -> None:
    """The reader closing takes the detail pane's widgets away under a render in progress."""
    app = sample_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await settled(pilot)
        detail = panes(app)[2]
        await detail.query_one("#note").remove()  # as the closing reader does, widget by widget
        await pilot.press("j")  # a render starts and finds the pane half gone
        await wait_for(
            pilot, lambda: all(w.is_finished for w in app.workers if w.group == "detail"), what="the render ended"
        )
    assert not app.return_code  # an error in the render's worker would have made it 1


async def test_a_warm_start_draws_the_lists_with_their_read_marks_in_the_first_frame(tmp_path: Path) -> None:
    """As the entry point starts the reader: the newest digests (from the catalog) and the read
    marks are read while Textual is imported, and the first frame shows them, counted."""
    from digesttui.files import read_digest
    from digesttui.library import Library
    from digesttui.state import State

    folder, cache = tmp_path / "digests", str(tmp_path / "cache")
    for day in ("17", "18", "19"):
        items = (f"Headline {day}", f"https://example.com/{day}"), (f"Other {day}", f"https://example.com/o{day}")
        write(folder, f"2025-12-{day}.md", digest_text(f"Digest {day}", f"2025-12-{day}T08:00:00Z", *items))
    Library([str(folder)], cache).load()  # the catalog of an earlier run
    newest = read_digest(str(folder / "2025-12-19.md"))
    marks = State(tmp_path / "state.json").load()
    marks.set_read([newest.item_id(newest.items[0])])
    marks.save()

    library, state = Library([str(folder)], cache), State(tmp_path / "state.json")
    library.prefetch(state.load)
    app = DigestApp([str(folder)], library=library, state=state, watch=False)
    first_frame: dict[str, object] = {}
    app.on_painted = lambda: first_frame.update(rows=visible_rows(panes(app)[0]), header=header(app))
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_for(pilot, lambda: first_frame, what="the first frame")
        await settled(pilot)
        assert "Summary of **Headline 19**" in panes(app)[2].source
    rows = first_frame["rows"]
    assert isinstance(rows, list) and len(rows) == 3
    assert "Digest 19" in rows[0] and rows[0].endswith("1/2")  # the item read is counted
    assert rows[1].endswith("2/2")
    assert "5 unread" in str(first_frame["header"])
