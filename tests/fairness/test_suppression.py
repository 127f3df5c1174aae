"""A cell of 10 never shows its metric: JSON, Markdown, HTML, notebook HTML, plots, DataFrames."""

from __future__ import annotations

import json

import matplotlib
import numpy as np
import pandas as pd
import pytest

from clinical_sft.fairness import SubgroupReport
from tests.fairness.conftest import make_classification

matplotlib.use("Agg")

TINY_DICE = 0.0421  # the cell's true mean; nothing else in the report comes near it


def _segmentation():
    rng = np.random.default_rng(7)
    n_big = 600
    dice = np.r_[rng.uniform(0.6, 0.95, n_big), np.full(10, TINY_DICE)]
    site = np.r_[rng.choice(["north", "south", "east"], n_big, p=[0.5, 0.3, 0.2]), ["island"] * 10]
    ids = [f"p{i}" for i in range(len(dice))]
    preds = pd.DataFrame({"id": ids, "dice": dice})
    demo = pd.DataFrame({"id": ids, "site": site, "sex": rng.choice(["F", "M"], len(ids))})
    return preds, demo


def _floats(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _floats(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _floats(v)
    elif isinstance(obj, float):
        yield obj


def _plotted_values(fig):
    vals = []
    for ax in fig.axes:
        for line in ax.lines:
            vals += list(np.asarray(line.get_xdata(), float).ravel()) + list(
                np.asarray(line.get_ydata(), float).ravel()
            )
        for coll in ax.collections:
            vals += list(np.asarray(coll.get_offsets(), float).ravel())
            for seg in getattr(coll, "get_segments", lambda: [])():
                vals += list(np.asarray(seg, float).ravel())
    return np.array(vals)


@pytest.fixture(scope="module")
def seg_report():
    preds, demo = _segmentation()
    return SubgroupReport(task="segmentation", n_boot=200, min_cell_size=11).fit(preds, demo)


def test_cell_of_ten_is_suppressed_everywhere(seg_report):
    rep = seg_report
    d = rep.to_dict()
    island = [g for g in d["groups"] if g["group"] == "island"]
    assert island == [
        {"attribute": "site", "group": "island", "n": "<11", "suppressed": True, "suppression": "primary"}
    ]
    assert all(abs(x - TINY_DICE) > 0.005 for x in _floats(d))
    assert all("island" not in (x["group"], x["reference"]) for x in d["disparities"])
    assert all(w["group"] != "island" for w in d["worst_group"])
    texts = {
        "md": rep.to_markdown(),
        "html": rep.to_html(plots=False),
        "repr": rep._repr_html_(),
        "json": rep.to_json(),
    }
    for name, text in texts.items():
        assert "0.042" not in text and "0.04" not in text, name
        assert "island" in text, name  # the group is listed, shown as <11
    assert "| island | <11 |" in texts["md"]
    bg = rep.by_group.loc["site"]
    assert bg.loc["island", "n"] == "<11" and np.isnan(bg.loc["island", "dice"])
    assert "island" not in set(rep.disparities["group"]) | set(rep.disparities["reference"])
    fig = rep.plot_metric("dice")
    vals = _plotted_values(fig)
    assert vals.size > 0 and not np.any(np.abs(vals - TINY_DICE) < 0.005)
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert any("island" in t and "<11" in t for t in labels)


def test_complementary_suppression_blocks_subtraction(seg_report):
    """With the overall mean and every other group published, the lone small cell would be recoverable."""
    d = seg_report.to_dict()
    site = [g for g in d["groups"] if g["attribute"] == "site"]
    hidden = [g for g in site if g["suppressed"]]
    assert len(hidden) >= 2
    comp = [g for g in hidden if g["suppression"] == "complementary"]
    assert comp and all(g["n"] == "suppressed" and "metrics" not in g for g in comp)
    # what subtraction yields now is a pooled mean of >= 11 records, not the small cell's value
    total = d["n_records"] * d["overall"]["dice"]["value"]
    shown = [g for g in site if not g["suppressed"]]
    rest_n = d["n_records"] - sum(g["n"] for g in shown)
    rest = (total - sum(g["n"] * g["metrics"]["dice"]["value"] for g in shown)) / rest_n
    assert rest_n >= 11 and abs(rest - TINY_DICE) > 0.1


def test_intersection_cells_suppressed_and_plots_clean():
    preds, demo = make_classification(n=1200, seed=3, race_p=(0.6, 0.39, 0.01))
    rep = SubgroupReport(n_boot=100, intersections=["sex*race"]).fit(preds, demo)
    d = rep.to_dict()
    small = [g for g in d["groups"] if g["attribute"] == "sex*race" and g["suppressed"]]
    assert small and all("metrics" not in g for g in small)
    hidden = {g["group"] for g in small}
    cal_groups = {(c["attribute"], c["group"]) for c in d["calibration"]["groups"]}
    assert not any(("sex*race", h) in cal_groups for h in hidden)
    for c in d["calibration"]["groups"]:  # reliability bins with fewer than 11 records show no value
        for b in c["bins"]:
            assert b["suppressed"] == isinstance(b["n"], str)
            if b["suppressed"]:
                assert set(b) == {"bin_low", "bin_high", "n", "suppressed"}
    fig = rep.plot_calibration("sex*race")
    legend = fig.axes[0].get_legend()
    shown = {t.get_text() for t in legend.get_texts()} if legend else set()
    assert not shown & hidden
    assert json.loads(rep.to_json())["groups"] == d["groups"]


def test_min_cell_size_is_configurable():
    preds, demo = _segmentation()
    rep = SubgroupReport(task="segmentation", n_boot=0, min_cell_size=5, attributes=["site"]).fit(preds, demo)
    island = rep.by_group.loc["site"].loc["island"]
    assert island["n"] == 10 and island["dice"] == pytest.approx(TINY_DICE)
    rep = SubgroupReport(task="segmentation", n_boot=0, min_cell_size=20, attributes=["site"]).fit(
        preds, demo
    )
    assert rep.by_group.loc["site"].loc["island", "n"] == "<20"
