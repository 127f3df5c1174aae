"""``clinical-sft imaging``: pretrain -> train --pretrained -> predict -> evaluate; classification too."""

from __future__ import annotations

import json

import pytest
import torch
from typer.testing import CliRunner

from clinical_sft.cli import app
from clinical_sft.data.synthetic_imaging import ImagingCohortConfig, make_imaging_cohort

runner = CliRunner()


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    torch.set_num_threads(1)
    return make_imaging_cohort(tmp_path_factory.mktemp("cli_img"), ImagingCohortConfig(n_cases=6, shape=(24, 24, 24), seed=2,
                                                                                       lesion_prevalence=0.5))


def _ok(result):
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_pretrain_train_predict_evaluate(cohort, tmp_path):
    ssl, run, masks = tmp_path / "ssl", tmp_path / "run", tmp_path / "masks"
    out = _ok(runner.invoke(app, ["imaging", "pretrain", "--data", str(cohort.root / "dicom"), "--out", str(ssl),
                                  "--size", "tiny", "--epochs", "1", "--patch", "16", "--device", "cpu"]))
    assert "fine-tune with --pretrained" in out and (ssl / "model.safetensors").is_file()
    out = _ok(runner.invoke(app, ["imaging", "train", "--data", str(cohort.dataset_json), "--out", str(run),
                                  "--size", "tiny", "--epochs", "1", "--patch", "16", "--pretrained", str(ssl),
                                  "--min-cell-size", "1", "--n-boot", "0", "--device", "cpu",
                                  "--demographics", str(cohort.demographics_csv)]))
    assert "epochs 1" in out and "patch (16, 16, 16)" in out and "cache memory" in out  # settings printed at start
    assert "pretrained: loaded 22, skipped 4 (shape mismatch), new 0" in out  # only the top up-block differs
    assert "validation: dice" in out
    for f in ("run.json", "model.safetensors", "predictions.csv", "model_card.md", "fairness/report.json"):
        assert (run / f).is_file(), f
    c = cohort.cases[0]
    _ok(runner.invoke(app, ["imaging", "predict", str(cohort.root / c.image_nifti), str(cohort.root / c.dicom_dir),
                            "--model", str(run), "--out", str(masks), "--format", "dicom-seg"]))
    assert (masks / f"{c.id}_seg.nii.gz").is_file() and (masks / f"{c.id}_seg.dcm").is_file()
    assert len(json.loads((masks / "predictions.json").read_text())) == 2
    out = _ok(runner.invoke(app, ["imaging", "evaluate", "--model", str(run), "--data", str(cohort.dataset_json),
                                  "--min-cell-size", "1", "--n-boot", "0"]))
    assert "validation: dice" in out and (run / "eval-validation" / "predictions.csv").is_file()


def test_bad_network_is_a_clear_error(cohort, tmp_path):
    from clinical_sft.cli import main  # noqa: F401 - the console script maps ClinicalSFTError to exit code 2

    r = runner.invoke(app, ["imaging", "train", "--data", str(cohort.dataset_json), "--out", str(tmp_path / "x"),
                            "--net", "vnet9000", "--epochs", "1"])
    assert r.exit_code != 0 and "vnet9000" in str(r.exception)


def test_classify_train_predict_evaluate(cohort, tmp_path):
    run, preds = tmp_path / "cls", tmp_path / "preds"
    out = _ok(runner.invoke(app, ["imaging", "train", "--task", "classify", "--data", str(cohort.dataset_json),
                                  "--label-key", "lesion_present", "--classes", "none,lesion", "--out", str(run),
                                  "--net", "resnet10", "--size", "tiny", "--epochs", "1", "--patch", "32",
                                  "--min-cell-size", "1", "--n-boot", "0", "--device", "cpu"]))
    assert "(classification): net resnet10 (tiny), epochs 1, input (32, 32, 32)" in out  # settings printed at start
    assert "validation:" in out and (run / "fairness" / "report.json").is_file()
    c = cohort.cases[0]
    out = _ok(runner.invoke(app, ["imaging", "predict", str(cohort.root / c.dicom_dir), "--model", str(run),
                                  "--out", str(preds), "--format", "jsonl"]))
    row = json.loads((preds / "predictions.jsonl").read_text().splitlines()[0])
    assert row["id"] == c.id and row["label"] in ("none", "lesion") and {"p_none", "p_lesion"} <= set(row)
    out = _ok(runner.invoke(app, ["imaging", "evaluate", "--model", str(run), "--data", str(cohort.dataset_json),
                                  "--min-cell-size", "1", "--n-boot", "0"]))
    assert "validation:" in out and "auroc" in out  # evaluate found the label key the model was trained with
