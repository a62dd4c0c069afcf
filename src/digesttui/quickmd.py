"""Markdown simple enough to draw without a Markdown parser: headings, paragraphs and `---` rules,
with text, `*emphasis*`, `**strong**`, backslash escapes and http(s) links in them; read as
markdown-it reads it as the detail pane configures it (`mdit`: Textual's "gfm-like", with tables,
strikethrough, HTML, linkify; and CJK-friendly emphasis). The detail pane draws every item it
can from this (`ui/quickview.py`): the first screen's before markdown-it and Textual's Markdown
are imported, the others without mounting that widget's blocks.
Anything else, or anything whose reading is not certain, gives None, and the caller uses the real
thing; a test holds this to markdown-it's own tokens. Pure."""

from __future__ import annotations

import re
from typing import NamedTuple

from digesttui.flanking import ASCII_PUNCT, delims


class Span(NamedTuple):
    start: int
    end: int
    style: str
    """"em", "strong" or "link" (with `href`)."""
    href: str = ""


class Block(NamedTuple):
    kind: str
    """"h1" to "h6", "p" or "hr"."""
    text: str = ""
    spans: tuple[Span, ...] = ()
    """In the order markdown-it closes them (inner first), as Textual adds them."""


_LINKISH = re.compile(r"://|www\.|@|\S\.[^\s\d]|mailto:", re.IGNORECASE)
"""Text that linkify might turn into a link (a host name, an address): left to the real thing."""

_URL = re.compile(r"https?://(?:[A-Za-z0-9\-._~:/?#@!$'*+,;=]|%[0-9A-Fa-f]{2})+")
"""A link target that markdown-it passes through unchanged (no characters it would encode)."""

_BLOCK_START = re.compile(r"[#>=<`~|\t]|[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|[-*_][-*_ \t]*$")
"""A line that may start a block other than a paragraph (lists, quotes, code, tables, HTML,
setext underlines)."""

_HEADING = re.compile(r"(#{1,6}) +(.*?) *")

MOST_OPEN = 100
"""Runs of `*` left open at once, at most (each closing run looks through them: quadratic)."""


def blocks(markdown: str) -> tuple[Block, ...] | None:
    """The blocks of `markdown`, or None if it holds anything else."""
    if "]:" in markdown:
        return None  # maybe a link reference definition
    out: list[Block] = []
    para: list[str] = []
    for raw in [*markdown.split("\n"), ""]:
        line = _line(raw)
        if line is None or (para and line == "---"):
            return None  # (`---` under a paragraph makes it a heading)
        heading = _HEADING.fullmatch(line)
        if para and (heading or not line):
            read = _Inline("\n".join(para)).read()
            if read is None:
                return None
            out.append(Block("p", *read))
            para.clear()
        if line == "---":
            out.append(Block("hr"))
        elif heading:
            text = heading[2]
            read = _Inline(text).read() if _bare(text) and not text.endswith("#") else None
            if read is None:
                return None
            out.append(Block(f"h{len(heading[1])}", *read))
        elif line:
            para.append(line)
    return tuple(out)


def _line(raw: str) -> str | None:
    """A line without the spaces at its ends, or None if it may start (or be part of) a block
    other than a paragraph, a heading or a rule."""
    line = raw.strip(" ")
    if not line:
        return line
    if len(raw) - len(raw.lstrip(" ")) > 3 or not _bare(line) or raw.endswith("  "):
        return None  # indented code, other spaces at the ends (tabs...), a hard break
    if line == "---" or _HEADING.fullmatch(line) or not _BLOCK_START.match(line):
        return line
    return None


def _bare(text: str) -> bool:
    """Whether `text` starts and ends with other than whitespace (which markdown-it trims in its
    own way)."""
    return bool(text) and not text[0].isspace() and not text[-1].isspace()


class _Delim:
    """A run of `*`: emphasis (1) or strong (2) if matched, else text."""

    def __init__(self, size: int, both: bool) -> None:
        self.size, self.both = size, both
        """`both`: it may open and close (between two letters)."""
        self.opens = False
        self.partner: _Delim | None = None


class _Link(NamedTuple):
    text: str
    spans: tuple[Span, ...]
    href: str


_SOFT = None
_Piece = str | _Delim | _Link | None

_PLAIN = re.compile(r"[^\\\n*\[<!_`~&|\]]+")
"""Text with nothing for markdown-it to read in it (apart from what linkify might find)."""


class _Inline:
    """The text of a paragraph or heading (or a link's, `src[lo:hi]`) and its spans, as Textual
    builds them from markdown-it's tokens."""

    def __init__(self, src: str, lo: int = 0, hi: int = -1, in_link: bool = False) -> None:
        self.src, self.lo, self.hi, self.in_link = src, lo, len(src) if hi < 0 else hi, in_link
        self.pieces: list[_Piece] = []
        self.text: list[str] = []
        self.openers: list[_Delim] = []

    def read(self) -> tuple[str, tuple[Span, ...]] | None:
        at: int | None = self.lo
        while at is not None and at < self.hi:
            at = self._step(at)
        return _joined(self.pieces) if at is not None and self._flush() else None

    def _step(self, at: int) -> int | None:
        """Read what starts at `at`; where the next thing starts, or None if not certain."""
        src = self.src
        if plain := _PLAIN.match(src, at, self.hi):
            self.text.append(plain[0])
            return plain.end()
        ch = src[at]
        if ch == "\\":
            nxt = src[at + 1] if at + 1 < self.hi else ""
            if nxt == "\n":
                return None  # a hard break
            self.text.append(nxt if nxt in ASCII_PUNCT else "\\")
            return at + (2 if nxt in ASCII_PUNCT else 1)
        if ch == "\n":
            return at + 1 if self._add(_SOFT) else None
        if ch == "*":
            return self._stars(at)
        if ch == "[" and not self.in_link:
            return self._link(at)
        if ch == "<":
            close = src.find(">", at, self.hi)
            url = src[at + 1 : close] if close > 0 else ""
            return close + 1 if _URL.fullmatch(url) and "%" not in url and self._add(_Link(url, (), url)) else None
        if ch == "!" and not src.startswith("[", at + 1):
            self.text.append(ch)
            return at + 1
        return None  # underscores, code, strikethrough, entities, tables, images, stray brackets

    def _flush(self) -> bool:
        if self.text:
            chunk = "".join(self.text)
            self.text.clear()
            if not self.in_link and _LINKISH.search(chunk):  # (linkify leaves a link's text alone)
                return False
            self.pieces.append(chunk)
        return True

    def _add(self, piece: _Piece) -> bool:
        """`piece` after the text before it (False if that text is not certain)."""
        if not self._flush():
            return False
        self.pieces.append(piece)
        return True

    def _stars(self, at: int) -> int | None:
        """A run of `*`, as markdown-it's `scanDelims` and `balance_pairs` see it."""
        src, end = self.src, at
        while end < self.hi and src[end] == "*":
            end += 1
        left, right = delims(src[max(0, at - 2) : at], src[end] if end < self.hi else " ", True)
        if end - at > 2 or len(self.openers) > MOST_OPEN:
            return None  # runs of three and more: not certain; many open: slow
        if not (left or right):
            self.text.append(src[at:end])
            return end
        delim = _Delim(end - at, both=left and right)
        if not self._add(delim) or (right and not self._close(delim)):
            return None
        if left and delim.partner is None:
            self.openers.append(delim)
        return end

    def _close(self, closer: _Delim) -> bool:
        """Match `closer` with the nearest opener markdown-it would match it with, if any; the
        openers passed over become text. False where markdown-it would match part of a run
        (`**a*`)."""
        for depth in range(len(self.openers) - 1, -1, -1):
            opener = self.openers[depth]
            if opener.size == closer.size:
                opener.partner, closer.partner, opener.opens = closer, opener, True
                del self.openers[depth:]
                return True
            if not (opener.both or closer.both):  # (else the "rule of 3" passes it over)
                return False
        return True

    def _link(self, at: int) -> int | None:
        """`[text](https://…)` at `at`."""
        src, close = self.src, at + 1
        while close < self.hi and src[close] != "]":
            if src[close] == "[":
                return None
            close += 2 if src[close] == "\\" else 1
        if close >= self.hi or not src.startswith("(", close + 1):
            return None
        end = src.find(")", close + 2, self.hi)
        href = src[close + 2 : end] if end > 0 else ""
        label = _Inline(src, at + 1, close, in_link=True).read() if _URL.fullmatch(href) else None
        return end + 1 if label is not None and self._add(_Link(*label, href)) else None


def _joined(pieces: list[_Piece]) -> tuple[str, tuple[Span, ...]]:
    """The pieces as one text with spans; runs of `*` left unmatched are text."""
    out: list[str] = []
    spans: list[Span] = []
    opened: list[int] = []
    chunk: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if chunk:
            joined = re.sub(r"\s+", " ", "".join(chunk))
            chunk.clear()
            out.append(joined)
            size += len(joined)

    for piece in pieces:
        if isinstance(piece, str):
            chunk.append(piece)
        elif isinstance(piece, _Delim) and piece.partner is None:
            chunk.append("*" * piece.size)
        else:
            flush()
            if piece is None:
                out.append(" ")
                size += 1
            elif isinstance(piece, _Link):
                out.append(piece.text)
                spans += [s._replace(start=s.start + size, end=s.end + size) for s in piece.spans]
                spans.append(Span(size, size + len(piece.text), "link", piece.href))
                size += len(piece.text)
            elif piece.opens:
                opened.append(size)
            else:
                spans.append(Span(opened.pop(), size, "em" if piece.size == 1 else "strong"))
    flush()
    return "".join(out), tuple(spans)
