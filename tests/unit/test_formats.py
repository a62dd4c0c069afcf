"""Every common digest shape, and nothing of a body ever lost.

`tests/fixtures/` holds one hand-written digest per shape seen in public archives, each with the
`--json` output expected of it (`.json`, without the path). To see what changed after a parser
change: `DIGEST_TUI_WRITE_EXPECTED=1 pytest tests/unit/test_formats.py`, then `git diff`.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digesttui.cli import Options, as_json, build_parser, parse_args
from digesttui.items import parts
from digesttui.model import Digest
from digesttui.parse import body_of, parse_digest

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SHAPES = sorted(p.relative_to(FIXTURES) for p in FIXTURES.rglob("*.md"))
SAMPLES = sorted((ROOT / "seeds").glob("*.md"))


def parsed(path: Path, name: str) -> Digest:
    return parse_digest(path.read_bytes(), name)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_each_shape_gives_the_expected_json(shape: Path) -> None:
    got = json.loads(as_json(parsed(FIXTURES / shape, str(shape))))
    del got["path"]
    expected_file = (FIXTURES / shape).with_suffix(".json")
    if os.environ.get("DIGEST_TUI_WRITE_EXPECTED"):
        expected_file.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert got == json.loads(expected_file.read_text(encoding="utf-8"))


def test_the_shapes_are_counted_as_a_careful_reader_counts_them() -> None:
    """The gist of the expected files, readable here."""
    counts = {str(shape): len(parsed(FIXTURES / shape, str(shape)).items) for shape in SHAPES}
    assert counts == {
        "2025-12/2025-12-01.md": 2,
        "2025-12/2025-12-02.md": 1,
        "article-inside.md": 2,
        "commonmark.md": 2,
        "empty-window.md": 0,
        "enumerated.md": 4,
        "heading-items.md": 3,
        "html-blocks.md": 2,
        "overview-detail.md": 3,
        "topic-clusters.md": 6,
    }
    article = parsed(FIXTURES / "article-inside.md", "a.md")
    assert article.items[0].url == "https://blog.example/energy-ledger"  # after the article's own headings
    assert "## 数据中心的选址" in article.items[0].summary
    assert any("inside an item" in p.message and p.line == 14 for p in article.problems)
    pair = parsed(FIXTURES / "heading-items.md", "h.md").items[1]
    assert (pair.title, pair.summary.splitlines()[0]) == (
        "The case for boring databases",
        '### 为什么要选择"无聊"的数据库',
    )
    clusters = parsed(FIXTURES / "topic-clusters.md", "t.md").items  # numbered topics over sourced entries
    assert [(i.section, i.url) for i in clusters[2:4]] == [
        ("端侧部署实践", "https://forum.example/t/1003"),
        ("芯片与算力", "https://social.example/status/2001"),
    ]
    empty = parsed(FIXTURES / "empty-window.md", "e.md")
    assert not empty.problems and "No items in this window" in empty.overview


_MARKERS = re.compile(r"^[ >]*(?:(?:\d{1,9}[.)]|[-*+])[ \t]+)?(?:#+[ \t]*)?(?:\d{1,4}(?:[.)][ \t]|、))?", re.MULTILINE)
"""What numbers a line: list markers, heading marks, a numbered headline's number."""


def words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", re.sub(r"\{#[^}]*\}", "", _MARKERS.sub("", text))))


@pytest.mark.parametrize("path", [*(FIXTURES / s for s in SHAPES), *SAMPLES], ids=lambda p: p.name)
def test_every_word_of_a_body_is_in_an_item_or_the_overview(path: Path) -> None:
    digest = parsed(path, str(path))
    seen = words(digest.overview)
    for item in digest.items:
        seen += words(" ".join([item.title, item.summary, item.section, *(f"{t} {u}" for t, u in item.links)]))
    lost = set(words(body_of(path.read_bytes()))) - set(seen)
    assert not lost


# --- generated documents: each word a unique marker (m1, m2, …), links without markers -----------

_n = iter(range(10**9))


def m() -> str:
    return f"m{next(_n)}"


def url() -> str:
    return f"https://e.example/u{next(_n)}"


def _list(draw: st.DrawFn) -> str:
    ordered = draw(st.booleans())
    entries = []
    for k in range(1, draw(st.integers(1, 3)) + 1):
        marker = f"{k}." if ordered else "-"
        kind = draw(st.sampled_from(["linked", "plain", "placeholder", "lazy", "source"]))
        entry = {
            "linked": f"{marker} [{m()} {m()}]({url()})\n   {m()} {m()}",
            "plain": f"{marker} {m()}",
            "placeholder": f"{marker} ({m()} {m()})",
            "lazy": f"{marker} [{m()}]({url()})\n   {m()}\n{m()}",
            "source": f"{marker} **{m()}** {m()} [{m()}]({url()})",
        }[kind]
        entries.append(entry)
    return "\n".join(entries)


@st.composite
def block(draw: st.DrawFn) -> str:
    kinds = (
        "para enum list heading numbered linked_heading quote quoted_list table fence html details hr comment readmore"
    )
    kind = draw(st.sampled_from(kinds.split()))
    level = "#" * draw(st.integers(1, 4))
    return {
        "para": lambda: f"{m()} {m()}",
        "enum": lambda: f"{draw(st.integers(1, 9))}、[{m()}]({url()}) {m()}",
        "list": lambda: _list(draw),
        "heading": lambda: f"{level} {m()}",
        "numbered": lambda: f"{level} {draw(st.integers(1, 9))}. {m()} {{#a{next(_n)}}}",
        "linked_heading": lambda: f"{level} [{m()}]({url()}) `#{draw(st.integers(1, 9))}`",
        "quote": lambda: f"> {m()}\n> {m()}",
        "quoted_list": lambda: f"> 1. [{m()}]({url()})\n>    {m()}",
        "table": lambda: f"| {m()} | {m()} |\n|---|---|\n| {m()} | {m()} |",
        "fence": lambda: f"```\n{m()}\n```",
        "html": lambda: f"<div>\n{m()}\n</div>",
        "details": lambda: f"<details>\n<summary>{m()}</summary>\n\n- [{m()}]({url()})\n\n</details>",
        "hr": lambda: "---",
        "comment": lambda: f"<!-- {m()} -->",
        "readmore": lambda: f"[{m()} →]({url()})",
    }[kind]()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(block(), min_size=1, max_size=14))
def test_each_word_of_a_generated_body_lands_in_exactly_one_place(blocks: list[str]) -> None:
    body = "\n\n".join(blocks)
    found = parts(body.split("\n"))
    shown = Counter[str]()
    linked = set()
    for item in found.items:
        shown += Counter(re.findall(r"m\d+", f"{item.title}\n{item.summary}"))
        linked |= {w for text, _ in item.links for w in re.findall(r"m\d+", text)}
    shown += Counter(re.findall(r"m\d+", found.overview))
    for word in set(re.findall(r"m\d+", body)):
        assert shown[word] == 1 or (shown[word] == 0 and word in linked), (word, body)


@pytest.mark.parametrize("argv", [[], ["~/digests"], ["a", "b c", "年报"], ["a", "--poll"], ["--no-cache", "x"]])
def test_the_command_line_reads_the_same_with_or_without_argparse(argv: list[str]) -> None:
    assert parse_args(argv) == Options(**vars(build_parser().parse_args(argv)))
    if not any(arg.startswith("-") for arg in argv):  # the folders alone: without it
        assert parse_args(argv) == Options(argv)
