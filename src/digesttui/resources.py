"""Files that ship with the program: the stylesheet and the sample digests."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def resource(name: str) -> Path:
    """`styles` or `seeds`: inside the installed package (a wheel), else at the top of the
    source tree (an editable install or a checkout)."""
    for base in (_HERE, _HERE.parent.parent):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"digest-tui is installed without its {name}/ folder")
