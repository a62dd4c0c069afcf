"""What the reader looks like, at fixed terminal sizes (pytest-textual-snapshot: SVG screenshots
compared with the ones under `__snapshots__/`; after an intended change of look, rerun with
`--snapshot-update` and look at the new SVGs before committing them)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from digesttui.config import Config
from digesttui.resources import resource
from digesttui.ui.app import DigestApp
from digesttui.ui.detail import DetailPane
from digesttui.ui.search import SearchResults
from tests.app.helpers import wait_for


def samples() -> DigestApp:
    # marks by hand only: a mark made by the clock would make the screenshot depend on timing
    return DigestApp([str(resource("seeds"))], samples=True, watch=False, config=Config(mark_read="manual"))


async def ready(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, DigestApp)
    await wait_for(pilot, lambda: app.reader.loaded and bool(app.query("FooterKey")))
    await wait_for(pilot, lambda: app.query_one(DetailPane).settled)


async def after(pilot: Pilot, *keys: str) -> None:
    await ready(pilot)
    await pilot.press(*keys)
    await wait_for(pilot, lambda: pilot.app.screen.query(DetailPane) == [] or pilot.app.query_one(DetailPane).settled)
    await pilot.pause()


@pytest.mark.parametrize("size", [(150, 40), (80, 24)], ids=["wide", "narrow"])
def test_start(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(samples(), terminal_size=size, run_before=ready)


def test_an_item_with_its_section_and_categories(snap_compare) -> None:
    async def go(pilot: Pilot) -> None:
        await after(pilot, "j", "l", "j", "s")  # the heading-items sample, its second item, starred

    assert snap_compare(samples(), terminal_size=(120, 34), run_before=go)


def test_help(snap_compare) -> None:
    async def go(pilot: Pilot) -> None:
        await after(pilot, "question_mark")

    assert snap_compare(samples(), terminal_size=(100, 30), run_before=go)


def test_search_results(snap_compare) -> None:
    async def go(pilot: Pilot) -> None:
        await after(pilot, "slash", *"model")
        screen = pilot.app.screen
        screen.query_one(Input).cursor_blink = False
        await wait_for(pilot, lambda: len(screen.query_one(SearchResults).hits) == 3)
        await pilot.pause()

    assert snap_compare(samples(), terminal_size=(120, 24), run_before=go)


@pytest.mark.parametrize("size", [(80, 24), (160, 40)], ids=["80", "160"])
def test_a_chinese_item_with_english_names(snap_compare, size: tuple[int, int]) -> None:
    """The reference digest's second item: Chinese mixed with English names, set by our rule."""

    async def go(pilot: Pilot) -> None:
        await after(pilot, "G", "k", "l", "j")
        app = pilot.app
        assert isinstance(app, DigestApp) and app.reader.item is not None
        assert app.reader.item.title.startswith("Google创始人谢尔盖·布林")

    assert snap_compare(samples(), terminal_size=size, run_before=go)
