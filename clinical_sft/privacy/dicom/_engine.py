"""Apply Table E.1-1 to a pydicom dataset: the DICOM de-identifier.

One pass over each dataset's elements (recursing into sequence items): the element's row in
Table E.1-1 (exact tag, or a wildcard group such as (50xx,xxxx) or (60xx,3000)) and the profile
give one action; elements without a row are kept (the Basic Profile lists what it changes).
Elements stay raw (undecoded) unless they are changed, which keeps kept values byte-identical and
the pass fast. Private attributes are removed unless the Retain Safe Private option keeps the few
on the built-in safe list.

Choices the standard leaves to the implementation (documented here once):

* **X/Z, X/D, Z/D, X/Z/D, X/Z/U\\*** depend on the attribute's type in the IOD. A small table
  (:data:`_KNOWN_TYPE`) gives the type of attributes whose type is the same in the common
  composite IODs (e.g. Institution Name, Station Name, Referenced Study Sequence: type 3 ->
  removed), :data:`_TYPE_BY_MODALITY` the exceptions of one modality's modules (SR and KO
  document series: Referenced Performed Procedure Step Sequence type 2; RT Series: Operators'
  Name type 2; PET Series: Series Date type 1). For the others the valid choice that keeps no
  original value is taken: Z for X/Z (an empty value is valid for type 2 and 3, except an
  empty type 3 sequence), D for X/D, Z/D and X/Z/D (a dummy is valid for every type), U* for
  X/Z/U* (the sequence is kept and its UIDs replaced). dciodvfy finds no IOD error in the
  outputs that their inputs did not have (tests/privacy/test_dicom_iod.py, the benchmark).
* **D on a sequence** (Content Sequence, Graphic Annotation Sequence) keeps the item structure
  and replaces every free-text, person-name and date/time leaf by a dummy (codes, value types,
  relationships and numbers are kept), so SR and presentation states stay parseable. With Clean
  Structured Content / Clean Graphics those leaves go through the text de-identifier instead.
* **Overlay Data** removed (X) removes its whole overlay group (60xx,xxxx): an Overlay Plane
  without its data is not a valid module and its other elements say nothing useful.
* **Group length** elements (gggg,0000) outside the file meta are removed (retired, and wrong
  after changes).
* **Patient ID** and **Patient's Name** become ``key.pseudonym(original PatientID)``, the
  pseudonym the text de-identifier gives the same patient, so notes and images stay linked.
"""

from __future__ import annotations

import datetime as _dt
import logging
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydicom import config as _pdconfig
from pydicom.datadict import dictionary_VR, keyword_for_tag
from pydicom.dataelem import DataElement, RawDataElement, convert_raw_data_element
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.multival import MultiValue
from pydicom.sequence import Sequence
from pydicom.tag import Tag
from pydicom.uid import UID, UID_dictionary

from clinical_sft.errors import ConfigError
from clinical_sft.privacy.dicom._profile import DicomProfile, ProfileTable, load_profile_table
from clinical_sft.privacy.dicom._scan import btag, scan_sequence
from clinical_sft.privacy.key import SecretKey

__all__ = ["DicomDeidentifier", "DicomResult", "TextCleaner", "burned_in_reason", "SAFE_PRIVATE"]

log = logging.getLogger(__name__)

TextCleaner = Callable[[str, "str | None"], str]

# -- dummies valid for each VR (PS3.5 6.2) ---------------------------------------------
DUMMY_TEXT = "ANONYMIZED"
DUMMY_PN = "ANONYMOUS"
DUMMY_DA = "19000101"
DUMMY_TM = "000000"
DUMMY_DT = "19000101000000"
_DUMMY_STR = {
    "DA": DUMMY_DA, "TM": DUMMY_TM, "DT": DUMMY_DT, "PN": DUMMY_PN, "AS": "000Y", "IS": "0", "DS": "0",
    "LO": DUMMY_TEXT, "SH": DUMMY_TEXT, "ST": DUMMY_TEXT, "LT": DUMMY_TEXT, "UT": DUMMY_TEXT,
    "UC": DUMMY_TEXT, "CS": DUMMY_TEXT, "AE": DUMMY_TEXT, "UR": "urn:anonymized",
}
_MAX_LEN = {"SH": 16, "LO": 64, "ST": 1024, "LT": 10240, "CS": 16, "AE": 16, "PN": 64, "UC": 10240, "UT": 10240}
_TEXT_VRS = frozenset({"LO", "SH", "ST", "LT", "UT", "UC", "PN", "AE", "UR"})
# VRs whose single str (or None) value pydicom's DataElement stores unchanged
_STR_AS_IS_VRS = frozenset({"LO", "SH", "CS", "LT", "ST", "UT", "UC", "AE", "UR", "AS", "DA", "DT", "TM"})
_DATE_VRS = frozenset({"DA", "DT", "TM"})
_NUM_VRS = frozenset({"US", "SS", "UL", "SL", "FL", "FD", "UV", "SV", "AT"})
_BIN_VRS = frozenset({"OB", "OW", "OF", "OD", "OL", "OV", "UN"})

# Leaves inside a dummied/cleaned sequence that hold codes or structure, never free text.
_STRUCTURAL = frozenset({
    0x00080100, 0x00080102, 0x00080103, 0x00080104, 0x00080105, 0x00080106, 0x0008010F, 0x00080117,
    0x00080118, 0x00080119, 0x00080120, 0x00080122, 0x00080123, 0x00080124, 0x0040DB00, 0x0040A040,
    0x0040A010, 0x0040A050, 0x00700023, 0x00700005, 0x00081150, 0x00081160,
})

# Types of attributes whose type is the same in the common composite IODs (PS3.3): used to
# choose among X/Z/D. (tag -> type); _TYPE_BY_MODALITY overrides it for one modality.
_KNOWN_TYPE: dict[int, int] = {
    0x00080080: 3,  # Institution Name (General Equipment)
    0x00080082: 3,  # Institution Code Sequence
    0x00081010: 3,  # Station Name (General Equipment)
    0x00081070: 3,  # Operators' Name (General Series)
    0x00081072: 3,  # Operator Identification Sequence (General Series)
    0x00080012: 3,  # Instance Creation Date (SOP Common)
    0x00080013: 3,  # Instance Creation Time (SOP Common)
    0x00080021: 3,  # Series Date (General Series)
    0x00080031: 3,  # Series Time (General Series)
    0x00181030: 3,  # Protocol Name (General Series)
    0x00081111: 3,  # Referenced Performed Procedure Step Sequence (General Series)
    0x00081110: 3,  # Referenced Study Sequence (General Study): an empty type 3 sequence is invalid
    0x00400555: 2,  # Acquisition Context Sequence (Acquisition Context)
    0x00181400: 3,  # Acquisition Device Processing Description (DX/CR)
    0x0018700A: 3,  # Detector ID (DX Detector)
    0x0018700C: 3,  # Date of Last Detector Calibration (DX Detector)
    0x0018700E: 3,  # Time of Last Detector Calibration (DX Detector)
    0x00700084: 2,  # Content Creator's Name (Presentation State Identification)
    0x00180010: 2,  # Contrast/Bolus Agent (Contrast/Bolus)
}
_TYPE_BY_MODALITY: dict[tuple[int, str], int] = {
    (0x00080021, "PT"): 1,  # PET Series: Series Date type 1
    (0x00080031, "PT"): 1,
    (0x00081111, "SR"): 2,  # SR Document Series: Referenced Performed Procedure Step Sequence type 2
    (0x00081111, "KO"): 2,  # Key Object Document Series: likewise
    **{(0x00081070, m): 2 for m in ("RTPLAN", "RTSTRUCT", "RTDOSE", "RTRECORD", "RTIMAGE")},  # RT Series: Operators' Name
}
_UNKNOWN_CHOICE = {"X/Z": "Z", "X/D": "D", "Z/D": "D", "X/Z/D": "D", "X/Z/U*": "U*"}

# Retain Safe Private: (private creator, group, element byte) of numeric acquisition parameters
# that identify no one, after PS3.15 E.3.10 "Retain Safe Private Option" and Table E.3.10-1 (the
# examples of safe private attributes). Kept only when the value decodes as a number.
SAFE_PRIVATE: frozenset[tuple[str, int, int]] = frozenset({
    ("SIEMENS MR HEADER", 0x0019, 0x0C),   # B_value
    ("SIEMENS MR HEADER", 0x0019, 0x0E),   # DiffusionGradientDirection
    ("SIEMENS MR HEADER", 0x0019, 0x27),   # B_matrix
    ("GEMS_PARM_01", 0x0043, 0x39),        # slop_int_6..9 (b-value)
    ("PHILIPS MR IMAGING DD 001", 0x2001, 0x03),  # Diffusion B-Factor
})
_SAFE_PRIVATE_VRS = frozenset({"IS", "DS", "FL", "FD", "US", "SS", "UL", "SL"})

_SC_CLASSES = frozenset({
    "1.2.840.10008.5.1.4.1.1.7", "1.2.840.10008.5.1.4.1.1.7.1", "1.2.840.10008.5.1.4.1.1.7.2",
    "1.2.840.10008.5.1.4.1.1.7.3", "1.2.840.10008.5.1.4.1.1.7.4",
})
_ENCAPSULATED_DOC_PREFIX = "1.2.840.10008.5.1.4.1.1.104."
_ALWAYS_TEXT_MODALITIES = frozenset({"US", "IVUS", "OT", "ES", "XC", "GM", "DOC", "SC"})
_OFTEN_TEXT_MODALITIES = frozenset({"XA", "RF"})
_GRAY_MODALITIES = frozenset({"CT", "MR", "PT", "NM", "CR", "DX", "MG", "RF", "XA", "IO", "PX", "RG"})
_SCREEN_SIZES = frozenset({(480, 640), (600, 800), (768, 1024), (864, 1152), (1024, 1280), (1080, 1920),
                           (1200, 1600), (1050, 1680), (900, 1440)})
_SCREEN_WORDS = ("SCREEN", "CAPTURE", "DOSE", "REPORT", "SAVE")
_PIXEL_TAGS = (0x7FE00010, 0x7FE00008, 0x7FE00009)
# Top-level elements the de-identifier reads or sets whatever their row: the selective reader
# (_scan) always builds them (character set, what the burned-in rule and the identity need).
_SCAN_CONTEXT = frozenset({
    0x00080005, 0x00080008, 0x00080016, 0x00080018, 0x00080060, 0x00100010, 0x00100020, 0x00120062,
    0x00120063, 0x00120064, 0x00280004, 0x00280010, 0x00280011, 0x00280301, 0x00280303, 0x00420011,
    0x00041220, *_PIXEL_TAGS,
})


def burned_in_reason(ds: Dataset) -> str | None:
    """Why ``ds`` is likely to carry text burned into its pixels, or ``None``.

    The rule (fail closed: a hit quarantines the file unless pixels are cleaned):

    * Burned In Annotation = YES;
    * an encapsulated document (PDF, CDA, STL...): the document itself is free text;
    * a Secondary Capture SOP class, or a modality that usually carries burned-in text
      (US, IVUS, OT, ES, XC, GM, DOC, SC) whatever Burned In Annotation says;
    * unless Burned In Annotation = NO: XA and RF, image types of screen saves, captures or dose
      reports,
      colour images of normally grey-scale modalities (fusion renders, dose screens), and
      frame sizes of computer screens (640x480 ... 1920x1080).
    """
    sop = str(peek_value(ds, 0x00080016) or "")
    if sop.startswith(_ENCAPSULATED_DOC_PREFIX) or 0x00420011 in ds:
        return "encapsulated_document"
    if not any(t in ds for t in _PIXEL_TAGS):
        return None
    bia = str(peek_value(ds, 0x00280301) or "").strip().upper()
    if bia == "YES":
        return "burned_in_annotation"
    if sop in _SC_CLASSES:
        return "secondary_capture"
    modality = str(peek_value(ds, 0x00080060) or "").strip().upper()
    if modality in _ALWAYS_TEXT_MODALITIES:
        return f"modality_{modality.lower()}"
    if bia == "NO":
        return None
    if modality in _OFTEN_TEXT_MODALITIES:
        return f"modality_{modality.lower()}"
    image_type = [str(v).upper() for v in _as_list(peek_value(ds, 0x00080008))]
    if any(w in v for v in image_type for w in _SCREEN_WORDS):
        return "screen_capture_image_type"
    photometric = str(peek_value(ds, 0x00280004) or "").upper()
    if modality in _GRAY_MODALITIES and (photometric.startswith(("RGB", "YBR", "PALETTE"))):
        return "colour_on_greyscale_modality"
    try:
        size = (int(peek_value(ds, 0x00280010) or 0), int(peek_value(ds, 0x00280011) or 0))
    except (TypeError, ValueError):
        size = (0, 0)
    if size in _SCREEN_SIZES:
        return "screen_sized_image"
    return None


def peek_value(ds: Dataset, tag: int) -> Any:
    """The value of ``tag`` in ``ds`` (``None`` when absent), without converting the stored element.

    ``ds.get`` replaces a raw element by its decoded form, which the writer then has to encode
    again; reading through here leaves it raw, so its original bytes are copied to the output.
    """
    elem = ds._dict.get(btag(tag))
    if elem is None:
        return None
    if not isinstance(elem, RawDataElement):
        return elem.value
    if (elem.value is None and elem.length != 0) or _dict_vr(tag) == "SQ":
        return ds[tag].value  # deferred or needs the dataset's context: let pydicom do it
    vr = elem.VR or _dict_vr(tag)
    value = elem.value
    if isinstance(value, bytes):
        if vr in ("CS", "UI") and value.isascii():  # default repertoire: no character set needed
            parts = [x.strip(" \x00") for x in value.decode("ascii").split("\\")]
            return parts if len(parts) > 1 else parts[0]
        if vr == "US" and len(value) == 2:
            return int.from_bytes(value, "little" if elem.is_little_endian else "big")
    try:
        enc = ds.original_character_set or ds._character_set
        return convert_raw_data_element(elem, encoding=enc, ds=ds).value
    except Exception:
        return ds[tag].value


def _as_list(v: Any) -> list[Any]:
    if v is None:
        return []
    if isinstance(v, list | tuple | MultiValue):
        return list(v)
    return [v]


# Attribute set on sequence items: the file offset their RawDataElement.value_tell counts from
# (items of a sequence decoded after reading are parsed from the sequence's value alone).
ITEM_OFFSET = "_clinical_sft_offset"

_QUIET: ContextVar[bool] = ContextVar("clinical_sft_quiet_pydicom", default=False)


class _DropWhenQuiet(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not _QUIET.get()


_PYDICOM_FILTER = _DropWhenQuiet()


@contextmanager
def quiet_pydicom():
    """Silence pydicom's value warnings and log records (they can quote attribute values, i.e. PHI)."""
    if _QUIET.get():  # already quiet (nested): nothing to set up
        yield
        return
    pd_log = logging.getLogger("pydicom")
    if _PYDICOM_FILTER not in pd_log.filters:
        pd_log.addFilter(_PYDICOM_FILTER)
    token = _QUIET.set(True)
    old_read = _pdconfig.settings.reading_validation_mode
    old_write = _pdconfig.settings.writing_validation_mode
    _pdconfig.settings.reading_validation_mode = _pdconfig.IGNORE
    _pdconfig.settings.writing_validation_mode = _pdconfig.IGNORE
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        _QUIET.reset(token)
        _pdconfig.settings.reading_validation_mode = old_read
        _pdconfig.settings.writing_validation_mode = old_write


@dataclass
class DicomResult:
    """What :meth:`DicomDeidentifier.deidentify` did to one dataset (no values, ever).

    ``audit`` lists ``{"tag", "keyword", "action"}`` for every attribute changed; ``tag`` is a
    path through sequences such as ``"(0040,A730)[0]/(0040,A123)"``.
    """

    dataset: Dataset
    audit: list[dict[str, str]] = field(default_factory=list)
    pseudonym: str = ""
    pixels_cleaned: bool = False
    text_clean_failures: int = 0


@lru_cache(maxsize=4096)
def _tag_str(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


@lru_cache(maxsize=4096)
def _kw(tag: int) -> str:
    if (tag >> 16) % 2:
        return ""
    kw = keyword_for_tag(tag)
    if not kw and (tag >> 16) & 0xFF00 in (0x5000, 0x6000):
        kw = keyword_for_tag(tag & 0xFF00FFFF)
    return kw or ""


@lru_cache(maxsize=4096)
def _dict_vr(tag: int) -> str:
    try:
        vr = dictionary_VR(tag)
    except KeyError:
        try:
            vr = dictionary_VR(tag & 0xFF00FFFF) if (tag >> 16) & 0xFF00 in (0x5000, 0x6000) else "UN"
        except KeyError:
            vr = "UN"
    return vr.split(" or ")[0] if vr else "UN"


def _elem_vr(elem: RawDataElement | DataElement) -> str:
    vr = elem.VR
    if not vr or vr == "UN":  # implicit VR, or UN for a standard tag: pydicom converts to the known VR
        return _dict_vr(int(elem.tag))
    return str(vr).split(" or ")[0]


_SET_AUDIT = tuple(
    {"tag": _tag_str(int(Tag(kw))), "keyword": kw, "action": "set"}
    for kw in ("PatientIdentityRemoved", "DeidentificationMethod", "DeidentificationMethodCodeSequence",
               "LongitudinalTemporalInformationModified"))


class DicomDeidentifier:
    """De-identify DICOM datasets with PS3.15 Annex E Table E.1-1 and a :class:`DicomProfile`.

    Parameters
    ----------
    key
        The project's :class:`~clinical_sft.privacy.key.SecretKey`: UIDs (``key.uid``), the
        patient pseudonym (``key.pseudonym``) and the date shift (``key.date_shift_days``).
    profile
        Options of the profile; the Basic Profile by default.
    text_cleaner
        ``text_cleaner(text, patient_id) -> text`` used for the ``C`` (clean) actions of the
        Clean Descriptors / Clean Structured Content / Clean Graphics and Retain Patient
        Characteristics / Device Identity options. Default: the project's text
        de-identifier (``clinical_sft.privacy.text.Deidentifier``), loaded on first use. A
        value whose cleaning fails is removed (fail closed).

    Examples
    --------
    >>> from pydicom.data import get_testdata_file
    >>> from pydicom import dcmread
    >>> key = SecretKey.from_bytes(b"k" * 32)
    >>> ds = dcmread(get_testdata_file("CT_small.dcm"))
    >>> res = DicomDeidentifier(key).deidentify(ds)
    >>> res.dataset.PatientIdentityRemoved
    'YES'
    """

    def __init__(self, key: SecretKey, profile: DicomProfile | None = None, *,
                 text_cleaner: TextCleaner | None = None, table: ProfileTable | None = None) -> None:
        if not isinstance(key, SecretKey):
            raise ConfigError("DicomDeidentifier.key must be a SecretKey (SecretKey.load(...)).")
        self.key = key
        self.profile = profile or DicomProfile()
        if not isinstance(self.profile, DicomProfile):
            raise ConfigError("DicomDeidentifier.profile must be a DicomProfile.")
        self.text_cleaner = text_cleaner
        self._table = table
        self._uid_cache: dict[str, str] = {}
        self._pseudonyms: dict[str, str] = {}
        self._method_elements: dict[bool, tuple[DataElement, DataElement]] = {}
        self._actions: dict[int, str | None] = {}  # tag -> the profile's action (None: no row), cached
        # tag -> whether the top-level walk must see the element (explicit VR files, implicit VR files)
        self.scan_needed: tuple[dict[int, bool], dict[int, bool]] = ({}, {})

    # -- lazy state -------------------------------------------------------------------
    @property
    def table(self) -> ProfileTable:
        if self._table is None:
            self._table = load_profile_table()
        return self._table

    def _clean_text(self, text: str, patient_id: str | None) -> str:
        if self.text_cleaner is None:
            self.text_cleaner = DefaultTextCleaner(self.key)
        return self.text_cleaner(text, patient_id)

    def map_uid(self, uid: str) -> str:
        """The keyed replacement of ``uid`` (``key.uid``), cached."""
        u = str(uid).strip().rstrip("\x00").strip()
        if not u:
            return u
        out = self._uid_cache.get(u)
        if out is None:
            out = self.key.uid(u)
            if len(self._uid_cache) < 100_000:
                self._uid_cache[u] = out
        return out

    # -- public -----------------------------------------------------------------------
    def deidentify(self, ds: Dataset, *, pixels_cleaned: bool = False) -> DicomResult:
        """De-identify ``ds`` in place and return it with the audit of what changed.

        Pixel data are never touched here (see :func:`clean_burned_in_pixels`).
        """
        with quiet_pydicom():
            return self._deidentify(ds, pixels_cleaned)

    def _deidentify(self, ds: Dataset, pixels_cleaned: bool, selective: bool = False) -> DicomResult:
        """``selective``: ``ds`` comes from :func:`~._scan.scan` and sequences are read the same
        way (their items then hold only the elements the walk needs; the writer copies the rest)."""
        raw_pid = peek_value(ds, 0x00100020)
        patient_id = str(raw_pid or "").strip()
        pseudo = self._pseudonym(patient_id)
        modality = str(peek_value(ds, 0x00080060) or "").strip().upper()
        res = DicomResult(ds, pseudonym=pseudo, pixels_cleaned=pixels_cleaned)
        ctx = _Ctx(self, res, patient_id or None, modality, selective)
        self._walk(ds, ctx, "", "normal", top=True)

        # Patient identity: the pseudonym shared with the text de-identifier
        self._set(ds, 0x00100020, "LO", pseudo)
        self._set(ds, 0x00100010, "PN", pseudo)
        res.audit.append({"tag": "(0010,0020)", "keyword": "PatientID", "action": "pseudonym"})
        res.audit.append({"tag": "(0010,0010)", "keyword": "PatientName", "action": "pseudonym"})
        self._set(ds, 0x00120062, "CS", "YES")  # Patient Identity Removed
        p = self.profile
        if p.retain_long_full_dates:
            ltim = "UNMODIFIED"
        elif p.retain_long_modified_dates:
            ltim = "MODIFIED"
        else:
            ltim = "REMOVED"
        self._set(ds, 0x00280303, "CS", ltim)  # Longitudinal Temporal Information Modified
        if selective:  # the corpus writes and drops the dataset: the same elements serve every file
            method = self._method_elements.get(pixels_cleaned)
            if method is None:
                method = self._method_elements[pixels_cleaned] = self._method(pixels_cleaned)
            ds._dict[btag(0x00120063)], ds._dict[btag(0x00120064)] = method
        else:
            method_elem, code_seq = self._method(pixels_cleaned)
            ds._dict[btag(0x00120063)] = method_elem
            ds[0x00120064] = code_seq
        if pixels_cleaned:
            self._set(ds, 0x00280301, "CS", "NO")  # Burned In Annotation
        res.audit.extend(dict(a) for a in _SET_AUDIT)

        meta = getattr(ds, "file_meta", None)
        if isinstance(meta, FileMetaDataset | Dataset):
            self._clean_meta(meta, ds, res)
        return res

    def _method(self, pixels_cleaned: bool) -> tuple[DataElement, DataElement]:
        """De-identification Method and De-identification Method Code Sequence (CID 7050 codes)."""
        codes = self.profile.method_codes(pixels_cleaned=pixels_cleaned)
        method = DataElement(btag(0x00120063), "LO", ["DICOM PS3.15 E.1 Basic Profile", "clinical-sft"] + [
            m.removesuffix(" Option")[:64] for _, m in codes[1:]])
        items = []
        for value, meaning in codes:
            it = Dataset()
            self._set(it, 0x00080100, "SH", value)  # Code Value
            self._set(it, 0x00080102, "SH", "DCM")  # Coding Scheme Designator
            self._set(it, 0x00080104, "LO", meaning)  # Code Meaning
            items.append(it)
        return method, DataElement(btag(0x00120064), "SQ", Sequence(items))

    def _pseudonym(self, patient_id: str) -> str:
        out = self._pseudonyms.get(patient_id)
        if out is None:
            out = self.key.pseudonym(patient_id)
            if len(self._pseudonyms) < 100_000:
                self._pseudonyms[patient_id] = out
        return out

    # -- file meta --------------------------------------------------------------------
    def _clean_meta(self, meta: Dataset, ds: Dataset, res: DicomResult) -> None:
        elems = meta._dict
        for tag in (0x00020016, 0x00020017, 0x00020018, 0x00020100, 0x00020102):  # AE titles, private info
            if tag in elems:
                del elems[btag(tag)]
                res.audit.append({"tag": _tag_str(tag), "keyword": _kw(tag), "action": "X"})
        if 0x00020003 in elems:
            if self.profile.retain_uids:
                return
            sop = peek_value(ds, 0x00080018)
            new = str(sop) if sop else self.map_uid(str(peek_value(meta, 0x00020003) or ""))
            self._set(meta, 0x00020003, "UI", new)
            res.audit.append({"tag": "(0002,0003)", "keyword": "MediaStorageSOPInstanceUID", "action": "U"})

    # -- the walk ---------------------------------------------------------------------
    def _walk(self, ds: Dataset, ctx: _Ctx, path: str, mode: str, top: bool = False) -> None:
        """Apply the profile to every element of ``ds``; ``mode`` is normal, dummy or clean."""
        actions = self._actions
        elems = ds._dict
        drop_groups: set[int] = set()
        private_tags: list[int] = []
        for tag in list(elems.keys()):
            t = int(tag)
            group = t >> 16
            if group & 1:
                private_tags.append(t)
                continue
            if t & 0xFFFF == 0 and group != 0x0002:
                del elems[tag]
                ctx.audit(path, t, "X")
                continue
            if top and t in (0x00100010, 0x00100020):
                continue  # replaced by the pseudonym after the walk
            try:
                action = actions[t]
            except KeyError:
                action = self._action_for(t)
            if action is None:
                if mode != "normal":
                    self._leaf_in_sequence(ds, t, ctx, path, mode)
                else:
                    self._recurse_if_sequence(ds, t, ctx, path, "normal")
                continue
            if "/" in action:
                action = self._choose(action, t, ctx.modality)
            if t == 0x00100020:  # nested Patient ID: its own pseudonym (keeps links)
                self._set(ds, t, "LO", self._pseudonym(str(ds[t].value or "")))
                ctx.audit(path, t, "pseudonym")
                continue
            self._apply(ds, t, action, ctx, path, mode, drop_groups)
        for g in drop_groups:
            for tag in [k for k in elems if int(k) >> 16 == g]:
                del elems[tag]
                ctx.audit(path, int(tag), "X")
        if private_tags:
            self._private(ds, private_tags, ctx, path)

    def walk_needs(self, t: int, implicit: bool) -> bool:
        """Whether the top-level walk can change, or reads, a non-sequence element with tag ``t``.

        ``False`` means :meth:`deidentify` leaves the element as it is: no row in Table E.1-1,
        not private, not a group length, not in an overlay or curve group (removed as a whole),
        not read by the identity or burned-in rules. With ``implicit`` the element's VR is the
        dictionary's, so tags whose dictionary VR is SQ (or unknown) are needed too.
        """
        group = t >> 16
        if group & 1 or t & 0xFFFF == 0 or group & 0xFF00 in (0x5000, 0x6000) or t in _SCAN_CONTEXT:
            return True
        action = self._actions[t] if t in self._actions else self._action_for(t)
        if action is not None:
            return True
        return implicit and _dict_vr(t) in ("SQ", "UN")

    def _action_for(self, t: int) -> str | None:
        """The profile's action for tag ``t`` (``None`` when Table E.1-1 has no row), cached."""
        row = self.table.lookup(t)
        action = None if row is None else self.profile.resolve(row)
        if len(self._actions) < 100_000:
            self._actions[t] = action
        return action

    def _choose(self, action: str, tag: int, modality: str) -> str:
        typ = _TYPE_BY_MODALITY.get((tag, modality), _KNOWN_TYPE.get(tag))
        opts = action.split("/")
        if typ == 3 and "X" in opts:
            return "X"
        if typ == 2 and "Z" in opts:
            return "Z"
        if typ == 1:
            return opts[-1]
        return _UNKNOWN_CHOICE[action]

    def _recurse_if_sequence(self, ds: Dataset, t: int, ctx: _Ctx, path: str, mode: str) -> None:
        raw = ds._dict[btag(t)]
        vr = _elem_vr(raw)
        if vr not in ("SQ", "UN"):
            return
        if vr == "UN" and not (isinstance(raw, RawDataElement) and raw.length == 0xFFFFFFFF):
            return
        elem = None
        if ctx.selective and mode == "normal" and vr == "SQ" and isinstance(raw, RawDataElement) \
                and raw.VR in ("SQ", None) and isinstance(raw.value, bytes):
            # items read selectively, as the top level was (their elements without a row stay raw bytes)
            items = scan_sequence(raw.value, raw.is_implicit_VR, raw.is_little_endian, self.scan_needed,
                                  self.walk_needs, ds._character_set)
            if items is not None:
                elem = ds._dict[btag(t)] = DataElement(btag(t), "SQ", Sequence(items))
        if elem is None:
            elem = ds[t]  # an undefined-length UN is read as a sequence when it parses as one
        if elem.VR != "SQ":
            return
        n_changes = len(ctx.res.audit)
        base = ds.__dict__.get(ITEM_OFFSET, 0)
        if isinstance(raw, RawDataElement) and raw.value_tell is not None:
            # items parsed now from the raw value: their elements' positions count from the value's start
            base += raw.value_tell
        for i, item in enumerate(elem.value):
            item.__dict__[ITEM_OFFSET] = base  # where the item's element positions count from (for the writer)
            self._walk(item, ctx, f"{path}{_tag_str(t)}[{i}]/", mode)
        if len(ctx.res.audit) == n_changes and isinstance(raw, RawDataElement):
            ds._dict[btag(t)] = raw  # nothing changed inside: keep the original encoding

    def _leaf_in_sequence(self, ds: Dataset, t: int, ctx: _Ctx, path: str, mode: str) -> None:
        """An element without a table row inside a D (dummy) or C (clean) sequence."""
        raw = ds._dict[btag(t)]
        vr = _elem_vr(raw)
        if vr in ("SQ", "UN"):
            self._recurse_if_sequence(ds, t, ctx, path, mode)
            return
        if t in _STRUCTURAL or vr in _NUM_VRS or vr in ("CS", "IS", "DS", "FL", "FD") or vr in _BIN_VRS:
            return
        if vr == "UI":
            elem = ds[t]
            vals = [str(v) for v in _as_list(elem.value)]
            if all(v in UID_dictionary for v in vals):
                return  # well-known standard UIDs (SOP classes, coding schemes)
            self._apply(ds, t, "U", ctx, path, mode, set())
            return
        if vr in _DATE_VRS:
            self._apply(ds, t, self._date_action(), ctx, path, mode, set())
            return
        if vr in _TEXT_VRS:
            self._apply(ds, t, "C" if mode == "clean" else "D", ctx, path, mode, set())

    def _date_action(self) -> str:
        if self.profile.retain_long_full_dates:
            return "K"
        if self.profile.retain_long_modified_dates:
            return "C"
        return "D"

    # -- actions ----------------------------------------------------------------------
    def _apply(self, ds: Dataset, t: int, action: str, ctx: _Ctx, path: str, mode: str,
               drop_groups: set[int]) -> None:
        tag = btag(t)
        if action in ("K", "U*"):
            self._recurse_if_sequence(ds, t, ctx, path, mode)
            return
        if action == "X":
            if (t >> 16) & 0xFF00 == 0x6000 and t & 0xFFFF == 0x3000:
                drop_groups.add(t >> 16)
            del ds._dict[tag]
            ctx.audit(path, t, "X")
            return
        vr = _elem_vr(ds._dict[tag])
        if action == "Z":
            empty: Any = Sequence([]) if vr == "SQ" else ("" if vr in _DUMMY_STR or vr == "UI" else None)
            self._set(ds, t, vr, empty)
            ctx.audit(path, t, "Z")
            return
        if action == "U":
            if vr == "SQ":
                self._recurse_if_sequence(ds, t, ctx, path, mode)
                return
            raw = ds._dict[tag]
            value = raw.value if isinstance(raw, RawDataElement) and raw.value is not None else ds[t].value
            vals = [self.map_uid(str(v)) for v in _as_list(_as_text_value(value)) if str(v).strip()]
            self._set(ds, t, "UI", vals if len(vals) > 1 else (vals[0] if vals else None))
            ctx.audit(path, t, "U")
            return
        if action == "D":
            if vr == "SQ":
                self._recurse_if_sequence(ds, t, ctx, path, "clean" if mode == "clean" else "dummy")
                ctx.audit(path, t, "D")
                return
            self._set(ds, t, vr, self._dummy(ds, t, vr))
            ctx.audit(path, t, "D")
            return
        if action == "C":
            self._clean(ds, t, vr, ctx, path, drop_groups)
            return
        raise ConfigError(f"unknown action {action!r} for {_tag_str(t)}")

    def _dummy(self, ds: Dataset, t: int, vr: str) -> Any:
        if vr in _DUMMY_STR:
            return _DUMMY_STR[vr]
        if vr == "UI":
            elem = ds[t]
            return self.map_uid(str(elem.value)) if elem.value else self.key.uid(f"dummy:{t}")
        if vr in _NUM_VRS:
            return 0
        if vr in ("OF", "OL"):
            return b"\x00\x00\x00\x00"
        if vr in ("OD", "OV"):
            return b"\x00" * 8
        return b"\x00\x00"

    def _clean(self, ds: Dataset, t: int, vr: str, ctx: _Ctx, path: str, drop_groups: set[int]) -> None:
        """The C action: dates shifted, free text through the text de-identifier."""
        if vr == "SQ":
            self._recurse_if_sequence(ds, t, ctx, path, "clean")
            ctx.audit(path, t, "C")
            return
        if vr in ("DA", "DT"):
            if self.profile.retain_long_full_dates:
                return
            if self.profile.retain_long_modified_dates:
                elem = ds[t]
                shifted = [_shift(str(v), vr, ctx.shift_days()) for v in _as_list(elem.value)]
                self._set(ds, t, vr, shifted if len(shifted) > 1 else (shifted[0] if shifted else None))
                ctx.audit(path, t, "C:shift")
                return
            self._set(ds, t, vr, _DUMMY_STR[vr])
            ctx.audit(path, t, "D")
            return
        if vr == "TM" or vr in _NUM_VRS or vr in ("IS", "DS", "AS", "CS"):
            return  # times under modified dates, numbers, codes: kept
        if vr == "UI":
            self._apply(ds, t, "U", ctx, path, "normal", drop_groups)
            return
        if (t >> 16) & 0xFF00 == 0x6000 and t & 0xFFFF == 0x3000:
            if _overlay_has_text(ds, t >> 16):
                drop_groups.add(t >> 16)
                ctx.audit(path, t, "X")
            return
        if vr in _TEXT_VRS:
            elem = ds[t]
            vals = [str(v) for v in _as_list(_as_text_value(elem.value))]
            try:
                cleaned = [self._clean_text(v, ctx.patient_id) if v.strip() else v for v in vals]
            except Exception as e:  # fail closed: the value goes, never stays
                log.debug("text cleaner failed on %s (%s): value removed", _tag_str(t), type(e).__name__)
                del ds._dict[btag(t)]
                ctx.res.text_clean_failures += 1
                ctx.audit(path, t, "X:clean_failed")
                return
            lim = _MAX_LEN.get(vr)
            if lim:
                cleaned = [c[:lim] for c in cleaned]
            if vr == "PN":
                cleaned = [c.replace("\\", " ") for c in cleaned]
            self._set(ds, t, vr, cleaned if len(cleaned) > 1 else (cleaned[0] if cleaned else None))
            ctx.audit(path, t, "C")
            return
        # binary values with a C action (curve data...): kept only if not text; remove
        del ds._dict[btag(t)]
        ctx.audit(path, t, "X")

    def _set(self, ds: Dataset, t: int, vr: str, value: Any) -> None:
        tag = btag(t)
        if type(value) is str or value is None:
            if vr in _STR_AS_IS_VRS:  # pydicom keeps these values as they are: skip its conversion
                ds._dict[tag] = DataElement(tag, vr, value, already_converted=True)
                return
            if vr == "UI":
                ds._dict[tag] = DataElement(tag, vr, None if value is None else UID(value), already_converted=True)
                return
        ds._dict[tag] = DataElement(tag, vr, value)

    # -- private ----------------------------------------------------------------------
    def _private(self, ds: Dataset, tags: list[int], ctx: _Ctx, path: str) -> None:
        elems = ds._dict
        keep: set[int] = set()
        if self.profile.retain_safe_private:
            creators: dict[tuple[int, int], str] = {}
            for t in tags:
                if 0x0010 <= t & 0xFFFF <= 0x00FF:
                    try:
                        creators[(t >> 16, t & 0xFF)] = str(ds[t].value or "").strip().upper()
                    except Exception:
                        continue
            for t in tags:
                el = t & 0xFFFF
                if el < 0x1000:
                    continue
                creator = creators.get((t >> 16, el >> 8))
                if creator and (creator, t >> 16, el & 0xFF) in SAFE_PRIVATE and _numeric_value(ds, t):
                    keep.add(t)
                    keep.add(((t >> 16) << 16) | (el >> 8))
        for t in tags:
            if t in keep:
                continue
            del elems[btag(t)]
            ctx.audit(path, t, "X")


def _numeric_value(ds: Dataset, t: int) -> bool:
    try:
        elem = ds[t]
    except Exception:
        return False
    vr = _elem_vr(elem)
    if vr == "UN":
        raw = elem.value
        if not isinstance(raw, bytes):
            return False
        try:
            text = raw.decode("ascii").strip(" \x00")
            [float(x) for x in text.split("\\")]
            return bool(text)
        except (UnicodeDecodeError, ValueError):
            return len(raw) in (2, 4, 8) or (len(raw) % 8 == 0 and len(raw) <= 96)
    if vr not in _SAFE_PRIVATE_VRS:
        return False
    try:
        [float(v) for v in _as_list(elem.value)]
    except (TypeError, ValueError):
        return False
    return True


def _as_text_value(v: Any) -> Any:
    if isinstance(v, bytes):
        return v.decode("latin-1").strip(" \x00").split("\\")
    return v


def _shift(value: str, vr: str, days: int) -> str:
    """Shift the date part of a DA or DT value by ``days``; a value that does not parse becomes a dummy."""
    v = value.strip()
    if not v:
        return v
    try:
        d = _dt.datetime.strptime(v[:8], "%Y%m%d").date() + _dt.timedelta(days=days)
    except ValueError:
        return DUMMY_DA if vr == "DA" else DUMMY_DT
    head = f"{d.year:04d}{d.month:02d}{d.day:02d}"
    return head if vr == "DA" else head + v[8:]


def _overlay_has_text(ds: Dataset, group: int) -> bool:
    """Whether the overlay bitmap of ``group`` holds text (OCR); True when OCR is unavailable."""
    try:
        from clinical_sft.privacy.dicom._pixels import overlay_text_boxes

        return bool(overlay_text_boxes(ds, group))
    except Exception:
        return True


class _Ctx:
    __slots__ = ("deid", "res", "patient_id", "modality", "selective", "_shift")

    def __init__(self, deid: DicomDeidentifier, res: DicomResult, patient_id: str | None, modality: str,
                 selective: bool = False) -> None:
        self.deid = deid
        self.selective = selective
        self.res = res
        self.patient_id = patient_id
        self.modality = modality
        self._shift: int | None = None

    def shift_days(self) -> int:
        if self._shift is None:
            self._shift = self.deid.key.date_shift_days(self.patient_id or "")
        return self._shift

    def audit(self, path: str, t: int, action: str) -> None:
        self.res.audit.append({"tag": path + _tag_str(t), "keyword": _kw(t), "action": action})


class DefaultTextCleaner:
    """The project's text de-identifier as a ``text_cleaner``, built once per process.

    Picklable (it holds the key only); ``clinical_sft.privacy.text.Deidentifier`` is imported
    and built on first use.
    """

    def __init__(self, key: SecretKey) -> None:
        self.key = key
        self._deid: Any = None
        self._error: str | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"key": self.key, "_deid": None, "_error": None}

    def __call__(self, text: str, patient_id: str | None) -> str:
        if self._error is not None:
            raise RuntimeError(f"text de-identifier unavailable ({self._error})")
        if self._deid is None:
            try:
                from clinical_sft.privacy.text import DeidConfig, Deidentifier

                self._deid = Deidentifier(DeidConfig(), self.key)
            except Exception as e:
                self._error = type(e).__name__
                log.warning("the text de-identifier could not be loaded (%s): values to clean are removed",
                            self._error)
                raise
        return self._deid.deidentify(text, patient_id=patient_id).text
