"""A digest body's blocks: markdown-it-py's block tokens (CommonMark and tables; inline parsing
left off: it costs three times the block pass, and only the few lines that become headlines need
it), as top-level `Block`s with their line ranges, HTML containers (`<details>` … `</details>`)
made one block. `Doc` holds them with the body's lines, for the item rules of `items`. Pure."""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.token import Token

from digesttui.inline import plain

_LINE_START = re.compile(r"^(?:[ \t>]|[-*+][ \t]|\d{1,9}[.)][ \t])*+(\S)", re.MULTILINE)
"""The first character of each line after quote and list markers: where most block rules look."""


def _idle_rules(text: str) -> tuple[str, ...]:
    """The rules that cannot find anything in `text`, left out: the seed's body parses in half
    the time. (A rule is kept whenever what it looks for is there: a slower parse, never another
    one.) `text_join` joins inline text, and there is none; `normalize` turns CR and NUL into
    what the parser reads, and the parser's own input has none left (`parse` cleaned it)."""
    starts = set(_LINE_START.findall(text))
    needs = {
        "text_join": False,
        "normalize": "\r" in text or "\0" in text,
        "reference": "[" in starts and "]:" in text,
        "lheading": "=" in starts or "-" in starts,
        "html_block": "<" in starts,
        "table": "|" in text,
        "fence": "`" in starts or "~" in starts,
        "blockquote": ">" in text,
        "hr": "-" in starts or "*" in starts or "_" in starts,
        "heading": "#" in starts,
    }
    return tuple(rule for rule, needed in needs.items() if not needed)


_NUMBERED = re.compile(r"(\d{1,4})(?:[.)][ \t]+|、[ \t]*)(.+)")
_CONTAINER = re.compile(r"<(details|div|nav|picture|section|aside|figure|center)\b", re.IGNORECASE)
_NUMBER_TAG = re.compile(r"`#\d{1,6}`")
_WEB = re.compile(r"https?://", re.IGNORECASE)
_CONTAINER_TAG = re.compile(r"<(/?)(details|div|nav|picture|section|aside|figure|center)\b", re.IGNORECASE)
_REFERENCE = re.compile(r"\[([^\[\]]+)\]\[([^\[\]]*)\]")
_KINDS = {
    "heading_open": "heading",
    "paragraph_open": "paragraph",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "blockquote_open": "quote",
    "table_open": "table",
    "fence": "fence",
    "code_block": "code",
    "hr": "hr",
    "html_block": "html",
}


class Block(NamedTuple):
    """One top-level block of the body: body lines [start, end)."""

    kind: str
    start: int
    end: int
    level: int = 0
    """A heading's level."""
    text: str = ""
    """A heading's or paragraph's text (inline Markdown), an HTML block's source."""
    entries: tuple[tuple[int, int], ...] = ()
    """A list's entries (also those of a list inside a quote), as line ranges."""
    quoted: bool = False
    """Whether the entries' lines start with a quote's `>`."""


class Doc:
    """The body's lines and blocks, and what the rules share."""

    def __init__(self, lines: list[str], offset: int) -> None:
        self.lines = lines
        self.offset = offset
        """The file line of body line 0, less one (for messages)."""
        self.env: dict[str, dict[str, dict[str, str]]] = {}
        text = "\n".join(lines)
        blocks = _simple_blocks(lines, text)
        if blocks is None:
            blocks = _merge_html(_blocks(_markdown(_idle_rules(text)).parse(text, self.env)))
        self.blocks = blocks
        self.placeholder = False
        self.kept_headings: list[int] = []
        self._linked: list[int] | None = None

    def text(self, start: int, end: int) -> str:
        return "\n".join(self.lines[start:end])

    def sections(self, below: int = 7) -> list[str]:
        """For each block, the nearest heading before it of level 2 up to `below` - 1: the
        section it is in."""
        out, current = [], ""
        for block in self.blocks:
            out.append(current)
            if block.kind == "heading" and 1 < block.level < below:
                current = heading_name(block)
        return out

    def linked(self, start: int, end: int) -> bool:
        """Whether blocks [start, end) hold an http(s) link."""
        if self._linked is None:
            self._linked = [0]
            for block in self.blocks:
                self._linked.append(self._linked[-1] + has_web_link(self.text(block.start, block.end)))
        return self._linked[end] > self._linked[start]

    def references(self, text: str) -> str:
        """`[text][label]` links made inline links (`[text](url)`) where the body defines the label."""
        refs = self.env.get("references")
        if not refs or "][" not in text:
            return text

        def inline(m: re.Match[str]) -> str:
            ref = refs.get(normalizeReference(m[2] or m[1]))
            return f"[{m[1]}]({ref['href']})" if ref else m[0]

        return _REFERENCE.sub(inline, text)


@functools.cache
def _markdown(idle: tuple[str, ...]) -> MarkdownIt:
    """CommonMark with tables, without inline parsing (the headlines get theirs: `inline`), and
    without the `idle` rules."""
    markdown = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")
    return markdown.disable(list(idle)) if idle else markdown


def _blocks(tokens: list[Token]) -> list[Block]:
    out: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = _KINDS.get(token.type)
        if token.level != 0 or token.map is None or kind is None:
            i += 1
            continue
        start, end = token.map
        close = _closing(tokens, i)
        if kind == "heading":
            out.append(Block(kind, start, end, int(token.tag[1]), tokens[i + 1].content))
        elif kind == "paragraph":
            out.append(Block(kind, start, end, text=tokens[i + 1].content))
        elif kind in ("list", "quote"):
            depth = 1 if kind == "list" else 2
            entries = tuple(
                (t.map[0], t.map[1])
                for t in tokens[i:close]
                if t.type == "list_item_open" and t.level == depth and t.map
            )
            out.append(Block(kind, start, end, entries=entries, quoted=kind == "quote"))
        else:
            out.append(Block(kind, start, end, text=token.content if kind == "html" else ""))
        i = close + 1
    return out


_NOT_SIMPLE = re.compile(r"[\t\r\0|]|\]:")
"""What sends a body to markdown-it whole: tabs (columns), CR and NUL (`normalize`), tables and
reference definitions (`[label]: url`)."""
_ITEM = re.compile(r"(?:\d{1,9}([.)])|([-*+]))( {1,4})(?! )")
"""A list item's marker at a line's start, and the spaces up to its text (its item's indent)."""
_STARTS_BLOCK = re.compile(r"(?:[-*+]|\d{1,9}[.)]|#{1,6})(?: |$)|[>`~<]|[-*_=](?: *[-*_=]){2,} *$|[-=]+ *$")
"""A line's text (after its indent) that may start a block other than a paragraph's next line."""


def _simple_blocks(lines: list[str], text: str) -> list[Block] | None:
    """The blocks markdown-it finds, found here by lines where the body is made of headings,
    paragraphs and lists of paragraphs only (the seed's shape: a numbered list of linked headlines
    with indented summaries), in a tenth of the time; else None (markdown-it decides). Anything
    that could read otherwise (nested blocks, code, quotes, HTML, lazy lines at a list's edge)
    is None: held to markdown-it's blocks in `tests/unit/test_parse_properties.py`."""
    if _NOT_SIMPLE.search(text):
        return None
    end = len(lines) - (bool(lines) and not lines[-1].strip(" "))  # (markdown-it counts no last line of spaces)
    blocks: list[Block] = []
    i = 0
    while i < end:
        line = lines[i]
        bare = line.lstrip(" ")
        if not bare:
            i += 1
        elif line[0] != " " and (heading := _heading(line)) is not None:
            blocks.append(Block("heading", i, i + 1, *heading))
            i += 1
        elif line[0] != " " and (item := _ITEM.match(line)):
            listed = _simple_list(lines, i, end, item)
            if listed is None:
                return None
            blocks.append(listed)
            i = listed.end
        elif len(line) - len(bare) > 3 or _STARTS_BLOCK.match(bare):
            return None
        else:
            j = i + 1
            while j < end and (bare := lines[j].lstrip(" ")):
                if lines[j][0] != " " and _heading(lines[j]) is not None:
                    break  # (a heading ends a paragraph)
                if _STARTS_BLOCK.match(bare) or _ITEM.match(lines[j]):
                    return None
                j += 1
            blocks.append(Block("paragraph", i, j, text="\n".join(lines[i:j]).strip()))
            i = j
    return blocks


def _simple_list(lines: list[str], i: int, end: int, item: re.Match[str]) -> Block | None:
    """The list that starts at line `i` (its first item `item`), for `_simple_blocks`."""
    first, marker, entries = i, item[1] or item[2], []
    while True:
        indent = item.end()
        if indent >= len(lines[i].rstrip(" ")) or _STARTS_BLOCK.match(lines[i], indent):
            return None  # (an empty item, or one that starts with another block)
        j, in_text = i + 1, True  # (in_text: the line before is the item's text, not blank)
        while j < end:
            line = lines[j]
            bare = line.lstrip(" ")
            at = len(line) - len(bare)
            if not bare:
                in_text = False
            elif at == 0 and (_ITEM.match(line) or _heading(line) is not None):
                break  # the next item, or a heading: this item ends
            elif (at >= indent and (in_text or at < indent + 4)) or (in_text and at > 0):
                if _STARTS_BLOCK.match(bare):
                    return None
                in_text = True  # the item's text (a line less indented right after it: lazily)
            elif at == 0 and not in_text:
                break  # a paragraph after the list
            else:
                return None  # code in the item, a lazy line at the edge, or text less indented
            j += 1
        entries.append((i, j))
        following = _ITEM.match(lines[j]) if j < end else None
        if following is None or (following[1] or following[2]) != marker:
            return Block("list", first, j, entries=tuple(entries))
        i, item = j, following


def _heading(line: str) -> tuple[int, str] | None:
    """An ATX heading's level and text, as markdown-it reads them (`## Title ##`: 2, `Title`)."""
    level = len(line) - len(line.lstrip("#"))
    rest = line[level:]
    if not 0 < level <= 6 or (rest and rest[0] != " "):
        return None
    rest = rest.rstrip(" ")
    bare = rest.rstrip("#")
    if len(bare) < len(rest) and bare and bare[-1] == " ":
        rest = bare
    return level, rest.strip()


def _closing(tokens: list[Token], i: int) -> int:
    """The index of the token that closes tokens[i] (itself when it closes nothing)."""
    if tokens[i].nesting != 1:
        return i
    depth = 0
    for j in range(i, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _merge_html(blocks: list[Block]) -> list[Block]:
    """An HTML container (`<details>` … `</details>`) with Markdown inside is one HTML block:
    nothing in it is an item. (A container never closed stays a block of its own.)"""
    closes = _container_closes(blocks)
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        close = closes.get(i, i)
        out.append(blocks[i] if close == i else Block("html", blocks[i].start, blocks[close].end, text=blocks[i].text))
        i = close + 1
    return out


def _container_closes(blocks: list[Block]) -> dict[int, int]:
    """For each HTML block that opens a container, the block that closes it: the first where as
    many of its tags are closed as were opened since (one pass, a stack of open ones per tag)."""
    closes: dict[int, int] = {}
    depth: Counter[str] = Counter()
    waiting: dict[str, list[tuple[int, int]]] = {}  # tag -> [(opening block, depth before it)]
    for k, block in enumerate(blocks):
        if block.kind != "html" or "<" not in block.text:
            continue
        opened = _CONTAINER.match(block.text)
        tags: Counter[str] = Counter()
        for slash, tag in _CONTAINER_TAG.findall(block.text):
            tags[tag.lower()] += -1 if slash else 1
        if opened:
            waiting.setdefault(opened[1].lower(), []).append((k, depth[opened[1].lower()]))
        for tag, change in tags.items():
            depth[tag] += change
            stack = waiting.get(tag, [])
            while stack and stack[-1][1] >= depth[tag]:
                closes[stack.pop()[0]] = k
    return closes


def heading_name(heading: Block) -> str:
    """A section's name: its heading as text, without a number (`## 1. 芯片与算力`: 芯片与算力)."""
    text = strip_anchor(heading.text)
    return plain(numbered_headline(text) or text)


def numbered_headline(text: str) -> str | None:
    """A numbered headline without its number (`1. Headline`, `**1、Headline**`), else None."""
    bare = text.lstrip("*_")
    number = _NUMBERED.fullmatch(bare)
    return text[: len(text) - len(bare)] + number[2] if number else None


def has_web_link(*texts: str) -> bool:
    return any(_WEB.search(text) for text in texts)


def strip_anchor(text: str) -> str:
    """`Headline {#anchor}` -> `Headline`; and `Headline `#3`` (an overview's number) -> `Headline`."""
    end = text.rstrip(" \t")
    if end.endswith("`") and (tag := end.rfind("`", 0, len(end) - 1)) != -1 and _NUMBER_TAG.fullmatch(end, tag):
        return text[:tag].strip()
    if not end.endswith("}"):
        return text.strip()
    start = text.find("{#", end.rfind("}", 0, len(end) - 1) + 1)
    return text[:start].strip() if start != -1 else text.strip()
