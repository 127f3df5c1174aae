"""Prediction on files: masks on each input's own grid, named after it, NIfTI and DICOM SEG."""

from __future__ import annotations

import json

import highdicom as hd
import nibabel as nib
import numpy as np
import pydicom
import pytest
from safetensors.torch import save_model

from clinical_sft.errors import ConfigError
from clinical_sft.imaging import (
    SegmentationConfig,
    SegmentationTask,
    TransformConfig,
    output_name,
    read_image,
    segment_files,
)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A run folder without training: imaging_task.json + weights (prediction does not need run.json)."""
    d = tmp_path_factory.mktemp("seg_model")
    # orientation LPS differs from the files' RAS-like affine, so the inversion back to the source grid is exercised
    task = SegmentationTask(SegmentationConfig(size="tiny", transforms=TransformConfig(patch_size=(16, 16, 16), orientation="LPS")))
    save_model(task.build_model(), str(d / "model.safetensors"))
    task.save(d)
    return d


def test_output_names():
    assert output_name("x/img7.nii.gz", "nifti") == "img7_seg.nii.gz"
    assert output_name("x/S", "dicom-seg") == "S_seg.dcm"
    assert output_name("x/S", "nifti") == "S_seg.nii.gz"


def test_segment_nifti_and_series(cohort, model_dir, tmp_path):
    c = cohort.cases[0]
    series, nifti = cohort.root / c.dicom_dir, cohort.root / c.image_nifti
    res = segment_files(model_dir, [nifti, series], tmp_path, fmt="dicom-seg")
    assert [r.format for r in res] == ["nifti", "dicom-seg"]  # a NIfTI input cannot get a DICOM SEG
    m = nib.load(tmp_path / f"{c.id}_seg.nii.gz")
    src = read_image(nifti)
    assert m.shape == tuple(src.shape) and np.allclose(m.affine, src.affine.numpy())
    seg = hd.seg.segread(tmp_path / f"{c.id}_seg.dcm")
    ref = pydicom.dcmread(next(series.glob("*.dcm")))
    assert seg.ReferencedSeriesSequence[0].SeriesInstanceUID == ref.SeriesInstanceUID
    # both paths give the same mask (same pixels, same model)
    frames = seg.get_volume(combine_segments=True).array if hasattr(seg, "get_volume") else None
    if frames is not None:
        assert int((frames > 0).sum()) == int((np.asarray(m.dataobj) > 0).sum())


def test_unknown_format_is_rejected(cohort, model_dir, tmp_path):
    with pytest.raises(ConfigError, match="format"):
        segment_files(model_dir, [cohort.root / cohort.cases[0].image_nifti], tmp_path, fmt="png")


def test_task_file_is_json(model_dir):
    d = json.loads((model_dir / "imaging_task.json").read_text())
    assert d["net"] == "unet" and d["transforms"]["patch_size"] == [16, 16, 16]
