from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.strip import Strip

from digesttui.ui.app import DigestApp
from digesttui.ui.detail import DetailPane
from digesttui.ui.lists import DigestList, ItemList


async def wait_for(
    pilot: Pilot,
    predicate: Callable[[], object],
    timeout: float = 10.0,
    what: str = "",
    seen: Callable[[], object] | None = None,
) -> None:
    """Wait until `predicate` holds; if it never does, say `what` was awaited, and `seen()` then."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}" + (f"; seen: {seen()}" if seen else ""))
        await pilot.pause(0.05)


def visible_rows(widget: DigestList | ItemList) -> list[str]:
    """The rows as drawn on screen (the Line API's output), trailing blanks dropped."""
    return [
        widget.render_line(y).text.rstrip()
        for y in range(widget.scrollable_content_region.height)
        if round(widget.scroll_y) + y < widget.count
    ]


def panes(app: DigestApp) -> tuple[DigestList, ItemList, DetailPane]:
    return app.query_one(DigestList), app.query_one(ItemList), app.query_one(DetailPane)


async def settled(pilot: Pilot) -> None:
    """Wait until the detail pane shows what the cursor is on."""
    detail = pilot.app.query_one(DetailPane)
    await wait_for(pilot, lambda: detail.settled, what="detail")
    await pilot.pause()


def detail_strips(detail: DetailPane) -> list[Strip]:
    """The detail pane's rows as drawn, with their styles: by `QuickMarkdown` (what `quickmd`
    reads) or, block by block, by Textual's Markdown (blocks in blocks drawn twice)."""
    quick = detail.query("#quick")
    drawing = [quick.first()] if quick and quick.first().display else list(detail.query("MarkdownBlock"))
    return [widget.render_line(y) for widget in drawing for y in range(widget.size.height)]


def detail_text(detail: DetailPane) -> str:
    """What the detail pane shows, as plain text."""
    return "\n".join(strip.text for strip in detail_strips(detail))


def header(app: DigestApp) -> str:
    return str(app.query_one("#header").render())


async def palette_ready(pilot: Pilot) -> None:
    """Wait until the command palette lists what was typed into it."""
    from textual.command import CommandList

    await wait_for(pilot, lambda: pilot.app.screen.query_one(CommandList).option_count > 0, what="palette hits")


def toasts(app: DigestApp) -> list[str]:
    """The notifications on screen, as the user reads them (the app must run with
    `run_test(notifications=True)`)."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


def told(app: DigestApp) -> str:
    return "\n".join(toasts(app))


def drawn(app: DigestApp) -> list[list[Any]]:
    """What the screen shows, run by run: each row's texts with their styles, and its backgrounds,
    from Textual's own screenshot (SVG); runs of one style joined (two ways of drawing the same
    screen may split them differently)."""
    svg = app.export_screenshot()
    styles = dict(re.findall(r"\.(terminal-\d+-r\d+) \{ ([^}]*)\}", svg))
    texts = re.findall(r'<text class="([^"]+)" x="[^"]+" y="([^"]+)"[^>]*>([^<]*)</text>', svg)
    rects = re.findall(r'<rect fill="([^"]+)" x="[^"]+" y="([^"]+)" width="([^"]+)"', svg)
    runs: list[list[Any]] = []
    for kind, y, style, value in [
        *(("text", y, styles.get(cls, cls), html.unescape(text)) for cls, y, text in texts),
        *(("rect", y, fill, float(width)) for fill, y, width in rects if float(width)),
    ]:
        if runs and runs[-1][:3] == [kind, y, style]:
            runs[-1][3] += value
        else:
            runs.append([kind, y, style, value])
    return runs
