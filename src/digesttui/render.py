"""Items as Markdown text: for the detail pane and for copying. Pure functions."""

from __future__ import annotations

import re

from digesttui.model import Digest, Item
from digesttui.typeset import join_soft_breaks

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def escape(text: str) -> str:
    """Plain text made safe to drop into Markdown (no markup of its own)."""
    return _SPECIAL.sub(r"\\\1", text)


def headline(item: Item) -> str:
    return markdown_link(item.title, item.url) if item.url else escape(item.title)


def _source(url: str) -> str:
    if "://" not in url:
        return f"`{url}`"
    return f"<{url}>" if short_url(url) == url else markdown_link(short_url(url), url)


def short_url(url: str, limit: int = 40) -> str:
    """A long link as its host and the start of its path, with `…` (a WeChat link takes four
    lines in full); the link itself, for `o`, `c` and the terminal, stays whole."""
    if len(url) <= limit:
        return url
    rest = url.partition("://")[2]
    host, _, path = rest.partition("/")
    room = max(8, limit - len(host) - 2)
    if not path:
        return f"{host[: limit - 1]}…"
    return f"{host}/{path}" if len(path) <= room else f"{host}/{path[:room]}…"


def markdown_link(text: str, url: str) -> str:
    """`[text](url)`: the URL in angle brackets only when it needs them (spaces, parentheses,
    angle brackets), so that it pastes into every Markdown reader."""
    target = f"<{url.replace('<', '%3C').replace('>', '%3E')}>" if any(c in url for c in " ()<>") else url
    return f"[{escape(text)}]({target})"


def item_markdown(digest: Digest, item: Item, when: str = "") -> str:
    """The detail pane: headline, the source link (a long one shortened on screen), the summary,
    and where it is from (`when`: its time as the list shows it)."""
    parts = []
    if item.section:
        parts.append(f"*{escape(item.section)}*")
    parts.append(f"## {headline(item)}")
    if item.url:
        parts.append(f"Source: {_source(item.url)}")
    if item.summary:
        parts.append(join_soft_breaks(item.summary))
    title = f"**{escape(digest.shown_title)}**" + (f" ({escape(digest.description)})" if digest.description else "")
    about = [title, when or digest.date_text()]
    if digest.categories or digest.tags:
        about.append(" · ".join(escape(c) for c in (*digest.categories, *digest.tags)))
    parts.append("---")
    parts.append(f"Item {item.n} of {digest.count} in {' — '.join(about)}")
    if digest.problems:
        parts.append(problems_markdown(digest))
    return "\n\n".join(parts)


def digest_markdown(digest: Digest, when: str = "") -> str:
    """The detail pane when no item is shown (none in the digest, or none unread): the digest's
    title, what it says besides items (its overview) and its problems."""
    parts = [
        f"## {escape(digest.shown_title)}",
        escape(" — ".join(filter(None, [when or digest.date_text(), digest.description]))),
    ]
    if digest.overview:
        parts.append(join_soft_breaks(digest.overview))
    if digest.problems:
        parts.append(problems_markdown(digest))
    return "\n\n".join(parts)


def problems_markdown(digest: Digest) -> str:
    """What is wrong with a digest file, and where."""
    lines = [f"**⚠ Problems in `{digest.label}`**", ""]
    lines += [f"- {p.level}: {escape(p.describe())}" for p in digest.problems]
    return "\n".join(lines)


def item_as_markdown(item: Item) -> str:
    """The item to paste elsewhere: its headline link and summary."""
    return f"{headline(item)}\n\n{item.summary}".rstrip() + "\n"
