"""``clinical-sft demo``: the main job on embedded synthetic data."""

from __future__ import annotations

from pathlib import Path

import typer


def demo(out: Path = typer.Option(Path("demo-output"), "--out", help="Output folder.")) -> None:
    """Run the end-to-end demo (filled in as the issues land)."""
    raise typer.Exit(1)
