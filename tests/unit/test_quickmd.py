"""The first screen's Markdown reading (`quickmd`) against markdown-it's own, as the detail pane's
Markdown widget configures and reads it (`mdit`): whatever it reads, it reads the same, or it says
it cannot."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from markdown_it.token import Token

from digesttui import quickmd
from digesttui.files import read_digest
from digesttui.mdit import parser
from digesttui.quickmd import Block, Span
from digesttui.render import item_markdown
from tests.conftest import SEEDS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _content(inline: Token) -> tuple[str, tuple[Span, ...]]:
    """What Textual's `MarkdownBlock._token_to_content` makes of an inline token (as spans)."""
    text = ""
    spans: list[Span] = []
    stack: list[tuple[str, str, int]] = []
    for child in inline.children or []:
        kind = child.type
        if kind == "text":
            text += re.sub(r"\s+", " ", child.content)
        elif kind in ("softbreak", "hardbreak"):
            text += " " if kind == "softbreak" else "\n"
        elif kind in ("em_open", "strong_open", "s_open"):
            stack.append((kind[:-5], "", len(text)))
        elif kind == "link_open":
            stack.append(("link", str(child.attrs.get("href", "")), len(text)))
        elif kind.endswith("_close"):
            style, href, start = stack.pop()
            spans.append(Span(start, len(text), style, href))
        else:  # code, images, HTML: what the quick reading never reads
            spans.append(Span(len(text), len(text), kind))
    return text, tuple(spans)


def reference(markdown: str) -> tuple[Block, ...] | str:
    """markdown-it's blocks, or "other" where it finds more than headings, paragraphs and rules."""
    tokens = parser().parse(markdown)
    out = []
    for at, token in enumerate(tokens):
        if token.type == "hr":
            out.append(Block("hr"))
        elif token.type in ("paragraph_open", "heading_open"):
            out.append(Block("p" if token.type == "paragraph_open" else token.tag, *_content(tokens[at + 1])))
        elif token.type not in ("inline", "paragraph_close", "heading_close"):
            return "other"
    return tuple(out)


def agrees(markdown: str) -> bool:
    """The quick reading is markdown-it's, or none at all; True if there is one."""
    quick = quickmd.blocks(markdown)
    if quick is not None:
        assert quick == reference(markdown), markdown
    return quick is not None


def test_every_item_of_the_samples_is_read_as_markdown_it_reads_it() -> None:
    read = total = 0
    for path in sorted([*SEEDS.glob("*.md"), *FIXTURES.rglob("*.md")]):
        digest = read_digest(str(path))
        for item in digest.items:
            total += 1
            read += agrees(item_markdown(digest, item))
    assert total > 40
    assert read > total // 2  # the seed-shaped items (all of the bundled samples') are read


@pytest.mark.parametrize(
    "markdown",
    [
        "## [OpenAI发布Images 1.5](https://x.com/sama/status/1)\n\nSource: <https://x.com/sama/status/1>",
        "今日推出了**Images 1.5模型**，该模型已上线。",
        "名为**“CC”**的代理",
        "名为 **“CC”** 的代理",
        "**a *b* c**",
        "*a **b** c*",
        "a * b ** c",
        "**a",
        "a**b**c",
        "**a**b",
        "\\*\\*not\\*\\* bold",
        "line one\nline two",
        "one  \ntwo",
        "[a **b**](https://e.com/x)",
        "Item 1 of 2 in **2025.12.17.20 过去4小时全球AI发生了什么？** — 12-17 20:00 — AI模型 · 行业动态",
        "*热点*\n\n## x\n\ntext\n\n---\n\nmore",
        "para\n---",
        "para\n## head\nmore",
        "  indented\n   more",
        "名为**“CC”**的代理，**注意：**可以",
        "这是**“重点”**。*「斜体」*的",
        'a**“b”**c a**"b"**c',
    ],
)
def test_read_as_markdown_it_reads_it(markdown: str) -> None:
    agrees(markdown)


@pytest.mark.parametrize(
    "markdown",
    [
        "今日推出了**Images 1.5模型**，该模型已上线。",
        "## [OpenAI发布Images 1.5](https://x.com/sama/status/1)\n\nSource: <https://x.com/sama/status/1>",
        "*热点*\n\n## x\n\ntext\n\n---\n\nmore",
        "名为**“CC”**的代理，**注意：**可以",
    ],
)
def test_what_it_reads(markdown: str) -> None:
    assert quickmd.blocks(markdown) is not None  # (else the tests above could not fail)


@pytest.mark.parametrize(
    "markdown",
    [
        "- a list",
        "1. one",
        "> quote",
        "```\ncode\n```",
        "a | b\n--|--\n1 | 2",
        "see x.com",
        "a_b_",
        "`code`",
        "&amp;",
        "<b>html</b>",
        "![img](https://e.com/i.png)",
        "[ref]\n\n[ref]: https://e.com",
        "~~gone~~",
        "***both***",
        " *a" * (quickmd.MOST_OPEN + 2),
    ],
)
def test_what_it_leaves_to_markdown_it(markdown: str) -> None:
    assert quickmd.blocks(markdown) is None


def test_random_text_is_read_as_markdown_it_reads_it_or_not_at_all() -> None:
    pieces = [
        "模型",
        "发布",
        "，",
        "。",
        "“",
        "”",
        "（",
        "）",
        "AI",
        "GPT 5.2",
        " ",
        "  ",
        "\n",
        "\n\n",
        "*",
        "**",
        "***",
        "\\",
        "\\*",
        "[",
        "]",
        "(",
        ")",
        "https://x.com/a",
        "<",
        ">",
        "!",
        "#",
        "## ",
        "---",
        "-",
        "1.",
        "x.com",
        "_",
        "`",
        "~",
        "&",
        "|",
        "\u3000",
        "\xa0",
        ":",
        "a",
        "Z",
        "9",
        ".",
        "?",
        "！",
        "—",
        "·",
        "\t",
        "@",
        "# ",
        "### ",
        "\n#### ",
        "]:",
        "[t](https://e.com/x)",
        "：",
        "「",
        "」",
        "、",
        '"',
        "«",
        "🔥",
        "\ufe01",
        "\U000e0100",
    ]
    rng = random.Random(13)
    read = 0
    for _ in range(6000):
        read += agrees("".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))))
    assert read > 600
    # and dense in runs of `*` between CJK and other punctuation, letters and spaces (`flanking`)
    dense = ["*", "**", "“", "”", "：", "「", "」", "。", '"', "模", "型", "a", " ", "\ufe01", "🔥"]
    for _ in range(4000):
        read += agrees("".join(rng.choice(dense) for _ in range(rng.randint(1, 12))))
    assert read > 2600
