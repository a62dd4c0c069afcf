"""Property tests: the parser never raises, and valid digests round-trip."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digesttui.parse import clean, parse_digest

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    digest = parse_digest(data, "/x/any.md")
    for s in (digest.title, *(i.title for i in digest.items), *(i.summary for i in digest.items)):
        assert clean(s) == s


markdownish = st.lists(
    st.sampled_from(
        [
            "---",
            "+++",
            "1. ",
            "- ",
            "### 1. ",
            "## ",
            "# ",
            "[a](",
            "https://x",
            ")",
            "**",
            "\n",
            "\r\n",
            "    ",
            "```",
            "title: ",
            "date: ",
            "\ufeff",
            "{#a}",
            "\x1b]0;t\x07",
            "中文",
            "]",
            "[",
        ]
    )
    | st.text(max_size=8),
    max_size=60,
).map("".join)


@SETTINGS
@given(markdownish)
def test_markdown_like_text_never_raises(text: str) -> None:
    parse_digest(text.encode("utf-8", "surrogatepass"), "/x/2025-01-01.md")


safe_text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="[]()*_`\\<>#~|!"),
        min_size=1,
        max_size=30,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
urls = st.builds(
    lambda host, path: f"https://{host}.example/{path}",
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_/", max_size=20),
)


@SETTINGS
@given(
    title=safe_text,
    items=st.lists(st.tuples(safe_text, urls, safe_text), min_size=1, max_size=12),
    start=st.integers(min_value=0, max_value=999),
    style=st.sampled_from(["ordered", "bullet", "heading"]),
    toml=st.booleans(),
    crlf=st.booleans(),
)
def test_valid_digests_round_trip(title, items, start, style, toml, crlf) -> None:
    if toml:
        front = f"+++\ntitle = {json.dumps(title, ensure_ascii=False)}\ndate = 2025-06-01T10:00:00Z\n+++\n"
    else:
        front = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: 2025-06-01T10:00:00Z\n---\n"
    lines = []
    for n, (headline, url, summary) in enumerate(items, start):
        if style == "ordered":
            lines.append(f"{n}.  [{headline}]({url})\n    {summary}\n")
        elif style == "bullet":
            lines.append(f"- [{headline}]({url})\n  {summary}\n")
        else:
            lines.append(f"### {n}. [{headline}]({url})\n\n{summary}\n")
    text = front + "\n" + "\n".join(lines)
    if crlf:
        text = text.replace("\n", "\r\n")
    digest = parse_digest(text.encode(), "/x/d.md")
    assert digest.problems == ()
    assert digest.title == title
    assert [i.title for i in digest.items] == [h for h, _, _ in items]
    assert [i.url for i in digest.items] == [u for _, u, _ in items]
    assert [i.n for i in digest.items] == list(range(1, len(items) + 1))


LINE_STARTS = ["", "", "", "", "1. ", "2.  ", "10) ", "3.    ", "3.     ", "1.", "- ", "* ", "+ ", "# ", "## ", "#"]
LINE_STARTS += ["1、", "-", "**", "2024年", "\u3000", "> ", "---", "***", "===", "```", "<b>"]  # (most: markdown-it's)
LINE_TEXTS = ["", "", "x", "摘要，中文。", "[Headline](https://x.com/a)", "**粗体**", "a ##", "#", "  "]
body_lines = st.lists(
    st.builds(
        lambda indent, start, text, end: " " * indent + start + text + end,
        st.sampled_from([0, 0, 0, 0, 1, 2, 3, 4, 4, 5, 6, 8]),
        st.sampled_from(LINE_STARTS),
        st.sampled_from(LINE_TEXTS),
        st.sampled_from(["", "", "", " ", "  ", " #", "\u3000"]),
    ),
    max_size=12,
).flatmap(lambda lines: st.sampled_from([lines, [*lines, ""], [*lines, "   "]]))  # (a last line of spaces)


@settings(max_examples=2000, deadline=None)
@given(body_lines)
def test_bodies_split_into_blocks_by_lines_split_as_markdown_it_splits_them(lines: list[str]) -> None:
    """`blocks._simple_blocks` (the seed's shape, by lines) gives markdown-it's blocks, or leaves it to it."""
    from digesttui import blocks

    text = "\n".join(lines)
    simple = blocks._simple_blocks(lines, text)
    if simple is not None:
        found = blocks._blocks(blocks._markdown(blocks._idle_rules(text)).parse(text, {}))
        assert simple == blocks._merge_html(found)


def test_the_reference_digests_body_is_split_by_lines() -> None:
    """The reference digest (the seed's shape) takes `_simple_blocks`' way, markdown-it's blocks in a
    tenth of the time; one with a list in an item does not."""
    from digesttui import blocks
    from digesttui.parse import _lines, _meta
    from tests.conftest import SEEDS

    for name, simple in (("2025-12-17-20.md", True), ("2025-12-17-16.md", False)):
        lines = _lines((SEEDS / name).read_bytes(), [])
        body = lines[_meta(lines, [])[1] :]
        assert (blocks._simple_blocks(body, "\n".join(body)) is not None) is simple
