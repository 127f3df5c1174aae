"""De-identification of clinical text and DICOM, the secret key, the corpus job, DP training helpers.

Text::

    from clinical_sft.privacy import Deidentifier, DeidConfig, SecretKey
    deid = Deidentifier(DeidConfig(operator="surrogate"), key=SecretKey.load("project.key"))
    result = deid.deidentify("SEEN BY DR. OKAFOR ON 7/22", patient_id="MRN123")

Corpus: :func:`deidentify_corpus` (what ``clinical-sft deid text`` runs). Heavy parts (DICOM,
differential privacy with torch) are imported on first use of their names.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from clinical_sft.privacy.corpus import CorpusJob, JobSummary, Outcome, atomic_write_bytes, atomic_write_text
from clinical_sft.privacy.key import DEFAULT_KEY_ENV, SecretKey
from clinical_sft.privacy.operators import (
    DATE_MODES,
    OPERATORS,
    OutputSpan,
    apply_operator,
    shift_date,
    surrogate,
)
from clinical_sft.privacy.text import (
    DEFAULT_RECOGNIZERS,
    DeidConfig,
    Deidentifier,
    DeidResult,
    TextDeidProcessor,
    deidentify_corpus,
    merge_spans,
)

__all__ = [
    "DATE_MODES",
    "DEFAULT_KEY_ENV",
    "DEFAULT_RECOGNIZERS",
    "OPERATORS",
    "CorpusJob",
    "DeidConfig",
    "DeidResult",
    "Deidentifier",
    "JobSummary",
    "Outcome",
    "OutputSpan",
    "SecretKey",
    "TextDeidProcessor",
    "apply_operator",
    "atomic_write_bytes",
    "atomic_write_text",
    "deidentify_corpus",
    "merge_spans",
    "register_recognizer",
    "shift_date",
    "surrogate",
]

# names of sibling modules, imported on first access (they pull in torch, pydicom, ...)
_LAZY: dict[str, str] = {"register_recognizer": "clinical_sft.privacy.recognizers"}
_OPTIONAL = {
    "clinical_sft.privacy.evaluate": ("DeidEvaluation", "evaluate_spans", "evaluate_deidentifier",
                                      "evaluate_tagger_thresholds", "read_gold",
                                      "read_presidio_research", "read_audit"),
    "clinical_sft.privacy.dicom": ("DicomDeidentifier", "DicomProfile", "DicomResult", "DicomCorpusResult",
                                   "VerifyReport"),
    "clinical_sft.privacy.dp": ("DPConfig", "DPSession", "compute_epsilon", "fix_model", "max_steps_within_budget"),
}
for _mod, _names in _OPTIONAL.items():
    if importlib.util.find_spec(_mod) is not None:
        for _n in _names:
            _LAZY[_n] = _mod
            __all__.append(_n)


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'clinical_sft.privacy' has no attribute {name!r}")
    value = getattr(importlib.import_module(mod), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
