"""The segmentation Task: batches, loss, sliding-window metrics, the engine, DP, rebuilding a run."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from monai.metrics import DiceMetric
from monai.networks.utils import one_hot
from torch import nn

from clinical_sft.imaging import (
    SegmentationConfig,
    SegmentationTask,
    TransformConfig,
    load_dataset,
    make_dataset,
    train_segmentation,
    train_transforms,
    val_transforms,
)
from clinical_sft.training import Task, TrainConfig, Trainer, load_trained

TC = TransformConfig(patch_size=(16, 16, 16), num_samples=2)


def _task(**kw):
    return SegmentationTask(SegmentationConfig(size="tiny", transforms=TC, **kw))


class _Oracle(nn.Module):
    """1x1x1 conv whose argmax maps image 0 / 0.5 / 1 to labels 0 / 1 / 2."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv3d(1, 3, 1)
        with torch.no_grad():
            self.conv.weight.copy_(torch.tensor([0.0, 10.0, 40.0]).view(3, 1, 1, 1, 1))
            self.conv.bias.copy_(torch.tensor([0.0, -2.5, -30.0]))

    def forward(self, x):
        return self.conv(x)


def test_task_satisfies_the_engine_protocol():
    assert isinstance(_task(), Task)


def test_collate_crops_are_tensors_only_and_volumes_keep_their_shapes(cohort):
    task = _task()
    items = load_dataset(cohort.dataset_json, "training")[:2]
    crops = make_dataset(items, train_transforms(TC, 2), cache="none")
    b = task.collate([crops[0], crops[1]])
    assert set(b) == {"image", "label"}  # opacus' empty-batch maker needs tensors only
    assert b["image"].shape == (4, 1, 16, 16, 16) and b["label"].dtype == torch.long
    vols = make_dataset(items, val_transforms(TC), cache="none")
    v0 = dict(vols[0])
    v0["image"], v0["label"] = v0["image"][:, :30], v0["label"][:, :30]  # a smaller volume
    b = task.collate([v0, vols[1]])
    assert b["ids"] == [items[0]["id"], items[1]["id"]]
    assert b["shapes"][0][0] < b["shapes"][1][0] and b["image"].shape[0] == 2
    assert b["spacing"][1] == pytest.approx([1.5, 1.5, 2.0])


def test_sliding_window_metrics_match_monai():
    task = _task()
    lab = torch.zeros(1, 1, 20, 20, 20, dtype=torch.long)
    lab[:, :, 4:12, 4:12, 4:12] = 1
    lab[:, :, 6:9, 6:9, 6:9] = 2
    perfect = {"image": lab.float() / 2, "label": lab, "ids": ["a"], "shapes": [(20, 20, 20)], "spacing": [[1.0, 1.0, 1.0]]}
    rec = task.predict_batch(_Oracle(), perfect)[0]
    assert rec["dice"] == pytest.approx(1.0) and rec["hd95"] == pytest.approx(0.0)
    img = lab.float() / 2
    img[:, :, 4:6] = 0  # the model now misses two slabs of the organ
    rec = task.predict_batch(_Oracle(), {**perfect, "image": img})[0]
    pred = torch.where(img == 0.5, 1, torch.where(img == 1.0, 2, 0))
    ref = DiceMetric(include_background=False, reduction="none")(one_hot(pred, 3), one_hot(lab, 3))[0]
    assert rec["dice_organ"] == pytest.approx(float(ref[0])) and rec["dice_organ"] < 1
    assert rec["dice_lesion"] == pytest.approx(float(ref[1]))
    m = task.compute_metrics([rec, {"id": "b", "dice": float("nan"), "dice_organ": 0.5, "dice_lesion": float("nan")}])
    assert m["dice_organ"] == pytest.approx((rec["dice_organ"] + 0.5) / 2) and np.isfinite(m["dice"])
    table = task.predictions_table([rec])
    assert list(table.columns[:4]) == ["id", "dice", "dice_organ", "dice_lesion"]


def test_tiny_loop_lowers_the_loss(cohort):
    task = _task()
    items = load_dataset(cohort.dataset_json, "training")[:2]
    ds = make_dataset(items, train_transforms(TC, 2), cache="memory")
    torch.manual_seed(0)
    model = task.build_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    batch = task.collate([ds[0], ds[1]])
    losses = []
    for _ in range(12):
        opt.zero_grad()
        loss = task.loss(model, batch)
        loss.backward()
        opt.step()
        losses.append(float(loss))
    assert losses[-1] < 0.8 * losses[0]


def test_engine_fit_writes_run_and_rebuilds(cohort, tmp_path):
    task = _task()
    tr = make_dataset(load_dataset(cohort.dataset_json, "training"), train_transforms(TC, 2))
    va = make_dataset(load_dataset(cohort.dataset_json, "validation"), val_transforms(TC))
    res = Trainer(task, TrainConfig(out_dir=tmp_path, epochs=1, batch_size=2, learning_rate=1e-2, progress=False,
                                    eval_batch_size=1)).fit(tr, va)
    assert {"dice", "dice_organ", "dice_lesion", "hd95"} <= set(res.metrics)
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["task"] == "segmentation" and run["task_info"]["imaging"]["net"] == "unet"
    task2, model, _ = load_trained(tmp_path)  # registered loader: rebuild from run.json's task_info
    assert isinstance(task2, SegmentationTask) and task2.config.class_names == ("organ", "lesion")
    batch = task.collate([va[0]])
    assert task2.predict_batch(model, batch)[0]["id"] == batch["ids"][0]


@pytest.mark.slow  # the engine's privacy accountant needs ~30-60 s on 2 cores
def test_dp_training_through_the_engine(cohort, tmp_path):
    run = train_segmentation(cohort.dataset_json, tmp_path, size="tiny", epochs=1, patch_size=(16, 16, 16),
                             dp_epsilon=8.0, learning_rate=1e-2, progress=False, report=False, hd95=False)
    priv = json.loads((tmp_path / "run.json").read_text())["privacy"]
    assert priv["enabled"] and priv["epsilon"] <= 8.0 + 1e-6 and priv["steps"] >= 1
    assert run.settings["num_samples"] == 1  # one crop per volume: the privacy unit is the volume


def test_freeze_then_unfreeze_runs_two_stages(cohort, tmp_path):
    run = train_segmentation(cohort.dataset_json, tmp_path, size="tiny", epochs=2, freeze_encoder_epochs=1,
                             patch_size=(16, 16, 16), progress=False, report=False, hd95=False)
    stage1 = json.loads((tmp_path / "stage1-frozen-encoder" / "run.json").read_text())
    final = json.loads((tmp_path / "run.json").read_text())
    assert stage1["model"]["n_trainable"] < stage1["model"]["n_parameters"]
    assert final["model"]["n_trainable"] == final["model"]["n_parameters"]
    assert final["task_info"]["frozen_encoder_stage"]["epochs"] == 1
    # stage 2 starts from every tensor of stage 1
    assert run.pretrained["source"].endswith("model.safetensors") and "stage1" in run.pretrained["source"]
    assert run.pretrained["n_skipped"] == 0 and run.pretrained["n_new"] == 0


def test_pretrained_output_block_trains_alone_first_by_default(cohort, tmp_path):
    from safetensors.torch import save_model

    from clinical_sft.imaging import build_network

    ckpt = tmp_path / "ssl.safetensors"
    save_model(build_network("unet", 1, 1, size="tiny"), str(ckpt))  # like `imaging pretrain` (1 output channel)
    run = train_segmentation(cohort.dataset_json, tmp_path / "run", size="tiny", epochs=4, patch_size=(16, 16, 16),
                             pretrained=ckpt, progress=False, report=False, hd95=False, device="cpu")
    assert run.settings["freeze_pretrained_epochs"] == 1  # a quarter of 4 epochs
    stage1 = json.loads((tmp_path / "run" / "stage1-frozen-pretrained" / "run.json").read_text())
    final = json.loads((tmp_path / "run" / "run.json").read_text())
    assert 0 < stage1["model"]["n_trainable"] < stage1["model"]["n_parameters"] / 2
    assert final["model"]["n_trainable"] == final["model"]["n_parameters"]
    assert len(final["history"]) == 3 and final["task_info"]["frozen_pretrained_stage"]["epochs"] == 1
    assert run.pretrained["source"] == str(ckpt) and run.pretrained["n_skipped"] > 0
    off = train_segmentation(cohort.dataset_json, tmp_path / "off", size="tiny", epochs=2, patch_size=(16, 16, 16),
                             pretrained=ckpt, freeze_pretrained_epochs=0, progress=False, report=False, hd95=False,
                             device="cpu")
    assert off.settings["freeze_pretrained_epochs"] == 0 and not (tmp_path / "off" / "stage1-frozen-pretrained").exists()


def test_same_seed_same_run(cohort, tmp_path):
    """MONAI's random crops keep their own generators: the run's seed must reach them too."""
    kw = dict(size="tiny", epochs=1, patch_size=(16, 16, 16), progress=False, report=False, hd95=False, device="cpu")
    np.random.seed(1)  # process history (global generators) must not matter
    a = train_segmentation(cohort.dataset_json, tmp_path / "a", seed=3, **kw)
    np.random.seed(2)
    torch.manual_seed(2)
    b = train_segmentation(cohort.dataset_json, tmp_path / "b", seed=3, **kw)
    assert a.result.history[0]["train_loss"] == pytest.approx(b.result.history[0]["train_loss"], rel=1e-6)
    assert a.metrics["dice"] == pytest.approx(b.metrics["dice"], rel=1e-6)
