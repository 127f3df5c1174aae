"""One call per job: train (fine-tune) a segmentation model, evaluate it with a subgroup report."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from clinical_sft.errors import ConfigError, InputError
from clinical_sft.imaging.data import (
    TransformConfig,
    demographics_table,
    load_dataset,
    make_dataset,
    read_dataset_json,
    train_transforms,
    val_transforms,
)
from clinical_sft.imaging.task import SegmentationConfig, SegmentationTask

__all__ = ["SegmentationRun", "default_settings", "evaluate_segmentation", "subgroup_report", "train_segmentation"]

logger = logging.getLogger(__name__)

_ATTRS = ("sex", "age_group", "race", "ethnicity", "site")


def _cuda(device: str) -> bool:
    import torch

    return device == "cuda" or (device == "auto" and torch.cuda.is_available())


def default_settings(device: str = "auto", image_shape: Sequence[int] | None = None) -> dict[str, Any]:
    """Defaults for a CPU laptop or a GPU: network size, patch, epochs, batch, cache.

    The patch is clamped to the image size (multiples of 16, at least 16) when ``image_shape`` is known.
    """
    gpu = _cuda(device)
    patch = [96, 96, 96] if gpu else [32, 32, 32]
    if image_shape is not None:
        patch = [max(16, min(p, (int(s) // 16) * 16)) for p, s in zip(patch, image_shape)]
    return {
        "device": "cuda" if gpu else "cpu",
        "size": "base" if gpu else "small",
        "patch_size": tuple(patch),
        "epochs": 200 if gpu else 30,
        "batch_size": 4 if gpu else 2,
        "cache": "memory",
        "num_samples": 4 if gpu else 2,
    }


@dataclass
class SegmentationRun:
    """What :func:`train_segmentation` produced."""

    out_dir: Path
    metrics: dict[str, float]
    settings: dict[str, Any]
    result: Any = None
    predictions: Any = None
    report: Any = None
    report_paths: dict[str, Path] = field(default_factory=dict)
    model_card: dict[str, Path] = field(default_factory=dict)
    pretrained: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"out_dir": str(self.out_dir), "metrics": self.metrics, "settings": _jsonable(self.settings),
                "report": {k: str(v) for k, v in self.report_paths.items()},
                "model_card": {k: str(v) for k, v in self.model_card.items()}, "pretrained": self.pretrained}


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(d, default=str))


def _first_shape(item: dict[str, Any]) -> tuple[int, ...] | None:
    try:
        from clinical_sft.imaging.io import read_image

        return tuple(int(s) for s in read_image(item["image"]).shape[-3:])
    except Exception:  # the shape only tunes a default; loading errors surface later with context
        return None


def subgroup_report(predictions: Any, demographics: Any, *, n_boot: int = 200, min_cell_size: int = 11, seed: int = 0) -> Any:
    """A fitted ``fairness.SubgroupReport`` (segmentation: per-record Dice) over the known attributes."""
    from clinical_sft.fairness import SubgroupReport

    attrs = [a for a in _ATTRS if a in demographics.columns and demographics[a].notna().any()]
    if not attrs:
        return None
    return SubgroupReport(task="segmentation", attributes=attrs, n_boot=n_boot, min_cell_size=min_cell_size,
                          random_state=seed).fit(predictions, demographics)


def evaluate_segmentation(
    model_dir: str | Path,
    data: str | Path,
    *,
    split: str = "validation",
    demographics: str | Path | None = None,
    out_dir: str | Path | None = None,
    n_boot: int = 200,
    min_cell_size: int = 11,
    device: str = "cpu",
) -> SegmentationRun:
    """Evaluate a trained run on a split of a ``dataset.json``: metrics, predictions table, subgroup report.

    Writes ``predictions.csv``, ``metrics.json`` and ``fairness/report.*`` to ``out_dir`` (default:
    ``MODEL_DIR/eval-<split>``).
    """
    from clinical_sft.imaging.inference import load_segmenter
    from clinical_sft.training import TrainConfig, Trainer

    task, model = load_segmenter(model_dir, device)
    items = load_dataset(data, split)
    if not items:
        raise InputError(f"{data} has no {split!r} items")
    out = Path(out_dir) if out_dir else Path(model_dir) / f"eval-{split}"
    out.mkdir(parents=True, exist_ok=True)
    ds = make_dataset(items, val_transforms(task.config.transforms), cache="none")
    trainer = Trainer(task, TrainConfig(out_dir=out, batch_size=1, device=device, progress=False))  # type: ignore[arg-type]
    trainer.model = model
    trainer._device = next(model.parameters()).device  # noqa: SLF001 - evaluating an already built model
    preds = trainer.predict(ds)
    metrics = task.compute_metrics(preds)
    table = task.predictions_table(preds)
    table.to_csv(out / "predictions.csv", index=False)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    run = SegmentationRun(out_dir=out, metrics=metrics, settings={"split": split}, predictions=table)
    demo = demographics_table(items, demographics)
    rep = subgroup_report(table, demo, n_boot=n_boot, min_cell_size=min_cell_size)
    if rep is not None:
        run.report = rep
        run.report_paths = rep.save(out / "fairness")
    return run


def train_segmentation(
    data: str | Path,
    out_dir: str | Path,
    *,
    net: str = "unet",
    size: str | None = None,
    epochs: int | None = None,
    batch_size: int | None = None,
    learning_rate: float = 1e-3,
    patch_size: Sequence[int] | None = None,
    num_samples: int | None = None,
    spacing_mm: Sequence[float] | None = None,
    window: tuple[float, float] = (-160.0, 240.0),
    augment: bool = True,
    pretrained: str | Path | None = None,
    freeze_encoder_epochs: int = 0,
    dp_epsilon: float | None = None,
    dp_delta: float | None = None,
    max_grad_norm: float = 1.0,
    dp: Any = None,
    demographics: str | Path | None = None,
    cache: str | None = None,
    device: str = "auto",
    seed: int = 0,
    max_train: int | None = None,
    n_boot: int = 200,
    min_cell_size: int = 11,
    hd95: bool = True,
    progress: bool = True,
    report: bool = True,
) -> SegmentationRun:
    """Fine-tune (or train from scratch) a 3-D segmentation network on an MSD-style ``dataset.json``.

    Runs the training engine (optionally with differential privacy), keeps the best validation
    model, writes ``run.json`` / ``model.safetensors`` / ``imaging_task.json``, the validation
    predictions table (per-record Dice), a subgroup report and a model card.

    Parameters
    ----------
    data
        ``dataset.json`` with ``training`` (and ``validation``; else 20% of training is held out).
    out_dir
        Run folder.
    net, size
        Registered network and size preset (``None``: ``"small"`` on CPU, ``"base"`` on GPU).
    epochs, batch_size, patch_size, num_samples, cache
        ``None`` picks the device's defaults (:func:`default_settings`).
    pretrained
        Checkpoint to start from (bundle folder, run folder of ``imaging pretrain``, state dict file).
    freeze_encoder_epochs
        Train only the decoder for this many epochs, then everything (two engine stages);
        negative: keep the encoder frozen for the whole run.
    dp_epsilon, dp_delta, max_grad_norm
        Differential privacy through the engine (one crop per volume per step, so the unit of
        privacy is the volume).
    dp
        A ``DPConfig`` (accountant, physical batch, ...) instead of ``dp_epsilon``/``dp_delta``.
    demographics
        CSV joined on ``id`` (or ``patient_id``) for the subgroup report; dataset items' own fields are used too.
    max_train
        Use only the first N training items (small-labelled-set experiments).

    Returns
    -------
    SegmentationRun
    """
    from clinical_sft.training import DPConfig, TrainConfig, Trainer

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    spec = read_dataset_json(data)
    train_items = load_dataset(data, "training")
    val_items = load_dataset(data, "validation") if spec.get("validation") else []
    if not train_items:
        raise InputError(f"{data} has no training items")
    if not val_items:
        rng = np.random.default_rng(seed)
        idx = rng.permutation(len(train_items))
        n_val = max(1, len(train_items) // 5) if len(train_items) > 1 else 0
        val_items = [train_items[i] for i in idx[:n_val]]
        train_items = [train_items[i] for i in idx[n_val:]]
    if max_train is not None:
        if max_train < 1:
            raise ConfigError(f"max_train must be >= 1, got {max_train}")
        train_items = train_items[:max_train]
    labels = spec.get("labels") or {}
    names = tuple(str(v) for k, v in sorted(labels.items(), key=lambda kv: int(kv[0])) if int(k) > 0) or ("foreground",)

    d = default_settings(device, _first_shape(train_items[0]))
    if net.lower() == "swinunetr" and not patch_size:
        d["patch_size"] = tuple(max(64, -(-p // 32) * 32) for p in d["patch_size"])
    if dp is None and dp_epsilon is not None:
        dp = DPConfig(target_epsilon=dp_epsilon, delta=dp_delta, max_grad_norm=max_grad_norm)
    private = dp is not None
    settings = {
        "net": net, "size": size or d["size"], "epochs": epochs or d["epochs"], "batch_size": batch_size or d["batch_size"],
        "patch_size": tuple(patch_size) if patch_size else d["patch_size"],
        "num_samples": 1 if private else (num_samples or d["num_samples"]), "cache": cache or d["cache"],
        "device": d["device"], "learning_rate": learning_rate, "n_train": len(train_items), "n_val": len(val_items),
        "classes": list(names), "pretrained": str(pretrained) if pretrained else None,
        "freeze_encoder_epochs": freeze_encoder_epochs, "dp_epsilon": dp.target_epsilon if dp is not None else None,
    }
    if private and num_samples not in (None, 1):
        logger.warning("DP: using one crop per volume per step (num_samples=1) so that the privacy unit is the volume")
    if private and 0 < freeze_encoder_epochs < settings["epochs"]:
        raise ConfigError("freeze_encoder_epochs: an unfreeze schedule cannot be combined with --dp-epsilon "
                          "(use 0, or a negative value to keep the encoder frozen for the whole run)")
    logger.info("imaging train settings: %s", settings)
    sp3 = (float(spacing_mm[0]), float(spacing_mm[1]), float(spacing_mm[2])) if spacing_mm else None
    tc = TransformConfig(patch_size=settings["patch_size"], spacing_mm=sp3,
                         window=(float(window[0]), float(window[1])), num_samples=settings["num_samples"], augment=augment)
    seg_cfg = SegmentationConfig(net=net, size=settings["size"], class_names=names, transforms=tc,
                                 pretrained=str(pretrained) if pretrained else None, hd95=hd95)
    cache_dir = out / "cache"
    train_ds = make_dataset(train_items, train_transforms(tc, len(names)), cache=settings["cache"], cache_dir=cache_dir)
    val_ds = make_dataset(val_items, val_transforms(tc), cache=settings["cache"], cache_dir=cache_dir)

    def tcfg(run_dir: Path, n_epochs: int) -> TrainConfig:
        return TrainConfig(out_dir=run_dir, epochs=n_epochs, batch_size=settings["batch_size"], eval_batch_size=1,
                           learning_rate=learning_rate, weight_decay=1e-5, scheduler="cosine", clip_grad_norm=None,
                           device=device, seed=seed, progress=progress, deterministic=False)  # type: ignore[arg-type]

    n_epochs = settings["epochs"]
    stage_history: list[dict[str, Any]] = []
    task = SegmentationTask(seg_cfg)
    if 0 < freeze_encoder_epochs < n_epochs:
        stage1 = out / "stage1-frozen-encoder"
        t1 = SegmentationTask(replace(seg_cfg, freeze_encoder=True))
        r1 = Trainer(t1, tcfg(stage1, freeze_encoder_epochs)).fit(train_ds, val_ds)
        stage_history = r1.history
        task = SegmentationTask(replace(seg_cfg, pretrained=str(stage1 / "model.safetensors")))
        task.pretrained_report = t1.pretrained_report  # report what the original checkpoint gave
        n_epochs -= freeze_encoder_epochs
    elif freeze_encoder_epochs < 0 or freeze_encoder_epochs >= n_epochs:
        task = SegmentationTask(replace(seg_cfg, freeze_encoder=True))
    base_info = task.run_info

    def run_info() -> dict[str, Any]:
        info = base_info()
        info["settings"] = _jsonable(settings)
        if stage_history:
            info["frozen_encoder_stage"] = {"epochs": freeze_encoder_epochs, "history": stage_history}
        return info

    task.run_info = run_info  # type: ignore[method-assign]
    trainer = Trainer(task, tcfg(out, n_epochs), dp=dp)
    result = trainer.fit(train_ds, val_ds)
    task.save(out)
    run = SegmentationRun(out_dir=out, metrics=dict(result.metrics), settings=settings, result=result)
    if task.pretrained_report is not None:
        run.pretrained = task.pretrained_report.to_dict()
        (out / "pretrained_report.json").write_text(json.dumps(run.pretrained, indent=2))
    if report:
        preds = trainer.predict(val_ds)
        table = task.predictions_table(preds)
        table.to_csv(out / "predictions.csv", index=False)
        run.predictions = table
        demo = demographics_table(val_items, demographics)
        rep = subgroup_report(table, demo, n_boot=n_boot, min_cell_size=min_cell_size, seed=seed)
        if rep is not None:
            run.report = rep
            run.report_paths = rep.save(out / "fairness")
        from clinical_sft.fairness import ModelCard

        card = ModelCard.from_run(out / "run.json", report=rep, name=f"clinical-sft {net} segmentation")
        saved = card.save(out)
        run.model_card = saved if isinstance(saved, dict) else {"md": Path(saved)}
    return run
