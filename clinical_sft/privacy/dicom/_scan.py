"""A selective reader for the common DICOM file: only the elements the profile can act on are built.

``pydicom.dcmread`` builds a :class:`~pydicom.dataelem.RawDataElement` for every element of a
file; most of them (pixel module, geometry, acquisition parameters...) have no row in Table
E.1-1 and are copied to the output byte for byte. :func:`scan` walks the element headers of
the top-level dataset itself and builds raw elements (exactly as pydicom would: same VR, value,
``value_tell`` and encoding flags) only for those the de-identifier must see; for the others it
records where their bytes lie, and the writer copies those byte ranges.

It reads only what it fully understands: a Part 10 file (preamble and ``DICM``) with an
Explicit VR Little Endian file meta group, a dataset in Implicit VR Little Endian, Explicit VR
Little Endian (and the encapsulated syntaxes) or Explicit VR Big Endian, elements in ascending
tag order, every length inside the file, undefined lengths only on sequences and encapsulated
pixel data whose items and delimiters are where they must be. For anything else it returns
``None`` and the caller reads the file with ``pydicom.dcmread`` (which then quarantines
truncated or malformed files with the usual reasons).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from struct import Struct
from typing import Any

from pydicom.datadict import dictionary_VR
from pydicom.dataelem import RawDataElement, empty_value_for_VR
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.tag import BaseTag

__all__ = ["ITEM_SPANS", "Scan", "btag", "scan", "scan_sequence"]

# Attribute set on sequence items read by scan_sequence: the (tag, start, end) of elements left out
ITEM_SPANS = "_clinical_sft_spans"

_LONG_VRS = frozenset({b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR", b"UT", b"UV"})
_SHORT_VRS = frozenset({b"AE", b"AS", b"AT", b"CS", b"DA", b"DS", b"DT", b"FD", b"FL", b"IS", b"LO", b"LT", b"PN",
                        b"SH", b"SL", b"SS", b"ST", b"TM", b"UI", b"UL", b"US"})
_VR_STR = {v: v.decode("ascii") for v in _LONG_VRS | _SHORT_VRS}
_EMPTY_RAW: dict[str | None, Any] = {v: empty_value_for_VR(v, raw=True) for v in [*_VR_STR.values(), None]}

_IMPLICIT_LE = "1.2.840.10008.1.2"
_EXPLICIT_BE = "1.2.840.10008.1.2.2"
_DEFLATED = frozenset({"1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.8.1"})

_TAG = {True: Struct("<HH"), False: Struct(">HH")}
_TAG_LEN = {True: Struct("<HHL"), False: Struct(">HHL")}
_EXPL = {True: Struct("<HH2sH"), False: Struct(">HH2sH")}
_U32 = {True: Struct("<L"), False: Struct(">L")}
_UNDEFINED = 0xFFFFFFFF
_PIXEL_DATA = 0x7FE00010


# -- building pydicom datasets -------------------------------------------------------------
# pydicom's Dataset.__init__ sets a dozen attributes through Dataset.__setattr__ (~16 us a
# dataset, more than reading a small item). Datasets built here start from a copy of the
# attributes a freshly built one has (mutable ones copied anew), then get what read_dataset
# would set. The shortcut is checked against pydicom's own constructors at import: if their
# attributes differ (another pydicom), the constructors are used.
def _attrs(obj: Any) -> dict[str, Any]:
    return dict(obj.__dict__)


def _fresh_keys(template: dict[str, Any]) -> tuple[str, ...]:
    return tuple(k for k, v in template.items() if k != "_dict" and isinstance(v, dict | list | set))


_DS_T = _attrs(Dataset())
_DS_FRESH = _fresh_keys(_DS_T)
_META_T = _attrs(FileMetaDataset())
_META_FRESH = _fresh_keys(_META_T)
_FILE_T = _attrs(FileDataset(io.BytesIO(b""), Dataset(), None, FileMetaDataset(), True, True))
_FILE_FRESH = _fresh_keys(_FILE_T)


def _new(cls: type[Dataset], template: dict[str, Any], fresh: tuple[str, ...], raw: Any) -> Any:
    obj = object.__new__(cls)
    d = obj.__dict__
    d.update(template)
    for k in fresh:
        d[k] = template[k].copy()
    d["_dict"] = raw
    return obj


def new_dataset(raw: dict[BaseTag, Any], parent_encoding: Any, implicit: bool, little: bool) -> Dataset:
    """``Dataset(raw, parent_encoding=...)`` with its original encoding set, as pydicom's reader leaves it."""
    if not _FAST:
        ds = Dataset(raw, parent_encoding=parent_encoding)
        ds.set_original_encoding(implicit, little, ds._character_set if 0x00080005 in raw else parent_encoding)
        return ds
    ds = _new(Dataset, _DS_T, _DS_FRESH, raw)
    d = ds.__dict__
    d["_parent_encoding"] = parent_encoding
    d["_read_implicit"] = implicit
    d["_read_little"] = little
    d["_read_charset"] = ds._character_set if 0x00080005 in raw else parent_encoding
    return ds


def _new_meta(raw: dict[BaseTag, Any]) -> FileMetaDataset:
    if not _FAST:
        meta = FileMetaDataset(raw)
        meta.set_original_encoding(False, True, "iso8859")
        return meta
    meta = _new(FileMetaDataset, _META_T, _META_FRESH, raw)
    d = meta.__dict__
    d["_read_implicit"] = False
    d["_read_little"] = True
    d["_read_charset"] = "iso8859"
    return meta  # type: ignore[no-any-return]


def _new_file_dataset(buffer: io.BytesIO, inner: Dataset, preamble: bytes, meta: FileMetaDataset,
                      implicit: bool, little: bool) -> FileDataset:
    if not _FAST:
        ds = FileDataset(buffer, inner, preamble, meta, implicit, little)
        ds.set_original_encoding(implicit, little, inner._character_set)
        return ds
    ds = _new(FileDataset, _FILE_T, _FILE_FRESH, inner._dict)
    d = ds.__dict__
    d["preamble"] = preamble
    d["file_meta"] = meta
    d["buffer"] = buffer
    d["fileobj_type"] = type(buffer)
    d["_is_implicit_VR"] = d["_read_implicit"] = implicit
    d["_is_little_endian"] = d["_read_little"] = little
    d["_read_charset"] = inner._read_charset
    return ds  # type: ignore[no-any-return]


def _shortcut_matches() -> bool:
    """Whether the shortcut builds what pydicom's constructors build (same attributes, same values)."""
    global _FAST
    try:
        raw = {BaseTag(0x00100010): RawDataElement(BaseTag(0x00100010), "PN", 2, b"AB", 10, False, True)}
        _FAST = False
        slow = (new_dataset(dict(raw), "iso8859", False, True), _new_meta({}))
        buf = io.BytesIO(b"")
        slow_file = _new_file_dataset(buf, slow[0], b"\0" * 128, slow[1], False, True)
        _FAST = True
        fast = (new_dataset(dict(raw), "iso8859", False, True), _new_meta({}))
        fast_file = _new_file_dataset(buf, fast[0], b"\0" * 128, fast[1], False, True)
        pairs = [(slow[0], fast[0]), (slow[1], fast[1]), (slow_file, fast_file)]
        return all(type(a) is type(b) and set(a.__dict__) == set(b.__dict__) and all(
            (a.__dict__[k] == b.__dict__[k]) for k in a.__dict__ if k not in ("file_meta",)) for a, b in pairs)
    except Exception:
        return False


_FAST = True
_FAST = _shortcut_matches()


# One BaseTag object per tag value: a dict lookup with the very key object it holds skips
# BaseTag.__eq__ (Python code), which any other int or BaseTag key runs on every hit.
_TAGS: dict[int, BaseTag] = {}


def btag(t: int) -> BaseTag:
    """The shared :class:`~pydicom.tag.BaseTag` for ``t`` (built once)."""
    b = _TAGS.get(t)
    if b is None:
        b = BaseTag(t)
        if len(_TAGS) < 65536:
            _TAGS[t] = b
    return b


@lru_cache(maxsize=4096)
def _dictionary_sq(tag: int) -> bool:
    try:
        return bool(dictionary_VR(tag) == "SQ")
    except KeyError:
        return False


class Scan:
    """What :func:`scan` read: the dataset of the elements asked for and the byte ranges of the others.

    Attributes
    ----------
    dataset
        A :class:`~pydicom.dataset.FileDataset` with the file meta and the selected top-level
        elements, as raw (undecoded) elements.
    spans
        ``(tag, start, end)`` of every top-level element left out, in file (= tag) order:
        ``data[start:end]`` is the whole encoded element.
    """

    __slots__ = ("dataset", "spans")

    def __init__(self, dataset: FileDataset, spans: list[tuple[int, int, int]]) -> None:
        self.dataset = dataset
        self.spans = spans


def scan(data: bytes, needed: tuple[dict[int, bool], dict[int, bool]],
         decide: Callable[[int, bool], bool]) -> Scan | None:
    """Read ``data`` (a whole file) keeping only the top-level elements the caller needs.

    Parameters
    ----------
    data
        The file's bytes.
    needed
        Caches ``tag -> keep?`` for explicit and for implicit VR files, filled through ``decide``.
        Explicit sequences (``SQ``), ``UN`` elements and undefined lengths are always kept.
    decide
        ``decide(tag, implicit) -> bool``: whether the element must be built (``implicit``:
        the file has no VRs, so the decision also has to cover the tag's dictionary VR).

    Returns
    -------
    Scan or None
        ``None`` when the file is outside what this reader handles (see the module docstring).
    """
    n = len(data)
    if n < 140 or data[128:132] != b"DICM":
        return None
    meta_raw, pos = _read_meta(data, n)
    if meta_raw is None:
        return None
    ts_elem = meta_raw.get(BaseTag(0x00020010))
    if ts_elem is None or not ts_elem.value:
        return None
    ts = ts_elem.value.decode("ascii", "replace").strip("\x00 ")
    if ts in _DEFLATED:
        return None
    implicit = ts == _IMPLICIT_LE
    little = ts != _EXPLICIT_BE
    if pos + 8 > n:
        return None
    # pydicom checks the first element's VR against the transfer syntax and switches on a mismatch
    b0, b1 = data[pos + 4], data[pos + 5]
    found_implicit = not (0x40 < b0 < 0x5B and 0x40 < b1 < 0x5B)
    if found_implicit != implicit:
        return None
    top = _read_elements(data, pos, n, implicit, little, needed[implicit], decide, top=True)
    if top is None:
        return None
    raw, spans, _ = top
    inner = new_dataset(raw, "iso8859", implicit, little)
    ds = _new_file_dataset(io.BytesIO(data), inner, data[:128], _new_meta(meta_raw), implicit, little)
    return Scan(ds, spans)


def _read_meta(data: bytes, n: int) -> tuple[dict[BaseTag, Any] | None, int]:
    """The File Meta group (Explicit VR Little Endian) as raw elements, and where the dataset starts."""
    expl = _EXPL[True]
    u32 = _U32[True]
    out: dict[BaseTag, Any] = {}
    pos = 132
    while pos + 8 <= n:
        group, elem, vrb, length = expl.unpack_from(data, pos)
        if group != 0x0002:
            break
        if vrb in _LONG_VRS:
            if pos + 12 > n:
                return None, pos
            length = u32.unpack_from(data, pos + 8)[0]
            vt = pos + 12
        elif vrb in _SHORT_VRS:
            vt = pos + 8
        else:
            return None, pos
        end = vt + length
        if length == _UNDEFINED or end > n:
            return None, pos
        vr = _VR_STR[vrb]
        tag = BaseTag(group << 16 | elem)
        out[tag] = RawDataElement(tag, vr, length, data[vt:end] if length else _EMPTY_RAW[vr], vt, False, True)
        pos = end
    if not out:
        return None, pos
    return out, pos


def _read_elements(data: bytes, pos: int, stop: int, implicit: bool, little: bool, needed: dict[int, bool],
                   decide: Callable[[int, bool], bool], delimited: bool = False, top: bool = False
                   ) -> tuple[dict[BaseTag, Any], list[tuple[int, int, int]], int] | None:
    """The elements from ``pos`` to ``stop`` (or, ``delimited``, to an Item Delimitation Item).

    ``top``: the top-level dataset, where command (0000) and meta (0002) groups are refused.

    Returns the raw elements kept, the spans left out and the position after the last element
    (after the delimiter when ``delimited``); ``None`` for anything this reader does not handle.
    """
    raw: dict[BaseTag, Any] = {}
    spans: list[tuple[int, int, int]] = []
    tag_len = _TAG_LEN[little]
    expl = _EXPL[little]
    u32 = _U32[little]
    last = -1
    while pos < stop:
        if pos + 8 > stop:
            return None
        if implicit:
            group, elem, length = tag_len.unpack_from(data, pos)
            vrb = None
            vt = pos + 8
        else:
            group, elem, vrb, length = expl.unpack_from(data, pos)
            if group == 0xFFFE:
                vrb = None
                vt = pos + 8
            elif vrb in _LONG_VRS:
                if pos + 12 > stop:
                    return None
                length = u32.unpack_from(data, pos + 8)[0]
                vt = pos + 12
            elif vrb in _SHORT_VRS:
                vt = pos + 8
            else:
                return None  # not a VR (a switch to implicit VR, a damaged file): pydicom
        tag = group << 16 | elem
        if group == 0xFFFE:
            if delimited and tag == 0xFFFEE00D:
                length = tag_len.unpack_from(data, pos)[2]
                return (raw, spans, pos + 8) if length == 0 else None
            return None
        if tag <= last or (top and group in (0x0000, 0x0002)):
            return None  # out of order, command set, meta in the dataset: let pydicom decide
        last = tag
        if length == _UNDEFINED:
            if implicit:
                if not _dictionary_sq(tag):
                    return None  # pydicom guesses whether it is a sequence
            elif vrb != b"SQ" and not (tag == _PIXEL_DATA and vrb in (b"OB", b"OW")):
                return None  # undefined-length UN (implicit VR inside) and the like: pydicom
            delim = _items_end(data, vt, stop, implicit, little)
            if delim is None:
                return None
            end = delim + 8
            value: Any = data[vt:delim]
            keep = True
        else:
            end = vt + length
            if end > stop:
                return None
            if vrb is not None and (vrb == b"SQ" or vrb == b"UN"):
                keep = True
            else:
                keep = needed.get(tag)  # type: ignore[assignment]
                if keep is None:
                    keep = needed[tag] = decide(tag, implicit)
            value = None
        if keep:
            vr = None if vrb is None else _VR_STR[vrb]
            if value is None:
                value = data[vt:end] if length else _EMPTY_RAW[vr]
            key = _TAGS.get(tag) or btag(tag)
            raw[key] = RawDataElement(key, vr, length, value, vt, implicit, little)
        else:
            spans.append((tag, pos, end))
        pos = end
    if delimited or pos != stop:
        return None
    return raw, spans, pos


def scan_sequence(value: bytes, implicit: bool, little: bool, needed: tuple[dict[int, bool], dict[int, bool]],
                  decide: Callable[[int, bool], bool], encoding: Any) -> list[Dataset] | None:
    """The items of an encoded sequence value, each built with only the elements the caller needs.

    ``value`` is the sequence's value (items, without the Sequence Delimitation Item). Every
    item gets the ``(tag, start, end)`` spans of the elements left out (positions in ``value``)
    under ``item.__dict__[ITEM_SPANS]``; ``None`` when pydicom must read the sequence.
    """
    tag_len = _TAG_LEN[little]
    cache = needed[implicit]
    n = len(value)
    pos = 0
    items: list[Dataset] = []
    while pos < n:
        if pos + 8 > n:
            return None
        group, elem, length = tag_len.unpack_from(value, pos)
        if group != 0xFFFE or elem != 0xE000:
            return None
        if length == _UNDEFINED:
            got = _read_elements(value, pos + 8, n, implicit, little, cache, decide, delimited=True)
        else:
            if pos + 8 + length > n:
                return None
            got = _read_elements(value, pos + 8, pos + 8 + length, implicit, little, cache, decide)
        if got is None:
            return None
        raw, spans, pos = got
        item = new_dataset(raw, encoding, implicit, little)
        item.__dict__["is_undefined_length_sequence_item"] = length == _UNDEFINED
        item.__dict__[ITEM_SPANS] = spans
        items.append(item)
    return items


def _items_end(data: bytes, pos: int, n: int, implicit: bool, little: bool) -> int | None:
    """Where the Sequence Delimitation Item of the undefined-length value starting at ``pos`` is."""
    tag_len = _TAG_LEN[little]
    while pos + 8 <= n:
        group, elem, length = tag_len.unpack_from(data, pos)
        if group != 0xFFFE:
            return None
        if elem == 0xE0DD:
            return pos if length == 0 else None
        if elem != 0xE000:
            return None
        if length == _UNDEFINED:
            nxt = _item_end(data, pos + 8, n, implicit, little)
            if nxt is None:
                return None
            pos = nxt
        else:
            pos += 8 + length
            if pos > n:
                return None
    return None


def _item_end(data: bytes, pos: int, n: int, implicit: bool, little: bool) -> int | None:
    """The position after the Item Delimitation Item of the undefined-length item starting at ``pos``."""
    tag_of = _TAG[little]
    tag_len = _TAG_LEN[little]
    expl = _EXPL[little]
    u32 = _U32[little]
    while pos + 8 <= n:
        group, elem = tag_of.unpack_from(data, pos)
        if group == 0xFFFE:
            if elem == 0xE00D and tag_len.unpack_from(data, pos)[2] == 0:
                return pos + 8
            return None
        if implicit:
            length = tag_len.unpack_from(data, pos)[2]
            vrb = None
            vt = pos + 8
        else:
            _, _, vrb, length = expl.unpack_from(data, pos)
            if vrb in _LONG_VRS:
                if pos + 12 > n:
                    return None
                length = u32.unpack_from(data, pos + 8)[0]
                vt = pos + 12
            elif vrb in _SHORT_VRS:
                vt = pos + 8
            else:
                return None  # a switch to implicit VR inside a sequence: pydicom knows how to read it
        if length == _UNDEFINED:
            if vrb not in (None, b"SQ", b"UN", b"OB", b"OW"):
                return None
            delim = _items_end(data, vt, n, implicit or vrb == b"UN", little)
            if delim is None:
                return None
            pos = delim + 8
        else:
            pos = vt + length
            if pos > n:
                return None
    return None
