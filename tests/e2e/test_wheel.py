"""The stylesheet and the samples ship inside the wheel, and a plain install finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    (built,) = out.glob("digest_tui-*.whl")
    return built


def test_wheel_holds_styles_and_seeds(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    styles = {n.removeprefix("digesttui/styles/") for n in names if n.startswith("digesttui/styles/")}
    assert styles == {p.name for p in (ROOT / "styles").iterdir() if p.suffix == ".tcss"}  # each one
    seeds = sorted(n for n in names if n.startswith("digesttui/seeds/"))
    assert "digesttui/seeds/2025-12-17-20.md" in seeds and len(seeds) >= 6
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_wheel_finds_its_files_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)], check=True
    )
    code = (
        "import digesttui.resources as r, digesttui.ui.app as a, sys; "
        f"assert r.__file__.startswith({str(target)!r}), r.__file__; "
        "print(r.resource('seeds')); print(a.DigestApp.CSS_PATH)"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    seeds, css = out.stdout.splitlines()
    assert seeds.startswith(str(target)) and Path(seeds, "2025-12-17-20.md").is_file()
    assert css.startswith(str(target)) and Path(css).is_file()
    check = subprocess.run(
        [sys.executable, "-m", "digesttui", "--check"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert check.returncode == 0 and "checked 6 files: 0 errors, 0 warnings" in check.stdout, check.stderr
