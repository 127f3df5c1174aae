"""Tests of ``clinical-sft deid text``."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from clinical_sft.cli import app
from clinical_sft.errors import KeyMissingError

runner = CliRunner()


def test_help():
    r = runner.invoke(app, ["deid", "text", "--help"])
    assert r.exit_code == 0 and "--operator" in r.output and "--resume" in r.output


def test_deid_text_jsonl_with_key_file(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "patient_id": "P1", "text": "WIFE MARY CALLED; DR. OKAFOR AWARE 7/22"}) + "\n"
                   + "{broken\n")
    keyf = tmp_path / "k.key"
    assert runner.invoke(app, ["key", "new", str(keyf)]).exit_code == 0
    out = tmp_path / "out"
    r = runner.invoke(app, ["deid", "text", str(src), "--out", str(out), "--operator", "surrogate",
                            "--key-file", str(keyf), "--no-progress"])
    assert r.exit_code == 0, r.output
    row = json.loads((out / "deidentified" / "in.jsonl").read_text())
    assert "OKAFOR" not in row["text"] and "MARY" not in row["text"] and row["patient_id"].startswith("PT")
    assert "OKAFOR" not in r.output and keyf.read_text().strip() not in r.output
    assert json.loads((out / "quarantine.jsonl").read_text())["reason"] == "malformed_json"
    man = json.loads((out / "manifest.json").read_text())
    assert man["records"] == 2 and man["written"] == 1 and keyf.read_text().strip() not in json.dumps(man)
    # resume an existing output without redoing work
    r = runner.invoke(app, ["deid", "text", str(src), "--out", str(out), "--operator", "surrogate",
                            "--key-file", str(keyf), "--no-progress", "--resume"])
    assert r.exit_code == 0 and json.loads((out / "manifest.json").read_text())["shards_resumed"] == 1


def test_surrogate_without_key_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("CLINICAL_SFT_KEY", raising=False)
    src = tmp_path / "notes"
    src.mkdir()
    (src / "a.txt").write_text("DR. OKAFOR")
    r = runner.invoke(app, ["deid", "text", str(src), "--out", str(tmp_path / "o"), "--operator", "surrogate"])
    assert r.exit_code != 0 and isinstance(r.exception, KeyMissingError)
    assert "--key-file" in str(r.exception)


def test_tag_needs_no_key(tmp_path, monkeypatch):
    monkeypatch.delenv("CLINICAL_SFT_KEY", raising=False)
    src = tmp_path / "notes"
    src.mkdir()
    (src / "a.txt").write_text("SEEN BY DR. OKAFOR ON 7/22")
    r = runner.invoke(app, ["deid", "text", str(src), "--out", str(tmp_path / "o"), "--no-progress"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o" / "deidentified" / "a.txt").read_text() == "SEEN BY DR. [NAME] ON [DATE]"
