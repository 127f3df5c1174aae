"""A planted disparity is flagged; nothing is flagged where none was planted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clinical_sft.fairness import SubgroupReport
from tests.fairness.conftest import make_classification


def test_planted_sensitivity_gap_is_flagged():
    preds, demo = make_classification(n=3000, seed=11, tpr={"Black": 0.55})
    rep = SubgroupReport(n_boot=300, attributes=["race", "sex", "site"]).fit(preds, demo)
    flags = rep.flags
    hit = flags[
        (flags["attribute"] == "race") & (flags["group"] == "Black") & (flags["metric"] == "sensitivity")
    ]
    assert len(hit) == 1 and hit.iloc[0]["difference"] < -0.15
    assert hit.iloc[0]["ci_high"] < 0
    # nothing was planted on sex or site
    assert set(flags["attribute"]) == {"race"}
    assert any("race=Black: sensitivity" in f for f in rep.to_dict()["flags"])
    assert "flagged" in rep.to_markdown()


def test_nothing_flagged_without_a_planted_disparity():
    preds, demo = make_classification(n=3000, seed=12)
    rep = SubgroupReport(n_boot=300, intersections=["sex*race"]).fit(preds, demo)
    assert rep.flags.empty, rep.flags
    assert rep.to_dict()["flags"] == []


def test_planted_gap_in_entity_recall_flagged():
    """De-identification misses more names of one origin: PHI recall gap flagged."""
    rng = np.random.default_rng(5)
    n = 1500
    origin = rng.choice(["english", "vietnamese", "spanish"], n)
    n_phi = rng.poisson(6, n) + 1
    recall = np.where(origin == "vietnamese", 0.80, 0.95)
    tp = rng.binomial(n_phi, recall)
    preds = pd.DataFrame({"id": range(n), "tp": tp, "fn": n_phi - tp, "fp": rng.poisson(1, n)})
    demo = pd.DataFrame({"id": range(n), "name_origin": origin})
    rep = SubgroupReport(task="deid", n_boot=300, reference={"name_origin": "english"}).fit(preds, demo)
    f = rep.flags
    assert set(zip(f["group"], f["metric"])) >= {("vietnamese", "phi_recall")}
    assert "spanish" not in set(f["group"])


def test_small_group_with_perfect_score_is_not_flagged():
    """A percentile bootstrap of 12 perfect records has zero width; min_flag_support keeps it from flagging."""
    preds, demo = make_classification(n=1500, seed=4)
    small = preds.head(12).assign(
        id=[f"x{i}" for i in range(12)], y_true=[1] * 6 + [0] * 6, y_score=[0.9] * 6 + [0.1] * 6
    )
    preds = pd.concat([preds, small], ignore_index=True)
    demo = pd.concat([demo, pd.DataFrame({"id": small["id"], "sex": "F", "race": "Other", "site": "s1"})])
    rep = SubgroupReport(n_boot=200, attributes=["race"]).fit(preds, demo)
    other = rep.disparities[rep.disparities["group"] == "Other"]
    assert len(other) and not other["flagged"].any()
    permissive = SubgroupReport(n_boot=200, attributes=["race"], min_flag_support=0).fit(preds, demo)
    assert permissive.disparities.query("group == 'Other'")["flagged"].any()


@pytest.mark.slow
def test_synthetic_cohort_planted_disparity_flagged():
    """The data helper's cohort: a classifier on notes is worse in the planted site, and the report says so."""
    synthetic = pytest.importorskip("clinical_sft.data.synthetic")
    if not hasattr(synthetic, "generate_cohort"):
        pytest.skip("clinical_sft.data.synthetic.generate_cohort not available")
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    planted = synthetic.PlantedDisparity(attribute="site", group="C", signal_kept=0.0)
    cohort = synthetic.generate_cohort(n_patients=500, seed=3, planted_disparity=planted)
    notes = pd.DataFrame(cohort.gold_records())
    rng = np.random.default_rng(0)
    patients = notes["patient_id"].unique()
    train_p = set(rng.choice(patients, len(patients) // 2, replace=False))
    train = notes[notes["patient_id"].isin(train_p)]
    test = notes[~notes["patient_id"].isin(train_p)]
    vec = TfidfVectorizer(min_df=2, ngram_range=(1, 2), lowercase=True)
    clf = LogisticRegression(max_iter=500).fit(vec.fit_transform(train["text"]), train["label"])
    score = clf.predict_proba(vec.transform(test["text"]))[:, 1]
    preds = pd.DataFrame({"id": test["id"], "y_true": test["label"], "y_score": score})
    rep = SubgroupReport(n_boot=300, attributes=["site"]).fit(preds, cohort.note_demographics())
    f = rep.flags
    auroc = rep.disparities.query("metric == 'auroc'")
    assert ((f["group"] == "C") & (f["metric"] == "auroc")).any(), auroc
    # the other sites got the full signal: none of them is flagged
    assert set(f.loc[f["metric"] == "auroc", "group"]) == {"C"}
