"""``clinical-sft imaging``: segment or classify CT/MR volumes (DICOM series or NIfTI) with MONAI networks.

Thin shell over :mod:`clinical_sft.imaging` (``train_segmentation``, ``train_classification``,
``segment_files``, ``classify_files``, ``pretrain``, ``evaluate_*``); heavy imports happen inside the
commands so ``--help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from clinical_sft.training._cli_options import (
    DpAccountantOpt,
    DpDeltaOpt,
    DpEpsilonOpt,
    DpPhysicalBatchOpt,
    MaxGradNormOpt,
    dp_config_from_options,
)

app = typer.Typer(help="Segment or classify CT/MR volumes (DICOM series or NIfTI): pretrain, fine-tune, predict, "
                       "evaluate.", no_args_is_help=True)

NetOpt = Annotated[str | None, typer.Option("--net", help="segment: unet (default), segresnet, swinunetr; classify: "
                                                          "resnet18 (default), resnet10/34/50, densenet121.")]
SizeOpt = Annotated[str | None, typer.Option("--size", help="Network size: tiny, small (CPU default), base (GPU default).")]
PatchOpt = Annotated[str | None, typer.Option("--patch", help="Patch size (segment) or input size (classify), e.g. 32 or "
                                                            "32,32,32 (default: 32 on CPU, 96 on GPU, fitted to the "
                                                            "image).")]
DeviceOpt = Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")]
_TASKS = ("segment", "classify")


def _patch(value: str | None) -> tuple[int, int, int] | None:
    from clinical_sft.errors import ConfigError

    if value is None:
        return None
    try:
        parts = [int(v) for v in value.replace("x", ",").split(",") if v.strip()]
    except ValueError:
        raise ConfigError(f"--patch must be N or N,N,N, got {value!r}") from None
    if len(parts) == 1:
        parts *= 3
    if len(parts) != 3:
        raise ConfigError(f"--patch must be N or N,N,N, got {value!r}")
    return (parts[0], parts[1], parts[2])


def _console():  # noqa: ANN202
    from rich.console import Console

    return Console(stderr=True)


def _print_settings(title: str) -> Any:
    con = _console()

    def show(s: dict[str, Any]) -> None:
        size = s.get("patch_size") or s.get("input_size") or ()
        what = "patch" if "patch_size" in s else "input"
        crops = f", {s['num_samples']} crops/volume" if "num_samples" in s else ""
        con.print(f"[bold]{title}[/bold] ({s['task']}): net {s['net']} ({s['size']}), epochs {s['epochs']}, "
                  f"{what} {tuple(size)}, batch {s['batch_size']}{crops}, lr {s['learning_rate']:g}, cache {s['cache']}, "
                  f"device {s['device']}, {s['n_train']} train / {s['n_val']} validation volumes"
                  + (f", DP epsilon {s['dp_epsilon']}" if s.get("dp_epsilon") else "")
                  + (f", pretrained {s['pretrained']}" if s.get("pretrained") else "")
                  + (f" (new tensors alone for the first {s['freeze_pretrained_epochs']} epochs)"
                     if s.get("freeze_pretrained_epochs") else ""), soft_wrap=True)

    return show


@app.command()
def train(
    data: Annotated[Path, typer.Option("--data", help="MSD-style dataset.json (image: DICOM series folder or NIfTI; label: "
                                                      "a NIfTI mask to segment, or a class to classify; optional "
                                                      "patient_id and demographics).", exists=True)],
    out: Annotated[Path, typer.Option("--out", help="Run folder: run.json, model.safetensors, predictions.csv, "
                                                    "fairness/, model_card.md.")],
    task: Annotated[str, typer.Option("--task", help="segment (masks) or classify (one class per volume).")] = "segment",
    net: NetOpt = None,
    size: SizeOpt = None,
    label_key: Annotated[str, typer.Option("--label-key", help="classify: the item field holding the class "
                                                               "(e.g. lesion_present).")] = "label",
    classes: Annotated[str | None, typer.Option("--classes", help="classify: class names in output order, "
                                                                 "comma-separated (default: from the data).")] = None,
    pretrained: Annotated[Path | None, typer.Option("--pretrained", help="Checkpoint to fine-tune from: MONAI bundle folder, "
                                                                        "run folder of `imaging pretrain`, .safetensors/.pt "
                                                                        "state dict.", exists=True)] = None,
    freeze_encoder_epochs: Annotated[int, typer.Option("--freeze-encoder-epochs", help="Train the decoder (head) only for N "
                                                                                       "epochs, then unfreeze (-1: keep "
                                                                                       "frozen).")] = 0,
    freeze_pretrained_epochs: Annotated[int | None, typer.Option(
        "--freeze-pretrained-epochs", min=0, help="Train only what the checkpoint did not provide (the output block) "
                                                  "for N epochs, then everything (default: the first quarter of the "
                                                  "epochs when the checkpoint leaves such tensors; 0: off).")] = None,
    epochs: Annotated[int | None, typer.Option("--epochs", min=1, help="Default: about 300 optimizer steps on CPU "
                                                                       "(10-100 epochs), more on GPU.")] = None,
    batch_size: Annotated[int | None, typer.Option("--batch-size", min=1, help="Volumes per step (default segment 1 CPU / "
                                                                               "2 GPU, classify 8 / 16).")] = None,
    learning_rate: Annotated[float | None, typer.Option("--lr", help="Learning rate (default: the network's).")] = None,
    patch: PatchOpt = None,
    spacing: Annotated[str | None, typer.Option("--spacing", help="Resample to this spacing in mm, e.g. 1.5,1.5,2.")] = None,
    window: Annotated[str, typer.Option("--window", help="CT intensity window a_min,a_max in HU mapped to [0, 1].")] = "-160,240",
    cache: Annotated[str | None, typer.Option("--cache", help="memory (default), disk or none.")] = None,
    max_train: Annotated[int | None, typer.Option("--max-train", min=1, help="Use only the first N training cases.")] = None,
    demographics: Annotated[Path | None, typer.Option("--demographics", help="CSV with id (or patient_id) and sex, age_group, "
                                                                             "race, ethnicity, site.", exists=True)] = None,
    min_cell_size: Annotated[int, typer.Option("--min-cell-size", help="Suppress subgroups smaller than this.")] = 11,
    n_boot: Annotated[int, typer.Option("--n-boot", help="Bootstrap resamples of the subgroup report.")] = 200,
    device: DeviceOpt = "auto",
    seed: Annotated[int, typer.Option("--seed")] = 0,
    dp_epsilon: DpEpsilonOpt = None,
    dp_delta: DpDeltaOpt = None,
    max_grad_norm: MaxGradNormOpt = 1.0,
    dp_accountant: DpAccountantOpt = "prv",
    dp_physical_batch: DpPhysicalBatchOpt = None,
) -> None:
    """Fine-tune (or train from scratch) a 3-D segmentation or classification network; writes a subgroup report and
    model card."""
    from clinical_sft.errors import ConfigError
    from clinical_sft.imaging import train_classification, train_segmentation

    if task not in _TASKS:
        raise ConfigError(f"--task must be one of {_TASKS}, got {task!r}")
    dp = dp_config_from_options(dp_epsilon, dp_delta, max_grad_norm, dp_accountant, dp_physical_batch)
    try:
        win = tuple(float(v) for v in window.split(","))
    except ValueError:
        raise ConfigError(f"--window must be a_min,a_max in HU, got {window!r}") from None
    if len(win) != 2:
        raise ConfigError(f"--window must be a_min,a_max in HU, got {window!r}")
    sp = tuple(float(v) for v in spacing.split(",")) if spacing else None
    common: dict[str, Any] = dict(
        size=size, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, spacing_mm=sp,
        window=(win[0], win[1]), pretrained=pretrained, freeze_encoder_epochs=freeze_encoder_epochs,
        freeze_pretrained_epochs=freeze_pretrained_epochs, dp=dp,
        demographics=demographics, cache=cache, device=device, seed=seed, max_train=max_train, n_boot=n_boot,
        min_cell_size=min_cell_size, on_settings=_print_settings("imaging train"),
    )
    if task == "segment":
        run: Any = train_segmentation(data, out, net=net or "unet", patch_size=_patch(patch), **common)
        keys: tuple[str, ...] = ("dice", "hd95")
    else:
        names = [c.strip() for c in classes.split(",")] if classes else None
        run = train_classification(data, out, net=net or "resnet18", label_key=label_key, class_names=names,
                                   input_size=_patch(patch), **common)
        keys = ("auroc", "accuracy", "balanced_accuracy", "f1", "loss")
    if run.pretrained:
        p = run.pretrained
        _console().print(f"pretrained: loaded {p['n_loaded']}, skipped {p['n_skipped']} (shape mismatch), new {p['n_new']}, "
                         f"unused {p['n_unused']}")
    shown = ", ".join(f"{k} {v:.4f}" for k, v in run.metrics.items() if k.startswith(keys) and v == v)
    typer.echo(f"validation: {shown}")
    typer.echo(f"wrote {out}/run.json, model.safetensors, predictions.csv"
               + (", fairness/report.*" if run.report_paths else "") + (", model_card.md" if run.model_card else ""))


@app.command()
def predict(
    inputs: Annotated[list[Path], typer.Argument(help="NIfTI files and/or DICOM series folders.", exists=True)],
    model: Annotated[Path, typer.Option("--model", help="Run folder of `imaging train`.", exists=True, file_okay=False)],
    out: Annotated[Path, typer.Option("--out", help="Output folder: segment, one mask per input (img7.nii.gz -> "
                                                    "img7_seg.nii.gz, series S -> S_seg.dcm); classify, "
                                                    "predictions.csv (or .jsonl) with one row per input.")],
    fmt: Annotated[str | None, typer.Option("--format", help="segment: nifti (default) or dicom-seg (DICOM inputs); "
                                                             "classify: csv (default) or jsonl.")] = None,
    device: Annotated[str, typer.Option("--device", help="cpu or cuda.")] = "cpu",
) -> None:
    """Segment volumes (masks on each input's own voxel grid) or classify them (class probabilities)."""
    from clinical_sft.imaging import classify_files, model_kind, segment_files

    if model_kind(model) == "classification":
        rows = classify_files(model, inputs, out, fmt=fmt or "csv", device=device)
        for r in rows:
            typer.echo(f"{Path(r['source']).name}: {r['label']} ({r['score']:.3f})")
        typer.echo(f"wrote {out / ('predictions.' + (fmt or 'csv'))}")
        return
    results = segment_files(model, inputs, out, fmt=fmt or "nifti", device=device)
    for s in results:
        typer.echo(f"{Path(s.source).name} -> {Path(s.output).name} " + " ".join(f"{k}={v}" for k, v in s.voxels.items()))
    (out / "predictions.json").write_text(json.dumps([s.to_dict() for s in results], indent=2))


@app.command()
def pretrain(
    data: Annotated[Path, typer.Option("--data", help="Folder of unlabelled NIfTI files / DICOM series, or a dataset.json.",
                                       exists=True)],
    out: Annotated[Path, typer.Option("--out", help="Run folder; pass it to `imaging train --pretrained`.")],
    net: NetOpt = None,
    size: SizeOpt = None,
    epochs: Annotated[int | None, typer.Option("--epochs", min=1, help="Default: about 600 optimizer steps on CPU "
                                                                       "(20-200 epochs), 5000 on GPU.")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 2,
    learning_rate: Annotated[float | None, typer.Option("--lr", help="Learning rate (default: the network's).")] = None,
    patch: PatchOpt = None,
    device: DeviceOpt = "auto",
    seed: Annotated[int, typer.Option("--seed")] = 0,
) -> None:
    """Self-supervised pretraining (masked-volume reconstruction + denoising) on unlabelled volumes."""
    from clinical_sft.imaging import PretrainConfig, TransformConfig, default_settings
    from clinical_sft.imaging import pretrain as run_pretrain

    cfg = None
    if net or size or patch:
        d = default_settings(device, net=net or "unet")
        cfg = PretrainConfig(net=net or "unet", size=size or d["size"],
                             transforms=TransformConfig(patch_size=_patch(patch) or d["patch_size"], num_samples=4,
                                                        augment=False))
    res = run_pretrain(data, out, cfg, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
                       device=device, seed=seed, on_settings=_print_settings("imaging pretrain"))
    typer.echo(f"pretraining done: final reconstruction L1 {res.metrics.get('train_loss', float('nan')):.4f}; "
               f"fine-tune with --pretrained {out}")


@app.command()
def evaluate(
    model: Annotated[Path, typer.Option("--model", help="Run folder of `imaging train`.", exists=True, file_okay=False)],
    data: Annotated[Path, typer.Option("--data", help="dataset.json.", exists=True)],
    split: Annotated[str, typer.Option("--split", help="training, validation or test.")] = "validation",
    out: Annotated[Path | None, typer.Option("--out", help="Default: MODEL/eval-SPLIT.")] = None,
    label_key: Annotated[str | None, typer.Option("--label-key", help="classify: the class field (default: as "
                                                                      "trained).")] = None,
    demographics: Annotated[Path | None, typer.Option("--demographics", exists=True)] = None,
    min_cell_size: Annotated[int, typer.Option("--min-cell-size")] = 11,
    n_boot: Annotated[int, typer.Option("--n-boot")] = 200,
    device: Annotated[str, typer.Option("--device", help="cpu or cuda.")] = "cpu",
) -> None:
    """Dice / HD95 per class (segment) or AUROC / accuracy (classify) on a split, predictions table, subgroup report."""
    from clinical_sft.imaging import evaluate_classification, evaluate_segmentation, model_kind

    if model_kind(model) == "classification":
        run: Any = evaluate_classification(model, data, split=split, label_key=label_key, demographics=demographics,
                                           out_dir=out, n_boot=n_boot, min_cell_size=min_cell_size, device=device)
    else:
        run = evaluate_segmentation(model, data, split=split, demographics=demographics, out_dir=out, n_boot=n_boot,
                                    min_cell_size=min_cell_size, device=device)
    shown = ", ".join(f"{k} {v:.4f}" for k, v in run.metrics.items() if v == v)
    typer.echo(f"{split}: {shown}")
    typer.echo(f"wrote {run.out_dir}/predictions.csv, metrics.json" + (", fairness/report.*" if run.report_paths else ""))
