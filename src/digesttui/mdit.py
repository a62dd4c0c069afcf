"""markdown-it as the detail pane reads an item: as Textual's Markdown widget configures it
("gfm-like": tables, strikethrough, HTML, linkify), with CJK-friendly emphasis (`flanking`).
Imported after the first paint. No Textual."""

from __future__ import annotations

from collections.abc import Callable
from types import MethodType

from markdown_it import MarkdownIt
from markdown_it.rules_inline import emphasis, strikethrough
from markdown_it.rules_inline.state_inline import Scanned, StateInline

from digesttui.flanking import delims

Rule = Callable[[StateInline, bool], bool]


def parser() -> MarkdownIt:
    """A new parser (Textual's Markdown widget asks for one a document)."""
    return cjk_friendly(MarkdownIt("gfm-like"))


def cjk_friendly(md: MarkdownIt) -> MarkdownIt:
    """`md` reading runs of `*`, `_` and `~` by `flanking.delims`. markdown-it's rules ask the
    inline state (`scanDelims`), which markdown-it-py builds itself: the two rules that ask it
    are given a state that answers by `delims`."""
    for name, rule in (("emphasis", emphasis.tokenize), ("strikethrough", strikethrough.tokenize)):
        md.inline.ruler.at(name, _asking_delims(rule))
    return md


def _asking_delims(rule: Rule) -> Rule:
    def tokenize(state: StateInline, silent: bool) -> bool:
        state.scanDelims = MethodType(_scan, state)  # type: ignore[method-assign]
        return rule(state, silent)

    return tokenize


def _scan(state: StateInline, start: int, split_word: bool) -> Scanned:
    src, end = state.src, start
    while end < state.posMax and src[end] == src[start]:
        end += 1
    can_open, can_close = delims(src[max(0, start - 2) : start], src[end] if end < state.posMax else " ", split_word)
    return Scanned(can_open, can_close, end - start)
