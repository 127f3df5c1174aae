"""Acceptance tests of the DICOM corpus de-identification (pydicom's test files, shared samples)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pydicom
import pytest

from clinical_sft.privacy.dicom import DicomProfile, deidentify_dicom_corpus, evaluate_boxes, ocr_available
from clinical_sft.privacy.key import SecretKey
from tests.privacy.test_dicom import PHI, make_phi_dataset, to_bytes

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # pydicom's value warnings on the raw inputs
KEY = SecretKey.from_bytes(b"corpus-test-key-0123456789abcdef")
REPO = Path(__file__).resolve().parents[2]
SHARED = (REPO / "../shared").resolve()
SAMPLES = SHARED / "data" / "dicom-samples"
TABLE = REPO / "clinical_sft" / "privacy" / "_profiles" / "ps3.15-table-e1-1.json"
FIXTURES = REPO / "tests" / "data" / "dicom"
PYDICOM_FILES = Path(pydicom.__file__).parent / "data" / "test_files"


# -- an independent reading of Table E.1-1 (not the package's code) -----------------------
def _table_patterns() -> list[tuple[re.Pattern[str], str]]:
    rows = json.loads(TABLE.read_text())
    out = []
    for r in rows:
        m = re.match(r"^\(([0-9A-FX]{4}),([0-9A-FX]{4})\)$", r["tag"].upper())
        if m:
            out.append((re.compile((m.group(1) + m.group(2)).replace("X", "[0-9A-F]")), r["basicProfile"]))
    return out


PATTERNS = _table_patterns()


def _basic_action(tag: int) -> str | None:
    key = f"{tag:08X}"
    for pat, action in PATTERNS:
        if pat.fullmatch(key):
            return action
    return None


def _values_by_tag(ds: pydicom.Dataset, out: dict[int, set[str]]) -> None:
    for elem in ds:
        if elem.VR == "SQ":
            for item in elem.value or []:
                _values_by_tag(item, out)
            continue
        v = elem.value
        if isinstance(v, bytes):
            vals = [v.hex()] if v.strip(b"\x00 ") else []
        elif isinstance(v, list | tuple | pydicom.multival.MultiValue):
            vals = [str(x) for x in v]
        else:
            vals = [] if v is None else [str(v)]
        out.setdefault(int(elem.tag), set()).update(x.strip() for x in vals if x.strip())


def _assert_profile_holds(src: Path, out: Path) -> None:
    before: dict[int, set[str]] = {}
    after: dict[int, set[str]] = {}
    _values_by_tag(pydicom.dcmread(src, force=True, stop_before_pixels=True), before)
    out_ds = pydicom.dcmread(out)
    _values_by_tag(out_ds, after)
    assert not [e for e in out_ds.iterall() if e.tag.is_private], f"{out.name}: private tag survived"
    for tag, vals in before.items():
        action = _basic_action(tag)
        if action is None or (tag >> 16) & 1:
            continue
        if set(action.replace("*", "").split("/")) & {"X", "Z", "D", "U"}:
            kept = vals & after.get(tag, set())
            assert not kept, f"{out.name}: ({tag >> 16:04X},{tag & 0xFFFF:04X}) [{action}] kept an original value"


def _hashes(paths: list[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


# -- acceptance: every file pydicom ships ------------------------------------------------
EXPECTED_QUARANTINE = {
    "MR_truncated.dcm": "truncated", "rtplan_truncated.dcm": "truncated", "README.txt": "not_dicom",
    "crayons.icc": "not_dicom", "zipMR.gz": "not_dicom", "rtplan.dump": "not_dicom", "test1.json": "not_dicom",
    "no_meta.dcm": "not_dicom", "dicomdirtests/DICOMDIR": "dicomdir",
}
# SR, RT, private sequences, overlays, waveforms, compressed (RLE, JPEG, JPEG 2000, JPEG-LS, deflate),
# implicit and big-endian encodings, files without meta, UN sequences, truncated and non-DICOM files
REPRESENTATIVE = [
    "CT_small.dcm", "MR_small_RLE.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm", "JPEG2000.dcm",
    "JPEGLSNearLossless_08.dcm", "SC_rgb_jpeg_dcmtk.dcm", "image_dfl.dcm", "test-SR.dcm", "reportsi.dcm",
    "rtplan.dcm", "rtstruct.dcm", "rtdose_rle.dcm", "priv_SQ.dcm", "nested_priv_SQ.dcm", "UN_sequence.dcm",
    "examples_overlay.dcm", "waveform_ecg.dcm", "ExplVR_LitEndNoMeta.dcm", "ExplVR_BigEndNoMeta.dcm",
    "SC_rgb_jpeg.dcm", "MR_small_jp2klossless.dcm", *EXPECTED_QUARANTINE,
]


def _acceptance(tmp_path: Path, files: list[Path], root: Path, min_ok: int) -> None:
    hashes = _hashes(files)
    src = tmp_path / "in"
    for f in files:  # the corpus as links, so the job walks exactly these files
        (src / f.relative_to(root)).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(f, src / f.relative_to(root))
    out = tmp_path / "out"
    res = deidentify_dicom_corpus([src], out, KEY, DicomProfile(burned_in="keep"), verify=True, progress=False)
    assert res.verify_failures == []
    assert res.summary.n_records == len(files)
    q = {r["id"]: r for r in map(json.loads, (out / "quarantine.jsonl").read_text().splitlines())}
    # every unreadable or truncated file is in quarantine, with a reason
    for name, reason in EXPECTED_QUARANTINE.items():
        if name in q or (root / name) in files:
            assert q[name]["reason"] == reason and q[name]["detail"], name
    rows = [json.loads(line) for p in sorted((out / ".state").glob("shard-*.jsonl")) for line in p.read_text().splitlines()]
    ok = [r for r in rows if r["status"] == "ok"]
    assert len(ok) >= min_ok
    for r in ok:
        _assert_profile_holds(root / r["id"], out / r["output"]["path"])
    assert _hashes(files) == hashes, "an input was modified"


def test_representative_pydicom_files(tmp_path):
    files = [PYDICOM_FILES / n for n in REPRESENTATIVE if (PYDICOM_FILES / n).is_file()]
    assert len(files) >= 25, "pydicom's test files are missing from the installed package"
    _acceptance(tmp_path, files, PYDICOM_FILES, min_ok=len(files) - len(EXPECTED_QUARANTINE))


@pytest.mark.slow
def test_every_pydicom_test_file(tmp_path):
    files = _files(PYDICOM_FILES)
    assert len(files) > 70, "pydicom's test files are missing from the installed package"
    _acceptance(tmp_path, files, PYDICOM_FILES, min_ok=140)


def test_default_quarantines_burned_in_and_pydicom_reads_all_outputs(tmp_path):
    out = tmp_path / "out"
    res = deidentify_dicom_corpus([PYDICOM_FILES], out, KEY, progress=False)
    reasons = res.summary.reasons
    assert reasons.get("burned_in", 0) >= 30  # secondary captures, ultrasound
    q = {r["id"]: r for r in map(json.loads, (out / "quarantine.jsonl").read_text().splitlines())}
    assert q["SC_rgb_jpeg.dcm"]["detail"] == "secondary_capture"
    for p in out.rglob("*"):
        if p.is_file() and ".state" not in p.parts and p.suffix not in (".json", ".jsonl"):
            ds = pydicom.dcmread(p)
            assert ds.PatientIdentityRemoved == "YES" and "TransferSyntaxUID" in ds.file_meta


# -- the shared real samples --------------------------------------------------------------
@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/data/dicom-samples is absent")
def test_shared_samples(tmp_path):
    files = _files(SAMPLES)
    hashes = _hashes(files)
    out = tmp_path / "out"
    res = deidentify_dicom_corpus([SAMPLES], out, KEY, DicomProfile(burned_in="keep"), verify=True, progress=False)
    assert res.verify_failures == []
    dcm = [p for p in files if p.suffix == ".dcm"]
    assert res.summary.n_ok == len(dcm)
    for p in dcm:
        _assert_profile_holds(p, out / p.relative_to(SAMPLES))
    default = deidentify_dicom_corpus([SAMPLES], tmp_path / "default", KEY, progress=False)
    q = {r["id"]: r["reason"] for r in map(json.loads, (tmp_path / "default" / "quarantine.jsonl").read_text().splitlines())}
    assert q["ultrasounds/GREYSCALE_IMAGE.dcm"] == "burned_in"
    assert default.summary.n_ok >= 3
    assert _hashes(files) == hashes


# -- determinism, keys, resume, layout ------------------------------------------------------
def _planted_corpus(root: Path) -> None:
    (root / "a").mkdir(parents=True)
    for i in range(3):
        (root / "a" / f"im{i}.dcm").write_bytes(to_bytes(make_phi_dataset(sop_uid=PHI["uid"] + f".{i}")))
    (root / "other.dcm").write_bytes(to_bytes(make_phi_dataset(pid="MRN-2", sop_uid=PHI["uid"] + ".9")))
    full = to_bytes(make_phi_dataset(sop_uid=PHI["uid"] + ".8"))
    (root / "truncated.dcm").write_bytes(full[: len(full) - 10])
    burned = make_phi_dataset(sop_uid=PHI["uid"] + ".7")
    burned.BurnedInAnnotation = "YES"
    (root / "burned.dcm").write_bytes(to_bytes(burned))
    (root / "notes.txt").write_text(f"patient {PHI['name']} {PHI['pid']}")


def test_same_key_same_outputs_other_key_differs_and_no_phi_in_reports(tmp_path):
    src = tmp_path / "in"
    _planted_corpus(src)
    r1 = deidentify_dicom_corpus([src], tmp_path / "o1", KEY, progress=False)
    deidentify_dicom_corpus([src], tmp_path / "o2", KEY, progress=False)
    deidentify_dicom_corpus([src], tmp_path / "o3", SecretKey.from_bytes(b"x" * 32), progress=False)
    assert r1.summary.n_ok == 4 and r1.summary.reasons == {"truncated": 1, "burned_in": 1, "not_dicom": 1}
    for rel in ("a/im0.dcm", "other.dcm"):
        assert (tmp_path / "o1" / rel).read_bytes() == (tmp_path / "o2" / rel).read_bytes()
        a, c = pydicom.dcmread(tmp_path / "o1" / rel), pydicom.dcmread(tmp_path / "o3" / rel)
        assert a.SOPInstanceUID != c.SOPInstanceUID and a.PatientID != c.PatientID
    a0, a1 = pydicom.dcmread(tmp_path / "o1/a/im0.dcm"), pydicom.dcmread(tmp_path / "o1/a/im1.dcm")
    assert a0.StudyInstanceUID == a1.StudyInstanceUID == KEY.uid(PHI["study_uid"])  # consistent across files
    assert a0.PatientID == KEY.pseudonym(PHI["pid"])
    # nothing PHI in audit, quarantine, manifest
    for name in ("audit.jsonl", "quarantine.jsonl", "manifest.json"):
        text = (tmp_path / "o1" / name).read_text()
        for v in PHI.values():
            assert v not in text, (name, v)
    man = json.loads((tmp_path / "o1" / "manifest.json").read_text())
    assert man["key_fingerprint"] == KEY.fingerprint and man["profile"]["burned_in"] == "quarantine"
    audit = [json.loads(line) for line in (tmp_path / "o1" / "audit.jsonl").read_text().splitlines()]
    assert {"id", "tag", "keyword", "action"} == set(audit[0])


def test_resume_and_patient_layout(tmp_path):
    src = tmp_path / "in"
    _planted_corpus(src)
    out = tmp_path / "o"
    deidentify_dicom_corpus([src], out, KEY, layout="patient", shard_size=2, progress=False)
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.dcm")}
    assert len(first) == 4
    pseudo = KEY.pseudonym(PHI["pid"])
    assert all(str(p).startswith(("PT",)) for p in first) and any(str(p).startswith(pseudo) for p in first)
    res = deidentify_dicom_corpus([src], out, KEY, layout="patient", shard_size=2, resume=True, progress=False)
    assert res.summary.n_shards_resumed == res.summary.n_shards == 4
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*.dcm")} == first
    from clinical_sft.errors import InputError

    with pytest.raises(InputError, match="resume"):
        deidentify_dicom_corpus([src], out, KEY, layout="patient", shard_size=2, progress=False)


@pytest.mark.slow
def test_workers_give_identical_outputs(tmp_path):
    src = tmp_path / "in"
    _planted_corpus(src)
    deidentify_dicom_corpus([src], tmp_path / "one", KEY, progress=False, shard_size=2)
    deidentify_dicom_corpus([src], tmp_path / "two", KEY, progress=False, shard_size=2, workers=2)
    for p in (tmp_path / "one").rglob("*.dcm"):
        assert p.read_bytes() == (tmp_path / "two" / p.relative_to(tmp_path / "one")).read_bytes()


# -- burned-in pixels -----------------------------------------------------------------------
@pytest.mark.skipif(not ocr_available(), reason="tesseract / pytesseract not installed (optional extra 'ocr')")
def test_clean_pixels_blacks_out_ground_truth_boxes(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "2_ORIGINAL.dcm").write_bytes((FIXTURES / "2_ORIGINAL.dcm").read_bytes())
    out = tmp_path / "out"
    res = deidentify_dicom_corpus([src], out, KEY, DicomProfile(burned_in="clean"), verify=True, progress=False)
    assert res.summary.n_ok == 1 and not res.verify_failures
    truth = json.loads((FIXTURES / "ground_truth.json").read_text())["sample_data/2_ORIGINAL.dcm"]
    before = pydicom.dcmread(src / "2_ORIGINAL.dcm").pixel_array
    after_ds = pydicom.dcmread(out / "2_ORIGINAL.dcm")
    after = after_ds.pixel_array
    assert after_ds.BurnedInAnnotation == "NO"
    assert "113101" in {it.CodeValue for it in after_ds.DeidentificationMethodCodeSequence}
    # ground truth includes presidio's 25-pixel padding
    boxes = [dict(b, left=b["left"] - 25, top=b["top"] - 25) for b in truth]
    blacked = []
    for b in boxes:
        sl = (slice(b["top"], b["top"] + b["height"]), slice(b["left"], b["left"] + b["width"]))
        changed = (after[sl] != before[sl]).mean()
        blacked.append(changed > 0.2 or (after[sl] == after.min()).mean() > 0.9)
    assert sum(blacked) / len(blacked) >= 0.8
    assert evaluate_boxes([], boxes)["box_recall"] == 0.0


def test_inputs_never_written(tmp_path):
    src = tmp_path / "in"
    _planted_corpus(src)
    before = {p: (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest()) for p in _files(src)}
    deidentify_dicom_corpus([src], src / "out-inside", KEY, progress=False)
    after = {p: (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest()) for p in _files(src)
             if "out-inside" not in p.parts}
    assert before == after
    assert os.path.isdir(src / "out-inside")


@pytest.mark.slow
def test_notes_and_images_link_through_the_real_text_deidentifier(tmp_path):
    """The text corpus job and the DICOM job give one patient the same pseudonym and date shift."""
    text = pytest.importorskip("clinical_sft.privacy.text")
    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"id": "n1", "patient_id": PHI["pid"],
                                 "text": f"Seen {PHI['name'].replace('^', ' ')} at {PHI['inst']}."}) + "\n")
    text.deidentify_corpus(notes, tmp_path / "tout", key=KEY, progress=False)
    rows = [json.loads(line) for p in (tmp_path / "tout" / "deidentified").rglob("*.jsonl")
            for line in p.read_text().splitlines()]
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.dcm").write_bytes(to_bytes(make_phi_dataset()))
    res = deidentify_dicom_corpus([src], tmp_path / "dout", KEY, DicomProfile.tcia(), progress=False)
    assert res.summary.n_ok == 1
    ds = pydicom.dcmread(tmp_path / "dout" / "a.dcm")
    assert rows and rows[0]["patient_id"] == ds.PatientID == KEY.pseudonym(PHI["pid"])
    assert "StudyDescription" in ds and PHI["name"].split("^")[0] not in ds.StudyDescription  # cleaned, not dropped
