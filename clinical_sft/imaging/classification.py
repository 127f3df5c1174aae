"""Whole-volume classification as a :class:`clinical_sft.training.task.Task` (MONAI DenseNet121 / ResNet)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from clinical_sft.errors import ConfigError, InputError, ModelNotFoundError
from clinical_sft.imaging.data import TransformConfig
from clinical_sft.imaging.networks import (
    PretrainedReport,
    available_networks,
    build_network,
    freeze_loaded,
    load_pretrained,
    set_encoder_trainable,
)

__all__ = ["CLASSIFICATION_TASK_FILE", "ClassificationConfig", "ClassificationTask", "classification_metrics",
           "encode_labels"]

logger = logging.getLogger(__name__)

CLASSIFICATION_TASK_FILE = "imaging_classification.json"


@dataclass(frozen=True)
class ClassificationConfig:
    """What the classification task builds and how it evaluates.

    Parameters
    ----------
    net
        Registered classification network: ``"resnet18"``, ``"resnet10"``, ``"densenet121"``, ...
    size
        Network size preset: ``"tiny"``, ``"small"`` (CPU default), ``"base"`` (GPU; the published widths).
    class_names
        Class names in output order; a dataset's label ``k`` (an integer) is ``class_names[k]``, and a
        string label is looked up by name. Two classes make a binary problem whose positive class is
        ``class_names[1]``.
    in_channels
        Image channels.
    transforms
        Pre-processing; ``patch_size`` is the size every volume is resized to.
    pretrained
        Checkpoint (bundle folder, run folder, ``.safetensors``/``.pt`` state dict) to start from.
    freeze_encoder
        Build the model with its feature extractor frozen (the first stage of an unfreeze schedule).
    freeze_pretrained
        Build the model with every tensor loaded from ``pretrained`` frozen (only the new head trains).
    threshold
        Binary decision threshold on the positive-class probability (``y_pred``, accuracy, F1).
    monitor
        Validation metric that selects the kept model: ``"auroc"`` (default), ``"accuracy"`` or ``"loss"``.
    net_kwargs
        Extra keyword arguments of the MONAI network constructor.
    """

    net: str = "resnet18"
    size: str = "small"
    class_names: tuple[str, ...] = ("negative", "positive")
    in_channels: int = 1
    transforms: TransformConfig = field(default_factory=lambda: TransformConfig(crop_foreground=True))
    pretrained: str | None = None
    freeze_encoder: bool = False
    freeze_pretrained: bool = False
    threshold: float = 0.5
    monitor: str = "auroc"
    net_kwargs: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        nets = available_networks("classification")
        if self.net.lower() not in nets:
            raise ConfigError(f"ClassificationConfig.net must be one of {nets}, got {self.net!r}")
        if len(self.class_names) < 2 or len(set(self.class_names)) != len(self.class_names):
            raise ConfigError(f"ClassificationConfig.class_names must be >= 2 distinct names, got {self.class_names}")
        if self.in_channels < 1:
            raise ConfigError(f"ClassificationConfig.in_channels must be >= 1, got {self.in_channels}")
        if not 0 < self.threshold < 1:
            raise ConfigError(f"ClassificationConfig.threshold must be in (0, 1), got {self.threshold}")
        if self.monitor not in ("auroc", "accuracy", "loss"):
            raise ConfigError(f"ClassificationConfig.monitor must be 'auroc', 'accuracy' or 'loss', got {self.monitor!r}")
        if self.net.lower() == "densenet121" and min(self.transforms.patch_size) < 32:
            raise ConfigError(f"ClassificationConfig.transforms.patch_size must be >= 32 per axis for densenet121 "
                              f"(stem, pooling and three transitions), got {self.transforms.patch_size}")
        if self.pretrained is not None and not Path(self.pretrained).exists():
            raise ModelNotFoundError(f"ClassificationConfig.pretrained: checkpoint not found: {self.pretrained}")

    @property
    def n_classes(self) -> int:
        """Number of classes (network outputs)."""
        return len(self.class_names)

    @property
    def problem(self) -> str:
        """``"binary"`` or ``"multiclass"``."""
        return "binary" if self.n_classes == 2 else "multiclass"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["transforms"] = self.transforms.to_dict()
        d["class_names"] = list(self.class_names)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClassificationConfig:
        d = dict(d)
        d["transforms"] = TransformConfig.from_dict(d.get("transforms", {}))
        d["class_names"] = tuple(d.get("class_names", ("negative", "positive")))
        d["pretrained"] = None  # the run's own weights replace it
        d["freeze_encoder"] = False
        d["freeze_pretrained"] = False
        return cls(**d)


def encode_labels(items: Sequence[dict[str, Any]], class_names: Sequence[str], *, source: str = "dataset") -> None:
    """Replace each item's ``label`` (class index, ``"0"``, or class name) by its class index, in place.

    Raises :class:`InputError` naming the item's ``id`` (never its content) for an unknown class.
    """
    index = {str(n): i for i, n in enumerate(class_names)}
    for it in items:
        if "label" not in it or it["label"] is None:
            continue
        v = it["label"]
        if isinstance(v, bool | np.bool_):
            v = int(v)
        if isinstance(v, int | np.integer) or (isinstance(v, float) and float(v).is_integer()):
            k = int(v)
        elif isinstance(v, str) and v in index:
            k = index[v]
        elif isinstance(v, str) and v.strip().lstrip("-").isdigit():
            k = int(v)
        else:
            raise InputError(f"{source}: item {it.get('id', '?')!r} has a label that is not one of the classes "
                             f"{list(class_names)} nor a class index")
        if not 0 <= k < len(class_names):
            raise InputError(f"{source}: item {it.get('id', '?')!r} has class index {k} outside 0..{len(class_names) - 1}")
        it["label"] = k


def _safe_metric(fn: Any, *a: Any, **k: Any) -> float:
    try:
        return float(fn(*a, **k))
    except ValueError:  # one class only in y_true
        return float("nan")


def classification_metrics(y_true: np.ndarray, probs: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    """AUROC, AUPRC, accuracy, balanced accuracy, F1 and Brier score of class probabilities (scikit-learn).

    ``probs`` is ``(n, K)``; binary problems (``K == 2``) score the second column against
    ``threshold``, multi-class ones use the arg-max and macro one-vs-rest AUROC / F1.
    """
    from sklearn.metrics import (
        accuracy_score,
        average_precision_score,
        balanced_accuracy_score,
        f1_score,
        roc_auc_score,
    )

    y = np.asarray(y_true).astype(int)
    p = np.asarray(probs, dtype=float)
    out: dict[str, float] = {"n": float(len(y))}
    if len(y) == 0:
        return {**out, "auroc": float("nan"), "accuracy": float("nan")}
    k = p.shape[1]
    if k == 2:
        score = p[:, 1]
        pred = (score >= threshold).astype(int)
        out["auroc"] = _safe_metric(roc_auc_score, y, score)
        out["auprc"] = _safe_metric(average_precision_score, y, score)
        out["f1"] = float(f1_score(y, pred, zero_division=0))
        out["brier"] = float(np.mean((score - y) ** 2))
    else:
        pred = p.argmax(1)
        present = np.bincount(y, minlength=k) > 0
        if present.all():
            out["auroc"] = _safe_metric(roc_auc_score, y, p, multi_class="ovr", average="macro", labels=list(range(k)))
        else:  # one-vs-rest over the classes present (and absent from some records)
            aucs = [_safe_metric(roc_auc_score, (y == j).astype(int), p[:, j]) for j in range(k)
                    if 0 < (y == j).sum() < len(y)]
            out["auroc"] = float(np.nanmean(aucs)) if aucs and np.isfinite(aucs).any() else float("nan")
        out["f1"] = float(f1_score(y, pred, average="macro", labels=list(range(k)), zero_division=0))
    out["accuracy"] = float(accuracy_score(y, pred))
    out["balanced_accuracy"] = float(balanced_accuracy_score(y, pred)) if len(np.unique(y)) > 1 else float("nan")
    return out


def _plain(x: Any) -> torch.Tensor:
    return x.as_tensor() if hasattr(x, "as_tensor") else torch.as_tensor(x)


class ClassificationTask:
    """Classification of whole CT/MR volumes for the training engine.

    Cross-entropy on the network's logits; per-volume class probabilities in evaluation; AUROC,
    accuracy and friends as metrics; the ``id, y_true, y_score, y_pred`` table for the fairness report.
    Under DP the engine replaces BatchNorm (DenseNet / ResNet) by GroupNorm and, since the task gives
    per-record losses, may use opacus' ghost clipping.

    Parameters
    ----------
    config
        Network, classes and transforms.

    Examples
    --------
    >>> from clinical_sft.imaging import ClassificationConfig, ClassificationTask
    >>> task = ClassificationTask(ClassificationConfig(net="resnet18", size="tiny"))
    >>> task.name, task.monitor, task.config.problem
    ('image_classification', 'auroc', 'binary')
    """

    name = "image_classification"
    monitor_mode = "max"

    def __init__(self, config: ClassificationConfig | None = None) -> None:
        self.config = config or ClassificationConfig()
        self.pretrained_report: PretrainedReport | None = None
        self.monitor = self.config.monitor
        self.monitor_mode = "min" if self.monitor == "loss" else "max"

    # -- building --------------------------------------------------------------------------------
    def build_model(self) -> nn.Module:
        """The network (pretrained weights loaded, feature extractor frozen if configured), in train mode."""
        cfg = self.config
        model = build_network(cfg.net, in_channels=cfg.in_channels, out_channels=cfg.n_classes, size=cfg.size,
                              **cfg.net_kwargs)
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

    def with_config(self, **changes: Any) -> ClassificationTask:
        """A copy of this task with some config fields changed."""
        return ClassificationTask(replace(self.config, **changes))

    # -- batches ---------------------------------------------------------------------------------
    def collate(self, items: Sequence[Any]) -> dict[str, Any]:
        """Stack volumes (``image``), class indices (``label``, when every item has one) and ``ids``."""
        if not items:
            z = torch.zeros((0, self.config.in_channels, *self.config.transforms.patch_size))
            return {"image": z, "label": torch.zeros(0, dtype=torch.long), "ids": []}
        batch: dict[str, Any] = {"image": torch.stack([_plain(it["image"]).float() for it in items])}
        if all(it.get("label") is not None for it in items):
            batch["label"] = torch.as_tensor([int(it["label"]) for it in items], dtype=torch.long)
        batch["ids"] = [str(it.get("id", i)) for i, it in enumerate(items)]
        return batch

    # -- training --------------------------------------------------------------------------------
    def per_record_loss(self, model: nn.Module, batch: dict[str, Any]) -> torch.Tensor:
        """Cross-entropy of each volume (for ghost clipping under DP and the membership audit)."""
        return nn.functional.cross_entropy(model(batch["image"]), batch["label"], reduction="none")

    def loss(self, model: nn.Module, batch: dict[str, Any]) -> torch.Tensor:
        """Mean cross-entropy of the batch."""
        return nn.functional.cross_entropy(model(batch["image"]), batch["label"])

    # -- evaluation ------------------------------------------------------------------------------
    def predict_batch(self, model: nn.Module, batch: dict[str, Any]) -> list[dict[str, Any]]:
        """Class probabilities of each volume (``probs``), its label (``y_true``, when known) and ``id``."""
        with torch.no_grad():
            probs = torch.softmax(model(batch["image"]).float(), dim=1).cpu().numpy()
        ids = batch.get("ids") or [str(i) for i in range(len(probs))]
        labels = batch["label"].cpu().numpy().tolist() if "label" in batch else [None] * len(ids)
        return [{"id": rid, "y_true": y, "probs": [float(v) for v in pr]} for rid, y, pr in zip(ids, labels, probs)]

    def compute_metrics(self, predictions: list[dict[str, Any]]) -> dict[str, float]:
        """AUROC, AUPRC (binary), accuracy, balanced accuracy, F1, Brier (binary) over the labelled volumes."""
        known = [p for p in predictions if p.get("y_true") is not None]
        if not known:
            return {"n": 0.0, "auroc": float("nan"), "accuracy": float("nan")}
        y = np.array([p["y_true"] for p in known], dtype=int)
        probs = np.array([p["probs"] for p in known], dtype=float)
        return classification_metrics(y, probs, self.config.threshold)

    def predictions_table(self, predictions: list[dict[str, Any]]) -> Any:
        """``id, y_true, y_score, y_pred`` (+ ``p_<class>``) for ``fairness.SubgroupReport``.

        Binary: the positive class ``class_names[1]``. Multi-class: one-vs-rest on ``class_names[1]``
        (``y_pred`` = the arg-max is that class); every class's probability is kept as ``p_<class>``.
        """
        import pandas as pd

        names = self.config.class_names
        rows = []
        for p in predictions:
            pr = np.asarray(p["probs"], dtype=float)
            y = p.get("y_true")
            row: dict[str, Any] = {"id": p["id"], "y_true": (int(y == 1) if y is not None else None), "y_score": float(pr[1])}
            row["y_pred"] = int(pr[1] >= self.config.threshold) if len(names) == 2 else int(int(pr.argmax()) == 1)
            row.update({f"p_{n}": float(v) for n, v in zip(names, pr)})
            rows.append(row)
        cols = ["id", "y_true", "y_score", "y_pred"] + [f"p_{n}" for n in names]
        return pd.DataFrame(rows, columns=cols)

    def outputs(self, predictions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Per volume: ``id``, predicted class name, its probability and every class's probability."""
        names = self.config.class_names
        out = []
        for p in predictions:
            pr = np.asarray(p["probs"], dtype=float)
            k = int(pr[1] >= self.config.threshold) if len(names) == 2 else int(pr.argmax())
            out.append({"id": p["id"], "label": names[k], "score": float(pr[k]),
                        **{f"p_{n}": float(v) for n, v in zip(names, pr)}})
        return out

    # -- run directory ---------------------------------------------------------------------------
    def run_info(self) -> dict[str, Any]:
        """Facts for ``run.json["task_info"]``: network, classes, transforms, pretrained report."""
        info: dict[str, Any] = {"imaging_classification": self.config.to_dict()}
        if self.pretrained_report is not None:
            r = self.pretrained_report
            info["pretrained"] = {"source": r.source, "loaded": len(r.loaded), "skipped": len(r.skipped),
                                  "new": len(r.new), "unused": len(r.unused)}
        return info

    def save(self, run_dir: str | Path) -> Path:
        """Write the task's config next to the weights (``imaging_classification.json``)."""
        p = Path(run_dir) / CLASSIFICATION_TASK_FILE
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(self.config.to_dict(), indent=2))
        return p

    @classmethod
    def from_run(cls, run_dir: str | Path) -> ClassificationTask:
        """Rebuild the task of a run directory (``imaging_classification.json`` or ``run.json``'s task_info)."""
        run_dir = Path(run_dir)
        p = run_dir / CLASSIFICATION_TASK_FILE
        if p.is_file():
            d = json.loads(p.read_text())
        else:
            rj = run_dir / "run.json"
            if not rj.is_file():
                raise ModelNotFoundError(f"no {CLASSIFICATION_TASK_FILE} or run.json in {run_dir}")
            d = json.loads(rj.read_text()).get("task_info", {}).get("imaging_classification")
            if d is None:
                raise ModelNotFoundError(f"{rj} has no imaging classification task description")
        return cls(ClassificationConfig.from_dict(d))


def _registered() -> None:
    try:
        from clinical_sft.training import register_task
    except ImportError:  # engine not installed: the task still works with a plain loop
        return
    register_task(ClassificationTask.name, ClassificationTask.from_run, overwrite=True)


_registered()
