"""Whole-volume classification: labels, metrics against scikit-learn, the engine, DP, prediction files, report."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score, average_precision_score, roc_auc_score

from clinical_sft.errors import ConfigError, InputError
from clinical_sft.imaging import (
    ClassificationConfig,
    ClassificationTask,
    TransformConfig,
    classification_metrics,
    classification_transforms,
    classify_files,
    encode_labels,
    evaluate_classification,
    load_dataset,
    make_dataset,
    model_kind,
    train_classification,
)
from clinical_sft.training import Task, load_trained

TC = TransformConfig(patch_size=(16, 16, 16))


def _task(**kw):
    return ClassificationTask(ClassificationConfig(net=kw.pop("net", "resnet10"), size="tiny", transforms=TC, **kw))


def test_task_satisfies_the_engine_protocol():
    task = _task()
    assert isinstance(task, Task)
    assert task.monitor == "auroc" and task.monitor_mode == "max"
    assert _task(monitor="loss").monitor_mode == "min"


def test_config_validation_names_the_field():
    with pytest.raises(ConfigError, match="net"):
        ClassificationConfig(net="unet")  # a segmentation network
    with pytest.raises(ConfigError, match="class_names"):
        ClassificationConfig(class_names=("a", "a"))
    with pytest.raises(ConfigError, match="threshold"):
        ClassificationConfig(threshold=1.0)


def test_encode_labels_accepts_indices_strings_and_names_and_never_echoes_values():
    items = [{"id": "a", "label": 1}, {"id": "b", "label": "0"}, {"id": "c", "label": "lesion"}, {"id": "d", "label": True}]
    encode_labels(items, ["no lesion", "lesion"])
    assert [it["label"] for it in items] == [1, 0, 1, 1]
    with pytest.raises(InputError, match="'x'") as e:
        encode_labels([{"id": "x", "label": "Jane Doe"}], ["no lesion", "lesion"])
    assert "Jane" not in str(e.value)  # the value may be anything a user typed: never in messages
    with pytest.raises(InputError, match="outside"):
        encode_labels([{"id": "y", "label": 5}], ["a", "b"])


def test_binary_metrics_match_scikit_learn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 50)
    p1 = np.clip(0.35 * y + rng.uniform(0, 0.65, 50), 0, 1)
    m = classification_metrics(y, np.stack([1 - p1, p1], 1), threshold=0.5)
    assert m["auroc"] == pytest.approx(roc_auc_score(y, p1))
    assert m["auprc"] == pytest.approx(average_precision_score(y, p1))
    assert m["accuracy"] == pytest.approx(accuracy_score(y, p1 >= 0.5))
    assert m["n"] == 50
    one_class = classification_metrics(np.ones(4, int), np.full((4, 2), 0.5))
    assert np.isnan(one_class["auroc"]) and one_class["accuracy"] == 1.0


def test_multiclass_metrics_match_scikit_learn():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 60)
    logits = rng.normal(size=(60, 3)) + 1.5 * np.eye(3)[y]
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    m = classification_metrics(y, p)
    assert m["auroc"] == pytest.approx(roc_auc_score(y, p, multi_class="ovr", average="macro"))
    assert m["accuracy"] == pytest.approx(accuracy_score(y, p.argmax(1)))


def test_collate_predict_and_table(cls_cohort):
    task = _task()
    items = load_dataset(cls_cohort.classification_json, "training", label_is_path=False)[:3]
    encode_labels(items, task.config.class_names)
    ds = make_dataset(items, classification_transforms(TC, train=True), cache="none")
    b = task.collate([ds[0], ds[1], ds[2]])
    assert b["image"].shape == (3, 1, 16, 16, 16) and b["label"].dtype == torch.long
    assert b["ids"] == [it["id"] for it in items]
    model = task.build_model().eval()
    preds = task.predict_batch(model, b)
    assert all(abs(sum(p["probs"]) - 1) < 1e-5 for p in preds)
    assert [p["y_true"] for p in preds] == [it["label"] for it in items]
    loss = task.loss(model, b)
    assert float(loss) == pytest.approx(float(task.per_record_loss(model, b).mean()), rel=1e-5)
    table = task.predictions_table(preds)
    assert list(table.columns[:4]) == ["id", "y_true", "y_score", "y_pred"]
    assert np.allclose(table["y_score"], [p["probs"][1] for p in preds])


def test_label_key_reads_a_column_of_a_segmentation_dataset(cls_cohort):
    items = load_dataset(cls_cohort.dataset_json, "training", label_key="lesion_present", label_is_path=False)
    masks = load_dataset(cls_cohort.dataset_json, "training")
    assert [it["label"] for it in items] == [c.lesion_present for c in cls_cohort.cases if c.split == "training"]
    assert all(isinstance(it["label"], int) for it in items) and all(m["label"].endswith(".nii.gz") for m in masks)


def test_train_predict_evaluate_with_subgroup_report(cls_cohort, tmp_path):
    run = train_classification(cls_cohort.classification_json, tmp_path / "run", net="resnet10", size="tiny", epochs=2,
                               input_size=(16, 16, 16), device="cpu", progress=False, n_boot=0, min_cell_size=1,
                               demographics=cls_cohort.demographics_csv)
    assert {"auroc", "accuracy", "n"} <= set(run.metrics)
    assert run.settings["classes"] == ["no lesion", "lesion"]  # from classification.json's labels map
    rj = json.loads((tmp_path / "run" / "run.json").read_text())
    assert rj["task"] == "image_classification" and rj["task_info"]["settings"]["label_key"] == "label"
    table = run.predictions
    assert list(table.columns[:4]) == ["id", "y_true", "y_score", "y_pred"] and len(table) == run.settings["n_val"]
    rep = json.loads((tmp_path / "run" / "fairness" / "report.json").read_text())
    assert rep["config"]["task"] == "classification" if "config" in rep else "classification" in json.dumps(rep)
    assert (tmp_path / "run" / "model_card.md").is_file()
    assert model_kind(tmp_path / "run") == "classification"
    task, model, _ = load_trained(tmp_path / "run")
    assert isinstance(task, ClassificationTask) and task.config.net == "resnet10"

    c = cls_cohort.cases[0]
    rows = classify_files(tmp_path / "run", [cls_cohort.root / c.image_nifti, cls_cohort.root / c.dicom_dir], tmp_path / "p")
    with open(tmp_path / "p" / "predictions.csv") as fh:
        got = list(csv.DictReader(fh))
    assert [r["id"] for r in got] == [c.id, c.id] and {"label", "score", "p_no lesion", "p_lesion"} <= set(got[0])
    # the NIfTI twin and the DICOM series are the same pixels: the same probabilities
    assert rows[0]["p_lesion"] == pytest.approx(rows[1]["p_lesion"], abs=1e-4)
    classify_files(tmp_path / "run", [cls_cohort.root / c.image_nifti], tmp_path / "p", fmt="jsonl")
    line = json.loads((tmp_path / "p" / "predictions.jsonl").read_text().splitlines()[0])
    assert line["label"] in ("no lesion", "lesion")
    with pytest.raises(ConfigError, match="format"):
        classify_files(tmp_path / "run", [cls_cohort.root / c.image_nifti], tmp_path / "p", fmt="dicom-seg")

    ev = evaluate_classification(tmp_path / "run", cls_cohort.classification_json, n_boot=0, min_cell_size=1)
    assert ev.metrics["n"] == run.settings["n_val"]
    assert ev.metrics["auroc"] == pytest.approx(run.metrics["auroc"], abs=1e-4) or np.isnan(run.metrics["auroc"])


def test_dp_through_the_engine_replaces_batchnorm(cls_cohort, tmp_path):
    from clinical_sft.training import DPConfig

    # "small": opacus' GroupNorm replacement needs more than one value per group at the 1-voxel last stage
    run = train_classification(cls_cohort.dataset_json, tmp_path, net="resnet10", size="small", label_key="lesion_present",
                               epochs=1, batch_size=2, input_size=(16, 16, 16), device="cpu", progress=False,
                               report=False, dp=DPConfig(target_epsilon=8.0, accountant="rdp"))
    priv = json.loads((tmp_path / "run.json").read_text())["privacy"]
    assert priv["enabled"] and priv["epsilon"] <= 8.0 + 1e-6 and priv["steps"] >= 1
    assert any(ch["to"] == "GroupNorm" for ch in priv["model_fix"]["changes"])
    assert run.settings["classes"] == ["0", "1"]  # a 0/1 column without a labels map


def test_a_segmentation_dataset_without_label_key_is_a_clear_error(cls_cohort, tmp_path):
    with pytest.raises(ConfigError, match="mask files"):
        train_classification(cls_cohort.dataset_json, tmp_path, net="resnet10", size="tiny", epochs=1, device="cpu")
