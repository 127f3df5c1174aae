"""``clinical-sft report`` on tiny CSVs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from clinical_sft.cli import app


def _write(tmp_path, n=300, seed=0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.4).astype(int)
    score = np.round(np.clip(0.3 + 0.4 * y + rng.normal(0, 0.2, n), 0, 1), 3)
    ids = [f"n{i}" for i in range(n)]
    sex = rng.choice(["F", "M"], n)
    race = np.where(
        np.arange(n) < 8, "Pacific", rng.choice(["White", "Black", "Asian"], n, p=[0.5, 0.3, 0.2])
    )
    pd.DataFrame({"id": ids, "y_true": y, "y_score": score}).to_csv(tmp_path / "p.csv", index=False)
    pd.DataFrame({"id": ids, "sex": sex, "race": race}).to_csv(tmp_path / "d.csv", index=False)


def test_report_writes_three_files(tmp_path):
    _write(tmp_path)
    out = tmp_path / "rep"
    res = CliRunner().invoke(
        app,
        [
            "report",
            "--predictions",
            str(tmp_path / "p.csv"),
            "--demographics",
            str(tmp_path / "d.csv"),
            "--task",
            "classification",
            "--out",
            str(out),
            "--n-boot",
            "50",
            "--intersections",
            "sex*race",
            "--reference",
            "race=White",
            "--threshold",
            "0.5",
        ],
    )
    assert res.exit_code == 0, res.output
    assert {p.name for p in out.iterdir()} == {"report.json", "report.md", "report.html"}
    d = json.loads((out / "report.json").read_text())
    assert d["task"] == "classification" and d["config"]["n_boot"] == 50
    assert {g["attribute"] for g in d["groups"]} == {"sex", "race", "sex*race"}
    pac = [g for g in d["groups"] if g["group"] == "Pacific"][0]
    assert pac["n"] == "<11" and "metrics" not in pac  # a cell of 8
    # Asian, the next smallest, is suppressed too, so Pacific = overall minus the rest is not recoverable
    asian = [g for g in d["groups"] if g["group"] == "Asian"][0]
    assert asian["suppressed"] and asian["suppression"] == "complementary"
    assert {x["reference"] for x in d["disparities"] if x["attribute"] == "race"} == {"White"}
    html = (out / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "data:image/png;base64," in html
    assert "<link" not in html and "<script" not in html and "http://" not in html and "https://" not in html
    assert "flagged gap" in res.output


def test_report_options_and_segmentation(tmp_path):
    rng = np.random.default_rng(1)
    n = 120
    pd.DataFrame({"id": range(n), "dice": rng.random(n), "dice_liver": rng.random(n)}).to_csv(
        tmp_path / "p.csv", index=False
    )
    pd.DataFrame(
        {"id": range(n), "site": rng.choice(["a", "b"], n), "age": rng.choice(["<50", "50+"], n)}
    ).to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "o"
    res = CliRunner().invoke(
        app,
        [
            "report",
            "--predictions",
            str(tmp_path / "p.csv"),
            "--demographics",
            str(tmp_path / "d.csv"),
            "--task",
            "segmentation",
            "--out",
            str(out),
            "--attributes",
            "site",
            "--n-boot",
            "0",
            "--min-cell-size",
            "5",
        ],
    )
    assert res.exit_code == 0, res.output
    d = json.loads((out / "report.json").read_text())
    assert set(d["overall"]) == {"dice", "dice_liver"} and {g["attribute"] for g in d["groups"]} == {"site"}
    assert d["config"]["min_cell_size"] == 5


def test_report_bad_input_is_a_clean_error(tmp_path):
    _write(tmp_path)
    res = CliRunner().invoke(
        app,
        [
            "report",
            "--predictions",
            str(tmp_path / "missing.csv"),
            "--demographics",
            str(tmp_path / "d.csv"),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert res.exit_code != 0
    assert "missing.csv" in str(res.exception) or "missing.csv" in res.output
