"""``clinical-sft deid dicom``."""

from __future__ import annotations

import typer


def dicom() -> None:
    """De-identify dicom (being built)."""
    raise typer.Exit(1)
