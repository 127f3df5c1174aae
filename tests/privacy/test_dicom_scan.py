"""The selective reader of the corpus path (privacy.dicom._scan).

It builds only the elements the de-identifier must see and copies the others' bytes; the
outputs must be exactly those of a full pydicom read, and what it does not handle must go to
pydicom (same output, same quarantine reason).
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pydicom
import pytest
from pydicom.uid import ExplicitVRBigEndian, ImplicitVRLittleEndian

from clinical_sft.errors import InputError
from clinical_sft.privacy.dicom import DicomDeidentifier, DicomProfile, _corpus, _scan, deidentify_dicom_file
from clinical_sft.privacy.key import SecretKey
from tests.privacy.test_dicom import PHI, make_phi_dataset, to_bytes

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
KEY = SecretKey.from_bytes(b"scan-test-key-0123456789abcdef!!")
PYDICOM_FILES = Path(pydicom.__file__).parent / "data" / "test_files"
SAMPLES = (Path(__file__).resolve().parents[2] / "../shared/data/dicom-samples").resolve()
FILES = [
    "CT_small.dcm", "MR_small.dcm", "MR_small_RLE.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm",
    "JPEG2000.dcm", "SC_rgb_jpeg_dcmtk.dcm", "image_dfl.dcm", "test-SR.dcm", "reportsi.dcm", "rtplan.dcm",
    "rtstruct.dcm", "rtdose.dcm", "priv_SQ.dcm", "nested_priv_SQ.dcm", "UN_sequence.dcm", "examples_overlay.dcm",
    "waveform_ecg.dcm", "ExplVR_LitEndNoMeta.dcm", "emri_small_jpeg_2k_lossless.dcm", "MR_truncated.dcm",
    "rtplan_truncated.dcm", "no_meta.dcm", "liver.dcm", "gdcm-US-ALOKA-16.dcm", "OBXXXX1A.dcm",
]
PROFILES = {
    "basic": DicomProfile(burned_in="keep"),
    "tcia": DicomProfile.tcia(burned_in="keep"),
    "retain": DicomProfile(retain_uids=True, retain_safe_private=True, retain_long_full_dates=True,
                           retain_institution_identity=True, retain_device_identity=True,
                           burned_in="keep"),
}


def _cleaner(text: str, patient_id: str | None) -> str:
    return "CLEANED"


def _planted(tmp_path: Path) -> list[Path]:
    """The planted-PHI dataset in explicit LE (undefined-length sequence and items), implicit LE, explicit BE."""
    out = []
    ds = make_phi_dataset()
    ds["ContentSequence"].is_undefined_length = True
    for item in ds.ContentSequence:
        item.is_undefined_length_sequence_item = True
    for name, ts in (("explicit.dcm", None), ("implicit.dcm", ImplicitVRLittleEndian), ("big.dcm", ExplicitVRBigEndian)):
        if ts is not None:
            ds.file_meta.TransferSyntaxUID = ts
        p = tmp_path / name
        p.write_bytes(to_bytes(ds))
        out.append(p)
    return out


def _outcome(path: Path, deid: DicomDeidentifier, selective: bool) -> tuple[bytes, list[dict[str, str]]] | str:
    try:
        data, audit, _, _ = _corpus._deidentify_path(path, deid, selective=selective)
    except _corpus._Quarantine as q:
        return q.reason
    return data, audit


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_selective_read_writes_exactly_what_a_full_read_writes(tmp_path, name):
    files = [PYDICOM_FILES / f for f in FILES if (PYDICOM_FILES / f).is_file()]
    files += sorted(p for p in (SAMPLES.rglob("*.dcm") if SAMPLES.is_dir() else []) if p.is_file())
    files += _planted(tmp_path)
    assert len(files) >= 25
    profile = PROFILES[name]
    full = DicomDeidentifier(KEY, profile, text_cleaner=_cleaner)
    sel = DicomDeidentifier(KEY, profile, text_cleaner=_cleaner)
    scanned = 0
    for f in files:
        a = _outcome(f, full, selective=False)
        b = _outcome(f, sel, selective=True)
        assert a == b, f"{f.name}: selective and full reads differ"
        if not isinstance(a, str):
            scanned += _corpus._read(f, sel)[2] is not None
    assert scanned >= len(files) // 2, "the selective reader handled too few files"


def test_planted_phi_files_are_read_selectively_and_leave_nothing(tmp_path):
    deid = DicomDeidentifier(KEY, DicomProfile(burned_in="keep"))
    for f in _planted(tmp_path):
        ds, _, spans = _corpus._read(f, deid)
        assert spans, f"{f.name}: not read selectively"
        assert 0x7FE00010 in ds and 0x00100010 in ds
        assert not any(s[0] in ds for s in spans)
        data, _, _, _ = _corpus._deidentify_path(f, deid, selective=True)
        text = data.decode("latin-1")
        for key in ("name", "pid", "inst", "phys", "private", "uid", "accession", "sr_text"):
            assert PHI[key] not in text, f"{f.name}: {key} left"
        assert pydicom.dcmread(io.BytesIO(data)).PixelData == bytes(range(16))


def _explicit_file(tmp_path: Path) -> bytes:
    return to_bytes(make_phi_dataset())


def _dataset_start(data: bytes) -> int:
    group_len = struct.unpack_from("<L", data, 140)[0]
    return 144 + group_len


@pytest.mark.parametrize("damage", ["truncated", "no_preamble", "out_of_order", "trailing_bytes", "implicit_meta_ts",
                                    "deflated", "bad_vr"])
def test_what_the_reader_does_not_handle_goes_to_pydicom(tmp_path, damage):
    data = _explicit_file(tmp_path)
    start = _dataset_start(data)
    if damage == "truncated":
        data = data[:-7]
    elif damage == "no_preamble":
        data = data[132:]
    elif damage == "out_of_order":  # swap the first two elements of the dataset
        n1 = 8 + struct.unpack_from("<H", data, start + 6)[0]
        n2 = 8 + struct.unpack_from("<H", data, start + n1 + 6)[0]
        data = data[:start] + data[start + n1:start + n1 + n2] + data[start:start + n1] + data[start + n1 + n2:]
    elif damage == "trailing_bytes":
        data = data + b"\x01\x02\x03"
    elif damage == "implicit_meta_ts":  # the meta says implicit VR, the dataset is explicit
        data = data.replace(b"1.2.840.10008.1.2.1\x00", b"1.2.840.10008.1.2\x00\x00\x00", 1)
    elif damage == "deflated":
        data = data.replace(b"1.2.840.10008.1.2.1\x00", b"1.2.840.10008.1.2.1.99", 1)
    elif damage == "bad_vr":
        data = data[:start + 4] + b"q!" + data[start + 6:]
    deid = DicomDeidentifier(KEY, DicomProfile(burned_in="keep"))
    assert _scan.scan(data, deid.scan_needed, deid.walk_needs) is None
    p = tmp_path / "f.dcm"
    p.write_bytes(data)
    assert _outcome(p, deid, selective=True) == _outcome(p, DicomDeidentifier(KEY, DicomProfile(burned_in="keep")),
                                                         selective=False)


def test_a_span_that_does_not_hold_its_element_is_refused(tmp_path):
    data = _explicit_file(tmp_path)
    deid = DicomDeidentifier(KEY, DicomProfile(burned_in="keep"))
    sc = _scan.scan(data, deid.scan_needed, deid.walk_needs)
    assert sc is not None and sc.spans
    good = _corpus._splice_bytes(sc.dataset, data, sc.spans)
    assert good is not None
    tag, start, end = sc.spans[0]
    assert _corpus._splice_bytes(sc.dataset, data, [(tag, start + 2, end)] + sc.spans[1:]) is None


def test_dataset_shortcut_matches_pydicoms_constructors():
    assert _scan._shortcut_matches()
    raw = {pydicom.tag.BaseTag(0x00100010): pydicom.dataelem.RawDataElement(
        pydicom.tag.BaseTag(0x00100010), "PN", 4, b"AB^C", 0, False, True)}
    ds = _scan.new_dataset(raw, "iso8859", False, True)
    assert str(ds.PatientName) == "AB^C" and ds.original_encoding == (False, True)
    ds.PatientID = "X"  # behaves as any pydicom dataset
    assert ds.PatientID == "X" and 0x00100020 in ds._dict


def test_public_file_api_returns_the_whole_dataset(tmp_path):
    p = tmp_path / "f.dcm"
    p.write_bytes(_explicit_file(tmp_path))
    _, _, ds = deidentify_dicom_file(p, KEY, DicomProfile(burned_in="keep"))
    assert ds.Rows == 4 and ds.PixelData == bytes(range(16))  # elements the profile leaves are there too
    with pytest.raises(InputError, match="truncated"):
        q = tmp_path / "t.dcm"
        q.write_bytes(p.read_bytes()[:-7])
        deidentify_dicom_file(q, KEY, DicomProfile(burned_in="keep"))
