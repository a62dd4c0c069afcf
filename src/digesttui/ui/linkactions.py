"""Opening and copying links: the app's side of `digesttui.links` (a browser started in a worker
thread, OSC 52 and the system clipboard), as functions of the app."""

from __future__ import annotations

import os
from functools import partial

from textual.app import App

from digesttui import links
from digesttui.model import Item
from digesttui.text import shorten


def source_link(app: App[None], item: Item | None) -> str | None:
    """The item's source link, else None with the reason told."""
    if item is None:
        app.notify("No item is selected.", severity="warning")
    elif not item.url:
        app.notify("This item has no source link.", severity="warning")
    return item.url if item else None


def copy_item(app: App[None], item: Item | None) -> None:
    from digesttui.render import item_as_markdown

    if item is not None:
        copy_text(app, item_as_markdown(item), "the item as Markdown")


def pick_link(app: App[None], item: Item | None, verb: str, browser: str | None) -> None:
    """Choose one of the item's links to open or copy (`O` / `C`)."""
    from digesttui.ui.screens import LinkPicker

    if item is None or not item.links:
        app.notify("This item has no links.", severity="warning")
        return

    def chosen(url: str | None) -> None:
        if url is not None and verb == "open":
            open_url(app, url, browser)
        elif url is not None:
            copy_text(app, url, "the link")

    app.push_screen(LinkPicker(item.links, verb), chosen)


def open_url(app: App[None], url: str, browser: str | None) -> None:
    """Open a link by the link policy: http(s) only, no console browser, never a shell."""
    why = links.refusal(url)
    if why:
        app.notify(why[0].upper() + why[1:], severity="error", title="Link refused")
        return
    plan = links.plan_open(url, os.environ, browser)
    if plan.argv is None:
        copy_text(app, url, shorten(url, 200), f"Not opening a browser: {plan.why}. ")
    else:
        app.run_worker(partial(_run_browser, app, plan.argv, url), thread=True, group="links", exit_on_error=False)


def _run_browser(app: App[None], argv: tuple[str, ...], url: str) -> None:
    shown = shorten(url, 200)
    try:
        error = links.run_browser(argv)
    except Exception as exc:  # never a link that silently does nothing
        error = f"{type(exc).__name__}: {exc}"
    if error:
        app.notify(f"Could not open {shown}: {error}.", severity="error")
    else:
        app.notify(f"Opened {shown}", timeout=3)


def copy_text(app: App[None], text: str, what: str, prefix: str = "") -> None:
    """Copy by OSC 52 (reaches the user's own machine over SSH) and the system clipboard."""
    app.copy_to_clipboard(text)
    app.run_worker(partial(_system_copy, app, text, what, prefix), thread=True, group="clipboard", exit_on_error=False)


def _system_copy(app: App[None], text: str, what: str, prefix: str) -> None:
    error = links.system_copy(text)
    where = (
        "the system clipboard and the terminal's (OSC 52)"
        if error is None
        else "the terminal's clipboard (OSC 52); no system clipboard here"
    )
    app.notify(f"{prefix}Copied {what} to {where}.", timeout=6)
