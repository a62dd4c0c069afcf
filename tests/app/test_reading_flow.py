"""Reading flow that newsboat and mutt users take for granted: read means opened, a way out of a
backlog, moving between digests from anywhere, unread only, search by words, the keys in effect,
Tab order, empty panes that say why."""

from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path
from typing import Any

import pytest

from digesttui.cli import choose_roots
from digesttui.config import Config
from digesttui.state import State, state_path
from digesttui.ui.app import DigestApp
from digesttui.ui.detail import DetailPane
from digesttui.ui.keys import all_bindings
from digesttui.ui.lists import DigestList, ItemList
from digesttui.ui.screens import Confirm, HelpScreen, key_label
from tests.app.helpers import header, settled, toasts, told, visible_rows, wait_for
from tests.conftest import ROOT, digest_text, write

A, B, C = ("Alpha", "https://a.example"), ("Beta", "https://b.example"), ("Gamma", "https://c.example")


def samples(**config: object) -> DigestApp:
    roots, is_samples = choose_roots([], {})
    return DigestApp(roots, samples=is_samples, watch=False, config=Config(**config))  # type: ignore[arg-type]


async def started(pilot, app: DigestApp) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: app.reader.loaded)
    await settled(pilot)


def read_count() -> int:
    marks, _ = State(state_path()).read()
    return sum(bool(record.get("r", (False,))[0]) for record in marks["items"].values())


async def test_skimming_the_digests_marks_nothing_read(tmp_path: Path) -> None:
    app = samples(mark_read_delay=0.3)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.pause(2)  # at launch, with no key pressed, nothing may count as read
        for _ in range(5):
            await pilot.press("j")
            await settled(pilot)
            await pilot.pause(0.5)  # longer than the delay, on each digest
        assert app.reader.unread_total == 24 and "24 unread" in header(app)
        await pilot.press("l")  # into the items: the item is open now
        await wait_for(pilot, lambda: app.reader.unread_total == 23, what="read once open")
        await pilot.press("j", "enter")  # Enter opens an item: read at once
        assert app.reader.unread_total == 22
    assert read_count() == 2


async def test_A_marks_everything_shown_after_a_yes_and_ctrl_z_undoes(tmp_path: Path) -> None:
    app = samples(mark_read="manual")
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        assert "Mark 24 unread items in 6 digests read?" in str(app.screen.query_one("#confirm").render())
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, Confirm))
        assert app.reader.unread_total == 24
        await pilot.press("A", "y")
        await wait_for(pilot, lambda: app.reader.unread_total == 0, what="all read")
        assert "Marked 24 items in 6 digests read." in told(app)
        await pilot.press("m")  # one more mark read? it is read already: m makes it unread
        await pilot.press("ctrl+z")  # undoes A: the 24 are unread again
        await wait_for(pilot, lambda: app.reader.unread_total == 24)
        await pilot.press("M", "ctrl+z")
        assert app.reader.unread_total == 24
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: "Nothing to undo." in told(app))


async def test_A_over_many_items_is_marked_and_counted_off_the_screens_thread_and_the_panes_follow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100,000 digests marking every item takes seconds, a count afresh 160-440 ms: both made
    in a worker, then shown."""
    from digesttui import reader as reader_module

    on_main: list[bool] = []
    counts = reader_module.unread_counts

    def counted(*args: Any) -> dict[str, int]:
        on_main.append(threading.current_thread() is threading.main_thread())
        return counts(*args)

    monkeypatch.setattr(reader_module, "unread_counts", counted)
    set_read = State.set_read

    def marked(state: State, ids: list[str], read: bool = True) -> list[str]:
        on_main.append(threading.current_thread() is threading.main_thread())
        return set_read(state, ids, read)

    monkeypatch.setattr(State, "set_read", marked)
    monkeypatch.setattr(reader_module, "MANY", 2)  # (the samples are few: as if they were many)
    monkeypatch.setattr(reader_module, "FOLLOW_WORK", 0)
    monkeypatch.setattr(reader_module, "COUNT_HERE", 0)
    app = samples(mark_read="manual")
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("u")  # only unread digests
        await wait_for(pilot, lambda: "showing 6 (unread only)" in header(app), what="the filter")
        on_main.clear()
        await pilot.press("A", "y")
        await wait_for(pilot, lambda: "0 unread" in header(app), what="all read, counted", seen=lambda: header(app))
        assert on_main and not any(on_main)
        assert app.reader.digests == () and visible_rows(app.query_one(DigestList)) == []  # none unread is shown
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: "24 unread" in header(app), what="unread again", seen=lambda: header(app))
        assert len(app.reader.digests) == 6 and visible_rows(app.query_one(DigestList))[0].endswith("3/3")
        assert not any(on_main)


async def test_a_big_mark_being_made_as_the_reader_quits_is_saved_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """`A` at 100,000 digests takes seconds; `q` meanwhile: the marks are saved once made (the
    save on the way out came before them)."""
    from digesttui import reader as reader_module

    quit_done = threading.Event()
    set_read = State.set_read

    def slow(state: State, ids: list[str], read: bool = True) -> list[str]:
        quit_done.wait(10)  # (made only once the reader has quit)
        return set_read(state, ids, read)

    monkeypatch.setattr(State, "set_read", slow)
    monkeypatch.setattr(reader_module, "MANY", 2)  # (the samples are few: as if they were many)
    app = samples(mark_read="manual")
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("A", "y")
        begun = lambda: any("Marking 24 items read" in t for t in toasts(app))  # noqa: E731
        await wait_for(pilot, begun, what="the mark begun", seen=lambda: toasts(app))
    assert read_count() == 0
    quit_done.set()
    for _ in range(200):  # (the mark's thread outlives the app: the process waits for it)
        if read_count() == 24:
            break
        await asyncio.sleep(0.05)
    assert read_count() == 24


async def test_J_and_K_move_between_digests_from_any_pane(tmp_path: Path) -> None:
    app = samples(mark_read="manual")
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("l", "l")
        detail = app.query_one(DetailPane)
        assert app.focused is detail
        await pilot.press("J")
        await settled(pilot)
        assert app.reader.digest_index == 1 and app.focused is detail
        assert app.query_one(DigestList).cursor == 1
        await pilot.press("K")
        assert app.reader.digest_index == 0 and app.focused is detail


async def test_space_at_the_end_of_an_item_goes_on_to_the_next_unread(tmp_path: Path) -> None:
    app = samples(mark_read="manual")
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        first = app.reader.item
        await pilot.press("m")  # the first item read: the next unread is the second
        detail = app.query_one(DetailPane)
        while detail.scroll_y < detail.max_scroll_y:
            await pilot.press("space")
        assert app.reader.item is first
        await pilot.press("space")
        await settled(pilot)
        assert app.reader.item is not None and app.reader.item.n == 2


async def test_unread_only_hides_read_items_and_is_remembered(tmp_path: Path) -> None:
    write(tmp_path, "2025-01-02.md", digest_text("Newer", "2025-01-02", A, B))
    write(tmp_path, "2025-01-01.md", digest_text("Older", "2025-01-01", C))
    app = DigestApp([str(tmp_path)], watch=False, config=Config(mark_read="manual"))
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("m")  # Alpha read
        await pilot.press("u")
        assert [i.title for i in app.reader.items] == ["Beta"]
        await pilot.press("m")  # Beta read: it stays until the filter is applied again
        assert [i.title for i in app.reader.items] == ["Beta"]
        await pilot.press("u", "u")
        assert [d.title for d in app.reader.digests] == ["Older"]
        await wait_for(pilot, lambda: State(state_path()).load().settings["unread_only"][0] is True, what="saved")
    again = DigestApp([str(tmp_path)], watch=False)
    async with again.run_test(size=(150, 40)) as pilot:
        await started(pilot, again)
        await wait_for(pilot, lambda: [d.title for d in again.reader.digests] == ["Older"], what="remembered")
        assert "unread only" in header(again)


async def test_search_by_words_in_any_order_in_what_is_shown(tmp_path: Path) -> None:
    from digesttui.ui.search import SearchResults

    app = samples()
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("slash", *"twelve speech")
        results = app.screen.query_one(SearchResults)
        await wait_for(pilot, lambda: len(results.hits) == 1, what="one hit for two words in any order")
        assert results.hits[0].item.title == "Sample: an open speech model adds twelve languages"
        await pilot.press("escape")
        await pilot.press("slash")  # the last query, selected: typing replaces it
        await wait_for(pilot, lambda: app.screen.query_one("#query").value == "twelve speech")
        await pilot.press(*"less-data-sft")  # only in a link's target: not what the reader sees
        results = app.screen.query_one(SearchResults)
        await wait_for(
            pilot, lambda: "Nothing found for 'less-data-sft'" in str(app.screen.query_one("#search-status").render())
        )
        await pilot.press("escape", "slash", *"example.com/papers/less-data-sft")  # a link: targets too
        results = app.screen.query_one(SearchResults)
        await wait_for(pilot, lambda: len(results.hits) == 1, what="found by its link")
        await pilot.press("escape", "slash", *"rationale")  # in the summary: the row shows where
        results = app.screen.query_one(SearchResults)
        await wait_for(pilot, lambda: results.hits)
        assert "short rationale" in visible_rows(results)[0]


async def test_help_and_palette_tell_the_keys_in_effect(tmp_path: Path) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text('[keys]\n"link.open" = "o,x"\n"item.star" = "f"\n"no.such" = "z"\n')
    from digesttui.config import load_config

    config, problem = load_config(config_file)
    assert problem is None
    roots, _ = choose_roots([], {})
    app = DigestApp(roots, watch=False, config=config)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        said = told(app)
        assert f"{config_file}:3: 'f' is already the key of 'filter.category'" in said
        assert f"{config_file}:4: there is no binding 'no.such'" in said
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = {str(r[1]): str(r[0]) for r in _rows(app.screen)}
        assert rows["Open link"] == "o / x" and rows["Star / unstar"] == "s"
        await pilot.press("escape", "x")  # x opens now: no browser here, so it copies and says so
        await wait_for(pilot, lambda: "Not opening a browser" in told(app))
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert len(titles) == len(set(titles)), sorted(t for t in titles if titles.count(t) > 1)
        assert "Digests: top" in titles and "Detail: top" in titles


def _rows(screen: HelpScreen) -> list[tuple[object, ...]]:
    table = screen.table
    return list(zip(*(column.cells for column in table.columns), strict=False))


async def test_tab_goes_digests_items_detail_in_the_stacked_layout(tmp_path: Path) -> None:
    app = samples()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app)
        order = []
        for _ in range(3):
            order.append(type(app.focused).__name__)
            await pilot.press("tab")
        assert order == ["DigestList", "ItemList", "DetailPane"]
        await pilot.press("shift+tab")
        assert isinstance(app.focused, ItemList)


async def test_j_and_k_move_in_the_pickers(tmp_path: Path) -> None:
    write(tmp_path, "2025-01-02.md", digest_text("Newer", "2025-01-02", A, extra="categories: [models, tools]\n"))
    app = DigestApp([str(tmp_path)], watch=False)
    async with app.run_test(size=(150, 40)) as pilot:
        await started(pilot, app)
        await pilot.press("f", "j", "j", "k", "enter")
        await wait_for(pilot, lambda: app.reader.category == "models", what="second option chosen")


async def test_empty_panes_say_why_and_r_confirms(tmp_path: Path) -> None:
    app = DigestApp([str(tmp_path)], watch=False)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await started(pilot, app)
        digests = app.query_one(DigestList)
        assert "No digests here yet" in digests.render_line(0).text
        write(tmp_path, "2025-01-02.md", digest_text("Newer", "2025-01-02", A))
        await pilot.press("r")
        await wait_for(pilot, lambda: "Reloaded: 1 digests." in told(app), what="r confirms")
        await pilot.press("S")
        assert "No starred items: S shows all." in digests.render_line(0).text
        await pilot.press("S", "M", "u")
        assert "Nothing unread: u shows all." in digests.render_line(0).text


async def test_a_repeated_notification_does_not_stack(tmp_path: Path) -> None:
    write(tmp_path, "2025-01-02.md", digest_text("Newer", "2025-01-02", A))
    app = DigestApp([str(tmp_path)], watch=False, config=Config(mark_read="manual"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("m", "n", "n", "n")
        await wait_for(pilot, lambda: "No unread items." in told(app))
        assert toasts(app).count("No unread items.") == 1


async def test_Y_copies_links_that_paste_everywhere(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from digesttui import links

    copied: list[str] = []
    monkeypatch.setattr(links, "system_copy", lambda text: copied.append(text))
    write(tmp_path, "2025-01-02.md", digest_text("Newer", "2025-01-02", A, ("Paren", "https://p.example/a_(b)")))
    app = DigestApp([str(tmp_path)], watch=False)
    async with app.run_test(size=(150, 40)) as pilot:
        await started(pilot, app)
        await pilot.press("Y")
        await wait_for(pilot, lambda: copied)
        assert copied[0].startswith("[Alpha](https://a.example)\n")
        await pilot.press("l", "j", "Y")
        await wait_for(pilot, lambda: len(copied) == 2)
        assert copied[1].startswith("[Paren](<https://p.example/a_(b)>)\n")


def test_the_readme_key_table_and_the_help_agree() -> None:
    """Every key of the README's table is a key of the reader, and every key is in the table."""
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| key | what it does |") : readme.index("The mouse works too")]
    documented = {key for row in table.splitlines()[2:] for key in re.findall(r"`([^`]+)`", row.split(" | ")[0])}
    bound = {label for b in all_bindings() for label in key_label(b.key).split(" / ")}
    built_in = {"Ctrl+P"}  # Textual's command palette
    assert bound - documented == set(), "keys missing from the README"
    assert documented - bound - built_in == set(), "keys in the README that do nothing"


async def test_notifications_stay_inside_the_screen(tmp_path: Path) -> None:
    from textual.geometry import Region

    long_url = "https://e.example/" + "a-very-long-path-segment/" * 20
    write(tmp_path, "2025-01-02.md", f"---\ntitle: T\ndate: 2025-01-02\n---\n1. [Long]({long_url})\n")
    app = DigestApp([str(tmp_path)], watch=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("o", "c")  # no browser here: both copy, with long messages
        await wait_for(pilot, lambda: len(toasts(app)) == 2)
        screen = Region(0, 0, 80, 24)
        for toast in app.screen.query("Toast"):
            assert screen.contains_region(toast.region), toast.region


async def test_v_shows_the_whole_digest_and_esc_comes_back(tmp_path: Path) -> None:
    from digesttui.ui.whole import WholeDigest

    write(
        tmp_path,
        "2025-01-02.md",
        "---\ntitle: Whole\ndate: 2025-01-02\ndescription: the second issue\n---\n\n"
        "An introduction that is no item.\n\n1. [Alpha](https://a.example)\n   About alpha.\n\n"
        "2. [Beta](https://b.example)\n   About beta.\n\nClosing words.\n",
    )
    app = DigestApp([str(tmp_path)], watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        await pilot.press("l", "j", "v")
        await wait_for(pilot, lambda: isinstance(app.screen, WholeDigest) and app.screen.query("MarkdownBlock"))
        shown = "\n".join(str(b.render()) for b in app.screen.query("MarkdownBlock"))
        for part in ("An introduction that is no item.", "Alpha", "About beta.", "Closing words."):
            assert part in shown
        assert "the second issue" in str(app.screen.query_one("#whole-title").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, WholeDigest))
        assert app.reader.item is not None and app.reader.item.title == "Beta" and isinstance(app.focused, ItemList)


async def test_a_digest_without_items_shows_what_it_says_instead(tmp_path: Path) -> None:
    write(
        tmp_path,
        "2025-01-02.md",
        "---\ntitle: Quiet window\ndate: 2025-01-02T04:00\n---\n\nNothing new from the feeds.\n\n"
        "- (No items in this window.)\n",
    )
    write(tmp_path, "2025-01-01.md", digest_text("Older", "2025-01-01", A))
    app = DigestApp([str(tmp_path)], watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot, app)
        detail = app.query_one(DetailPane)
        await wait_for(pilot, lambda: detail.settled and detail.query("MarkdownBlock"), what="the detail")
        shown = "\n".join(str(b.render()) for b in detail.query("MarkdownBlock"))
        assert "Quiet window" in shown and "Nothing new from the feeds." in shown and "No items in this window" in shown
        assert "Problems" not in shown  # a digest that says it is empty is not broken
        items = app.query_one(ItemList)
        assert "No items here: see the detail pane." in items.render_line(0).text
