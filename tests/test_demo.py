"""The main job end to end, scaled down (tiny random models): outputs, linkage, no PHI, index page."""

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from clinical_sft.demo import DemoConfig, run_demo


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    cfg = DemoConfig(n_patients=24, n_imaging_cases=6, text_epochs=1, seg_epochs=2, smoke=True, n_boot=30)
    summary = run_demo(out, cfg, say=lambda _msg: None)
    return out, summary


def test_demo_writes_every_output_and_links_patients(demo_out):
    out, s = demo_out
    assert [r["model"] for r in s.rows] == ["note classifier (non-private)", "note classifier (DP)",
                                            "segmentation (UNet)"]
    dp = s.rows[1]
    assert isinstance(dp["epsilon"], float) and 0 < dp["epsilon"] <= 8.0
    assert 0.0 <= dp["audit_auc"] <= 1.0
    assert s.checks["linked_patients"] == s.checks["patients_with_images"] > 0
    assert s.checks["original_ids_left_in_dicom"] == 0
    assert s.checks["notes_deidentified"] == s.checks["notes"]
    for r in s.rows:
        run_dir = out / r["path"]
        assert (run_dir / "run.json").exists() and (run_dir / "model_card.html").exists()
    run = json.loads((out / s.rows[1]["path"] / "run.json").read_text())
    assert run["privacy"]["enabled"] and run["privacy"]["epsilon"] <= 8.0 and "audit" in run["privacy"]
    index = (out / "index.html").read_text()
    for r in s.rows:
        assert r["path"] in index


def test_demo_outputs_hold_no_original_identifiers(demo_out):
    out, _ = demo_out
    patients = (out / "cohort" / "text" / "patients.csv").read_text().splitlines()[1:]
    mrns = {line.split(",")[0] for line in patients}
    deid_texts = "".join(p.read_text() for p in (out / "deid" / "notes" / "deidentified").glob("*"))
    reports = "".join(p.read_text(errors="ignore") for p in (out / "runs").rglob("*.json"))
    reports += (out / "index.html").read_text()
    for mrn in mrns:
        pat = re.compile(rf"(?<![\w.]){re.escape(mrn)}(?!\w)")
        assert not pat.search(deid_texts) and not pat.search(reports)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed (apt-get install chromium)")
def test_index_page_renders_in_headless_chromium(demo_out, tmp_path):
    out, _ = demo_out
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
    from screenshot_demo_index import screenshot

    png = screenshot(out / "index.html", tmp_path / "index.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
