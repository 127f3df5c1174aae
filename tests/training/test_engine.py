"""clinical_sft.training.Trainer on a tiny MLP: contract, determinism, resume, DP budget, DDP."""

from __future__ import annotations

import json
import os
import socket

import pytest
import torch
from safetensors.torch import load_file

from clinical_sft.errors import ConfigError
from clinical_sft.training import DPConfig, TrainConfig, Trainer, load_trained, register_task
from tests.training._toy import ToyDataset, ToyTask, ToyTaskNoPRL

torch.set_num_threads(1)


def cfg(tmp_path, name="run", **kw):
    base = dict(out_dir=tmp_path / name, epochs=3, batch_size=16, learning_rate=1e-2, progress=False)
    base.update(kw)
    return TrainConfig(**base)


@pytest.fixture(scope="module")
def data():
    return ToyDataset(96), ToyDataset(32, seed=1)


def weights(path):
    return load_file(str(path / "model.safetensors"))


def assert_same_weights(a, b, atol=0.0):
    wa, wb = weights(a), weights(b)
    assert wa.keys() == wb.keys()
    for k in wa:
        torch.testing.assert_close(wa[k], wb[k], atol=atol, rtol=0 if atol == 0 else 1e-5)


def test_fit_writes_run_json_contract_and_learns(tmp_path, data):
    res = Trainer(ToyTask(), cfg(tmp_path, log_to=("jsonl", "tensorboard"))).fit(*data)
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert {"task", "config", "data_fingerprint", "versions", "metrics", "history", "wall_time_s", "model",
            "privacy"} <= run.keys()
    assert run["task"] == "toy" and run["privacy"]["enabled"] is False
    assert run["versions"]["torch"] and "opacus" in run["versions"]
    assert run["data_fingerprint"]["train"]["method"] == "ids" and run["data_fingerprint"]["train"]["n"] == 96
    assert len(run["history"]) == 3 and res.steps == 18
    assert res.metrics["accuracy"] > 0.7
    lines = [json.loads(x) for x in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert [x["epoch"] for x in lines if x["event"] == "epoch"] == [1, 2, 3]
    assert list((tmp_path / "run" / "tensorboard").glob("events.*"))
    assert (tmp_path / "run" / "checkpoints").is_dir()


def test_same_seed_same_metrics_other_seed_differs(tmp_path, data):
    a = Trainer(ToyTask(), cfg(tmp_path, "a", epochs=2)).fit(*data)
    b = Trainer(ToyTask(), cfg(tmp_path, "b", epochs=2)).fit(*data)
    c = Trainer(ToyTask(), cfg(tmp_path, "c", epochs=2, seed=1)).fit(*data)
    assert a.history == b.history
    assert_same_weights(tmp_path / "a", tmp_path / "b")
    assert a.history[0]["train_loss"] != c.history[0]["train_loss"]


def test_gradient_accumulation_matches_big_batch(tmp_path, data):
    Trainer(ToyTask(), cfg(tmp_path, "big", batch_size=16, optimizer="sgd", clip_grad_norm=None)).fit(data[0])
    Trainer(ToyTask(), cfg(tmp_path, "acc", batch_size=8, grad_accum_steps=2, optimizer="sgd",
                           clip_grad_norm=None)).fit(data[0])
    assert_same_weights(tmp_path / "big", tmp_path / "acc", atol=1e-5)


class _Stuck(ToyTask):
    """Validation metric never improves after epoch 1."""

    def compute_metrics(self, predictions):
        self.calls = getattr(self, "calls", 0) + 1
        return {"accuracy": 1.0 if self.calls == 1 else 0.5}


def test_early_stopping_keeps_the_best_epoch(tmp_path, data):
    res = Trainer(_Stuck(), cfg(tmp_path, epochs=10, early_stopping_patience=2)).fit(*data)
    assert res.stopped_reason == "early_stopping" and res.epochs_completed == 3
    assert res.best_epoch == 1 and res.metrics["accuracy"] == 1.0
    best = load_file(str(tmp_path / "run" / "checkpoints" / "best.safetensors"))
    final = weights(tmp_path / "run")
    assert all(torch.equal(best[k], final[k]) for k in best)


class _Crash(Exception):
    pass


class _CrashAfter(ToyTask):
    """Dies at the first training batch after ``after`` validations (a killed job)."""

    def __init__(self, after, **kw):
        super().__init__(**kw)
        self.after, self.validations = after, 0

    def compute_metrics(self, predictions):
        self.validations += 1
        return super().compute_metrics(predictions)

    def per_record_loss(self, model, batch):
        if self.validations >= self.after:
            raise _Crash()
        return super().per_record_loss(model, batch)

    def loss(self, model, batch):
        if self.validations >= self.after and model.training:
            raise _Crash()
        return super().loss(model, batch)


@pytest.mark.parametrize("dp", [None, DPConfig(target_epsilon=1.0, accountant="rdp", grad_sample_mode="hooks")],
                         ids=["plain", "dp"])
def test_resume_equals_uninterrupted(tmp_path, data, dp):
    full = Trainer(ToyTask(), cfg(tmp_path, "full"), dp=dp).fit(*data)
    with pytest.raises(_Crash):
        Trainer(_CrashAfter(2), cfg(tmp_path, "cut"), dp=dp).fit(*data)
    resumed = Trainer(ToyTask(), cfg(tmp_path, "cut", resume=True), dp=dp).fit(*data)
    assert resumed.history == full.history
    assert_same_weights(tmp_path / "full", tmp_path / "cut")
    if dp is not None:
        for key in ("epsilon", "steps", "noise_multiplier", "sample_rate", "history"):
            assert resumed.privacy[key] == full.privacy[key], key
    run = json.loads((tmp_path / "cut" / "run.json").read_text())
    assert run["training"]["resumed_from_epoch"] == 2


def test_dp_epsilon_one_never_exceeded_and_batchnorm_is_fixed(tmp_path, data):
    res = Trainer(ToyTask(batchnorm=True), cfg(tmp_path, epochs=3, log_every=5),
                  dp=DPConfig(target_epsilon=1.0)).fit(*data)
    p = res.privacy
    assert p["enabled"] and 0 < p["epsilon"] <= 1.0 and p["accountant"] == "prv"
    assert p["delta"] == 1e-5 and p["steps"] > 0 and p["noise_multiplier"] > 0
    assert p["sample_rate"] == pytest.approx(16 / 96, rel=0.05)
    assert all(h["epsilon"] <= 1.0 for h in res.history)
    assert p["model_fix"]["changes"] == [{"module": "1", "from": "BatchNorm1d", "to": "GroupNorm"}]
    assert p["grad_sample_mode"] == "ghost"
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["privacy"]["epsilon"] == p["epsilon"]
    logged = [json.loads(x) for x in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    step_eps = [x["epsilon"] for x in logged if x["event"] == "train"]
    assert step_eps and all(0 < e <= 1.0 for e in step_eps)
    # the saved model is rebuilt (with the same fix) from the run directory
    register_task("toy", lambda run_dir: ToyTask(batchnorm=True), overwrite=True)
    task, model, _ = load_trained(tmp_path / "run")
    assert any(isinstance(m, torch.nn.GroupNorm) for m in model.modules())


class _PerPatient(ToyDataset):
    privacy_unit = "patient"


def test_privacy_block_names_the_unit_of_the_accounting(tmp_path, data):
    dp = DPConfig(target_epsilon=4.0, accountant="rdp")
    plain = Trainer(ToyTask(), cfg(tmp_path, "plain", epochs=1), dp=dp).fit(*data)
    assert plain.privacy["unit"] == "record"  # a dataset that says nothing: one item is one record
    res = Trainer(ToyTask(), cfg(tmp_path, "unit", epochs=1), dp=dp).fit(_PerPatient(48), data[1])
    assert res.privacy["unit"] == "patient" and res.privacy["n_records"] == 48
    assert json.loads((tmp_path / "unit" / "run.json").read_text())["privacy"]["unit"] == "patient"
    off = Trainer(ToyTask(), cfg(tmp_path, "off", epochs=1)).fit(*data)
    assert "unit" not in off.privacy and off.privacy["enabled"] is False


def test_dp_budget_is_enforced_by_stopping(tmp_path, data):
    dp = DPConfig(target_epsilon=1.0, noise_multiplier=2.0, accountant="rdp", grad_sample_mode="hooks")
    res = Trainer(ToyTaskNoPRL(), cfg(tmp_path, epochs=50), dp=dp).fit(*data)
    assert res.stopped_reason == "privacy_budget" and res.privacy["stopped_reason"] == "privacy_budget"
    assert res.privacy["epsilon"] <= 1.0
    assert res.privacy["steps"] == res.privacy["max_steps"] == res.steps
    from clinical_sft.privacy.dp import compute_epsilon

    assert compute_epsilon(noise_multiplier=2.0, sample_rate=res.privacy["sample_rate"], steps=res.steps + 1,
                           delta=res.privacy["delta"], accountant="rdp") > 1.0


def test_ghost_falls_back_to_hooks_with_reason_and_physical_batches(tmp_path, data):
    dp = DPConfig(target_epsilon=1.0, accountant="rdp", grad_sample_mode="ghost", max_physical_batch_size=4)
    res = Trainer(ToyTaskNoPRL(), cfg(tmp_path, epochs=1), dp=dp).fit(*data)
    assert res.privacy["grad_sample_mode"] == "hooks"
    assert "per_record_loss" in res.privacy["grad_sample_mode_reason"]
    assert res.steps == res.privacy["steps"] == 6  # logical steps, not physical batches


def test_delta_too_large_is_refused(tmp_path, data):
    with pytest.raises(ConfigError, match="1/N"):
        Trainer(ToyTask(), cfg(tmp_path), dp=DPConfig(target_epsilon=1.0, delta=0.05)).fit(*data)


def test_predict_and_evaluate(tmp_path, data):
    tr = Trainer(ToyTask(), cfg(tmp_path, epochs=1))
    with pytest.raises(ConfigError, match="fit"):
        tr.predict(data[1])
    tr.fit(data[0])
    preds = tr.predict(data[1])
    assert [p["id"] for p in preds] == data[1].ids
    m = tr.evaluate(data[1])
    assert set(m) == {"accuracy", "loss"} and m["loss"] > 0


# ----------------------------------------------------------------------------------------------- DDP
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ddp_worker(rank, world, port, out_dir, dp=None):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), WORLD_SIZE=str(world), RANK=str(rank),
                      LOCAL_RANK=str(rank))
    torch.set_num_threads(1)
    try:
        Trainer(ToyTask(), TrainConfig(out_dir=out_dir, epochs=2, batch_size=16, learning_rate=1e-2,
                                       progress=False, device="cpu"), dp=dp).fit(ToyDataset(96), ToyDataset(32, seed=1))
    finally:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.destroy_process_group()


def test_ddp_two_cpu_processes_match_one_process(tmp_path):  # ~15 s: two spawned interpreters (gloo)
    import torch.multiprocessing as mp

    one = Trainer(ToyTask(), cfg(tmp_path, "one", epochs=2)).fit(ToyDataset(96), ToyDataset(32, seed=1))
    mp.spawn(_ddp_worker, args=(2, _free_port(), str(tmp_path / "two")), nprocs=2, join=True)
    assert_same_weights(tmp_path / "one", tmp_path / "two", atol=1e-5)
    run = json.loads((tmp_path / "two" / "run.json").read_text())
    assert run["training"]["world_size"] == 2
    assert run["metrics"]["accuracy"] == pytest.approx(one.metrics["accuracy"])


@pytest.mark.parametrize("mode", ["ghost", "hooks"])
def test_dp_empty_poisson_batches_take_noise_only_steps(tmp_path, mode):
    # sample rate 1/20 over 20 records: about a third of the Poisson batches are empty
    task = ToyTask() if mode == "ghost" else ToyTaskNoPRL()
    res = Trainer(task, cfg(tmp_path, epochs=1, batch_size=1),
                  dp=DPConfig(target_epsilon=1.0, accountant="rdp", grad_sample_mode=mode)).fit(ToyDataset(20))
    assert res.steps == res.privacy["steps"] == 20 and res.privacy["epsilon"] <= 1.0
    assert all(torch.isfinite(v).all() for v in weights(tmp_path / "run").values())


@pytest.mark.parametrize("mode", ["hooks", "ghost"])
def test_ddp_dp_accounting_matches_one_process(tmp_path, mode):
    import torch.multiprocessing as mp

    dp = DPConfig(target_epsilon=1.0, accountant="rdp", grad_sample_mode=mode)
    one = Trainer(ToyTask(), cfg(tmp_path, "one", epochs=2), dp=dp).fit(ToyDataset(96), ToyDataset(32, seed=1))
    mp.spawn(_ddp_worker, args=(2, _free_port(), str(tmp_path / "two"), dp), nprocs=2, join=True)
    two = json.loads((tmp_path / "two" / "run.json").read_text())["privacy"]
    for key in ("epsilon", "noise_multiplier", "sample_rate", "steps", "grad_sample_mode"):
        assert two[key] == one.privacy[key], key
    assert two["epsilon"] <= 1.0
