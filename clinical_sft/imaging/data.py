"""Datasets described like the Medical Segmentation Decathlon (``dataset.json``) and MONAI transforms."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clinical_sft.errors import ConfigError, InputError

__all__ = [
    "TransformConfig",
    "classification_transforms",
    "demographics_table",
    "infer_transforms",
    "load_dataset",
    "make_dataset",
    "read_dataset_json",
    "train_transforms",
    "val_transforms",
]

logger = logging.getLogger(__name__)

_DEMOGRAPHIC_KEYS = ("patient_id", "sex", "age", "age_group", "race", "ethnicity", "site")


def read_dataset_json(path: str | Path) -> dict[str, Any]:
    """Read an MSD-style ``dataset.json`` (raises :class:`InputError` naming the file)."""
    p = Path(path)
    if p.is_dir():
        p = p / "dataset.json"
    if not p.is_file():
        raise InputError(f"dataset description not found: {p}")
    try:
        spec = json.loads(p.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"dataset description is not valid JSON: {p} (line {getattr(e, 'lineno', '?')})") from None
    if not isinstance(spec, dict) or not any(k in spec for k in ("training", "validation", "test")):
        raise InputError(f"dataset description {p} has no 'training', 'validation' or 'test' list")
    return spec


def load_dataset(
    path: str | Path,
    split: str = "training",
    *,
    require_label: bool = True,
    label_key: str = "label",
    label_is_path: bool = True,
) -> list[dict[str, Any]]:
    """The items of one split of an MSD-style ``dataset.json``, paths resolved.

    Parameters
    ----------
    path
        ``dataset.json`` (or the folder holding it). Image paths are relative to its folder, and
        may be NIfTI files or DICOM series folders.
    split
        ``"training"``, ``"validation"`` or ``"test"`` (test entries may be plain path strings).
    require_label
        Raise when an item lacks its label.
    label_key
        The item field holding the target; it is returned as ``label`` (e.g. ``"lesion_present"`` to
        classify by a column of a segmentation ``dataset.json``).
    label_is_path
        ``True``: the label is a mask file (segmentation) resolved like ``image``; ``False``: a class
        (an integer or a class name, classification) kept as it is.

    Returns
    -------
    list of dict
        ``{"image", "label"?, "id", "patient_id"?, <demographics>...}`` per case; ``id`` defaults to the
        image's name.

    Examples
    --------
    >>> train = load_dataset("cohort/dataset.json", "training")  # doctest: +SKIP
    >>> sorted(train[0])[:3]  # doctest: +SKIP
    ['age', 'age_group', 'ethnicity']
    """
    p = Path(path)
    root = p if p.is_dir() else p.parent
    spec = read_dataset_json(p)
    if split not in ("training", "validation", "test"):
        raise ConfigError(f"load_dataset: split must be 'training', 'validation' or 'test', got {split!r}")
    items = []
    for n, entry in enumerate(spec.get(split, []) or []):
        e = {"image": entry} if isinstance(entry, str) else dict(entry)
        if "image" not in e:
            raise InputError(f"{p}: {split}[{n}] has no 'image'")
        if label_key != "label":
            e.pop("label", None)
            if label_key in e:
                e["label"] = e.pop(label_key)
        for key in ("image", "label") if label_is_path else ("image",):
            if key in e and e[key] is not None:
                if not isinstance(e[key], str):
                    raise InputError(f"{p}: {split}[{n}].{'image' if key == 'image' else label_key} must be a path")
                q = Path(e[key])
                e[key] = str(q if q.is_absolute() else (root / q))
        missing = e.get("label") is None or (label_is_path and not e.get("label"))
        if require_label and split != "test" and missing:
            raise InputError(f"{p}: {split}[{n}] has no {label_key!r}")
        e.setdefault("id", _case_id(e["image"]))
        items.append(e)
    return items


def _case_id(image: str) -> str:
    name = Path(image).name
    for suf in (".nii.gz", ".nii", ".dcm"):
        if name.lower().endswith(suf):
            return name[: -len(suf)]
    return name


def demographics_table(items: Sequence[dict[str, Any]], csv: str | Path | None = None) -> Any:
    """A pandas DataFrame ``id, patient_id, sex, ...`` from dataset items and/or a demographics CSV.

    The CSV joins on ``id`` when it has that column, else on ``patient_id``.
    """
    import pandas as pd

    rows = [{"id": it["id"], **{k: it[k] for k in _DEMOGRAPHIC_KEYS if k in it}} for it in items]
    df = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["id"])
    if csv is not None:
        if not Path(csv).is_file():
            raise InputError(f"demographics file not found: {csv}")
        extra = pd.read_csv(csv, dtype={"id": str, "patient_id": str})
        key = "id" if "id" in extra.columns else ("patient_id" if "patient_id" in extra.columns else None)
        if key is None:
            raise InputError(f"demographics file {csv} needs an 'id' or 'patient_id' column")
        if key not in df.columns:
            raise InputError(f"demographics file {csv} joins on {key!r} but the dataset items have no {key!r}")
        keep = [c for c in df.columns if c == "id" or c == key or c not in extra.columns]
        df = df[keep].merge(extra, on=key, how="left")
    return df


@dataclass(frozen=True)
class TransformConfig:
    """Pre-processing and augmentation.

    Parameters
    ----------
    patch_size
        Training crop size (voxels) and sliding-window ROI.
    spacing_mm
        Resample to this spacing (``None``: keep native spacing).
    orientation
        Axis codes to reorient to (``"RAS"``) or ``None`` to keep.
    window
        ``(a_min, a_max)`` intensity window mapped to ``[0, 1]`` and clipped (CT soft tissue by default).
    num_samples
        Random crops per volume per epoch.
    pos_neg
        Positive : negative ratio of crop centres (``RandCropByPosNegLabeld``), used when
        ``class_balanced`` is false.
    class_balanced
        Centre crops on background and on every class equally often (``RandCropByLabelClassesd``, as
        nnU-Net oversamples foreground), so small structures are seen as often as large ones.
    augment
        Random flips, 90-degree rotations and intensity shifts.
    crop_foreground
        Crop to the body (intensity above the window's lower bound) first.
    """

    patch_size: tuple[int, int, int] = (32, 32, 32)
    spacing_mm: tuple[float, float, float] | None = None
    orientation: str | None = "RAS"
    window: tuple[float, float] = (-160.0, 240.0)
    num_samples: int = 2
    pos_neg: tuple[float, float] = (1.0, 1.0)
    augment: bool = True
    crop_foreground: bool = True
    class_balanced: bool = True

    def __post_init__(self) -> None:
        if len(self.patch_size) != 3 or min(self.patch_size) < 8:
            raise ConfigError(f"TransformConfig.patch_size must be 3 sizes >= 8, got {self.patch_size}")
        if self.spacing_mm is not None and (len(self.spacing_mm) != 3 or min(self.spacing_mm) <= 0):
            raise ConfigError(f"TransformConfig.spacing_mm must be None or 3 positive values, got {self.spacing_mm}")
        if len(self.window) != 2 or self.window[0] >= self.window[1]:
            raise ConfigError(f"TransformConfig.window must be (a_min, a_max) with a_min < a_max, got {self.window}")
        if self.num_samples < 1:
            raise ConfigError(f"TransformConfig.num_samples must be >= 1, got {self.num_samples}")
        if min(self.pos_neg) < 0 or sum(self.pos_neg) <= 0:
            raise ConfigError(f"TransformConfig.pos_neg must be non-negative and not both 0, got {self.pos_neg}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "patch_size": list(self.patch_size),
            "spacing_mm": list(self.spacing_mm) if self.spacing_mm else None,
            "orientation": self.orientation,
            "window": list(self.window),
            "num_samples": self.num_samples,
            "pos_neg": list(self.pos_neg),
            "augment": self.augment,
            "crop_foreground": self.crop_foreground,
            "class_balanced": self.class_balanced,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TransformConfig:
        d = dict(d)
        for k in ("patch_size", "spacing_mm", "window", "pos_neg"):
            if d.get(k) is not None:
                d[k] = tuple(d[k])
        return cls(**d)


def _positive(x: Any) -> Any:
    return x > 0.0


def _base(keys: Sequence[str], cfg: TransformConfig, *, label: bool) -> list[Any]:
    from monai.transforms import (
        EnsureChannelFirstd,
        LoadImaged,
        Orientationd,
        ScaleIntensityRanged,
        Spacingd,
    )

    from clinical_sft.imaging.io import DicomSeriesReader

    def _reader() -> Any:  # LoadImaged accepts reader instances (MONAI's annotation says classes)
        return DicomSeriesReader()

    keys = list(keys)
    t: list[Any] = [
        LoadImaged(keys=keys, reader=_reader(), image_only=True),
        EnsureChannelFirstd(keys=keys),
    ]
    if cfg.orientation:
        t.append(Orientationd(keys=keys, axcodes=cfg.orientation))
    if cfg.spacing_mm:
        t.append(Spacingd(keys=keys, pixdim=cfg.spacing_mm, mode=["bilinear"] + ["nearest"] * (len(keys) - 1)))
    t.append(ScaleIntensityRanged(keys=["image"], a_min=cfg.window[0], a_max=cfg.window[1], b_min=0.0, b_max=1.0, clip=True))
    if label:
        import numpy as np
        from monai.transforms import CastToTyped

        t.append(CastToTyped(keys=["label"], dtype=np.uint8))
    return t


def train_transforms(cfg: TransformConfig | None = None, n_classes: int | None = None) -> Any:
    """Deterministic loading / windowing (cached) followed by random crops and augmentation.

    ``n_classes`` (foreground classes) is needed for class-balanced crops.
    """
    from monai.transforms import (
        Compose,
        CropForegroundd,
        RandCropByLabelClassesd,
        RandCropByPosNegLabeld,
        RandFlipd,
        RandRotate90d,
        RandScaleIntensityd,
        RandShiftIntensityd,
        SpatialPadd,
    )

    cfg = cfg or TransformConfig()
    keys = ["image", "label"]
    t = _base(keys, cfg, label=True)
    if cfg.crop_foreground:
        t.append(CropForegroundd(keys=keys, source_key="image", select_fn=_positive, margin=2, allow_smaller=True))
    t.append(SpatialPadd(keys=keys, spatial_size=cfg.patch_size))
    if cfg.class_balanced and n_classes:
        t.append(
            RandCropByLabelClassesd(
                keys=keys, label_key="label", spatial_size=cfg.patch_size, num_classes=n_classes + 1,
                ratios=[1.0] * (n_classes + 1), num_samples=cfg.num_samples, warn=False,
            )
        )
    else:
        t.append(
            RandCropByPosNegLabeld(
                keys=keys, label_key="label", spatial_size=cfg.patch_size, pos=cfg.pos_neg[0], neg=cfg.pos_neg[1],
                num_samples=cfg.num_samples, image_key="image", image_threshold=0.0,
            )
        )
    if cfg.augment:
        t += [
            RandFlipd(keys=keys, prob=0.2, spatial_axis=0),
            RandFlipd(keys=keys, prob=0.2, spatial_axis=1),
            RandFlipd(keys=keys, prob=0.2, spatial_axis=2),
            RandRotate90d(keys=keys, prob=0.2, max_k=3),
            RandScaleIntensityd(keys="image", factors=0.1, prob=0.5),
            RandShiftIntensityd(keys="image", offsets=0.1, prob=0.5),
        ]
    return Compose(t)


def val_transforms(cfg: TransformConfig | None = None) -> Any:
    """Loading and windowing of whole volumes with their labels (for sliding-window validation)."""
    from monai.transforms import Compose

    return Compose(_base(["image", "label"], cfg or TransformConfig(), label=True))


def infer_transforms(cfg: TransformConfig | None = None) -> Any:
    """Loading and windowing of images alone (prediction; invertible back to the source grid)."""
    from monai.transforms import Compose

    return Compose(_base(["image"], cfg or TransformConfig(), label=False))


def classification_transforms(cfg: TransformConfig | None = None, *, train: bool = False) -> Any:
    """Whole-volume transforms for classification: load, window, crop to the body, resize to ``patch_size``.

    The volume is resized (with anti-aliasing) to ``cfg.patch_size`` as in MONAI's 3-D classification
    tutorials, so the whole field of view reaches the network; ``train=True`` adds random flips,
    90-degree rotations and intensity jitter (when ``cfg.augment``). Any ``label`` (a class) passes
    through untouched.
    """
    from monai.transforms import (
        Compose,
        CropForegroundd,
        RandFlipd,
        RandRotate90d,
        RandScaleIntensityd,
        RandShiftIntensityd,
        Resized,
    )

    cfg = cfg or TransformConfig()
    t = _base(["image"], cfg, label=False)
    if cfg.crop_foreground:
        t.append(CropForegroundd(keys="image", source_key="image", select_fn=_positive, margin=2, allow_smaller=True))
    t.append(Resized(keys="image", spatial_size=cfg.patch_size, mode="trilinear", anti_aliasing=True))
    if train and cfg.augment:
        t += [
            RandFlipd(keys="image", prob=0.5, spatial_axis=0),
            RandFlipd(keys="image", prob=0.5, spatial_axis=1),
            RandFlipd(keys="image", prob=0.5, spatial_axis=2),
            RandRotate90d(keys="image", prob=0.5, max_k=3),
            RandScaleIntensityd(keys="image", factors=0.1, prob=0.5),
            RandShiftIntensityd(keys="image", offsets=0.1, prob=0.5),
        ]
    return Compose(t)


def make_dataset(
    items: Sequence[dict[str, Any]],
    transform: Any,
    *,
    cache: str = "memory",
    cache_rate: float = 1.0,
    cache_dir: str | Path | None = None,
    num_workers: int = 0,
    progress: bool = False,
) -> Any:
    """A MONAI dataset over ``items`` that caches the deterministic transforms.

    Parameters
    ----------
    cache
        ``"memory"`` (``CacheDataset``: nothing re-read after the first pass), ``"disk"``
        (``PersistentDataset`` in ``cache_dir``) or ``"none"`` (plain ``Dataset``).
    cache_rate
        Fraction of items cached in memory.
    """
    from monai.data import CacheDataset, Dataset, PersistentDataset

    if cache == "memory":
        return CacheDataset(data=list(items), transform=transform, cache_rate=cache_rate, num_workers=num_workers or None, progress=progress)
    if cache == "disk":
        if cache_dir is None:
            raise ConfigError("make_dataset: cache='disk' needs cache_dir")
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        return PersistentDataset(data=list(items), transform=transform, cache_dir=str(cache_dir))
    if cache == "none":
        return Dataset(data=list(items), transform=transform)
    raise ConfigError(f"make_dataset: cache must be 'memory', 'disk' or 'none', got {cache!r}")
