"""``clinical-sft key``: create the project's secret key."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Manage the secret key that derives pseudonyms, surrogates, date shifts and UIDs.",
                  no_args_is_help=True)


@app.command("new")
def new(path: Path = typer.Argument(..., help="Where to write the key (created with mode 0600).")) -> None:
    """Write a new random 32-byte key; keep it secret and keep it: the same key keeps pseudonyms stable."""
    from clinical_sft.privacy.key import SecretKey

    SecretKey.generate(path)
    typer.echo(f"wrote a new key to {path} (fingerprint {SecretKey.from_file(path).fingerprint})")
