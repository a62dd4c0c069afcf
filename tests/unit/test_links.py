from __future__ import annotations

import sys

import pytest

from digesttui import links
from digesttui.parse import parse_digest
from digesttui.render import item_as_markdown, item_markdown


@pytest.mark.parametrize("url", ["https://x.com/a", "http://example.com", "HTTPS://EXAMPLE.COM/x"])
def test_http_and_https_are_allowed(url: str) -> None:
    assert links.refusal(url) is None


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("javascript:alert(1)", "javascript:"),
        ("file:///etc/passwd", "file:"),
        ("data:text/html,hi", "data:"),
        ("vscode://open", "vscode:"),
        ("#fragment", "without http"),
        ("example.com/x", "without http"),
        ("https:///nohost", "no host"),
    ],
)
def test_everything_else_is_refused_with_a_reason(url: str, why: str) -> None:
    reason = links.refusal(url)
    assert reason is not None and why in reason


URL = "https://x.example/a"
DESKTOP = {"DISPLAY": ":0"}


@pytest.mark.parametrize(
    ("env", "browser", "argv", "why"),
    [
        (DESKTOP, None, ("xdg-open", URL), ""),
        ({"WAYLAND_DISPLAY": "wayland-0"}, None, ("xdg-open", URL), ""),
        ({}, None, None, "no graphical session"),
        ({**DESKTOP, "SSH_CONNECTION": "1 2 3 4"}, None, None, "SSH"),
        ({"SSH_TTY": "/dev/pts/1"}, None, None, "SSH"),
        ({"BROWSER": "firefox --new-tab"}, None, ("firefox", "--new-tab", URL), ""),
        ({"BROWSER": "mybrowser '%s' --x:other"}, None, ("mybrowser", URL, "--x"), ""),
        ({"SSH_TTY": "x", "BROWSER": "w3m"}, None, ("w3m", URL), ""),
        ({"BROWSER": "ignored"}, "chromium %s", ("chromium", URL), ""),
    ],
)
def test_open_plan_matrix(env, browser, argv, why) -> None:
    plan = links.plan_open(URL, env, browser, platform="linux")
    assert plan.argv == argv
    assert why in plan.why


def test_macos_opens_without_display() -> None:
    assert links.plan_open(URL, {}, platform="darwin").argv == ("open", URL)


def test_run_browser_reports_missing_and_failing_commands(tmp_path) -> None:
    assert "not found" in (links.run_browser(("no-such-browser-xyz", URL)) or "")
    failing = tmp_path / "fail.sh"
    failing.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    failing.chmod(0o755)
    error = links.run_browser((str(failing), URL))
    assert error is not None and "exit 3" in error and "cannot open display" in error
    record = tmp_path / "opened"
    ok = tmp_path / "ok.sh"
    ok.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {record}\n')
    ok.chmod(0o755)
    assert links.run_browser((str(ok), URL + "?a=1&b=$(touch pwned)")) is None
    assert record.read_text() == URL + "?a=1&b=$(touch pwned)"  # no shell got involved
    assert not (tmp_path / "pwned").exists()


def test_system_copy_never_raises(monkeypatch) -> None:
    import pyperclip

    def broken(text: str) -> None:
        raise pyperclip.PyperclipException("Pyperclip could not find a copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", broken)
    assert "could not find" in (links.system_copy("x") or "")


def test_item_markdown_has_headline_source_summary_and_digest() -> None:
    text = (
        '---\ntitle: "D [x]"\ndate: 2025-01-02T03:04:00\ncategories: [c1]\n---\n'
        "1. [H*i*](https://h.example)\n   **bold** sum\n"
    )
    digest = parse_digest(text.encode(), "/d.md")
    md = item_markdown(digest, digest.items[0])
    assert "## [Hi](https://h.example)" in md
    assert "Source: <https://h.example>" in md
    assert "**bold** sum" in md
    assert "D \\[x\\]" in md and "2025-01-02 03:04" in md and "c1" in md
    assert item_as_markdown(digest.items[0]) == "[Hi](https://h.example)\n\n**bold** sum\n"


def test_platform_default_is_this_machine() -> None:
    assert links.plan_open(URL, {}).argv is None or sys.platform in ("darwin", "win32")


@pytest.mark.parametrize(
    ("url", "written"),
    [
        ("https://a.example/x", "[t](https://a.example/x)"),
        ("https://a.example/a_(b)", "[t](<https://a.example/a_(b)>)"),
        ("https://a.example/a b", "[t](<https://a.example/a b>)"),
        ("https://a.example/<x>", "[t](<https://a.example/%3Cx%3E>)"),
    ],
)
def test_markdown_links_use_angle_brackets_only_when_needed(url: str, written: str) -> None:
    from digesttui.render import markdown_link

    assert markdown_link("t", url) == written
