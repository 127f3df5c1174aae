"""A fine-tuned note model: save/load in Hugging Face layout, predict on raw notes."""

from __future__ import annotations

import copy
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import torch
from torch import nn

from clinical_sft.ehr._backbone import load_pretrained
from clinical_sft.ehr._data import load_notes
from clinical_sft.ehr._tasks import ClassificationTask, EhrConfig, NerTask, WindowDataset
from clinical_sft.errors import InputError, ModelNotFoundError

logger = logging.getLogger(__name__)

__all__ = ["EhrModel", "EHR_CONFIG_NAME", "LABEL_MAP_NAME"]

EHR_CONFIG_NAME = "ehr_config.json"
LABEL_MAP_NAME = "label_map.json"
FORMAT_VERSION = 1


def _atomic_text(path: Path, text: str) -> None:
    from clinical_sft.privacy.corpus import atomic_write_text

    atomic_write_text(path, text)


class EhrModel:
    """A note model (NER tagger or note classifier) with its tokenizer and label map.

    Parameters
    ----------
    task
        The :class:`NerTask` or :class:`ClassificationTask` that built the model (labels, windows).
    model
        The trained ``transformers`` model (a peft LoRA model is merged on save).

    Examples
    --------
    >>> m = EhrModel.from_pretrained("./runs/phi-ner")  # doctest: +SKIP
    >>> m.predict(["Seen by Dr. Alvarez on 03/04/2021."])[0]["spans"]  # doctest: +SKIP
    """

    def __init__(self, task: NerTask | ClassificationTask, model: nn.Module) -> None:
        self.task = task
        self.model = model

    @property
    def config(self) -> EhrConfig:
        """The :class:`EhrConfig` the model was trained with."""
        return self.task.config

    # ------------------------------------------------------------------ persistence
    def label_map(self) -> dict[str, Any]:
        """The labels a downstream loader needs (also in ``config.json`` as ``id2label``)."""
        d: dict[str, Any] = {"task": self.task.name, "labels": list(self.task.labels)}
        if isinstance(self.task, NerTask):
            d["scheme"] = "BIO"
            d["entity_types"] = list(self.task.entity_types)
        else:
            d["problem"] = self.task.problem
            d["label_values"] = list(self.task.label_values)
            d["threshold"] = self.config.threshold
        return d

    def save_pretrained(self, save_directory: str | os.PathLike[str]) -> Path:
        """Write the model (safetensors), tokenizer, ``label_map.json`` and ``ehr_config.json``.

        LoRA adapters are merged into the base weights, so the directory loads with plain
        ``AutoModelForTokenClassification`` / ``AutoModelForSequenceClassification``.
        """
        out = Path(save_directory)
        out.mkdir(parents=True, exist_ok=True)
        model: Any = self.model
        if hasattr(model, "_module"):  # an opacus wrapper
            model = model._module
        if hasattr(model, "merge_and_unload"):
            model = copy.deepcopy(model).merge_and_unload()
        model.save_pretrained(str(out), safe_serialization=True)
        self.task.tokenizer.save_pretrained(str(out))
        _atomic_text(out / LABEL_MAP_NAME, json.dumps(self.label_map(), indent=2) + "\n")
        cfg = self.config.to_dict()
        cfg["base_backbone"] = cfg.pop("backbone")
        cfg["lora_merged"] = bool(self.config.lora)
        _atomic_text(out / EHR_CONFIG_NAME, json.dumps({"format_version": FORMAT_VERSION, "config": cfg}, indent=2)
                     + "\n")
        return out

    @classmethod
    def from_pretrained(cls, model_directory: str | os.PathLike[str], device: str | None = None) -> EhrModel:
        """Load a model saved by :meth:`save_pretrained` (local files only)."""
        from transformers import AutoModelForSequenceClassification, AutoModelForTokenClassification

        d = Path(model_directory)
        cfg_path, lab_path = d / EHR_CONFIG_NAME, d / LABEL_MAP_NAME
        if not (cfg_path.is_file() and lab_path.is_file() and (d / "config.json").is_file()):
            raise ModelNotFoundError(f"Model directory {d}: no {EHR_CONFIG_NAME}/{LABEL_MAP_NAME}/config.json; "
                                     "point --model at the output directory of `clinical-sft ehr train`.")
        try:
            saved = json.loads(cfg_path.read_text("utf-8"))
            labels = json.loads(lab_path.read_text("utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise InputError(f"Model directory {d}: unreadable {EHR_CONFIG_NAME} or {LABEL_MAP_NAME} "
                             f"({type(e).__name__}).") from None
        raw = dict(saved["config"])
        raw["backbone"] = str(d.resolve())
        # the saved directory holds the trained weights: never rebuild from scratch or re-add adapters
        raw.update(from_scratch=False, config_overrides="", lora=False)
        config = EhrConfig.from_dict(raw)
        task: NerTask | ClassificationTask
        if labels["task"] == "ner":
            task = NerTask(config, labels["entity_types"])
            auto: Any = AutoModelForTokenClassification
        else:
            task = ClassificationTask(config, labels["labels"], labels["problem"], labels.get("label_values"))
            auto = AutoModelForSequenceClassification
        model = load_pretrained(auto, d, new_head=False)
        model.eval()
        if device:
            model.to(device)
        return cls(task, model)

    # ------------------------------------------------------------------ inference
    def _notes(self, notes: Any, ids: Sequence[str] | None) -> pd.DataFrame:
        if isinstance(notes, (list, tuple)) and (not notes or isinstance(notes[0], str)):
            rid = list(ids) if ids is not None else [str(i) for i in range(len(notes))]
            if len(rid) != len(notes):
                raise InputError("predict: ids and texts differ in length.")
            return load_notes(pd.DataFrame({"id": rid, "text": list(notes)}), self.task.name, require_targets=False)
        if isinstance(notes, str):
            raise InputError("predict: pass a list of texts (or a JSONL path as pathlib.Path).")
        return load_notes(notes, self.task.name, require_targets=False)

    def predict_dataset(self, dataset: WindowDataset, batch_size: int = 16) -> list[dict[str, Any]]:
        """Raw per-window predictions of a prepared dataset (see :meth:`predict`)."""
        self.model.eval()
        device = next(self.model.parameters()).device
        preds: list[dict[str, Any]] = []
        with torch.inference_mode():
            for i in range(0, len(dataset), batch_size):
                batch = self.task.collate([dataset[j] for j in range(i, min(i + batch_size, len(dataset)))])
                batch = {k: v.to(device) if torch.is_tensor(v) else v for k, v in batch.items()}
                preds.extend(self.task.predict_batch(self.model, batch))
        return preds

    def predict(self, notes: Any, ids: Sequence[str] | None = None, batch_size: int = 16) -> list[dict[str, Any]]:
        """Predict on notes.

        Parameters
        ----------
        notes
            A list of texts, or anything :func:`load_notes` reads (JSONL path, DataFrame, Dataset).
        ids
            Record ids for a list of texts (default ``"0"``, ``"1"``, ...).

        Returns
        -------
        list of dict
            NER: ``{"id", "spans": [{"start", "end", "label", "score"}]}`` with character offsets
            into the given text; classification: ``{"id", "label", "scores": {class: probability}}``.
        """
        df = self._notes(notes, ids)
        ds = self.task.make_dataset(df, with_targets=False)
        return self.task.to_outputs(self.predict_dataset(ds, batch_size), ds)

    def __repr__(self) -> str:
        return f"EhrModel(task={self.task.name!r}, labels={len(self.task.labels)})"
