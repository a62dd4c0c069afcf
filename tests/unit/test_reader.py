"""The reader's logic, without Textual: selection, filters, unread counts, next / previous unread
(round the ends), marks, stars and search."""

from __future__ import annotations

import sys
from array import array
from pathlib import Path

from digesttui.library import Snapshot
from digesttui.model import Digest, key_of
from digesttui.parse import parse_digest
from digesttui.reader import Reader
from digesttui.state import State
from tests.conftest import digest_text

A, B, C = ("Alpha", "https://a.example"), ("Beta", "https://b.example"), ("Gamma", "https://c.example")
D = ("Delta", "https://d.example")


def snapshot(seq: int = 1, complete: bool = True, extra: tuple[str, ...] = ()) -> Snapshot:
    texts = {
        "/d/2025-01-03.md": digest_text("Third", "2025-01-03", D, extra="tags: [tools]\n"),
        "/d/2025-01-02.md": digest_text("Second", "2025-01-02", A, B, extra="categories: [models]\n"),
        "/d/2025-01-01.md": digest_text("First", "2025-01-01", C, A),
    }
    for path in extra:
        texts[path] = digest_text("Extra", path[3:13], ("Extra", f"https://{path[3:13]}.example"))
    digests = sorted((parse_digest(t.encode(), p) for p, t in texts.items()), key=lambda d: -d.sort_key)
    return Snapshot(tuple(digests), ("/d",), complete=complete, total=len(digests), seq=seq)


def reader(tmp_path: Path) -> Reader:
    r = Reader(State(tmp_path / "state.json").load())
    r.take(snapshot())
    return r


def at(r: Reader, digest: int, item: int) -> None:
    """As the reader does: the digest cursor, then the item cursor."""
    r.move_digest(digest)
    r.select_item(item)


def titles(r: Reader) -> list[str]:
    return [d.title for d in r.digests]


def place(r: Reader) -> tuple[str, str]:
    assert r.digest is not None and r.item is not None
    return r.digest.title, r.item.title


def test_takes_snapshots_newest_first_and_ignores_older_ones(tmp_path: Path) -> None:
    r = reader(tmp_path)
    assert titles(r) == ["Third", "Second", "First"] and place(r) == ("Third", "Delta")
    assert r.take(snapshot(seq=0)) is None  # a slower worker's older news
    arrival = r.take(snapshot(seq=2, extra=("/d/2025-01-04.md",)))
    assert arrival is not None and arrival.added == 1
    assert r.digest_facts(r.digests[0]) == (1, True)  # unread, and new since the reader opened
    r.move_digest(0)
    assert r.digest_facts(r.digests[0]) == (1, False)  # seen now


def test_while_loading_the_cursor_follows_the_newest_until_moved(tmp_path: Path) -> None:
    r = Reader(State(tmp_path / "state.json").load())
    r.take(snapshot(seq=1, complete=False))
    r.move_digest(1)
    r.take(snapshot(seq=2, extra=("/d/2025-01-09.md",)))
    assert place(r) == ("Second", "Alpha")  # it stays where the reader put it
    fresh = Reader(State(tmp_path / "other.json").load())
    fresh.take(snapshot(seq=1, complete=False))
    fresh.take(snapshot(seq=2, complete=False, extra=("/d/2025-01-09.md",)))
    assert place(fresh) == ("Extra", "Extra")


def test_a_story_in_two_digests_is_read_once_and_the_counts_follow_the_marks(tmp_path: Path) -> None:
    r = reader(tmp_path)
    assert r.unread_total == 5  # the rows: Alpha is in two digests, unread in both
    assert r.mark(["https://a.example"])
    assert r.unread_total == 3 and [r.digest_facts(d)[0] for d in r.digests] == [1, 1, 1]
    assert not r.mark(["https://a.example"])  # nothing changed
    assert r.mark(["https://a.example"], read=False)
    assert r.unread_total == 5 and [r.digest_facts(d)[0] for d in r.digests] == [1, 2, 2]
    r.state.read_changes += 1  # as another reader's marks coming in: counted afresh, the same
    r.count_unread()
    assert r.unread_total == 5 and [r.digest_facts(d)[0] for d in r.digests] == [1, 2, 2]
    assert r.mark(["https://a.example", "https://d.example"])
    r.state.read_changes += 1
    r.count_unread()
    assert r.unread_total == 2 and [r.digest_facts(d)[0] for d in r.digests] == [0, 1, 1]


def test_many_marked_at_once_are_counted_apart_and_a_count_overtaken_is_refused(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A mark of many (`A`, its undo) or another reader's marks: the unread counts are counted
    afresh, in a thread of the caller's (`count_apart`) once there are more than a few items
    to count, and a count that a mark or a snapshot overtook is not taken."""
    from digesttui import reader as reader_module

    monkeypatch.setattr(reader_module, "FOLLOW_WORK", 0)
    monkeypatch.setattr(reader_module, "COUNT_HERE", 0)
    r = reader(tmp_path)
    assert r.unread_total == 5 and not r.counts_due
    assert r.mark(["https://a.example", "https://d.example"])  # too many to follow: counted apart
    assert r.counts_due and r.unread_total == 5 and not r.count_here()
    counts = r.count_apart()
    assert r.take_counts(counts) and not r.counts_due
    assert r.unread_total == 2 and [r.digest_facts(d)[0] for d in r.digests] == [0, 1, 1]
    assert r.mark(["https://b.example", "https://c.example"])
    overtaken = r.count_apart()
    assert r.mark(["https://a.example"], read=False)  # (counts due already: not followed, due still)
    assert not r.take_counts(overtaken) and r.counts_due and r.unread_total == 2
    r.take(r.view(r.snapshot._replace(seq=9)))  # a snapshot taken meanwhile: counts of the view before are refused
    stale = reader_module.Counts(r._view._replace(), r.state.read_changes, {})
    assert not r.take_counts(stale)
    assert r.take_counts(r.count_apart()) and r.unread_total == 2  # Alpha unread again (in two digests)
    assert [r.digest_facts(d)[0] for d in r.digests] == [0, 1, 1]
    monkeypatch.setattr(reader_module, "COUNT_HERE", 1000)  # few: counted here at once
    assert r.mark(["https://a.example", "https://e.example"]) and r.count_here() and r.unread_total == 0


def test_a_snapshot_of_the_same_digests_reuses_the_view_and_counts_right(tmp_path: Path) -> None:
    """A warm load's last snapshot holds the very digests of the one before: what derives from
    them is not made again (0.2-0.4 s and ~15 MiB at once at 100,000), and the counts stay true
    whether marks came between or not."""
    r = reader(tmp_path)
    first = r.snapshot
    assert first is not None
    held = r._view
    again = r.view(first._replace(seq=2, notice="again"))
    assert again.ordered is held.ordered and again.short is held.short and again.unread is held.unread
    assert r.mark(["https://a.example"])  # marked between the view and its taking
    r.take(again)
    assert r.unread_total == 3 and [r.digest_facts(d)[0] for d in r.digests] == [1, 1, 1]
    later = r.view(first._replace(seq=3))
    assert later.ordered is held.ordered and later.unread is not held.unread  # counted afresh: marked since
    r.take(later)
    assert r.unread_total == 3 and [r.digest_facts(d)[0] for d in r.digests] == [1, 1, 1]
    other = r.view(snapshot(seq=4))  # equal digests, other objects: made anew
    assert other.short is not held.short and other.short == held.short and other.ordered == held.ordered


def test_unread_counts_and_the_items_found_are_the_same_in_runs_of_any_length(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The keys are joined `KEYS_A_LOOP` at a time (one loop over every key held the interpreter
    lock 60-75 ms at 100,000 digests; joined once and held, they took 6.1 MiB): the runs' seams
    change nothing, a digest with no items or with more keys than a run included. An item is
    found by its key's first two bytes, then the whole key: keys alike that far are not it."""
    from digesttui import snapview

    first = snapshot(extra=("/d/2025-01-04.md", "/d/2025-01-05.md"))
    more = [(f"S{n}", f"https://s{n}.example") for n in range(5)]
    many = parse_digest(digest_text("Many", "2024-12-31", A, *more).encode(), "/d/many.md")
    none = parse_digest(b"---\ntitle: None\ndate: 2024-12-30\n---\nno items\n", "/d/none.md")
    a = key_of(A[1]).to_bytes(8, sys.byteorder, signed=True)
    # a key whose first two bytes are A's, and A's two bytes across two keys' first bytes
    keys = a[:2] + bytes(6) + b"\x01" + a[:1] + bytes(6) + a[1:2] + b"\x02" + bytes(6)
    alike = Digest("/d/alike.md", "/d/alike.md", "Alike", None, 0.0, keys=keys, count=3)
    digests = (*first.digests[:2], none, alike, *first.digests[2:], many)
    assert not none.keys and len(many.keys) == 6 * 8
    every = array("q", b"".join(d.keys for d in digests))
    holding = {k: [d.path for d in digests for key in d.item_keys() if key == k] for k in every}
    assert holding[key_of(A[1])] == ["/d/2025-01-02.md", "/d/2025-01-01.md", "/d/many.md"]  # in three
    for size in (1, 2, 3, 5, 1 << 16):
        monkeypatch.setattr(snapview, "KEYS_A_LOOP", size)
        view = snapview.view_of(first._replace(digests=digests), None, State(tmp_path / "state.json"), None)
        assert {k: list(view.holding([k])) for k in every} == holding
        assert sorted(view.holding(every[:4])) == sorted(p for k in every[:4] for p in holding[k])
        for read in (set(every[::2]), set(every[1::3]), {every[0]}, set(every)):
            expected = {d.path: sum(k not in read for k in d.item_keys()) for d in digests}
            assert snapview.unread_counts(digests, view.starts, read) == {p: n for p, n in expected.items() if n}


def test_filters_unread_starred_and_category(tmp_path: Path) -> None:
    r = reader(tmp_path)
    at(r, 1, 1)  # Second: Beta
    assert r.toggle_star() == "Starred: Beta"
    r.toggle_filter("starred")
    assert titles(r) == ["Second"] and [i.title for i in r.items] == ["Beta"]
    r.toggle_filter("starred")
    r.set_category("tools")
    assert titles(r) == ["Third"] and "category: tools" in r.status(samples=False)
    r.set_category(None)
    r.mark(["https://d.example"])
    r.toggle_filter("unread")
    assert titles(r) == ["Second", "First"]
    assert r.category_counts() == {"models": 1, "tools": 1}


def test_a_filter_keeps_the_place_when_it_can(tmp_path: Path) -> None:
    r = reader(tmp_path)
    at(r, 1, 1)
    r.set_category("models")
    assert place(r) == ("Second", "Beta")
    r.set_category("tools")  # Second is hidden: its neighbour
    assert place(r) == ("Third", "Delta")


def test_next_unread_goes_across_digests_and_round_the_ends(tmp_path: Path) -> None:
    r = reader(tmp_path)
    r.mark(["https://d.example", "https://b.example"])
    assert r.next_unread(1) == "" and place(r) == ("Second", "Alpha")
    assert r.next_unread(1) == "" and place(r) == ("First", "Gamma")
    r.mark(["https://a.example"])
    assert r.next_unread(1) == "Wrapped to the newest." and place(r) == ("First", "Gamma")  # the only one left
    r.mark(["https://c.example"], False)  # unchanged: Gamma is unread
    at(r, 0, 0)
    assert r.next_unread(-1) == "Wrapped to the oldest." and place(r) == ("First", "Gamma")
    r.mark(["https://c.example"])
    assert r.next_unread(1) is None  # nothing unread anywhere


def test_next_unread_with_only_starred_counts_the_items_shown(tmp_path: Path) -> None:
    r = reader(tmp_path)
    at(r, 2, 1)  # First: Alpha
    r.toggle_star()
    at(r, 1, 1)  # Second: Beta
    r.toggle_star()
    r.toggle_filter("starred")
    assert titles(r) == ["Second", "First"]
    at(r, 0, 0)  # Alpha is starred in Second too: an item is its link
    assert [i.title for i in r.items] == ["Alpha", "Beta"]
    assert r.next_unread(1) == "" and place(r) == ("Second", "Beta")
    assert r.next_unread(1) == "" and place(r) == ("First", "Alpha") and r.item_index == 0  # of those shown


def test_marks_reach_the_state(tmp_path: Path) -> None:
    r = reader(tmp_path)
    assert r.unread_item() == "https://d.example"
    assert r.toggle_read() and r.unread_item() is None and r.state.is_read("https://d.example")
    assert r.toggle_read() and r.unread_item() == "https://d.example"
    at(r, 1, 0)
    assert r.mark_digest_read() == "Marked Second read."
    assert r.item_marks(r.digests[1], r.digests[1].items[1]) == (True, False)


def test_search_and_opening_a_hit(tmp_path: Path) -> None:
    r = reader(tmp_path)
    hits = r.search_index().search("gamma")
    assert [(h.digest.title, h.item.title) for h in hits] == [("First", "Gamma")]
    assert r.search_index() is r.search_index()  # built once a snapshot
    r.set_category("tools")  # the hit's digest is hidden: the filter goes
    r.open_hit("gamma", hits[0])
    assert place(r) == ("First", "Gamma") and r.category is None and r.highlight == ("gamma",)
    r.move_digest(0)
    assert r.highlight == ()  # the highlight belongs to the digest it opened
    r.drop_search_index()
    (hit,) = r.search_index().search("delta")
    assert hit.digest == r.digests[0] and (hit.item.n, hit.item.title) == (1, "Delta")


def test_status_says_where_how_many_and_what_is_filtered(tmp_path: Path) -> None:
    r = Reader(State(tmp_path / "state.json").load())
    assert r.status(samples=True) == "digest-tui: loading…"
    r.take(snapshot(complete=False))
    text = r.status(samples=True)
    assert "bundled samples — 3 digests, 5 items, 5 unread" in text and "loading 3/3" in text
    r.take(snapshot(seq=2))
    r.toggle_filter("unread")
    assert r.status(samples=False).endswith("— showing 3 (unread only)")


def test_light_digests_get_their_items_when_read_and_keep_the_place_asked_for(tmp_path: Path) -> None:
    from digesttui.rows import light

    full = snapshot()
    heads = {d.path: tuple(i._replace(links=(), summary="") for i in d.items) for d in full.digests}
    r = Reader(State(tmp_path / "state.json").load())
    r.take(
        Snapshot(tuple(map(light, full.digests)), ("/d",), heads={full.digests[0].path: heads[full.digests[0].path]})
    )
    assert place(r) == ("Third", "Delta")  # the first screen's item list came with the snapshot
    assert r.unread_total == 5 and [r.digest_facts(d)[0] for d in r.digests] == [1, 2, 2]  # from the keys alone
    r.move_digest(2)
    assert r.waiting and r.item is None and r.empty_items() == "Reading this digest…"
    wanted = r.wanted_heads()
    assert [d.title for d in wanted] == ["First", "Second"] and r.wanted_heads() == []  # asked once
    assert r.heads_arrived([(d, heads[d.path]) for d in wanted])
    assert place(r) == ("First", "Gamma") and not r.waiting
    r.mark([r.digest.item_id(r.item)])  # Gamma read: `n` goes to Alpha, the next unread of the same digest
    assert r.next_unread(1) == "" and place(r) == ("First", "Alpha")
    assert r.mark_digest_read() == "Marked First read."
    assert r.unread_total == 2 and [r.digest_facts(d)[0] for d in r.digests] == [1, 1, 0]  # Alpha read in Second too
    assert r.next_unread(1) == "Wrapped to the newest." and place(r) == ("Third", "Delta")
    r.only_starred = True  # as when its last star goes while the filter is on: the digest stays selected
    r.select_digest(r.digest_index, keep=True)
    assert r.items == () and r.empty_items() == "No starred items here: S shows all."  # a light digest has items


def test_a_digest_not_read_yet_is_listed_by_its_file_name(tmp_path: Path) -> None:
    from digesttui.parse import pending
    from digesttui.render import digest_markdown

    r = Reader(State(tmp_path / "state.json").load())
    waiting = pending("/d/sub/2025-01-05 AI 日报.md", 0)
    r.take(Snapshot((waiting, *snapshot().digests), ("/d",), complete=False, total=4, pending=1))
    assert [r.row_title(d) for d in r.digests] == ["AI 日报.md", "Third", "Second", "First"]
    assert digest_markdown(waiting).startswith("## 2025-01-05 AI 日报.md\n")  # the detail says the same
