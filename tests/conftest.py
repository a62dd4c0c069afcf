from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the developer's own cache, state or config; no desktop, no SSH, no $BROWSER."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT", "BROWSER", "DIGEST_TUI_DIR"):
        monkeypatch.delenv(var, raising=False)


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    return path


def digest_text(title: str, date: str, *items: tuple[str, str], extra: str = "") -> str:
    body = "\n\n".join(f"{n}.  [{t}]({u})\n    Summary of **{t}**." for n, (t, u) in enumerate(items, 1))
    return f'---\ntitle: "{title}"\ndate: {date}\n{extra}---\n\n{body}\n'


def bump_mtime(path: Path, seconds: float = 5) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + int(seconds * 1e9)))
