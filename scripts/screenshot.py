"""Make docs/screenshot.svg with the app's own screenshot feature (App.save_screenshot)."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from digesttui.cli import choose_roots
from digesttui.ui.app import DigestApp
from digesttui.ui.detail import DetailPane


async def main(out: Path) -> None:
    # a fresh reader: no read marks, cache or config of whoever runs this
    home = tempfile.mkdtemp()
    for var in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        os.environ[var] = home
    roots, samples = choose_roots([], {})
    app = DigestApp(roots, samples=samples, watch=False)
    async with app.run_test(size=(150, 34)) as pilot:
        while not app.reader.loaded:
            await pilot.pause(0.05)
        await pilot.press("j", "j", "j", "j", "l", "j", "j")
        detail = app.query_one(DetailPane)
        while not detail.settled:
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        app.save_screenshot(filename=out.name, path=str(out.parent))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.svg").resolve()))
