"""fine_tune on the training engine (DP + LoRA), save/load round trip, evaluation with a subgroup report."""

from __future__ import annotations

import json

import numpy as np
import pytest

from clinical_sft.ehr import EhrModel, evaluate, fine_tune
from clinical_sft.training import DPConfig, TrainConfig, load_trained
from tests.ehr.helpers import tiny_config, toy_notes


@pytest.fixture(scope="module")
def dp_lora_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "ner"
    notes = toy_notes(24)
    run = fine_tune(notes, config=tiny_config("ner", lora=True, lora_r=4),
                    train_config=TrainConfig(out_dir=out, epochs=1, batch_size=16, learning_rate=1e-2, progress=False),
                    dp=DPConfig(target_epsilon=8.0, accountant="rdp"), demographics=["sex"], report_kwargs={"n_boot": 20})
    return run, notes


def test_dp_lora_run_writes_model_run_json_metrics_card_and_report(dp_lora_run):
    run, notes = dp_lora_run
    out = run.out_dir
    for f in ("config.json", "model.safetensors", "tokenizer.json", "label_map.json", "ehr_config.json", "run.json",
              "metrics.json", "val_predictions.csv", "model_card.md", "model_card.html"):
        assert (out / f).is_file(), f
    assert (out / "fairness").is_dir()
    rj = json.loads((out / "run.json").read_text())
    assert rj["task"] == "ner" and rj["privacy"]["enabled"] and rj["privacy"]["epsilon"] <= 8.0 + 1e-6
    assert rj["model"]["n_trainable"] < rj["model"]["n_parameters"] / 10  # LoRA: adapters and head only
    assert rj["task_info"]["labels"] == ["O", "B-DATE", "I-DATE", "B-NAME", "I-NAME"]
    # the validation split holds whole patients only
    val_ids = set(run.predictions["id"])
    val_patients = set(notes.set_index("id").loc[sorted(val_ids), "patient_id"])
    assert not val_patients & set(notes[~notes["id"].isin(val_ids)]["patient_id"])
    card = (out / "model_card.md").read_text()
    assert "epsilon" in card and "sex" in card
    # PHI never reaches the report or the card
    assert "Alvarez" not in card and "Alvarez" not in (out / "fairness" / "report.json").read_text()


def test_saved_model_round_trips_and_loads_with_plain_transformers(dp_lora_run):
    from transformers import AutoModelForTokenClassification

    run, notes = dp_lora_run
    texts = list(notes["text"][:3])
    before = run.model.predict(texts)
    again = EhrModel.from_pretrained(run.out_dir)
    assert again.predict(texts) == before
    hf = AutoModelForTokenClassification.from_pretrained(str(run.out_dir))  # LoRA merged on save
    assert hf.config.id2label[1] == "B-DATE"
    task, model, rj = load_trained(run.out_dir)  # the engine's registry rebuilds it too
    assert task.name == "ner" and not model.training


def test_evaluate_writes_metrics_predictions_report_and_card(dp_lora_run, tmp_path):
    run, notes = dp_lora_run
    demo = notes[["patient_id", "sex"]].drop_duplicates()
    ev = evaluate(run.out_dir, notes, demographics=demo, out_dir=tmp_path / "eval", report_kwargs={"n_boot": 20})
    assert set(ev.metrics) >= {"precision", "recall", "f1"}
    tbl = ev.predictions
    tp, fp, fn = tbl["tp"].sum(), tbl["fp"].sum(), tbl["fn"].sum()
    assert ev.metrics["precision"] == pytest.approx(tp / (tp + fp) if tp + fp else 0.0)
    assert ev.metrics["recall"] == pytest.approx(tp / (tp + fn))
    for f in ("metrics.json", "predictions.jsonl", "predictions_table.csv", "model_card.md"):
        assert (tmp_path / "eval" / f).is_file()
    assert ev.report is not None and "sex" in ev.report.to_markdown()
    rows = [json.loads(x) for x in (tmp_path / "eval" / "predictions.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == list(notes["id"])
    assert all(0 <= s["start"] < s["end"] <= len(t) for r, t in zip(rows, notes["text"]) for s in r["spans"])
    assert np.isfinite(ev.metrics["f1"])


def test_default_schedule_raises_epochs_on_small_data(tmp_path):
    from clinical_sft.ehr import DEFAULT_MIN_STEPS, auto_epochs

    assert auto_epochs(206, 16, 3, DEFAULT_MIN_STEPS) == 10  # 13 steps an epoch
    assert auto_epochs(5432, 16, 3, DEFAULT_MIN_STEPS) == 3  # a corpus keeps its epochs
    assert auto_epochs(10, 16, 3, 10_000) == 20  # capped
    assert auto_epochs(206, 8, 3, DEFAULT_MIN_STEPS, grad_accum_steps=2) == 10
