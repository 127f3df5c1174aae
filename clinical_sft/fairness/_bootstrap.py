"""Vectorised bootstrap of per-group metrics.

fairlearn's ``MetricFrame(n_boot=...)`` resamples the table with pandas and re-runs every metric
on every group, about a second per resample on 100k rows. Here one resample is a vector of
multinomial counts ``w`` (how often each record was drawn), the same draw for every attribute, and
every metric is a closed form of weighted sums:

* threshold metrics from weighted confusion counts per group, ECE from weighted per-bin sums,
  entity metrics from weighted TP/FP/FN, Dice from weighted means: one sparse matrix product
  ``W @ M`` per attribute, where ``M`` scatters each record's statistics into its group's columns;
* AUROC and average precision from records sorted once by (group, score): weighted positives and
  negatives per block of tied scores, cumulative sums within each group.

With ``w = 1`` the kernels give exactly the point estimates of :mod:`._metrics` (tested against
MetricFrame).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from clinical_sft.fairness._metrics import N_CALIBRATION_BINS, _bin_index

__all__ = ["Partition", "TaskData", "bootstrap_metrics", "multinomial_weights", "prepare", "weighted_metrics"]


@dataclass
class TaskData:
    """Per-record arrays a task's metrics are computed from."""

    task: str
    columns: dict[str, np.ndarray]
    metric_names: tuple[str, ...]


@dataclass
class Partition:
    """Records split into ``n_groups`` groups by integer ``codes`` (0..n_groups-1), prepared once."""

    codes: np.ndarray
    n_groups: int
    sum_matrix: sp.csr_matrix | None = None  # (n_groups * k, n_records)
    n_stats: int = 0
    rank: dict[str, Any] | None = None
    stat_names: list[str] = field(default_factory=list)


def _stats(data: TaskData) -> tuple[sp.csr_matrix, list[str]]:
    """Per-record statistics (sparse, n x k) whose weighted group sums give every non-rank metric."""
    c = data.columns
    n = len(next(iter(c.values())))
    cols: list[np.ndarray] = []
    names: list[str] = []

    def add(name: str, v: np.ndarray) -> None:
        names.append(name)
        cols.append(np.asarray(v, dtype=float))

    add("n", np.ones(n))
    if data.task == "classification":
        y, p = c["y_true"].astype(float), c["y_hat"].astype(float)
        add("pos", y)
        add("pred", p)
        add("tp", y * p)
        if "ece" in data.metric_names:
            b = _bin_index(c["y_score"])
            s = c["y_score"].astype(float)
            for k in range(N_CALIBRATION_BINS):
                m = (b == k).astype(float)
                add(f"s{k}", s * m)
                add(f"y{k}", y * m)
    elif data.task in ("ner", "deid"):
        for col in ("tp", "fp", "fn"):
            add(col, c[col])
    elif data.task == "segmentation":
        for name in data.metric_names:
            d = np.asarray(c[name], dtype=float)
            ok = ~np.isnan(d)
            add(f"{name}:n", ok)
            add(f"{name}:sum", np.where(ok, d, 0.0))
    mat = sp.csr_matrix(np.column_stack(cols))
    mat.eliminate_zeros()
    return mat, names


def prepare(data: TaskData, codes: np.ndarray, n_groups: int) -> Partition:
    """Precompute the scatter matrix (and the rank order for AUROC/AUPRC) of one partition."""
    stats, names = _stats(data)
    k = len(names)
    coo = stats.tocoo()
    rows = codes[coo.row] * k + coo.col
    mat = sp.csr_matrix((coo.data, (rows, coo.row)), shape=(n_groups * k, len(codes)))
    part = Partition(codes=codes, n_groups=n_groups, sum_matrix=mat, n_stats=k, stat_names=names)
    if data.task == "classification" and ({"auroc", "auprc"} & set(data.metric_names)):
        sc = np.asarray(data.columns["y_score"], dtype=float)
        order = np.lexsort((sc, codes))
        gs, ss = codes[order], sc[order]
        bounds = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1], True])
        slices = []
        for a, z in zip(bounds[:-1], bounds[1:]):
            seg = ss[a:z]
            starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
            slices.append((int(gs[a]), int(a), int(z), None if starts.size == seg.size else starts))
        part.rank = {"order": order, "y": data.columns["y_true"].astype(float)[order], "slices": slices}
    return part


def _safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _rank_metrics(w: np.ndarray, part: Partition, want: set[str]) -> dict[str, np.ndarray]:
    r = part.rank
    assert r is not None
    b = w.shape[0]
    auc = np.full((b, part.n_groups), np.nan)
    ap = np.full((b, part.n_groups), np.nan)
    ws = w[:, r["order"]]
    for g, a, z, starts in r["slices"]:
        wg = ws[:, a:z]
        pb = wg * r["y"][a:z]
        nb = wg - pb
        if starts is not None:  # tied scores form one block (one threshold)
            pb = np.add.reduceat(pb, starts, axis=1)
            nb = np.add.reduceat(nb, starts, axis=1)
        n_cum = np.cumsum(nb, axis=1)  # negatives at or below each block
        p_tot = pb.sum(axis=1)
        n_tot = n_cum[:, -1]
        if "auroc" in want:
            num = np.einsum("ij,ij->i", pb, n_cum) - 0.5 * np.einsum("ij,ij->i", pb, nb)
            auc[:, g] = _safe_div(num, p_tot * n_tot)
        if "auprc" in want:
            # thresholds from the top: tp/pp at or above each block = totals minus what lies below
            p_cum = np.cumsum(pb, axis=1)
            tp = p_tot[:, None] - p_cum + pb
            pp = tp + (n_tot[:, None] - n_cum + nb)
            np.divide(tp, pp, out=tp, where=pp > 0)
            tp[pp <= 0] = 0.0
            ap[:, g] = _safe_div(np.einsum("ij,ij->i", pb, tp), p_tot)
    out: dict[str, np.ndarray] = {}
    if "auroc" in want:
        out["auroc"] = auc
    if "auprc" in want:
        out["auprc"] = ap
    return out


def weighted_metrics(w: np.ndarray, data: TaskData, part: Partition) -> dict[str, np.ndarray]:
    """Every metric of ``data.metric_names`` per group under record weights ``w`` (b x n) -> (b x G)."""
    assert part.sum_matrix is not None
    b = w.shape[0]
    k = part.n_stats
    sums = np.asarray(part.sum_matrix @ w.T).T.reshape(b, part.n_groups, k)
    idx = {name: i for i, name in enumerate(part.stat_names)}

    def s(name: str) -> np.ndarray:
        return sums[:, :, idx[name]]

    want = set(data.metric_names)
    out: dict[str, np.ndarray] = {}
    n = s("n")
    if data.task == "classification":
        pos, pred, tp = s("pos"), s("pred"), s("tp")
        fn, fp = pos - tp, pred - tp
        tn = n - pos - fp
        out["sensitivity"] = _safe_div(tp, pos)
        out["specificity"] = _safe_div(tn, n - pos)
        out["ppv"] = _safe_div(tp, pred)
        out["f1"] = _safe_div(2 * tp, 2 * tp + fp + fn)
        out["selection_rate"] = _safe_div(pred, n)
        out["fpr"] = _safe_div(fp, n - pos)
        if "ece" in want:
            gap = np.zeros_like(n)
            for kk in range(N_CALIBRATION_BINS):
                gap += np.abs(s(f"s{kk}") - s(f"y{kk}"))
            out["ece"] = _safe_div(gap, n)
        if want & {"auroc", "auprc"}:
            out.update(_rank_metrics(w, part, want))
    elif data.task in ("ner", "deid"):
        tp, fp, fn = s("tp"), s("fp"), s("fn")
        prefix = "phi_" if data.task == "deid" else ""
        out[f"{prefix}precision"] = _safe_div(tp, tp + fp)
        out[f"{prefix}recall"] = _safe_div(tp, tp + fn)
        out[f"{prefix}f1"] = _safe_div(2 * tp, 2 * tp + fp + fn)
    elif data.task == "segmentation":
        for name in data.metric_names:
            out[name] = _safe_div(s(f"{name}:sum"), s(f"{name}:n"))
    out["_n"] = n
    return out


def multinomial_weights(rng: np.random.Generator, b: int, n: int) -> np.ndarray:
    """``b`` nonparametric bootstrap resamples of ``n`` records as draw counts (b x n, float64)."""
    idx = rng.integers(0, n, size=(b, n))
    idx += (np.arange(b, dtype=idx.dtype) * n)[:, None]
    return np.bincount(idx.ravel(), minlength=b * n).reshape(b, n).astype(np.float64)


def bootstrap_metrics(
    data: TaskData,
    partitions: list[Partition],
    n_boot: int,
    rng: np.random.Generator,
    chunk_elems: int = 4_000_000,
) -> list[dict[str, np.ndarray]]:
    """Bootstrap distributions (n_boot x G) of every metric for every partition, sharing the resamples."""
    n = len(partitions[0].codes)
    chunk = max(1, min(n_boot, chunk_elems // max(n, 1)))
    acc: list[dict[str, list[np.ndarray]]] = [{} for _ in partitions]
    done = 0
    while done < n_boot:
        b = min(chunk, n_boot - done)
        w = multinomial_weights(rng, b, n)
        for i, part in enumerate(partitions):
            for k, v in weighted_metrics(w, data, part).items():
                acc[i].setdefault(k, []).append(v)
        done += b
    return [{k: np.concatenate(v, axis=0) for k, v in a.items()} for a in acc]
