"""Synthetic CT-like volumes with structures to segment, written as DICOM series and NIfTI.

Each case is a small body-shaped volume (soft tissue in air) holding an "organ" ellipsoid
(label 1) and, optionally, a "lesion" sphere (label 2). Cases are written

* as a DICOM series (CT Image Storage, one file per slice) whose headers carry synthetic PHI
  (name, MRN, birth date, institution, referring physician, dates, accession number, free-text
  descriptions naming the patient) so the DICOM de-identifier has real work;
* as NIfTI images and labels (``imagesTr/`` and ``labelsTr/``);
* with a Medical-Segmentation-Decathlon style ``dataset.json`` and a ``demographics.csv``;
* with ``classification.json``, the same cases labelled by whether a lesion is present (``label``:
  0 or 1), a whole-volume classification target with a real image signal.

A subgroup effect can be planted: one site's scanner gives lower contrast and more noise, so
a model segments (and detects lesions in) that site's cases worse and the fairness report has
something to find.

This module imports nothing else of clinical_sft (except :mod:`clinical_sft.errors`).

Examples
--------
>>> from clinical_sft.data.synthetic_imaging import ImagingCohortConfig, make_imaging_cohort
>>> cohort = make_imaging_cohort("cohort", ImagingCohortConfig(n_cases=4, shape=(32, 32, 32)))  # doctest: +SKIP
>>> cohort.dataset_json  # doctest: +SKIP
PosixPath('cohort/dataset.json')
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from clinical_sft.errors import ConfigError

__all__ = [
    "CT_IMAGE_STORAGE",
    "ImagingCase",
    "ImagingCohort",
    "ImagingCohortConfig",
    "make_imaging_cohort",
    "synth_volume",
    "write_ct_series",
    "write_nifti_volume",
]

logger = logging.getLogger(__name__)

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
LABELS = {"0": "background", "1": "organ", "2": "lesion"}
_SEXES = ("F", "M")
_RACES = ("White", "Black", "Asian", "Other")
_ETHNICITIES = ("Not Hispanic", "Hispanic")
_INSTITUTIONS = {
    "A": ("Mercy General Hospital", "1200 Harbor Way, Springfield"),
    "B": ("St. Lucia Medical Center", "45 Elm Street, Riverton"),
    "C": ("Northfield Community Clinic", "9 Mill Road, Northfield"),
    "D": ("Lakeside University Hospital", "300 Shore Drive, Lakeside"),
}


@dataclass(frozen=True)
class ImagingCohortConfig:
    """How to synthesise an imaging cohort.

    Parameters
    ----------
    n_cases
        Number of cases (one series per patient).
    shape
        Volume size in voxels ``(x, y, z)``; small by default so CPU training is quick.
    spacing_mm
        Voxel spacing ``(x, y, z)`` in millimetres.
    n_classes
        Foreground classes: 1 (organ) or 2 (organ + lesion).
    sites
        Site (scanner) codes; cases are spread over them.
    effect_site
        The site whose scanner gives lower contrast and more noise; ``None`` plants no effect.
    effect_contrast
        Multiplier of organ/lesion contrast at ``effect_site`` (0 < c <= 1).
    effect_noise
        Multiplier of noise at ``effect_site`` (>= 1).
    noise_hu
        Noise standard deviation in Hounsfield units.
    val_fraction
        Fraction of cases listed under ``validation`` in ``dataset.json``.
    lesion_prevalence
        Fraction of cases that hold a lesion (``n_classes=2``); the others have the organ only. Each
        entry records ``lesion_present`` (0/1), the target of ``classification.json``. The default 1.0
        gives every case a lesion (segmentation cohorts); use e.g. 0.5 for classification.
    write_dicom, write_nifti
        Which formats to write (at least one).
    image_format
        Which format ``dataset.json``'s ``image`` entries point to: ``"dicom"`` or ``"nifti"``.
    seed
        Random seed; the same seed gives the same cohort (pixels, PHI and UIDs).
    """

    n_cases: int = 20
    shape: tuple[int, int, int] = (48, 48, 48)
    spacing_mm: tuple[float, float, float] = (1.5, 1.5, 2.0)
    n_classes: int = 2
    sites: tuple[str, ...] = ("A", "B", "C")
    effect_site: str | None = None
    effect_contrast: float = 0.35
    effect_noise: float = 2.0
    noise_hu: float = 20.0
    val_fraction: float = 0.25
    lesion_prevalence: float = 1.0
    write_dicom: bool = True
    write_nifti: bool = True
    image_format: str = "dicom"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.n_cases < 1:
            raise ConfigError(f"ImagingCohortConfig.n_cases must be >= 1, got {self.n_cases}")
        if len(self.shape) != 3 or min(self.shape) < 16:
            raise ConfigError(f"ImagingCohortConfig.shape must be 3 sizes >= 16, got {self.shape}")
        if len(self.spacing_mm) != 3 or min(self.spacing_mm) <= 0:
            raise ConfigError(f"ImagingCohortConfig.spacing_mm must be 3 positive values, got {self.spacing_mm}")
        if self.n_classes not in (1, 2):
            raise ConfigError(f"ImagingCohortConfig.n_classes must be 1 or 2, got {self.n_classes}")
        if not self.sites:
            raise ConfigError("ImagingCohortConfig.sites must name at least one site")
        if self.effect_site is not None and self.effect_site not in self.sites:
            raise ConfigError(f"ImagingCohortConfig.effect_site must be one of sites {self.sites}, got {self.effect_site!r}")
        if not 0 < self.effect_contrast <= 1:
            raise ConfigError(f"ImagingCohortConfig.effect_contrast must be in (0, 1], got {self.effect_contrast}")
        if self.effect_noise < 1:
            raise ConfigError(f"ImagingCohortConfig.effect_noise must be >= 1, got {self.effect_noise}")
        if self.noise_hu < 0:
            raise ConfigError(f"ImagingCohortConfig.noise_hu must be >= 0, got {self.noise_hu}")
        if not 0 <= self.val_fraction < 1:
            raise ConfigError(f"ImagingCohortConfig.val_fraction must be in [0, 1), got {self.val_fraction}")
        if not 0 <= self.lesion_prevalence <= 1:
            raise ConfigError(f"ImagingCohortConfig.lesion_prevalence must be in [0, 1], got {self.lesion_prevalence}")
        if self.lesion_prevalence < 1 and self.n_classes < 2:
            raise ConfigError("ImagingCohortConfig.lesion_prevalence < 1 needs n_classes=2 (organ + lesion)")
        if not (self.write_dicom or self.write_nifti):
            raise ConfigError("ImagingCohortConfig: at least one of write_dicom / write_nifti must be true")
        if self.image_format not in ("dicom", "nifti"):
            raise ConfigError(f"ImagingCohortConfig.image_format must be 'dicom' or 'nifti', got {self.image_format!r}")
        if self.image_format == "dicom" and not self.write_dicom:
            raise ConfigError("ImagingCohortConfig.image_format='dicom' needs write_dicom=True")
        if self.image_format == "nifti" and not self.write_nifti:
            raise ConfigError("ImagingCohortConfig.image_format='nifti' needs write_nifti=True")


@dataclass(frozen=True)
class ImagingCase:
    """One synthetic case: where its files are and who it belongs to."""

    id: str
    patient_id: str
    site: str
    sex: str
    age: int
    race: str
    ethnicity: str
    split: str
    dicom_dir: str | None
    image_nifti: str | None
    label_nifti: str
    phi: dict[str, str] = field(default_factory=dict, repr=False)
    lesion_present: int = 1

    def demographics(self) -> dict[str, Any]:
        """The case's demographic row (no PHI beyond the MRN-like patient id)."""
        return {
            "id": self.id,
            "patient_id": self.patient_id,
            "sex": self.sex,
            "age": self.age,
            "age_group": _age_group(self.age),
            "race": self.race,
            "ethnicity": self.ethnicity,
            "site": self.site,
        }


@dataclass(frozen=True)
class ImagingCohort:
    """What :func:`make_imaging_cohort` wrote."""

    root: Path
    dataset_json: Path
    demographics_csv: Path
    cases: tuple[ImagingCase, ...]
    config: ImagingCohortConfig
    classification_json: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": str(self.root),
            "dataset_json": str(self.dataset_json),
            "classification_json": str(self.classification_json) if self.classification_json else None,
            "demographics_csv": str(self.demographics_csv),
            "n_cases": len(self.cases),
            "config": asdict(self.config),
        }


def _age_group(age: int) -> str:
    if age < 40:
        return "18-39"
    if age < 65:
        return "40-64"
    return "65+"


def _ellipsoid(grid: Sequence[np.ndarray], center: Any, radii: Any) -> np.ndarray:
    d = np.zeros(grid[0].shape, dtype=np.float32)
    for g, c, r in zip(grid, center, radii):
        d += ((g - c) / r) ** 2
    return np.asarray(d <= 1.0)


def synth_volume(
    shape: Sequence[int] = (48, 48, 48),
    *,
    n_classes: int = 2,
    contrast: float = 1.0,
    noise_hu: float = 20.0,
    rng: np.random.Generator | None = None,
    lesion: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """One CT-like volume in Hounsfield units and its label map.

    Parameters
    ----------
    shape
        Volume size ``(x, y, z)``.
    n_classes
        1: organ only; 2: organ and lesion.
    contrast
        Multiplier of the structures' contrast against soft tissue.
    noise_hu
        Gaussian noise standard deviation (HU).
    rng
        Random generator.
    lesion
        Plant the lesion (``n_classes=2``); ``False`` gives a lesion-free volume with the same
        random draws (the same body, organ and noise as with the lesion).

    Returns
    -------
    (image, label)
        ``float32`` HU volume and ``uint8`` labels (0 background, 1 organ, 2 lesion), axes ``(x, y, z)``.
    """
    rng = rng or np.random.default_rng()
    shape = tuple(int(s) for s in shape)
    grid = np.meshgrid(*[np.arange(s, dtype=np.float32) for s in shape], indexing="ij")
    c = np.array(shape, dtype=np.float32) / 2
    body = _ellipsoid(grid, c + rng.uniform(-1, 1, 3), np.array(shape) * rng.uniform(0.40, 0.46, 3))
    image = np.full(shape, -1000.0, dtype=np.float32)
    image[body] = 40.0
    label = np.zeros(shape, dtype=np.uint8)
    # organ: an ellipsoid inside the body, off centre
    radii = np.array(shape) * rng.uniform(0.14, 0.22, 3)
    center = c + (np.array(shape) * rng.uniform(-0.12, 0.12, 3))
    organ = _ellipsoid(grid, center, radii) & body
    image[organ] = 40.0 + 70.0 * contrast
    label[organ] = 1
    if n_classes >= 2:
        r = float(min(shape) * rng.uniform(0.08, 0.12))
        # lesion anywhere in the body but away from the border
        for _ in range(20):
            lc = c + np.array(shape) * rng.uniform(-0.22, 0.22, 3)
            sphere = _ellipsoid(grid, lc, (r, r, r)) & body
            if sphere.sum() > 8:
                break
        if lesion:
            image[sphere] = 40.0 + 150.0 * contrast
            label[sphere] = 2
    # soft texture + noise
    image += rng.normal(0.0, noise_hu, size=shape).astype(np.float32)
    image[~body] = -1000.0 + rng.normal(0.0, noise_hu / 2, size=int((~body).sum())).astype(np.float32)
    return image, label


def _affine_ras(spacing: Sequence[float], origin_lps: Sequence[float]) -> np.ndarray:
    """RAS affine of a volume with axes (x, y, z) = (column, row, slice) of an axial LPS series."""
    aff = np.diag([-spacing[0], -spacing[1], spacing[2], 1.0])
    aff[:3, 3] = [-origin_lps[0], -origin_lps[1], origin_lps[2]]
    return aff


def write_nifti_volume(array: np.ndarray, affine: np.ndarray, path: str | Path) -> Path:
    """Write a volume as NIfTI (``.nii.gz``) with the given RAS affine."""
    import nibabel as nib

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    img = nib.Nifti1Image(np.asarray(array), affine)
    img.header.set_xyzt_units("mm")
    nib.save(img, str(path))
    return path


def _uid(seed: int, *parts: object) -> str:
    from pydicom.uid import generate_uid

    return str(generate_uid(entropy_srcs=[str(seed), *[str(p) for p in parts]]))


def write_ct_series(
    image_hu: np.ndarray,
    out_dir: str | Path,
    *,
    spacing_mm: Sequence[float] = (1.0, 1.0, 1.0),
    origin_lps: Sequence[float] = (0.0, 0.0, 0.0),
    header: Mapping[str, Any] | None = None,
    uid_seed: int = 0,
    rescale_slope: float = 1.0,
    rescale_intercept: float = -1024.0,
) -> list[Path]:
    """Write a volume as an axial CT Image Storage series, one file per slice.

    Parameters
    ----------
    image_hu
        Volume in HU with axes ``(x, y, z)`` = (column, row, slice).
    out_dir
        Series folder (created).
    spacing_mm, origin_lps
        Geometry; slices advance along +z (patient superior) from ``origin_lps``.
    header
        Extra DICOM attributes by keyword (PatientName, PatientID, ...), applied to every slice.
    uid_seed
        Seed for deterministic Study/Series/SOP/Frame-of-Reference UIDs.
    rescale_slope, rescale_intercept
        Stored value = (HU - intercept) / slope.

    Returns
    -------
    list of Path
        The slice files in slice order.
    """
    from pydicom import Dataset
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import PYDICOM_IMPLEMENTATION_UID, UID, ExplicitVRLittleEndian

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    header = dict(header or {})
    study_uid = header.pop("StudyInstanceUID", None) or _uid(uid_seed, "study")
    series_uid = header.pop("SeriesInstanceUID", None) or _uid(uid_seed, "series")
    for_uid = header.pop("FrameOfReferenceUID", None) or _uid(uid_seed, "for")
    stored = np.round((image_hu - rescale_intercept) / rescale_slope)
    stored = np.clip(stored, -32768, 32767).astype(np.int16)
    nx, ny, nz = stored.shape
    paths: list[Path] = []
    for k in range(nz):
        sop_uid = _uid(uid_seed, "sop", k)
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = UID(CT_IMAGE_STORAGE)
        meta.MediaStorageSOPInstanceUID = UID(sop_uid)
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
        ds = Dataset()
        ds.file_meta = meta
        ds.SOPClassUID = CT_IMAGE_STORAGE
        ds.SOPInstanceUID = sop_uid
        ds.StudyInstanceUID = study_uid
        ds.SeriesInstanceUID = series_uid
        ds.FrameOfReferenceUID = for_uid
        ds.Modality = "CT"
        ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
        ds.SeriesNumber = 1
        ds.InstanceNumber = k + 1
        ds.AcquisitionNumber = 1
        ds.PatientPosition = "HFS"
        ds.PositionReferenceIndicator = ""
        pos = [float(origin_lps[0]), float(origin_lps[1]), float(origin_lps[2]) + k * float(spacing_mm[2])]
        ds.ImagePositionPatient = [f"{v:.4f}" for v in pos]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.SliceLocation = f"{pos[2]:.4f}"
        ds.SliceThickness = f"{float(spacing_mm[2]):.4f}"
        ds.PixelSpacing = [f"{float(spacing_mm[1]):.4f}", f"{float(spacing_mm[0]):.4f}"]  # row, column spacing
        ds.Rows = ny
        ds.Columns = nx
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = 16
        ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 1
        ds.RescaleIntercept = f"{rescale_intercept:g}"
        ds.RescaleSlope = f"{rescale_slope:g}"
        ds.RescaleType = "HU"
        ds.WindowCenter = "40"
        ds.WindowWidth = "400"
        ds.KVP = "120"
        for kw, value in header.items():
            setattr(ds, kw, value)
        # pixel rows are y, columns are x
        ds.PixelData = np.ascontiguousarray(stored[:, :, k].T).tobytes()
        path = out_dir / f"IM{k + 1:04d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


def _fake_person(rng: np.random.Generator, sex: str) -> tuple[str, str]:
    from faker import Faker

    fk = Faker("en_US")
    fk.seed_instance(int(rng.integers(0, 2**31 - 1)))
    first = fk.first_name_female() if sex == "F" else fk.first_name_male()
    return first, fk.last_name()


def _as_patient_rows(patients: Any) -> list[dict[str, Any]]:
    if patients is None:
        return []
    if hasattr(patients, "to_dict"):  # pandas DataFrame
        return list(patients.to_dict(orient="records"))
    return [dict(p) for p in patients]


def _pick(row: Mapping[str, Any], *names: str) -> Any:
    for n in names:
        if n in row and row[n] not in (None, ""):
            return row[n]
    return None


def _da(d: _dt.date) -> str:
    return d.strftime("%Y%m%d")


def make_imaging_cohort(
    out_dir: str | Path,
    config: ImagingCohortConfig | None = None,
    patients: Iterable[Mapping[str, Any]] | Any | None = None,
) -> ImagingCohort:
    """Write a synthetic imaging cohort (DICOM series, NIfTI, ``dataset.json``, demographics).

    Parameters
    ----------
    out_dir
        Output folder: ``dicom/<case>/IM*.dcm``, ``imagesTr/<case>.nii.gz``,
        ``labelsTr/<case>.nii.gz``, ``dataset.json``, ``demographics.csv``.
    config
        Cohort settings (defaults: 20 cases of 48^3, two classes, no planted effect).
    patients
        Optional patients table (list of dicts or a pandas DataFrame), e.g. from the text cohort
        generator, so images and notes share patients: ``patient_id`` (or ``mrn``/``id``), and when
        present ``first_name``/``last_name`` (or ``name``), ``birth_date``, ``sex``, ``age``,
        ``race``, ``ethnicity``, ``site``. Cases cycle through the patients.

    Returns
    -------
    ImagingCohort
    """
    cfg = config or ImagingCohortConfig()
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(cfg.seed)
    rows = _as_patient_rows(patients)
    n_val = int(round(cfg.n_cases * cfg.val_fraction))
    val_idx = set(rng.choice(cfg.n_cases, size=n_val, replace=False).tolist()) if n_val else set()
    cases: list[ImagingCase] = []
    entries: dict[str, list[dict[str, Any]]] = {"training": [], "validation": []}
    today = _dt.date(2024, 1, 1)
    for i in range(cfg.n_cases):
        case_rng = np.random.default_rng([cfg.seed, i])
        row = rows[i % len(rows)] if rows else {}
        sex = str(_pick(row, "sex", "gender") or _SEXES[int(case_rng.integers(0, 2))])[:1].upper()
        sex = sex if sex in ("F", "M") else "O"
        birth = _pick(row, "birth_date", "dob", "date_of_birth")
        age_v = _pick(row, "age")
        if birth is not None:
            birth_d = birth if isinstance(birth, _dt.date) else _dt.date.fromisoformat(str(birth)[:10])
            age = int(age_v) if age_v is not None else max(0, (today - birth_d).days // 365)
        else:
            age = int(age_v) if age_v is not None else int(case_rng.integers(20, 90))
            birth_d = today - _dt.timedelta(days=int(age * 365.25 + case_rng.integers(0, 365)))
        race = str(_pick(row, "race") or _RACES[int(case_rng.choice(4, p=[0.55, 0.2, 0.15, 0.1]))])
        ethnicity = str(_pick(row, "ethnicity") or _ETHNICITIES[int(case_rng.choice(2, p=[0.8, 0.2]))])
        site = str(_pick(row, "site") or cfg.sites[i % len(cfg.sites)])
        patient_id = str(_pick(row, "patient_id", "mrn", "id") or f"MRN{1000000 + int(case_rng.integers(0, 8999999)):07d}")
        first, last = _pick(row, "first_name"), _pick(row, "last_name")
        if first is None or last is None:
            name = _pick(row, "name")
            if name:
                parts = str(name).split()
                first, last = parts[0], parts[-1]
            else:
                first, last = _fake_person(case_rng, sex)
        effect = cfg.effect_site is not None and site == cfg.effect_site
        # own stream, so that lesion_prevalence=1.0 draws exactly what older cohorts drew
        has_lesion = cfg.n_classes >= 2 and (
            cfg.lesion_prevalence >= 1 or bool(np.random.default_rng([cfg.seed, i, 7]).random() < cfg.lesion_prevalence))
        image, label = synth_volume(
            cfg.shape,
            n_classes=cfg.n_classes,
            contrast=cfg.effect_contrast if effect else 1.0,
            noise_hu=cfg.noise_hu * (cfg.effect_noise if effect else 1.0),
            rng=case_rng,
            lesion=has_lesion,
        )
        image = np.round(image)  # integer HU, identical in DICOM and NIfTI
        case_id = f"case_{i:03d}"
        origin = (-cfg.shape[0] * cfg.spacing_mm[0] / 2, -cfg.shape[1] * cfg.spacing_mm[1] / 2, float(case_rng.integers(-400, -100)))
        affine = _affine_ras(cfg.spacing_mm, origin)
        study_date = today - _dt.timedelta(days=int(case_rng.integers(0, 700)))
        inst, inst_addr = _INSTITUTIONS.get(site, (f"Site {site} Hospital", "1 Main Street"))
        ref_first, ref_last = _fake_person(case_rng, "F" if case_rng.random() < 0.5 else "M")
        accession = f"ACC{int(case_rng.integers(10**7, 10**8))}"
        phi = {
            "PatientName": f"{last}^{first}",
            "PatientID": patient_id,
            "PatientBirthDate": _da(birth_d),
            "PatientSex": sex,
            "PatientAge": f"{min(age, 999):03d}Y",
            "InstitutionName": inst,
            "InstitutionAddress": inst_addr,
            "ReferringPhysicianName": f"{ref_last}^{ref_first}^^Dr.",
            "StudyDate": _da(study_date),
            "SeriesDate": _da(study_date),
            "AcquisitionDate": _da(study_date),
            "ContentDate": _da(study_date),
            "StudyTime": f"{int(case_rng.integers(7, 19)):02d}{int(case_rng.integers(0, 60)):02d}00",
            "SeriesTime": "120000",
            "AccessionNumber": accession,
            "StudyID": f"S{int(case_rng.integers(1000, 9999))}",
            "StudyDescription": f"CT ABDOMEN W CONTRAST for {first} {last}",
            "SeriesDescription": f"AX 2.0 soft tissue {inst}",
            "ImageComments": f"Pt {first} {last}, MRN {patient_id}, DOB {birth_d.isoformat()}, referred by Dr. {ref_last}",
            "OperatorsName": f"{_fake_person(case_rng, 'F')[1]}^Tech",
            "StationName": f"CT{site}01",
            "Manufacturer": "SynthCT",
            "ManufacturerModelName": f"Model-{site}",
            "DeviceSerialNumber": f"SN{int(case_rng.integers(10**5, 10**6))}",
        }
        dicom_rel = image_rel = None
        if cfg.write_dicom:
            dicom_rel = f"dicom/{case_id}"
            write_ct_series(image, root / dicom_rel, spacing_mm=cfg.spacing_mm, origin_lps=origin, header=phi, uid_seed=cfg.seed * 100003 + i)
        if cfg.write_nifti:
            image_rel = f"imagesTr/{case_id}.nii.gz"
            write_nifti_volume(image.astype(np.int16), affine, root / image_rel)
        label_rel = f"labelsTr/{case_id}.nii.gz"
        write_nifti_volume(label, affine, root / label_rel)
        split = "validation" if i in val_idx else "training"
        case = ImagingCase(
            id=case_id, patient_id=patient_id, site=site, sex=sex, age=age, race=race, ethnicity=ethnicity,
            split=split, dicom_dir=dicom_rel, image_nifti=image_rel, label_nifti=label_rel, phi=phi,
            lesion_present=int(has_lesion),
        )
        cases.append(case)
        entry: dict[str, Any] = {
            "image": dicom_rel if cfg.image_format == "dicom" else image_rel,
            "label": label_rel,
            "id": case_id,
            "lesion_present": int(has_lesion),
            **{k: v for k, v in case.demographics().items() if k != "id"},
        }
        if cfg.write_dicom and cfg.write_nifti:
            entry["image_nifti" if cfg.image_format == "dicom" else "image_dicom"] = image_rel if cfg.image_format == "dicom" else dicom_rel
        entries[split].append(entry)
    labels = {k: v for k, v in LABELS.items() if int(k) <= cfg.n_classes}
    dataset = {
        "name": "SyntheticCT",
        "description": "Synthetic CT-like volumes (clinical-sft); PHI in DICOM headers is fake.",
        "reference": "clinical_sft.data.synthetic_imaging",
        "licence": "CC0",
        "tensorImageSize": "3D",
        "modality": {"0": "CT"},
        "labels": labels,
        "numTraining": len(entries["training"]),
        "numValidation": len(entries["validation"]),
        "training": entries["training"],
        "validation": entries["validation"],
        "effect_site": cfg.effect_site,
    }
    ds_path = root / "dataset.json"
    ds_path.write_text(json.dumps(dataset, indent=2))
    cls_path = None
    if cfg.n_classes >= 2:  # whole-volume target: is there a lesion? (label = class index, not a mask)
        def as_class(e: dict[str, Any]) -> dict[str, Any]:
            return {**{k: v for k, v in e.items() if k != "label"}, "label": e["lesion_present"], "mask": e["label"]}

        cls = {**{k: v for k, v in dataset.items() if k not in ("training", "validation", "labels")},
               "name": "SyntheticCT-lesion", "task": "classification",
               "description": "Synthetic CT-like volumes labelled 1 when they hold a lesion (clinical-sft); PHI is fake.",
               "labels": {"0": "no lesion", "1": "lesion"},
               "training": [as_class(e) for e in entries["training"]],
               "validation": [as_class(e) for e in entries["validation"]]}
        cls_path = root / "classification.json"
        cls_path.write_text(json.dumps(cls, indent=2))
    demo_path = root / "demographics.csv"
    with demo_path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(cases[0].demographics()))
        w.writeheader()
        for c in cases:
            w.writerow(c.demographics())
    logger.info("wrote %d synthetic imaging cases to %s", len(cases), root)
    return ImagingCohort(root=root, dataset_json=ds_path, demographics_csv=demo_path, cases=tuple(cases), config=cfg,
                         classification_json=cls_path)
