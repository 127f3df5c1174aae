"""Predict on image files with a trained run.

Segmentation: read, sliding window, back to the source grid, write NIfTI / DICOM SEG masks.
Classification: read, resize, class probabilities, one CSV / JSONL row per input.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from clinical_sft.errors import ConfigError, InputError, ModelNotFoundError
from clinical_sft.imaging.classification import ClassificationTask
from clinical_sft.imaging.data import classification_transforms, infer_transforms
from clinical_sft.imaging.io import is_dicom_series, write_dicom_seg, write_nifti
from clinical_sft.imaging.task import SegmentationTask, predict_volume

__all__ = ["SegmentedFile", "classify_files", "load_classifier", "load_segmenter", "model_kind", "output_name",
           "segment_files", "segment_image"]

logger = logging.getLogger(__name__)

FORMATS = ("nifti", "dicom-seg")


@dataclass(frozen=True)
class SegmentedFile:
    """One input and what was written for it."""

    source: str
    output: str
    format: str
    voxels: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "output": self.output, "format": self.format, "voxels": self.voxels}


def _stem(source: str | Path) -> str:
    name = Path(source).name
    for suf in (".nii.gz", ".nii", ".dcm"):
        if name.lower().endswith(suf):
            return name[: -len(suf)]
    return name


def output_name(source: str | Path, fmt: str) -> str:
    """``img7.nii.gz`` -> ``img7_seg.nii.gz``; series folder ``S`` -> ``S_seg.dcm`` (or ``S_seg.nii.gz``)."""
    return f"{_stem(source)}_seg" + (".dcm" if fmt == "dicom-seg" else ".nii.gz")


def model_kind(model_dir: str | Path) -> str:
    """``"segmentation"`` or ``"classification"``: what a run folder's model does."""
    from clinical_sft.imaging.classification import CLASSIFICATION_TASK_FILE
    from clinical_sft.imaging.task import TASK_FILE

    d = Path(model_dir)
    if (d / CLASSIFICATION_TASK_FILE).is_file():
        return "classification"
    if (d / TASK_FILE).is_file():
        return "segmentation"
    rj = d / "run.json"
    if rj.is_file():
        try:
            name = json.loads(rj.read_text()).get("task")
        except json.JSONDecodeError:
            raise InputError(f"{rj} is not valid JSON") from None
        if name == ClassificationTask.name:
            return "classification"
        if name == SegmentationTask.name:
            return "segmentation"
        raise ModelNotFoundError(f"{d} is not an imaging run (task {name!r})")
    raise ModelNotFoundError(f"no imaging model in {d} (expected run.json, imaging_task.json or "
                             "imaging_classification.json next to model.safetensors)")


def _load(model_dir: str | Path, device: str | torch.device, cls: Any, kind: str) -> tuple[Any, nn.Module]:
    from safetensors.torch import load_model

    d = Path(model_dir)
    if not d.is_dir():
        raise ModelNotFoundError(f"model directory not found: {d}")
    if (d / "run.json").is_file():
        from clinical_sft.training import load_trained

        task, model, _ = load_trained(d)  # applies the DP model fix when the run used one
    else:
        task = cls.from_run(d)
        weights = d / "model.safetensors"
        if not weights.is_file():
            raise ModelNotFoundError(f"no model.safetensors in {d}")
        model = task.build_model()
        load_model(model, str(weights), strict=True)
    if not isinstance(task, cls):
        raise ModelNotFoundError(f"{d} is not a {kind} run (task {getattr(task, 'name', '?')!r})")
    model.to(device).eval()
    return task, model


def load_segmenter(model_dir: str | Path, device: str | torch.device = "cpu") -> tuple[SegmentationTask, nn.Module]:
    """Rebuild the task and network of a segmentation run (``run.json`` / ``imaging_task.json`` + weights)."""
    return _load(model_dir, device, SegmentationTask, "segmentation")


def load_classifier(model_dir: str | Path, device: str | torch.device = "cpu") -> tuple[ClassificationTask, nn.Module]:
    """Rebuild the task and network of a classification run (``run.json`` / ``imaging_classification.json``)."""
    return _load(model_dir, device, ClassificationTask, "classification")


def segment_image(task: SegmentationTask, model: nn.Module, image: str | Path, device: str | torch.device = "cpu") -> Any:
    """Segment one image file / series; returns a label ``MetaTensor`` ``(1, X, Y, Z)`` on its source grid."""
    from monai.data import MetaTensor
    from monai.transforms import Invertd

    pre = infer_transforms(task.config.transforms)
    data = pre({"image": str(image)})
    img = data["image"]
    pred = predict_volume(model, img.to(device), task.config.transforms.patch_size,
                          sw_batch_size=task.config.sw_batch_size, overlap=task.config.sw_overlap).cpu()
    data["pred"] = MetaTensor(pred.float(), meta=dict(img.meta), applied_operations=list(img.applied_operations))
    inv = Invertd(keys="pred", transform=pre, orig_keys="image", nearest_interp=True, to_tensor=True)
    out = inv(data)["pred"]
    return out.round().to(torch.uint8) if hasattr(out, "round") else out


def segment_files(
    model_dir: str | Path,
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    fmt: str = "nifti",
    device: str = "cpu",
) -> list[SegmentedFile]:
    """Segment NIfTI files and DICOM series with a trained run; one mask per input, named after it.

    Parameters
    ----------
    model_dir
        A run directory of ``clinical-sft imaging train``.
    inputs
        NIfTI files and/or DICOM series folders.
    out_dir
        Where masks go: ``img7.nii.gz`` -> ``img7_seg.nii.gz``, series folder ``S`` -> ``S_seg.dcm``.
    fmt
        ``"nifti"`` or ``"dicom-seg"`` (DICOM inputs only; a NIfTI input then gets a NIfTI mask).

    Returns
    -------
    list of SegmentedFile
    """
    if fmt not in FORMATS:
        raise ConfigError(f"format must be one of {FORMATS}, got {fmt!r}")
    task, model = load_segmenter(model_dir, device)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for src in inputs:
        p = Path(src)
        if not p.exists():
            raise InputError(f"input not found: {p}")
        mask = segment_image(task, model, p, device)
        dicom = is_dicom_series(p) and not str(p).lower().endswith((".nii", ".nii.gz"))
        use = fmt if (fmt == "nifti" or dicom) else "nifti"
        if fmt == "dicom-seg" and not dicom:
            logger.warning("%s is not DICOM: writing a NIfTI mask instead of DICOM SEG", p.name)
        target = out / output_name(p, use)
        if use == "dicom-seg":
            write_dicom_seg(mask, p, target, class_names=task.config.class_names)
        else:
            write_nifti(mask, target)
        counts = {name: int((mask == k + 1).sum()) for k, name in enumerate(task.config.class_names)}
        results.append(SegmentedFile(source=str(p), output=str(target), format=use, voxels=counts))
        logger.info("segmented %s -> %s", p.name, target.name)
    return results


CLASSIFY_FORMATS = ("csv", "jsonl")


def classify_files(
    model_dir: str | Path,
    inputs: Sequence[str | Path],
    out_dir: str | Path,
    *,
    fmt: str = "csv",
    device: str = "cpu",
) -> list[dict[str, Any]]:
    """Classify NIfTI files and DICOM series with a trained run; writes ``OUT/predictions.csv`` (or ``.jsonl``).

    Parameters
    ----------
    model_dir
        A run folder of ``clinical-sft imaging train --task classify``.
    inputs
        NIfTI files and/or DICOM series folders.
    out_dir
        Output folder.
    fmt
        ``"csv"`` or ``"jsonl"``.

    Returns
    -------
    list of dict
        Per input: ``source``, ``id`` (the file / folder name), predicted ``label``, its ``score`` and
        ``p_<class>`` for every class.
    """
    if fmt not in CLASSIFY_FORMATS:
        raise ConfigError(f"format must be one of {CLASSIFY_FORMATS} for a classification model, got {fmt!r}")
    task, model = load_classifier(model_dir, device)
    pre = classification_transforms(task.config.transforms)
    dev = next(model.parameters()).device
    rows: list[dict[str, Any]] = []
    for src in inputs:
        p = Path(src)
        if not p.exists():
            raise InputError(f"input not found: {p}")
        data = pre({"image": str(p)})
        img = data["image"]
        x = (img.as_tensor() if hasattr(img, "as_tensor") else torch.as_tensor(img)).float().unsqueeze(0).to(dev)
        pred = task.predict_batch(model, {"image": x, "ids": [_stem(p)]})
        rows.append({"source": str(p), **task.outputs(pred)[0]})
        logger.info("classified %s", p.name)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["source", "id", "label", "score"])
        w.writeheader()
        w.writerows(rows)
        text = buf.getvalue()
    else:
        text = "".join(json.dumps(r) + "\n" for r in rows)
    target = out / f"predictions.{fmt}"
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, target)
    return rows
