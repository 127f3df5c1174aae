"""``clinical-sft demo``: the main job on embedded synthetic data."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer


def demo(
    out: Annotated[Path, typer.Option("--out", help="Output folder (resumes de-identification if it exists).")]
    = Path("demo-output"),
    patients: Annotated[int, typer.Option("--patients", min=20, help="Synthetic patients.")] = 60,
    imaging_cases: Annotated[int, typer.Option("--imaging-cases", min=6, help="Synthetic CT series.")] = 12,
    dp_epsilon: Annotated[float, typer.Option("--dp-epsilon", help="Target epsilon of the DP run.")] = 8.0,
    smoke: Annotated[bool, typer.Option("--smoke", help="Tiny random models instead of MiniLM (for tests).")]
    = False,
) -> None:
    """Synthetic cohort -> de-identify notes and DICOM with one key -> fine-tune the note classifier with and
    without DP (+ membership-inference audit) and a segmentation net -> subgroup reports, model cards, index."""
    from rich.console import Console
    from rich.table import Table

    from clinical_sft.demo import DemoConfig, run_demo, summary_table_rows

    cfg = DemoConfig(n_patients=patients, n_imaging_cases=imaging_cases, dp_epsilon=dp_epsilon, smoke=smoke)
    if smoke:
        cfg = dataclasses.replace(cfg, text_epochs=1, seg_epochs=2, n_boot=50)
    console = Console()
    _quiet_third_party()
    summary = run_demo(out, cfg, say=console.print)
    table = Table(title="clinical-sft demo summary (outputs: see the index page)")
    for col in ("model", "metric", "epsilon", "audit AUC", "flagged disparities"):
        table.add_column(col)
    for row in summary_table_rows(summary):
        table.add_row(*row)
    console.print(table)
    c = summary.checks
    console.print(f"PHI token recall {c.get('deid_token_recall')} / precision {c.get('deid_token_precision')}; "
                  f"patients linked notes<->DICOM: {c.get('linked_patients')}/{c.get('patients_with_images')}")
    console.print(f"index page: {out / 'index.html'}")


def _quiet_third_party() -> None:
    """Keep the demo's console to its own progress: no per-file bars or known-harmless notices of libraries."""
    import logging
    import warnings

    from clinical_sft.cli.ehr import _quiet_hf

    _quiet_hf()  # offline hub, no "Writing model shards" bars of save_pretrained
    warnings.filterwarnings("ignore", message="Secure RNG turned off")  # run.json privacy.secure_mode says so
    warnings.filterwarnings("ignore", message="Optimal order is the largest alpha")  # accountant detail, bound holds
    warnings.filterwarnings("ignore", message="Full backward hook is firing")
    warnings.filterwarnings("ignore", message="NvImgCodecPydicomReader")
    warnings.filterwarnings("ignore", category=FutureWarning, module="monai")
    logging.getLogger("monai.data.nvimgcodec_pydicom_plugin").setLevel(logging.ERROR)
