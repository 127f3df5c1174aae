"""The record: the unit that every corpus job reads, processes and writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Record", "Span"]


@dataclass(frozen=True)
class Span:
    """A labelled character span: 0-based, end-exclusive offsets into a text."""

    start: int
    end: int
    label: str
    score: float = 1.0
    recognizer: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "label": self.label}
        if self.recognizer:
            d["score"] = round(float(self.score), 4)
            d["recognizer"] = self.recognizer
        return d


@dataclass(frozen=True)
class Record:
    """One input record of a corpus.

    Parameters
    ----------
    id
        Stable record id (from the id column/field, the file's relative path, or the line).
    source
        The input file (relative to the input root where there is one).
    locator
        Where in ``source`` the record sits (``"line 12"``, ``"row 3"``, ``""`` for whole files).
    data
        The record itself (for text: at least ``"text"``; other fields are carried through).
    patient_id
        The patient the record belongs to, when known (keys pseudonyms and date shifts).
    error
        A reason when the record could not be read (it is quarantined, never processed).
    """

    id: str
    source: str
    locator: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    patient_id: str | None = None
    error: str | None = None
    error_detail: str = ""

    def where(self) -> str:
        """A PHI-free locator for messages: file and record position."""
        return f"{self.source}" + (f" {self.locator}" if self.locator else "")
