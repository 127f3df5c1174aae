"""De-identify a corpus of DICOM files with the shared corpus job (``clinical-sft deid dicom``).

Per file: read (selectively, see :mod:`._scan`: only the elements the profile can act on are
built, pydicom reads what the selective reader does not handle), apply the profile
(:class:`DicomDeidentifier`), write with the spliced writer (every element left as it was is
copied byte for byte from the input, so pixel data and transfer syntax never change; pydicom
writes the file when splicing is not possible) and atomically replace the output.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydicom
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.errors import InvalidDicomError
from pydicom.multival import MultiValue
from pydicom.tag import BaseTag
from pydicom.uid import UID
from pydicom.valuerep import PersonName

from clinical_sft.data.records import Record
from clinical_sft.errors import ConfigError, InputError
from clinical_sft.privacy.corpus import CorpusJob, JobSummary, Outcome, atomic_write_bytes, atomic_write_text
from clinical_sft.privacy.dicom._engine import (
    ITEM_OFFSET,
    DicomDeidentifier,
    TextCleaner,
    burned_in_reason,
    peek_value,
    quiet_pydicom,
)
from clinical_sft.privacy.dicom._profile import TABLE_FILE, DicomProfile
from clinical_sft.privacy.dicom._scan import ITEM_SPANS, scan
from clinical_sft.privacy.key import SecretKey

__all__ = ["DicomCorpusResult", "deidentify_dicom_corpus", "deidentify_dicom_file", "iter_dicom_records",
           "read_dicom"]

log = logging.getLogger(__name__)
LAYOUTS = ("relative", "patient")
_DICOMDIR_CLASS = "1.2.840.10008.1.3.10"
_TS_BY_ENCODING = {(True, True): "1.2.840.10008.1.2", (False, True): "1.2.840.10008.1.2.1",
                   (False, False): "1.2.840.10008.1.2.2"}


class _Quarantine(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


# -- reading ---------------------------------------------------------------------------
def read_dicom(path: str | os.PathLike[str]) -> Dataset:
    """Read a DICOM file, or raise ``_Quarantine`` with a PHI-free reason.

    Reasons: ``unreadable`` (I/O), ``not_dicom``, ``truncated``, ``malformed`` (pydicom cannot
    parse it), ``dicomdir`` (a media directory: rebuild it from the de-identified files).
    """
    return _read(Path(path))[0]


def _read(p: Path | str, deid: DicomDeidentifier | None = None
          ) -> tuple[Dataset, bytes, list[tuple[int, int, int]] | None]:
    """The dataset, the file's bytes and, when read selectively for ``deid``, the left-out spans.

    With ``deid`` the file is first read by :func:`~._scan.scan`, which builds only the
    top-level elements ``deid`` must see; files it does not handle are read by pydicom.
    """
    try:
        with open(p, "rb") as fh:
            data = fh.read()
    except OSError as e:
        raise _Quarantine("unreadable", type(e).__name__) from None
    if deid is not None:
        try:
            sc = scan(data, deid.scan_needed, deid.walk_needs)
        except Exception as e:  # the selective reader is an optimisation: pydicom decides
            log.debug("selective read failed (%s); reading with pydicom", type(e).__name__)
            sc = None
        if sc is not None:
            ds = sc.dataset
            _check_encapsulated(ds)
            _check_not_dicomdir(ds)
            return ds, data, sc.spans
    return _read_pydicom(data), data, None


def _read_pydicom(data: bytes) -> Dataset:
    size = len(data)
    head = data[:132]
    preamble = len(head) >= 132 and head[128:132] == b"DICM"
    if not preamble:
        g_le = int.from_bytes(head[:2], "little") if len(head) >= 2 else -1
        g_be = int.from_bytes(head[:2], "big") if len(head) >= 2 else -1
        if g_le not in (0x0002, 0x0008) and g_be not in (0x0002, 0x0008):
            raise _Quarantine("not_dicom", "no DICM preamble and no DICOM group at the start")
    try:
        with quiet_pydicom():
            ds = pydicom.dcmread(io.BytesIO(data), force=not preamble)
            elems = ds._dict
            last_end = 0
            for raw in elems.values():
                if isinstance(raw, RawDataElement):  # decoded (undefined-length) sequences have no position
                    tell = raw.value_tell
                    length = raw.length
                    if tell is not None and length is not None and length != 0xFFFFFFFF and tell + length > last_end:
                        last_end = tell + length
            fm = getattr(ds, "file_meta", None)
            deflated = fm is not None and str(peek_value(fm, 0x00020010) or "") == "1.2.840.10008.1.2.1.99"
            if last_end > size and not deflated:
                raise _Quarantine("truncated", f"an element ends at byte {last_end}, the file has {size}")
            _check_encapsulated(ds)
    except _Quarantine:
        raise
    except InvalidDicomError:
        raise _Quarantine("not_dicom", "pydicom: not a DICOM file") from None
    except (EOFError, OSError) as e:
        raise _Quarantine("truncated", type(e).__name__) from None
    except Exception as e:
        raise _Quarantine("malformed", type(e).__name__) from None
    if not preamble and not any(k in ds for k in ("SOPClassUID", "StudyInstanceUID", "Modality")):
        raise _Quarantine("not_dicom", "no SOP Class, Study Instance UID or Modality")
    _check_not_dicomdir(ds)
    return ds


def _check_not_dicomdir(ds: Dataset) -> None:
    meta = getattr(ds, "file_meta", None)
    sop_class = str(peek_value(ds, 0x00080016) or (peek_value(meta, 0x00020002) if meta is not None else "") or "")
    if sop_class == _DICOMDIR_CLASS or (0x00041220 in ds):
        raise _Quarantine("dicomdir", "a DICOMDIR; rebuild it from the de-identified files")


def _check_encapsulated(ds: Dataset) -> None:
    """Raise ``_Quarantine('truncated')`` when encapsulated pixel data do not parse as items."""
    raw = ds._dict.get(BaseTag(0x7FE00010))
    if raw is None or getattr(raw, "length", None) != 0xFFFFFFFF:
        return
    value = raw.value
    if not isinstance(value, bytes | bytearray):
        return
    n = len(value)
    pos = 0
    while pos + 8 <= n:
        tag = int.from_bytes(value[pos:pos + 4], "little")
        length = int.from_bytes(value[pos + 4:pos + 8], "little")
        if tag == 0xE0DDFFFE:
            return
        if tag != 0xE000FFFE:
            raise _Quarantine("malformed", "encapsulated pixel data: unexpected item tag")
        pos += 8 + length
    if pos != n:
        raise _Quarantine("truncated", "encapsulated pixel data end inside a fragment")


# -- writing ---------------------------------------------------------------------------
def _to_bytes(ds: Dataset) -> bytes:
    meta = getattr(ds, "file_meta", None)
    if meta is None:
        meta = FileMetaDataset()
        ds.file_meta = meta
    if "TransferSyntaxUID" not in meta:
        enc = ds.original_encoding if ds.original_encoding[0] is not None else (False, True)
        meta.TransferSyntaxUID = UID(_TS_BY_ENCODING.get((bool(enc[0]), bool(enc[1])), "1.2.840.10008.1.2.1"))
    if "SOPClassUID" in ds and not meta.get("MediaStorageSOPClassUID"):
        meta.MediaStorageSOPClassUID = ds.SOPClassUID
    if "SOPInstanceUID" in ds:
        meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ts = UID(str(meta.TransferSyntaxUID))
    implicit = ds.original_encoding[0] is True or any(
        getattr(r, "is_implicit_VR", False) for r in list(ds._dict.values())[:4])
    if implicit and not ts.is_implicit_VR:
        # read as implicit VR although the transfer syntax says explicit: give every element its VR
        for _ in ds.iterall():
            pass
    buf = io.BytesIO()
    complete = all(meta.get(k) for k in ("MediaStorageSOPClassUID", "MediaStorageSOPInstanceUID", "TransferSyntaxUID"))
    with quiet_pydicom():
        pydicom.dcmwrite(buf, ds, enforce_file_format=complete)
    return buf.getvalue()


_LONG_HEADER_VRS = frozenset({"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV"})


def _splice_bytes(ds: Dataset, original: bytes, spans: list[tuple[int, int, int]] | None = None) -> bytes | None:
    """Encode ``ds`` copying every untouched element's bytes from ``original``; ``None`` to fall back.

    Elements the de-identifier did not touch are still raw (undecoded): their encoded bytes are
    copied as they are (so pixel data and kept values stay byte-identical), the others are
    encoded by pydicom. ``spans`` (from the selective reader) are top-level elements that were
    never built: ``(tag, start, end)`` in ``original``, copied in tag order with the dataset's
    elements (an element of ``ds`` with the same tag replaces a span). Used only when the file
    meta is complete and the dataset's encoding is the transfer syntax's (little endian or
    explicit big endian, not deflated); otherwise pydicom writes the whole file.
    """
    meta = getattr(ds, "file_meta", None)
    if meta is None:
        return None
    ms_class, ms_inst, ts_uid = (peek_value(meta, t) for t in (0x00020002, 0x00020003, 0x00020010))
    if not (ms_class and ms_inst and ts_uid):
        return None
    ts = UID(str(ts_uid))
    if ts.is_deflated or (not ts.is_little_endian and ts != "1.2.840.10008.1.2.2"):
        return None
    if 0x00080018 in ds and ms_inst != peek_value(ds, 0x00080018):
        return None
    implicit = ts.is_implicit_VR
    little = ts.is_little_endian
    elems = ds._dict
    for raw in elems.values():
        if isinstance(raw, RawDataElement) and (raw.is_implicit_VR != implicit or raw.is_little_endian != little):
            return None
    if ds.original_character_set != ds._character_set:
        return None
    from pydicom.filebase import DicomBytesIO
    from pydicom.filewriter import write_data_element, write_file_meta_info

    fp = DicomBytesIO()
    fp.is_little_endian = True
    fp.is_implicit_VR = False
    fp.write(ds.preamble if ds.preamble is not None and len(ds.preamble) == 128 else b"\x00" * 128)
    fp.write(b"DICM")
    with quiet_pydicom():
        mb = _meta_bytes(meta)
        if mb is not None:
            fp.write(mb)
        else:
            write_file_meta_info(fp, meta, enforce_standard=True)
        fp.is_implicit_VR = implicit
        sink = _Sink(original, implicit, little, write_data_element)
        sink.parts.append(fp.getvalue())
        try:
            _splice_dataset(sink, ds, ds._character_set, spans)
        except _SpliceError as e:
            log.debug("spliced write refused (%s); pydicom writes the file", e)
            return None
    return sink.getvalue()


class _SpliceError(Exception):
    """A position the spliced writer was given does not match the original bytes."""


_META_TEXT_PAD = {"UI": b"\x00", "SH": b" ", "AE": b" ", "CS": b" ", "LO": b" ", "UR": b" "}


def _meta_bytes(meta: Dataset) -> bytes | None:
    """The File Meta Information group, Explicit VR Little Endian, with its group length (or ``None``)."""
    body = bytearray()
    for tag in sorted(meta._dict):
        if tag == 0x00020000:
            continue
        elem: Any = meta._dict[tag]
        vr: str = str(elem.VR)
        fast = (isinstance(elem, RawDataElement) and vr in _META_TEXT_PAD and not elem.is_implicit_VR
                and isinstance(elem.value, bytes) and elem.value.isascii())
        raw_ob = isinstance(elem, RawDataElement) and vr == "OB" and isinstance(elem.value, bytes)
        if not fast and not raw_ob:
            elem = meta[tag]
            vr = str(elem.VR)
        if fast:
            raw = elem.value.rstrip(b"\x00 ")  # as read, not decoded (ASCII, as the meta must be)
            if len(raw) % 2:
                raw += _META_TEXT_PAD[vr]
        elif vr in _META_TEXT_PAD:
            v = elem.value
            raw = ("\\".join(str(x) for x in v) if isinstance(v, list | tuple) else str(v or "")).encode("ascii")
            if len(raw) % 2:
                raw += _META_TEXT_PAD[vr]
        elif vr == "OB":
            raw = bytes(elem.value or b"")
            if len(raw) % 2:
                raw += b"\x00"
        elif vr == "UL" and isinstance(elem.value, int):
            raw = int(elem.value).to_bytes(4, "little")
        else:
            return None
        body += (tag >> 16).to_bytes(2, "little") + (tag & 0xFFFF).to_bytes(2, "little")
        if vr == "OB":
            body += b"OB\x00\x00" + len(raw).to_bytes(4, "little")
        else:
            if len(raw) > 0xFFFF:
                return None
            body += vr.encode() + len(raw).to_bytes(2, "little")
        body += raw
    head = b"\x02\x00\x00\x00UL\x04\x00" + len(body).to_bytes(4, "little")
    return head + bytes(body)


class _Sink:
    """The output of :func:`_splice_dataset`: byte chunks, runs of original bytes merged into one copy."""

    __slots__ = ("parts", "original", "view", "n", "implicit", "little", "order", "write_elem", "_start", "_end")

    def __init__(self, original: bytes, implicit: bool, little: bool, write_elem: Any) -> None:
        self.parts: list[bytes | memoryview] = []
        self.original = original
        self.view = memoryview(original)
        self.n = len(original)
        self.implicit = implicit
        self.little = little
        self.order: Any = "little" if little else "big"
        self.write_elem = write_elem
        self._start = self._end = -1

    def copy(self, start: int, end: int) -> None:
        """Copy ``original[start:end]`` (merged with the previous copy when they touch)."""
        if start == self._end:
            self._end = end
            return
        self._flush_copy()
        self._start, self._end = start, end

    def _flush_copy(self) -> None:
        if self._start >= 0:
            self.parts.append(self.view[self._start:self._end])
            self._start = self._end = -1

    def add(self, b: bytes) -> None:
        self._flush_copy()
        self.parts.append(b)

    def pydicom_write(self, elem: Any, encodings: Any) -> None:
        """Encode one element with pydicom (the general path)."""
        from pydicom.filebase import DicomBytesIO

        fp = DicomBytesIO()
        fp.is_little_endian = self.little
        fp.is_implicit_VR = self.implicit
        self.write_elem(fp, elem, encodings)
        self.add(fp.getvalue())

    def getvalue(self) -> bytes:
        self._flush_copy()
        return b"".join(self.parts)


# VRs whose values are character strings, with the byte that pads an odd length (PS3.5 6.2)
_STR_PAD = {"AE": b" ", "AS": b" ", "CS": b" ", "DA": b" ", "DS": b" ", "DT": b" ", "IS": b" ", "LO": b" ",
            "LT": b" ", "SH": b" ", "ST": b" ", "TM": b" ", "UC": b" ", "UR": b" ", "UT": b" ", "UI": b"\x00"}


_NUM_FMT = {"US": "<H", "SS": "<h", "UL": "<L", "SL": "<l", "FL": "<f", "FD": "<d"}


def _ascii(x: Any) -> str | None:
    s = str(x) if isinstance(x, str | PersonName) else None
    return s if s is not None and s.isascii() else None


def _fast_encode(elem: Any, implicit: bool, order: Any = "little") -> bytes | None:
    """The encoding (byte ``order``) of a simple element, or ``None`` (then pydicom encodes it).

    Covers what the de-identifier writes (dummies, empty values, replaced UIDs, pseudonyms,
    zeroed numbers): string values in plain ASCII, which is the same bytes in every DICOM
    character set, and single or multiple binary numbers.
    """
    vr = elem.VR
    v = elem.value
    key = None
    if v is None or type(v) is str:  # dummies, empty values, codes: the same bytes in file after file
        key = (int(elem.tag), vr, v, implicit, order)
        hit = _ENCODED.get(key)
        if hit is not None:
            return hit
    out = _encode(elem.tag, vr, v, implicit, order)
    if key is not None and out is not None and len(_ENCODED) < 4096:
        _ENCODED[key] = out
    return out


_ENCODED: dict[tuple[Any, ...], bytes] = {}


def _encode(tag: Any, vr: str, v: Any, implicit: bool, order: Any) -> bytes | None:
    pad = _STR_PAD.get(vr)
    if vr == "PN":
        pad = b" "
    if pad is not None:
        if v is None or v == "":
            raw = b""
        elif isinstance(v, list | tuple | MultiValue):
            parts = [_ascii(x) for x in v]
            if any(x is None for x in parts):
                return None
            raw = "\\".join(parts).encode("ascii")  # type: ignore[arg-type]
        else:
            one = _ascii(v)
            if one is None:
                return None
            raw = one.encode("ascii")
        if len(raw) % 2:
            raw += pad
    elif vr in _NUM_FMT:
        vals = [] if v is None or v == "" else (list(v) if isinstance(v, list | tuple | MultiValue) else [v])
        if not all(type(x) in (int, float) for x in vals):
            return None
        try:
            fmt = _NUM_FMT[vr] if order == "little" else ">" + _NUM_FMT[vr][1:]
            raw = b"".join(struct.pack(fmt, x) for x in vals)
        except struct.error:
            return None
    else:
        return None
    tag = int(tag)
    head = (tag >> 16).to_bytes(2, order) + (tag & 0xFFFF).to_bytes(2, order)
    n = len(raw)
    if implicit:
        return head + n.to_bytes(4, order) + raw
    if vr in _LONG_HEADER_VRS:
        return head + vr.encode() + b"\x00\x00" + n.to_bytes(4, order) + raw
    if n > 0xFFFF:
        return None
    return head + vr.encode() + n.to_bytes(2, order) + raw


# item, item delimitation, sequence delimitation (tag + length), by byte order
_ITEM = {"little": b"\xfe\xff\x00\xe0\xff\xff\xff\xff", "big": b"\xff\xfe\xe0\x00\xff\xff\xff\xff"}
_ITEM_DELIM = {"little": b"\xfe\xff\x0d\xe0\x00\x00\x00\x00", "big": b"\xff\xfe\xe0\x0d\x00\x00\x00\x00"}
_SEQ_DELIM = {"little": b"\xfe\xff\xdd\xe0\x00\x00\x00\x00", "big": b"\xff\xfe\xe0\xdd\x00\x00\x00\x00"}


def _merge_spans(elems: Any, spans: list[tuple[int, int, int]]) -> list[Any]:
    """The tags of ``elems`` and the ``spans`` in one tag order; an element of ``elems`` wins over a span."""
    by_tag: dict[int, Any] = {s[0]: s for s in spans}
    by_tag.update((int(t), t) for t in elems)
    return [by_tag[t] for t in sorted(by_tag)]


def _splice_dataset(sink: _Sink, ds: Dataset, encodings: Any, spans: list[tuple[int, int, int]] | None = None
                    ) -> None:
    elems = ds._dict
    original = sink.original
    n = sink.n
    implicit = sink.implicit
    little = sink.little
    order = sink.order
    base = ds.__dict__.get(ITEM_OFFSET, 0)
    order_tags: list[Any] = _merge_spans(elems, spans) if spans else sorted(elems, key=int)
    for tag in order_tags:
        if type(tag) is tuple:  # an element never built: its bytes, where the reader found them
            t, start, end = tag
            start += base
            if int.from_bytes(original[start:start + 2], order) != t >> 16 \
                    or int.from_bytes(original[start + 2:start + 4], order) != t & 0xFFFF:
                raise _SpliceError(f"span of {t:08X} does not start with its tag")
            sink.copy(start, end + base)
            continue
        raw = elems[tag]
        if isinstance(raw, RawDataElement):
            if raw.value_tell is not None and raw.is_implicit_VR == implicit \
                    and raw.is_little_endian == little:
                hdr = 8 if implicit or raw.VR not in _LONG_HEADER_VRS else 12
                vt = base + raw.value_tell
                start = vt - hdr
                if raw.length != 0xFFFFFFFF:
                    end = vt + raw.length
                    lw = 2 if hdr == 8 and not implicit else 4  # width of the length field
                    ok = end <= n and int.from_bytes(original[vt - lw:vt], order) == raw.length
                elif isinstance(raw.value, bytes):  # undefined length (encapsulated pixel data): value, delimiter
                    end = vt + len(raw.value) + 8
                    ok = end <= n and original[end - 8:end] == _SEQ_DELIM[order] and original[vt - 4:vt] == b"\xff" * 4
                else:
                    ok = False
                if ok and start >= 0 and int.from_bytes(original[start:start + 2], order) == tag >> 16 \
                        and int.from_bytes(original[start + 2:start + 4], order) == tag & 0xFFFF:
                    sink.copy(start, end)
                    continue
            sink.pydicom_write(ds[tag] if raw.VR is None and not implicit else raw, encodings)
        elif raw.VR == "SQ" and raw.value is not None:
            # a changed sequence: undefined lengths, items spliced element by element
            t = int(tag)
            head = (t >> 16).to_bytes(2, order) + (t & 0xFFFF).to_bytes(2, order)
            sink.add(head + (b"" if implicit else b"SQ\x00\x00") + b"\xff\xff\xff\xff")
            for item in raw.value:
                sink.add(_ITEM[order])  # item, undefined length
                _splice_dataset(sink, item, item._character_set if peek_value(item, 0x00080005) else encodings,
                                item.__dict__.get(ITEM_SPANS))
                sink.add(_ITEM_DELIM[order])  # item delimitation
            sink.add(_SEQ_DELIM[order])  # sequence delimitation
        else:
            b = _fast_encode(raw, implicit, order)
            if b is not None:
                sink.add(b)
            else:
                sink.pydicom_write(raw, encodings)


def deidentify_dicom_file(
    src: str | os.PathLike[str], key: SecretKey, profile: DicomProfile | None = None, *,
    text_cleaner: TextCleaner | None = None, deidentifier: DicomDeidentifier | None = None,
) -> tuple[bytes, list[dict[str, str]], Dataset]:
    """De-identify one file; return the output bytes, the audit and the de-identified dataset.

    Raises ``InputError`` (PHI-free message with the reason) when the file must be quarantined.
    """
    deid = deidentifier or DicomDeidentifier(key, profile, text_cleaner=text_cleaner)
    try:
        data, audit, ds, _ = _deidentify_path(Path(src), deid)
    except _Quarantine as q:
        raise InputError(f"{Path(src).name}: {q.reason}" + (f" ({q.detail})" if q.detail else "")) from None
    return data, audit, ds


def _deidentify_path(path: Path | str, deid: DicomDeidentifier, selective: bool = False
                     ) -> tuple[bytes, list[dict[str, str]], Dataset, int]:
    """De-identify one file; ``selective``: read only what ``deid`` must see (the returned dataset
    then holds only those elements; the bytes are the whole file)."""
    with quiet_pydicom():  # once per file: the nested read/de-identify/write need not set it up again
        if selective and deid.profile.burned_in != "clean":
            out = _deidentify_path_quiet(path, deid, selective=True)
            if out is not None:
                return out
        out = _deidentify_path_quiet(path, deid)
        assert out is not None
        return out


def _deidentify_path_quiet(path: Path | str, deid: DicomDeidentifier, selective: bool = False
                           ) -> tuple[bytes, list[dict[str, str]], Dataset, int] | None:
    ds, original, spans = _read(path, deid if selective else None)
    reason = burned_in_reason(ds)
    cleaned = False
    n_boxes = 0
    if reason == "encapsulated_document":
        raise _Quarantine("encapsulated_document", "an encapsulated document holds free text")
    if reason is not None and deid.profile.burned_in == "quarantine":
        raise _Quarantine("burned_in", reason)
    if deid.profile.burned_in == "clean" and any(t in ds for t in (0x7FE00010, 0x7FE00008, 0x7FE00009)):
        # the Clean Pixel Data option: every image is OCR'd, flagged or not (text is often unflagged)
        reason = reason or "clean_pixels"
        from clinical_sft.privacy.dicom._pixels import clean_burned_in_pixels, ocr_available

        if not ocr_available():
            raise _Quarantine("burned_in", f"{reason}; OCR (tesseract) is not installed")
        try:
            with quiet_pydicom():
                n_boxes = len(clean_burned_in_pixels(ds))
        except Exception as e:
            raise _Quarantine("burned_in", f"{reason}; pixels could not be cleaned ({type(e).__name__})") from None
        cleaned = True
    res = deid._deidentify(ds, cleaned, selective=spans is not None)
    audit = res.audit
    if cleaned:
        audit.append({"tag": "(7FE0,0010)", "keyword": "PixelData", "action": f"C:ocr_boxes={n_boxes}"})
    out = None if cleaned else _splice_bytes(ds, original, spans)
    if out is None and spans is not None:
        return None  # only pydicom can write this one, and it needs the whole dataset: read it all
    return out if out is not None else _to_bytes(ds), audit, ds, n_boxes


# -- enumeration -----------------------------------------------------------------------
def iter_dicom_records(inputs: Sequence[str | os.PathLike[str]], exclude: Path | None = None) -> Iterator[Record]:
    """One record per file under ``inputs`` (files or folders), in a deterministic order.

    The record id is the path relative to its input folder (prefixed with the folder's name
    when several inputs are given); ``data["path"]`` is the absolute path.
    """
    roots = [Path(i) for i in inputs]
    for r in roots:
        if not r.exists():
            raise InputError(f"Input {r} does not exist.")
    multi = len(roots) > 1
    ex = exclude.resolve() if exclude is not None else None
    real_dirs: dict[str, str] = {}
    for n, root in enumerate(roots):
        prefix = f"{n}-{root.resolve().name}/" if multi else ""
        if root.is_file():
            files = [(str(root.resolve()), root.name)]
        else:
            files = []
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                d = Path(dirpath)
                dres = d.resolve()  # once per folder; per file only a link is resolved again
                if ex is not None and (dres == ex or ex in dres.parents):
                    dirnames[:] = []
                    continue
                for f in sorted(filenames):
                    if f.startswith("."):
                        continue
                    full = _real_path(os.path.join(dres, f), real_dirs)
                    files.append((full, (d / f).relative_to(root).as_posix()))
        for full, rel in files:
            rid = prefix + rel
            yield Record(rid, rid, "", data={"path": full})


def _real_path(full: str, real_dirs: dict[str, str]) -> str:
    """``os.path.realpath(full)`` for a path whose folder is already resolved, folders cached.

    Follows a link to its target and resolves the target's folder once per folder (a corpus of
    links into a few folders costs one ``readlink`` per file, not a walk of every component).
    """
    for _ in range(40):
        if not os.path.islink(full):
            return full
        target = os.path.join(os.path.dirname(full), os.readlink(full))
        d, name = os.path.split(target)
        if name in ("", ".", ".."):
            break
        rd = real_dirs.get(d)
        if rd is None:
            rd = real_dirs[d] = os.path.realpath(d)
        full = os.path.join(rd, name)
    return os.path.realpath(full)


# -- the job ---------------------------------------------------------------------------
@dataclass
class DicomProcessor:
    """The picklable per-file processor of the corpus job (a de-identifier built once per worker)."""

    out_dir: str
    key: SecretKey
    profile: DicomProfile
    layout: str = "relative"
    text_cleaner: TextCleaner | None = None
    fsync: bool = False
    _deid: DicomDeidentifier | None = field(default=None, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["_deid"] = None
        return d

    def __call__(self, rec: Record) -> Outcome:
        if self._deid is None:
            self._deid = DicomDeidentifier(self.key, self.profile, text_cleaner=self.text_cleaner)
        try:
            data, audit, ds, _ = _deidentify_path(rec.data["path"], self._deid, selective=True)
        except _Quarantine as q:
            return Outcome(quarantine=q.reason, detail=q.detail)
        rel = self._out_rel(rec, ds)
        atomic_write_bytes(os.path.join(self.out_dir, rel), data, fsync=self.fsync)
        return Outcome(output={"path": rel}, audit=audit)

    def _out_rel(self, rec: Record, ds: Dataset) -> str:
        if self.layout == "relative":
            return rec.id
        def part(kw: str) -> str:
            v = str(ds.get(kw, "") or "")
            return v if v else "unknown"
        sop = str(ds.get("SOPInstanceUID", "") or "") or hashlib.sha256(rec.id.encode()).hexdigest()[:16]
        return f"{part('PatientID')}/{part('StudyInstanceUID')}/{part('SeriesInstanceUID')}/{sop}.dcm"


@dataclass
class DicomCorpusResult:
    """Summary of a corpus run: the job summary plus the verification, if asked for."""

    summary: JobSummary
    verified: int = 0
    verify_failures: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = self.summary.to_dict()
        d["verified"] = self.verified
        d["verify_failures"] = len(self.verify_failures)
        return d


def _fingerprint(records: list[Record], profile: DicomProfile, layout: str) -> str:
    h = hashlib.sha256()
    h.update(json.dumps({"profile": profile.to_dict(), "layout": layout}, sort_keys=True).encode())
    for r in records:
        try:
            st = os.stat(r.data["path"])
            h.update(f"{r.id}\0{st.st_size}\0{int(st.st_mtime)}\n".encode())
        except OSError:
            h.update(f"{r.id}\0missing\n".encode())
    return h.hexdigest()[:16]


def deidentify_dicom_corpus(
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    key: SecretKey,
    profile: DicomProfile | None = None,
    *,
    layout: str = "relative",
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    verify: bool = False,
    text_cleaner: TextCleaner | None = None,
    fsync: bool = False,
    shard_size: int = 128,
    timeout_s: float | None = 300.0,
    progress: bool = True,
) -> DicomCorpusResult:
    """De-identify every file under ``inputs`` into ``out_dir`` (the API of ``clinical-sft deid dicom``).

    Each readable DICOM file is de-identified with :class:`DicomDeidentifier` and written
    atomically to ``out_dir`` (same relative path, or ``PATIENT/STUDY/SERIES/SOP.dcm`` with
    ``layout="patient"``, all pseudonymous). Unreadable, truncated, non-DICOM, DICOMDIR,
    encapsulated-document and burned-in files go to ``quarantine.jsonl`` with a reason; the
    audit (``audit.jsonl``) lists tags and actions, never values; ``manifest.json`` records the
    profile, the table and the key fingerprint. With ``verify=True`` every output is re-read and
    checked by :func:`verify_dicom_file` (independent code); failing outputs are deleted and
    quarantined as ``verify_failed``. Output files are written atomically but not flushed to disk
    one by one (``fsync=True`` does, at about 15 ms a file); the job's own state is always
    flushed. After a power loss, rerun with ``resume=True, verify=True``. ``shard_size`` files
    make one unit of resume (and of work for a worker); its default (128, a fraction of a second
    of work) keeps the state flushes few; with several workers on a small corpus, a smaller one
    spreads the work better. A resumed run needs the same value.

    Examples
    --------
    >>> res = deidentify_dicom_corpus(["scans/"], "deid/", SecretKey.load("key.hex"),
    ...                               DicomProfile.tcia(), workers=2)  # doctest: +SKIP
    """
    profile = profile or DicomProfile()
    if not isinstance(profile, DicomProfile):
        raise ConfigError("profile must be a DicomProfile (DicomProfile.basic() or DicomProfile.tcia()).")
    if layout not in LAYOUTS:
        raise ConfigError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    out = Path(out_dir)
    records = list(iter_dicom_records(inputs, exclude=out))
    if not records:
        raise InputError("No files found under the inputs.")
    proc = DicomProcessor(str(out), key, profile, layout, text_cleaner, fsync)
    manifest = {
        "profile": profile.to_dict(),
        "method_codes": [c for c, _ in profile.method_codes()],
        "table": TABLE_FILE,
        "layout": layout,
        "key_fingerprint": key.fingerprint,
        "versions": {"pydicom": pydicom.__version__},
    }
    job = CorpusJob(out, proc, finalize=None, workers=workers, engine=engine, scheduler=scheduler,
                    shard_size=shard_size, timeout_s=timeout_s, resume=resume, manifest=manifest,
                    job_name="deid-dicom", progress=progress)
    summary = job.run(records, inputs_fingerprint=_fingerprint(records, profile, layout), total=len(records))
    result = DicomCorpusResult(summary)
    if verify:
        _verify_outputs(job, result, profile, {r.id: r.data["path"] for r in records})
    return result


def _verify_outputs(job: CorpusJob, result: DicomCorpusResult, profile: DicomProfile,
                    sources: dict[str, str]) -> None:
    from clinical_sft.privacy.dicom._verify import verify_dicom_file

    out = job.out_dir
    opts = profile.to_dict()
    failures = []
    for row in job._ok_rows():
        rel = row["output"]["path"]
        rep = verify_dicom_file(out / rel, opts, original=sources.get(row["id"]))
        result.verified += 1
        if not rep.ok:
            (out / rel).unlink(missing_ok=True)  # fail closed: a failing output does not stay
            failures.append({"id": row["id"], "source": row["source"], "locator": "", "reason": "verify_failed",
                             "detail": "; ".join(rep.problems[:20])})
    result.verify_failures = failures
    if failures:
        qpath = out / "quarantine.jsonl"
        text = qpath.read_text("utf-8") if qpath.exists() else ""
        text += "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in failures)
        atomic_write_text(qpath, text)
        log.warning("%d output(s) failed verification and were removed", len(failures))
    man_path = out / "manifest.json"
    man = json.loads(man_path.read_text("utf-8"))
    man["verify"] = {"verified": result.verified, "failed": len(failures)}
    atomic_write_text(man_path, json.dumps(man, indent=2, default=str))
