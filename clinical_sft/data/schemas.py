"""Schemas shared across the toolkit: gold PHI-span records and demographics tables.

Gold format (JSONL, one note a line)::

    {"id": str, "patient_id": str?, "text": str,
     "spans": [{"start": int, "end": int, "label": str, ...}, ...], ...}

with 0-based, end-exclusive character offsets into ``text``. Extra keys are carried through.

Demographics tables have an ``id`` column (a patient or record id) plus one column per attribute.
Validation errors name the file, line and field, never the content of a record.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported where used: importing clinical_sft.data stays light
    import pandas as pd

from clinical_sft.errors import InputError, RecordError

__all__ = ["iter_gold_jsonl", "read_gold_jsonl", "validate_demographics", "validate_gold_record"]


def validate_gold_record(obj: Any, *, source: str = "", record: str = "", require_text: bool = True,
                         allow_overlaps: bool = False) -> dict[str, Any]:
    """Check one gold record and return it with spans sorted by ``(start, end)``.

    Parameters
    ----------
    obj
        The parsed record.
    source, record
        Where it came from (for error messages).
    require_text
        Whether ``text`` must be present (predictions may come without text).
    allow_overlaps
        Whether spans may overlap (gold spans should not; predictions may).

    Raises
    ------
    RecordError
        With a reason such as ``"missing_field"``, ``"bad_span"`` or ``"overlapping_spans"``.
    """
    if not isinstance(obj, Mapping):
        raise RecordError("not_an_object", source, record, "expected a JSON object")
    rid = obj.get("id")
    if rid is None or not isinstance(rid, (str, int)) or (isinstance(rid, str) and not rid):
        raise RecordError("missing_field", source, record, "field 'id' must be a non-empty string")
    where = record or f"id {rid}"
    text = obj.get("text")
    if require_text and not isinstance(text, str):
        raise RecordError("missing_field", source, where, "field 'text' must be a string")
    spans = obj.get("spans", [])
    if not isinstance(spans, list):
        raise RecordError("bad_field", source, where, "field 'spans' must be a list")
    out_spans = []
    for i, s in enumerate(spans):
        if not isinstance(s, Mapping):
            raise RecordError("bad_span", source, where, f"spans[{i}] is not an object")
        st, en, lab = s.get("start"), s.get("end"), s.get("label")
        if not (isinstance(st, int) and isinstance(en, int)) or isinstance(st, bool) or isinstance(en, bool):
            raise RecordError("bad_span", source, where, f"spans[{i}] needs integer 'start' and 'end'")
        if not 0 <= st < en or (isinstance(text, str) and en > len(text)):
            raise RecordError("bad_span", source, where, f"spans[{i}] offsets out of range (start {st}, end {en})")
        if not isinstance(lab, str) or not lab:
            raise RecordError("bad_span", source, where, f"spans[{i}] needs a non-empty string 'label'")
        out_spans.append(dict(s))
    out_spans.sort(key=lambda s: (s["start"], s["end"]))
    if not allow_overlaps:
        for a, b in zip(out_spans, out_spans[1:]):
            if b["start"] < a["end"]:
                raise RecordError("overlapping_spans", source, where, f"spans at {a['start']}-{a['end']} and {b['start']}-{b['end']} overlap")
    rec = dict(obj)
    rec["id"] = str(rid)
    rec["spans"] = out_spans
    return rec


def iter_gold_jsonl(path: str | Path, *, require_text: bool = True, allow_overlaps: bool = False) -> Iterator[dict[str, Any]]:
    """Yield validated gold records from a JSONL file (blank lines skipped).

    Raises
    ------
    InputError
        When the file does not exist; :class:`RecordError` for a malformed line.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"Gold file {p} does not exist or is not a file.")
    with p.open("r", encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                raise RecordError("malformed_json", p.name, f"line {n}") from None
            yield validate_gold_record(obj, source=p.name, record=f"line {n}", require_text=require_text,
                                       allow_overlaps=allow_overlaps)


def read_gold_jsonl(path: str | Path, **kwargs: Any) -> list[dict[str, Any]]:
    """All records of :func:`iter_gold_jsonl` as a list."""
    return list(iter_gold_jsonl(path, **kwargs))


def validate_demographics(df: pd.DataFrame, *, id_column: str = "id", source: str = "demographics") -> pd.DataFrame:
    """Check a demographics table: an ``id`` column, unique ids, at least one attribute column.

    Returns the table with ``id`` as strings and attribute values as strings (missing -> "Unknown").
    """
    import pandas as pd

    if id_column not in df.columns:
        raise InputError(f"{source}: missing column '{id_column}' (columns: {', '.join(map(str, df.columns))}).")
    if df[id_column].isna().any():
        raise InputError(f"{source}: column '{id_column}' has empty values.")
    out = df.copy()
    out[id_column] = out[id_column].astype(str)
    dup = out[id_column].duplicated()
    if dup.any():
        raise InputError(f"{source}: column '{id_column}' has {int(dup.sum())} duplicate ids.")
    attrs = [c for c in out.columns if c != id_column]
    if not attrs:
        raise InputError(f"{source}: no attribute columns besides '{id_column}'.")
    for c in attrs:
        if not pd.api.types.is_numeric_dtype(out[c]):
            out[c] = out[c].fillna("Unknown").astype(str)
    return out
