"""Items drawn without Textual's Markdown widget (`ui/quickview.py`): the first screen's in the
first frame, every other simple one in the frame of the key that selects it, looking exactly as
the widget draws them, their links followed as the widget's are; the widget draws the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from digesttui import quickmd
from digesttui.config import Config
from digesttui.library import Library
from digesttui.state import State
from digesttui.ui.app import DigestApp
from digesttui.ui.detail import DetailPane
from tests.app.helpers import detail_text, drawn, panes, settled, wait_for
from tests.conftest import SEEDS, write

CRAFTED = """---
title: "测试摘要"
date: 2025-12-20T08:00:00+08:00
description: 简介
categories: ["AI模型", "行业动态"]
---

## 模型发布

1.  [标题一 GPT 5.2 *新*](https://x.com/a/status/1)
    名为**“CC”**的代理，**注意：**可以为用户提供**今日日程**简报。见 *斜体* 与 \\*星号\\*。

    第二段：更多内容，Sam Altman表示 **Images 1.5** 在多方面取得了显著提升。一段很长的话，好让它在窄的窗格里折成几行。

    # 一级标题

    ### 三级标题

    #### 📝 内容概要

    ##### 五级 ###### 不是六级

    [原文](https://x.com/a/status/1)

2.  [标题二](https://x.com/b/status/2)
    Summary two.
"""


def warm_app(tmp_path: Path, newest: str, **options: object) -> DigestApp:
    """The reader as the entry point starts it, on a catalog an earlier run built: the first
    screen read while Textual is imported (`Library.prefetch`)."""
    folder, cache = tmp_path / "digests", str(tmp_path / "cache")
    write(folder, "2025-12-17-20.md", (SEEDS / "2025-12-17-20.md").read_text())  # the reference sample
    if newest == "crafted":
        write(folder, "2025-12-20-08.md", CRAFTED)
    Library([str(folder)], cache).load()
    library, state = Library([str(folder)], cache), State(tmp_path / "state.json")
    library.prefetch(state.load)
    return DigestApp([str(folder)], library=library, state=state, watch=False, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("newest", ["seed", "crafted"])
@pytest.mark.parametrize("size", [(150, 40), (90, 30)])
async def test_the_first_item_is_in_the_first_frame_and_looks_as_textual_markdown_draws_it(
    tmp_path: Path, newest: str, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = warm_app(tmp_path, newest, config=Config(mark_read="manual"))
    first_frame: dict[str, object] = {}
    app.on_painted = lambda: first_frame.update(quick=len(app.query("#quick")), markdown=len(app.query("#markdown")))
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: first_frame, what="the first frame")
        assert first_frame == {"quick": 1, "markdown": 0}
        detail = app.query_one(DetailPane)
        # the rest of the screen as it will be: the library loaded, the key hints drawn (their bar is
        # mounted empty and fills in later: waiting for the bar, a screenshot once came without them)
        await wait_for(
            pilot,
            lambda: app.reader.loaded and any("Quit" in str(run[3]) for run in drawn(app)),
            what="the whole screen",
        )
        await settled(pilot)
        assert app.query("#quick") and not app.query("#markdown")  # still the quick drawing
        quick = drawn(app)
        summary = "第二段" if newest == "crafted" else "今日正式推出了"
        assert any(summary in str(run[3]) for run in quick)
        if newest == "crafted":  # bold as a Chinese writer means it (`flanking`), in both drawings
            assert not any("**" in str(run[3]) for run in quick)
            assert all(any(text in str(r[3]) and "bold" in r[2] for r in quick) for text in ("“CC”", "注意："))
        monkeypatch.setattr(quickmd, "blocks", lambda markdown: None)  # from now on: nothing is simple
        await pilot.press("l", "j", "k", "h")  # item 2 and back: the first item through Textual's Markdown
        await wait_for(pilot, lambda: app.query("#markdown") and detail.settled, what="drawn by Markdown")
        await settled(pilot)
        assert app.query_one("#markdown").display and not app.query_one("#quick").display
        assert drawn(app) == quick


async def test_a_link_clicked_in_the_first_item_is_followed(tmp_path: Path) -> None:
    record = tmp_path / "opened.txt"
    script = tmp_path / "fake-browser"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> {record}\n')
    script.chmod(0o755)
    app = warm_app(tmp_path, "crafted", browser=f"{script} %s")
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_for(pilot, lambda: app.query("#quick"), what="the first item")
        await settled(pilot)
        quick = app.query_one("#quick")
        headline = next(y for y in range(quick.size.height) if "标题一" in quick.render_line(y).text)
        assert await pilot.click(quick, offset=(2, headline))
        await wait_for(pilot, record.exists, what="the browser started")
        assert record.read_text().strip() == "https://x.com/a/status/1"


LONG = "一段很长的话，好让它在窄的窗格里折成很多行。" * 60
MIXED = f"""---
title: Mixed
date: 2025-12-20T08:00:00+08:00
---

1.  [简单的一条](https://x.com/a/status/1)
    {LONG}

2.  [有列表的一条](https://x.com/a/status/2)
    - 第一点
    - 第二点

3.  [又一条简单的](https://x.com/a/status/3)
    只有一句话。
"""


async def test_j_draws_a_simple_item_in_its_own_frame_and_the_rest_with_textual_markdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[object] = []  # items drawn later, by a worker
    start_rendering = DetailPane._start_rendering
    monkeypatch.setattr(DetailPane, "_start_rendering", lambda pane: (rendered.append(pane), start_rendering(pane)))
    write(tmp_path, "2025-12-20-08.md", MIXED)
    app = DigestApp([str(tmp_path)], watch=False, config=Config(mark_read="manual"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await settled(pilot)
        _, _, detail = panes(app)
        assert "简单的一条" in detail_text(detail) and app.query_one("#quick").display
        await pilot.press("l", "tab", "end")  # the long item read to its end
        await wait_for(pilot, lambda: detail.scroll_y > 5, what="scrolled")
        await pilot.press("shift+tab", "j")  # a list: Textual's Markdown draws it
        await wait_for(pilot, lambda: detail.settled and "第二点" in detail_text(detail), what="the list")
        assert app.query_one("#markdown").display and not app.query_one("#quick").display
        assert detail.scroll_y == 0 and "简单的一条" not in detail_text(detail)
        rendered.clear()
        await pilot.press("j")  # simple again: drawn with the key, Markdown's blocks out of sight
        assert not rendered and detail.settled and "只有一句话。" in detail_text(detail)
        assert not app.query_one("#markdown").display and "第二点" not in detail_text(detail)
        await pilot.press("k", "k")  # and the first again, from the top
        await wait_for(pilot, lambda: detail.settled and "简单的一条" in detail_text(detail), what="back")
        assert detail.scroll_y == 0 and app.query_one("#quick").display


async def test_text_selected_with_the_mouse_in_a_simple_item_is_marked_and_copied(tmp_path: Path) -> None:
    write(tmp_path, "2025-12-20-08.md", MIXED)
    app = DigestApp([str(tmp_path)], watch=False, config=Config(mark_read="manual"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await settled(pilot)
        await pilot.press("l", "j", "j")
        quick = app.query_one("#quick")
        assert "只有一句话。" in detail_text(panes(app)[2])
        row = next(y for y in range(quick.size.height) if "只有一句话" in quick.render_line(y).text)
        # from the second character of the summary to the fourth (two cells each; Textual takes in
        # the character under the pointer where the drag ends)
        await pilot.mouse_down(quick, offset=(2, row))
        await pilot.hover(quick, offset=(6, row))
        await pilot.mouse_up(quick, offset=(6, row))
        assert app.screen.get_selected_text() == "有一句"
        selected = app.screen.get_component_rich_style("screen--selection").bgcolor
        marked = "".join(s.text for s in quick.render_line(row) if s.style and s.style.bgcolor == selected)
        assert marked == "有一句"


async def test_random_simple_items_look_as_textual_markdown_draws_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Most items are drawn by `QuickMarkdown`: over summaries made at random of the pieces news
    text is made of (emphasis between Chinese punctuation, links, escapes, headings, rules), each
    simple item's screen is the screen Textual's Markdown widget draws of it."""
    import random

    pieces = ["模型", "发布", "，", "。", "“", "”", "（", "）", "AI", "GPT 5.2", " ", "\n", "\n\n", "*", "**", "\\*"]
    pieces += ["[t](https://e.com/x)", "：", "「", "」", "、", "🔥", "#", "a", "!", "—", "·"]  # (no `_`, bare links)
    rng = random.Random(7)
    entries = []
    for n in range(1, 31):
        summary = "".join(rng.choice(pieces) for _ in range(rng.randint(3, 30))).strip() or "空"
        indented = "\n".join(f"    {line}" if line.strip() else "" for line in summary.split("\n"))
        entries.append(f"{n}.  [标题{n} **粗体** *斜体*](https://x.com/a/status/{n})\n{indented}\n")
    front = '---\ntitle: "随机"\ndate: 2025-12-20T08:00:00+08:00\n---\n\n'
    write(tmp_path, "2025-12-20-08.md", front + "\n".join(entries))
    app = DigestApp([str(tmp_path)], watch=False, config=Config(mark_read="manual"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await settled(pilot)
        await pilot.press("l")
        count = len(app.reader.items)

        async def screens() -> list[tuple[bool, list[list[object]]]]:
            out = []
            for n in range(count):
                if n:
                    await pilot.press("j")
                await wait_for(pilot, lambda n=n: app.reader.item_index == n and app.query_one(DetailPane).settled)
                await settled(pilot)
                out.append((bool(app.query("#quick")) and app.query_one("#quick").display, drawn(app)))
            return out

        quick = await screens()
        monkeypatch.setattr(quickmd, "blocks", lambda markdown: None)  # from now on: nothing is simple
        await pilot.press("g")
        markdown = await screens()
    simple = [n for n, (was_quick, _) in enumerate(quick) if was_quick]
    assert len(simple) >= count // 3 and not any(was_quick for was_quick, _ in markdown)
    for n in simple:
        assert quick[n][1] == markdown[n][1], f"item {n + 1}: {app.reader.items[n].summary!r}"
