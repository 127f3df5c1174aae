"""Check a de-identified DICOM file against the profile, independently of the code that wrote it.

This module shares nothing with the de-identifier but the JSON file of Table E.1-1: it parses
the table itself, decides for each attribute what the profile allows to remain, and reads the
output with pydicom. A problem names the file's tag and the rule broken, never a value.

What is checked for each output (recursing into every sequence item):

* it reads as DICOM with file meta, Media Storage SOP Instance UID = SOP Instance UID;
* no private attribute is left (or only numeric ones of the safe list under Retain Safe Private);
* every attribute whose action is X is absent, Z is absent or empty, U holds only ``2.25.`` UIDs,
  D holds a dummy valid for its VR (or the patient pseudonym), and X/Z/D choices are one of those;
* Patient Identity Removed is YES and the De-identification Method Code Sequence lists 113100 and
  the options of the profile;
* when the original file is given: no attribute whose Basic Profile action is X, Z, D or U (and
  that the profile does not keep) holds a value it held in the original.
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pydicom

__all__ = ["VerifyReport", "verify_dicom_file", "removable_tags"]

_COLUMN = {
    "retain_uids": "rtnUIDsOpt", "retain_device_identity": "rtnDevIdOpt",
    "retain_institution_identity": "rtnInstIdOpt", "retain_patient_characteristics": "rtnPatCharsOpt",
    "retain_long_full_dates": "rtnLongFullDatesOpt", "retain_long_modified_dates": "rtnLongModifDatesOpt",
    "retain_safe_private": "rtnSafePrivOpt", "clean_descriptors": "cleanDescOpt",
    "clean_structured_content": "cleanStructContOpt", "clean_graphics": "cleanGraphOpt",
}
_PSEUDONYM = re.compile(r"^PT[0-9A-F]{12}$")
_UID225 = re.compile(r"^2\.25\.\d{1,39}$")
_DUMMIES = {"ANONYMIZED", "ANONYMOUS", "19000101", "000000", "19000101000000", "0", "000Y", "urn:anonymized", ""}
_OPTION_CODE = {
    "retain_long_full_dates": "113106", "retain_long_modified_dates": "113107",
    "retain_patient_characteristics": "113108", "retain_device_identity": "113109", "retain_uids": "113110",
    "retain_safe_private": "113111", "retain_institution_identity": "113112", "clean_graphics": "113103",
    "clean_structured_content": "113104", "clean_descriptors": "113105",
}


@lru_cache(maxsize=1)
def _load_rows() -> list[dict[str, Any]]:
    text = resources.files("clinical_sft.privacy").joinpath("_profiles", "ps3.15-table-e1-1.json").read_text("utf-8")
    return json.loads(text)


def _compile(rows: list[dict[str, Any]]) -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    out = []
    for r in rows:
        t = r["tag"].upper()
        if "ODD" in t:
            continue
        g, e = t.strip("()").split(",")
        pat = re.compile("^" + (g + e).replace("X", "[0-9A-F]") + "$")
        out.append((pat, r))
    return out


def removable_tags(options: dict[str, bool] | None = None) -> dict[str, str]:
    """Table E.1-1 as ``{"GGGGEEEE" pattern: action}`` under ``options`` (read from the JSON itself).

    Patterns keep the table's ``X`` wildcards. Only rows whose action is not K/C are returned.
    """
    opts = options or {}
    out = {}
    for r in _load_rows():
        if "ODD" in r["tag"].upper():
            continue
        action = _action(r, opts)
        if action not in ("K", "C"):
            out[r["tag"].upper().strip("()").replace(",", "")] = action
    return out


def _action(row: dict[str, Any], opts: dict[str, bool]) -> str:
    # same precedence as the standard's intent: a retained attribute is kept, a cleaned one cleaned
    for name in ("retain_uids", "retain_device_identity", "retain_institution_identity",
                 "retain_patient_characteristics", "retain_long_full_dates", "retain_long_modified_dates",
                 "retain_safe_private", "clean_descriptors", "clean_structured_content", "clean_graphics"):
        if opts.get(name) and row.get(_COLUMN[name]):
            return row[_COLUMN[name]]
    return row["basicProfile"].strip()


@dataclass
class VerifyReport:
    """Problems found in one output file (PHI-free: tags and rules only)."""

    path: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "ok": self.ok, "problems": self.problems}


class _Checker:
    def __init__(self, options: dict[str, bool]) -> None:
        self.options = options
        self.rules = _compile(_load_rows())
        self.exact = {}
        self.wild = []
        for pat, r in self.rules:
            key = pat.pattern.strip("^$")
            if "[" in key:
                self.wild.append((pat, r))
            else:
                self.exact[key] = r

    def row(self, tag: int) -> dict[str, Any] | None:
        key = f"{tag:08X}"
        r = self.exact.get(key)
        if r is not None:
            return r
        for pat, r in self.wild:
            if pat.match(key):
                return r
        return None


@lru_cache(maxsize=8)
def _checker(opts: tuple[tuple[str, bool], ...]) -> _Checker:
    return _Checker(dict(opts))


def _values(elem: pydicom.DataElement) -> list[str]:
    v = elem.value
    if v is None:
        return []
    if isinstance(v, bytes):
        return [v.hex()] if v.strip(b"\x00 ") else []
    if isinstance(v, list | tuple | pydicom.multival.MultiValue):
        return [str(x) for x in v if str(x) != ""]
    s = str(v)
    return [s] if s != "" else []


def _collect(ds: pydicom.Dataset, out: dict[int, set[str]]) -> None:
    for elem in ds:
        if elem.VR == "SQ":
            for item in elem.value or []:
                _collect(item, out)
        else:
            out.setdefault(int(elem.tag), set()).update(v.strip() for v in _values(elem) if v.strip())


def verify_dicom_file(path: str | Path, options: dict[str, bool] | None = None,
                      original: str | Path | None = None) -> VerifyReport:
    """Check one output file; ``options`` are the profile's option flags (``DicomProfile.to_dict()``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom's value warnings quote values
        pd_log = logging.getLogger("pydicom")
        level = pd_log.level
        pd_log.setLevel(logging.CRITICAL)
        try:
            return _verify(path, options, original)
        finally:
            pd_log.setLevel(level)


def _verify(path: str | Path, options: dict[str, bool] | None, original: str | Path | None) -> VerifyReport:
    opts = {k: bool(v) for k, v in (options or {}).items() if k in _COLUMN}
    rep = VerifyReport(str(path))
    try:
        ds = pydicom.dcmread(str(path))
    except Exception as e:
        rep.problems.append(f"unreadable: {type(e).__name__}")
        return rep
    chk = _checker(tuple(sorted(opts.items())))
    meta = getattr(ds, "file_meta", None)
    if meta is None or "TransferSyntaxUID" not in meta:
        rep.problems.append("file meta: no Transfer Syntax UID")
    elif "SOPInstanceUID" in ds and meta.get("MediaStorageSOPInstanceUID") != ds.SOPInstanceUID:
        rep.problems.append("(0002,0003): differs from SOP Instance UID")
    if ds.get("PatientIdentityRemoved") != "YES":
        rep.problems.append("(0012,0062): Patient Identity Removed is not YES")
    codes = {str(it.get("CodeValue", "")) for it in ds.get("DeidentificationMethodCodeSequence", [])}
    want = {"113100"} | {c for n, c in _OPTION_CODE.items() if opts.get(n)}
    if not want <= codes:
        rep.problems.append(f"(0012,0064): method codes missing {sorted(want - codes)}")
    if not _PSEUDONYM.match(str(ds.get("PatientID", ""))):
        rep.problems.append("(0010,0020): Patient ID is not a pseudonym")
    self_walk(ds, chk, opts, rep, "")
    if original is not None:
        try:
            orig = pydicom.dcmread(str(original), force=True, stop_before_pixels=True)
        except Exception as e:
            rep.problems.append(f"original unreadable: {type(e).__name__}")
            return rep
        before: dict[int, set[str]] = {}
        after: dict[int, set[str]] = {}
        _collect(orig, before)
        _collect(ds, after)
        for tag, vals in before.items():
            r = chk.row(tag)
            if r is None or (tag >> 16) & 1:
                continue
            if r["basicProfile"].strip() not in ("X", "Z", "D", "U") and "/" not in r["basicProfile"]:
                continue
            if _action(r, opts) in ("K", "C"):
                continue
            if vals & after.get(tag, set()):
                rep.problems.append(f"({tag >> 16:04X},{tag & 0xFFFF:04X}): original value kept")
        for tag, r in ((int(e.tag), chk.row(int(e.tag))) for e in orig if e.VR == "SQ"):
            if r is None or _action(r, opts) in ("K", "C") or tag not in ds:
                continue
            b_text: set[str] = set()
            a_text: set[str] = set()
            _collect_text(orig[tag], b_text)
            _collect_text(ds[tag], a_text)
            if b_text & a_text:
                rep.problems.append(f"({tag >> 16:04X},{tag & 0xFFFF:04X}): free text kept inside a sequence")
        if not opts.get("retain_safe_private"):
            if any(t >> 16 & 1 for t in after):
                rep.problems.append("private attribute kept")
    return rep


def self_walk(ds: pydicom.Dataset, chk: _Checker, opts: dict[str, bool], rep: VerifyReport, path: str) -> None:
    for elem in ds:
        tag = int(elem.tag)
        where = f"{path}({tag >> 16:04X},{tag & 0xFFFF:04X})"
        if (tag >> 16) & 1:
            if not opts.get("retain_safe_private"):
                rep.problems.append(f"{where}: private attribute kept")
            elif (tag & 0xFFFF) >= 0x1000 and elem.VR not in ("IS", "DS", "FL", "FD", "US", "SS", "UL", "SL", "UN"):
                rep.problems.append(f"{where}: non-numeric private attribute kept")
            continue
        r = chk.row(tag)
        if elem.VR == "SQ":
            for i, item in enumerate(elem.value or []):
                self_walk(item, chk, opts, rep, f"{where}[{i}]/")
            if r is not None and _action(r, opts) == "X":
                rep.problems.append(f"{where}: should be removed (X)")
            continue
        if r is None or tag in (0x00100010, 0x00100020):
            continue
        action = _action(r, opts)
        vals = _values(elem)
        if action in ("K", "C"):
            continue
        allowed = set(action.replace("*", "").split("/"))
        ok = False
        if "Z" in allowed and not vals:
            ok = True
        if "U" in allowed and vals and all(_UID225.match(v) for v in vals):
            ok = True
        if "D" in allowed and vals and all(v in _DUMMIES or _UID225.match(v) for v in vals):
            ok = True
        if not ok:
            rep.problems.append(f"{where}: violates action {action}")


_TEXT_VRS = ("LO", "SH", "ST", "LT", "UT", "UC", "PN", "AE", "UR")
_CODE_TAGS = {0x00080100, 0x00080102, 0x00080103, 0x00080104, 0x00080105, 0x00080119, 0x00080120, 0x00080122}


def _collect_text(elem: pydicom.DataElement, out: set[str]) -> None:
    for item in elem.value or []:
        for e in item:
            if e.VR == "SQ":
                _collect_text(e, out)
            elif e.VR in _TEXT_VRS and int(e.tag) not in _CODE_TAGS and not (int(e.tag) >> 16) & 1:
                out.update(v.strip() for v in _values(e) if len(v.strip()) > 2 and v.strip() not in _DUMMIES)
