"""Seed guides in headless Chromium: figures present, no console errors, a real page."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SEED_GUIDES = ("alnespirone", "azapirones", "basimglurant")
_CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        _CHROMIUM is None,
        reason="headless Chromium not found; install it with `apt-get install chromium`",
    ),
]

_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium(*args: str) -> subprocess.CompletedProcess:
    profile = tempfile.mkdtemp(prefix="preclin-chromium-")
    try:
        return subprocess.run(
            [_CHROMIUM, *_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.parametrize("name", SEED_GUIDES)
def test_guide_renders_in_chromium(seed_guides, name, tmp_path):
    import matplotlib.image as mpimg
    import numpy as np

    page = Path(seed_guides[name]).resolve()
    html = page.read_text(encoding="utf-8")
    n_figures = html.count('<figure class="figure"')
    assert n_figures >= 1

    dom = _chromium("--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") >= n_figures  # every figure parsed as inline SVG
    for img in re.findall(r"<img[^>]*>", dom.stdout):  # no <img> may point anywhere
        assert 'src="data:' in img, img

    shot = tmp_path / f"{name}.png"
    run = _chromium(
        "--enable-logging=stderr",
        "--v=0",
        f"--screenshot={shot}",
        "--window-size=1200,3000",
        page.as_uri(),
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Uncaught" not in run.stderr
    assert "ERROR:CONSOLE" not in run.stderr and ":CONSOLE(" not in run.stderr
    pixels = mpimg.imread(shot)
    assert pixels.shape[0] >= 2000
    flat = pixels.reshape(-1, pixels.shape[-1])[::97]
    assert len(np.unique(flat, axis=0)) > 50  # a document, not a blank page
