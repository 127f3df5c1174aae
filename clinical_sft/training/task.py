"""The contract between the training engine and a modality.

``training`` knows models, batches, losses, metrics, checkpoints and DP; it knows no modality.
``ehr`` and ``imaging`` each supply a :class:`Task`; the engine runs it, with or without DP.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import torch
from torch import nn

__all__ = ["Task"]


@runtime_checkable
class Task(Protocol):
    """What a modality gives the engine.

    Attributes
    ----------
    name
        ``"ner"``, ``"classify"``, ``"segmentation"``, ... (recorded in ``run.json``).
    monitor
        The validation metric early stopping and best-checkpoint selection watch (e.g. ``"f1"``).
    monitor_mode
        ``"max"`` or ``"min"``.

    Optional methods (the engine uses them when present)
    ---------------------------------------------------
    ``per_record_loss(model, batch) -> Tensor[B]``
        Unreduced loss, one value per record, whose mean is ``loss(model, batch)``. Enables opacus'
        ghost clipping under DP (otherwise hooks mode) and the membership-inference audit.
    ``load_dataset(path) -> Dataset``
        Read a split from a file (used by ``clinical-sft privacy audit --train F --heldout F``).
    ``run_info() -> dict``
        Extra JSON-able facts stored as ``run.json["task_info"]`` (backbone, labels, ...).

    Rebuilding from a run directory: register ``loader(run_dir) -> Task`` with
    :func:`clinical_sft.training.register_task` under the task's ``name``;
    :func:`clinical_sft.training.load_trained` then rebuilds the model and loads ``model.safetensors``.

    Notes
    -----
    Under DP, ``loss`` must be a mean over the records of the batch, batches may be empty (Poisson
    sampling; the engine handles those without calling the task) and the model is opacus-wrapped:
    call it, don't reach into its attributes. Hugging Face BERT models need ``token_type_ids`` and
    ``position_ids`` passed explicitly in the batch under opacus.
    """

    name: str
    monitor: str
    monitor_mode: str

    def build_model(self) -> nn.Module:
        """The model to train (pretrained weights loaded, in train mode)."""
        ...

    def collate(self, items: Sequence[Any]) -> dict[str, Any]:
        """Turn dataset items into one batch (tensors; non-tensor fields such as ``ids`` allowed)."""
        ...

    def loss(self, model: nn.Module, batch: dict[str, Any]) -> torch.Tensor:
        """Mean loss of a batch already moved to the model's device."""
        ...

    def predict_batch(self, model: nn.Module, batch: dict[str, Any]) -> list[dict[str, Any]]:
        """Per-record predictions of a batch (``id`` plus whatever ``compute_metrics`` needs)."""
        ...

    def compute_metrics(self, predictions: list[dict[str, Any]]) -> dict[str, float]:
        """Validation metrics from the per-record predictions of a whole split."""
        ...

    def predictions_table(self, predictions: list[dict[str, Any]]) -> Any:
        """A pandas DataFrame with one row per record for ``fairness.SubgroupReport``."""
        ...
