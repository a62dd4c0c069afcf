"""Hostile digest files: what an attacker (or an unlucky generator) might write. Each is about
100 KB; the test suite parses them, and `bench/hostile.py` feeds them to `--check` and to a running
reader for its figures."""

from __future__ import annotations

SIZE = 100_000
FRONT = "---\ntitle: t\ndate: 2025-01-01\n---\n\n"


def _repeat(motif: str, size: int = SIZE) -> str:
    return motif * (size // len(motif))


def _bomb() -> str:
    """Nested YAML aliases: 385 bytes that expand to 9**7 (4.8 million) strings."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdef", "bcdefg", strict=True):
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    return "---\n" + "\n".join(lines) + "\ntitle: *g\n---\n\n1. a\n"


PATTERNS: dict[str, str] = {
    # regexes that backtracked super-linearly (each froze the screen for seconds to minutes)
    "heading-spaces": FRONT + "# a" + " " * SIZE + "b\n",
    "item-spaces": FRONT + "1. a" + " " * SIZE + "b\n",
    "title-spaces": "---\ntitle: x" + " " * SIZE + "y\n---\n\n1. a\n",
    "star-a": FRONT + "1. " + _repeat("*a ") + "\n",
    "underscore-a": FRONT + "1. " + _repeat("_a ") + "\n",
    "bold-unclosed": FRONT + "1. " + _repeat("**a*") + "\n",
    "autolink-unclosed": FRONT + "1. [x](https://a.example)\n    " + _repeat("<http://a") + "\n",
    "anchor-unclosed": FRONT + "### 1. " + _repeat("{#") + "\n",
    "link-target-spaces": FRONT + "1. [a](b" + " " * SIZE + "c\n",
    "heading-closing-hashes": FRONT + "## a " + _repeat("# ") + "b\n",
    "nested-brackets": FRONT + "1. " + _repeat("[a[b]") + "\n",
    "images-unclosed": FRONT + "1. " + _repeat("![") + "\n",
    "emphasis-mixed": FRONT + "1. " + _repeat("*_") + "\n",
    # front matter that crashed the parser or ate memory
    "yaml-nested": "---\ncategories: " + "[" * 1000 + "\n---\n\n1. a\n",
    "yaml-alias-bomb": _bomb(),
    "toml-nested": "+++\ncategories = " + "[" * 1000 + "]" * 1000 + "\n+++\n\n1. a\n",
    "toml-huge-integer": "+++\nx = " + "1" * 4301 + "\n+++\n\n1. a\n",
    "front-matter-huge": "---\n" + "".join(f"k{n}: v\n" for n in range(SIZE // 7)) + "---\n\n1. a\n",
    # text that would reach the terminal
    "controls-and-bidi": FRONT
    + "1. [\x1bcTitle \u202eevil\u202c\x07](https://a.example)\n    \x1b]2;pwned\x07 \x9b31m red \u2066x\u2069\n",
    "markup": FRONT.replace("title: t", "title: Weekly [/r/LocalLLaMA] roundup [@click=app.quit]x[/]")
    + "1. [[D] Headline [/] [@click=app.quit]quit[/]](https://e.example/[/x])\n    Summary [b]x[/b] [/]\n",
}
"""Name -> file text."""
