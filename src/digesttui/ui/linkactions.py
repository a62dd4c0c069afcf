"""Opening and copying links: the app's side of `digesttui.links` (a browser started in a worker
thread, OSC 52 and the system clipboard), as functions of the app."""

from __future__ import annotations

import os
from functools import partial

from textual.app import App

from digesttui import links
from digesttui.text import shorten


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
