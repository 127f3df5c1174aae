"""Metrics of note models: seqeval entity scores, and discrimination and calibration of classifiers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["classification_metrics", "entity_counts", "expected_calibration_error", "ner_metrics"]


def expected_calibration_error(y_true: np.ndarray, y_prob: np.ndarray, n_bins: int = 10) -> float:
    """Binary expected calibration error with equal-width bins (weighted |accuracy - confidence|)."""
    y_true = np.asarray(y_true, dtype=float).ravel()
    y_prob = np.asarray(y_prob, dtype=float).ravel()
    if y_true.size == 0:
        return float("nan")
    bins = np.clip((y_prob * n_bins).astype(int), 0, n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        m = bins == b
        if m.any():
            ece += m.mean() * abs(y_true[m].mean() - y_prob[m].mean())
    return float(ece)


def _safe(fn: Any, *a: Any, **k: Any) -> float:
    try:
        v = float(fn(*a, **k))
    except ValueError:  # one class only in y_true
        return float("nan")
    return v


def classification_metrics(y_true: np.ndarray, probs: np.ndarray, problem: str,
                           threshold: float = 0.5) -> dict[str, float]:
    """AUROC, AUPRC, F1, accuracy and ECE of a binary / multi-class / multi-label classifier.

    ``probs``: ``(n, n_labels)`` class probabilities (softmax, or sigmoid for multi-label);
    ``y_true``: class indices ``(n,)`` or, for multi-label, a 0/1 matrix ``(n, n_labels)``.
    """
    from sklearn.metrics import accuracy_score, average_precision_score, f1_score, roc_auc_score

    y_true = np.asarray(y_true)
    probs = np.asarray(probs, dtype=float)
    out: dict[str, float] = {"n": float(len(y_true))}
    if len(y_true) == 0:
        return out
    if problem == "binary":
        score = probs[:, 1]
        pred = (score >= threshold).astype(int)
        out["auroc"] = _safe(roc_auc_score, y_true, score)
        out["auprc"] = _safe(average_precision_score, y_true, score)
        out["f1"] = float(f1_score(y_true, pred, zero_division=0))
        out["accuracy"] = float(accuracy_score(y_true, pred))
        out["ece"] = expected_calibration_error(y_true, score)
        out["brier"] = float(np.mean((score - y_true) ** 2))
    elif problem == "multiclass":
        k = probs.shape[1]
        pred = probs.argmax(1)
        onehot = np.eye(k)[y_true]
        present = onehot.sum(0) > 0
        out["auroc"] = (_safe(roc_auc_score, y_true, probs, multi_class="ovr", average="macro",
                              labels=list(range(k))) if present.all() else
                        float(np.nanmean([_safe(roc_auc_score, onehot[:, j], probs[:, j]) for j in range(k)
                                          if 0 < onehot[:, j].sum() < len(y_true)] or [float("nan")])))
        out["auprc"] = float(np.nanmean([_safe(average_precision_score, onehot[:, j], probs[:, j])
                                         for j in range(k) if present[j]]))
        out["f1"] = float(f1_score(y_true, pred, average="macro", labels=list(range(k)), zero_division=0))
        out["accuracy"] = float(accuracy_score(y_true, pred))
        conf = probs.max(1)
        out["ece"] = expected_calibration_error((pred == y_true).astype(float), conf)
    elif problem == "multilabel":
        pred = (probs >= threshold).astype(int)
        cols = [j for j in range(probs.shape[1]) if 0 < y_true[:, j].sum() < len(y_true)]
        out["auroc"] = float(np.mean([roc_auc_score(y_true[:, j], probs[:, j]) for j in cols])) if cols else math.nan
        out["auprc"] = (float(np.mean([average_precision_score(y_true[:, j], probs[:, j]) for j in cols]))
                        if cols else math.nan)
        out["f1"] = float(f1_score(y_true, pred, average="micro", zero_division=0))
        out["f1_macro"] = float(f1_score(y_true, pred, average="macro", zero_division=0))
        out["accuracy"] = float((pred == y_true).all(1).mean())  # exact match
        out["ece"] = expected_calibration_error(y_true.ravel(), probs.ravel())
    else:
        raise ValueError(f"unknown problem {problem}")
    return out


def ner_metrics(y_true: Sequence[Sequence[str]], y_pred: Sequence[Sequence[str]]) -> dict[str, float]:
    """seqeval entity-level precision, recall and F1 (micro overall and per entity type)."""
    from seqeval.metrics import classification_report

    if not any(len(s) for s in y_true):
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    rep = classification_report([list(s) for s in y_true], [list(s) for s in y_pred], output_dict=True,
                                zero_division=0)
    out: dict[str, float] = {}
    micro = rep.get("micro avg", {})
    out["precision"] = float(micro.get("precision", 0.0))
    out["recall"] = float(micro.get("recall", 0.0))
    out["f1"] = float(micro.get("f1-score", 0.0))
    for typ, vals in rep.items():
        if typ.endswith(" avg"):
            continue
        out[f"{typ}_precision"] = float(vals["precision"])
        out[f"{typ}_recall"] = float(vals["recall"])
        out[f"{typ}_f1"] = float(vals["f1-score"])
        out[f"{typ}_support"] = float(vals["support"])
    return out


def entity_counts(true_tags: Sequence[str], pred_tags: Sequence[str]) -> tuple[int, int, int]:
    """Exact-match entity (tp, fp, fn) of one record, using seqeval's entity extraction."""
    from seqeval.metrics.sequence_labeling import get_entities

    t = set(get_entities(list(true_tags)))
    p = set(get_entities(list(pred_tags)))
    tp = len(t & p)
    return tp, len(p) - tp, len(t) - tp
