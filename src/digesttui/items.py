"""Which parts of a digest's body are its items, and which are its overview.

The body's blocks come from `blocks` (markdown-it-py's block tokens). Each structure a generator
writes is one small rule over them:

- `list_entries`: the entries of the body's lists (`1.  [Headline](url)` and an indented summary);
- `numbered_headings`: `### 1. Headline` headings, each running to the next (or to a section heading);
- `heading_groups`: unnumbered `### Headline` headings at one level, a heading pair being one item;
- `enumerated`: `1、Headline` paragraphs, a Chinese enumeration that is not a Markdown list.

`choose` runs them all and keeps the structure whose items carry the most distinct source links
(then the most items). A list whose entries the chosen items repeat, or whose links all point
into the file, is an overview, not items. Whatever no item holds is the digest's overview: every
line of the body ends up in exactly one of the two (`Parts.overview`).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

from digesttui.blocks import Block, Doc, has_web_link, heading_name, numbered_headline, strip_anchor
from digesttui.inline import LINK, find_links, is_web, plain
from digesttui.model import Item, Link, Problem
from digesttui.text import shorten

_ENUMERATED = re.compile(r"(\*\*|__)?\d{1,4}、[ \t]*")
_MARKER = re.compile(r"[ \t]*(?:\d{1,9}[.)]|[-*+])[ \t]?")
_OPENERS = "(（*_"
"""What a placeholder (`(No items in this window.)`) starts with."""
_PLACEHOLDER = re.compile(r"[*_]*[(（][^()（）]*[)）][*_.。]*")
_BOLD = re.compile(r"(\*\*|__)(.+)\1")
SOURCE_WORD = 8
"""Characters of link text at most for a link that ends a headline to be its source (`[来源](url)`)."""


class Span(NamedTuple):
    """An item as a rule finds it: body lines [start, end), its headline and the lines after it."""

    start: int
    end: int
    head: str
    body: list[str]
    section: str = ""


class Parts(NamedTuple):
    items: tuple[Item, ...]
    overview: str
    """Everything of the body no item holds (intro, highlights, closing notes), as Markdown."""
    title: str
    """The first `#` heading outside the items (a title, when the front matter has none)."""
    problems: list[Problem]
    placeholder: bool
    """Whether the body says, in so many words, that it has no items (`- (No items today.)`)."""


# --- the rules ---------------------------------------------------------------------------------


def list_entries(doc: Doc) -> list[Span]:
    """Each entry of the body's lists is an item, except in a table of contents (links that all
    point into the file) or a list without links beside lists with them."""
    lists = [(i, b) for i, b in enumerate(doc.blocks) if b.entries and not _table_of_contents(doc, b)]
    linked = [(i, b) for i, b in lists if has_web_link(doc.text(b.start, b.end))]
    spans = []
    sections = doc.sections()
    for i, block in linked or lists:
        section = sections[i]
        for start, end in block.entries:
            lines = [_unquote(x) for x in doc.lines[start:end]] if block.quoted else doc.lines[start:end]
            first = lines[0].expandtabs(4)
            marker = _MARKER.match(first)
            head = first[marker.end() :].strip() if marker else first.strip()
            width = _content_column(first, marker.end() if marker else 0)
            body = [_outdent(line, width) for line in lines[1:]]
            if not head and any(x.strip() for x in body):
                while not body[0].strip():
                    body.pop(0)
                head = body.pop(0).strip()
            if head[:1] in _OPENERS and _PLACEHOLDER.fullmatch(head) and not any(x.strip() for x in body):
                doc.placeholder = True
                continue
            spans.append(Span(start, end, head, body, section))
    return spans


def numbered_headings(doc: Doc) -> list[Span]:
    """`### 1. Headline` headings (the commonest level of them): each item runs to the next, or to
    a section heading; a heading of another kind inside one is kept in it (an article's `# Title`)."""
    blocks = doc.blocks
    numbered = [i for i, b in enumerate(blocks) if _is_numbered(b)]
    if not numbered:
        return []
    level = Counter(blocks[i].level for i in numbered).most_common(1)[0][0]
    starts = [i for i in numbered if blocks[i].level == level]
    sections = _section_levels(blocks, set(starts), level)

    def ends(j: int, stop: int) -> bool:
        """Whether heading j ends an item: the next one's heading, or a section heading (one
        that no link follows before the next item: else it is an article's own heading)."""
        block = blocks[j]
        return block.level == level or (block.level in sections and not doc.linked(j, stop))

    spans = []
    section, outside = "", 0
    for n, i in enumerate(starts):
        section = next(
            (heading_name(b) for b in reversed(blocks[outside:i]) if b.kind == "heading" and 1 < b.level < level),
            section,
        )
        stop = starts[n + 1] if n + 1 < len(starts) else len(blocks)
        end = next((j for j in range(i + 1, stop) if blocks[j].kind == "heading" and ends(j, stop)), stop)
        outside = end = _rule_end(doc, i, end)
        doc.kept_headings += [j for j in range(i + 1, end) if blocks[j].kind == "heading" and blocks[j].level < level]
        spans.append(_span(doc, i, end, numbered_headline(blocks[i].text) or blocks[i].text, section))
    return spans


def heading_groups(doc: Doc, level: int) -> list[Span]:
    """Unnumbered headings at one level: each runs to the next heading at that level or above; a
    heading straight after another (a headline and its translation) is part of the same item.
    Beside items with links, one without any (`### Today's highlights`) is overview."""
    blocks = doc.blocks
    if not any(b.kind == "heading" and b.level == level for b in blocks):
        return []  # (most bodies have headings of a level or two, if any)
    names = doc.sections(level)
    spans = []
    i = 0
    while i < len(blocks):
        if not (blocks[i].kind == "heading" and blocks[i].level == level):
            i += 1
            continue
        end = i + 1
        while end < len(blocks) and not (blocks[end].kind == "heading" and blocks[end].level <= level):
            end += 1
        if end == i + 1 and end < len(blocks) and blocks[end].level == level:
            end += 1  # a heading pair: headline and subtitle
            while end < len(blocks) and not (blocks[end].kind == "heading" and blocks[end].level <= level):
                end += 1
        span = _span(doc, i, _rule_end(doc, i, end), blocks[i].text, names[i])
        if _placeholder(span.body):
            doc.placeholder = True
        elif span.body or has_web_link(span.head):
            spans.append(span)
        i = end
    return _most(
        _most(spans, lambda s: LINK.match(strip_anchor(s.head)) is not None), lambda s: has_web_link(s.head, *s.body)
    )


def _most(spans: list[Span], has: Callable[[Span], bool]) -> list[Span]:
    """The spans that have something, when most of them do: beside items headed by links, a
    heading without one (`## 今日概览`, `## 编者按`) is overview."""
    having = [s for s in spans if has(s)]
    return having if len(having) * 2 >= len(spans) else spans


def enumerated(doc: Doc) -> list[Span]:
    """`1、Headline` paragraphs (or quotes): each runs to the next, or to a heading."""
    blocks = doc.blocks
    starts = [i for i, b in enumerate(blocks) if b.kind in ("paragraph", "quote") and _enumerates(doc, b)]
    names = doc.sections() if starts else []
    spans = []
    for n, i in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(blocks)
        end = _rule_end(doc, i, next((j for j in range(i + 1, stop) if blocks[j].kind == "heading"), stop))
        first = doc.lines[blocks[i].start]
        first = _unquote(first) if blocks[i].kind == "quote" else first.strip()
        marker = _ENUMERATED.match(first)
        head = (marker[1] or "") + first[marker.end() :] if marker else first
        span = _span(doc, i, end, head, names[i])
        rest = doc.lines[blocks[i].start + 1 : blocks[i].end]
        rest = [_unquote(x) for x in rest] if blocks[i].kind == "quote" else rest
        spans.append(span._replace(body=rest + span.body))
    return spans


# --- choosing ------------------------------------------------------------------------------------


class Structure(NamedTuple):
    name: str
    spans: list[Span]
    items: list[Item]

    def score(self) -> tuple[int, int]:
        """Distinct source links, then items."""
        if not self.items:
            return 0, 0
        return len({item.url for item in self.items if item.url}), len(self.items)


def choose(doc: Doc) -> tuple[Structure, list[Problem]]:
    """The structure holding the items, and a warning when another one, elsewhere in the file,
    looked like items too."""
    found = [("numbered headings", numbered_headings(doc)), ("list entries", list_entries(doc))]
    found += [(f"level-{n} headings", heading_groups(doc, n)) for n in range(2, 7)]
    found.append(("paragraphs numbered 1、2、", enumerated(doc)))
    # Items headed by a number or a link hold what is inside them (an item's list of links).
    outer = [[s for s in spans if not _list_of_links(doc, s)] for name, spans in found if _headlined(name, spans)]
    found = [(name, [s for s in spans if not any(_inside(s, o) for o in outer)]) for name, spans in found]
    structures = [_structure(doc, name, spans) for name, spans in found]
    structures[1] = _not_repeated(doc, structures[1], [s for s in structures if s.items and s is not structures[1]])
    ranked = sorted(structures, key=Structure.score, reverse=True)  # stable: the order above breaks ties
    chosen, rivals = ranked[0], [s for s in ranked[1:] if s.score()[0] >= 2]
    return chosen, _competition(doc, chosen, rivals)


def _competition(doc: Doc, chosen: Structure, rivals: list[Structure]) -> list[Problem]:
    """A warning when another structure, elsewhere in the file and not the chosen one's
    overview, looked like items too."""
    if not rivals:
        return []
    taken = _lines(chosen.spans, len(doc.lines))
    keys = {item.url for item in chosen.items} | {item.title.casefold() for item in chosen.items}
    for other in rivals:
        repeated = sum(item.url in keys or item.title.casefold() in keys for item in other.items)
        if repeated * 2 < len(other.items) and not any(any(taken[s.start : s.end]) for s in other.spans):
            line = doc.offset + other.spans[0].start + 1
            why = (
                f"two structures of items: {len(chosen.items)} {chosen.name} (chosen: more distinct source links) "
                f"and {len(other.items)} {other.name} from line {line} (kept in the overview)"
            )
            return [Problem("warning", why, line)]
    return []


def _headlined(name: str, spans: list[Span]) -> bool:
    if name == "numbered headings":
        return True
    linked = sum(LINK.match(strip_anchor(s.head)) is not None for s in spans) if name.endswith("headings") else 0
    return linked > 0 and linked * 2 >= len(spans)


def _list_of_links(doc: Doc, span: Span) -> bool:
    """Whether an item under a heading is nothing but a list of entries with links of their own:
    then the heading names a topic, and the entries are the items (`## 1. 模型进展` over
    `- … [消息来源](url)` lines)."""
    first = bisect.bisect_right(doc.blocks, span.start, key=lambda b: b.start)
    inside = doc.blocks[first : bisect.bisect_left(doc.blocks, span.end, key=lambda b: b.start)]
    return bool(inside) and all(
        b.kind == "list" and all(has_web_link(doc.text(*entry)) for entry in b.entries) for b in inside
    )


def _inside(span: Span, spans: list[Span]) -> bool:
    """Whether span lies inside one of `spans` (in order, not overlapping), and not at its start."""
    at = bisect.bisect_right(spans, span.start, key=lambda s: s.start) - 1
    return at >= 0 and spans[at].start < span.start and span.end <= spans[at].end


def _lines(spans: list[Span], count: int) -> bytearray:
    """Which of `count` lines the spans hold."""
    taken = bytearray(count)
    for span in spans:
        taken[span.start : span.end] = b"\x01" * (span.end - span.start)
    return taken


def _structure(doc: Doc, name: str, spans: list[Span]) -> Structure:
    return Structure(name, spans, [make_item(doc, n, span) for n, span in enumerate(spans, 1)])


def _not_repeated(doc: Doc, listed: Structure, others: list[Structure]) -> Structure:
    """List entries without the lists whose entries, for the most part, other items elsewhere
    repeat (by headline or link): such a list is the digest's overview of those items."""
    where: dict[str, list[Span]] = {}
    for other in others:
        for span, item in zip(other.spans, other.items, strict=True):
            for key in (item.title.casefold(), item.url or ""):
                if key and len(found := where.setdefault(key, [])) < 2:
                    found.append(span)  # two places, and one of them is outside any list
    if not where:
        return listed
    lists = [b for b in doc.blocks if b.entries]
    by_list: dict[int, list[tuple[Span, Item]]] = {}
    for span, item in zip(listed.spans, listed.items, strict=True):
        by_list.setdefault(bisect.bisect_right(lists, span.start, key=lambda b: b.start) - 1, []).append((span, item))
    keep = []
    for n, mine in by_list.items():
        block = lists[n]
        repeated = 0
        for _, item in mine:
            keys = (item.title.casefold(), item.url or "")
            repeated += any(not (o.start <= block.start < o.end) for key in keys if key for o in where.get(key, ()))
        if repeated * 2 < len(mine):
            keep += mine
    return Structure(listed.name, [span for span, _ in keep], [item for _, item in keep])


def parts(lines: list[str], offset: int = 0) -> Parts:
    """The items and the overview of a body (`lines`; `offset`: the file line before it)."""
    doc = Doc(lines, offset)
    chosen, problems = choose(doc)
    covered = _lines(chosen.spans, len(lines))
    kept = [doc.blocks[j] for j in doc.kept_headings if covered[doc.blocks[j].start]]
    if kept and chosen.name == "numbered headings":
        name = shorten(heading_name(kept[0]), 60)
        why = f"heading {name!r} is inside an item: kept as part of it, not read as a section"
        problems.append(Problem("warning", why, offset + kept[0].start + 1))
    title = next(
        (
            plain(strip_anchor(b.text))
            for b in doc.blocks
            if b.kind == "heading" and b.level == 1 and not covered[b.start]
        ),
        "",
    )
    overview = ""
    if any(lines[n].strip() for n, taken in enumerate(covered) if not taken):
        overview = "\n".join(line if not covered[n] else "" for n, line in enumerate(lines))
        overview = re.sub(r"\n{3,}", "\n\n", overview).strip("\n")
    items = tuple(item if item.n == n else item._replace(n=n) for n, item in enumerate(chosen.items, 1))
    return Parts(items, overview, title, problems, doc.placeholder)


# --- helpers -------------------------------------------------------------------------------------


def _span(doc: Doc, i: int, end: int, head: str, section: str) -> Span:
    """The item made of blocks [i, end): block i's text is the headline, the rest the body."""
    blocks = doc.blocks
    stop = blocks[end].start if end < len(blocks) else len(doc.lines)
    while end > i + 1 and blocks[end - 1].kind == "hr":
        end -= 1  # a rule between items is a separator, not part of either
    last = blocks[end - 1].end if end > i + 1 else blocks[i].end
    return Span(blocks[i].start, max(stop, last), head, doc.lines[blocks[i].end : last], section)


def _rule_end(doc: Doc, i: int, end: int) -> int:
    """Where an item of blocks [i, end) ends: at a rule (`---`) followed by something without a
    link (a footer, closing notes), else at `end`."""
    blocks = doc.blocks
    last = next((j for j in range(end - 1, i, -1) if blocks[j].kind != "hr"), i)
    return next((j for j in range(i + 1, last) if blocks[j].kind == "hr" and not doc.linked(j, end)), end)


def _is_numbered(block: Block) -> bool:
    return block.kind == "heading" and block.level > 1 and numbered_headline(block.text) is not None


def _section_levels(blocks: list[Block], starts: set[int], level: int) -> set[int]:
    """The heading levels above `level` that head sections of items: used right before an item,
    or (below 1) before the first one. Another heading above `level` is part of an item."""
    first = min(starts)
    levels = set()
    for i, block in enumerate(blocks):
        if block.kind == "heading" and block.level < level and (i + 1 in starts or (i < first and block.level > 1)):
            levels.add(block.level)
    return levels


def _enumerates(doc: Doc, block: Block) -> bool:
    first = doc.lines[block.start]
    return _ENUMERATED.match(_unquote(first) if block.kind == "quote" else first.lstrip()) is not None


def _content_column(first: str, after_marker: int) -> int:
    """Where a list entry's content starts (CommonMark: after up to four spaces past the marker)."""
    spaces = len(first) - after_marker - len(first[after_marker:].lstrip(" "))
    if spaces == len(first) - after_marker:
        return after_marker + 1  # nothing after the marker: the content starts on a later line
    return after_marker + (spaces if spaces <= 3 else 0)


def _outdent(line: str, width: int) -> str:
    """A line of a list entry without the entry's indentation (up to `width` columns of it: a lazy
    line has less)."""
    line = line.expandtabs(4) if "\t" in line else line
    return line[min(width, len(line) - len(line.lstrip(" "))) :]


def _unquote(line: str) -> str:
    """A line of a block quote without its `>` (and the space after it)."""
    text = line.lstrip(" ")
    if text.startswith(">"):
        text = text[1:]
        return text[1:] if text.startswith(" ") else text
    return line


def _table_of_contents(doc: Doc, block: Block) -> bool:
    text = doc.text(block.start, block.end)
    if "](#" not in text:
        return False
    urls = [link.url for link in find_links(text)]
    return bool(urls) and all(url.startswith("#") for url in urls)


def _placeholder(lines: list[str]) -> bool:
    """Whether lines say there is nothing: `- (No items in this window.)`."""
    text = "\n".join(lines).strip()
    marker = _MARKER.match(text)
    return (
        bool(text) and "\n" not in text and _PLACEHOLDER.fullmatch(text[marker.end() :] if marker else text) is not None
    )


def _dedent(lines: list[str]) -> str:
    """Body lines as one text: without the blank lines around them, or the margin they share."""
    start, end = 0, len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    while start < end and not lines[start].strip():
        start += 1
    if end - start == 1:
        return lines[start].strip()
    kept = [line.expandtabs(4).rstrip() for line in lines[start:end]]
    margin = min((len(x) - len(x.lstrip(" ")) for x in kept if x), default=0)
    return "\n".join(x[margin:] for x in kept)


def make_item(doc: Doc, n: int, span: Span) -> Item:
    head = doc.references(strip_anchor(span.head))
    bold = _BOLD.fullmatch(head) if head[:2] in ("**", "__") else None
    if bold:
        head = bold[2].strip()
    summary = doc.references(_dedent(span.body))
    title, url, rest = _headline(head)
    if rest:
        summary = f"{rest}\n\n{summary}" if summary else rest
    links = find_links(head, summary)
    if url and links and links[0] == (title, url):
        links[0] = Link(title, url)  # share the strings: 80,000 items hold a copy less
    if url is not None and ":" not in url.split("/", 1)[0]:
        url = None  # a relative link (`/news/abc`, `#top`) is never the source: it leads nowhere from here
    if url is None:
        url = next((link.url for link in links if is_web(link.url)), None)
    return Item(n, title or "(no headline)", url, tuple(links), summary, span.section)


def _headline(head: str) -> tuple[str, str | None, str]:
    """A headline's text, its link, and the text after it when it starts with its link: a linked
    headline (`[Headline](url) — more`), or a headline ending in a short source link
    (`Headline [来源](url)`, `Headline [↗](url)`), or plain text."""
    lead = LINK.match(head)
    if lead:
        rest = head[lead.end() :].strip()
        return plain(lead[1]), lead[2], rest if rest.strip(" -–—:：|") else ""
    end = head.rstrip()
    found = list(LINK.finditer(end)) if end.endswith(")") else []
    tail = found[-1] if found else None
    if tail and tail.end() == len(end) and head[tail.start() - 1] != "!" and len(plain(tail[1])) <= SOURCE_WORD:
        title = plain(head[: tail.start()]).rstrip(" -–—:：|·")
        if title:
            return title, tail[2], ""
    return plain(head), None, ""
