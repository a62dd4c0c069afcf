"""Frames held from a key until what it changes is ready, so that its whole effect is drawn at once.

Textual draws at most 60 frames a second: a change made within 1/60 s of the last frame waits for
the next one. A key whose effect comes in two steps (the cursor at once; the item rendered, or the
hits found in a thread, a few milliseconds later) had its first step drawn at once and its second
up to a frame later. Held until both are made, they are drawn together, sooner: at 1,000 digests
(medians of 30 and 8 presses) `j` in the items 34 -> 20 ms to the next item on screen, a search's
key 37-43 -> 17-19 ms to its hits."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from textual.app import App
from textual.timer import Timer


class HeldFrames:
    """An app's frames held (Textual's `App.batch_update`) from `hold` until `release`, or for
    `limit` seconds at most: a slow second step never keeps the screen still for longer."""

    def __init__(self, limit: float = 0.1) -> None:
        self.limit = limit
        self._batch = ExitStack()
        self._timer: Timer | None = None

    def hold(self, app: App[Any]) -> None:
        if self._timer is None:
            self._batch.enter_context(app.batch_update())
            self._timer = app.set_timer(self.limit, self.release)

    def release(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
            self._batch.close()  # drawn at Textual's next idle
