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
    import json
    import tempfile

    from clinical_sft.errors import ConfigError
    from clinical_sft.privacy.audit import lira_audit, run_audit
    from clinical_sft.training import TrainConfig, Trainer, load_trained
    from clinical_sft.training.engine import _atomic_write_text

    task, net, run = load_trained(model)
    reader = getattr(task, "load_dataset", None)
    if not callable(reader):
        raise ConfigError(f"task {run.get('task')!r} has no load_dataset(path); it cannot read --train/--heldout")
    train_ds, held_ds = reader(train), reader(heldout)
    result = {"loss": run_audit(task, net, train_ds, held_ds, n_boot=n_boot).to_dict()}
    if lira:
        from clinical_sft.privacy.dp import DPConfig

        cfg = dict(run.get("config", {}))
        priv = run.get("privacy") or {}
        dp = (DPConfig(target_epsilon=priv["target_epsilon"], delta=priv.get("delta"),
                       max_grad_norm=priv.get("max_grad_norm") or 1.0, accountant=priv.get("accountant") or "prv")
              if priv.get("enabled") else None)

        def train_shadow(ds):  # the target's recipe on another half of the pool
            with tempfile.TemporaryDirectory() as tmp:
                keep = {k: v for k, v in cfg.items() if k in TrainConfig.__dataclass_fields__}
                keep.update(out_dir=tmp, resume=False, progress=False, log_to=("jsonl",))
                tr = Trainer(task, TrainConfig(**keep), dp=dp)
                tr.fit(ds)
                return tr.model

        result["lira"] = lira_audit(task, net, train_ds, held_ds, train_shadow, n_shadows=lira,
                                    n_boot=n_boot).to_dict()
    text = json.dumps(result, indent=2)
    if out:
        _atomic_write_text(out, text)
    if record:
        run.setdefault("privacy", {})["audit"] = result
        _atomic_write_text(model / "run.json", json.dumps(run, indent=2, default=str))
    r = result["loss"]
    typer.echo(f"loss attack: AUC {r['auc']:.3f} [{r['auc_ci'][0]:.3f}, {r['auc_ci'][1]:.3f}]  "
               f"TPR@1%FPR {r['tpr_at_1pct_fpr']:.3f}  (members {r['n_members']}, non-members {r['n_nonmembers']})")
    if "lira" in result:
        r = result["lira"]
        typer.echo(f"LiRA ({lira} shadows): AUC {r['auc']:.3f}  TPR@1%FPR {r['tpr_at_1pct_fpr']:.3f}")
