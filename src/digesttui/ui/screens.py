"""Modal screens: the key help (`?`) and the link picker (`O` / `C`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from digesttui.model import Link
from digesttui.resources import resource
from digesttui.text import safe

SCREENS_CSS = str(resource("styles") / "screens.tcss")

_KEY_NAMES = {
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "question_mark": "?",
    "slash": "/",
    "space": "Space",
    "enter": "Enter",
    "home": "Home",
    "end": "End",
    "escape": "Esc",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
}
_BUILT_IN = [
    ("Ctrl+P", "Command palette (themes, screenshot, quit)"),
    ("Mouse", "Click a row to select it; the wheel scrolls"),
]


def key_label(keys: str) -> str:
    names = []
    for key in keys.split(","):
        key = key.strip()
        if key.startswith("ctrl+"):
            names.append("Ctrl+" + key[5:].upper())
        else:
            names.append(_KEY_NAMES.get(key, key))
    return " / ".join(names)


class HelpScreen(ModalScreen[None]):
    """Every key, from the bindings themselves, so the list cannot drift from what the keys do."""

    CSS_PATH = SCREENS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, bindings: Sequence[Binding]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
        table.add_column(style="bold")
        table.add_column()
        table.add_column(style="dim")
        seen = set()
        for binding in self.bindings:
            row = (safe(key_label(binding.key)), binding.description, binding.id or "")
            if row not in seen:
                seen.add(row)
                table.add_row(*map(Text, row))  # Text: keys from the config are not markup
        for keys, what in _BUILT_IN:
            table.add_row(Text(keys), Text(what), "")
        self.table = table
        with VerticalScroll(id="help") as scroll:
            scroll.border_title = "Keys — Esc closes (last column: the ids for \\[keys] in config.toml)"
            yield Static(table)


class Confirm(ModalScreen[bool]):
    """A one-line question: y (or Enter) says yes, n (or Esc) no."""

    CSS_PATH = SCREENS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "dismiss(True)", "Yes", id="confirm.yes"),
        Binding("n,escape,q", "dismiss(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        yield Static(Text(f"{self.question}  (y / n)"), id="confirm")


class PickerList(OptionList):
    """An option list that moves with j / k too, as every list of the reader does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class LinkPicker(ModalScreen[str | None]):
    """Every link of an item with its text; chosen by number, or arrows and Enter."""

    CSS_PATH = SCREENS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Cancel", id="picker.cancel"),
        *(Binding(str(n), f"choose({n})", f"Link {n}", show=False) for n in range(1, 10)),
    ]

    def __init__(self, links: Sequence[Link], verb: str) -> None:
        super().__init__()
        self.links = links
        self.verb = verb

    def compose(self) -> ComposeResult:
        options = []
        for n, link in enumerate(self.links, 1):
            prompt = Text(f"{n}. " if n < 10 else "   ")
            prompt.append(link.text if link.text != link.url else "")
            prompt.append(f"\n   {link.url}", style="dim")
            options.append(Option(prompt))
        with Vertical(id="picker") as box:
            box.border_title = f"{self.verb.capitalize()} which link? (number, or ↑↓ and Enter; Esc cancels)"
            yield PickerList(*options)

    def action_choose(self, n: int) -> None:
        if n <= len(self.links):
            self.dismiss(self.links[n - 1].url)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[event.option_index].url)


class CategoryPicker(ModalScreen[str | None]):
    """Categories and tags with how many digests carry each; "" means all digests."""

    CSS_PATH = SCREENS_CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss(None)", "Cancel", id="picker.cancel")]

    def __init__(self, counts: dict[str, int], current: str | None) -> None:
        super().__init__()
        self.names = ["", *sorted(counts, key=lambda n: (-counts[n], n))]
        self.counts = counts
        self.current = current

    def compose(self) -> ComposeResult:
        options = [Option(Text("All digests" + (" (no filter)" if not self.current else "")))]
        for name in self.names[1:]:
            prompt = Text(f"{'• ' if name == self.current else '  '}{name}")
            prompt.append(f"  {self.counts[name]}", style="dim")
            options.append(Option(prompt))
        with Vertical(id="picker") as box:
            box.border_title = "Show digests with which category or tag? (Esc cancels)"
            yield PickerList(*options)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.names[event.option_index])
