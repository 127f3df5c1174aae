"""IOD conformance of de-identified files: David Clunie's ``dciodvfy`` (Debian ``dicom3tools``), in vs out.

TCIA runs dciodvfy on submissions. The de-identifier must not add IOD errors: X/Z/D choices
follow the attribute's type in the IOD and D writes a value valid for the VR. Errors already in
an input (pydicom's test files carry many on purpose) are not counted; an error is "added" when
the output has more of that message (values masked) than its input.
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import subprocess
from pathlib import Path

import pydicom
import pytest

from clinical_sft.privacy.dicom import DicomProfile, deidentify_dicom_corpus
from clinical_sft.privacy.key import SecretKey

DCIODVFY = shutil.which("dciodvfy")
pytestmark = [
    pytest.mark.skipif(DCIODVFY is None, reason="dciodvfy is not installed (Debian package dicom3tools): "
                                                "IOD conformance of outputs not checked"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
]
KEY = SecretKey.from_bytes(b"iod-test-key-0123456789abcdef!!!")
PYDICOM_FILES = Path(pydicom.__file__).parent / "data" / "test_files"
SAMPLES = (Path(__file__).resolve().parents[2] / "../shared/data/dicom-samples").resolve()
# CT, MR, RT plan/structure set/dose (RT Series: Operators' Name type 2), SR (SR Document Series:
# Referenced Performed Procedure Step Sequence type 2), overlays, waveform, compressed, big endian
FILES = ["CT_small.dcm", "MR_small.dcm", "MR_small_bigendian.dcm", "JPEG2000.dcm", "rtplan.dcm", "rtstruct.dcm",
         "rtdose.dcm", "test-SR.dcm", "reportsi.dcm", "examples_overlay.dcm", "waveform_ecg.dcm", "liver.dcm",
         "SC_rgb_jpeg_dcmtk.dcm"]


def iod_errors(path: Path) -> collections.Counter[str]:
    """dciodvfy's error lines for ``path`` with values masked (UIDs, numbers, quoted and dumped values)."""
    r = subprocess.run([DCIODVFY or "dciodvfy", str(path)], capture_output=True, timeout=60)
    out: collections.Counter[str] = collections.Counter()
    for line in (r.stdout + r.stderr).decode("latin-1").splitlines():
        if line.startswith("Error"):
            line = re.sub(r"= <[^>]*>", "= #", line)
            out[re.sub(r"\"[^\"]*\"|[0-9][0-9.]*", "#", line)] += 1
    return out


@pytest.mark.parametrize("profile", ["basic", "tcia"])
def test_outputs_add_no_iod_errors(tmp_path, profile):
    files = [PYDICOM_FILES / n for n in FILES if (PYDICOM_FILES / n).is_file()]
    if SAMPLES.is_dir():  # RGB_ORIGINAL: General Study's Referenced Study Sequence (type 3)
        files += sorted(p for p in SAMPLES.rglob("*.dcm") if "cookies" not in p.parts)
    src = tmp_path / "in"
    src.mkdir()
    for i, f in enumerate(files):
        os.symlink(f, src / f"{i:03d}_{f.name}")
    prof = DicomProfile.tcia(burned_in="keep") if profile == "tcia" else DicomProfile(burned_in="keep")
    deidentify_dicom_corpus([src], tmp_path / "out", KEY, prof, progress=False,
                            text_cleaner=lambda text, pid: "CLEANED")
    added = {}
    checked = 0
    for i, f in enumerate(files):
        out = tmp_path / "out" / f"{i:03d}_{f.name}"
        if not out.exists():
            continue
        checked += 1
        extra = iod_errors(out) - iod_errors(f)
        if extra:
            added[f.name] = sorted(extra)
    assert checked >= len(files) - 1
    assert not added, f"de-identification added IOD errors: {added}"
