"""``clinical-sft privacy``: empirical privacy audit of a trained model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Privacy tools: membership-inference audit of a trained run.", no_args_is_help=True)


@app.command("audit")
def audit(
    model: Annotated[Path, typer.Option("--model", help="Run directory written by a training command.",
                                        exists=True, file_okay=False)],
    train: Annotated[Path, typer.Option("--train", help="The training split the model saw (members).", exists=True)],
    heldout: Annotated[Path, typer.Option("--heldout", help="Records the model never saw (non-members).",
                                          exists=True)],
    out: Annotated[Path | None, typer.Option("--out", help="Write the audit JSON here.")] = None,
    n_boot: Annotated[int, typer.Option("--n-boot", help="Bootstrap resamples for the intervals.", min=10)] = 1000,
    lira: Annotated[int, typer.Option("--lira", help="Also run LiRA with this many shadow models (0 = off).",
                                      min=0)] = 0,
    record: Annotated[bool, typer.Option("--record/--no-record",
                                         help="Store the result in run.json's privacy block.")] = True,
) -> None:
    """Loss-based membership inference (and optionally LiRA): attack AUC and TPR at 1% FPR."""
    from clinical_sft.training.audit import audit_run

    result = audit_run(model, train, heldout, n_boot=n_boot, lira=lira, record=record, out=out)
    r = result["loss"]
    typer.echo(f"loss attack: AUC {r['auc']:.3f} [{r['auc_ci'][0]:.3f}, {r['auc_ci'][1]:.3f}]  "
               f"TPR@1%FPR {r['tpr_at_1pct_fpr']:.3f}  (members {r['n_members']}, non-members {r['n_nonmembers']})")
    if "lira" in result:
        r = result["lira"]
        typer.echo(f"LiRA ({lira} shadows): AUC {r['auc']:.3f}  TPR@1%FPR {r['tpr_at_1pct_fpr']:.3f}")
