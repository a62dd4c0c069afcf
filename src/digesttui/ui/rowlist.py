"""A list drawn with Textual's Line API: it renders only the rows on screen, so 100,000 rows cost
what 20 do: no widget is mounted per row."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from digesttui.typeset import cell_len, head_in

PANE_BINDINGS: list[BindingType] = [
    Binding("tab", "app.pane(1)", "Next pane", show=False, id="pane.next"),
    Binding("shift+tab", "app.pane(-1)", "Previous pane", show=False, id="pane.previous"),
]
"""Tab goes digests -> items -> detail in every layout (Textual's own focus order follows where
the panes are drawn, which the stacked layouts change)."""


def focus_now(widget: Widget) -> None:
    """Focus `widget` at once, not as `Widget.focus` does it (a callback after the messages already
    queued): a key that came in the same read of the terminal (typed quickly, over SSH: `lj`, Enter
    and `j`) goes where the focus moved."""
    widget.screen.set_focus(widget)


Pieces = list[tuple[str, Style]]
"""A row: its texts, each in its style (drawn as they are, no markup; a Rich `Text` was ~2x slower
to draw, ~2 ms of the first frame)."""
PLAIN = Style.null()


def fit(pieces: Pieces, width: int) -> Pieces:
    """`pieces` in exactly `width` cells: cut with `…` right after the last character that fits
    (Rich's truncation leaves a space before it when that character is a wide one), or padded."""
    room = width - sum(cell_len(text) for text, _ in pieces)
    if room >= 0:
        return [*pieces, (" " * room, PLAIN)] if room else pieces
    fitted: Pieces = []
    room = width - 1
    for text, style in pieces:
        cut, used = head_in(text, room)
        room -= used
        fitted.append((text[:cut], style))
        if cut < len(text):
            break
    return [*fitted, ("…" + " " * room, PLAIN)]


class RowList(ScrollView, can_focus=True, inherit_bindings=False):
    """A cursor over `count` rows; subclasses say what a row shows (`row_text`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", "down", show=False, id="list.down"),
        Binding("k,up", "cursor(-1)", "up", show=False, id="list.up"),
        Binding("g,home", "cursor_to(0)", "top", show=False, id="list.top"),
        Binding("G,end", "cursor_to(-1)", "bottom", show=False, id="list.bottom"),
        Binding("ctrl+d", "half_page(1)", "half a page down", show=False, id="list.half_page_down"),
        Binding("ctrl+u", "half_page(-1)", "half a page up", show=False, id="list.half_page_up"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "rowlist--cursor",
        "rowlist--dim",
        "rowlist--mark",
        "rowlist--error",
    }
    DEFAULT_CSS = """
    RowList { overflow-x: hidden; overflow-y: auto; }
    RowList > .rowlist--cursor { background: $block-cursor-blurred-background; }
    RowList:focus > .rowlist--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    RowList > .rowlist--dim { color: $text-muted; }
    RowList > .rowlist--mark { color: $accent; text-style: bold; }
    RowList > .rowlist--error { color: $text-warning; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.count = 0
        self.cursor = 0
        self.empty = ""
        """What the list says when it has no rows (why, and which key undoes it)."""
        self._base = Style()
        self.moved: Callable[[int], object] = lambda index: None
        """Called when the cursor moves by key, click or `move_to` (not `jump` or `set_count`).
        A call, not a message: a message crosses three queues (list, screen, app) and the screen
        paints in between, so what the owner shows for the new row came a frame (~20 ms) late."""

    # --- what subclasses provide ---

    def row_text(self, index: int, width: int) -> Pieces:
        raise NotImplementedError

    # --- content ---

    def set_count(self, count: int, cursor: int) -> None:
        """New rows (the cursor put at `cursor`, quietly: `moved` is not called)."""
        self.count = count
        self.cursor = max(0, min(cursor, count - 1))
        self.virtual_size = Size(self.scrollable_content_region.width, count)
        self._show_cursor()
        self.refresh()

    def jump(self, index: int) -> None:
        """Put the cursor on a row, quietly (`moved` is not called)."""
        self._put_cursor(max(0, min(index, self.count - 1)))

    def move_to(self, index: int) -> None:
        if not self.count:
            return
        index = max(0, min(index, self.count - 1))
        if index != self.cursor:
            self._put_cursor(index)
        self.moved(index)

    def _put_cursor(self, index: int) -> None:
        old, top = self.cursor, round(self.scroll_y)
        self.cursor = index
        self._show_cursor()
        if round(self.scroll_y) == top:  # only the two rows whose look changed are drawn again
            self.refresh_line(old)
            self.refresh_line(index)
        else:
            self.refresh()

    def _show_cursor(self) -> None:
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif height and self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    # --- keys and mouse ---

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_cursor_to(self, index: int) -> None:
        self.move_to(index if index >= 0 else self.count - 1)

    def action_half_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.scrollable_content_region.height // 2))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.move_to(round(self.scroll_y) + offset.y)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.count)
        self._show_cursor()

    # --- drawing ---

    def render_lines(self, crop: Region) -> list[Strip]:
        self._base = self.rich_style  # once a frame, not once a line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = round(self.scroll_y) + y
        if index < self.count:
            pieces = fit(self.row_text(index, width), width)
            if index == self.cursor:
                cursor = self.style("cursor")
                pieces = [(text, style + cursor) for text, style in pieces]
        elif index == 0 and self.empty:
            pieces = fit([(self.empty, self.style("dim"))], width)
        else:
            return Strip.blank(width, self._base)
        return Strip([Segment(text, self._base + style) for text, style in pieces if text], width).simplify()

    def style(self, name: str) -> Style:
        return self.get_component_rich_style(f"rowlist--{name}")
