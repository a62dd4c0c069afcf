"""Chinese text set as a Chinese reader expects: where lines break, kinsoku, soft line breaks;
times in one zone; titles that tell digests apart."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rich._wrap import divide_line  # what Textual used: English text must break exactly as it did

from digesttui.library import Snapshot
from digesttui.model import shared_titles
from digesttui.parse import parse_digest
from digesttui.reader import Reader
from digesttui.state import State
from digesttui.times import display_zone, in_order, when_text
from digesttui.typeset import break_offsets, cell_len, head_in, join_soft_breaks

BRIN = (
    "Google创始人谢尔盖·布林（Sergey Brin）在斯坦福工程学院百年庆典上进行了长篇对话。"
    "他坦诚分享了Google的早期发展、PageRank的诞生……。布林还探讨了AI在创意领域的潜力。"
)


def lines(text: str, width: int) -> list[str]:
    offsets = [0, *break_offsets(text, width), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(offsets)]


@pytest.mark.parametrize("width", [20, 40, 80])
def test_chinese_fills_each_line_and_no_line_starts_with_closing_punctuation(width: int) -> None:
    got = lines(BRIN, width)
    assert "".join(got) == BRIN
    assert all(cell_len(line.rstrip()) <= width for line in got)
    for line in got[1:]:
        assert line[0] not in "，。、；：！？）」』】》…", line
    for line in got[:-1]:
        assert line.rstrip()[-1] not in "（「『【《", line
        assert cell_len(line.rstrip()) >= width - 4, f"half-empty line: {line!r}"  # no jump to the next line


def test_a_chinese_run_after_a_latin_word_does_not_jump_to_the_next_line() -> None:
    assert lines("Google创始人谢尔盖·布林（Sergey Brin）在斯坦福", 32)[0] == "Google创始人谢尔盖·布林（Sergey "
    assert lines("Google创始人谢尔盖·布林（Sergey Brin）在斯坦福", 30)[0] == "Google创始人谢尔盖·布林"  # "（" goes on


def test_kinsoku_moves_a_pair_together() -> None:
    assert lines("一二三四五六七八九，十", 18) == ["一二三四五六七八", "九，十"]  # "，" may not start a line
    assert lines("一二三四五六七（八九", 16) == ["一二三四五六七", "（八九"]  # "（" may not end one
    assert lines("中文的句子结尾是英文,逗号", 20) == ["中文的句子结尾是英", "文,逗号"]  # ASCII after CJK too


def test_latin_words_and_urls_stay_whole_where_they_fit() -> None:
    assert lines("看看 https://example.com/a/b 好的", 24) == ["看看 ", "https://example.com/a/b ", "好的"]
    assert lines("新模型GPTx发布", 8) == ["新模型", "GPTx发布"]


@pytest.mark.parametrize("width", [10, 20, 33, 80])
def test_english_only_text_breaks_exactly_as_before(width: int) -> None:
    text = "The quick brown fox jumps over the lazy dog, twice; then   sleeps. A verylongwordthatdoesnotfit here."
    assert break_offsets(text, width) == divide_line(text, width)


def test_soft_line_breaks_between_chinese_characters_join_without_a_space() -> None:
    assert join_soft_breaks("控制在两周以内。\n  更多细节见原文") == "控制在两周以内。更多细节见原文"
    assert join_soft_breaks("English line\nnext line") == "English line\nnext line"
    assert join_soft_breaks("中文\nEnglish") == "中文\nEnglish"


# --- times ---------------------------------------------------------------------------------------


def digest(path: str, date: str) -> object:
    return parse_digest(f"---\ntitle: T\ndate: {date}\n---\n1. a\n".encode(), path)


def test_times_are_shown_in_the_zone_most_digests_are_written_in() -> None:
    utc = digest("/d/a.md", "2025-12-18T08:00:00Z")
    beijing = [digest(f"/d/b{n}.md", f"2025-12-18T1{n}:00:00+08:00") for n in range(2, 4)]
    zone, name = display_zone([utc, *beijing])
    if datetime.now().astimezone().utcoffset() != timedelta(hours=8):
        assert name == "UTC+08:00"
    assert when_text(utc, zone, 2025) == "12-18 16:00"  # 08:00Z is 16:00 in +08:00: after 12:00 and 13:00
    ordered = in_order(sorted([utc, *beijing], key=lambda d: -d.sort_key), zone)
    shown = [when_text(d, zone, 2025) for d in ordered]
    assert shown == sorted(shown, reverse=True) == ["12-18 16:00", "12-18 13:00", "12-18 12:00"]


def test_the_config_can_say_local_or_a_zone_name() -> None:
    beijing = digest("/d/b.md", "2025-12-18T12:00:00+08:00")
    assert display_zone([beijing], "local") == (None, "")
    zone, name = display_zone([beijing], "Europe/Paris")
    assert name == "Europe/Paris" and when_text(beijing, zone, 2025) == "12-18 05:00"


def test_a_date_without_a_time_shows_no_time_and_other_years_show_the_year() -> None:
    day = digest("/d/a.md", "2024-03-05")
    assert when_text(day, timezone(timedelta(hours=8)), 2024) == "03-05"
    assert when_text(day, None, 2026) == "2024-03-05"
    named = parse_digest(b"1. a\n", "/d/2025-12-17-20.md")
    assert when_text(named, None, 2025) == "12-17 20:00"
    assert when_text(parse_digest(b"1. a\n", "/d/2025-12-17.md"), None, 2025) == "12-17"


# --- titles --------------------------------------------------------------------------------------


def reader_of(tmp_path: Path, *texts: tuple[str, str]) -> Reader:
    digests = tuple(sorted((parse_digest(t.encode(), p) for p, t in texts), key=lambda d: -d.sort_key))
    r = Reader(State(tmp_path / "s.json").load())
    r.take(Snapshot(digests, ("/d",), total=len(digests), seq=1, shared=shared_titles(digests)))  # as Library makes it
    return r


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("2025.12.17.20 过去4小时全球AI发生了什么？", "过去4小时全球AI发生了什么？"),
        ("2026-04-13 AI 日报", "AI 日报"),
        ("2026年4月13日 科技新闻", "科技新闻"),
        ("12-01-日报-OpenAI 发布新模型", "OpenAI 发布新模型"),
        ("2026-04-13", "2026-04-13"),  # nothing else to show: the title as it is
        ("GPT-4 is 2 years old", "GPT-4 is 2 years old"),
    ],
)
def test_the_list_leaves_out_a_leading_date(title: str, shown: str, tmp_path: Path) -> None:
    r = reader_of(tmp_path, ("/d/x.md", f'---\ntitle: "{title}"\ndate: 2026-04-13\n---\n1. a\n'))
    assert r.row_title(r.digests[0]) == shown
    assert r.digests[0].title == title  # the detail keeps it whole


def test_a_title_many_digests_share_gives_way_to_what_tells_them_apart(tmp_path: Path) -> None:
    same = '---\ntitle: "🤖 每日 AI 资讯"\ndate: 2026-04-1{n}\n{extra}---\n1. [头条{n}](https://e.example/{n})\n'
    r = reader_of(
        tmp_path,
        ("/d/1.md", same.format(n=1, extra="description: 第一期\n")),
        ("/d/2.md", same.format(n=2, extra="")),
        ("/d/3.md", same.format(n=3, extra="")),
    )
    assert [r.row_title(d) for d in r.digests] == ["头条3", "头条2", "第一期"]


@pytest.mark.parametrize("text", ["小米MiMo-V2开源模型", "plain ascii", "e\u0301te\u200b😀Ａ，。", ""])
def test_a_row_cut_to_its_cells_keeps_every_character_that_fits_and_no_more(text: str) -> None:
    from rich.style import Style

    from digesttui.ui.rowlist import fit

    for room in range(-1, cell_len(text) + 2):
        cut, used = head_in(text, room)
        assert used == cell_len(text[:cut]) <= max(room, 0)
        assert cut == len(text) or cell_len(text[: cut + 1]) > room  # the next one would not fit
        row = "".join(piece for piece, _ in fit([("12-17  ", Style()), (text, Style())], room + 7))
        assert cell_len(row) == max(room + 7, 0)  # exactly the width: cut with "…", or padded
        assert row.rstrip(" ") == ("12-17  " + text).rstrip(" ") or row.rstrip(" ").endswith("…")
