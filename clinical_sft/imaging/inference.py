"""Segment image files with a trained run: read, sliding window, back to the source grid, write."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from clinical_sft.errors import ConfigError, InputError, ModelNotFoundError
from clinical_sft.imaging.data import infer_transforms
from clinical_sft.imaging.io import is_dicom_series, write_dicom_seg, write_nifti
from clinical_sft.imaging.task import SegmentationTask, predict_volume

__all__ = ["SegmentedFile", "load_segmenter", "output_name", "segment_files", "segment_image"]

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


def output_name(source: str | Path, fmt: str) -> str:
    """``img7.nii.gz`` -> ``img7_seg.nii.gz``; series folder ``S`` -> ``S_seg.dcm`` (or ``S_seg.nii.gz``)."""
    name = Path(source).name
    stem = name
    for suf in (".nii.gz", ".nii", ".dcm"):
        if name.lower().endswith(suf):
            stem = name[: -len(suf)]
            break
    return f"{stem}_seg" + (".dcm" if fmt == "dicom-seg" else ".nii.gz")


def load_segmenter(model_dir: str | Path, device: str | torch.device = "cpu") -> tuple[SegmentationTask, nn.Module]:
    """Rebuild the task and network of a training run (``run.json`` / ``imaging_task.json`` + weights)."""
    from safetensors.torch import load_model

    d = Path(model_dir)
    if not d.is_dir():
        raise ModelNotFoundError(f"model directory not found: {d}")
    if (d / "run.json").is_file():
        from clinical_sft.training import load_trained

        task, model, _ = load_trained(d)  # applies the DP model fix when the run used one
    else:
        task = SegmentationTask.from_run(d)
        weights = d / "model.safetensors"
        if not weights.is_file():
            raise ModelNotFoundError(f"no model.safetensors in {d}")
        model = task.build_model()
        load_model(model, str(weights), strict=True)
    if not isinstance(task, SegmentationTask):
        raise ModelNotFoundError(f"{d} is not a segmentation run (task {getattr(task, 'name', '?')!r})")
    model.to(device).eval()
    return task, model


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
