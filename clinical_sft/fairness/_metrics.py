"""Per-group metric functions and the registry of metrics per task.

Every function here has fairlearn's metric signature ``f(y_true, y_pred, **sample_params)`` so it can
be handed to :class:`fairlearn.metrics.MetricFrame`, which evaluates it on each group. Undefined
values (no positives, empty denominators) are ``nan``, never a silent 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = [
    "TASKS",
    "MetricSpec",
    "auprc",
    "auroc",
    "dice_mean",
    "entity_f1",
    "entity_precision",
    "entity_recall",
    "expected_calibration_error",
    "f1_at_threshold",
    "metric_specs",
    "ppv",
    "reliability_curve",
    "selection_rate",
    "sensitivity",
    "specificity",
]

TASKS = ("classification", "ner", "segmentation", "deid")
N_CALIBRATION_BINS = 10


def _div(num: float, den: float) -> float:
    return float(num) / float(den) if den > 0 else float("nan")


def _confusion(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float, float, float]:
    y = np.asarray(y_true, dtype=bool)
    p = np.asarray(y_pred, dtype=bool)
    tp = float(np.sum(y & p))
    fp = float(np.sum(~y & p))
    fn = float(np.sum(y & ~p))
    tn = float(np.sum(~y & ~p))
    return tp, fp, fn, tn


def sensitivity(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """True-positive rate (recall) of thresholded predictions."""
    tp, _, fn, _ = _confusion(y_true, y_pred)
    return _div(tp, tp + fn)


def specificity(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """True-negative rate of thresholded predictions."""
    _, fp, _, tn = _confusion(y_true, y_pred)
    return _div(tn, tn + fp)


def ppv(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Positive predictive value (precision) of thresholded predictions."""
    tp, fp, _, _ = _confusion(y_true, y_pred)
    return _div(tp, tp + fp)


def f1_at_threshold(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """F1 of thresholded predictions (``nan`` when there are neither positives nor predicted positives)."""
    tp, fp, fn, _ = _confusion(y_true, y_pred)
    return _div(2 * tp, 2 * tp + fp + fn)


def selection_rate(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction predicted positive (the quantity behind demographic parity)."""
    p = np.asarray(y_pred, dtype=bool)
    return _div(float(np.sum(p)), float(p.size))


def auroc(y_true: np.ndarray, y_pred: np.ndarray, y_score: np.ndarray) -> float:
    """Area under the ROC curve of ``y_score`` (ties count one half); ``nan`` with a single class."""
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(y_score, dtype=float)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    # Mann-Whitney U from average ranks.
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(s.size, dtype=float)
    ss = s[order]
    starts = np.flatnonzero(np.r_[True, ss[1:] != ss[:-1]])
    ends = np.r_[starts[1:], ss.size]
    avg = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(avg, ends - starts)
    u = ranks[y].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def auprc(y_true: np.ndarray, y_pred: np.ndarray, y_score: np.ndarray) -> float:
    """Average precision of ``y_score`` (scikit-learn's definition); ``nan`` without positives."""
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(y_score, dtype=float)
    n_pos = int(y.sum())
    if n_pos == 0:
        return float("nan")
    order = np.argsort(-s, kind="mergesort")
    ss, ys = s[order], y[order]
    last = np.r_[ss[1:] != ss[:-1], True]  # last index of each block of tied scores
    tp = np.cumsum(ys)[last]
    pp = np.arange(1, s.size + 1)[last]
    d_recall = np.diff(np.r_[0, tp]) / n_pos
    return float(np.sum(d_recall * tp / pp))


def _bin_index(y_score: np.ndarray, n_bins: int = N_CALIBRATION_BINS) -> np.ndarray:
    s = np.asarray(y_score, dtype=float)
    inner = np.arange(1, n_bins) / n_bins  # bin k holds k/n_bins <= s < (k+1)/n_bins; 1.0 in the last
    return np.searchsorted(inner, s, side="right").astype(np.int64)


def expected_calibration_error(
    y_true: np.ndarray, y_pred: np.ndarray, y_score: np.ndarray, n_bins: int = N_CALIBRATION_BINS
) -> float:
    """Expected calibration error over ``n_bins`` equal-width bins of ``y_score`` in [0, 1].

    ``sum_b n_b / n * |mean score in b - fraction positive in b|``.
    """
    s = np.asarray(y_score, dtype=float)
    if s.size == 0:
        return float("nan")
    b = _bin_index(s, n_bins)
    y = np.asarray(y_true, dtype=float)
    s_sum = np.bincount(b, weights=s, minlength=n_bins)
    y_sum = np.bincount(b, weights=y, minlength=n_bins)
    return float(np.sum(np.abs(s_sum - y_sum)) / s.size)


def reliability_curve(
    y_true: np.ndarray, y_score: np.ndarray, n_bins: int = N_CALIBRATION_BINS
) -> list[dict[str, float | int]]:
    """Per-bin count, mean predicted probability and observed fraction positive (empty bins left out)."""
    s = np.asarray(y_score, dtype=float)
    y = np.asarray(y_true, dtype=float)
    b = _bin_index(s, n_bins)
    cnt = np.bincount(b, minlength=n_bins)
    s_sum = np.bincount(b, weights=s, minlength=n_bins)
    y_sum = np.bincount(b, weights=y, minlength=n_bins)
    out: list[dict[str, float | int]] = []
    for k in range(n_bins):
        if cnt[k] == 0:
            continue
        out.append(
            {
                "bin_low": k / n_bins,
                "bin_high": (k + 1) / n_bins,
                "n": int(cnt[k]),
                "mean_predicted": float(s_sum[k] / cnt[k]),
                "fraction_positive": float(y_sum[k] / cnt[k]),
            }
        )
    return out


def entity_precision(
    y_true: np.ndarray, y_pred: np.ndarray, tp: np.ndarray, fp: np.ndarray, fn: np.ndarray
) -> float:
    """Entity-level precision from summed per-record counts."""
    t, f = float(np.sum(tp)), float(np.sum(fp))
    return _div(t, t + f)


def entity_recall(
    y_true: np.ndarray, y_pred: np.ndarray, tp: np.ndarray, fp: np.ndarray, fn: np.ndarray
) -> float:
    """Entity-level recall from summed per-record counts (PHI recall for de-identification)."""
    t, f = float(np.sum(tp)), float(np.sum(fn))
    return _div(t, t + f)


def entity_f1(
    y_true: np.ndarray, y_pred: np.ndarray, tp: np.ndarray, fp: np.ndarray, fn: np.ndarray
) -> float:
    """Entity-level (micro) F1 from summed per-record counts."""
    t = float(np.sum(tp))
    return _div(2 * t, 2 * t + float(np.sum(fp)) + float(np.sum(fn)))


def dice_mean(y_true: np.ndarray, y_pred: np.ndarray, dice: np.ndarray) -> float:
    """Mean per-record Dice, ignoring records where it is undefined (``nan``)."""
    d = np.asarray(dice, dtype=float)
    ok = ~np.isnan(d)
    return _div(float(d[ok].sum()), float(ok.sum()))


@dataclass(frozen=True)
class MetricSpec:
    """A metric reported per group.

    Attributes
    ----------
    name
        Key in the report (``"auroc"``, ``"dice_liver"``...).
    fn
        fairlearn-style metric function ``f(y_true, y_pred, **params)``.
    params
        Names of the per-record columns passed as sample parameters.
    higher_is_better
        Direction used to pick the worst group.
    label
        Human-readable name for tables and plots.
    """

    name: str
    fn: Callable[..., float]
    params: tuple[str, ...]
    higher_is_better: bool
    label: str


def metric_specs(
    task: str, dice_columns: tuple[str, ...] = ("dice",), calibration: bool = True
) -> list[MetricSpec]:
    """The metrics reported for ``task`` (segmentation: one per Dice column)."""
    if task == "classification":
        specs = [
            MetricSpec("auroc", auroc, ("y_score",), True, "AUROC"),
            MetricSpec("auprc", auprc, ("y_score",), True, "AUPRC"),
            MetricSpec("sensitivity", sensitivity, (), True, "Sensitivity"),
            MetricSpec("specificity", specificity, (), True, "Specificity"),
            MetricSpec("ppv", ppv, (), True, "PPV"),
            MetricSpec("f1", f1_at_threshold, (), True, "F1"),
            MetricSpec("selection_rate", selection_rate, (), True, "Selection rate"),
        ]
        if calibration:
            specs.append(MetricSpec("ece", expected_calibration_error, ("y_score",), False, "ECE"))
        return specs
    if task == "ner":
        p = ("tp", "fp", "fn")
        return [
            MetricSpec("f1", entity_f1, p, True, "Entity F1"),
            MetricSpec("precision", entity_precision, p, True, "Entity precision"),
            MetricSpec("recall", entity_recall, p, True, "Entity recall"),
        ]
    if task == "deid":
        p = ("tp", "fp", "fn")
        return [
            MetricSpec("phi_recall", entity_recall, p, True, "PHI recall"),
            MetricSpec("phi_precision", entity_precision, p, True, "PHI precision"),
            MetricSpec("phi_f1", entity_f1, p, True, "PHI F1"),
        ]
    if task == "segmentation":
        out = []
        for col in dice_columns:
            label = "Dice" if col == "dice" else f"Dice ({col[len('dice_') :]})"
            out.append(MetricSpec(col, _dice_for(col), (col,), True, label))
        return out
    raise ValueError(f"unknown task {task!r}")


def _dice_for(col: str) -> Callable[..., float]:
    def fn(y_true: np.ndarray, y_pred: np.ndarray, **kw: np.ndarray) -> float:
        return dice_mean(y_true, y_pred, kw[col])

    fn.__name__ = col
    return fn
