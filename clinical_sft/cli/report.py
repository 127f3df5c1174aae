"""``clinical-sft report``: a subgroup fairness report from a predictions CSV."""

from __future__ import annotations

import typer


def report() -> None:
    """Write report.html, report.json and report.md (filled in by the fairness issue)."""
    raise typer.Exit(1)
