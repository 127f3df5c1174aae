"""SubgroupReport against fairlearn's MetricFrame, and its contract."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    equalized_odds_difference,
    selection_rate,
    true_negative_rate,
)
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score, roc_auc_score

from clinical_sft.errors import ConfigError, InputError
from clinical_sft.fairness import SubgroupReport
from tests.fairness.conftest import make_classification


def _ece_reference(y_true, y_pred, y_score):
    """ECE with numpy.histogram bins (independent of the package's implementation)."""
    edges = np.arange(11) / 10
    idx = np.clip(np.digitize(y_score, edges[1:-1], right=False), 0, 9)
    total = 0.0
    for b in range(10):
        m = idx == b
        if m.any():
            total += m.sum() * abs(y_score[m].mean() - y_true[m].mean())
    return total / len(y_score)


def _metricframe_classification(preds, demo, attr, threshold=0.5):
    df = preds.merge(demo, on="id")
    y = df["y_true"].to_numpy()
    s = df["y_score"].to_numpy()
    p = (s >= threshold).astype(int)
    score = {"y_score": s}
    mf = MetricFrame(
        metrics={
            "auroc": lambda yt, yp, y_score: roc_auc_score(yt, y_score),
            "auprc": lambda yt, yp, y_score: average_precision_score(yt, y_score),
            "sensitivity": lambda yt, yp: recall_score(yt, yp, zero_division=np.nan),
            "specificity": true_negative_rate,
            "ppv": lambda yt, yp: precision_score(yt, yp, zero_division=np.nan),
            "f1": lambda yt, yp: f1_score(yt, yp, zero_division=np.nan),
            "selection_rate": selection_rate,
            "ece": lambda yt, yp, y_score: _ece_reference(yt, yp, y_score),
        },
        y_true=y,
        y_pred=p,
        sensitive_features=df[attr].astype(str),
        sample_params={"auroc": score, "auprc": score, "ece": score},
    )
    return mf, df, y, p


def test_classification_by_group_equals_metricframe(cohort):
    preds, demo = cohort
    rep = SubgroupReport(task="classification", n_boot=0).fit(preds, demo)
    for attr in ("sex", "race", "site"):
        mf, _, _, _ = _metricframe_classification(preds, demo, attr)
        ours = rep.by_group.loc[attr]
        theirs = mf.by_group
        assert sorted(ours.index) == sorted(theirs.index)
        for m in theirs.columns:
            np.testing.assert_allclose(
                ours.loc[theirs.index, m].to_numpy(float), theirs[m].to_numpy(float), rtol=1e-12, atol=1e-12
            )
            assert rep.overall.loc[m, "value"] == pytest.approx(float(mf.overall[m]), abs=1e-12)


def test_fairness_measures_equal_fairlearn(cohort):
    preds, demo = cohort
    rep = SubgroupReport(task="classification", n_boot=0).fit(preds, demo)
    df = preds.merge(demo, on="id")
    p = (df["y_score"] >= 0.5).astype(int)
    got = {(a["attribute"], a["metric"]): a["value"] for a in rep.to_dict()["attribute_metrics"]}
    for attr in ("sex", "race", "site"):
        eo = equalized_odds_difference(df["y_true"], p, sensitive_features=df[attr])
        dp = demographic_parity_difference(df["y_true"], p, sensitive_features=df[attr])
        assert got[(attr, "equalized_odds_difference")] == pytest.approx(eo, abs=1e-12)
        assert got[(attr, "demographic_parity_difference")] == pytest.approx(dp, abs=1e-12)


def test_y_pred_column_overrides_threshold(cohort):
    preds, demo = cohort
    preds = preds.assign(y_pred=(preds["y_score"] >= 0.8).astype(int))
    rep = SubgroupReport(n_boot=0, threshold=0.1, attributes=["race"]).fit(preds, demo)
    mf, _, _, _ = _metricframe_classification(preds.drop(columns="y_pred"), demo, "race", threshold=0.8)
    np.testing.assert_allclose(
        rep.by_group.loc["race"].loc[mf.by_group.index, "sensitivity"], mf.by_group["sensitivity"]
    )


@pytest.mark.parametrize("task", ["ner", "deid"])
def test_entity_metrics_equal_metricframe(task):
    rng = np.random.default_rng(3)
    n = 600
    preds = pd.DataFrame(
        {"id": range(n), "tp": rng.poisson(4, n), "fp": rng.poisson(1, n), "fn": rng.poisson(1.5, n)}
    )
    demo = pd.DataFrame({"id": range(n), "origin": rng.choice(["en", "es", "vi", "ar"], n)})
    rep = SubgroupReport(task=task, n_boot=0).fit(preds, demo)
    cnt = {"tp": preds["tp"], "fp": preds["fp"], "fn": preds["fn"]}

    def summed(kind):
        def f(yt, yp, tp, fp, fn):
            t, p_, n_ = tp.sum(), fp.sum(), fn.sum()
            return {"recall": t / (t + n_), "precision": t / (t + p_), "f1": 2 * t / (2 * t + p_ + n_)}[kind]

        return f

    prefix = "phi_" if task == "deid" else ""
    mf = MetricFrame(
        metrics={f"{prefix}{k}": summed(k) for k in ("recall", "precision", "f1")},
        y_true=np.zeros(n),
        y_pred=np.zeros(n),
        sensitive_features=demo["origin"],
        sample_params={f"{prefix}{k}": cnt for k in ("recall", "precision", "f1")},
    )
    ours = rep.by_group.loc["origin"]
    for m in mf.by_group.columns:
        np.testing.assert_allclose(ours.loc[mf.by_group.index, m], mf.by_group[m], rtol=1e-12)
    if task == "deid":
        assert "phi_recall" in rep.to_dict()["overall"]


def test_segmentation_dice_per_class_equals_metricframe():
    rng = np.random.default_rng(4)
    n = 500
    liver = np.where(rng.random(n) < 0.2, np.nan, rng.random(n))
    preds = pd.DataFrame(
        {"id": range(n), "dice": rng.random(n), "dice_liver": liver, "dice_spleen": rng.random(n)}
    )
    demo = pd.DataFrame({"id": range(n), "site": rng.choice(["a", "b", "c"], n)})
    rep = SubgroupReport(task="segmentation", n_boot=0).fit(preds, demo)
    cols = ["dice", "dice_liver", "dice_spleen"]
    mf = MetricFrame(
        metrics={c: (lambda yt, yp, v: np.nanmean(v)) for c in cols},
        y_true=np.zeros(n),
        y_pred=np.zeros(n),
        sensitive_features=demo["site"],
        sample_params={c: {"v": preds[c].to_numpy()} for c in cols},
    )
    ours = rep.by_group.loc["site"]
    for c in cols:
        np.testing.assert_allclose(ours.loc[mf.by_group.index, c], mf.by_group[c], rtol=1e-12)


def test_json_contract(cohort):
    preds, demo = cohort
    rep = SubgroupReport(n_boot=100, intersections=["sex*race"]).fit(preds, demo)
    d = json.loads(rep.to_json())
    assert set(d) >= {"task", "overall", "groups", "disparities"}
    assert d["task"] == "classification"
    for m, e in d["overall"].items():
        assert set(e) == {"value", "ci"} and len(e["ci"]) == 2
        assert e["ci"][0] <= e["value"] <= e["ci"][1], m
    for g in d["groups"]:
        assert {"attribute", "group", "n", "suppressed"} <= set(g)
        if g["suppressed"]:
            assert "metrics" not in g
        else:
            assert isinstance(g["n"], int) and set(g["metrics"]) == set(d["overall"])
    assert {g["attribute"] for g in d["groups"]} == {"sex", "race", "site", "sex*race"}
    for x in d["disparities"]:
        assert {"attribute", "group", "reference", "metric", "difference", "ci", "flagged"} <= set(x)
        assert x["group"] != x["reference"]
    # the reference defaults to the largest group
    ref = {x["attribute"]: x["reference"] for x in d["disparities"]}
    assert ref["race"] == demo["race"].value_counts().idxmax()


def test_reference_override_and_views(cohort):
    preds, demo = cohort
    rep = SubgroupReport(n_boot=50, reference={"race": "Asian"}, attributes=["race"]).fit(preds, demo)
    disp = rep.disparities
    assert set(disp["reference"]) == {"Asian"} and set(disp["group"]) == {"White", "Black"}
    row = disp[(disp["group"] == "White") & (disp["metric"] == "sensitivity")].iloc[0]
    bg = rep.by_group.loc["race"]
    assert row["difference"] == pytest.approx(bg.loc["White", "sensitivity"] - bg.loc["Asian", "sensitivity"])
    assert row["ratio"] == pytest.approx(bg.loc["White", "sensitivity"] / bg.loc["Asian", "sensitivity"])
    assert list(rep.overall.columns) == ["value", "ci_low", "ci_high"]
    assert rep.by_group_ci.shape[0] == 3
    # worst group is the minimum of the groups for a higher-is-better metric
    w = rep.worst_group.set_index(["attribute", "metric"])
    assert w.loc[("race", "auroc"), "value"] == pytest.approx(bg["auroc"].min())
    assert w.loc[("race", "ece"), "value"] == pytest.approx(bg["ece"].max())


def test_errors_name_the_problem(cohort):
    preds, demo = cohort
    with pytest.raises(ConfigError, match="task"):
        SubgroupReport(task="regression")
    with pytest.raises(ConfigError, match="min_cell_size"):
        SubgroupReport(min_cell_size=0)
    with pytest.raises(InputError, match="y_score"):
        SubgroupReport().fit(preds.drop(columns="y_score"), demo)
    with pytest.raises(InputError, match="duplicate"):
        SubgroupReport().fit(pd.concat([preds, preds.head(2)]), demo)
    with pytest.raises(InputError, match="zip"):
        SubgroupReport(attributes=["zip"]).fit(preds, demo)
    with pytest.raises(ConfigError, match="not fitted"):
        SubgroupReport().to_dict()


def test_missing_demographics_form_their_own_group():
    preds, demo = make_classification(n=400, seed=2)
    demo = demo.iloc[:380].copy()
    demo.loc[demo.index[:15], "sex"] = np.nan
    rep = SubgroupReport(n_boot=0, attributes=["sex"], min_cell_size=11).fit(preds, demo)
    n = rep.by_group.loc["sex", "n"]
    assert n["(missing)"] == 35


def test_fairlearn_bootstrap_backend_agrees(cohort):
    preds, demo = cohort
    preds, demo = preds.iloc[:400], demo.iloc[:400]
    kw = dict(attributes=["sex"], n_boot=30, random_state=1)
    fl = SubgroupReport(bootstrap="fairlearn", **kw).fit(preds, demo)
    vz = SubgroupReport(**kw).fit(preds, demo)
    pd.testing.assert_frame_equal(fl.by_group, vz.by_group)
    a, b = fl.by_group_ci, vz.by_group_ci
    width_a = (a.xs("ci_high", axis=1, level=1) - a.xs("ci_low", axis=1, level=1)).to_numpy()
    width_b = (b.xs("ci_high", axis=1, level=1) - b.xs("ci_low", axis=1, level=1)).to_numpy()
    # same procedure, different random draws: interval widths agree within a factor of two
    assert np.all((width_a / width_b > 0.5) & (width_a / width_b < 2.0))
