"""CJK-friendly emphasis (`flanking`, read by `mdit`'s parser): what a Chinese writer's bold
reads as, and CommonMark unchanged where no CJK character is involved."""

from __future__ import annotations

import random

import pytest
from markdown_it import MarkdownIt

from digesttui.flanking import delims, is_cjk
from digesttui.mdit import parser


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        # punctuation inside the run, a CJK letter outside: plain CommonMark shows the asterisks
        ("**注意：**这里", "<strong>注意：</strong>这里"),
        ("**“引号”**的说法", "<strong>“引号”</strong>的说法"),
        ("这是**“重点”**。", "这是<strong>“重点”</strong>。"),
        ("模型**（开源）**发布", "模型<strong>（开源）</strong>发布"),
        ("*「斜体」*的", "<em>「斜体」</em>的"),
        ("~~删除：~~内容", "<s>删除：</s>内容"),
        ("**요약:**이것", "<strong>요약:</strong>이것"),
        # what CommonMark already read right stays so
        ("中文**强调**中文", "中文<strong>强调</strong>中文"),
        ("**🔥热点**：内容", "<strong>🔥热点</strong>：内容"),
        ("**bold** text", "<strong>bold</strong> text"),
        # no CJK character next to the run: CommonMark's reading
        ('a**"foo"**bar', "a**&quot;foo&quot;**bar"),
        ("foo**«bar»**baz", "foo**«bar»**baz"),
        ("**foo** **", "<strong>foo</strong> **"),
        ("中文__强调__中文", "中文__强调__中文"),  # `_` inside a word never opens
    ],
)
def test_emphasis_as_a_chinese_writer_means_it(markdown: str, html: str) -> None:
    assert parser().renderInline(markdown) == html


def test_cjk_characters() -> None:
    assert [is_cjk(ch) for ch in "中：「あ한A“🔥"] == [True, True, True, True, True, False, None, False]


def test_a_variation_selector_is_looked_through() -> None:
    # a quotation mark made fullwidth (U+201D U+FE01) is CJK punctuation: a run after it may close
    # before a Latin letter, as after a letter; after the mark alone, it may not
    assert delims("”\ufe01", "a", True) == (True, True)
    assert delims("”", "a", True) == (True, False)
    # after an ideographic variation selector, a run may open before punctuation, as after a CJK
    # character; after another combining mark, not
    assert delims("汉\U000e0100", "“", True) == (True, True)
    assert delims("e\u0301", "“", True) == (False, True)


def test_without_cjk_it_is_commonmark() -> None:
    pieces = ["a", "Z", "9", " ", "*", "**", "_", "__", "~~", '"', "'", "(", ")", ".", "!", "«", "»", "\xa0", "\n", "é"]
    plain, friendly = MarkdownIt("gfm-like"), parser()
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        assert friendly.render(text) == plain.render(text), text
