"""Fine-tune, evaluate and apply note models: the functions the CLI and notebooks call."""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from clinical_sft.ehr._backbone import resolve_backbone
from clinical_sft.ehr._data import NoteSource, load_notes, read_demographics, split_by_patient
from clinical_sft.ehr._model import EhrModel
from clinical_sft.ehr._tasks import ClassificationTask, EhrConfig, NerTask, build_task
from clinical_sft.errors import InputError

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_MIN_STEPS", "TRAIN_DEFAULTS", "EhrEvaluation", "auto_epochs", "EhrRun", "evaluate", "fine_tune", "predict", "train_defaults",
           "write_jsonl"]

_CORE = {"id", "text", "spans", "label", "patient_id"}

#: Optimisation defaults of note fine-tuning (``clinical-sft ehr train`` and :func:`fine_tune`), per task.
TRAIN_DEFAULTS: dict[str, dict[str, Any]] = {
    "ner": {"epochs": 3, "batch_size": 16, "learning_rate": 1e-4, "warmup_ratio": 0.1, "weight_decay": 0.01},
    "classify": {"epochs": 3, "batch_size": 16, "learning_rate": 1e-4, "warmup_ratio": 0.1, "weight_decay": 0.01},
}


#: Optimizer steps the default schedule trains for at least (epochs are raised on small data sets).
DEFAULT_MIN_STEPS = 120
#: Most epochs :func:`auto_epochs` chooses.
MAX_AUTO_EPOCHS = 20


def auto_epochs(n_items: int, batch_size: int, epochs: int, min_steps: int, grad_accum_steps: int = 1) -> int:
    """``epochs``, raised (up to :data:`MAX_AUTO_EPOCHS`) so that training takes ``min_steps`` optimizer steps.

    >>> auto_epochs(206, 16, 3, 120)   # 13 steps an epoch
    10
    >>> auto_epochs(5432, 16, 3, 120)  # a large corpus keeps its epochs
    3
    """
    per_epoch = max(1, math.ceil(n_items / (batch_size * max(1, grad_accum_steps))))
    return max(epochs, min(MAX_AUTO_EPOCHS, math.ceil(min_steps / per_epoch)))


def train_defaults(task: str) -> dict[str, Any]:
    """The :class:`~clinical_sft.training.TrainConfig` fields ``fine_tune`` and the CLI use by default.

    AdamW with linear decay after a 10% warm-up, weight decay 0.01 (not on biases and norms). The peak
    learning rate is higher than the 2e-5..5e-5 usual for BERT-base: the default backbone is a 6-layer,
    384-wide MiniLM, which needs larger steps (measured on NCBI-disease, see ``benchmarks/ehr_sft.py``).
    """
    if task not in TRAIN_DEFAULTS:
        raise InputError(f"task: unknown value '{task}' (expected one of {', '.join(TRAIN_DEFAULTS)}).")
    return dict(TRAIN_DEFAULTS[task])


def _atomic_text(path: Path, text: str) -> None:
    from clinical_sft.privacy.corpus import atomic_write_text

    atomic_write_text(path, text)


def write_jsonl(rows: list[dict[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Write rows as JSON Lines, atomically."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    _atomic_text(p, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return p


def _report_task(task: NerTask | ClassificationTask) -> str:
    return "ner" if task.name == "ner" else "classification"


def note_demographics(notes: pd.DataFrame, demographics: Any) -> pd.DataFrame | None:
    """Demographics per note ``id`` for ``SubgroupReport``.

    ``demographics`` is a CSV path or DataFrame keyed by note ``id`` or by ``patient_id`` (joined
    through the notes' ``patient_id``), or a list of column names already present in ``notes``.
    """
    if demographics is None:
        return None
    if isinstance(demographics, (list, tuple)):
        missing = [c for c in demographics if c not in notes.columns]
        if missing:
            raise InputError(f"Demographics: column(s) {missing} are not in the notes.")
        return notes[["id", *demographics]].astype({"id": str}).reset_index(drop=True)
    demo = read_demographics(demographics)
    if "id" in demo.columns and demo["id"].isin(notes["id"]).any():
        return demo.drop(columns=[c for c in ("patient_id",) if c in demo.columns]).drop_duplicates("id")
    if "patient_id" in demo.columns:
        if "patient_id" not in notes.columns:
            raise InputError("Demographics are keyed by patient_id but the notes have no patient_id column.")
        demo = demo.drop_duplicates("patient_id")
        joined = notes[["id", "patient_id"]].merge(demo.drop(columns=[c for c in ("id",) if c in demo.columns]),
                                                   on="patient_id", how="left")
        return joined.drop(columns=["patient_id"]).reset_index(drop=True)
    raise InputError("Demographics: no row matches a note id, and there is no patient_id column to join on.")


def _subgroup_report(task: NerTask | ClassificationTask, table: pd.DataFrame, demo: pd.DataFrame | None,
                     out_dir: Path | None, **report_kwargs: Any) -> Any:
    if demo is None or table.empty:
        return None
    from clinical_sft.fairness import SubgroupReport

    attrs = [c for c in demo.columns if c != "id"]
    if not attrs:
        return None
    report = SubgroupReport(task=_report_task(task), **report_kwargs).fit(table, demo)
    if out_dir is not None:
        report.save(out_dir / "fairness")
    return report


def _model_card(run: dict[str, Any], task: NerTask | ClassificationTask, report: Any, out_dir: Path) -> Any:
    from clinical_sft.fairness import ModelCard

    run = dict(run)
    model = dict(run.get("model") or {})
    model.setdefault("backbone", str(task.config.backbone if not task.config.from_scratch
                                     else f"{task.config.backbone} (random init)"))
    model["fine-tuning"] = "LoRA (peft, merged on save)" if task.config.lora else "full"
    model["labels"] = ", ".join(task.labels)
    run["model"] = model
    kind = "NER tagger" if task.name == "ner" else f"{getattr(task, 'problem', '')} note classifier"
    card = ModelCard.from_run(run, report=report, name=f"clinical-sft {kind}")
    card.save(out_dir)
    return card


@dataclass
class EhrRun:
    """What :func:`fine_tune` returns: the model, the engine's result and the validation report."""

    model: EhrModel
    result: Any
    metrics: dict[str, float]
    predictions: pd.DataFrame
    report: Any = None
    out_dir: Path = field(default_factory=Path)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON summary."""
        return {"out_dir": str(self.out_dir), "metrics": self.metrics,
                "privacy": getattr(self.result, "privacy", None), "best_epoch": getattr(self.result, "best_epoch", None),
                "wall_time_s": getattr(self.result, "wall_time_s", None)}


def fine_tune(
    train: NoteSource,
    val: NoteSource | None = None,
    *,
    config: EhrConfig | None = None,
    train_config: Any = None,
    dp: Any = None,
    demographics: Any = None,
    val_fraction: float = 0.2,
    seed: int = 0,
    report_kwargs: dict[str, Any] | None = None,
    min_steps: int | None = None,
) -> EhrRun:
    """Fine-tune a backbone on notes with the training engine, with or without DP.

    Parameters
    ----------
    train, val
        Notes (see :func:`load_notes`). Without ``val``, ``val_fraction`` of the *patients* of
        ``train`` are held out (:func:`split_by_patient`).
    config
        The :class:`EhrConfig` (task, backbone, LoRA, windows).
    train_config
        A :class:`clinical_sft.training.TrainConfig` (``out_dir``, epochs, batch size, ...); default:
        :func:`train_defaults` of the task, written to ``runs/<task>``.
    dp
        A :class:`clinical_sft.training.DPConfig` for differentially private training. The privacy
        unit is ``config.dp_unit`` (the note by default, or the patient), also for notes longer than a
        window: each sampled unit contributes one of its windows per step (:class:`UnitDataset`), and
        ``run.json["privacy"]["unit"]`` says which unit the epsilon is about.
    demographics
        For a subgroup report on the validation notes: CSV path / DataFrame keyed by ``id`` or
        ``patient_id``, or a list of demographic columns of the notes.
    min_steps
        Raise the number of epochs (at most :data:`MAX_AUTO_EPOCHS`) until training takes at least
        this many optimizer steps: a few hundred notes give only a dozen steps an epoch, too few to
        fine-tune a tagger in 3 epochs. ``None`` (default with an explicit ``train_config``) keeps its
        epochs; the library's and the CLI's defaults use :data:`DEFAULT_MIN_STEPS`.

    Returns
    -------
    EhrRun
        ``out_dir`` holds the model in Hugging Face layout (``config.json``, ``model.safetensors``,
        tokenizer, ``label_map.json``, ``ehr_config.json``), ``run.json``, ``metrics.json``,
        ``val_predictions.csv``, ``model_card.md``/``.html`` and ``fairness/`` with demographics.

    Examples
    --------
    >>> from clinical_sft.training import TrainConfig
    >>> run = fine_tune("notes.jsonl", config=EhrConfig(task="ner"),
    ...                 train_config=TrainConfig(out_dir="runs/phi", epochs=3))  # doctest: +SKIP
    """
    from clinical_sft.training import TrainConfig, Trainer

    config = config or EhrConfig()
    if train_config is None:
        train_config = TrainConfig(out_dir=Path("runs") / config.task, **train_defaults(config.task))
        min_steps = DEFAULT_MIN_STEPS if min_steps is None else min_steps
    out = Path(train_config.out_dir)
    resolve_backbone(config.backbone)  # fail before reading data when the backbone is missing
    train_df = load_notes(train, config.task)
    if val is None:
        train_df, val_df = split_by_patient(train_df, val_fraction=val_fraction, seed=seed)
    else:
        val_df = load_notes(val, config.task)
    task = build_task(config, train_df)
    train_ds = task.make_dataset(train_df)
    val_ds = task.make_dataset(val_df)
    logger.info("fine-tuning %s on %d notes (%d windows), validating on %d notes", config.task,
                train_ds.n_notes, len(train_ds), val_ds.n_notes)
    fit_ds: Any = train_ds
    if dp is not None:
        # the note (or patient) is the privacy unit, whatever the number of windows it spans
        fit_ds = train_ds.by_unit(config.dp_unit)
        if len(train_ds) > len(fit_ds):
            logger.info("DP: %d %s(s) over %d windows; each sampled %s contributes one random window per step",
                        len(fit_ds), config.dp_unit, len(train_ds), config.dp_unit)
    if min_steps:
        epochs = auto_epochs(len(fit_ds), train_config.batch_size, train_config.epochs, min_steps,
                             getattr(train_config, "grad_accum_steps", 1) or 1)
        if epochs != train_config.epochs:
            logger.info("%d epochs instead of %d: at least %d optimizer steps on %d training items", epochs,
                        train_config.epochs, min_steps, len(fit_ds))
            train_config = dataclasses.replace(train_config, epochs=epochs)
    trainer = Trainer(task, train_config, dp=dp)
    result = trainer.fit(fit_ds, val_ds)
    assert trainer.model is not None
    model = EhrModel(task, trainer.model)
    preds = model.predict_dataset(val_ds, batch_size=train_config.eval_batch_size or train_config.batch_size)
    metrics = task.compute_metrics(preds)
    table = task.predictions_table(preds)
    model.save_pretrained(out)  # HF layout; replaces the engine's raw model.safetensors with the same keys
    _atomic_text(out / "metrics.json", json.dumps({"validation": metrics, "n_val_notes": val_ds.n_notes,
                                                   "n_train_notes": train_ds.n_notes}, indent=2) + "\n")
    table.to_csv(out / "val_predictions.csv", index=False)
    demo = note_demographics(val_df, demographics)
    report = _subgroup_report(task, table, demo, out, **(report_kwargs or {}))
    _model_card(json.loads((out / "run.json").read_text("utf-8")), task, report, out)
    return EhrRun(model=model, result=result, metrics=metrics, predictions=table, report=report, out_dir=out)


@dataclass
class EhrEvaluation:
    """What :func:`evaluate` returns."""

    metrics: dict[str, float]
    predictions: pd.DataFrame
    outputs: list[dict[str, Any]]
    report: Any = None
    out_dir: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON summary (metrics only)."""
        return {"metrics": self.metrics, "n_notes": len(self.predictions),
                "out_dir": str(self.out_dir) if self.out_dir else None}


def _as_model(model: EhrModel | str | os.PathLike[str]) -> EhrModel:
    return model if isinstance(model, EhrModel) else EhrModel.from_pretrained(model)


def evaluate(model: EhrModel | str | os.PathLike[str], data: NoteSource, *, demographics: Any = None,
             out_dir: str | os.PathLike[str] | None = None, batch_size: int = 16,
             report_kwargs: dict[str, Any] | None = None) -> EhrEvaluation:
    """Metrics of a note model on labelled notes, with a subgroup report and model card.

    Writes to ``out_dir`` (when given): ``metrics.json``, ``predictions.jsonl`` (per-note outputs),
    ``predictions_table.csv``, ``fairness/`` (with demographics) and ``model_card.md``/``.html``
    (from the model's ``run.json`` with these metrics as its evaluation).
    """
    m = _as_model(model)
    df = load_notes(data, m.task.name)
    ds = m.task.make_dataset(df)
    preds = m.predict_dataset(ds, batch_size=batch_size)
    metrics = m.task.compute_metrics(preds)
    table = m.task.predictions_table(preds)
    outputs = m.task.to_outputs(preds, ds)
    out = Path(out_dir) if out_dir is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        _atomic_text(out / "metrics.json", json.dumps({"test": metrics, "n_notes": len(df)}, indent=2) + "\n")
        write_jsonl(outputs, out / "predictions.jsonl")
        table.to_csv(out / "predictions_table.csv", index=False)
    report = _subgroup_report(m.task, table, note_demographics(df, demographics), out, **(report_kwargs or {}))
    if out is not None:
        run_src = None if isinstance(model, EhrModel) else Path(model) / "run.json"
        run: dict[str, Any] = {}
        if run_src is not None and run_src.is_file():
            run = json.loads(run_src.read_text("utf-8"))
        run.setdefault("task", m.task.name)
        run["metrics"] = metrics
        run["evaluation"] = {"n_notes": len(df)}
        _model_card(run, m.task, report, out)
    return EhrEvaluation(metrics=metrics, predictions=table, outputs=outputs, report=report, out_dir=out)


def predict(model: EhrModel | str | os.PathLike[str], data: NoteSource, *,
            out: str | os.PathLike[str] | None = None, batch_size: int = 16) -> list[dict[str, Any]]:
    """Predictions of a note model on notes (spans or labels per note), optionally written as JSONL."""
    m = _as_model(model)
    rows = m.predict(data if not isinstance(data, str) else Path(data), batch_size=batch_size)
    if out is not None:
        write_jsonl(rows, out)
    return rows
