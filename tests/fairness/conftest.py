"""Simulated cohorts for the fairness tests (numpy only; no files)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def make_classification(
    n: int = 3000,
    seed: int = 0,
    tpr: dict[str, float] | None = None,
    race_p: tuple[float, ...] = (0.5, 0.3, 0.2),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Binary outcome, scores, and sex/race/site; ``tpr`` plants a sensitivity per race group."""
    rng = np.random.default_rng(seed)
    races = ["White", "Black", "Asian"][: len(race_p)]
    race = rng.choice(races, n, p=race_p)
    sex = rng.choice(["F", "M"], n)
    site = rng.choice(["s1", "s2", "s3", "s4"], n)
    y = (rng.random(n) < 0.3).astype(int)
    tpr = tpr or {}
    p_detect = np.array([tpr.get(r, 0.8) for r in race])
    # predicted positive with probability tpr among positives, 0.15 among negatives
    pred = np.where(y == 1, rng.random(n) < p_detect, rng.random(n) < 0.15).astype(int)
    score = np.clip(np.where(pred == 1, 0.5 + 0.5 * rng.random(n), 0.5 * rng.random(n)), 0, 1)
    score = np.round(score, 3)  # ties, like real calibrated scores
    preds = pd.DataFrame({"id": [f"r{i}" for i in range(n)], "y_true": y, "y_score": score})
    demo = pd.DataFrame({"id": preds["id"], "sex": sex, "race": race, "site": site})
    return preds, demo


@pytest.fixture
def cohort() -> tuple[pd.DataFrame, pd.DataFrame]:
    return make_classification(n=1500)
