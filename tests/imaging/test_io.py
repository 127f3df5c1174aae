"""DICOM series / NIfTI reading into MetaTensors, NIfTI and DICOM SEG writing."""

from __future__ import annotations

import shutil

import highdicom as hd
import nibabel as nib
import numpy as np
import pydicom
import pytest
from monai.data import MetaTensor, PydicomReader
from monai.transforms import LoadImaged
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DSequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from clinical_sft.errors import ConfigError, InputError
from clinical_sft.imaging import (
    DicomSeriesReader,
    load_series,
    read_dicom_series,
    read_image,
    write_dicom_seg,
    write_nifti,
)


def _case(cohort, i=0):
    c = cohort.cases[i]
    return cohort.root / c.dicom_dir, cohort.root / c.image_nifti, cohort.root / c.label_nifti


def test_series_reads_as_metatensor_matching_nifti_and_monai(cohort):
    series, nifti, _ = _case(cohort)
    img = read_dicom_series(series)
    assert isinstance(img, MetaTensor) and tuple(img.shape) == (32, 32, 32)
    ref = nib.load(nifti)
    assert np.array_equal(img.numpy(), ref.get_fdata().astype(np.float32))
    assert np.allclose(img.affine.numpy(), ref.affine)
    # MONAI's own pydicom reader agrees on pixels and affine
    r = PydicomReader()
    arr, meta = r.get_data(r.read(str(series)))
    assert np.allclose(arr, img.numpy()) and np.allclose(meta["affine"], img.affine.numpy())
    # no PHI in the metadata
    assert not any("Patient" in str(k) for k in img.meta)


def test_slice_order_comes_from_positions_not_file_names(cohort, tmp_path):
    series, _, _ = _case(cohort, 1)
    shuffled = tmp_path / "S"
    shuffled.mkdir()
    files = sorted(series.glob("*.dcm"))
    rng = np.random.default_rng(0)
    for f, n in zip(files, rng.permutation(len(files))):
        shutil.copy(f, shuffled / f"x{n:03d}.dcm")
    assert np.array_equal(read_dicom_series(shuffled).numpy(), read_dicom_series(series).numpy())


def test_rescale_slope_and_intercept_are_applied(cohort, tmp_path):
    series, _, _ = _case(cohort, 2)
    out = tmp_path / "rescaled"
    out.mkdir()
    for f in sorted(series.glob("*.dcm")):
        ds = pydicom.dcmread(f)
        hu = ds.pixel_array.astype(np.int32) + int(float(ds.RescaleIntercept))
        stored = ((hu + 2000) // 2).astype(np.int16)  # slope 2, intercept -2000 (loses the odd bit)
        ds.RescaleSlope, ds.RescaleIntercept = "2", "-2000"
        ds.PixelData = stored.tobytes()
        ds.save_as(out / f.name)
    a = read_dicom_series(series).numpy()
    b = read_dicom_series(out).numpy()
    assert np.abs(a - b).max() <= 1.0


def test_multiframe_file_with_functional_groups(tmp_path):
    frames = np.stack([np.full((6, 5), k * 10, dtype=np.int16) for k in range(4)])
    order = [2, 0, 3, 1]  # frames stored out of spatial order
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2.1"
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.SOPClassUID, ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPClassUID, ds.file_meta.MediaStorageSOPInstanceUID
    ds.SeriesInstanceUID, ds.StudyInstanceUID = generate_uid(), generate_uid()
    ds.Modality, ds.Rows, ds.Columns, ds.NumberOfFrames = "CT", 6, 5, 4
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    shared = Dataset()
    po, pm, pvt = Dataset(), Dataset(), Dataset()
    po.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    pm.PixelSpacing, pm.SliceThickness = [0.5, 0.7], 3
    pvt.RescaleSlope, pvt.RescaleIntercept, pvt.RescaleType = 1, -100, "HU"
    shared.PlaneOrientationSequence = DSequence([po])
    shared.PixelMeasuresSequence = DSequence([pm])
    shared.PixelValueTransformationSequence = DSequence([pvt])
    ds.SharedFunctionalGroupsSequence = DSequence([shared])
    per = []
    for k in order:
        g, pp = Dataset(), Dataset()
        pp.ImagePositionPatient = [0, 0, 3.0 * k]
        g.PlanePositionSequence = DSequence([pp])
        per.append(g)
    ds.PerFrameFunctionalGroupsSequence = DSequence(per)
    ds.PixelData = frames[order].tobytes()
    f = tmp_path / "mf.dcm"
    ds.save_as(f, enforce_file_format=True)
    img = read_dicom_series(f)
    assert tuple(img.shape) == (5, 6, 4)
    assert [float(img[0, 0, k]) for k in range(4)] == [-100, -90, -80, -70]
    sp = np.sqrt((img.affine.numpy()[:3, :3] ** 2).sum(0))
    assert np.allclose(sp, [0.7, 0.5, 3.0])


def test_loadimaged_uses_the_reader_for_series_and_nibabel_for_nifti(cohort):
    series, _, label = _case(cohort)
    d = LoadImaged(["image", "label"], reader=DicomSeriesReader(), image_only=True)({"image": str(series), "label": str(label)})
    assert d["image"].shape == d["label"].shape
    assert np.allclose(d["image"].affine, d["label"].affine)
    assert d["image"].meta["SeriesInstanceUID"] == pydicom.dcmread(next(series.glob("*.dcm"))).SeriesInstanceUID


def test_read_image_errors_name_the_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_image(tmp_path / "nope.nii.gz")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no DICOM"):
        load_series(empty)


def test_series_to_metatensor_to_nifti_round_trip(cohort, tmp_path):
    series, _, _ = _case(cohort, 3)
    img = read_dicom_series(series)
    p = write_nifti((img > 0).to(dtype=img.dtype), tmp_path / "m.nii.gz")
    back = read_image(p)
    assert np.array_equal(back.numpy() > 0, img.numpy() > 0)
    assert np.allclose(back.affine.numpy(), img.affine.numpy())


def test_dicom_seg_references_the_series_and_round_trips(cohort, tmp_path):
    series, _, label = _case(cohort)
    lab = np.asarray(nib.load(label).dataobj).astype(np.uint8)
    p = write_dicom_seg(lab, series, tmp_path / "S_seg.dcm", class_names=["organ", "lesion"])
    raw = pydicom.dcmread(p)
    assert raw.SOPClassUID == "1.2.840.10008.5.1.4.1.1.66.4"  # Segmentation Storage
    src = [pydicom.dcmread(f) for f in sorted(series.glob("*.dcm"))]
    assert raw.ReferencedSeriesSequence[0].SeriesInstanceUID == src[0].SeriesInstanceUID
    assert raw.StudyInstanceUID == src[0].StudyInstanceUID and raw.FrameOfReferenceUID == src[0].FrameOfReferenceUID
    referenced = {i.ReferencedSOPInstanceUID for i in raw.ReferencedSeriesSequence[0].ReferencedInstanceSequence}
    assert referenced == {d.SOPInstanceUID for d in src}
    seg = hd.seg.segread(p)
    assert [s.SegmentLabel for s in seg.SegmentSequence] == ["organ", "lesion"]
    by_pos = {float(d.ImagePositionPatient[2]): k for k, d in enumerate(sorted(src, key=lambda d: float(d.ImagePositionPatient[2])))}
    arr = seg.get_pixels_by_source_instance(source_sop_instance_uids=[d.SOPInstanceUID for d in src],
                                            combine_segments=True)
    for d, frame in zip(src, arr):
        k = by_pos[float(d.ImagePositionPatient[2])]
        assert np.array_equal(frame, lab[:, :, k].T)


def test_dicom_seg_rejects_a_mask_of_the_wrong_grid(cohort, tmp_path):
    series, _, _ = _case(cohort)
    with pytest.raises(ConfigError, match="does not match"):
        write_dicom_seg(np.zeros((8, 8, 8), np.uint8), series, tmp_path / "x.dcm")
