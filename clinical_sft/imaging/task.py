"""Volume segmentation as a :class:`clinical_sft.training.task.Task` (MONAI network, DiceCE, sliding window)."""

from __future__ import annotations

import json
import logging
import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from clinical_sft.errors import ConfigError, ModelNotFoundError
from clinical_sft.imaging.data import TransformConfig
from clinical_sft.imaging.networks import (
    PretrainedReport,
    available_networks,
    build_network,
    freeze_loaded,
    load_pretrained,
    set_encoder_trainable,
)

__all__ = ["SegmentationConfig", "SegmentationTask", "predict_volume", "TASK_FILE"]

logger = logging.getLogger(__name__)

TASK_FILE = "imaging_task.json"


@dataclass(frozen=True)
class SegmentationConfig:
    """What the segmentation task builds and how it evaluates.

    Parameters
    ----------
    net
        Registered segmentation network: ``"unet"``, ``"segresnet"``, ``"swinunetr"``.
    size
        Network size preset: ``"tiny"``, ``"small"`` (CPU default), ``"base"`` (GPU).
    class_names
        Foreground classes, in label order (label k = ``class_names[k-1]``).
    in_channels
        Image channels.
    transforms
        Pre-processing / augmentation / patch size (the sliding-window ROI is the patch size).
    pretrained
        Checkpoint (bundle folder, run folder, ``.safetensors``/``.pt`` state dict) to start from.
    freeze_encoder
        Build the model with its encoder frozen (the first stage of an unfreeze schedule).
    freeze_pretrained
        Build the model with every tensor loaded from ``pretrained`` frozen, so that only the new ones
        (the output block) train: the first stage of linear-probing-then-fine-tuning.
    sw_batch_size, sw_overlap
        Sliding-window inference settings.
    hd95
        Also compute the 95th-percentile Hausdorff distance (mm) per class in validation.
    net_kwargs
        Extra keyword arguments of the MONAI network constructor.
    """

    net: str = "unet"
    size: str = "small"
    class_names: tuple[str, ...] = ("organ", "lesion")
    in_channels: int = 1
    transforms: TransformConfig = field(default_factory=TransformConfig)
    pretrained: str | None = None
    freeze_encoder: bool = False
    freeze_pretrained: bool = False
    sw_batch_size: int = 4
    sw_overlap: float = 0.25
    hd95: bool = True
    net_kwargs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        segs = available_networks("segmentation")
        if self.net.lower() not in segs:
            raise ConfigError(f"SegmentationConfig.net must be one of {segs}, got {self.net!r}")
        if not self.class_names:
            raise ConfigError("SegmentationConfig.class_names must name at least one foreground class")
        if self.in_channels < 1:
            raise ConfigError(f"SegmentationConfig.in_channels must be >= 1, got {self.in_channels}")
        if self.sw_batch_size < 1:
            raise ConfigError(f"SegmentationConfig.sw_batch_size must be >= 1, got {self.sw_batch_size}")
        if not 0 <= self.sw_overlap < 1:
            raise ConfigError(f"SegmentationConfig.sw_overlap must be in [0, 1), got {self.sw_overlap}")
        if self.net.lower() == "swinunetr" and any(p % 32 or p < 64 for p in self.transforms.patch_size):
            raise ConfigError(
                f"SegmentationConfig.transforms.patch_size must be multiples of 32 and >= 64 for swinunetr, "
                f"got {self.transforms.patch_size}"
            )
        if self.pretrained is not None and not Path(self.pretrained).exists():
            raise ModelNotFoundError(f"SegmentationConfig.pretrained: checkpoint not found: {self.pretrained}")

    @property
    def n_classes(self) -> int:
        """Foreground classes."""
        return len(self.class_names)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["transforms"] = self.transforms.to_dict()
        d["class_names"] = list(self.class_names)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SegmentationConfig:
        d = dict(d)
        d["transforms"] = TransformConfig.from_dict(d.get("transforms", {}))
        d["class_names"] = tuple(d.get("class_names", ("foreground",)))
        d["pretrained"] = None  # the run's own weights replace it
        d["freeze_encoder"] = False
        d["freeze_pretrained"] = False
        return cls(**d)


def _plain(x: Any) -> torch.Tensor:
    return x.as_tensor() if hasattr(x, "as_tensor") else torch.as_tensor(x)


def predict_volume(
    model: nn.Module,
    image: torch.Tensor,
    roi_size: Sequence[int],
    *,
    sw_batch_size: int = 4,
    overlap: float = 0.25,
    probabilities: bool = False,
) -> torch.Tensor:
    """Sliding-window segmentation of one volume.

    Parameters
    ----------
    model
        A segmentation network (eval mode is set and restored).
    image
        ``(C, X, Y, Z)`` or ``(1, C, X, Y, Z)`` tensor on the model's device.
    roi_size
        Window size (the training patch size).
    probabilities
        Return softmax probabilities ``(K+1, X, Y, Z)`` instead of the label map ``(1, X, Y, Z)``.
    """
    from monai.inferers import sliding_window_inference

    x = image if image.dim() == 5 else image.unsqueeze(0)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            logits = sliding_window_inference(_plain(x).float(), roi_size=tuple(roi_size), sw_batch_size=sw_batch_size,
                                              predictor=model, overlap=overlap, mode="gaussian")
    finally:
        model.train(was_training)
    logits = _plain(logits)[0]
    if probabilities:
        return torch.softmax(logits.float(), dim=0)
    return logits.argmax(dim=0, keepdim=True).to(torch.uint8)


class SegmentationTask:
    """Segmentation of CT/MR volumes for the training engine.

    Parameters
    ----------
    config
        Network, classes, transforms and evaluation settings.

    Examples
    --------
    >>> from clinical_sft.imaging import SegmentationTask, SegmentationConfig
    >>> task = SegmentationTask(SegmentationConfig(net="unet", size="tiny"))
    >>> task.name, task.monitor
    ('segmentation', 'dice')
    """

    name = "segmentation"
    monitor = "dice"
    monitor_mode = "max"

    def __init__(self, config: SegmentationConfig | None = None) -> None:
        self.config = config or SegmentationConfig()
        self.pretrained_report: PretrainedReport | None = None
        self._loss_fn: Any = None

    # -- building --------------------------------------------------------------------------------
    def build_model(self) -> nn.Module:
        """The network (pretrained weights loaded, encoder frozen if configured), in train mode."""
        cfg = self.config
        model = build_network(cfg.net, in_channels=cfg.in_channels, out_channels=cfg.n_classes + 1, size=cfg.size, **cfg.net_kwargs)
        if cfg.pretrained:
            self.pretrained_report = load_pretrained(model, cfg.pretrained)
            if cfg.freeze_pretrained:
                n = freeze_loaded(model, self.pretrained_report)
                logger.info("froze the %d tensors loaded from the checkpoint; the new ones train", n)
        if cfg.freeze_encoder:
            n = set_encoder_trainable(model, cfg.net, False)
            logger.info("froze %d encoder tensors of %s", n, cfg.net)
        model.train()
        return model

    def with_config(self, **changes: Any) -> SegmentationTask:
        """A copy of this task with some config fields changed."""
        return SegmentationTask(replace(self.config, **changes))

    # -- batches ---------------------------------------------------------------------------------
    def collate(self, items: Sequence[Any]) -> dict[str, Any]:
        """Batch dataset items.

        Training items are lists of random crops (``RandCropBy*``): they are flattened and stacked
        into tensors only (``image``, ``label``), as opacus' Poisson loader needs. Whole volumes
        (validation / prediction) also carry ``ids``, ``shapes`` and ``spacing``; volumes of
        different sizes are zero-padded to the largest (``shapes`` keeps each one's own).
        """
        crops = any(isinstance(it, list | tuple) for it in items)
        flat: list[dict[str, Any]] = []
        for it in items:
            flat.extend(it if isinstance(it, list | tuple) else [it])
        if not flat:
            z = torch.zeros((0, self.config.in_channels, *self.config.transforms.patch_size))
            return {"image": z, "label": z[:, :1].long()}
        images = [_plain(it["image"]).float() for it in flat]
        has_label = all("label" in it for it in flat)
        labels = [_plain(it["label"]).long() for it in flat] if has_label else []
        shapes = [tuple(int(s) for s in im.shape[1:]) for im in images]
        if len(set(shapes)) > 1:
            target = tuple(max(s[d] for s in shapes) for d in range(3))
            images = [_pad(im, target) for im in images]
            labels = [_pad(lb, target) for lb in labels]
        batch: dict[str, Any] = {"image": torch.stack(images)}
        if has_label:
            batch["label"] = torch.stack(labels)
        if not crops:
            batch["ids"] = [str(it.get("id", i)) for i, it in enumerate(flat)]
            batch["shapes"] = shapes
            batch["spacing"] = [_spacing(it["image"]) for it in flat]
        return batch

    # -- training --------------------------------------------------------------------------------
    def _loss(self) -> Any:
        if self._loss_fn is None:
            from monai.losses import DiceCELoss

            self._loss_fn = DiceCELoss(to_onehot_y=True, softmax=True, squared_pred=False, smooth_nr=1e-5, smooth_dr=1e-5)
        return self._loss_fn

    def loss(self, model: nn.Module, batch: dict[str, Any]) -> torch.Tensor:
        """Mean Dice + cross-entropy loss of the batch's crops."""
        logits = model(batch["image"])
        return self._loss()(logits, batch["label"])

    # -- evaluation ------------------------------------------------------------------------------
    def predict_batch(self, model: nn.Module, batch: dict[str, Any]) -> list[dict[str, Any]]:
        """Sliding-window prediction and per-class Dice / HD95 of each whole volume in the batch."""
        from monai.metrics import compute_dice, compute_hausdorff_distance
        from monai.networks.utils import one_hot

        cfg = self.config
        out = []
        k = cfg.n_classes + 1
        ids = batch.get("ids") or [str(i) for i in range(len(batch["image"]))]
        shapes = batch.get("shapes") or [tuple(batch["image"].shape[2:])] * len(ids)
        for i, rid in enumerate(ids):
            sx, sy, sz = shapes[i]
            img = batch["image"][i : i + 1, :, :sx, :sy, :sz]
            pred = predict_volume(model, img, cfg.transforms.patch_size, sw_batch_size=cfg.sw_batch_size, overlap=cfg.sw_overlap)
            rec: dict[str, Any] = {"id": rid}
            if "label" in batch:
                lab = batch["label"][i : i + 1, :, :sx, :sy, :sz].to(pred.device)
                p1 = one_hot(pred.unsqueeze(0).long(), num_classes=k)
                y1 = one_hot(lab.long(), num_classes=k)
                dice = compute_dice(p1, y1, include_background=False, ignore_empty=True)[0].cpu().numpy()
                for name, v in zip(cfg.class_names, dice):
                    rec[f"dice_{name}"] = float(v)
                rec["dice"] = float(np.nanmean(dice)) if not np.all(np.isnan(dice)) else float("nan")
                if cfg.hd95:
                    sp = batch.get("spacing", [None] * (i + 1))[i]
                    with np.errstate(all="ignore"), warnings.catch_warnings():
                        warnings.simplefilter("ignore")  # empty prediction or label: HD95 is NaN
                        hd = compute_hausdorff_distance(p1.float(), y1.float(), include_background=False, percentile=95,
                                                        spacing=sp).cpu().numpy()[0]
                    hd = np.where(np.isfinite(hd), hd, np.nan)
                    for name, v in zip(cfg.class_names, hd):
                        rec[f"hd95_{name}"] = float(v)
                    rec["hd95"] = float(np.nanmean(hd)) if not np.all(np.isnan(hd)) else float("nan")
            out.append(rec)
        return out

    def compute_metrics(self, predictions: list[dict[str, Any]]) -> dict[str, float]:
        """Mean Dice (overall and per class) and mean HD95 over volumes (NaNs ignored)."""
        if not predictions:
            return {"dice": float("nan")}
        keys = [k for k in predictions[0] if k != "id"]
        out = {}
        for key in keys:
            vals = np.array([p.get(key, np.nan) for p in predictions], dtype=float)
            out[key] = float(np.nanmean(vals)) if np.isfinite(vals).any() else float("nan")
        return out

    def predictions_table(self, predictions: list[dict[str, Any]]) -> Any:
        """``id, dice, dice_<class>..., hd95...``: one row per volume, for ``fairness.SubgroupReport``."""
        import pandas as pd

        df = pd.DataFrame(predictions)
        cols = ["id", "dice"] + [f"dice_{c}" for c in self.config.class_names]
        cols += [c for c in df.columns if c not in cols]
        return df[[c for c in cols if c in df.columns]]

    # -- run directory ---------------------------------------------------------------------------
    def run_info(self) -> dict[str, Any]:
        """Facts for ``run.json["task_info"]``: network, classes, transforms, pretrained report."""
        info: dict[str, Any] = {"imaging": self.config.to_dict()}
        if self.pretrained_report is not None:
            r = self.pretrained_report
            info["pretrained"] = {"source": r.source, "loaded": len(r.loaded), "skipped": len(r.skipped),
                                  "new": len(r.new), "unused": len(r.unused)}
        return info

    def save(self, run_dir: str | Path) -> Path:
        """Write the task's config next to the weights (``imaging_task.json``)."""
        p = Path(run_dir) / TASK_FILE
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(self.config.to_dict(), indent=2))
        return p

    @classmethod
    def from_run(cls, run_dir: str | Path) -> SegmentationTask:
        """Rebuild the task of a run directory (from ``imaging_task.json`` or ``run.json``'s task_info)."""
        run_dir = Path(run_dir)
        p = run_dir / TASK_FILE
        if p.is_file():
            d = json.loads(p.read_text())
        else:
            rj = run_dir / "run.json"
            if not rj.is_file():
                raise ModelNotFoundError(f"no {TASK_FILE} or run.json in {run_dir}")
            d = json.loads(rj.read_text()).get("task_info", {}).get("imaging")
            if d is None:
                raise ModelNotFoundError(f"{rj} has no imaging task description")
        return cls(SegmentationConfig.from_dict(d))


def _spacing(x: Any) -> list[float] | None:
    aff = getattr(x, "affine", None)
    if aff is None:
        return None
    a = _plain(aff).double().cpu().numpy()
    sp = np.sqrt((a[:3, :3] ** 2).sum(0))
    return [float(v) for v in sp] if all(math.isfinite(v) and v > 0 for v in sp) else None


def _pad(t: torch.Tensor, target: Sequence[int]) -> torch.Tensor:
    pads: list[int] = []
    for d in reversed(range(3)):
        pads += [0, int(target[d]) - int(t.shape[1 + d])]
    return torch.nn.functional.pad(t, pads)


def _registered() -> None:
    try:
        from clinical_sft.training import register_task
    except ImportError:  # engine not installed: the task still works with a plain loop
        return
    register_task("segmentation", SegmentationTask.from_run, overwrite=True)


_registered()
