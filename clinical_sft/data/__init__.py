"""Schemas, readers and the synthetic cohort generator (imports nothing else of clinical_sft)."""

from clinical_sft.data.readers import detect_format, iter_text_records
from clinical_sft.data.records import Record, Span
from clinical_sft.data.schemas import (
    iter_gold_jsonl,
    read_gold_jsonl,
    validate_demographics,
    validate_gold_record,
)
from clinical_sft.data.synthetic import (
    DEMOGRAPHIC_ATTRIBUTES,
    NOTE_STYLES,
    PHI_LABELS,
    Cohort,
    PlantedDisparity,
    generate_cohort,
)

__all__ = [
    "DEMOGRAPHIC_ATTRIBUTES",
    "NOTE_STYLES",
    "PHI_LABELS",
    "Cohort",
    "PlantedDisparity",
    "Record",
    "Span",
    "detect_format",
    "generate_cohort",
    "iter_gold_jsonl",
    "iter_text_records",
    "read_gold_jsonl",
    "validate_demographics",
    "validate_gold_record",
]
