"""The vectorised bootstrap: exact at unit weights, weighted like scikit-learn, nominal coverage."""

from __future__ import annotations

import math

import numpy as np
import pytest
from fairlearn.metrics import MetricFrame
from sklearn.metrics import average_precision_score, roc_auc_score

from clinical_sft.fairness import _bootstrap as vb
from clinical_sft.fairness._metrics import metric_specs

CLS = ("auroc", "auprc", "sensitivity", "specificity", "ppv", "f1", "selection_rate", "ece")


def _data(n=2000, seed=0, groups=4):
    rng = np.random.default_rng(seed)
    g = rng.integers(0, groups, n)
    y = (rng.random(n) < 0.3).astype(np.int64)
    s = np.round(np.clip(0.35 + 0.3 * y + rng.normal(0, 0.2, n), 0, 1), 2)  # many ties
    yh = (s >= 0.5).astype(np.int64)
    return g, vb.TaskData("classification", {"y_true": y, "y_hat": yh, "y_score": s}, CLS)


def test_unit_weights_equal_metricframe_point_estimates():
    g, data = _data()
    specs = metric_specs("classification")
    c = data.columns
    mf = MetricFrame(
        metrics={s.name: s.fn for s in specs},
        y_true=c["y_true"],
        y_pred=c["y_hat"],
        sensitive_features=g,
        sample_params={s.name: {p: c[p] for p in s.params} for s in specs},
    )
    out = vb.weighted_metrics(np.ones((1, len(g))), data, vb.prepare(data, g, 4))
    for m in CLS:
        np.testing.assert_allclose(out[m][0], mf.by_group[m].to_numpy(float), rtol=1e-12, atol=1e-14)
    # and the package's own AUROC/AUPRC equal scikit-learn's
    np.testing.assert_allclose(
        out["auroc"][0],
        [roc_auc_score(c["y_true"][g == k], c["y_score"][g == k]) for k in range(4)],
        rtol=1e-12,
    )


def test_weights_match_sklearn_sample_weight():
    g, data = _data(n=800, seed=1, groups=2)
    rng = np.random.default_rng(5)
    w = rng.integers(0, 4, (3, len(g))).astype(float)
    out = vb.weighted_metrics(w, data, vb.prepare(data, g, 2))
    y, s = data.columns["y_true"], data.columns["y_score"]
    for b in range(3):
        for k in range(2):
            m = g == k
            assert out["auroc"][b, k] == pytest.approx(
                roc_auc_score(y[m], s[m], sample_weight=w[b, m]), abs=1e-12
            )
            assert out["auprc"][b, k] == pytest.approx(
                average_precision_score(y[m], s[m], sample_weight=w[b, m]), abs=1e-12
            )


def test_multinomial_weights_sum_to_n():
    w = vb.multinomial_weights(np.random.default_rng(0), 7, 1000)
    assert w.shape == (7, 1000) and np.all(w.sum(axis=1) == 1000)
    assert abs(w.mean() - 1.0) < 1e-12 and 0.8 < w.var() < 1.2  # Binomial(n, 1/n): variance ~ 1


def test_percentile_intervals_cover_at_nominal_rate():
    """200 simulated datasets x 200 resamples: 95% intervals cover the population value ~95% of the time."""
    rng = np.random.default_rng(2024)
    n, n_sim, n_boot = 500, 200, 200
    true_auc = 0.5 * (1 + math.erf(1.0 / 2.0))  # Phi(1/sqrt 2): scores N(1,1) vs N(0,1)
    true_sens = {0: 0.80, 1: 0.65}
    hits = {"sens_a": 0, "gap": 0, "auroc": 0, "dice": 0}
    for _ in range(n_sim):
        g = (rng.random(n) < 0.4).astype(np.int64)
        y = (rng.random(n) < 0.3).astype(np.int64)
        yh = np.where(y == 1, rng.random(n) < np.where(g == 0, 0.80, 0.65), rng.random(n) < 0.1).astype(
            np.int64
        )
        s = 1 / (1 + np.exp(-(rng.normal(0, 1, n) + y)))  # monotone in the normal score: same AUROC
        data = vb.TaskData(
            "classification", {"y_true": y, "y_hat": yh, "y_score": s}, ("auroc", "sensitivity")
        )
        parts = [vb.prepare(data, np.zeros(n, dtype=np.int64), 1), vb.prepare(data, g, 2)]
        ov, grp = vb.bootstrap_metrics(data, parts, n_boot, rng)
        lo, hi = np.quantile(grp["sensitivity"][:, 0], [0.025, 0.975])
        hits["sens_a"] += lo <= true_sens[0] <= hi
        lo, hi = np.quantile(grp["sensitivity"][:, 1] - grp["sensitivity"][:, 0], [0.025, 0.975])
        hits["gap"] += lo <= true_sens[1] - true_sens[0] <= hi
        lo, hi = np.quantile(ov["auroc"][:, 0], [0.025, 0.975])
        hits["auroc"] += lo <= true_auc <= hi
        d = np.clip(rng.beta(8, 2, n), 0, 1)  # mean 0.8
        seg = vb.TaskData("segmentation", {"dice": d}, ("dice",))
        (sd,) = vb.bootstrap_metrics(seg, [vb.prepare(seg, g, 2)], n_boot, rng)
        lo, hi = np.quantile(sd["dice"][:, 0], [0.025, 0.975])
        hits["dice"] += lo <= 0.8 <= hi
    coverage = {k: v / n_sim for k, v in hits.items()}
    for k, c in coverage.items():
        assert 0.88 <= c <= 0.99, (k, coverage)
