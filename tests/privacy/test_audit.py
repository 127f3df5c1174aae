"""clinical_sft.privacy.audit: attack metrics, overfit vs DP model, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from sklearn.metrics import roc_auc_score

from clinical_sft.privacy.audit import lira_audit, membership_inference, run_audit
from clinical_sft.training import DPConfig, TrainConfig, Trainer, register_task
from tests.training._toy import ToyDataset, ToyTask

torch.set_num_threads(1)


def test_metrics_match_sklearn_and_chance_is_half():
    rng = np.random.default_rng(0)
    m, h = rng.normal(0, 1, 300), rng.normal(0.5, 1, 300)
    r = membership_inference(m, h, n_boot=100)
    ref = roc_auc_score(np.r_[np.ones(300), np.zeros(300)], -np.r_[m, h])
    assert r.auc == pytest.approx(ref)
    assert r.auc_ci[0] < r.auc < r.auc_ci[1]
    assert 0 <= r.tpr_at_1pct_fpr <= 1 and r.advantage > 0
    same = membership_inference(rng.normal(0, 1, 500), rng.normal(0, 1, 500), n_boot=100)
    assert abs(same.auc - 0.5) < 0.07
    perfect = membership_inference([0.0, 0.1], [1.0, 2.0], n_boot=20)
    assert perfect.auc == 1.0 and perfect.tpr_at_1pct_fpr == 1.0


class _Wide(ToyTask):
    """Random labels and a wide net: memorises the training set."""

    def __init__(self):
        super().__init__(dim=16, hidden=256)


def _noisy(n, seed):
    ds = ToyDataset(n, dim=16, seed=seed)
    ds.y = torch.randint(0, 2, (n,), generator=torch.Generator().manual_seed(seed + 7))
    return ds


@pytest.fixture(scope="module")
def splits():
    return _noisy(64, 0), _noisy(64, 1)


@pytest.mark.slow  # ~20 s: 25 epochs plain + DP
def test_overfit_model_leaks_and_dp_model_does_not(tmp_path, splits):
    train, held = splits
    conf = dict(epochs=25, batch_size=16, learning_rate=1e-2, progress=False, clip_grad_norm=None)
    plain = Trainer(_Wide(), TrainConfig(out_dir=tmp_path / "plain", **conf))
    plain.fit(train)
    leak = run_audit(plain.task, plain.model, train, held, n_boot=200)
    private = Trainer(_Wide(), TrainConfig(out_dir=tmp_path / "dp", **conf),
                      dp=DPConfig(target_epsilon=1.0, accountant="rdp", grad_sample_mode="ghost"))
    private.fit(train)
    safe = run_audit(private.task, private.model, train, held, n_boot=200)
    assert leak.auc > 0.8 and leak.auc_ci[0] > 0.6
    assert safe.auc < 0.65 < leak.auc


def test_lira_runs_with_shadows(tmp_path, splits):
    train, held = splits
    conf = dict(epochs=15, batch_size=16, learning_rate=1e-2, progress=False, clip_grad_norm=None)
    tr = Trainer(_Wide(), TrainConfig(out_dir=tmp_path / "t", **conf))
    tr.fit(train)

    def shadow(ds):
        s = Trainer(_Wide(), TrainConfig(out_dir=tmp_path / "s", **conf))
        s.fit(ds)
        return s.model

    r = lira_audit(tr.task, tr.model, train, held, shadow, n_shadows=2, n_boot=50)
    assert r.attack == "lira" and r.details["n_shadows"] == 2 and r.auc > 0.6


class _FileTask(ToyTask):
    def load_dataset(self, path):
        d = json.loads(open(path).read())
        ds = ToyDataset(d["n"], seed=d["seed"])
        return ds


def test_cli_audit_records_into_run_json(tmp_path):
    from typer.testing import CliRunner

    from clinical_sft.cli import app

    register_task("toy", lambda run_dir: _FileTask(), overwrite=True)
    Trainer(_FileTask(), TrainConfig(out_dir=tmp_path / "run", epochs=2, progress=False)).fit(ToyDataset(48))
    (tmp_path / "tr.json").write_text(json.dumps({"n": 48, "seed": 0}))
    (tmp_path / "ho.json").write_text(json.dumps({"n": 48, "seed": 5}))
    res = CliRunner().invoke(app, ["privacy", "audit", "--model", str(tmp_path / "run"), "--train",
                                   str(tmp_path / "tr.json"), "--heldout", str(tmp_path / "ho.json"),
                                   "--n-boot", "50", "--out", str(tmp_path / "audit.json")])
    assert res.exit_code == 0, res.output
    assert "AUC" in res.output
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert 0 <= run["privacy"]["audit"]["loss"]["auc"] <= 1
    assert json.loads((tmp_path / "audit.json").read_text())["loss"]["n_members"] == 48
