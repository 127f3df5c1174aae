"""Membership-inference audit of a saved training run (what ``clinical-sft privacy audit`` runs).

The attacks live in :mod:`clinical_sft.privacy.audit`; this module rebuilds a run's task and model
through the task registry, reads the member / non-member records, and, for LiRA, trains shadow
models with the run's own recipe (and DP settings) through the engine.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from clinical_sft.errors import ConfigError
from clinical_sft.privacy.audit import lira_audit, run_audit
from clinical_sft.privacy.corpus import atomic_write_text
from clinical_sft.privacy.dp import DPConfig
from clinical_sft.training.config import TrainConfig
from clinical_sft.training.engine import Trainer
from clinical_sft.training.registry import load_trained

__all__ = ["audit_run"]


def audit_run(model_dir: str | Path, train: str | Path, heldout: str | Path, *, n_boot: int = 1000,
              lira: int = 0, record: bool = True, out: str | Path | None = None) -> dict[str, Any]:
    """Loss-based membership inference (and LiRA with ``lira`` shadow models) on a saved run.

    Returns ``{"loss": AuditResult.to_dict(), "lira"?: ...}``; with ``record=True`` the result is
    stored in the run's ``run.json`` under ``privacy.audit`` (so the model card shows it).

    Examples
    --------
    >>> audit_run("runs/readmit", "train.jsonl", "heldout.jsonl")["loss"]["auc"]  # doctest: +SKIP
    0.52
    """
    model_dir = Path(model_dir)
    task, net, run = load_trained(model_dir)
    reader = getattr(task, "load_dataset", None)
    if not callable(reader):
        raise ConfigError(f"task {run.get('task')!r} has no load_dataset(path); it cannot read the audit records")
    train_ds, held_ds = reader(train), reader(heldout)
    result: dict[str, Any] = {"loss": run_audit(task, net, train_ds, held_ds, n_boot=n_boot).to_dict()}
    if lira:
        cfg = dict(run.get("config", {}))
        priv = run.get("privacy") or {}
        dp = (DPConfig(target_epsilon=priv["target_epsilon"], delta=priv.get("delta"),
                       max_grad_norm=priv.get("max_grad_norm") or 1.0, accountant=priv.get("accountant") or "prv")
              if priv.get("enabled") else None)

        def train_shadow(ds: Any) -> Any:  # the target's recipe on another half of the pool
            with tempfile.TemporaryDirectory() as tmp:
                keep = {k: v for k, v in cfg.items() if k in TrainConfig.__dataclass_fields__}
                keep.update(out_dir=tmp, resume=False, progress=False, log_to=("jsonl",))
                tr = Trainer(task, TrainConfig(**keep), dp=dp)
                tr.fit(ds)
                return tr.model

        result["lira"] = lira_audit(task, net, train_ds, held_ds, train_shadow, n_shadows=lira,
                                    n_boot=n_boot).to_dict()
    if out:
        atomic_write_text(out, json.dumps(result, indent=2))
    if record:
        run.setdefault("privacy", {})["audit"] = result
        atomic_write_text(model_dir / "run.json", json.dumps(run, indent=2, default=str))
    return result
