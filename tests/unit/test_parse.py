"""The digest format, case by case (docs/ARCHITECTURE.md; README.md, "The digest format")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from digesttui.parse import clean, parse_digest
from tests.conftest import SEEDS


def parse(text: str | bytes, path: str = "/d/digest.md", mtime_ns: int = 0):
    data = text.encode() if isinstance(text, str) else text
    return parse_digest(data, path, mtime_ns=mtime_ns)


def messages(digest) -> list[str]:
    return [f"{p.level}: {p.describe()}" for p in digest.problems]


def test_reference_seed() -> None:
    path = SEEDS / "2025-12-17-20.md"
    d = parse_digest(path.read_bytes(), str(path))
    assert d.problems == ()
    assert d.title == "2025.12.17.20 过去4小时全球AI发生了什么？"
    assert d.date == datetime(2025, 12, 17, 20, 0, 11, tzinfo=timezone(timedelta(hours=8)))
    assert d.categories == ("AI模型", "行业动态", "技术发布")
    assert [i.n for i in d.items] == list(range(1, 9))
    first = d.items[0]
    assert first.title == "OpenAI发布Images 1.5图像生成模型及GPT 5.2 Pro更新"
    assert first.url == "https://x.com/sama/status/2000997906078388332"
    assert first.summary.startswith("OpenAI今日正式推出了**Images 1.5模型**")
    assert [link.url for link in first.links] == [first.url]
    assert d.items[7].title == "AI智能成本大幅下降，创新更易实现"


def test_every_bundled_sample_is_clean() -> None:
    for path in SEEDS.iterdir():
        d = parse_digest(path.read_bytes(), str(path))
        assert d.problems == (), (path, d.problems)
        assert d.items


def test_toml_front_matter() -> None:
    d = parse('+++\ntitle = "T"\ndate = 2025-01-02T03:04:05Z\ntags = ["a", "b"]\n+++\n\n1. [A](https://a.example)\n')
    assert (d.title, d.tags, d.problems) == ("T", ("a", "b"), ())
    assert d.date == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_yaml_that_needs_the_full_parser() -> None:
    text = (
        "---\ntitle: >\n  Folded\n  title\ncategories:\n  - x\n  - y\ndate: 2025-03-04\n---\n- [A](https://a.example)\n"
    )
    d = parse(text)
    assert (d.title, d.categories, d.date) == ("Folded title", ("x", "y"), datetime(2025, 3, 4))


def test_bom_and_crlf() -> None:
    text = (
        '\ufeff---\r\ntitle: "CRLF"\r\ndate: 2025-01-01\r\n---\r\n\r\n'
        "1.  [A](https://a.example)\r\n    Sum\r\n    mary\r\n"
    )
    d = parse(text)
    assert d.problems == ()
    assert d.title == "CRLF"
    assert d.items[0].summary == "Sum\nmary"


def test_no_front_matter_title_from_heading_date_from_name() -> None:
    d = parse("# The Title\n\n- [A](https://a.example)\n", path="/d/2025-12-18-08.md")
    assert d.title == "The Title"
    assert d.date == datetime(2025, 12, 18, 8)
    assert d.problems == ()


def test_no_front_matter_title_from_file_name_dotted_date() -> None:
    d = parse("1. [A](https://a.example)\n", path="/d/2025.12.17.20.md")
    assert d.title == "2025.12.17.20"
    assert d.date == datetime(2025, 12, 17, 20)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-05-06", datetime(2025, 5, 6)),
        ('"2025-05-06T07:08:09"', datetime(2025, 5, 6, 7, 8, 9)),
        ("2025-05-06T07:08:09Z", datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC)),
        ("2025-05-06T07:08:09-05:00", datetime(2025, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=-5)))),
        ("2025-05-06 07:08", datetime(2025, 5, 6, 7, 8)),
    ],
)
def test_dates(value: str, expected: datetime) -> None:
    d = parse(f"---\ndate: {value}\n---\n1. [A](https://a.example)\n")
    assert d.date == expected
    assert d.problems == ()


def test_zoned_dates_sort_by_instant() -> None:
    early = parse("---\ndate: 2025-12-18T12:00:00+08:00\n---\n1. x\n")
    late = parse("---\ndate: 2025-12-18T08:00:00Z\n---\n1. x\n")
    assert late.sort_key > early.sort_key


def test_unusable_date_falls_back_to_name_then_mtime() -> None:
    d = parse("---\ndate: yesterday\n---\n1. x\n", path="/d/2025-01-02.md")
    assert d.date == datetime(2025, 1, 2)
    assert messages(d) == ["warning: date 'yesterday' is not an ISO 8601 date; using the date in the file name"]
    mtime = datetime(2024, 6, 1, 12).timestamp()
    d = parse("---\ndate: 2025-13-45\n---\n1. x\n", path="/d/x.md", mtime_ns=int(mtime * 1e9))
    assert d.date == datetime(2024, 6, 1, 12)
    assert "using the file's modification time" in messages(d)[0]


@pytest.mark.parametrize(
    ("field", "expected"),
    [('categories: ["a", "b"]', ("a", "b")), ("categories: one", ("one",)), ("categories:\n  - c\n  - d", ("c", "d"))],
)
def test_categories_list_or_string(field: str, expected: tuple[str, ...]) -> None:
    d = parse(f"---\n{field}\ntags: solo\n---\n1. x\n")
    assert d.categories == expected
    assert d.tags == ("solo",)


def test_any_start_number_and_bullets() -> None:
    d = parse("7. [Seven](https://s.example)\n8. [Eight](https://e.example)\n")
    assert [(i.n, i.title) for i in d.items] == [(1, "Seven"), (2, "Eight")]
    d = parse("* [A](https://a.example)\n  about a\n+ [B](https://b.example)\n")
    assert [(i.title, i.url, i.summary) for i in d.items] == [
        ("A", "https://a.example", "about a"),
        ("B", "https://b.example", ""),
    ]
    d = parse("* [A](https://a.example)\n\n## Tags\n\n+ B\n")  # a list without links beside them: overview
    assert [i.title for i in d.items] == ["A"]
    assert d.overview == "## Tags\n\n+ B"


def test_item_without_link_takes_source_link_from_summary() -> None:
    d = parse("1. **Plain headline**\n   text [原文](https://src.example/1)\n2. No link at all\n")
    a, b = d.items
    assert (a.title, a.url) == ("Plain headline", "https://src.example/1")
    assert (b.title, b.url, b.links) == ("No link at all", None, ())


def test_nested_list_in_summary_and_all_links() -> None:
    text = (
        "1.  [Head](https://h.example)\n"
        "    Intro with [a link](https://l.example) and <https://auto.example>.\n"
        "    - nested one\n"
        "    - nested two https://bare.example/x.\n"
        "2.  [Next](https://n.example)\n"
    )
    d = parse(text)
    first = d.items[0]
    assert len(d.items) == 2
    assert first.summary.splitlines()[1:] == ["- nested one", "- nested two https://bare.example/x."]
    assert [link.url for link in first.links] == [
        "https://h.example",
        "https://l.example",
        "https://auto.example",
        "https://bare.example/x",
    ]
    assert first.links[1].text == "a link"


def test_heading_items_with_sections_and_anchors() -> None:
    text = (
        "# Daily\n\n## Contents\n\n- [Trending](#trending)\n- [Papers](#papers)\n\n"
        "## 🔥 GitHub Trending {#trending}\n\n"
        "### 1. First repo {#r1}\n\nIt does things.\n\n[原文](https://github.example/a)\n\n"
        "### 2. [Linked repo](https://github.example/b)\n\nMore.\n\n#### Details\n\nStill item two.\n\n"
        "## Papers\n\n### 3、 A paper\n\nAbstract.\n"
    )
    d = parse(text)
    assert [(i.n, i.title, i.url, i.section) for i in d.items] == [
        (1, "First repo", "https://github.example/a", "🔥 GitHub Trending"),
        (2, "Linked repo", "https://github.example/b", "🔥 GitHub Trending"),
        (3, "A paper", None, "Papers"),
    ]
    assert "Still item two." in d.items[1].summary
    assert d.title == "Daily"


def test_table_of_contents_is_not_items() -> None:
    text = "- [One](#one)\n- [Two](#two)\n\n1. [Real](https://r.example)\n"
    d = parse(text)
    assert [i.title for i in d.items] == ["Real"]


def test_link_with_parentheses_and_title() -> None:
    d = parse('1. [Wiki](https://en.wikipedia.org/wiki/Foo_(bar) "title")\n')
    assert d.items[0].url == "https://en.wikipedia.org/wiki/Foo_(bar)"


def test_code_fence_does_not_make_items() -> None:
    d = parse("1. [A](https://a.example)\n    ```\n    2. not an item\n    ```\n2. [B](https://b.example)\n")
    assert [i.title for i in d.items] == ["A", "B"]


# --- problems ---


def test_not_utf8() -> None:
    d = parse(b"---\ntitle: x\n---\n1. caf\xe9\n")
    assert messages(d)[0] == "error: line 4: not valid UTF-8: byte 0xe9 at offset 23"
    assert d.items[0].title == "caf\ufffd"


def test_unclosed_front_matter() -> None:
    d = parse("---\ntitle: x\n\n1. [A](https://a.example)\n")
    assert "error: line 1: front matter opened with '---' on line 1 is never closed" in messages(d)


def test_broken_yaml_names_the_line() -> None:
    d = parse("---\ntitle: ok\ncategories: [a, b\ndate: 2025-01-01\n---\n1. x\n")
    (problem,) = [p for p in d.problems if p.level == "error"]
    assert problem.message.startswith("front matter is not valid YAML")
    assert problem.line in (4, 5)


def test_broken_toml_names_the_line() -> None:
    d = parse('+++\ntitle = "x"\ndate = = 3\n+++\n1. x\n')
    (problem,) = [p for p in d.problems if p.level == "error"]
    assert problem.message.startswith("front matter is not valid TOML")
    assert problem.line == 3


def test_front_matter_not_a_mapping() -> None:
    d = parse("---\n- a\n- b\n---\n1. x\n")
    assert messages(d)[0] == "error: line 2: front matter is a list, not a mapping of fields"


def test_no_items() -> None:
    d = parse("---\ntitle: Empty\ndate: 2025-01-01\n---\n\nJust a paragraph.\n")
    assert d.has_error
    assert d.first_error is not None and d.first_error.message.startswith("no items found")
    assert d.title == "Empty"


def test_bad_categories_type_is_a_warning() -> None:
    d = parse("---\ncategories: {a: 1}\ndate: 2025-01-01\n---\n1. x\n")
    assert messages(d) == ["warning: 'categories' should be a list or a string, not dict"]


# --- untrusted text ---


def test_control_characters_are_stripped_everywhere() -> None:
    osc_title = "\x1b]0;pwned\x07"
    osc52 = "\x1b]52;c;ZXZpbA==\x07"
    text = (
        f'---\ntitle: "T{osc_title}"\ncategories: ["c\\u009b1m"]\ndate: 2025-01-01\n---\n'
        f"1. [Head{osc_title}](https://a.example/{osc52})\n   sum\x00mary\x7f {osc52}\n"
    )
    d = parse(text, path="/d/evil\x1b[2J.md")
    strings = [d.title, d.label, *d.categories]
    for item in d.items:
        strings += [item.title, item.summary, item.url or ""]
        strings += [s for link in item.links for s in (link.text, link.url)]
    for s in strings:
        assert clean(s) == s, repr(s)
        assert "\x1b" not in s and "\x07" not in s
    assert "pwned" in d.items[0].title  # visible as text, harmless


def test_clean_keeps_tab_and_newline() -> None:
    assert clean("a\tb\nc\x1b\x9bd\x85e") == "a\tb\ncde"


def test_a_relative_link_is_never_the_source() -> None:
    d = parse_digest(
        b"---\ntitle: T\ndigest_date: '2026-05-04'\ndescription: Issue 7\n---\n"
        b"1. [Local](/news/2026-05-04/abc)\n   See [the post](https://p.example/abc).\n"
        b"2. [Only local](/news/x)\n   Nothing else.\n",
        "/d/x.md",
    )
    assert [i.url for i in d.items] == ["https://p.example/abc", None]
    assert d.items[1].links[0].url == "/news/x"  # still in the item, shown
    assert d.date is not None and d.date.date().isoformat() == "2026-05-04" and not d.timed
    assert d.description == "Issue 7"
