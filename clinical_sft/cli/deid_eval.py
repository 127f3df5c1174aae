"""``clinical-sft deid eval``."""

from __future__ import annotations

import typer


def eval_() -> None:
    """Evaluate de-identification against gold spans (being built)."""
    raise typer.Exit(1)
