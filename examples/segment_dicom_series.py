"""Segment a DICOM series end to end: read, (train), predict, write NIfTI + DICOM SEG, subgroup report.

Run it on the synthetic cohort (written on the fly; its DICOM headers carry fake PHI)::

    python examples/segment_dicom_series.py --out seg-demo            # ~CPU minutes
    python examples/segment_dicom_series.py --out seg-demo --quick    # seconds: tiny net, 2 epochs

or on your own data with a trained run::

    python examples/segment_dicom_series.py --model runs/seg --series path/to/series --out seg-demo
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import torch


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("seg-demo"))
    ap.add_argument("--model", type=Path, help="A run folder of `clinical-sft imaging train` (skip training).")
    ap.add_argument("--series", type=Path, help="The DICOM series folder to segment (default: a synthetic one).")
    ap.add_argument("--quick", action="store_true", help="Tiny cohort and network, 2 epochs.")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    logging.basicConfig(level=logging.WARNING)

    from clinical_sft.data.synthetic_imaging import ImagingCohortConfig, make_imaging_cohort
    from clinical_sft.imaging import read_dicom_series, segment_files, train_segmentation

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    summary: dict = {}
    model_dir = args.model
    series = args.series
    if model_dir is None or series is None:
        shape = (32, 32, 32) if args.quick else (48, 48, 48)
        cohort = make_imaging_cohort(out / "cohort", ImagingCohortConfig(n_cases=8 if args.quick else 24, shape=shape,
                                                                         effect_site="C", seed=0))
        print(f"1. synthetic cohort: {len(cohort.cases)} CT series in {cohort.root} (dataset.json, demographics.csv)")
        if series is None:
            series = cohort.root / next(c.dicom_dir for c in cohort.cases if c.split == "validation")
        if model_dir is None:
            model_dir = out / "run"
            run = train_segmentation(
                # the full run uses the library's defaults for the device (printed in run.json's task_info)
                cohort.dataset_json, model_dir, net="unet", size="tiny" if args.quick else None,
                epochs=2 if args.quick else None, patch_size=(16, 16, 16) if args.quick else None, min_cell_size=1,
                n_boot=0 if args.quick else 200, demographics=cohort.demographics_csv, progress=not args.quick,
            )
            shown = ", ".join(f"{k} {v:.3f}" for k, v in run.metrics.items() if k.startswith("dice"))
            print(f"2. trained {model_dir}: validation {shown}")
            print(f"   subgroup report: {run.report_paths.get('markdown')}; model card: {run.model_card.get('markdown')}")
            summary["metrics"] = run.metrics
            summary["report"] = {k: str(v) for k, v in run.report_paths.items()}
            if run.report is not None:
                summary["by_group"] = json.loads(run.report.by_group.to_json(orient="records"))

    img = read_dicom_series(series)
    sp = [round(float(v), 2) for v in img.meta["spacing"]]
    print(f"3. read series {series.name}: {tuple(img.shape)} voxels, spacing {sp} mm, "
          f"HU range [{float(img.min()):.0f}, {float(img.max()):.0f}]")
    nifti = segment_files(model_dir, [series], out / "masks", fmt="nifti")[0]
    seg = segment_files(model_dir, [series], out / "masks", fmt="dicom-seg")[0]
    print(f"4. wrote {nifti.output} and {seg.output} (DICOM SEG referencing the series); voxels {seg.voxels}")

    import highdicom as hd

    s = hd.seg.segread(seg.output)
    summary.update({"series": str(series), "nifti": nifti.output, "dicom_seg": seg.output, "voxels": seg.voxels,
                    "segments": [x.SegmentLabel for x in s.SegmentSequence],
                    "referenced_series": s.ReferencedSeriesSequence[0].SeriesInstanceUID})
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    print(f"5. summary: {out / 'summary.json'}")
    return summary


if __name__ == "__main__":
    main()
