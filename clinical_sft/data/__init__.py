"""Schemas, readers and the synthetic cohort generator (imports nothing else of clinical_sft)."""

from clinical_sft.data.readers import detect_format, iter_text_records
from clinical_sft.data.records import Record, Span

__all__ = ["Record", "Span", "detect_format", "iter_text_records"]
