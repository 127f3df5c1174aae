"""examples/segment_dicom_series.py --quick: read a series, train, predict, NIfTI + DICOM SEG, subgroup report."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nibabel as nib
import pydicom

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "segment_dicom_series.py"


def _run_example(path: Path, out: Path) -> dict:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.main(["--quick", "--out", str(out), "--threads", "1"])


def test_example_quick(tmp_path):
    summary = _run_example(EXAMPLE, tmp_path)
    src = next(Path(summary["series"]).glob("*.dcm"))
    assert summary["referenced_series"] == pydicom.dcmread(src).SeriesInstanceUID
    assert summary["segments"] == ["organ", "lesion"]
    assert nib.load(summary["nifti"]).shape == (32, 32, 32)
    assert Path(summary["report"]["markdown"]).is_file()
    assert "dice" in summary["metrics"]


CLASSIFY = Path(__file__).resolve().parents[2] / "examples" / "classify_volumes.py"


def test_classification_example_quick(tmp_path):
    summary = _run_example(CLASSIFY, tmp_path)
    assert "auroc" in summary["metrics"] and Path(summary["predictions_csv"]).is_file()
    assert summary["rows"] and all(r["label"] in ("no lesion", "lesion") for r in summary["rows"])
    assert Path(summary["report"]["markdown"]).is_file()
