"""Self-supervised pretraining on unlabelled volumes: masked-volume reconstruction with denoising.

As in MONAI's self-supervised tutorials, random cuboids of each crop are dropped (or shuffled) and
noise is added; the network learns to restore the clean crop (L1 loss). The network is the very
segmentation network that is fine-tuned later (with one output channel), so every layer but the
last transfers by name and shape through :func:`~clinical_sft.imaging.networks.load_pretrained`.

Fine-tuning such weights works when the new output block first trains alone (``train_segmentation``
does so by default for the first quarter of the epochs): fine-tuned directly, the random block's
early gradients wreck the pretrained features and the run ended below training from scratch.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from clinical_sft.errors import ConfigError, InputError
from clinical_sft.imaging.data import TransformConfig, load_dataset, make_dataset, read_dataset_json
from clinical_sft.imaging.io import is_dicom_series
from clinical_sft.imaging.networks import available_networks, build_network

__all__ = ["PretrainConfig", "ReconstructionTask", "find_volumes", "pretrain", "pretrain_transforms"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PretrainConfig:
    """Self-supervised pretraining settings.

    Parameters
    ----------
    net, size
        The segmentation network (and size preset) to pretrain.
    transforms
        Windowing and patch size (as for fine-tuning); ``num_samples`` crops per volume per epoch.
    holes, hole_fraction
        Number of dropped cuboids per crop and their maximum edge as a fraction of the patch edge.
    noise_std
        Gaussian noise added to the (windowed, [0, 1]) input.
    shuffle_prob
        Probability of also shuffling voxels inside cuboids (MONAI ``RandCoarseShuffled``).
    """

    net: str = "unet"
    size: str = "small"
    in_channels: int = 1
    transforms: TransformConfig = TransformConfig(num_samples=4, augment=False)
    holes: int = 6
    hole_fraction: float = 0.35
    noise_std: float = 0.05
    shuffle_prob: float = 0.5

    def __post_init__(self) -> None:
        segs = available_networks("segmentation")
        if self.net.lower() not in segs:
            raise ConfigError(f"PretrainConfig.net must be one of {segs}, got {self.net!r}")
        if self.holes < 1:
            raise ConfigError(f"PretrainConfig.holes must be >= 1, got {self.holes}")
        if not 0 < self.hole_fraction < 1:
            raise ConfigError(f"PretrainConfig.hole_fraction must be in (0, 1), got {self.hole_fraction}")
        if self.noise_std < 0:
            raise ConfigError(f"PretrainConfig.noise_std must be >= 0, got {self.noise_std}")
        if not 0 <= self.shuffle_prob <= 1:
            raise ConfigError(f"PretrainConfig.shuffle_prob must be in [0, 1], got {self.shuffle_prob}")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["transforms"] = self.transforms.to_dict()
        return d


def find_volumes(data: str | Path) -> list[str]:
    """Images to pretrain on: every image of a ``dataset.json`` (all splits, labels ignored), or every
    NIfTI file and DICOM series folder under a directory."""
    p = Path(data)
    if p.is_file() and p.suffix == ".json" or (p.is_dir() and (p / "dataset.json").is_file()):
        spec = read_dataset_json(p)
        out: list[str] = []
        for split in ("training", "validation", "test"):
            if spec.get(split):
                out += [it["image"] for it in load_dataset(p, split, require_label=False)]
        return out
    if not p.is_dir():
        raise InputError(f"pretraining data not found: {p} (give a folder of NIfTI/DICOM or a dataset.json)")
    found: list[str] = []
    for f in sorted(p.rglob("*")):
        if f.is_file() and f.name.lower().endswith((".nii", ".nii.gz")):
            found.append(str(f))
        elif f.is_dir() and is_dicom_series(f):
            found.append(str(f))
    if not found:
        raise InputError(f"no NIfTI files or DICOM series under {p}")
    return found


def pretrain_transforms(cfg: PretrainConfig) -> Any:
    """Load, window, random crops; then a copy of the clean crop and a corrupted input."""
    from monai.transforms import (
        Compose,
        CopyItemsd,
        CropForegroundd,
        EnsureChannelFirstd,
        LoadImaged,
        Orientationd,
        RandCoarseDropoutd,
        RandCoarseShuffled,
        RandGaussianNoised,
        RandSpatialCropSamplesd,
        ScaleIntensityRanged,
        Spacingd,
        SpatialPadd,
    )

    from clinical_sft.imaging.io import DicomSeriesReader

    def _reader() -> Any:  # LoadImaged accepts reader instances (MONAI's annotation says classes)
        return DicomSeriesReader()

    tc = cfg.transforms
    edge = [max(2, int(s * cfg.hole_fraction)) for s in tc.patch_size]
    small = [max(1, e // 3) for e in edge]
    t: list[Any] = [LoadImaged(keys="image", reader=_reader(), image_only=True), EnsureChannelFirstd(keys="image")]
    if tc.orientation:
        t.append(Orientationd(keys="image", axcodes=tc.orientation))
    if tc.spacing_mm:
        t.append(Spacingd(keys="image", pixdim=tc.spacing_mm, mode="bilinear"))
    t += [
        ScaleIntensityRanged(keys="image", a_min=tc.window[0], a_max=tc.window[1], b_min=0.0, b_max=1.0, clip=True),
        CropForegroundd(keys="image", source_key="image", allow_smaller=True, margin=2),
        SpatialPadd(keys="image", spatial_size=tc.patch_size),
        RandSpatialCropSamplesd(keys="image", roi_size=tc.patch_size, num_samples=tc.num_samples, random_size=False),
        CopyItemsd(keys="image", times=1, names="target"),
        RandCoarseDropoutd(keys="image", prob=1.0, holes=cfg.holes, spatial_size=small, max_spatial_size=edge,
                           dropout_holes=True, fill_value=0.0),
        RandCoarseShuffled(keys="image", prob=cfg.shuffle_prob, holes=cfg.holes, spatial_size=small, max_spatial_size=edge),
        RandGaussianNoised(keys="image", prob=1.0 if cfg.noise_std > 0 else 0.0, std=max(cfg.noise_std, 1e-8)),
    ]
    return Compose(t)


class ReconstructionTask:
    """Masked-volume reconstruction (L1 between the network's output and the clean crop)."""

    name = "ssl_reconstruction"
    monitor = "l1"
    monitor_mode = "min"

    def __init__(self, config: PretrainConfig | None = None) -> None:
        self.config = config or PretrainConfig()

    def build_model(self) -> nn.Module:
        c = self.config
        model = build_network(c.net, in_channels=c.in_channels, out_channels=c.in_channels, size=c.size)
        model.train()
        return model

    def collate(self, items: Sequence[Any]) -> dict[str, Any]:
        flat: list[dict[str, Any]] = []
        for it in items:
            flat.extend(it if isinstance(it, list | tuple) else [it])

        def plain(x: Any) -> torch.Tensor:
            return (x.as_tensor() if hasattr(x, "as_tensor") else torch.as_tensor(x)).float()

        if not flat:
            z = torch.zeros((0, self.config.in_channels, *self.config.transforms.patch_size))
            return {"image": z, "target": z.clone(), "ids": []}
        return {
            "image": torch.stack([plain(it["image"]) for it in flat]),
            "target": torch.stack([plain(it["target"]) for it in flat]),
            "ids": [str(it.get("id", i)) for i, it in enumerate(flat)],
        }

    def loss(self, model: nn.Module, batch: dict[str, Any]) -> torch.Tensor:
        return nn.functional.l1_loss(model(batch["image"]), batch["target"])

    def predict_batch(self, model: nn.Module, batch: dict[str, Any]) -> list[dict[str, Any]]:
        with torch.no_grad():
            rec = model(batch["image"])
        err = (rec - batch["target"]).abs().flatten(1).mean(1).cpu().numpy()
        return [{"id": i, "l1": float(e)} for i, e in zip(batch["ids"], err)]

    def compute_metrics(self, predictions: list[dict[str, Any]]) -> dict[str, float]:
        return {"l1": float(np.mean([p["l1"] for p in predictions])) if predictions else float("nan")}

    def predictions_table(self, predictions: list[dict[str, Any]]) -> Any:
        import pandas as pd

        return pd.DataFrame(predictions)

    def run_info(self) -> dict[str, Any]:
        return {"pretrain": self.config.to_dict()}


def pretrain(
    data: str | Path,
    out_dir: str | Path,
    config: PretrainConfig | None = None,
    *,
    epochs: int | None = None,
    batch_size: int = 2,
    learning_rate: float | None = None,
    cache: str = "memory",
    device: str = "auto",
    seed: int = 0,
    progress: bool = True,
    on_settings: Any = None,
) -> Any:
    """Pretrain a segmentation backbone on unlabelled volumes; writes ``OUT/model.safetensors``.

    Parameters
    ----------
    data
        A folder of NIfTI files / DICOM series, or a ``dataset.json`` (labels ignored).
    out_dir
        Run folder (``run.json``, ``model.safetensors``, ``pretrain.json``); pass it as
        ``--pretrained`` / ``SegmentationConfig(pretrained=...)`` to fine-tune.
    config
        Network and corruption settings (``None``: a UNet of the device's size, the patch that
        segmentation would use on these volumes, 4 crops per volume).
    epochs, learning_rate
        ``None``: about 600 optimizer steps on a CPU (between 20 and 200 epochs; 5000 on a GPU) and
        the network's default learning rate, at most 1e-3.
    on_settings
        Called once with the resolved settings before training starts (the CLI prints them).

    Returns
    -------
    TrainResult
        The training engine's result.

    Examples
    --------
    >>> res = pretrain("cohort/dataset.json", "runs/ssl", PretrainConfig(net="unet"), epochs=5)  # doctest: +SKIP
    """
    import math

    from clinical_sft.imaging.api import _first_shape, default_settings
    from clinical_sft.training import TrainConfig, Trainer

    vols = find_volumes(data)
    items = [{"image": v, "id": Path(v).name} for v in vols]
    d = default_settings(device, _first_shape(items[0]) if items else None, net=config.net if config else "unet")
    cfg = config or PretrainConfig(size=d["size"], transforms=TransformConfig(patch_size=d["patch_size"], num_samples=4,
                                                                              augment=False))
    gpu = d["device"] == "cuda"
    steps_per_epoch = max(1, math.ceil(len(items) / max(1, min(batch_size, len(items)))))
    target, lo, hi = (5000, 50, 1000) if gpu else (600, 20, 200)
    epochs = epochs or int(min(hi, max(lo, math.ceil(target / steps_per_epoch))))
    # at most 1e-3: reconstruction at the UNet's fine-tuning rate (1e-2) blew the deep activations up (~500 vs ~8
    # at initialisation) and those weights fine-tuned worse than scratch on the synthetic cohort
    learning_rate = learning_rate or min(1e-3, d["learning_rate"])
    settings = {"task": "ssl_reconstruction", "net": cfg.net, "size": cfg.size, "epochs": epochs,
                "patch_size": cfg.transforms.patch_size, "num_samples": cfg.transforms.num_samples,
                "batch_size": min(batch_size, len(items)), "learning_rate": learning_rate, "cache": cache,
                "device": d["device"], "n_train": len(items), "n_val": 0}
    if on_settings is not None:
        on_settings(dict(settings))
    logger.info("pretraining %s on %d volumes, patch %s, %d epochs", cfg.net, len(items), cfg.transforms.patch_size, epochs)
    ds = make_dataset(items, pretrain_transforms(cfg).set_random_state(seed=seed), cache=cache,
                      cache_dir=Path(out_dir) / "cache")
    task = ReconstructionTask(cfg)
    tcfg = TrainConfig(out_dir=out_dir, epochs=epochs, batch_size=min(batch_size, len(items)), learning_rate=learning_rate,
                       weight_decay=1e-5, scheduler="cosine", clip_grad_norm=None, device=device, seed=seed,  # type: ignore[arg-type]
                       progress=progress, deterministic=False)
    result = Trainer(task, tcfg).fit(ds, None)
    Path(out_dir, "pretrain.json").write_text(json.dumps({"config": cfg.to_dict(), "n_volumes": len(items),
                                                          "epochs": epochs, "final_l1": result.metrics.get("train_loss")},
                                                         indent=2))
    return result
