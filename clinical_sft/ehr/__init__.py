"""Supervised fine-tuning of transformer backbones on clinical notes (NER and note classification).

A modality of the training engine: :class:`NerTask` and :class:`ClassificationTask` implement
:class:`clinical_sft.training.Task`; :func:`fine_tune` runs them with the engine (DP optional),
:class:`EhrModel` saves/loads in Hugging Face layout and predicts on raw notes.

>>> from clinical_sft.ehr import EhrConfig, fine_tune
>>> from clinical_sft.training import TrainConfig, DPConfig
>>> run = fine_tune("notes.jsonl", config=EhrConfig(task="ner", backbone="minilm"),
...                 train_config=TrainConfig(out_dir="runs/phi", epochs=3),
...                 dp=DPConfig(target_epsilon=8))  # doctest: +SKIP
>>> run.model.predict(["Seen by Dr. Alvarez on 03/04/2021."])  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from clinical_sft.ehr._api import (
    DEFAULT_MIN_STEPS,
    TRAIN_DEFAULTS,
    EhrEvaluation,
    EhrRun,
    auto_epochs,
    evaluate,
    fine_tune,
    note_demographics,
    predict,
    train_defaults,
    write_jsonl,
)
from clinical_sft.ehr._backbone import (
    BACKBONES,
    Backbone,
    apply_lora,
    load_backbone,
    register_backbone,
    resolve_backbone,
)
from clinical_sft.ehr._data import load_notes, read_demographics, split_by_patient
from clinical_sft.ehr._metrics import classification_metrics, expected_calibration_error, ner_metrics
from clinical_sft.ehr._model import EhrModel
from clinical_sft.ehr._tasks import (
    ClassificationTask,
    EhrConfig,
    NerTask,
    UnitDataset,
    WindowDataset,
    build_task,
    expand_abbreviations,
)
from clinical_sft.ehr._text import decode_bio, make_windows, sentence_starts, spans_to_token_tags

__all__ = [
    "BACKBONES",
    "DEFAULT_MIN_STEPS",
    "TRAIN_DEFAULTS",
    "Backbone",
    "ClassificationTask",
    "EhrConfig",
    "EhrEvaluation",
    "EhrModel",
    "EhrRun",
    "NerTask",
    "UnitDataset",
    "WindowDataset",
    "apply_lora",
    "auto_epochs",
    "build_task",
    "classification_metrics",
    "decode_bio",
    "evaluate",
    "expand_abbreviations",
    "expected_calibration_error",
    "fine_tune",
    "load_backbone",
    "load_notes",
    "make_windows",
    "ner_metrics",
    "note_demographics",
    "predict",
    "read_demographics",
    "register_backbone",
    "resolve_backbone",
    "sentence_starts",
    "split_by_patient",
    "spans_to_token_tags",
    "train_defaults",
    "write_jsonl",
]


def _task_from_run(run_dir: Path) -> NerTask | ClassificationTask:
    # fine_tune saves the model in Hugging Face layout in the run directory itself
    return EhrModel.from_pretrained(run_dir).task


def _register() -> None:
    try:
        from clinical_sft.training import register_task
    except ImportError:  # pragma: no cover - the engine ships with the package
        return
    register_task("ner", _task_from_run, overwrite=True)
    register_task("classify", _task_from_run, overwrite=True)


_register()
