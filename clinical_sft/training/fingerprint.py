"""A stable fingerprint of a training or validation set for ``run.json``."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch

__all__ = ["fingerprint_dataset"]


def _feed(h: Any, value: Any) -> None:
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu().contiguous()
        h.update(f"T{t.dtype}{tuple(t.shape)}".encode())
        h.update(t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    elif isinstance(value, np.ndarray):
        a = np.ascontiguousarray(value)
        h.update(f"A{a.dtype}{a.shape}".encode())
        h.update(a.tobytes())
    elif isinstance(value, Mapping):
        h.update(b"{")
        for k in sorted(value, key=str):
            h.update(str(k).encode() + b":")
            _feed(h, value[k])
        h.update(b"}")
    elif isinstance(value, list | tuple):
        h.update(b"[")
        for v in value:
            _feed(h, v)
        h.update(b"]")
    elif isinstance(value, bytes):
        h.update(value)
    else:
        h.update(repr(value).encode())
    h.update(b"|")


def fingerprint_dataset(dataset: Any) -> dict[str, Any]:
    """SHA-256 over what a dataset exposes, most specific first.

    1. ``dataset.fingerprint()`` (a task's dataset can say what identifies it);
    2. ``dataset.ids`` (stable record ids);
    3. ``dataset.data`` (MONAI datasets: the list of dicts of file paths, without loading images);
    4. every item (tensors by bytes, other values by ``repr``).

    Returns
    -------
    dict
        ``{"sha256": hex, "n": number of records, "method": which of the above}``.

    Examples
    --------
    >>> fingerprint_dataset([1, 2, 3])["n"]
    3
    """
    if dataset is None:
        return {"sha256": None, "n": 0, "method": "none"}
    h = hashlib.sha256()
    fp = getattr(dataset, "fingerprint", None)
    if callable(fp):
        value = fp()
        _feed(h, value)
        method = "dataset.fingerprint()"
    elif isinstance(getattr(dataset, "ids", None), Sequence | np.ndarray):
        _feed(h, list(dataset.ids))
        method = "ids"
    elif isinstance(getattr(dataset, "data", None), Sequence) and not isinstance(dataset.data, str):
        _feed(h, list(dataset.data))
        method = "data"
    else:
        for i in range(len(dataset)):
            _feed(h, dataset[i])
        method = "items"
    return {"sha256": h.hexdigest(), "n": len(dataset), "method": method}
