"""Burned-in text: find it with Tesseract OCR and black it out (the Clean Pixel Data option).

Needs the optional extra ``ocr`` (``pytesseract``) and the Debian package ``tesseract-ocr``.
Every word Tesseract finds is blacked out, whatever it says: recall matters, and a de-identifier
cannot tell a name from a label reliably in a few pixels. Each frame is OCR'd on the image and on
its inverse (light-on-dark and dark-on-light text), upscaled when small.
Cleaned pixels are written uncompressed (Explicit VR Little Endian), since re-encoding a lossy
image would change it again; the file's other attributes are untouched here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from pydicom.dataset import Dataset

__all__ = ["TextBox", "clean_burned_in_pixels", "find_text_boxes", "ocr_available", "evaluate_boxes"]

log = logging.getLogger(__name__)

MIN_CONF = 30.0
PAD = 3
OCR_MARGIN = 25


@dataclass(frozen=True)
class TextBox:
    """A text box in pixel coordinates of the frame (left, top, width, height)."""

    left: int
    top: int
    width: int
    height: int

    def to_dict(self) -> dict[str, int]:
        return {"left": self.left, "top": self.top, "width": self.width, "height": self.height}


@lru_cache(maxsize=1)
def ocr_available() -> bool:
    """Whether pytesseract and the tesseract binary are installed."""
    try:
        import pytesseract

        pytesseract.get_tesseract_version()
        return True
    except Exception:
        return False


def _to_u8(frame: np.ndarray) -> np.ndarray:
    a = frame.astype(np.float32)
    if a.ndim == 3:
        a = a.mean(axis=2)
    lo, hi = float(np.percentile(a, 0.5)), float(np.percentile(a, 99.5))
    if hi <= lo:
        lo, hi = float(a.min()), float(a.max())
    if hi <= lo:
        return np.zeros(a.shape, np.uint8)
    return np.clip((a - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8)


def find_text_boxes(frame: np.ndarray, min_conf: float = MIN_CONF) -> list[TextBox]:
    """Boxes of the words Tesseract reads in one frame (grey-scale or colour array)."""
    import pytesseract
    from PIL import Image

    img = _to_u8(frame)
    h, w = img.shape
    scale = 2 if max(h, w) < 1000 else 1
    boxes: list[TextBox] = []
    for variant in (img, 255 - img):
        # a margin around the frame: Tesseract misses text that touches the border
        border = np.concatenate([variant[0], variant[-1], variant[:, 0], variant[:, -1]])
        padded = np.pad(variant, OCR_MARGIN, constant_values=int(np.median(border)))
        pil = Image.fromarray(padded)
        if scale != 1:
            pil = pil.resize((pil.width * scale, pil.height * scale), Image.Resampling.BICUBIC)
        data = pytesseract.image_to_data(pil, config="--psm 11", output_type=pytesseract.Output.DICT)
        for i, text in enumerate(data["text"]):
            try:
                conf = float(data["conf"][i])
            except (TypeError, ValueError):
                conf = -1.0
            if not str(text).strip() or conf < min_conf:
                continue
            if not any(c.isalnum() for c in str(text)):
                continue
            bw, bh = data["width"][i] // scale, data["height"][i] // scale
            if bw < 2 or bh < 4 or bh > h // 3:
                continue
            left = max(0, data["left"][i] // scale - OCR_MARGIN)
            top = max(0, data["top"][i] // scale - OCR_MARGIN)
            boxes.append(TextBox(left, top, bw, bh))
    return _merge(boxes)


def _merge(boxes: list[TextBox]) -> list[TextBox]:
    out: list[TextBox] = []
    for b in sorted(boxes, key=lambda b: (b.top, b.left)):
        for j, o in enumerate(out):
            if _iou(b, o) > 0.5:
                x0, t = min(b.left, o.left), min(b.top, o.top)
                r = max(b.left + b.width, o.left + o.width)
                btm = max(b.top + b.height, o.top + o.height)
                out[j] = TextBox(x0, t, r - x0, btm - t)
                break
        else:
            out.append(b)
    return out


def _iou(a: TextBox, b: TextBox) -> float:
    ix = max(0, min(a.left + a.width, b.left + b.width) - max(a.left, b.left))
    iy = max(0, min(a.top + a.height, b.top + b.height) - max(a.top, b.top))
    inter = ix * iy
    union = a.width * a.height + b.width * b.height - inter
    return inter / union if union else 0.0


def clean_burned_in_pixels(ds: Dataset) -> list[TextBox]:
    """OCR every frame of ``ds`` and black out the text found; return the boxes (union of frames).

    The pixel data are decoded (compressed syntaxes included, with pydicom's decoders); when text
    is found they are written back uncompressed with Explicit VR Little Endian, else left as they
    are. Raises when the pixels cannot be
    decoded, so the caller quarantines the file (fail closed).
    """
    arr = ds.pixel_array
    nframes = int(ds.get("NumberOfFrames", 1) or 1)
    spp = int(ds.get("SamplesPerPixel", 1) or 1)
    frames = arr if nframes > 1 else arr[None, ...]
    photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2"))
    fill = frames.max() if photometric == "MONOCHROME1" else frames.min()
    frames = np.array(frames, copy=True)
    all_boxes: list[TextBox] = []
    for f in range(frames.shape[0]):
        boxes = find_text_boxes(frames[f])
        h, w = frames.shape[1], frames.shape[2]
        for b in boxes:
            t0, l0 = max(0, b.top - PAD), max(0, b.left - PAD)
            t1, l1 = min(h, b.top + b.height + PAD), min(w, b.left + b.width + PAD)
            frames[f, t0:t1, l0:l1, ...] = fill
        all_boxes.extend(boxes)
    if not all_boxes:
        return []  # nothing found: the pixel data (and transfer syntax) stay as they are
    out = frames if nframes > 1 else frames[0]
    if spp == 3:
        pi = "RGB"  # pydicom decodes YBR JPEG to RGB
    else:
        pi = photometric if photometric in ("MONOCHROME1", "MONOCHROME2", "PALETTE COLOR") else "MONOCHROME2"
    bits = int(ds.get("BitsStored", 8) or 8)
    if out.dtype.itemsize == 1:
        bits = min(bits, 8)
    ds.set_pixel_data(out, pi, bits, generate_instance_uid=False)
    return _merge(all_boxes)


def overlay_text_boxes(ds: Dataset, group: int) -> list[TextBox]:
    """Text boxes OCR finds in the overlay bitmap of ``group`` (60xx); raises if OCR is missing."""
    from pydicom.overlays import get_overlay_array

    arr = get_overlay_array(ds, group)
    return find_text_boxes(arr.astype(np.uint8) * 255)


def evaluate_boxes(found: list[TextBox] | list[dict[str, Any]], truth: list[dict[str, Any]],
                   iou_threshold: float = 0.3) -> dict[str, float]:
    """Box recall (IoU >= threshold), area coverage recall and mean best IoU of ``found`` against ``truth``.

    ``truth``: ``[{left, top, width, height, ...}]`` as in ``ground_truth.json``.
    """
    fb = [b if isinstance(b, TextBox) else TextBox(int(b["left"]), int(b["top"]), int(b["width"]), int(b["height"]))
          for b in found]
    tb = [TextBox(int(b["left"]), int(b["top"]), int(b["width"]), int(b["height"])) for b in truth]
    if not tb:
        return {"n_truth": 0, "n_found": len(fb), "box_recall": 1.0, "covered_recall": 1.0, "mean_iou": 1.0}
    best = [max((_iou(t, f) for f in fb), default=0.0) for t in tb]
    covered = []
    for t in tb:
        mask = np.zeros((t.height, t.width), bool)
        for f in fb:
            l0, t0 = max(t.left, f.left - PAD), max(t.top, f.top - PAD)
            l1 = min(t.left + t.width, f.left + f.width + PAD)
            t1 = min(t.top + t.height, f.top + f.height + PAD)
            if l1 > l0 and t1 > t0:
                mask[t0 - t.top:t1 - t.top, l0 - t.left:l1 - t.left] = True
        covered.append(mask.mean() >= 0.5)
    return {
        "n_truth": len(tb),
        "n_found": len(fb),
        "box_recall": float(np.mean([b >= iou_threshold for b in best])),
        "covered_recall": float(np.mean(covered)),
        "mean_iou": float(np.mean(best)),
    }
