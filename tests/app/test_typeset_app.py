"""Chinese text in the running reader: Textual wraps through our rule; the detail starts at its
first row; long links are shortened on screen only; the new-digest mark stands apart."""

from __future__ import annotations

from pathlib import Path

import rich.text
import textual.content
from textual.content import Content

from digesttui import links
from digesttui.config import Config
from digesttui.ui import wrapping
from digesttui.ui.app import DigestApp
from digesttui.ui.detail import DetailPane
from digesttui.ui.lists import DigestList
from tests.app.helpers import settled, visible_rows, wait_for
from tests.conftest import digest_text, write

WECHAT = "https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=2650901234&idx=1&sn=0123456789abcdef0123456789abcdef"


def test_textual_and_rich_wrap_through_our_rule() -> None:
    """Fails loudly when Textual or Rich stop breaking lines with `divide_line` (see
    digesttui/ui/wrapping.py): Chinese would again break only at spaces."""
    DigestApp(["/nowhere"], watch=False)  # installs the rule
    assert textual.content.divide_line is wrapping.divide_line and rich.text.divide_line is wrapping.divide_line
    text = "Google创始人谢尔盖·布林（Sergey Brin）在斯坦福工程学院百年庆典上进行了长篇对话。他坦诚分享了经验。"
    shown = [line.plain for line in Content(text).wrap(30)]
    assert shown[0] == "Google创始人谢尔盖·布林"  # the Chinese run stays on the line, "（" goes on
    assert not any(line.startswith(("，", "。")) for line in shown)
    assert next(t.plain for t in rich.text.Text(text).wrap(rich.console.Console(), 30)) == shown[0]


async def test_the_detail_starts_at_its_first_row_and_long_links_are_short_on_screen(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    copied: list[str] = []
    monkeypatch.setattr(links, "system_copy", lambda text: copied.append(text))
    write(tmp_path, "2025-01-01.md", digest_text("D", "2025-01-01", ("微信文章标题", WECHAT)))
    app = DigestApp([str(tmp_path)], watch=False, config=Config(mark_read="manual"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded)
        await settled(pilot)
        detail = app.query_one(DetailPane)
        blocks = list(detail.query("MarkdownBlock"))
        assert blocks[0].region.y == detail.content_region.y  # no blank rows above the headline
        source = next(str(b.render()) for b in blocks if str(b.render()).startswith("Source:"))
        assert source.startswith("Source: mp.weixin.qq.com/s?__biz=") and source.rstrip().endswith("…")
        assert len(source) < 60
        await pilot.press("c")
        await wait_for(pilot, lambda: copied == [WECHAT])  # c (and o) use the whole link


async def test_a_new_digest_is_marked_with_a_space_after_the_mark(tmp_path: Path) -> None:
    write(tmp_path, "2026-01-01.md", digest_text("Old", "2026-01-01T08:00:00", ("A", "https://a.example")))
    app = DigestApp([str(tmp_path)])
    async with app.run_test(size=(150, 40)) as pilot:
        await wait_for(pilot, lambda: app.reader.loaded and any(w.name == "watch_library" for w in app.workers))
        write(tmp_path, "2026-01-02.md", digest_text("New", "2026-01-02T08:00:00", ("B", "https://b.example")))
        digests = app.query_one(DigestList)
        await wait_for(pilot, lambda: len(app.reader.digests) == 2)
        await pilot.press("j")  # the cursor on the old one: the new one keeps its mark
        await wait_for(pilot, lambda: "●" in visible_rows(digests)[0])
        assert visible_rows(digests)[0].startswith("01-02 08:00 ● New")
