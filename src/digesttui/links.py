"""The policy for opening and copying links. Pure decisions plus two small effects (starting a
browser command without a shell, and the system clipboard); no Textual."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from typing import NamedTuple
from urllib.parse import urlsplit

from digesttui.text import shorten

ALLOWED_SCHEMES = ("http", "https")
LONGEST_URL = 32_768
"""Characters: a longer link is refused (one command-line argument holds at most 128 KiB)."""


def refusal(url: str) -> str | None:
    """Why `url` must not be opened, or None when it may be (http and https only)."""
    shown = shorten(url, 120)
    if len(url) > LONGEST_URL:
        return f"not opening a link of {len(url):,} characters: the longest opened is {LONGEST_URL:,}"
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return f"not opening {shown!r}: it is not a valid link"
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        what = f"a {shorten(parts.scheme, 20)}: link" if parts.scheme else "a link without http:// or https://"
        return f"not opening {shown!r}: only http and https links are opened, and this is {what}"
    if not parts.netloc:
        return f"not opening {shown!r}: it names no host"
    return None


class OpenPlan(NamedTuple):
    """How to open a link: a command to run, or (argv None) copy it instead, because `why`."""

    argv: tuple[str, ...] | None
    why: str = ""


def browser_command(command: str, url: str) -> tuple[str, ...]:
    """A `$BROWSER`-style command (first of a `:`-separated list; `%s` is the URL) as argv."""
    first = command.split(os.pathsep)[0].strip()
    import shlex

    args = shlex.split(first)
    if any("%s" in a for a in args):
        return tuple(a.replace("%s", url) for a in args)
    return (*args, url)


def plan_open(url: str, env: Mapping[str, str], browser: str | None = None, platform: str = sys.platform) -> OpenPlan:
    """Decide how to open `url` (already checked with `refusal`).

    An explicit browser (`--browser` or `$BROWSER`) is always used. Otherwise a browser is started
    only where it would show on the user's screen: never over SSH, never without a graphical
    session, where xdg-open would fall back to a console browser that takes over the terminal."""
    command = browser or env.get("BROWSER", "").strip()
    if command:
        return OpenPlan(browser_command(command, url))
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY") or env.get("SSH_CLIENT"):
        return OpenPlan(None, "this is an SSH session: a browser would start on the server, not on your screen")
    if platform == "darwin":
        return OpenPlan(("open", url))
    if platform.startswith("win"):
        return OpenPlan(("explorer", url))
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return OpenPlan(None, "there is no graphical session (DISPLAY and WAYLAND_DISPLAY are unset)")
    return OpenPlan(("xdg-open", url))


def run_browser(argv: tuple[str, ...], wait: float = 3.0) -> str | None:
    """Start a browser command detached from the terminal; an error message, or None.

    It gets no terminal (new session, no stdin/stdout), so it cannot take the screen over. A
    command that exits with an error within `wait` seconds is reported; one still running then
    is taken to have opened the link."""
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                start_new_session=True,
            )
        except FileNotFoundError:
            return f"the browser command {argv[0]!r} was not found"
        except (OSError, ValueError) as exc:
            return f"the browser command {argv[0]!r} could not be started: {getattr(exc, 'strerror', None) or exc}"
        try:
            code = process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return None
        if not code:
            return None
        errors.seek(0)
        last = errors.read(4096).decode("utf-8", "replace").strip().splitlines()
    detail = f": {last[-1][:200]}" if last else ""
    return f"the browser command {argv[0]!r} failed (exit {code}){detail}"


def system_copy(text: str) -> str | None:
    """Copy to the system clipboard with pyperclip; why not, or None on success. Never raises."""
    try:
        import pyperclip

        pyperclip.copy(text)
    except Exception as exc:  # pyperclip raises many kinds when there is no clipboard
        return str(exc).split("\n")[0] or type(exc).__name__
    return None
