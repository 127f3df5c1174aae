"""Render the demo's index page in headless Chromium and save a PNG screenshot.

    python examples/screenshot_demo_index.py [demo-output] [index.png]

Needs Chromium (Debian: ``apt-get install chromium``). Runs with the network features off, as on a
hospital workstation without internet.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def screenshot(index: Path, png: Path, width: int = 1200, height: int = 1400) -> Path:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        raise SystemExit("Chromium not found: install it (Debian: apt-get install chromium) to render the page")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", f"--window-size={width},{height}", f"--screenshot={png.resolve()}",
             index.resolve().as_uri()],
            check=True, capture_output=True, timeout=120,
        )
    if not png.exists() or png.stat().st_size < 10_000:
        raise SystemExit(f"no usable screenshot written to {png}")
    return png


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "demo-output")
    png = Path(sys.argv[2] if len(sys.argv) > 2 else out / "index.png")
    print(screenshot(out / "index.html", png))
