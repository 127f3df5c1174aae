"""Reading DICOM series / NIfTI into MONAI MetaTensors, writing masks as NIfTI and DICOM SEG.

The DICOM reader is a MONAI :class:`~monai.data.ImageReader`, so it plugs into ``LoadImage`` /
``LoadImaged`` like MONAI's own readers: a series folder (or one ``.dcm`` file, single- or
multi-frame) becomes one volume with axes ``(x, y, z)`` = (column, row, slice), intensities after
rescale slope/intercept, and an affine in RAS (MONAI's convention; DICOM is LPS).
Only geometry and UIDs go into the metadata, never patient attributes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from monai.data import ImageReader

from clinical_sft.errors import ConfigError, InputError

__all__ = [
    "DicomSeries",
    "DicomSeriesReader",
    "is_dicom_series",
    "load_series",
    "read_dicom_series",
    "read_image",
    "write_dicom_seg",
    "write_nifti",
]

logger = logging.getLogger(__name__)

_LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0, 1.0])
_NIFTI_SUFFIXES = (".nii", ".nii.gz")


def _is_dicom_file(path: Path) -> bool:
    if path.suffix.lower() in (".dcm", ".dicom"):
        return True
    if path.suffix or not path.is_file():
        return False
    try:
        with path.open("rb") as fh:
            fh.seek(128)
            return fh.read(4) == b"DICM"
    except OSError:
        return False


def is_dicom_series(path: str | Path) -> bool:
    """True when ``path`` is a DICOM file or a folder holding DICOM files."""
    p = Path(path)
    if p.is_dir():
        return any(_is_dicom_file(f) for f in p.iterdir() if f.is_file())
    return p.is_file() and _is_dicom_file(p)


@dataclass
class DicomSeries:
    """One DICOM series, sorted along the slice normal.

    Attributes
    ----------
    datasets
        The source datasets (one per slice, or one multi-frame dataset), pixel data loaded.
    frame_order
        Index into the source frames (files or multi-frame frames) of each output slice, ascending
        along the slice normal.
    path
        Where it was read from.
    """

    datasets: list[Any]
    frame_order: list[int]
    path: Path

    @property
    def multiframe(self) -> bool:
        return len(self.datasets) == 1 and int(getattr(self.datasets[0], "NumberOfFrames", 1) or 1) > 1

    # -- geometry -----------------------------------------------------------------------------
    def _frame_geometry(self, i: int) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
        """(position, orientation(6), (row_spacing, col_spacing)) of source frame ``i``."""
        if self.multiframe:
            ds = self.datasets[0]
            shared = ds.SharedFunctionalGroupsSequence[0] if "SharedFunctionalGroupsSequence" in ds else None
            per = ds.PerFrameFunctionalGroupsSequence[i] if "PerFrameFunctionalGroupsSequence" in ds else None

            def find(seq_kw: str, attr: str) -> Any:
                for grp in (per, shared):
                    if grp is not None and seq_kw in grp and attr in grp[seq_kw].value[0]:
                        return grp[seq_kw].value[0][attr].value
                return ds.get(attr)

            pos = find("PlanePositionSequence", "ImagePositionPatient")
            iop = find("PlaneOrientationSequence", "ImageOrientationPatient")
            ps = find("PixelMeasuresSequence", "PixelSpacing")
        else:
            ds = self.datasets[i]
            pos, iop, ps = ds.get("ImagePositionPatient"), ds.get("ImageOrientationPatient"), ds.get("PixelSpacing")
        if iop is None:
            iop = [1, 0, 0, 0, 1, 0]
        if pos is None:
            pos = [0.0, 0.0, float(i)]
        if ps is None:
            ps = [1.0, 1.0]
        return np.asarray(pos, dtype=np.float64), np.asarray(iop, dtype=np.float64), (float(ps[0]), float(ps[1]))

    def _frame_rescale(self, i: int) -> tuple[float, float]:
        ds = self.datasets[0] if self.multiframe else self.datasets[i]
        slope, intercept = ds.get("RescaleSlope"), ds.get("RescaleIntercept")
        if self.multiframe:
            for seq in ("PerFrameFunctionalGroupsSequence", "SharedFunctionalGroupsSequence"):
                if seq in ds:
                    grp = ds[seq].value[i if seq.startswith("PerFrame") else 0]
                    if "PixelValueTransformationSequence" in grp:
                        pvt = grp.PixelValueTransformationSequence[0]
                        slope, intercept = pvt.get("RescaleSlope", slope), pvt.get("RescaleIntercept", intercept)
                        break
        return float(slope if slope is not None else 1.0), float(intercept if intercept is not None else 0.0)

    @property
    def n_frames(self) -> int:
        return int(self.datasets[0].NumberOfFrames) if self.multiframe else len(self.datasets)

    def affine_lps(self) -> np.ndarray:
        """4x4 voxel (x, y, z) -> patient LPS mm affine."""
        first = self.frame_order[0]
        pos0, iop, (row_sp, col_sp) = self._frame_geometry(first)
        r, c = iop[:3], iop[3:]
        n = np.cross(r, c)
        aff = np.eye(4)
        aff[:3, 0] = r * col_sp  # along a row: column index (x), spacing between columns
        aff[:3, 1] = c * row_sp  # down a column: row index (y), spacing between rows
        if len(self.frame_order) > 1:
            pos_last = self._frame_geometry(self.frame_order[-1])[0]
            aff[:3, 2] = (pos_last - pos0) / (len(self.frame_order) - 1)
        else:
            ds = self.datasets[0]
            thick = float(ds.get("SpacingBetweenSlices", ds.get("SliceThickness", 1.0)) or 1.0)
            aff[:3, 2] = n * thick
        aff[:3, 3] = pos0
        return aff

    def uids(self) -> dict[str, str]:
        ds = self.datasets[0]
        return {k: str(ds.get(k, "")) for k in ("StudyInstanceUID", "SeriesInstanceUID", "FrameOfReferenceUID", "Modality")}

    def array(self, dtype: Any = np.float32) -> np.ndarray:
        """Volume ``(x, y, z)`` in output units (rescale applied), slices sorted."""
        if self.multiframe:
            frames = self.datasets[0].pixel_array
            if frames.ndim == 2:
                frames = frames[None]
            slices = [frames[i] for i in self.frame_order]
        else:
            slices = [self.datasets[i].pixel_array for i in self.frame_order]
        out = np.empty((slices[0].shape[1], slices[0].shape[0], len(slices)), dtype=dtype)
        for k, (i, sl) in enumerate(zip(self.frame_order, slices)):
            slope, intercept = self._frame_rescale(i)
            out[:, :, k] = (sl.astype(np.float64) * slope + intercept).T.astype(dtype)
        return out


def _sort_frames(series: DicomSeries) -> DicomSeries:
    n = series.n_frames
    _, iop, _ = series._frame_geometry(0)
    normal = np.cross(iop[:3], iop[3:])
    keys = []
    for i in range(n):
        pos, _, _ = series._frame_geometry(i)
        keys.append(float(np.dot(pos, normal)))
    if len(set(np.round(keys, 4))) < n and not series.multiframe:
        # no usable positions: fall back to InstanceNumber
        keys = [float(series.datasets[i].get("InstanceNumber", i) or i) for i in range(n)]
    series.frame_order = [int(i) for i in np.argsort(keys, kind="stable")]
    return series


def load_series(path: str | Path, series_uid: str | None = None, *, stop_before_pixels: bool = False) -> DicomSeries:
    """Read a DICOM series folder (or one file) and sort its slices along the slice normal.

    Parameters
    ----------
    path
        Series folder, or a single (possibly multi-frame) DICOM file.
    series_uid
        Which series to take when a folder holds several (default: the one with most files).
    stop_before_pixels
        Read headers only.

    Raises
    ------
    InputError
        When nothing readable as DICOM image data is found.
    """
    import pydicom
    from pydicom.errors import InvalidDicomError

    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.is_file() and _is_dicom_file(f))
    else:
        files = [p] if p.is_file() and not str(p).lower().endswith(_NIFTI_SUFFIXES) else []
    if not files:
        raise InputError(f"no DICOM files in {p}")
    by_series: dict[str, list[Any]] = {}
    for f in files:
        try:
            ds = pydicom.dcmread(f, stop_before_pixels=stop_before_pixels)
        except (InvalidDicomError, OSError) as e:
            logger.warning("skipping unreadable DICOM file %s (%s)", f.name, type(e).__name__)
            continue
        if not stop_before_pixels and "PixelData" not in ds:
            continue
        by_series.setdefault(str(ds.get("SeriesInstanceUID", "")), []).append(ds)
    if not by_series:
        raise InputError(f"no DICOM image files with pixel data in {p}")
    if series_uid is not None:
        if series_uid not in by_series:
            raise InputError(f"series UID not found in {p}")
        chosen = by_series[series_uid]
    else:
        chosen = max(by_series.values(), key=len)
        if len(by_series) > 1:
            logger.warning("%s holds %d series; reading the largest (%d files)", p, len(by_series), len(chosen))
    multi = [d for d in chosen if int(getattr(d, "NumberOfFrames", 1) or 1) > 1]
    if multi:
        chosen = [multi[0]]
    return _sort_frames(DicomSeries(datasets=chosen, frame_order=[], path=p))


class DicomSeriesReader(ImageReader):
    """MONAI ``ImageReader`` for DICOM series folders and (multi-frame) DICOM files, on pydicom.

    Register it with ``LoadImage(reader=DicomSeriesReader())`` / ``LoadImaged(keys, reader=...)``;
    NIfTI paths fall through to MONAI's default readers.

    Parameters
    ----------
    dtype
        Output dtype of the intensities.
    affine_lps_to_ras
        Return the affine in RAS (MONAI / NIfTI convention, default) rather than DICOM's LPS.
    """

    def __init__(self, dtype: Any = np.float32, affine_lps_to_ras: bool = True) -> None:
        self.dtype = dtype
        self.affine_lps_to_ras = affine_lps_to_ras

    def verify_suffix(self, filename: Sequence[str | os.PathLike] | str | os.PathLike) -> bool:
        names = [filename] if isinstance(filename, str | os.PathLike) else list(filename)
        for n in names:
            s = str(n).lower()
            if s.endswith(_NIFTI_SUFFIXES) or not is_dicom_series(Path(n)):
                return False
        return True

    def read(self, data: Sequence[str | os.PathLike] | str | os.PathLike, **kwargs: Any) -> Any:
        names = [data] if isinstance(data, str | os.PathLike) else list(data)
        series = [load_series(Path(n), series_uid=kwargs.get("series_uid")) for n in names]
        return series[0] if len(series) == 1 else series

    def get_data(self, img: Any) -> tuple[np.ndarray, dict]:
        from monai.utils import MetaKeys, SpaceKeys

        items = img if isinstance(img, list) else [img]
        arrays: list[np.ndarray] = []
        meta: dict[Any, Any] = {}
        for s in items:
            arr = s.array(self.dtype)
            aff = s.affine_lps()
            if self.affine_lps_to_ras:
                aff = _LPS_TO_RAS @ aff
            m = {
                MetaKeys.AFFINE: aff,
                MetaKeys.ORIGINAL_AFFINE: aff.copy(),
                MetaKeys.SPATIAL_SHAPE: np.asarray(arr.shape),
                MetaKeys.SPACE: SpaceKeys.RAS if self.affine_lps_to_ras else SpaceKeys.LPS,
                MetaKeys.ORIGINAL_CHANNEL_DIM: float("nan"),
                "spacing": np.sqrt((aff[:3, :3] ** 2).sum(0)),
                "dicom_multiframe": s.multiframe,
                **s.uids(),
            }
            arrays.append(arr)
            if not meta:
                meta = m
        if len(arrays) == 1:
            return arrays[0], meta
        meta[MetaKeys.ORIGINAL_CHANNEL_DIM] = 0
        return np.stack(arrays, axis=0), meta


def read_dicom_series(path: str | Path, *, dtype: Any = np.float32, ras: bool = True) -> Any:
    """Read a DICOM series folder (or file) into a MONAI ``MetaTensor`` ``(x, y, z)``.

    Parameters
    ----------
    path
        Series folder or a single / multi-frame DICOM file.
    dtype
        Output dtype.
    ras
        Affine in RAS (default) or in DICOM LPS.

    Examples
    --------
    >>> img = read_dicom_series("cohort/dicom/case_000")  # doctest: +SKIP
    >>> img.shape, img.affine.shape  # doctest: +SKIP
    (torch.Size([48, 48, 48]), torch.Size([4, 4]))
    """
    from monai.data import MetaTensor

    reader = DicomSeriesReader(dtype=dtype, affine_lps_to_ras=ras)
    arr, meta = reader.get_data(reader.read(path))
    meta["filename_or_obj"] = str(path)
    return MetaTensor(arr, meta=meta)


def read_image(path: str | Path) -> Any:
    """Read a NIfTI file or a DICOM series into a ``MetaTensor`` (no channel dimension)."""
    from monai.transforms import LoadImage

    p = Path(path)
    if not p.exists():
        raise InputError(f"image not found: {p}")
    if is_dicom_series(p) and not str(p).lower().endswith(_NIFTI_SUFFIXES):
        return read_dicom_series(p)
    return LoadImage(image_only=True, reader="NibabelReader")(str(p))


def _to_numpy(x: Any) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def write_nifti(mask: Any, path: str | Path, affine: Any | None = None) -> Path:
    """Write a label map as NIfTI.

    Parameters
    ----------
    mask
        ``(x, y, z)`` or ``(1, x, y, z)`` array / tensor / MetaTensor (its affine is used when
        ``affine`` is not given).
    path
        Output path (``.nii.gz``).
    affine
        4x4 RAS affine; default: the MetaTensor's, else identity.
    """
    import nibabel as nib

    if affine is None:
        affine = getattr(mask, "affine", None)
    arr = _to_numpy(mask)
    if arr.ndim == 4 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim != 3:
        raise ConfigError(f"write_nifti: mask must be 3-D (or 1 x 3-D), got shape {arr.shape}")
    aff = np.eye(4) if affine is None else _to_numpy(affine).astype(np.float64)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    img = nib.Nifti1Image(arr.astype(np.uint8), aff)
    img.header.set_xyzt_units("mm")
    nib.save(img, str(path))
    return path


def write_dicom_seg(
    mask: Any,
    series: str | Path | DicomSeries,
    path: str | Path,
    *,
    class_names: Sequence[str] | None = None,
    algorithm_name: str = "clinical-sft",
    algorithm_version: str = "0.1",
    series_description: str = "Segmentation",
) -> Path:
    """Write a label map as a DICOM Segmentation (highdicom) referencing the source series.

    Parameters
    ----------
    mask
        Integer label map ``(x, y, z)`` (or ``(1, x, y, z)``) on the source series' voxel grid, slices in
        the sorted order of :func:`read_dicom_series` (0 = background, k = class k).
    series
        The source series folder / file, or a :class:`DicomSeries` already loaded.
    path
        Output ``.dcm`` path.
    class_names
        Names of classes 1..K (default ``class_1``, ...).

    Returns
    -------
    Path
    """
    import highdicom as hd
    from pydicom.sr.codedict import codes
    from pydicom.uid import generate_uid

    src = series if isinstance(series, DicomSeries) else load_series(series)
    arr = _to_numpy(mask)
    if arr.ndim == 4 and arr.shape[0] == 1:
        arr = arr[0]
    n_frames = src.n_frames
    rows = int(src.datasets[0].Rows)
    cols = int(src.datasets[0].Columns)
    if arr.shape != (cols, rows, n_frames):
        raise ConfigError(
            f"write_dicom_seg: mask shape {arr.shape} does not match the series grid (x, y, z) = {(cols, rows, n_frames)}"
        )
    arr = arr.astype(np.uint8)
    n_classes = int(arr.max()) if class_names is None else len(class_names)
    n_classes = max(n_classes, 1)
    names = list(class_names) if class_names is not None else [f"class_{k}" for k in range(1, n_classes + 1)]
    # frames in source order: (frames, rows, cols)
    frames = np.zeros((n_frames, rows, cols), dtype=np.uint8)
    for k, i in enumerate(src.frame_order):
        frames[i] = arr[:, :, k].T
    algo = hd.AlgorithmIdentificationSequence(
        name=algorithm_name, version=algorithm_version, family=codes.cid7162.ArtificialIntelligence
    )
    descriptions = [
        hd.seg.SegmentDescription(
            segment_number=k,
            segment_label=str(names[k - 1])[:64],
            segmented_property_category=codes.SCT.Tissue,
            segmented_property_type=codes.SCT.Tissue,
            algorithm_type=hd.seg.SegmentAlgorithmTypeValues.AUTOMATIC,
            algorithm_identification=algo,
        )
        for k in range(1, n_classes + 1)
    ]
    source_images = src.datasets if not src.multiframe else [src.datasets[0]]
    seg = hd.seg.Segmentation(
        source_images=source_images,
        pixel_array=frames,
        segmentation_type=hd.seg.SegmentationTypeValues.BINARY,
        segment_descriptions=descriptions,
        series_instance_uid=generate_uid(),
        series_number=300,
        sop_instance_uid=generate_uid(),
        instance_number=1,
        manufacturer="clinical-sft",
        manufacturer_model_name=algorithm_name,
        software_versions=algorithm_version,
        device_serial_number="0",
        series_description=series_description,
        omit_empty_frames=False,
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    seg.save_as(path)
    return path
