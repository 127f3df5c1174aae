"""DICOM de-identification: PS3.15 Annex E Basic Profile and options, for files and corpora.

Examples
--------
>>> from clinical_sft.privacy.dicom import DicomDeidentifier, DicomProfile
>>> profile = DicomProfile.tcia()              # or DicomProfile(retain_uids=True, ...)
>>> # DicomDeidentifier(key, profile).deidentify(dataset)
>>> # deidentify_dicom_corpus(["in/"], "out/", key, profile, verify=True)
"""

from clinical_sft.privacy.dicom._corpus import (
    DicomCorpusResult,
    deidentify_dicom_corpus,
    deidentify_dicom_file,
    iter_dicom_records,
)
from clinical_sft.privacy.dicom._engine import (
    SAFE_PRIVATE,
    DefaultTextCleaner,
    DicomDeidentifier,
    DicomResult,
    TextCleaner,
    burned_in_reason,
)
from clinical_sft.privacy.dicom._pixels import TextBox, clean_burned_in_pixels, evaluate_boxes, ocr_available
from clinical_sft.privacy.dicom._profile import OPTION_CODES, DicomProfile, ProfileTable, load_profile_table
from clinical_sft.privacy.dicom._verify import VerifyReport, verify_dicom_file

__all__ = [
    "OPTION_CODES",
    "SAFE_PRIVATE",
    "DefaultTextCleaner",
    "DicomCorpusResult",
    "DicomDeidentifier",
    "DicomProfile",
    "DicomResult",
    "ProfileTable",
    "TextBox",
    "TextCleaner",
    "VerifyReport",
    "burned_in_reason",
    "clean_burned_in_pixels",
    "deidentify_dicom_corpus",
    "deidentify_dicom_file",
    "evaluate_boxes",
    "iter_dicom_records",
    "load_profile_table",
    "ocr_available",
    "verify_dicom_file",
]
