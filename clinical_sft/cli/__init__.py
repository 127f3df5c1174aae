"""The ``clinical-sft`` command line: a thin shell over the public API.

Each command group lives in its own module and calls one public function a notebook could call.
Heavy libraries are imported inside commands so ``--help`` stays fast.
"""

from __future__ import annotations

import logging

import typer

from clinical_sft.cli import deid, demo, ehr, imaging, key, privacy, report

__all__ = ["app", "main"]

app = typer.Typer(
    name="clinical-sft",
    help="Responsible fine-tuning on clinical data: de-identification, DP training, fairness reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # tracebacks with locals could print PHI
)
app.add_typer(deid.app, name="deid")
app.add_typer(key.app, name="key")
app.add_typer(privacy.app, name="privacy")
app.add_typer(ehr.app, name="ehr")
app.add_typer(imaging.app, name="imaging")
app.command("report")(report.report)
app.command("demo")(demo.demo)


@app.callback()
def _root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log at INFO level.")) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def main() -> None:
    """Console-script entry point; a ClinicalSFTError becomes a one-line message and exit code 2."""
    from clinical_sft.errors import ClinicalSFTError

    try:
        app()
    except ClinicalSFTError as e:
        typer.secho(f"error: {e}", err=True, fg=typer.colors.RED)
        raise SystemExit(2) from None
