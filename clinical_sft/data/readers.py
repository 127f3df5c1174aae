"""Streaming readers for text corpora: a folder of .txt files, JSONL, CSV, or stdin.

Readers yield :class:`~clinical_sft.data.records.Record` objects one at a time (bounded memory).
A record that cannot be read (bad encoding, malformed JSON, a CSV row with the wrong number of
fields, an empty or binary file) is yielded with ``error`` set so the job can quarantine it and
carry on; messages name the file and record position, never the content.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from clinical_sft.data.records import Record
from clinical_sft.errors import InputError

__all__ = ["detect_format", "iter_text_records", "MAX_RECORD_BYTES"]

MAX_RECORD_BYTES = 20 * 1024 * 1024  # a single note larger than this is quarantined as "too_large"

csv.field_size_limit(MAX_RECORD_BYTES + 1)


def detect_format(path: str | Path) -> str:
    """``"txt-dir"``, ``"jsonl"``, ``"csv"``, ``"txt"`` or ``"stdin"`` from a path."""
    if str(path) == "-":
        return "stdin"
    p = Path(path)
    if p.is_dir():
        return "txt-dir"
    if not p.exists():
        raise InputError(f"Input {p} does not exist.")
    suffix = p.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix == ".txt":
        return "txt"
    raise InputError(f"Input {p}: unknown format '{suffix}' (expected a folder of .txt, .jsonl, .csv or '-').")


def iter_text_records(
    inputs: Sequence[str | Path],
    *,
    text_field: str = "text",
    id_field: str = "id",
    patient_field: str = "patient_id",
) -> Iterator[Record]:
    """Yield the records of every input, in a deterministic order."""
    for inp in inputs:
        fmt = detect_format(inp)
        if fmt == "stdin":
            yield from _iter_stream_lines(sys.stdin.buffer, "<stdin>", text_field, id_field, patient_field)
        elif fmt == "txt-dir":
            root = Path(inp)
            for f in sorted(p for p in root.rglob("*.txt") if p.is_file()):
                yield _read_txt(f, f.relative_to(root).as_posix())
        elif fmt == "txt":
            p = Path(inp)
            yield _read_txt(p, p.name)
        elif fmt == "jsonl":
            p = Path(inp)
            with p.open("rb") as fh:
                yield from _iter_jsonl(fh, p.name, text_field, id_field, patient_field)
        else:
            p = Path(inp)
            yield from _iter_csv(p, text_field, id_field, patient_field)


def _decode(raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise UnicodeDecodeError("utf-8", raw[:1], 0, 1, "binary content (NUL bytes)")
    return raw.decode("utf-8-sig")


def _read_txt(path: Path, rel: str) -> Record:
    rid = rel[:-4] if rel.endswith(".txt") else rel
    try:
        size = path.stat().st_size
        if size > MAX_RECORD_BYTES:
            return Record(rid, rel, error="too_large", error_detail=f"{size} bytes > {MAX_RECORD_BYTES}")
        text = _decode(path.read_bytes())
    except UnicodeDecodeError as e:
        return Record(rid, rel, error="encoding", error_detail=f"not UTF-8 text ({e.reason})")
    except OSError as e:
        return Record(rid, rel, error="unreadable", error_detail=type(e).__name__)
    if not text.strip():
        return Record(rid, rel, error="empty", error_detail="the file holds no text")
    return Record(rid, rel, data={"text": text, "id": rid})


def _record_from_obj(obj: object, source: str, loc: str, n: int, text_field: str, id_field: str,
                     patient_field: str) -> Record:
    if not isinstance(obj, dict):
        return Record(f"{source}:{n}", source, loc, error="malformed_record", error_detail="not a JSON object")
    rid = str(obj.get(id_field) if obj.get(id_field) not in (None, "") else f"{source}:{n}")
    text = obj.get(text_field)
    if not isinstance(text, str):
        return Record(rid, source, loc, error="missing_text", error_detail=f"field '{text_field}' missing or not a string")
    if not text.strip():
        return Record(rid, source, loc, error="empty", error_detail=f"field '{text_field}' is empty")
    pid = obj.get(patient_field)
    return Record(rid, source, loc, data=dict(obj), patient_id=None if pid in (None, "") else str(pid))


def _iter_jsonl(fh: io.BufferedIOBase, source: str, text_field: str, id_field: str,
                patient_field: str) -> Iterator[Record]:
    n_lines = 0
    for n, raw in enumerate(fh, start=1):
        n_lines += 1
        loc = f"line {n}"
        if not raw.strip():
            continue
        if len(raw) > MAX_RECORD_BYTES:
            yield Record(f"{source}:{n}", source, loc, error="too_large", error_detail=f"{len(raw)} bytes")
            continue
        try:
            line = _decode(raw)
        except UnicodeDecodeError as e:
            yield Record(f"{source}:{n}", source, loc, error="encoding", error_detail=f"not UTF-8 ({e.reason})")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Record(f"{source}:{n}", source, loc, error="malformed_json", error_detail=f"column {e.colno}: {e.msg}")
            continue
        yield _record_from_obj(obj, source, loc, n, text_field, id_field, patient_field)
    if n_lines == 0:
        yield Record(f"{source}:0", source, "", error="empty", error_detail="the file is empty")


def _iter_stream_lines(fh, source, text_field, id_field, patient_field) -> Iterator[Record]:
    # stdin: JSONL if the first non-blank byte is '{', else one note per blank-line-separated block.
    data = fh.read(MAX_RECORD_BYTES * 4)
    if data.lstrip()[:1] == b"{":
        yield from _iter_jsonl(io.BytesIO(data), source, text_field, id_field, patient_field)
        return
    try:
        text = _decode(data)
    except UnicodeDecodeError as e:
        yield Record("stdin:1", source, "", error="encoding", error_detail=f"not UTF-8 ({e.reason})")
        return
    if not text.strip():
        yield Record("stdin:0", source, "", error="empty", error_detail="no input on stdin")
        return
    yield Record("stdin:1", source, "block 1", data={"text": text, "id": "stdin:1"})


def _iter_csv(path: Path, text_field: str, id_field: str, patient_field: str) -> Iterator[Record]:
    source = path.name
    delim = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        fh = path.open("r", encoding="utf-8-sig", newline="")
        reader = csv.reader(fh, delimiter=delim)
        header = next(reader, None)
    except UnicodeDecodeError:
        yield Record(f"{source}:0", source, "header", error="encoding", error_detail="header is not UTF-8")
        return
    if not header:
        yield Record(f"{source}:0", source, "", error="empty", error_detail="the file is empty")
        return
    if text_field not in header:
        raise InputError(f"CSV {path}: no column '{text_field}' (columns: {', '.join(header)}); use --text-column.")
    with fh:
        row_no = 0
        while True:
            row_no += 1
            loc = f"row {row_no}"
            try:
                row = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError as e:
                yield Record(f"{source}:{row_no}", source, loc, error="encoding", error_detail=f"not UTF-8 ({e.reason})")
                # the decoder cannot resynchronise reliably: stop reading this file
                return
            except csv.Error as e:
                yield Record(f"{source}:{row_no}", source, loc, error="malformed_csv", error_detail=str(e).split(":")[0])
                continue
            if not row:
                continue
            if len(row) != len(header):
                yield Record(f"{source}:{row_no}", source, loc, error="malformed_csv",
                             error_detail=f"{len(row)} fields, header has {len(header)}")
                continue
            yield _record_from_obj(dict(zip(header, row)), source, loc, row_no, text_field, id_field, patient_field)
