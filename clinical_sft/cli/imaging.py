"""``clinical-sft imaging``: segment CT/MR volumes (DICOM series or NIfTI) with MONAI networks.

Thin shell over :mod:`clinical_sft.imaging` (``train_segmentation``, ``segment_files``, ``pretrain``,
``evaluate_segmentation``); heavy imports happen inside the commands so ``--help`` stays fast.
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

app = typer.Typer(help="Segment CT/MR volumes (DICOM series or NIfTI): pretrain, fine-tune, predict, evaluate.",
                  no_args_is_help=True)

NetOpt = Annotated[str, typer.Option("--net", help="unet, segresnet or swinunetr.")]
SizeOpt = Annotated[str | None, typer.Option("--size", help="Network size: tiny, small (CPU default), base (GPU default).")]
PatchOpt = Annotated[str | None, typer.Option("--patch", help="Patch size, e.g. 32 or 32,32,32 (default: 32 on CPU, 96 on GPU, "
                                                            "clamped to the image).")]
DeviceOpt = Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")]


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


@app.command()
def train(
    data: Annotated[Path, typer.Option("--data", help="MSD-style dataset.json (image: DICOM series folder or NIfTI; label: "
                                                      "NIfTI; optional patient_id and demographics).", exists=True)],
    out: Annotated[Path, typer.Option("--out", help="Run folder: run.json, model.safetensors, predictions.csv, "
                                                    "fairness/, model_card.md.")],
    net: NetOpt = "unet",
    size: SizeOpt = None,
    pretrained: Annotated[Path | None, typer.Option("--pretrained", help="Checkpoint to fine-tune from: MONAI bundle folder, "
                                                                        "run folder of `imaging pretrain`, .safetensors/.pt "
                                                                        "state dict.", exists=True)] = None,
    freeze_encoder_epochs: Annotated[int, typer.Option("--freeze-encoder-epochs", help="Train the decoder only for N epochs, "
                                                                                       "then unfreeze (-1: keep frozen).")] = 0,
    epochs: Annotated[int | None, typer.Option("--epochs", min=1, help="Default: 30 on CPU, 200 on GPU.")] = None,
    batch_size: Annotated[int | None, typer.Option("--batch-size", min=1, help="Volumes per step (default 2 CPU / 4 GPU).")] = None,
    learning_rate: Annotated[float, typer.Option("--lr", help="Learning rate.")] = 1e-3,
    patch: PatchOpt = None,
    spacing: Annotated[str | None, typer.Option("--spacing", help="Resample to this spacing in mm, e.g. 1.5,1.5,2.")] = None,
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
    """Fine-tune (or train from scratch) a 3-D segmentation network; writes a subgroup report and model card."""
    from clinical_sft.imaging import default_settings, train_segmentation

    dp = dp_config_from_options(dp_epsilon, dp_delta, max_grad_norm, dp_accountant, dp_physical_batch)
    d = default_settings(device)
    con = _console()
    con.print(f"[bold]imaging train[/bold]: net {net} ({size or d['size']}), epochs {epochs or d['epochs']}, "
              f"patch {_patch(patch) or str(d['patch_size']) + ' (clamped to the image)'}, batch {batch_size or d['batch_size']}, "
              f"cache {cache or d['cache']}, device {d['device']}"
              + (f", DP epsilon {dp.target_epsilon}" if dp else "")
              + (f", pretrained {pretrained}" if pretrained else ""), soft_wrap=True)
    sp = tuple(float(v) for v in spacing.split(",")) if spacing else None
    run = train_segmentation(
        data, out, net=net, size=size, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
        patch_size=_patch(patch), spacing_mm=sp, pretrained=pretrained, freeze_encoder_epochs=freeze_encoder_epochs,
        dp=dp, demographics=demographics, cache=cache, device=device, seed=seed, max_train=max_train,
        n_boot=n_boot, min_cell_size=min_cell_size,
    )
    if run.pretrained:
        p = run.pretrained
        con.print(f"pretrained: loaded {p['n_loaded']}, skipped {p['n_skipped']} (shape mismatch), new {p['n_new']}, "
                  f"unused {p['n_unused']}")
    m = run.metrics
    shown = ", ".join(f"{k} {v:.4f}" for k, v in m.items() if k.startswith(("dice", "hd95")) and v == v)
    typer.echo(f"validation: {shown}")
    typer.echo(f"wrote {out}/run.json, model.safetensors, predictions.csv"
               + (", fairness/report.*" if run.report_paths else "") + (", model_card.md" if run.model_card else ""))


@app.command()
def predict(
    inputs: Annotated[list[Path], typer.Argument(help="NIfTI files and/or DICOM series folders.", exists=True)],
    model: Annotated[Path, typer.Option("--model", help="Run folder of `imaging train`.", exists=True, file_okay=False)],
    out: Annotated[Path, typer.Option("--out", help="Output folder: one mask per input (img7.nii.gz -> img7_seg.nii.gz, "
                                                    "series S -> S_seg.dcm).")],
    fmt: Annotated[str, typer.Option("--format", help="nifti or dicom-seg (DICOM inputs).")] = "nifti",
    device: Annotated[str, typer.Option("--device", help="cpu or cuda.")] = "cpu",
) -> None:
    """Segment volumes with a trained model; masks on each input's own voxel grid."""
    from clinical_sft.imaging import segment_files

    results = segment_files(model, inputs, out, fmt=fmt, device=device)
    for r in results:
        typer.echo(f"{Path(r.source).name} -> {Path(r.output).name} " + " ".join(f"{k}={v}" for k, v in r.voxels.items()))
    (out / "predictions.json").write_text(json.dumps([r.to_dict() for r in results], indent=2))


@app.command()
def pretrain(
    data: Annotated[Path, typer.Option("--data", help="Folder of unlabelled NIfTI files / DICOM series, or a dataset.json.",
                                       exists=True)],
    out: Annotated[Path, typer.Option("--out", help="Run folder; pass it to `imaging train --pretrained`.")],
    net: NetOpt = "unet",
    size: SizeOpt = None,
    epochs: Annotated[int | None, typer.Option("--epochs", min=1, help="Default: 20 on CPU, 100 on GPU.")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 2,
    learning_rate: Annotated[float, typer.Option("--lr")] = 1e-3,
    patch: PatchOpt = None,
    device: DeviceOpt = "auto",
    seed: Annotated[int, typer.Option("--seed")] = 0,
) -> None:
    """Self-supervised pretraining (masked-volume reconstruction + denoising) on unlabelled volumes."""
    from clinical_sft.imaging import PretrainConfig, TransformConfig, default_settings
    from clinical_sft.imaging import pretrain as run_pretrain

    d = default_settings(device)
    n_epochs = epochs or (100 if d["device"] == "cuda" else 20)
    p = _patch(patch) or d["patch_size"]
    cfg = PretrainConfig(net=net, size=size or d["size"], transforms=TransformConfig(patch_size=p, num_samples=4, augment=False))
    _console().print(f"[bold]imaging pretrain[/bold]: net {net} ({cfg.size}), epochs {n_epochs}, patch {p}, "
                     f"batch {batch_size}, cache memory, device {d['device']}", soft_wrap=True)
    res = run_pretrain(data, out, cfg, epochs=n_epochs, batch_size=batch_size, learning_rate=learning_rate,
                       device=device, seed=seed)
    typer.echo(f"pretraining done: final reconstruction L1 {res.metrics.get('train_loss', float('nan')):.4f}; "
               f"fine-tune with --pretrained {out}")


@app.command()
def evaluate(
    model: Annotated[Path, typer.Option("--model", help="Run folder of `imaging train`.", exists=True, file_okay=False)],
    data: Annotated[Path, typer.Option("--data", help="dataset.json.", exists=True)],
    split: Annotated[str, typer.Option("--split", help="training, validation or test.")] = "validation",
    out: Annotated[Path | None, typer.Option("--out", help="Default: MODEL/eval-SPLIT.")] = None,
    demographics: Annotated[Path | None, typer.Option("--demographics", exists=True)] = None,
    min_cell_size: Annotated[int, typer.Option("--min-cell-size")] = 11,
    n_boot: Annotated[int, typer.Option("--n-boot")] = 200,
    device: Annotated[str, typer.Option("--device", help="cpu or cuda.")] = "cpu",
) -> None:
    """Dice / HD95 per class on a split, predictions table and subgroup report."""
    from clinical_sft.imaging import evaluate_segmentation

    run = evaluate_segmentation(model, data, split=split, demographics=demographics, out_dir=out, n_boot=n_boot,
                                min_cell_size=min_cell_size, device=device)
    shown = ", ".join(f"{k} {v:.4f}" for k, v in run.metrics.items() if v == v)
    typer.echo(f"{split}: {shown}")
    typer.echo(f"wrote {run.out_dir}/predictions.csv, metrics.json" + (", fairness/report.*" if run.report_paths else ""))
