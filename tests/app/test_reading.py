"""Daily reading: read marks, next unread, stars, filters, search, palette, theme, config."""

from __future__ import annotations

from pathlib import Path

from digesttui.config import Config
from digesttui.state import State, starred_of, state_path
from digesttui.ui.app import DigestApp
from tests.app.helpers import detail_strips, header, palette_ready, panes, settled, told, visible_rows, wait_for
from tests.conftest import digest_text, write

A, B, C = ("Alpha", "https://a.example"), ("Beta", "https://b.example"), ("Gamma", "https://c.example")
D = ("Delta", "https://d.example")


def library(tmp_path: Path) -> Path:
    write(tmp_path, "2025-01-02.md", digest_text("Newer", "2025-01-02", A, B, extra="categories: [models]\n"))
    write(tmp_path, "2025-01-01.md", digest_text("Older", "2025-01-01", C, D, A, extra="tags: [tools]\n"))
    return tmp_path


def make(tmp_path: Path, **config) -> DigestApp:
    return DigestApp([str(library(tmp_path))], watch=False, config=Config(**config))


async def start(pilot, app: DigestApp) -> None:
    await wait_for(pilot, lambda: app.reader.loaded)
    await settled(pilot)


async def test_items_become_read_after_the_delay_and_counts_follow(tmp_path: Path) -> None:
    app = make(tmp_path, mark_read_delay=0.3)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        digests, items, _ = panes(app)
        assert "5 unread" in header(app)  # the rows: Alpha is in both digests
        assert visible_rows(digests)[0].endswith("2/2")
        assert visible_rows(items)[0].startswith("•")
        await pilot.press("l")  # the item open: it counts as read after the delay
        await wait_for(pilot, lambda: "3 unread" in header(app), timeout=3, what="marked read")  # read everywhere
        assert visible_rows(items)[0].startswith("  ") and visible_rows(digests)[0].endswith("1/2")
        assert visible_rows(digests)[1].endswith("2/3")  # Alpha, read in the newer digest
        await wait_for(pilot, lambda: State(state_path()).load().is_read("https://a.example"), what="saved")


async def test_manual_and_immediate_policies(tmp_path: Path) -> None:
    app = make(tmp_path, mark_read="manual", mark_read_delay=0.05)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        await pilot.pause(0.3)
        assert "5 unread" in header(app)
        await pilot.press("m")
        assert "3 unread" in header(app)
        await pilot.press("m")
        assert "5 unread" in header(app)
        await pilot.press("M")
        assert "2 unread" in header(app)  # Alpha and Beta read: Gamma and Delta left
    app = DigestApp([str(tmp_path)], watch=False, config=Config(mark_read="immediately"))
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        await pilot.press("G")  # to the older digest: skimming marks nothing
        await settled(pilot)
        assert not app.state.is_read("https://c.example")
        await pilot.press("l")  # its first item (Gamma) open: read at once
        assert app.state.is_read("https://c.example")


async def test_n_and_N_go_to_unread_items_across_digests(tmp_path: Path) -> None:
    app = make(tmp_path, mark_read="manual")
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        await pilot.press("m")  # Alpha read
        await pilot.press("n")
        assert app.reader.item is not None and app.reader.item.title == "Beta"
        await pilot.press("m", "n")
        assert app.reader.digest is not None and app.reader.digest.title == "Older"
        assert app.reader.item is not None and app.reader.item.title == "Gamma"
        await pilot.press("n")
        assert app.reader.item is not None and app.reader.item.title == "Delta"  # Alpha is read: skipped
        await pilot.press("N")
        assert app.reader.item is not None and app.reader.item.title == "Gamma"
        await pilot.press("N")  # Beta and Alpha above are read: round from the oldest end
        assert app.reader.item is not None and app.reader.item.title == "Delta"
        await wait_for(pilot, lambda: "Wrapped to the oldest." in told(app))
        await pilot.press("n")
        assert app.reader.item is not None and app.reader.item.title == "Gamma"
        await wait_for(pilot, lambda: "Wrapped to the newest." in told(app))
        await pilot.press("m", "m", "M", "n")  # nothing unread left
        await wait_for(pilot, lambda: "No unread items." in told(app))


async def test_stars_and_only_starred(tmp_path: Path) -> None:
    app = make(tmp_path, mark_read="manual")
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        _, items, _ = panes(app)
        await pilot.press("l", "j", "s")  # star Beta
        assert "★ Beta" in visible_rows(items)[1]
        await pilot.press("S")
        assert [d.title for d in app.reader.digests] == ["Newer"]
        assert [i.title for i in app.reader.items] == ["Beta"]
        assert "starred only" in header(app)
        await pilot.press("S")
        assert len(app.reader.digests) == 2
        await wait_for(pilot, lambda: starred_of(State(state_path()).read()[0]["items"]), what="saved")
        assert starred_of(State(state_path()).read()[0]["items"])[0][1]["title"] == "Beta"


async def test_u_shows_only_digests_with_unread(tmp_path: Path) -> None:
    app = make(tmp_path, mark_read="manual")
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        await pilot.press("M", "u")
        assert [d.title for d in app.reader.digests] == ["Older"]
        assert "unread only" in header(app)
        await pilot.press("u")
        assert len(app.reader.digests) == 2


async def test_filter_by_category_or_tag(tmp_path: Path) -> None:
    from digesttui.ui.screens import CategoryPicker

    app = make(tmp_path)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        await pilot.press("f")
        assert isinstance(app.screen, CategoryPicker)
        assert app.screen.names == ["", "models", "tools"]
        await pilot.press("down", "down", "enter")
        assert [d.title for d in app.reader.digests] == ["Older"]
        assert "category: tools" in header(app)
        await pilot.press("f", "enter")  # "All digests"
        assert len(app.reader.digests) == 2


async def test_search_as_you_type_enter_opens_esc_returns(tmp_path: Path) -> None:
    from digesttui.ui.search import SearchResults, SearchScreen

    app = make(tmp_path, mark_read="manual")
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"summary of **d")
        results = app.screen.query_one(SearchResults)
        await wait_for(pilot, lambda: len(results.hits) == 1, what="hits")
        assert "Delta" in visible_rows(results)[0] and "Summary of Delta" in visible_rows(results)[0]  # the snippet
        await pilot.press("enter")
        await settled(pilot)
        assert not isinstance(app.screen, SearchScreen)
        assert app.reader.digest is not None and app.reader.digest.title == "Older"
        assert app.reader.item is not None and app.reader.item.title == "Delta"
        assert panes(app)[2].highlight == ("summary", "of", "d")  # each word, as it reads on screen
        await pilot.press("h", "k")  # another digest: the highlight goes
        await settled(pilot)
        assert panes(app)[2].highlight == ()
        await pilot.press("j", "l", "j")
        # Esc leaves the reader where it was
        await pilot.press("slash", *"GAMMA")
        await wait_for(pilot, lambda: len(app.screen.query_one(SearchResults).hits) == 1)
        await pilot.press("escape")
        assert app.reader.item is not None and app.reader.item.title == "Delta"
        assert app.reader._index is None  # the index lives while a search is open (its memory goes back)


async def test_search_chinese_two_characters(tmp_path: Path) -> None:
    from digesttui.ui.search import SearchResults

    write(tmp_path, "2025-01-03.md", digest_text("中文", "2025-01-03", ("小米发布模型", "https://m.example")))
    app = make(tmp_path)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        await pilot.press("slash")
        app.screen.query_one("#query").value = "模型"
        results = app.screen.query_one(SearchResults)
        await wait_for(pilot, lambda: len(results.hits) == 1)
        await pilot.press("down", "enter")
        await settled(pilot)
        assert app.reader.item is not None and app.reader.item.title == "小米发布模型"


async def test_search_shows_its_first_hits_then_the_rest(tmp_path: Path) -> None:
    """The first 100 hits come first (any query finds them within milliseconds), then the rest:
    all of them listed in the end, counted, the cursor where it was."""
    from digesttui.ui.search import FIRST_HITS, SearchResults

    for day in range(1, 15):  # 140 items with the word
        items = [(f"模型 {day}-{n}", f"https://m.example/{day}/{n}") for n in range(10)]
        write(tmp_path, f"2025-02-{day:02}.md", digest_text(f"D{day}", f"2025-02-{day:02}", *items))
    app = make(tmp_path)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        await pilot.press("slash", *"模型")
        results = app.screen.query_one(SearchResults)
        await wait_for(pilot, lambda: len(results.hits) >= FIRST_HITS, what="the first hits")
        await pilot.press("down", "down")  # into the hits, on the second
        await wait_for(pilot, lambda: len(results.hits) == 140, what="the rest")
        await settled(pilot)
        assert str(app.screen.query_one("#search-status").render()) == "140 hits for '模型'"
        assert results.cursor == 1  # where it was
        assert results.hits[0].digest.title == "D14" and results.hits[-1].digest.title == "D1"


async def test_the_query_is_highlighted_in_the_detail(tmp_path: Path) -> None:
    app = make(tmp_path)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        await pilot.press("slash", *"gamma")
        await wait_for(pilot, lambda: app.screen.query_one("#results").hits, what="hits")
        await pilot.press("enter")
        await settled(pilot)
        assert any(
            segment.text.lower() == "gamma" and segment.style and segment.style.reverse
            for strip in detail_strips(panes(app)[2])
            for segment in strip
        )


async def test_command_palette_has_actions_filters_and_go_to_digest(tmp_path: Path) -> None:
    from textual.command import CommandPalette

    app = make(tmp_path)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for needed in ["Next unread", "Star / unstar", "Search", "Open link"]:
            assert needed in titles
        await pilot.press("ctrl+p")
        await pilot.press(*"Filter: tools")
        await palette_ready(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.reader.category == "tools", what="the palette's category filter")
        await pilot.press("ctrl+p")
        await pilot.press(*"Filter: all")
        await palette_ready(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.reader.category is None, what="the filter cleared from the palette")
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"2025-01-01")
        await palette_ready(pilot)
        await pilot.press("enter")
        await settled(pilot)
        assert app.reader.digest is not None and app.reader.digest.title == "Older"


async def test_theme_persists(tmp_path: Path) -> None:
    app = make(tmp_path)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        app.theme = "nord"
        await wait_for(pilot, lambda: State(state_path()).load().theme[0] == "nord", what="saved")
    again = make(tmp_path)
    async with again.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, again)
        await wait_for(pilot, lambda: again.theme == "nord")


async def test_the_theme_chosen_in_the_reader_wins_over_the_configs(tmp_path: Path) -> None:
    """However the state comes (with the first screen, read ahead as the entry point does, or
    later in the loading worker): the config's theme is the default, not an override."""
    from digesttui.library import Library

    folder, cache = str(library(tmp_path)), str(tmp_path / "cache")
    Library([folder], cache).load()  # a catalog: the first screen comes from it
    chosen = State(state_path())
    chosen.set_theme("nord")
    chosen.save()
    for ahead in (True, False):
        books, state = Library([folder], cache), State(state_path())
        if ahead:
            books.prefetch(state.load)
        app = DigestApp([folder], library=books, state=state, watch=False, config=Config(theme="gruvbox"))
        async with app.run_test(size=(150, 40), notifications=True) as pilot:
            await start(pilot, app)
            await wait_for(pilot, lambda: app.theme == "nord", what="the theme chosen")  # noqa: B023
            await pilot.pause(0.2)
            assert app.theme == "nord"


async def test_key_remapping_and_config_problem_shown(tmp_path: Path, monkeypatch) -> None:
    from digesttui import links

    copied: list[str] = []
    monkeypatch.setattr(links, "system_copy", lambda text: copied.append(text))
    app = DigestApp(
        [str(library(tmp_path))],
        watch=False,
        config=Config(keys={"link.copy": "x"}),
        config_problem="/cfg/config.toml:3: not valid TOML; using the defaults",
    )
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        assert "config.toml:3" in told(app)
        await pilot.press("c")
        await pilot.press("x")
        await wait_for(pilot, lambda: copied == ["https://a.example"])


async def test_corrupt_state_file_warns_on_screen(tmp_path: Path) -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("garbage")
    app = make(tmp_path)
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        await start(pilot, app)
        await wait_for(pilot, lambda: "was damaged" in told(app))


async def test_typing_in_search_is_text_not_keys(tmp_path: Path) -> None:
    from digesttui.ui.search import SearchScreen

    app = make(tmp_path)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await start(pilot, app)
        await pilot.press("slash", "q", "question_mark", "n", "s")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one("#query").value == "q?ns"


async def test_down_to_the_hits_and_up_again_keeps_the_query_to_type_on_from_either(tmp_path: Path) -> None:
    from digesttui.ui.search import SearchResults

    app = make(tmp_path, mark_read="manual")
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await start(pilot, app)
        await pilot.press("slash", *"summary")
        query, results = app.screen.query_one("#query"), app.screen.query_one(SearchResults)
        await wait_for(pilot, lambda: len(results.hits) > 1, what="hits")
        await pilot.press("down", "down")
        assert app.focused is results and results.cursor == 1
        await pilot.press("up", "up")
        assert app.focused is query
        await pilot.press(*" of")  # on with the query, not a new one in its place
        await pilot.press("down", *" d")  # typed in the hits: on the query too
        await wait_for(pilot, lambda: len(results.hits) == 1, what="the hit")
        assert query.value == "summary of d" and app.focused is query
        await pilot.press("enter")
        await settled(pilot)
        await pilot.press("slash")
        assert app.screen.query_one("#query").value == "summary of d"
        await pilot.press("x")  # opened again: the last query is selected, typing replaces it
        assert app.screen.query_one("#query").value == "x"
