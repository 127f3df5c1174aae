"""The synthetic imaging cohort: DICOM series with PHI, NIfTI twins, dataset.json, planted effect."""

from __future__ import annotations

import json

import nibabel as nib
import numpy as np
import pydicom
import pytest

from clinical_sft.data.synthetic_imaging import (
    CT_IMAGE_STORAGE,
    ImagingCohortConfig,
    make_imaging_cohort,
    synth_volume,
)
from clinical_sft.errors import ConfigError


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    patients = [
        {"patient_id": "MRN0000001", "first_name": "Ada", "last_name": "Okafor", "birth_date": "1950-02-03",
         "sex": "F", "race": "Black", "ethnicity": "Not Hispanic", "site": "A"},
        {"patient_id": "MRN0000002", "name": "Wen Li", "age": 41, "sex": "M", "site": "C"},
    ]
    root = tmp_path_factory.mktemp("synth_img")
    return make_imaging_cohort(root, ImagingCohortConfig(n_cases=4, shape=(24, 24, 20), effect_site="C", seed=1),
                               patients=patients)


def test_dicom_series_is_ct_with_phi_and_geometry(cohort):
    case = cohort.cases[0]
    files = sorted((cohort.root / case.dicom_dir).glob("*.dcm"))
    assert len(files) == 20  # one file per slice
    ds = pydicom.dcmread(files[3])
    assert ds.SOPClassUID == CT_IMAGE_STORAGE and ds.Modality == "CT"
    assert str(ds.PatientName) == "Okafor^Ada" and ds.PatientID == "MRN0000001"
    assert ds.PatientBirthDate == "19500203"
    for kw in ("InstitutionName", "ReferringPhysicianName", "AccessionNumber", "StudyDate", "StudyDescription"):
        assert str(ds.get(kw, "")), kw
    assert "Okafor" in ds.ImageComments  # free text naming the patient: work for the de-identifier
    assert ds.pixel_array.shape == (24, 24)
    z = [float(pydicom.dcmread(f).ImagePositionPatient[2]) for f in files]
    assert np.allclose(np.diff(z), 2.0)
    # the same UIDs across the series, distinct SOP instances
    uids = {pydicom.dcmread(f).SeriesInstanceUID for f in files}
    assert len(uids) == 1
    assert len({pydicom.dcmread(f).SOPInstanceUID for f in files}) == 20


def test_patients_table_is_reused_and_cycled(cohort):
    ids = [c.patient_id for c in cohort.cases]
    assert ids == ["MRN0000001", "MRN0000002", "MRN0000001", "MRN0000002"]
    assert cohort.cases[1].age == 41 and cohort.cases[1].phi["PatientName"] == "Li^Wen"


def test_nifti_twin_matches_dicom_pixels(cohort):
    case = cohort.cases[1]
    img = nib.load(cohort.root / case.image_nifti)
    files = sorted((cohort.root / case.dicom_dir).glob("*.dcm"))
    ds = pydicom.dcmread(files[5])
    hu = ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
    assert np.array_equal(np.asarray(img.dataobj)[:, :, 5], hu.T)
    lab = nib.load(cohort.root / case.label_nifti)
    assert np.allclose(lab.affine, img.affine)
    assert set(np.unique(np.asarray(lab.dataobj))) <= {0, 1, 2}


def test_dataset_json_is_msd_style(cohort):
    spec = json.loads(cohort.dataset_json.read_text())
    assert spec["labels"] == {"0": "background", "1": "organ", "2": "lesion"}
    entries = spec["training"] + spec["validation"]
    assert len(entries) == 4 and spec["numTraining"] == len(spec["training"])
    for e in entries:
        assert (cohort.root / e["image"]).is_dir() and (cohort.root / e["label"]).is_file()
        assert {"patient_id", "sex", "age", "race", "ethnicity", "site"} <= set(e)
    demo = cohort.demographics_csv.read_text()
    assert "Okafor" not in demo and "MRN0000001" in demo


def test_planted_effect_lowers_contrast_and_raises_noise():
    rng = np.random.default_rng(0)
    img, lab = synth_volume((32, 32, 32), contrast=1.0, noise_hu=10, rng=rng)
    img2, lab2 = synth_volume((32, 32, 32), contrast=0.3, noise_hu=30, rng=np.random.default_rng(0))
    c1 = img[lab == 1].mean() - img[(lab == 0) & (img > -500)].mean()
    c2 = img2[lab2 == 1].mean() - img2[(lab2 == 0) & (img2 > -500)].mean()
    assert c2 < 0.5 * c1
    assert img2[(lab2 == 0) & (img2 > -500)].std() > 2 * img[(lab == 0) & (img > -500)].std()


def test_same_seed_same_cohort(tmp_path):
    cfg = ImagingCohortConfig(n_cases=2, shape=(16, 16, 16), write_dicom=False, image_format="nifti", seed=7)
    a = make_imaging_cohort(tmp_path / "a", cfg)
    b = make_imaging_cohort(tmp_path / "b", cfg)
    assert [c.phi for c in a.cases] == [c.phi for c in b.cases]
    x = nib.load(a.root / a.cases[1].image_nifti).get_fdata()
    y = nib.load(b.root / b.cases[1].image_nifti).get_fdata()
    assert np.array_equal(x, y)


def test_classification_target_is_lesion_presence(tmp_path):
    cohort = make_imaging_cohort(tmp_path, ImagingCohortConfig(n_cases=10, shape=(20, 20, 20), write_dicom=False,
                                                               image_format="nifti", lesion_prevalence=0.5, seed=3))
    spec = json.loads(cohort.classification_json.read_text())
    assert spec["labels"] == {"0": "no lesion", "1": "lesion"}
    entries = spec["training"] + spec["validation"]
    assert {e["label"] for e in entries} == {0, 1}  # both classes at prevalence 0.5
    for e in entries:  # the class is what the image holds: a lesion in the mask (and its bright voxels)
        mask = np.asarray(nib.load(cohort.root / e["mask"]).dataobj)
        img = np.asarray(nib.load(cohort.root / e["image"]).dataobj)
        assert e["label"] == int((mask == 2).any())
        if e["label"]:
            assert img[mask == 2].mean() > img[mask == 1].mean() + 40
    seg = json.loads(cohort.dataset_json.read_text())
    assert [e["lesion_present"] for e in seg["training"]] == [e["label"] for e in spec["training"]]


def test_lesion_free_volume_differs_only_by_the_lesion():
    img, lab = synth_volume((24, 24, 24), rng=np.random.default_rng(5))
    img0, lab0 = synth_volume((24, 24, 24), rng=np.random.default_rng(5), lesion=False)
    assert (lab == 2).any() and not (lab0 == 2).any()
    same = lab != 2
    assert np.array_equal(img[same], img0[same]) and np.array_equal(lab[same], lab0[same])


def test_default_prevalence_keeps_every_lesion(tmp_path):
    cohort = make_imaging_cohort(tmp_path, ImagingCohortConfig(n_cases=3, shape=(16, 16, 16), write_dicom=False,
                                                               image_format="nifti", seed=2))
    assert all(c.lesion_present == 1 for c in cohort.cases)


@pytest.mark.parametrize("field,value", [("n_cases", 0), ("shape", (8, 8, 8)), ("n_classes", 3),
                                          ("effect_site", "Z"), ("image_format", "png"), ("lesion_prevalence", 1.5)])
def test_config_validation_names_the_field(field, value):
    with pytest.raises(ConfigError, match=field):
        ImagingCohortConfig(**{field: value})
