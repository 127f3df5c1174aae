"""``clinical-sft ehr``: fine-tune transformer backbones on clinical notes (NER, note classification).

Thin shell over :mod:`clinical_sft.ehr` (``fine_tune``, ``predict``, ``evaluate``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from clinical_sft.training._cli_options import (
    DpAccountantOpt,
    DpDeltaOpt,
    DpEpsilonOpt,
    DpPhysicalBatchOpt,
    MaxGradNormOpt,
    dp_config_from_options,
)

app = typer.Typer(help="Fine-tune transformer backbones on clinical notes: NER (e.g. a PHI tagger) and note "
                       "classification, with optional LoRA and differential privacy.", no_args_is_help=True)


def _quiet_hf() -> None:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover
        pass


def _echo_metrics(title: str, metrics: dict[str, float]) -> None:
    keys = [k for k in ("f1", "precision", "recall", "auroc", "auprc", "accuracy", "ece") if k in metrics]
    shown = ", ".join(f"{k} {metrics[k]:.4f}" for k in keys)
    typer.echo(f"{title}: {shown}")


@app.command()
def train(
    train_file: Annotated[Path, typer.Option("--train", help="Training notes (JSONL/CSV with id, text and spans or "
                                                             "label; patient_id optional).", exists=True)],
    out: Annotated[Path, typer.Option("--out", help="Output directory (model, run.json, metrics, model card).")],
    task: Annotated[str, typer.Option("--task", help="ner or classify.")] = "ner",
    eval_file: Annotated[Path | None, typer.Option("--eval", help="Validation notes; default: hold out "
                                                                  "--val-fraction of the patients.", exists=True)] = None,
    backbone: Annotated[str, typer.Option("--backbone", help="minilm or a local Hugging Face model directory.")]
    = "minilm",
    epochs: Annotated[int | None, typer.Option("--epochs", min=1, help="Default: 3, raised (up to 20) until "
                                                "training takes 120 optimizer steps on small data.")] = None,
    batch_size: Annotated[int | None, typer.Option("--batch-size", min=1, help="Default: 16.")] = None,
    learning_rate: Annotated[float | None, typer.Option("--lr", help="Peak learning rate (AdamW, linear decay); "
                                                        "default 1e-4.")] = None,
    warmup_ratio: Annotated[float | None, typer.Option("--warmup-ratio", help="Fraction of the steps spent warming "
                                                       "the learning rate up linearly; default 0.1.")] = None,
    weight_decay: Annotated[float | None, typer.Option("--weight-decay", help="AdamW weight decay (not on biases "
                                                       "and norms); default 0.01.")] = None,
    max_length: Annotated[int | None, typer.Option("--max-length", help="Tokens per window, special tokens "
                                                  "included (default: the model's limit, 512 for BERT-like "
                                                  "models); longer notes are windowed.")] = None,
    stride: Annotated[int, typer.Option("--stride", help="Most tokens shared by consecutive windows.")] = 32,
    lora: Annotated[bool, typer.Option("--lora/--full", help="Fine-tune LoRA adapters (peft) instead of all "
                                                           "weights.")] = False,
    lora_r: Annotated[int, typer.Option("--lora-r", min=1)] = 8,
    from_scratch: Annotated[bool, typer.Option("--from-scratch", help="Random weights from the backbone's config "
                                                                      "(no pretrained weights).")] = False,
    config_overrides: Annotated[str, typer.Option("--config-overrides", help="With --from-scratch: "
                                                  "'hidden_size=32,num_hidden_layers=2'.")] = "",
    problem: Annotated[str, typer.Option("--problem", help="auto, binary, multiclass or multilabel "
                                                           "(classify).")] = "auto",
    pooling: Annotated[str, typer.Option("--pooling", help="mean or max of window logits (classify).")] = "mean",
    abbreviations: Annotated[bool, typer.Option("--expand-abbreviations", help="Expand abbreviations with "
                                                "scispaCy before classification.")] = False,
    sentence_splitter: Annotated[str, typer.Option("--sentence-splitter", help="scispacy, simple or none.")]
    = "scispacy",
    demographics: Annotated[Path | None, typer.Option("--demographics", help="CSV keyed by note id or "
                                                      "patient_id: subgroup report on the validation notes.",
                                                      exists=True)] = None,
    val_fraction: Annotated[float, typer.Option("--val-fraction")] = 0.2,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    device: Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")] = "auto",
    max_steps: Annotated[int | None, typer.Option("--max-steps", min=1)] = None,
    n_boot: Annotated[int, typer.Option("--n-boot", help="Bootstrap resamples of the subgroup report.")] = 1000,
    dp_epsilon: DpEpsilonOpt = None,
    dp_delta: DpDeltaOpt = None,
    max_grad_norm: MaxGradNormOpt = 1.0,
    dp_accountant: DpAccountantOpt = "prv",
    dp_physical_batch: DpPhysicalBatchOpt = None,
    dp_unit: Annotated[str, typer.Option("--dp-unit", help="Privacy unit under DP: note or patient (each sampled "
                                         "unit gives one window per step).", rich_help_panel="Differential privacy")]
    = "note",
) -> None:
    """Fine-tune a backbone on notes; writes the model, run.json, metrics and the model card to --out."""
    _quiet_hf()
    from clinical_sft.ehr import DEFAULT_MIN_STEPS, EhrConfig, fine_tune, train_defaults
    from clinical_sft.training import TrainConfig

    config = EhrConfig(task=task, backbone=backbone, from_scratch=from_scratch, config_overrides=config_overrides,
                       lora=lora, lora_r=lora_r, max_length=max_length, stride=stride,
                       sentence_splitter=sentence_splitter, pooling=pooling, problem=problem,
                       expand_abbreviations=abbreviations, dp_unit=dp_unit)
    opt = train_defaults(task)  # the library's defaults, overridden by what was given
    given = {"epochs": epochs, "batch_size": batch_size, "learning_rate": learning_rate, "warmup_ratio": warmup_ratio,
             "weight_decay": weight_decay}
    opt.update({k: v for k, v in given.items() if v is not None})
    tc = TrainConfig(out_dir=out, seed=seed, device=device, max_steps=max_steps, **opt)  # type: ignore[arg-type]
    dp = dp_config_from_options(dp_epsilon, dp_delta, max_grad_norm, dp_accountant, dp_physical_batch)
    run = fine_tune(train_file, eval_file, config=config, train_config=tc, dp=dp, demographics=demographics,
                    val_fraction=val_fraction, seed=seed, report_kwargs={"n_boot": n_boot},
                    min_steps=DEFAULT_MIN_STEPS if epochs is None and max_steps is None else None)
    _echo_metrics("validation", run.metrics)
    if run.result.privacy.get("enabled"):
        typer.echo(f"privacy: epsilon {run.result.privacy['epsilon']:.3f} at delta {run.result.privacy['delta']:.3g}")
    typer.echo(f"model, run.json, metrics.json and model card written to {out}")


@app.command()
def predict(
    input_file: Annotated[Path, typer.Argument(help="Notes (JSONL/CSV with id and text).", exists=True)],
    model: Annotated[Path, typer.Option("--model", help="A model directory from `clinical-sft ehr train`.")],
    out: Annotated[Path, typer.Option("--out", help="Output JSONL: {id, spans} or {id, label, scores}.")],
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 16,
) -> None:
    """Predict entity spans or note labels with a fine-tuned model."""
    _quiet_hf()
    from clinical_sft.ehr import predict as ehr_predict

    rows = ehr_predict(model, input_file, out=out, batch_size=batch_size)
    typer.echo(f"{len(rows)} predictions written to {out}")


@app.command()
def evaluate(
    model: Annotated[Path, typer.Option("--model", help="A model directory from `clinical-sft ehr train`.")],
    data: Annotated[Path, typer.Option("--data", help="Labelled notes (JSONL/CSV).", exists=True)],
    out: Annotated[Path, typer.Option("--out", help="Output directory: metrics, predictions, report, card.")],
    demographics: Annotated[Path | None, typer.Option("--demographics", help="CSV keyed by note id or "
                                                      "patient_id for the subgroup report.", exists=True)] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 16,
    n_boot: Annotated[int, typer.Option("--n-boot", help="Bootstrap resamples of the subgroup report.")] = 1000,
) -> None:
    """Evaluate a fine-tuned model: metrics, subgroup report and model card."""
    _quiet_hf()
    from clinical_sft.ehr import evaluate as ehr_evaluate

    ev = ehr_evaluate(model, data, demographics=demographics, out_dir=out, batch_size=batch_size,
                      report_kwargs={"n_boot": n_boot})
    _echo_metrics("test", ev.metrics)
    typer.echo(json.dumps({"out_dir": str(out), "n_notes": len(ev.predictions)}))
