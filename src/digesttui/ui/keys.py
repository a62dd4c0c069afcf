"""Every key of the reader: the app's bindings, and the bindings in effect once the config's
`[keys]` remaps are applied (those that cannot apply are said, with the reason)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from textual.binding import Binding, BindingType

from digesttui.ui.detail import DetailPane
from digesttui.ui.lists import DigestList
from digesttui.ui.rowlist import RowList

APP_BINDINGS: list[BindingType] = [
    Binding("q", "quit", "Quit", id="quit"),
    Binding("question_mark", "help", "Keys", id="help"),
    Binding("slash", "search", "Search", id="search"),
    Binding("n", "next_unread(1)", "Next unread", id="unread.next"),
    Binding("N", "next_unread(-1)", "Previous unread", show=False, id="unread.previous"),
    Binding("J", "next_digest(1)", "Next digest", show=False, id="digest.next"),
    Binding("K", "next_digest(-1)", "Previous digest", show=False, id="digest.previous"),
    Binding("h,left", "pane(-1)", "Pane left", show=False, id="pane.left"),
    Binding("l,right", "pane(1)", "Pane right", show=False, id="pane.right"),
    Binding("enter", "open", "Open", show=False, id="pane.enter"),
    Binding(
        "space,pagedown", "page_detail(1)", "Page down (at the end: next unread)", show=False, id="detail.page_down"
    ),
    Binding("b,pageup", "page_detail(-1)", "Page up", show=False, id="detail.page_up"),
    Binding("o", "open_link", "Open link", id="link.open"),
    Binding("c,y", "copy_link", "Copy link", id="link.copy"),
    Binding("O", "pick_link('open')", "Open which link", show=False, id="link.pick_open"),
    Binding("C", "pick_link('copy')", "Copy which link", show=False, id="link.pick_copy"),
    Binding("Y", "copy_item", "Copy item as Markdown", show=False, id="item.copy"),
    Binding("m", "toggle_read", "Mark read / unread", show=False, id="item.toggle_read"),
    Binding("M", "mark_digest_read", "Mark the digest read", show=False, id="digest.mark_read"),
    Binding("v", "view_digest", "The whole digest", show=False, id="digest.view"),
    Binding("e", "pager", "The digest's file in $PAGER", show=False, id="digest.pager"),
    Binding("A", "mark_all_read", "Mark everything shown read", show=False, id="all.mark_read"),
    Binding("ctrl+z", "undo", "Undo the last mark read", show=False, id="undo"),
    Binding("s", "toggle_star", "Star / unstar", show=False, id="item.star"),
    Binding("S", "toggle_filter('starred')", "Only starred items", show=False, id="filter.starred"),
    Binding("u", "toggle_filter('unread')", "Only unread items (again: all)", show=False, id="filter.unread"),
    Binding("f", "pick_category", "Filter by category or tag", show=False, id="filter.category"),
    Binding("r", "reload", "Reload", id="reload"),
]


def all_bindings(keymap: Mapping[str, str] | None = None) -> list[Binding]:
    """Every binding of the reader, with the keys in effect after the config's `[keys]`."""
    found: list[Binding] = []
    for bindings in (APP_BINDINGS, RowList.BINDINGS, DigestList.BINDINGS, DetailPane.BINDINGS):
        found.extend(b for b in bindings if isinstance(b, Binding))
    keymap = keymap or {}
    return [replace(b, key=keymap[b.id]) if b.id and b.id in keymap else b for b in dict.fromkeys(found)]


def keymap_problems(keymap: Mapping[str, str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The remaps that can apply, and (binding id, why) for those that cannot: an unknown id, or
    a key another binding already has (unless that one is remapped too)."""
    bindings = {b.id: b for b in all_bindings() if b.id}
    taken = {key.strip(): b.id for b in bindings.values() for key in b.key.split(",")}
    good: dict[str, str] = {}
    bad: list[tuple[str, str]] = []
    for binding_id, keys in keymap.items():
        if binding_id not in bindings:
            bad.append((binding_id, f"there is no binding {binding_id!r} (the ? screen lists them)"))
            continue
        clash = [(k, taken[k]) for k in (k.strip() for k in keys.split(",")) if taken.get(k, binding_id) != binding_id]
        clash = [(k, other) for k, other in clash if other not in keymap]
        if clash:
            key, other = clash[0]
            bad.append((binding_id, f"{key!r} is already the key of {other!r}; remap that one too"))
            continue
        good[binding_id] = keys
    return good, bad
