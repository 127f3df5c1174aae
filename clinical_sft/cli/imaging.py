"""``clinical-sft imaging``: see the module's commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="imaging commands.", no_args_is_help=True)
