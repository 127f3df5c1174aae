"""Imaging benchmark: our pipeline vs the plain MONAI training loop, cache, inference, pretraining.

Measures, on the synthetic CT cohort (one run each, one process each so peak memory is per pipeline):

* training steps/s and peak RSS of ``SegmentationTask`` on the training engine vs the loop MONAI's
  tutorials teach (``CacheDataset`` + ``DataLoader`` + UNet + ``DiceCELoss`` + Adam), same network,
  data, crops and batch;
* data-loading time of epoch 1 vs epoch 2 from DICOM series, with ``CacheDataset`` and without cache;
* sliding-window inference volumes/s and validation Dice of the trained model;
* fine-tuning from a self-supervised checkpoint vs from scratch on a small labelled set (Dice, same budget).

Writes ``benchmarks/results/imaging.json`` and prints a table. ``--quick`` for a small run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "imaging.json"


def _settings(quick: bool) -> dict:
    if quick:
        return {"n_cases": 8, "shape": [32, 32, 32], "size": "tiny", "patch": [16, 16, 16], "epochs": 6, "batch": 2,
                "num_samples": 2, "ft_size": "tiny", "ft_patch": [16, 16, 16], "ssl_epochs": 3, "sup_epochs": 4,
                "ft_epochs": 8, "n_labelled": 2}
    return {"n_cases": 16, "shape": [32, 32, 32], "size": "small", "patch": [32, 32, 32], "epochs": 4, "batch": 2,
            "num_samples": 2, "ft_size": "tiny", "ft_patch": [16, 16, 16], "ssl_epochs": 30, "sup_epochs": 15,
            "ft_epochs": 40, "n_labelled": 2}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _items(data: Path, image_key: str = "image_nifti") -> tuple[list[dict], list[dict]]:
    from clinical_sft.imaging import load_dataset

    tr = load_dataset(data / "dataset.json", "training")
    va = load_dataset(data / "dataset.json", "validation")
    for it in tr + va:  # same NIfTI images for both pipelines (the tutorials read NIfTI)
        it["image"] = str(data / it[image_key]) if image_key in it else it["image"]
    return tr, va


# --------------------------------------------------------------------------- one pipeline per process
def run_plain(data: Path, s: dict) -> dict:
    """The loop of MONAI's 3-D segmentation tutorials."""
    from monai.data import CacheDataset, DataLoader, list_data_collate
    from monai.losses import DiceCELoss
    from monai.transforms import (
        Compose,
        CropForegroundd,
        EnsureChannelFirstd,
        LoadImaged,
        Orientationd,
        RandCropByLabelClassesd,
        RandFlipd,
        RandRotate90d,
        RandScaleIntensityd,
        RandShiftIntensityd,
        ScaleIntensityRanged,
        SpatialPadd,
    )

    from clinical_sft.imaging import build_network

    tr, _ = _items(data)
    keys = ["image", "label"]
    transforms = Compose([
        LoadImaged(keys=keys), EnsureChannelFirstd(keys=keys), Orientationd(keys=keys, axcodes="RAS"),
        ScaleIntensityRanged(keys=["image"], a_min=-160, a_max=240, b_min=0.0, b_max=1.0, clip=True),
        CropForegroundd(keys=keys, source_key="image", margin=2, allow_smaller=True),
        SpatialPadd(keys=keys, spatial_size=s["patch"]),
        RandCropByLabelClassesd(keys=keys, label_key="label", spatial_size=s["patch"], num_classes=3, ratios=[1, 1, 1],
                                num_samples=s["num_samples"], warn=False),
        RandFlipd(keys=keys, prob=0.2, spatial_axis=0), RandFlipd(keys=keys, prob=0.2, spatial_axis=1),
        RandFlipd(keys=keys, prob=0.2, spatial_axis=2), RandRotate90d(keys=keys, prob=0.2, max_k=3),
        RandScaleIntensityd(keys="image", factors=0.1, prob=0.5), RandShiftIntensityd(keys="image", offsets=0.1, prob=0.5),
    ])
    ds = CacheDataset(data=tr, transform=transforms, cache_rate=1.0, progress=False)
    loader = DataLoader(ds, batch_size=s["batch"], shuffle=True, num_workers=0, collate_fn=list_data_collate)
    torch.manual_seed(0)
    model = build_network("unet", 1, 3, size=s["size"])
    loss_function = DiceCELoss(to_onehot_y=True, softmax=True)
    optimizer = torch.optim.Adam(model.parameters(), 1e-3)
    def epoch() -> int:
        n = 0
        model.train()
        for batch_data in loader:
            inputs, labels = batch_data["image"], batch_data["label"]
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = loss_function(outputs, labels)
            loss.backward()
            optimizer.step()
            n += 1
        return n

    epoch()  # warm-up, not timed (same as ours)
    steps = 0
    t0 = time.perf_counter()
    for _ in range(s["epochs"]):
        steps += epoch()
    wall = time.perf_counter() - t0
    return {"steps": steps, "train_s": wall, "steps_per_s": steps / wall, "peak_rss_mb": _peak_rss_mb()}


def run_ours(data: Path, s: dict) -> dict:
    """SegmentationTask on the training engine; then sliding-window inference and validation Dice."""
    from clinical_sft.imaging import (
        SegmentationConfig,
        SegmentationTask,
        TransformConfig,
        make_dataset,
        predict_volume,
        train_transforms,
        val_transforms,
    )
    from clinical_sft.training import TrainConfig, Trainer

    tr, va = _items(data)
    tc = TransformConfig(patch_size=tuple(s["patch"]), num_samples=s["num_samples"])
    task = SegmentationTask(SegmentationConfig(size=s["size"], transforms=tc, hd95=False))
    train_ds = make_dataset(tr, train_transforms(tc, 2))
    trainer = Trainer(task, TrainConfig(out_dir=data.parent / "bench-ours", epochs=s["epochs"], batch_size=s["batch"],
                                        learning_rate=1e-3, optimizer="adam", weight_decay=0.0, scheduler="constant",
                                        clip_grad_norm=None, progress=False, deterministic=False, seed=0))
    # warm-up fit of one epoch (not timed, as the plain loop's first epoch); the timed fit includes the
    # engine's own per-fit and per-epoch costs (run.json, checkpoints, weights): a conservative comparison
    Trainer(task, TrainConfig(out_dir=data.parent / "bench-ours-warmup", epochs=1, batch_size=s["batch"],
                              learning_rate=1e-3, optimizer="adam", weight_decay=0.0, scheduler="constant",
                              clip_grad_norm=None, progress=False, deterministic=False, seed=0)).fit(train_ds, None)
    t0 = time.perf_counter()
    res = trainer.fit(train_ds, None)
    wall = time.perf_counter() - t0
    out = {"steps": res.steps, "train_s": wall, "steps_per_s": res.steps / wall, "peak_rss_mb": _peak_rss_mb()}
    # inference
    val_ds = make_dataset(va, val_transforms(tc))
    model = trainer.model.eval()
    t0 = time.perf_counter()
    preds = []
    for i in range(len(val_ds)):
        preds += task.predict_batch(model, task.collate([val_ds[i]]))
    out["infer_s"] = time.perf_counter() - t0
    out["volumes_per_s"] = len(val_ds) / out["infer_s"]
    m = task.compute_metrics(preds)
    out["val_dice"] = m["dice"]
    out["val_dice_per_class"] = {k: v for k, v in m.items() if k.startswith("dice_")}
    img = val_ds[0]["image"]
    t0 = time.perf_counter()
    predict_volume(model, img, tc.patch_size)
    out["one_volume_s"] = time.perf_counter() - t0
    return out


def run_cache(data: Path, s: dict) -> dict:
    """Epoch-1 vs epoch-2 data time from DICOM series: CacheDataset vs no cache."""
    from monai.data import DataLoader

    from clinical_sft.imaging import (
        SegmentationTask,
        TransformConfig,
        load_dataset,
        make_dataset,
        train_transforms,
    )

    tr = load_dataset(data / "dataset.json", "training")  # images are DICOM series folders
    tc = TransformConfig(patch_size=tuple(s["patch"]), num_samples=s["num_samples"])
    task = SegmentationTask()
    out = {}
    for mode in ("memory", "none"):
        t0 = time.perf_counter()
        ds = make_dataset(tr, train_transforms(tc, 2), cache=mode)
        build = time.perf_counter() - t0
        times = []
        for _ in range(2):
            t0 = time.perf_counter()
            for _b in DataLoader(ds, batch_size=s["batch"], shuffle=True, collate_fn=task.collate):
                pass
            times.append(time.perf_counter() - t0)
        out[mode] = {"epoch1_s": build + times[0], "epoch2_s": times[1]}
    return out


def run_pretrain(data: Path, s: dict) -> dict:
    """Fine-tuning a small labelled set from scratch vs from two checkpoints, same budget.

    * ``ssl``: ``imaging pretrain`` (masked-volume reconstruction) on all the cohort's volumes, labels unused;
    * ``supervised``: a model trained on another cohort labelled for the organ only (a different
      task, like a public bundle), whose output block does not match and is skipped.
    """
    from clinical_sft.data.synthetic_imaging import ImagingCohortConfig, make_imaging_cohort
    from clinical_sft.imaging import PretrainConfig, TransformConfig, pretrain, train_segmentation

    work = data.parent / "bench-pretrain"
    patch = tuple(s["ft_patch"])
    tc = TransformConfig(patch_size=patch, num_samples=4, augment=False)
    out: dict = {}
    t0 = time.perf_counter()
    pretrain(data / "dataset.json", work / "ssl", PretrainConfig(size=s["ft_size"], transforms=tc), epochs=s["ssl_epochs"],
             batch_size=4, learning_rate=1e-2, progress=False)
    out["ssl_pretrain_s"] = time.perf_counter() - t0
    other = make_imaging_cohort(work / "organ-only", ImagingCohortConfig(n_cases=12, shape=tuple(s["shape"]), n_classes=1,
                                                                         seed=6, val_fraction=0.0))
    t0 = time.perf_counter()
    train_segmentation(other.dataset_json, work / "supervised", size=s["ft_size"], epochs=s["sup_epochs"], learning_rate=1e-2,
                       batch_size=2, patch_size=patch, progress=False, report=False, hd95=False)
    out["supervised_pretrain_s"] = time.perf_counter() - t0
    for name, ckpt in (("scratch", None), ("ssl", work / "ssl"), ("supervised", work / "supervised")):
        t0 = time.perf_counter()
        run = train_segmentation(data / "dataset.json", work / f"ft-{name}", size=s["ft_size"], epochs=s["ft_epochs"],
                                 learning_rate=1e-2, batch_size=1, max_train=s["n_labelled"], pretrained=ckpt,
                                 patch_size=patch, progress=False, report=False, hd95=False, seed=0)
        out[name] = {"val_dice": run.metrics.get("dice"), "per_class": {k: v for k, v in run.metrics.items() if k.startswith("dice_")},
                     "train_s": time.perf_counter() - t0,
                     "pretrained": {k: run.pretrained[k] for k in ("n_loaded", "n_skipped", "n_new")} if run.pretrained else None}
    return out


# --------------------------------------------------------------------------- driver
def _child(which: str, data: Path, quick: bool) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, __file__, "--one", which, "--data", str(data)] + (["--quick"] if quick else [])
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if p.returncode != 0:
        raise RuntimeError(f"{which} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--one", choices=["plain", "ours", "cache", "pretrain"], help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, default=Path("/tmp/clinical-sft-bench-imaging"))
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    s = _settings(args.quick)
    if args.one:
        fn = {"plain": run_plain, "ours": run_ours, "cache": run_cache, "pretrain": run_pretrain}[args.one]
        print(json.dumps(fn(args.data, s)))
        return {}

    from clinical_sft.data.synthetic_imaging import ImagingCohortConfig, make_imaging_cohort

    data = args.work / ("cohort-quick" if args.quick else "cohort")
    if not (data / "dataset.json").is_file():
        make_imaging_cohort(data, ImagingCohortConfig(n_cases=s["n_cases"], shape=tuple(s["shape"]), seed=11))
    t_all = time.perf_counter()
    plain = _child("plain", data, args.quick)
    ours = _child("ours", data, args.quick)
    cache = _child("cache", data, args.quick)
    pre = _child("pretrain", data, args.quick)
    result = {
        "settings": s,
        "device": "cpu (1 thread)",
        "plain_monai_loop": plain,
        "ours": ours,
        "ratios": {
            "steps_per_s_ours_over_plain": ours["steps_per_s"] / plain["steps_per_s"],
            "peak_rss_ours_over_plain": ours["peak_rss_mb"] / plain["peak_rss_mb"],
            "cached_epoch2_speedup": cache["none"]["epoch2_s"] / max(cache["memory"]["epoch2_s"], 1e-9),
            "ssl_minus_scratch_dice": (pre["ssl"]["val_dice"] or 0) - (pre["scratch"]["val_dice"] or 0),
            "supervised_minus_scratch_dice": (pre["supervised"]["val_dice"] or 0) - (pre["scratch"]["val_dice"] or 0),
        },
        "cache": cache,
        "pretrain_vs_scratch": pre,
        "wall_s": time.perf_counter() - t_all,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"imaging benchmark ({'quick' if args.quick else 'full'}; {s['size']} UNet, patch {s['patch']})")
    t.add_column("measure")
    t.add_column("plain MONAI loop", justify="right")
    t.add_column("ours", justify="right")
    t.add_column("ratio", justify="right")
    r = result["ratios"]
    t.add_row("train steps/s (after a warm-up epoch)", f"{plain['steps_per_s']:.2f}", f"{ours['steps_per_s']:.2f}",
              f"{r['steps_per_s_ours_over_plain']:.2f}")
    t.add_row("peak RSS MB", f"{plain['peak_rss_mb']:.0f}", f"{ours['peak_rss_mb']:.0f}", f"{r['peak_rss_ours_over_plain']:.2f}")
    t.add_row("data epoch 1 / 2 s (no cache)", "", f"{cache['none']['epoch1_s']:.2f} / {cache['none']['epoch2_s']:.2f}", "")
    t.add_row("data epoch 1 / 2 s (CacheDataset)", "", f"{cache['memory']['epoch1_s']:.2f} / {cache['memory']['epoch2_s']:.2f}",
              f"{r['cached_epoch2_speedup']:.1f}x")
    t.add_row("sliding-window volumes/s", "", f"{ours['volumes_per_s']:.2f}", "")
    t.add_row("val Dice (after speed run)", "", f"{ours['val_dice']:.3f}", "")
    t.add_row(f"fine-tune Dice, {s['n_labelled']} labelled: scratch / SSL-pretrained", "",
              f"{pre['scratch']['val_dice']:.3f} / {pre['ssl']['val_dice']:.3f}", f"{r['ssl_minus_scratch_dice']:+.3f}")
    t.add_row(f"fine-tune Dice, {s['n_labelled']} labelled: scratch / supervised-pretrained", "",
              f"{pre['scratch']['val_dice']:.3f} / {pre['supervised']['val_dice']:.3f}", f"{r['supervised_minus_scratch_dice']:+.3f}")
    Console().print(t)
    print(f"wrote {RESULTS}")
    return result


if __name__ == "__main__":
    main()
