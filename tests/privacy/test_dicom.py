"""Unit tests of clinical_sft.privacy.dicom: the table, the profile, the per-dataset de-identifier."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

from clinical_sft.errors import ConfigError
from clinical_sft.privacy.dicom import (
    DicomDeidentifier,
    DicomProfile,
    burned_in_reason,
    load_profile_table,
    verify_dicom_file,
)
from clinical_sft.privacy.key import SecretKey

KEY = SecretKey.from_bytes(b"dicom-test-key-0123456789abcdef!")
PHI = {
    "name": "Zyxwvut^Qwertina",
    "pid": "MRN-7730021",
    "inst": "Saint Quorumville Hospital",
    "phys": "Drblorg^Hubert",
    "desc": "CT head for Qwertina Zyxwvut",
    "sr_text": "Seen by Dr Hubert Drblorg at Saint Quorumville",
    "private": "PRIVATE-SECRET-VALUE",
    "uid": "1.2.826.0.1.3680043.8.498.1234567",
    "study_uid": "1.2.826.0.1.3680043.8.498.7777",
    "ref_uid": "1.2.826.0.1.3680043.8.498.999",
    "accession": "ACC99887766",
    "birth": "19610704",
    "study_date": "20190305",
}


def make_phi_dataset(pid: str = PHI["pid"], sop_uid: str = PHI["uid"]) -> Dataset:
    """A CT-like dataset with PHI planted in many places (nested, private, overlays, SR-like content)."""
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.SOPInstanceUID = sop_uid
    ds.StudyInstanceUID = PHI["study_uid"]
    ds.SeriesInstanceUID = PHI["study_uid"] + ".1"
    ds.FrameOfReferenceUID = PHI["study_uid"] + ".2"
    ds.Modality = "CT"
    ds.PatientName = PHI["name"]
    ds.PatientID = pid
    ds.PatientBirthDate = PHI["birth"]
    ds.PatientSex = "F"
    ds.PatientAge = "057Y"
    ds.OtherPatientIDs = "OTHER-" + pid
    ds.StudyDate = PHI["study_date"]
    ds.SeriesDate = PHI["study_date"]
    ds.ContentDate = PHI["study_date"]
    ds.StudyTime = "101112"
    ds.AccessionNumber = PHI["accession"]
    ds.InstitutionName = PHI["inst"]
    ds.InstitutionAddress = "12 Quorum Road, Springfield"
    ds.ReferringPhysicianName = PHI["phys"]
    ds.StationName = "QUORUM-CT1"
    ds.DeviceSerialNumber = "SN-445566"
    ds.StudyDescription = PHI["desc"]
    ds.ImageComments = "Patient Qwertina Zyxwvut moved"
    ds.StudyID = "STUDY-4455"
    ref = Dataset()
    ref.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ref.ReferencedSOPInstanceUID = PHI["ref_uid"]
    ds.ReferencedImageSequence = Sequence([ref])
    rs = Dataset()
    rs.ReferencedSOPClassUID = "1.2.840.10008.3.1.2.3.1"
    rs.ReferencedSOPInstanceUID = PHI["ref_uid"] + ".5"
    ds.ReferencedStudySequence = Sequence([rs])
    # SR-like content
    item = Dataset()
    item.RelationshipType = "CONTAINS"
    item.ValueType = "TEXT"
    cn = Dataset()
    cn.CodeValue = "121071"
    cn.CodingSchemeDesignator = "DCM"
    cn.CodeMeaning = "Finding"
    item.ConceptNameCodeSequence = Sequence([cn])
    item.TextValue = PHI["sr_text"]
    pn = Dataset()
    pn.RelationshipType = "HAS OBS CONTEXT"
    pn.ValueType = "PNAME"
    pn.PersonName = PHI["phys"]
    item2 = Dataset()
    item2.ValueType = "DATE"
    item2.Date = PHI["study_date"]
    ds.ContentSequence = Sequence([item, pn, item2])
    # private block
    ds.private_block(0x0011, "ACME 1.0", create=True).add_new(0x01, "LO", PHI["private"])
    ds.private_block(0x0019, "SIEMENS MR HEADER", create=True).add_new(0x0C, "IS", "1000")
    ds.private_block(0x0019, "SIEMENS MR HEADER").add_new(0x10, "LO", PHI["private"] + "2")
    # overlay and curve
    ds.add_new(0x60000010, "US", 4)
    ds.add_new(0x60000011, "US", 4)
    ds.add_new(0x60000040, "CS", "G")
    ds.add_new(0x60000100, "US", 1)
    ds.add_new(0x60000102, "US", 0)
    ds.add_new(0x60003000, "OW", b"\x0f\x0f")
    ds.add_new(0x60004000, "LT", "overlay by " + PHI["phys"])
    ds.add_new(0x50000022, "LO", "curve of " + PHI["name"])
    ds.Rows, ds.Columns = 4, 4
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.PixelData = bytes(range(16))
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = sop_uid
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.SourceApplicationEntityTitle = "QUORUMPACS"
    return ds


def to_bytes(ds: Dataset) -> bytes:
    buf = io.BytesIO()
    pydicom.dcmwrite(buf, ds, enforce_file_format=True)
    return buf.getvalue()


def _all_text(ds: Dataset) -> str:
    return to_bytes(ds).decode("latin-1")


# -- table and profile -------------------------------------------------------------------
def test_table_rows_and_wildcards():
    t = load_profile_table()
    assert len(t) == 621
    assert t.lookup(0x00100010).name == "Patient's Name"
    assert t.lookup(0x50100022).name == "Curve Data"          # (50XX,XXXX)
    assert t.lookup(0x601E3000).name == "Overlay Data"        # (60XX,3000)
    assert t.lookup(0x60024000).name == "Overlay Comments"    # (60XX,4000)
    assert t.lookup(0x60020010) is None                      # overlay rows: not in the table
    assert t.private is not None and t.private.basic == "X"


def test_profile_validation_names_field_and_presets():
    with pytest.raises(ConfigError, match="burned_in"):
        DicomProfile(burned_in="ignore")
    with pytest.raises(ConfigError, match="retain_long_full_dates"):
        DicomProfile(retain_long_full_dates=True, retain_long_modified_dates=True)
    with pytest.raises(ConfigError, match="retain_uids"):
        DicomProfile(retain_uids="yes")  # type: ignore[arg-type]
    tcia = DicomProfile.tcia()
    assert tcia.retain_long_modified_dates and tcia.retain_safe_private and tcia.clean_descriptors
    codes = [c for c, _ in tcia.method_codes()]
    assert codes[0] == "113100" and {"113107", "113108", "113109", "113111", "113105"} <= set(codes)
    assert DicomProfile.preset("basic") == DicomProfile()
    with pytest.raises(ConfigError):
        DicomProfile.preset("nope")


# -- the Basic Profile on a planted dataset ------------------------------------------------
def test_basic_profile_removes_every_planted_value():
    ds = make_phi_dataset()
    res = DicomDeidentifier(KEY).deidentify(ds)
    out = _all_text(res.dataset)
    for name, value in PHI.items():
        if name == "sr_text":
            continue
        assert value not in out, name
    assert PHI["sr_text"] not in out
    for word in ("Zyxwvut", "Qwertina", "Drblorg", "Quorum", "QUORUM", "ACC998", "SN-445566"):
        assert word not in out, word
    d = res.dataset
    pseudo = KEY.pseudonym(PHI["pid"])
    assert d.PatientID == pseudo and str(d.PatientName) == pseudo
    assert d.SOPInstanceUID == KEY.uid(PHI["uid"]) == d.file_meta.MediaStorageSOPInstanceUID
    assert d.StudyInstanceUID == KEY.uid(PHI["study_uid"])
    assert d.ReferencedImageSequence[0].ReferencedSOPInstanceUID == KEY.uid(PHI["ref_uid"])
    assert d.PatientIdentityRemoved == "YES"
    assert d.DeidentificationMethodCodeSequence[0].CodeValue == "113100"
    assert d.LongitudinalTemporalInformationModified == "REMOVED"
    assert "InstitutionName" not in d and "StationName" not in d  # X/Z/D, type 3 -> X
    assert d.StudyDate == "" and d.PatientBirthDate == ""          # Z
    assert d.ContentDate == "19000101"                             # Z/D -> valid dummy
    assert not any(e.tag.is_private for e in d)
    assert not any(int(e.tag) >> 16 == 0x6000 for e in d)         # overlay group removed with its data
    assert not any(int(e.tag) >> 16 == 0x5000 for e in d)
    # SR content: structure kept, text replaced by dummies, codes kept
    assert d.ContentSequence[0].ValueType == "TEXT" and d.ContentSequence[0].TextValue == "ANONYMIZED"
    assert d.ContentSequence[0].ConceptNameCodeSequence[0].CodeValue == "121071"
    assert d.ContentSequence[1].PersonName == "ANONYMOUS"
    assert "SourceApplicationEntityTitle" not in d.file_meta
    # the audit names tags and actions, never values
    audit = json.dumps(res.audit)
    assert all(set(a) == {"tag", "keyword", "action"} for a in res.audit)
    assert not any(v in audit for v in PHI.values())


def test_pixel_data_and_transfer_syntax_unchanged_for_compressed(tmp_path):
    from clinical_sft.privacy.dicom import deidentify_dicom_file

    for name in ("MR_small_RLE.dcm", "MR_small_jp2klossless.dcm", "JPEG2000.dcm", "rtdose_rle.dcm"):
        src = get_testdata_file(name)
        before = pydicom.dcmread(src)
        data, _, _ = deidentify_dicom_file(src, KEY, DicomProfile(burned_in="keep"))
        after = pydicom.dcmread(io.BytesIO(data))
        assert after.file_meta.TransferSyntaxUID == before.file_meta.TransferSyntaxUID, name
        assert after.PixelData == before.PixelData, name
        assert after.file_meta.MediaStorageSOPInstanceUID == after.SOPInstanceUID == KEY.uid(before.SOPInstanceUID)


def test_same_key_same_outputs_other_key_differs():
    a = DicomDeidentifier(KEY).deidentify(make_phi_dataset()).dataset
    b = DicomDeidentifier(KEY).deidentify(make_phi_dataset()).dataset
    other = DicomDeidentifier(SecretKey.from_bytes(b"another-key-0123456789abcdefghij")).deidentify(
        make_phi_dataset()).dataset
    assert to_bytes(a) == to_bytes(b)
    assert a.PatientID == KEY.pseudonym(PHI["pid"]) != other.PatientID
    assert a.SOPInstanceUID != other.SOPInstanceUID
    assert a.ReferencedImageSequence[0].ReferencedSOPInstanceUID != other.ReferencedImageSequence[0].ReferencedSOPInstanceUID


def test_pseudonym_links_to_the_text_deidentifier():
    """PatientID/PatientName are the same pseudonym the text side derives for that patient."""
    d = DicomDeidentifier(KEY).deidentify(make_phi_dataset(pid="  mrn-7730021 ")).dataset
    assert d.PatientID == KEY.pseudonym("MRN-7730021")
    try:
        from clinical_sft.privacy.text import Deidentifier  # noqa: F401
    except Exception:
        pytest.skip("text de-identifier not available")


# -- options -------------------------------------------------------------------------------
def test_modified_dates_shift_by_the_patients_offset_and_full_dates_keep():
    import datetime as dt

    d = DicomDeidentifier(KEY, DicomProfile(retain_long_modified_dates=True)).deidentify(make_phi_dataset()).dataset
    shift = KEY.date_shift_days(PHI["pid"])
    want = (dt.date(2019, 3, 5) + dt.timedelta(days=shift)).strftime("%Y%m%d")
    assert d.StudyDate == want and d.ContentSequence[2].Date == want
    assert d.StudyTime == "101112"
    assert d.LongitudinalTemporalInformationModified == "MODIFIED"
    assert d.PatientBirthDate == ""  # not a longitudinal attribute: still Z
    full = DicomDeidentifier(KEY, DicomProfile(retain_long_full_dates=True)).deidentify(make_phi_dataset()).dataset
    assert full.StudyDate == PHI["study_date"]


def test_clean_options_use_the_text_cleaner_and_fail_closed():
    calls = []

    def cleaner(text: str, patient_id: str | None) -> str:
        calls.append(patient_id)
        return "[CLEANED]"

    prof = DicomProfile(clean_descriptors=True, clean_structured_content=True)
    d = DicomDeidentifier(KEY, prof, text_cleaner=cleaner).deidentify(make_phi_dataset()).dataset
    assert d.StudyDescription == "[CLEANED]" and d.ImageComments == "[CLEANED]"
    assert d.ContentSequence[0].TextValue == "[CLEANED]"
    assert set(calls) == {PHI["pid"]}

    def broken(text: str, patient_id: str | None) -> str:
        raise RuntimeError("model missing " + text)

    res = DicomDeidentifier(KEY, prof, text_cleaner=broken).deidentify(make_phi_dataset())
    assert "StudyDescription" not in res.dataset and "ImageComments" not in res.dataset
    assert res.text_clean_failures >= 2
    assert PHI["desc"] not in _all_text(res.dataset)


def test_retain_options_keep_what_they_name():
    prof = DicomProfile(retain_uids=True, retain_institution_identity=True, retain_device_identity=True,
                        retain_patient_characteristics=True)
    d = DicomDeidentifier(KEY, prof).deidentify(make_phi_dataset()).dataset
    assert d.SOPInstanceUID == PHI["uid"] and d.ReferencedImageSequence[0].ReferencedSOPInstanceUID == PHI["ref_uid"]
    assert d.InstitutionName == PHI["inst"] and d.StationName == "QUORUM-CT1"
    assert d.PatientSex == "F" and d.PatientAge == "057Y"
    assert d.PatientID == KEY.pseudonym(PHI["pid"])  # identity never retained
    codes = {it.CodeValue for it in d.DeidentificationMethodCodeSequence}
    assert {"113110", "113112", "113109", "113108"} <= codes


def test_retain_safe_private_keeps_only_the_safe_numeric_tag():
    d = DicomDeidentifier(KEY, DicomProfile(retain_safe_private=True)).deidentify(make_phi_dataset()).dataset
    priv = {int(e.tag): e.value for e in d if e.tag.is_private}
    assert priv == {0x00190010: "SIEMENS MR HEADER", 0x0019100C: "1000"}
    assert PHI["private"] not in _all_text(d)


def test_clean_graphics_keeps_overlay_comments_cleaned():
    prof = DicomProfile(clean_graphics=True)
    d = DicomDeidentifier(KEY, prof, text_cleaner=lambda t, p: "[X]").deidentify(make_phi_dataset()).dataset
    assert d[0x60004000].value == "[X]"


@pytest.mark.parametrize("modality, kept_empty", [
    ("CT", set()),
    ("SR", {"ReferencedPerformedProcedureStepSequence"}),  # type 2 in SR Document Series
    ("KO", {"ReferencedPerformedProcedureStepSequence"}),  # type 2 in Key Object Document Series
    ("RTPLAN", {"OperatorsName"}),  # type 2 in RT Series
])
def test_x_z_d_choices_follow_the_attribute_type_in_the_iod(modality, kept_empty):
    ds = make_phi_dataset()
    ds.Modality = modality
    ref = Dataset()
    ref.ReferencedSOPClassUID = "1.2.840.10008.3.1.2.3.3"
    ref.ReferencedSOPInstanceUID = PHI["ref_uid"] + ".9"
    ds.ReferencedPerformedProcedureStepSequence = Sequence([ref])
    ds.OperatorsName = PHI["phys"]
    out = DicomDeidentifier(KEY).deidentify(ds).dataset
    # Referenced Study Sequence is type 3 in General Study: removed (an empty type 3 sequence is invalid)
    assert "ReferencedStudySequence" not in out
    for kw in ("ReferencedPerformedProcedureStepSequence", "OperatorsName"):
        if kw in kept_empty:
            assert kw in out and not out[kw].value, f"{modality}: {kw} must stay, empty (type 2)"
        else:
            assert kw not in out, f"{modality}: {kw} must be removed (type 3)"


# -- burned-in rule --------------------------------------------------------------------
@pytest.mark.parametrize(
    "attrs, reason",
    [
        ({"BurnedInAnnotation": "YES"}, "burned_in_annotation"),
        ({"Modality": "US", "BurnedInAnnotation": "NO"}, "modality_us"),
        ({"SOPClassUID": "1.2.840.10008.5.1.4.1.1.7"}, "secondary_capture"),
        ({"Modality": "XA"}, "modality_xa"),
        ({"Modality": "XA", "BurnedInAnnotation": "NO"}, None),
        ({"PhotometricInterpretation": "RGB"}, "colour_on_greyscale_modality"),
        ({"ImageType": ["DERIVED", "SECONDARY", "SCREEN SAVE"]}, "screen_capture_image_type"),
        ({"Rows": 768, "Columns": 1024}, "screen_sized_image"),
        ({}, None),
    ],
)
def test_burned_in_rule(attrs, reason):
    ds = make_phi_dataset()
    for k, v in attrs.items():
        setattr(ds, k, v)
    assert burned_in_reason(ds) == reason


def test_no_phi_in_logs_or_warnings(caplog, recwarn):
    from pydicom.dataelem import RawDataElement
    from pydicom.tag import BaseTag

    ds = make_phi_dataset()
    bad = {0x00181030: ("LO", ("x" * 80 + PHI["name"]).encode()),   # too long for LO: pydicom warns with it
           0x00101030: ("DS", ("abc" + PHI["accession"]).encode()),  # invalid DS
           0x00081030: ("LO", PHI["desc"].encode())}
    for tag, (vr, value) in bad.items():
        ds._dict[BaseTag(tag)] = RawDataElement(BaseTag(tag), vr, len(value), value, 0, False, True)
    with caplog.at_level(logging.DEBUG):
        res = DicomDeidentifier(KEY, DicomProfile(clean_descriptors=True),
                                text_cleaner=lambda t, p: 1 / 0).deidentify(ds)
        to_bytes(res.dataset)
    text = caplog.text + " ".join(str(w.message) for w in recwarn)
    assert not any(v in text for v in PHI.values())


def test_a_failing_text_cleaner_logs_the_tag_and_error_type_never_the_value(caplog):
    def leaky(text: str, patient_id: str | None) -> str:
        raise RuntimeError("could not clean " + text)  # the exception's message carries the value

    with caplog.at_level(logging.DEBUG, logger="clinical_sft.privacy.dicom._engine"):
        res = DicomDeidentifier(KEY, DicomProfile(clean_descriptors=True), text_cleaner=leaky) \
            .deidentify(make_phi_dataset())
    assert "(0008,1030) (RuntimeError): value removed" in caplog.text
    assert "StudyDescription" not in res.dataset
    assert not any(v in caplog.text for v in PHI.values())


def test_an_unloadable_text_deidentifier_logs_its_error_type_only(caplog, monkeypatch):
    import clinical_sft.privacy.text as text_mod
    from clinical_sft.privacy.dicom._engine import DefaultTextCleaner

    def broken(*args, **kwargs):
        raise ValueError("model path /data/" + PHI["name"])

    monkeypatch.setattr(text_mod, "Deidentifier", broken)
    with caplog.at_level(logging.DEBUG, logger="clinical_sft.privacy.dicom._engine"):
        res = DicomDeidentifier(KEY, DicomProfile(clean_descriptors=True),
                                text_cleaner=DefaultTextCleaner(KEY)).deidentify(make_phi_dataset())
    assert "could not be loaded (ValueError)" in caplog.text
    assert "StudyDescription" not in res.dataset and res.text_clean_failures >= 1
    assert not any(v in caplog.text for v in PHI.values())


def test_verifier_flags_an_untouched_file_and_passes_a_clean_one(tmp_path):
    raw = tmp_path / "raw.dcm"
    raw.write_bytes(to_bytes(make_phi_dataset()))
    rep = verify_dicom_file(raw, DicomProfile().to_dict(), original=raw)
    assert not rep.ok
    joined = " ".join(rep.problems)
    assert "(0012,0062)" in joined and "private" in joined and "original value kept" in joined
    assert not any(v in joined for v in PHI.values())
    clean = tmp_path / "clean.dcm"
    clean.write_bytes(to_bytes(DicomDeidentifier(KEY).deidentify(make_phi_dataset()).dataset))
    rep2 = verify_dicom_file(clean, DicomProfile().to_dict(), original=raw)
    assert rep2.ok, rep2.problems


def test_real_fixture_header(tmp_path):
    fix = Path(__file__).resolve().parents[1] / "data" / "dicom" / "0_ORIGINAL_no_pixels.dcm"
    orig = pydicom.dcmread(fix)
    d = DicomDeidentifier(KEY).deidentify(pydicom.dcmread(fix)).dataset
    out = _all_text(d)
    for kw in ("PatientName", "PatientBirthDate", "InstitutionName", "ReferringPhysicianName", "AccessionNumber"):
        v = str(orig.get(kw, "") or "")
        if len(v) > 3:
            assert v not in out, kw
