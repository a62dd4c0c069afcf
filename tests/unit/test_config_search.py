from __future__ import annotations

from pathlib import Path

from digesttui.catalog import Catalog
from digesttui.config import Config, load_config
from digesttui.parse import parse_digest
from digesttui.search import Search


def test_missing_config_is_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "none.toml") == (Config(), None)


def test_full_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'folders = ["~/d", "/srv/digests"]\ntheme = "nord"\nbrowser = "firefox %s"\nmark_read = "manual"\n'
        'mark_read_delay = 2\n[keys]\n"link.open" = "o,enter"\n'
    )
    config, problem = load_config(path)
    assert problem is None
    assert config.folders[1] == "/srv/digests" and not config.folders[0].startswith("~")
    assert (config.theme, config.browser, config.mark_read, config.mark_read_delay) == (
        "nord",
        "firefox %s",
        "manual",
        2,
    )
    assert config.keys == {"link.open": "o,enter"}


def test_broken_toml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\nmark_read = \n')
    config, problem = load_config(path)
    assert config == Config()
    assert problem is not None and problem.startswith(f"{path}:2: not valid TOML")


def test_bad_values_fall_back_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\nmark_read = "sometimes"\nfolders = "/x"\ncolour = 1\n')
    config, problem = load_config(path)
    assert config.theme == "nord" and config.mark_read == "delay" and config.folders == ()
    assert problem is not None
    for needle in ["'mark_read' should be one of", "'folders' should be a list", "unknown setting: colour"]:
        assert needle in problem


def _digest(path: str, *items: tuple[str, str]) -> object:
    body = "\n".join(f"{n}. [{t}](https://x.example/{path}/{n})\n   {s}" for n, (t, s) in enumerate(items, 1))
    return parse_digest(f"---\ntitle: {path}\ndate: 2025-01-01\n---\n{body}\n".encode(), f"/d/{path}.md")


def test_search_headlines_and_summaries_case_insensitive_and_chinese() -> None:
    a = _digest("a", ("OpenAI 发布新模型", "模型参数 **309B**"), ("Other", "nothing"))
    b = _digest("b", ("小米 MiMo", "开源 MoE 模型"))
    catalog = Catalog(None)
    catalog.put([a, b])
    index = Search([a, b], catalog)
    assert [(h.digest.title, h.item.n) for h in index.search("模型")] == [("a", 1), ("b", 1)]
    assert [h.item.n for h in index.search("openai")] == [1]
    assert [h.item.n for h in index.search("NOTHING")] == [2]
    assert index.search("309b")[0].item.title == "OpenAI 发布新模型"
    assert [h.item.n for h in index.search("参数 309")] == [1]  # across the bold marks, as shown
    assert [h.item.n for h in index.search("**309B**")] == [1]
    assert index.search("") == [] and index.search("absent") == []
    assert len(index.search("o", limit=2)) == 2


def test_search_hits_are_the_readers_own_digests_found_by_their_place() -> None:
    """Hits carry the digests the reader holds (light ones, in a snapshot's order: newest first,
    by path where equal), found by their place in that order; a digest in the catalog that the
    reader does not hold gives no hit."""
    from digesttui.model import newest_first
    from digesttui.rows import light

    digests = [_digest(f"{name}", ("模型", "x")) for name in "dcbae"]  # one date: ordered by path
    dated = parse_digest(b"---\ntitle: new\ndate: 2026-01-01\n---\n1. [model](https://n.example)\n", "/d/z.md")
    catalog = Catalog(None)
    catalog.put([*digests, dated])
    held = sorted(map(light, [dated, *digests[1:]]), key=newest_first)  # "d" not held
    hits = Search(held, catalog).search("模型") + Search(held, catalog).search("model")
    assert [h.digest.path for h in hits] == ["/d/a.md", "/d/b.md", "/d/c.md", "/d/e.md", "/d/z.md"]
    assert all(any(h.digest is d for d in held) for h in hits)
