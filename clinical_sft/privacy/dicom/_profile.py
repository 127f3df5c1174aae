"""The DICOM PS3.15 Table E.1-1 and the profile options that select its actions.

The table ships as package data (``clinical_sft/privacy/_profiles/ps3.15-table-e1-1.json``,
see its README for source and licence). Each row gives the Basic Profile action and, for the
options that change it, the option's action. :class:`DicomProfile` names the options by their
CID 7050 meanings and resolves, for one attribute, the single action to apply.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from importlib import resources
from typing import Any

from clinical_sft.errors import ConfigError

__all__ = ["DicomProfile", "ProfileTable", "TableRow", "load_profile_table", "OPTION_CODES"]

TABLE_FILE = "ps3.15-table-e1-1.json"

# CID 7050 "De-identification Method" codes (PS3.16), coding scheme DCM.
BASIC_PROFILE_CODE = ("113100", "Basic Application Confidentiality Profile")
OPTION_CODES: dict[str, tuple[str, str]] = {
    "clean_pixels": ("113101", "Clean Pixel Data Option"),
    "clean_graphics": ("113103", "Clean Graphics Option"),
    "clean_structured_content": ("113104", "Clean Structured Content Option"),
    "clean_descriptors": ("113105", "Clean Descriptors Option"),
    "retain_long_full_dates": ("113106", "Retain Longitudinal Temporal Information Full Dates Option"),
    "retain_long_modified_dates": ("113107", "Retain Longitudinal Temporal Information Modified Dates Option"),
    "retain_patient_characteristics": ("113108", "Retain Patient Characteristics Option"),
    "retain_device_identity": ("113109", "Retain Device Identity Option"),
    "retain_uids": ("113110", "Retain UIDs Option"),
    "retain_safe_private": ("113111", "Retain Safe Private Option"),
    "retain_institution_identity": ("113112", "Retain Institution Identity Option"),
}

# profile option -> the table column it reads
_OPTION_COLUMNS: dict[str, str] = {
    "retain_safe_private": "rtnSafePrivOpt",
    "retain_uids": "rtnUIDsOpt",
    "retain_device_identity": "rtnDevIdOpt",
    "retain_institution_identity": "rtnInstIdOpt",
    "retain_patient_characteristics": "rtnPatCharsOpt",
    "retain_long_full_dates": "rtnLongFullDatesOpt",
    "retain_long_modified_dates": "rtnLongModifDatesOpt",
    "clean_descriptors": "cleanDescOpt",
    "clean_structured_content": "cleanStructContOpt",
    "clean_graphics": "cleanGraphOpt",
}
# Retain options (K) win over clean options (C): the user asked to keep those attributes.
_OPTION_PRECEDENCE = (
    "retain_uids", "retain_device_identity", "retain_institution_identity", "retain_patient_characteristics",
    "retain_long_full_dates", "retain_long_modified_dates", "retain_safe_private",
    "clean_descriptors", "clean_structured_content", "clean_graphics",
)
BURNED_IN_CHOICES = ("quarantine", "clean", "keep")
_ACTIONS = {"X", "Z", "D", "K", "C", "U", "X/Z", "X/D", "Z/D", "X/Z/D", "X/Z/U*"}


@dataclass(frozen=True)
class DicomProfile:
    """The PS3.15 Annex E profile and options to apply (CID 7050 names).

    The defaults are the Basic Application Level Confidentiality Profile with no option: the
    safest setting. Every option keeps or cleans more of what the Basic Profile removes.

    Parameters
    ----------
    retain_long_full_dates
        Retain Longitudinal Temporal Information, Full Dates: dates and times kept as they are.
    retain_long_modified_dates
        Retain Longitudinal Temporal Information, Modified Dates: dates shifted by the patient's
        keyed offset (``SecretKey.date_shift_days(PatientID)``, the same the text
        de-identifier uses), times kept.
    retain_patient_characteristics, retain_device_identity, retain_institution_identity, retain_uids
        Keep those attributes (``K``) or clean them (``C``) as the table says.
    retain_safe_private
        Keep private attributes on the built-in safe list (numeric diffusion and acquisition
        parameters); every other private attribute is removed.
    clean_descriptors, clean_structured_content, clean_graphics
        Free-text descriptions, SR content and graphic annotations go through the text
        de-identifier instead of being removed.
    burned_in
        What to do with a file that has, or is likely to have, text burned into its pixels:
        ``"quarantine"`` (default), ``"clean"`` (OCR and black out text boxes: the Clean Pixel
        Data option) or ``"keep"`` (only for files whose pixels a person has checked).

    Examples
    --------
    >>> DicomProfile().options()
    []
    >>> DicomProfile.tcia().retain_long_modified_dates
    True
    """

    retain_long_full_dates: bool = False
    retain_long_modified_dates: bool = False
    retain_patient_characteristics: bool = False
    retain_device_identity: bool = False
    retain_institution_identity: bool = False
    retain_uids: bool = False
    retain_safe_private: bool = False
    clean_descriptors: bool = False
    clean_structured_content: bool = False
    clean_graphics: bool = False
    burned_in: str = "quarantine"

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "burned_in":
                if v not in BURNED_IN_CHOICES:
                    raise ConfigError(f"DicomProfile.burned_in must be one of {BURNED_IN_CHOICES}, got {v!r}")
            elif not isinstance(v, bool):
                raise ConfigError(f"DicomProfile.{f.name} must be True or False, got {type(v).__name__}")
        if self.retain_long_full_dates and self.retain_long_modified_dates:
            raise ConfigError(
                "DicomProfile.retain_long_full_dates and retain_long_modified_dates exclude each other; choose one."
            )

    # -- presets ----------------------------------------------------------------------
    @classmethod
    def basic(cls, **overrides: Any) -> DicomProfile:
        """The Basic Application Level Confidentiality Profile, no option."""
        return cls(**overrides)

    @classmethod
    def tcia(cls, **overrides: Any) -> DicomProfile:
        """What The Cancer Imaging Archive asks of submitters.

        TCIA's de-identification (its "De-identification Knowledge Base" and the method codes
        in its published collections) applies the Basic Profile with Retain Longitudinal
        Temporal Information Modified Dates, Retain Patient Characteristics, Retain Device
        Identity, Retain Safe Private, Clean Descriptors and Clean Structured Content, and
        reviews or cleans pixel data with burned-in text (here: quarantined unless
        ``burned_in="clean"``).
        """
        base: dict[str, Any] = dict(retain_long_modified_dates=True, retain_patient_characteristics=True,
                    retain_device_identity=True, retain_safe_private=True, clean_descriptors=True,
                    clean_structured_content=True)
        base.update(overrides)
        return cls(**base)

    @classmethod
    def preset(cls, name: str, **overrides: Any) -> DicomProfile:
        """A preset by name: ``"basic"`` or ``"tcia"``."""
        if name == "basic":
            return cls.basic(**overrides)
        if name == "tcia":
            return cls.tcia(**overrides)
        raise ConfigError(f"profile preset must be 'basic' or 'tcia', got {name!r}")

    # -- views ------------------------------------------------------------------------
    def options(self) -> list[str]:
        """The names of the options switched on (excluding ``burned_in``)."""
        return [n for n in _OPTION_COLUMNS if getattr(self, n)]

    def method_codes(self, pixels_cleaned: bool = False) -> list[tuple[str, str]]:
        """CID 7050 codes for De-identification Method Code Sequence: profile, then options."""
        codes = [BASIC_PROFILE_CODE]
        if pixels_cleaned:
            codes.append(OPTION_CODES["clean_pixels"])
        codes += [OPTION_CODES[n] for n in OPTION_CODES if n != "clean_pixels" and getattr(self, n, False)]
        return codes

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def resolve(self, row: TableRow) -> str:
        """The action for ``row`` under this profile: an option's action, else the basic one."""
        for name in _OPTION_PRECEDENCE:
            if getattr(self, name):
                a = row.options.get(_OPTION_COLUMNS[name])
                if a:
                    return a
        return row.basic


@dataclass(frozen=True)
class TableRow:
    tag: str
    name: str
    basic: str
    options: dict[str, str]


_HEX_TAG = re.compile(r"^\(([0-9A-FX]{4}),([0-9A-FX]{4})\)$")


class ProfileTable:
    """Table E.1-1 indexed for lookup: exact tags, masked wildcard tags, the private row.

    ``lookup(tag)`` is a dict lookup for exact tags and a few mask tests for the wildcard
    groups ((50xx,xxxx) curves, (60xx,3000) and (60xx,4000) overlays, as PS3.15 writes them).
    """

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows: list[TableRow] = []
        self.exact: dict[int, TableRow] = {}
        self.masked: list[tuple[int, int, TableRow]] = []  # (mask, value, row)
        self.private: TableRow | None = None
        for r in rows:
            opts = {c: r[c] for c in _OPTION_COLUMNS.values() if r.get(c)}
            row = TableRow(r["tag"], r["name"], r["basicProfile"].strip(), opts)
            if row.basic not in _ACTIONS:
                raise ConfigError(f"Table E.1-1 row {row.tag}: unknown action {row.basic!r}")
            self.rows.append(row)
            m = _HEX_TAG.match(r["tag"].upper())
            if m is None:
                if "ODD" in r["tag"].upper():
                    self.private = row
                    continue
                raise ConfigError(f"Table E.1-1: cannot parse tag {r['tag']!r}")
            s = m.group(1) + m.group(2)
            if "X" in s:
                mask = int("".join("0" if c == "X" else "F" for c in s), 16)
                value = int(s.replace("X", "0"), 16)
                self.masked.append((mask, value, row))
            else:
                self.exact[int(s, 16)] = row

    def __len__(self) -> int:
        return len(self.rows)

    def lookup(self, tag: int) -> TableRow | None:
        row = self.exact.get(tag)
        if row is not None:
            return row
        # repeating groups only live in 50xx / 60xx
        if 0x50000000 <= tag < 0x61000000:
            for mask, value, r in self.masked:
                if tag & mask == value:
                    return r
        return None


@lru_cache(maxsize=1)
def load_profile_table() -> ProfileTable:
    """The packaged Table E.1-1 (cached)."""
    text = resources.files("clinical_sft.privacy").joinpath("_profiles", TABLE_FILE).read_text("utf-8")
    return ProfileTable(json.loads(text))
