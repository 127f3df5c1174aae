"""Empirical privacy audit: membership inference against a trained model.

The loss-based attack (Yeom et al. 2018) scores each record by its loss under the model: members
(training records) tend to have lower loss than held-out records. The audit reports the attack's
ROC AUC and its true-positive rate at 1% false-positive rate (the regime that matters, Carlini et al.
2022), each with a bootstrap confidence interval. An AUC near 0.5 means the attack cannot tell
members from non-members; DP training bounds how far above 0.5 it can go.

The optional likelihood-ratio attack (LiRA, offline variant) trains a few shadow models on random
halves of the pooled records and scores each record by how its target loss compares to its losses in
the shadow models that did not see it. It needs a ``train_shadow`` callable (the engine's trainer),
so this module stays free of the training package.

Example
-------
>>> import numpy as np
>>> r = membership_inference(np.array([0.1, 0.2, 0.15]), np.array([0.9, 1.2, 0.8]), n_boot=50)
>>> r.auc
1.0
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch

from clinical_sft.errors import ConfigError

__all__ = ["AuditResult", "lira_audit", "membership_inference", "per_record_losses", "run_audit"]

logger = logging.getLogger(__name__)


@dataclass
class AuditResult:
    """Outcome of a membership-inference attack.

    Attributes
    ----------
    attack
        ``"loss"`` or ``"lira"``.
    auc, auc_ci
        ROC AUC of the attack (0.5 = chance) and its bootstrap 95% interval.
    tpr_at_1pct_fpr, tpr_at_1pct_fpr_ci
        True-positive rate at 1% false-positive rate and its interval.
    advantage
        ``max(TPR - FPR)`` (membership advantage).
    n_members, n_nonmembers
        Records scored on each side.
    """

    attack: str
    auc: float
    auc_ci: tuple[float, float]
    tpr_at_1pct_fpr: float
    tpr_at_1pct_fpr_ci: tuple[float, float]
    advantage: float
    n_members: int
    n_nonmembers: int
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view (what ``run.json["privacy"]["audit"]`` stores)."""
        d = asdict(self)
        d["auc_ci"] = list(self.auc_ci)
        d["tpr_at_1pct_fpr_ci"] = list(self.tpr_at_1pct_fpr_ci)
        return d

    def to_json(self) -> str:
        """JSON text."""
        return json.dumps(self.to_dict(), indent=2)


def _roc(scores: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(-scores, kind="mergesort")
    s, y = scores[order], labels[order]
    distinct = np.r_[np.where(np.diff(s))[0], len(s) - 1]
    tps = np.cumsum(y)[distinct]
    fps = (1 + distinct) - tps
    P, N = max(y.sum(), 1), max(len(y) - y.sum(), 1)
    return np.r_[0.0, fps / N], np.r_[0.0, tps / P]


def _auc(scores: np.ndarray, labels: np.ndarray) -> float:
    # Mann-Whitney U with mid-ranks (ties count one half)
    from scipy.stats import rankdata

    ranks = rankdata(scores)
    n1 = labels.sum()
    n0 = len(labels) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    return float((ranks[labels == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _tpr_at(scores: np.ndarray, labels: np.ndarray, fpr_target: float) -> float:
    fpr, tpr = _roc(scores, labels)
    ok = fpr <= fpr_target
    return float(tpr[ok].max()) if ok.any() else 0.0


def membership_inference(
    member_scores: np.ndarray,
    nonmember_scores: np.ndarray,
    *,
    higher_is_member: bool = False,
    n_boot: int = 1000,
    random_state: int = 0,
    attack: str = "loss",
) -> AuditResult:
    """Attack metrics from per-record scores of members (train) and non-members (held-out).

    Parameters
    ----------
    member_scores, nonmember_scores
        One score per record; by default losses (lower = more likely a member).
    higher_is_member
        Set for scores where larger means member (e.g. LiRA likelihood ratios).
    n_boot
        Bootstrap resamples (stratified: members and non-members resampled separately).
    """
    m = np.asarray(member_scores, dtype=float).ravel()
    h = np.asarray(nonmember_scores, dtype=float).ravel()
    if len(m) == 0 or len(h) == 0:
        raise ConfigError("membership inference needs at least one member and one non-member record")
    sign = 1.0 if higher_is_member else -1.0
    scores = sign * np.r_[m, h]
    labels = np.r_[np.ones(len(m), dtype=int), np.zeros(len(h), dtype=int)]
    auc = _auc(scores, labels)
    tpr = _tpr_at(scores, labels, 0.01)
    fpr_c, tpr_c = _roc(scores, labels)
    adv = float((tpr_c - fpr_c).max())
    rng = np.random.default_rng(random_state)
    aucs, tprs = np.empty(n_boot), np.empty(n_boot)
    im, ih = np.arange(len(m)), np.arange(len(m), len(m) + len(h))
    for b in range(n_boot):
        idx = np.r_[rng.choice(im, len(im)), rng.choice(ih, len(ih))]
        aucs[b] = _auc(scores[idx], labels[idx])
        tprs[b] = _tpr_at(scores[idx], labels[idx], 0.01)

    def ci(x: np.ndarray) -> tuple[float, float]:
        if not len(x):
            return (float("nan"), float("nan"))
        lo, hi = np.nanpercentile(x, [2.5, 97.5])
        return (float(lo), float(hi))

    return AuditResult(attack=attack, auc=auc, auc_ci=ci(aucs), tpr_at_1pct_fpr=tpr, tpr_at_1pct_fpr_ci=ci(tprs),
                       advantage=adv, n_members=len(m), n_nonmembers=len(h),
                       details={"n_boot": n_boot, "score": "loss" if not higher_is_member else "score"})


def _batch_ids(batch: dict[str, Any], n: int) -> list[Any]:
    ids = batch.get("ids", batch.get("id")) if isinstance(batch, dict) else None
    return list(ids) if isinstance(ids, list | tuple) else [None] * n


def per_record_losses(task: Any, model: torch.nn.Module, dataset: Any, *, batch_size: int = 32,
                      device: str | torch.device = "cpu") -> np.ndarray:
    """One loss per record of ``dataset`` under ``model``.

    Uses the task's ``per_record_loss(model, batch)``; otherwise the ``loss`` field of
    ``predict_batch``'s per-record dicts; otherwise the batch loss of single-record batches.
    """
    from torch.utils.data import DataLoader

    device = torch.device(device)
    model = model.to(device).eval()
    prl = getattr(task, "per_record_loss", None)
    out: list[float] = []

    def move(b: Any) -> Any:
        if isinstance(b, torch.Tensor):
            return b.to(device)
        if isinstance(b, dict):
            return {k: move(v) for k, v in b.items()}
        return b

    use_single = not callable(prl)
    if use_single:
        probe = task.predict_batch(model, move(task.collate([dataset[0]])))
        if probe and "loss" in probe[0]:
            use_single = False
            prl = None
    bs = 1 if (use_single and not callable(prl)) else batch_size
    with torch.no_grad():
        for batch in DataLoader(dataset, batch_size=bs, shuffle=False, collate_fn=task.collate):
            batch = move(batch)
            if callable(prl):
                out.extend(prl(model, batch).detach().float().cpu().reshape(-1).tolist())
            elif not use_single:
                out.extend(float(p["loss"]) for p in task.predict_batch(model, batch))
            else:
                out.append(float(task.loss(model, batch)))
    if len(out) != len(dataset):
        raise ConfigError(f"per-record losses: got {len(out)} values for {len(dataset)} records; the task's "
                          "per_record_loss must return one value per record")
    return np.asarray(out)


def run_audit(task: Any, model: torch.nn.Module, train_dataset: Any, heldout_dataset: Any, *,
              n_boot: int = 1000, batch_size: int = 32, device: str | torch.device = "cpu",
              random_state: int = 0) -> AuditResult:
    """Loss-based membership inference on ``model`` with its train (members) and held-out records.

    Examples
    --------
    >>> result = run_audit(task, model, train, heldout)  # doctest: +SKIP
    >>> result.auc, result.tpr_at_1pct_fpr  # doctest: +SKIP
    (0.51, 0.012)
    """
    lm = per_record_losses(task, model, train_dataset, batch_size=batch_size, device=device)
    lh = per_record_losses(task, model, heldout_dataset, batch_size=batch_size, device=device)
    res = membership_inference(lm, lh, n_boot=n_boot, random_state=random_state)
    res.details.update({"mean_loss_members": float(lm.mean()), "mean_loss_nonmembers": float(lh.mean())})
    logger.info("membership inference: AUC %.3f, TPR@1%%FPR %.3f", res.auc, res.tpr_at_1pct_fpr)
    return res


class _Subset(torch.utils.data.Dataset):
    def __init__(self, parts: Sequence[Any], index: Sequence[tuple[int, int]]) -> None:
        self.parts, self.index = parts, list(index)

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, i: int) -> Any:
        p, j = self.index[i]
        return self.parts[p][j]


def lira_audit(task: Any, model: torch.nn.Module, train_dataset: Any, heldout_dataset: Any,
               train_shadow: Callable[[Any], torch.nn.Module], *, n_shadows: int = 4, n_boot: int = 1000,
               batch_size: int = 32, device: str | torch.device = "cpu", random_state: int = 0) -> AuditResult:
    """Offline likelihood-ratio attack (Carlini et al. 2022) with ``n_shadows`` shadow models.

    Each shadow model is trained by ``train_shadow(dataset)`` on a random half of the pooled
    train + held-out records. A record's score is how far its target-model loss falls below the
    Gaussian fitted to its losses in the shadows that did not train on it (one-sided test).
    """
    from scipy.stats import norm

    if n_shadows < 2:
        raise ConfigError("lira_audit: n_shadows must be >= 2")
    parts = (train_dataset, heldout_dataset)
    pool = [(0, i) for i in range(len(train_dataset))] + [(1, i) for i in range(len(heldout_dataset))]
    n = len(pool)
    pooled = _Subset(parts, pool)
    rng = np.random.default_rng(random_state)
    out_losses: list[list[float]] = [[] for _ in range(n)]  # losses of record i under shadows that did not see it
    for s in range(n_shadows):
        inside = rng.random(n) < 0.5
        shadow = train_shadow(_Subset(parts, [pool[i] for i in np.flatnonzero(inside)]))
        losses = per_record_losses(task, shadow, pooled, batch_size=batch_size, device=device)
        for i in np.flatnonzero(~inside):
            out_losses[i].append(losses[i])
        logger.info("LiRA: shadow %d/%d trained", s + 1, n_shadows)
    target = per_record_losses(task, model, pooled, batch_size=batch_size, device=device)
    # logit-scaled confidence is better behaved than raw loss: phi = log(p / (1 - p)), p = exp(-loss)
    def phi(loss: np.ndarray) -> np.ndarray:
        p = np.clip(np.exp(-np.asarray(loss, dtype=float)), 1e-12, 1 - 1e-12)
        return np.log(p) - np.log1p(-p)

    all_out = np.concatenate([phi(np.asarray(x)) for x in out_losses if x]) if any(out_losses) else np.zeros(1)
    global_std = float(all_out.std()) or 1.0
    scores = np.empty(n)
    for i in range(n):
        obs = phi(np.asarray(out_losses[i])) if out_losses[i] else all_out
        mu = float(obs.mean())
        sd = float(obs.std()) if len(obs) > 1 else global_std
        scores[i] = norm.logcdf(phi(target[i:i + 1])[0], loc=mu, scale=max(sd, 1e-3 * global_std, 1e-6))
    n_train = len(train_dataset)
    res = membership_inference(scores[:n_train], scores[n_train:], higher_is_member=True, n_boot=n_boot,
                               random_state=random_state, attack="lira")
    res.details.update({"n_shadows": n_shadows, "variant": "offline"})
    return res
