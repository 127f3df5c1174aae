"""``clinical-sft deid text``."""

from __future__ import annotations

import typer


def text() -> None:
    """De-identify text (being built)."""
    raise typer.Exit(1)
