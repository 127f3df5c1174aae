"""``clinical-sft ehr train|predict|evaluate`` end to end on a tiny from-scratch model."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from clinical_sft.cli import app
from tests.ehr.helpers import TINY, toy_notes


def test_ehr_train_predict_evaluate(tmp_path):
    notes = toy_notes(20)
    train = tmp_path / "train.jsonl"
    train.write_text("".join(json.dumps(r) + "\n" for r in notes.drop(columns=["sex"]).to_dict("records")))
    demo = tmp_path / "demo.csv"
    notes[["patient_id", "sex"]].drop_duplicates().to_csv(demo, index=False)
    out = tmp_path / "model"
    runner = CliRunner()
    res = runner.invoke(app, ["ehr", "train", "--task", "classify", "--train", str(train), "--out", str(out),
                              "--from-scratch", "--config-overrides", TINY, "--epochs", "1", "--batch-size", "8",
                              "--max-length", "32", "--stride", "8", "--sentence-splitter", "simple",
                              "--demographics", str(demo), "--n-boot", "20", "--device", "cpu"])
    assert res.exit_code == 0, res.output
    assert "validation: f1" in res.output
    for f in ("run.json", "metrics.json", "model_card.md", "config.json", "label_map.json"):
        assert (out / f).is_file()
    rj = json.loads((out / "run.json").read_text())
    assert rj["task"] == "classify" and rj["privacy"]["enabled"] is False
    from clinical_sft.ehr import train_defaults

    defaults = train_defaults("classify")  # what the CLI was not told comes from the library's defaults
    assert rj["config"]["epochs"] == 1 and rj["config"]["batch_size"] == 8
    for k in ("learning_rate", "warmup_ratio", "weight_decay"):
        assert rj["config"][k] == defaults[k], k

    pred = tmp_path / "pred.jsonl"
    inp = tmp_path / "in.jsonl"
    inp.write_text("".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in notes.to_dict("records")))
    res = runner.invoke(app, ["ehr", "predict", "--model", str(out), str(inp), "--out", str(pred)])
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in pred.read_text().splitlines()]
    assert len(rows) == 20 and all(r["label"] in (0, 1) and set(r["scores"]) == {"0", "1"} for r in rows)

    ev = tmp_path / "eval"
    res = runner.invoke(app, ["ehr", "evaluate", "--model", str(out), "--data", str(train), "--demographics",
                              str(demo), "--out", str(ev), "--n-boot", "20"])
    assert res.exit_code == 0, res.output
    m = json.loads((ev / "metrics.json").read_text())["test"]
    assert {"auroc", "auprc", "f1", "ece"} <= set(m)
    assert (ev / "fairness").is_dir() and (ev / "model_card.html").is_file()


def test_ehr_train_missing_backbone_is_a_clear_error(tmp_path):
    train = tmp_path / "t.jsonl"
    train.write_text(json.dumps({"id": "1", "text": "x y", "label": 1, "patient_id": "a"}) + "\n"
                     + json.dumps({"id": "2", "text": "x z", "label": 0, "patient_id": "b"}) + "\n")
    res = CliRunner().invoke(app, ["ehr", "train", "--task", "classify", "--train", str(train), "--out",
                                   str(tmp_path / "o"), "--backbone", str(tmp_path / "nope")])
    assert res.exit_code != 0
    assert "was not found" in str(res.exception) and "--backbone DIR" in str(res.exception)
