"""Tests of ``clinical-sft deid eval``."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from clinical_sft.cli import app
from clinical_sft.data import generate_cohort

DATA = Path(__file__).resolve().parents[1] / "data"
runner = CliRunner()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("cohort")
    cohort = generate_cohort(n_patients=3, seed=5, notes_per_patient=(1, 2))
    paths = cohort.write(out)
    golds = [json.loads(line) for line in paths["notes"].read_text().splitlines()]
    # predictions: every gold span except the NAMEs, as a de-identification run's audit.jsonl
    rows = [{"id": g["id"], "start": s["start"], "end": s["end"], "label": s["label"], "score": 0.85, "recognizer": "test"}
            for g in golds for s in g["spans"] if s["label"] != "NAME"]
    audit = out / "audit.jsonl"
    audit.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return paths["notes"], audit, out


def test_eval_with_audit_predictions_prints_tables_and_writes_json(tiny):
    gold, audit, out = tiny
    res = runner.invoke(app, ["deid", "eval", "--gold", str(gold), "--pred", str(audit), "--out", str(out / "ev.json"),
                              "--per-record", str(out / "per_record.csv")])
    assert res.exit_code == 0, res.output
    assert "span_overlap" in res.output and "NAME" in res.output and "blind recall" in res.output
    ev = json.loads((out / "ev.json").read_text())
    tk = ev["levels"]["token"]
    assert tk["NAME"]["recall"] == 0.0 and tk["DATE"]["recall"] == 1.0
    assert ev["headline"]["precision"] == 1.0 and 0 < ev["headline"]["recall"] < 1
    assert tk["ALL"]["fn"] == tk["NAME"]["n_gold"]
    pr = pd.read_csv(out / "per_record.csv", dtype={"id": str})
    assert list(pr.columns) == ["id", "tp", "fp", "fn", "n_gold", "n_pred"]
    assert pr["fn"].sum() == tk["ALL"]["fn"] and pr["fp"].sum() == 0


def test_by_prints_recall_per_gold_span_key(tiny):
    gold, audit, _ = tiny
    res = runner.invoke(app, ["deid", "eval", "--gold", str(gold), "--pred", str(audit), "--by", "subtype", "--by", "nokey"])
    assert res.exit_code == 0, res.output
    assert "Gold spans by subtype" in res.output and "mrn" in res.output and "no gold span carries" in res.output


def test_drop_label_and_coarse(tiny):
    gold, audit, out = tiny
    res = runner.invoke(app, ["deid", "eval", "--gold", str(gold), "--pred", str(audit), "--drop-label", "NAME",
                              "--coarse", "--level", "span_overlap", "--out", str(out / "ev2.json")])
    assert res.exit_code == 0, res.output
    ev = json.loads((out / "ev2.json").read_text())
    assert ev["headline"]["recall"] == 1.0
    assert "CITY" not in ev["levels"]["token"] and "LOCATION" in ev["levels"]["token"]


def test_presidio_research_gold(tmp_path):
    gold = DATA / "pii_synth_sample.json"
    docs = json.loads(gold.read_text())
    rows = [{"id": str(i), "start": s["start_position"], "end": s["end_position"], "label": s["entity_type"]}
            for i, d in enumerate(docs) for s in d["spans"] if s["entity_type"] not in ("TITLE", "NRP")]
    audit = tmp_path / "audit.jsonl"
    audit.write_text("".join(json.dumps(r) + "\n" for r in rows))
    res = runner.invoke(app, ["deid", "eval", "--gold", str(gold), "--format", "presidio-research", "--pred", str(audit),
                              "--out", str(tmp_path / "ev.json")])
    assert res.exit_code == 0, res.output
    ev = json.loads((tmp_path / "ev.json").read_text())
    assert ev["n_docs"] == 100 and ev["headline"]["recall"] == 1.0 and ev["headline"]["precision"] == 1.0


def test_bad_level_and_missing_file_fail_cleanly(tiny, tmp_path):
    gold, audit, _ = tiny
    res = runner.invoke(app, ["deid", "eval", "--gold", str(gold), "--pred", str(audit), "--level", "chars"])
    assert res.exit_code != 0
    res = runner.invoke(app, ["deid", "eval", "--gold", str(tmp_path / "nope.jsonl")])
    assert res.exit_code != 0


def test_help():
    res = runner.invoke(app, ["deid", "eval", "--help"])
    assert res.exit_code == 0 and "--gold" in res.output and "--pred" in res.output


_HAS_DEID = importlib.util.find_spec("clinical_sft.privacy.text") is not None


@pytest.mark.slow  # loads spaCy and presidio (tens of seconds on a busy 2-core machine)
@pytest.mark.skipif(not _HAS_DEID, reason="the text de-identifier (clinical_sft.privacy.text) is not built yet")
def test_default_deidentifier_runs_without_pred(tiny):
    pytest.importorskip("presidio_analyzer")
    gold, _, out = tiny
    res = runner.invoke(app, ["deid", "eval", "--gold", str(gold), "--limit", "2", "--out", str(out / "ev3.json")])
    assert res.exit_code == 0, res.output
    ev = json.loads((out / "ev3.json").read_text())
    assert ev["n_docs"] == 2 and ev["docs_per_s"] > 0
    assert ev["headline"]["recall"] > 0.5
