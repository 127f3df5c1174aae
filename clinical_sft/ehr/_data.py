"""Notes for fine-tuning: JSONL, pandas DataFrames or Dataset-like objects; splits by patient."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clinical_sft.errors import ConfigError, InputError

logger = logging.getLogger(__name__)

__all__ = ["load_notes", "split_by_patient", "read_demographics"]

#: What note loaders accept: a JSONL/CSV path, a DataFrame, a ``to_pandas()`` Dataset or a list of dicts.
NoteSource = Any


def _frame(source: Any) -> tuple[pd.DataFrame, str]:
    if isinstance(source, pd.DataFrame):
        return source.copy(), "DataFrame"
    if hasattr(source, "to_pandas") and callable(source.to_pandas):  # datasets.Dataset and friends
        return source.to_pandas().copy(), type(source).__name__
    if isinstance(source, (str, os.PathLike)):
        from clinical_sft.data.readers import detect_format, iter_text_records

        p = Path(source)
        fmt = detect_format(p)
        if fmt == "csv":
            try:
                df = pd.read_csv(p, sep="\t" if p.suffix.lower() == ".tsv" else ",", dtype={"id": str})
            except Exception as e:  # noqa: BLE001 - pandas raises many types; name the file, not the content
                raise InputError(f"Input {p.name}: cannot be read as CSV ({type(e).__name__}).") from None
            for col in ("spans", "label"):
                if col in df.columns:
                    df[col] = [_maybe_json(v) for v in df[col]]
            return df, p.name
        if fmt != "jsonl":
            raise InputError(f"Input {p.name}: notes for fine-tuning must be JSONL or CSV (got {fmt}).")
        rows = []
        for rec in iter_text_records([p]):
            if rec.error:
                raise InputError(f"Input {rec.where()}: {rec.error} ({rec.error_detail}); fix or remove the record.")
            row = dict(rec.data)
            row["id"] = rec.id
            rows.append(row)
        return pd.DataFrame(rows), p.name
    if isinstance(source, Iterable):
        return pd.DataFrame([dict(r) for r in source]), "records"
    raise InputError(f"Notes: unsupported source type {type(source).__name__} (expected a JSONL/CSV path, "
                     "a pandas DataFrame, a Dataset with to_pandas(), or a list of dicts).")


def _maybe_json(v: Any) -> Any:
    if isinstance(v, str) and v[:1] in "[{":
        try:
            return json.loads(v)
        except json.JSONDecodeError:
            return v
    return v


def load_notes(source: NoteSource, task: str, *, text_field: str = "text", id_field: str = "id",
               label_field: str | None = None, require_targets: bool = True) -> pd.DataFrame:
    """Notes as a DataFrame with ``id``, ``text`` and ``spans`` (NER) or ``label`` (classify).

    Parameters
    ----------
    source
        A JSONL (or CSV) path with ``{"id", "text", "label"}`` / ``{"id", "text", "spans": [{"start",
        "end", "label"}]}`` rows, a pandas DataFrame, anything with ``to_pandas()`` (a Hugging Face
        ``datasets.Dataset``) or a list of dicts. ``patient_id`` and demographic columns are kept.
    task
        ``"ner"`` or ``"classify"``.
    require_targets
        False for prediction: spans/labels may be absent.

    Raises
    ------
    InputError
        A missing column, a duplicate id, an empty text or a span outside its text (naming the
        record id and field, never the content).
    """
    if task not in ("ner", "classify"):
        raise ConfigError(f"task: unknown value '{task}' (expected 'ner' or 'classify').")
    df, where = _frame(source)
    if text_field not in df.columns:
        raise InputError(f"Notes ({where}): no '{text_field}' column.")
    if text_field != "text":
        df = df.rename(columns={text_field: "text"})
    if id_field in df.columns and id_field != "id":
        df = df.rename(columns={id_field: "id"})
    if "id" not in df.columns:
        df["id"] = [f"{i}" for i in range(len(df))]
    df["id"] = df["id"].astype(str)
    dup = df["id"].duplicated()
    if dup.any():
        raise InputError(f"Notes ({where}): duplicate id '{df['id'][dup].iloc[0]}' (ids must be unique).")
    bad = [rid for rid, t in zip(df["id"], df["text"]) if not isinstance(t, str) or not t.strip()]
    if bad:
        raise InputError(f"Notes ({where}): record '{bad[0]}' has no text in field '{text_field}'.")
    if "patient_id" in df.columns:
        df["patient_id"] = [None if (v is None or (isinstance(v, float) and np.isnan(v))) else str(v)
                            for v in df["patient_id"]]
    target = "spans" if task == "ner" else (label_field or "label")
    if task == "classify" and target != "label" and target in df.columns:
        df = df.rename(columns={target: "label"})
        target = "label"
    if target not in df.columns:
        if require_targets:
            raise InputError(f"Notes ({where}): no '{target}' column for task '{task}'.")
        return df.reset_index(drop=True)
    if task == "ner":
        df["spans"] = [_check_spans(rid, text, sp, where) for rid, text, sp in zip(df["id"], df["text"], df["spans"])]
    else:
        missing = [rid for rid, v in zip(df["id"], df["label"]) if _is_missing(v)]
        if missing and require_targets:
            raise InputError(f"Notes ({where}): record '{missing[0]}' has no label.")
        df["label"] = [_norm_label(v) for v in df["label"]]
    return df.reset_index(drop=True)


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    return False


def _norm_label(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return [str(x) for x in v]
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, float) and float(v).is_integer():
        return int(v)
    return v


def _check_spans(rid: str, text: str, spans: Any, where: str) -> list[dict[str, Any]]:
    if _is_missing(spans):
        return []
    if isinstance(spans, np.ndarray):
        spans = spans.tolist()
    if not isinstance(spans, list):
        raise InputError(f"Notes ({where}): record '{rid}' field 'spans' is not a list.")
    out = []
    for k, sp in enumerate(spans):
        try:
            s, e, lab = int(sp["start"]), int(sp["end"]), str(sp["label"])
        except (KeyError, TypeError, ValueError):
            raise InputError(f"Notes ({where}): record '{rid}' spans[{k}] needs integer 'start', 'end' and a "
                             "'label'.") from None
        if not (0 <= s < e <= len(text)):
            raise InputError(f"Notes ({where}): record '{rid}' spans[{k}] [{s}, {e}) is outside the text "
                             f"(length {len(text)}).")
        out.append({"start": s, "end": e, "label": lab})
    return out


def split_by_patient(df: pd.DataFrame, val_fraction: float = 0.2, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split notes into train and validation so that no patient is on both sides.

    Uses scikit-learn's ``GroupShuffleSplit`` on ``patient_id``; notes without a patient id form
    their own group (each is then its own patient, with a warning).
    """
    from sklearn.model_selection import GroupShuffleSplit

    if not 0.0 < val_fraction < 1.0:
        raise ConfigError(f"val_fraction: must be in (0, 1) (got {val_fraction}).")
    if len(df) < 2:
        raise InputError("Notes: at least two notes are needed to make a validation split; pass --eval.")
    if "patient_id" in df.columns:
        groups = [p if p is not None else f"__note__{i}" for i, p in zip(df["id"], df["patient_id"])]
        if any(p is None for p in df["patient_id"]):
            logger.warning("some notes have no patient_id; each is treated as its own patient for the split")
    else:
        logger.warning("notes have no patient_id column; splitting by note (each note its own patient)")
        groups = list(df["id"])
    gss = GroupShuffleSplit(n_splits=1, test_size=val_fraction, random_state=seed)
    tr, va = next(gss.split(np.zeros(len(df)), groups=groups))
    train, val = df.iloc[tr].reset_index(drop=True), df.iloc[va].reset_index(drop=True)
    if "patient_id" in df.columns:
        both = set(train["patient_id"].dropna()) & set(val["patient_id"].dropna())
        assert not both, "a patient on both sides of the split"
    return train, val


def read_demographics(source: str | os.PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    """Demographics (CSV or DataFrame) with an ``id`` (note) or ``patient_id`` column, as strings."""
    if isinstance(source, pd.DataFrame):
        df = source.copy()
    else:
        p = Path(source)
        if not p.is_file():
            raise InputError(f"Demographics {p} does not exist.")
        try:
            df = pd.read_csv(p, dtype=str)
        except Exception as e:  # noqa: BLE001
            raise InputError(f"Demographics {p.name}: cannot be read as CSV ({type(e).__name__}).") from None
    if "id" not in df.columns and "patient_id" not in df.columns:
        raise InputError("Demographics: need an 'id' (note) or 'patient_id' column to join on.")
    for c in ("id", "patient_id"):
        if c in df.columns:
            df[c] = df[c].astype(str)
    return df
