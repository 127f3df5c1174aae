"""``clinical-sft deid dicom`` end to end through the typer app."""

from __future__ import annotations

import json

import pydicom
from typer.testing import CliRunner

from clinical_sft.cli import app
from clinical_sft.privacy.key import SecretKey
from tests.privacy.test_dicom import PHI, make_phi_dataset, to_bytes


def _corpus(root):
    root.mkdir()
    (root / "a.dcm").write_bytes(to_bytes(make_phi_dataset()))
    (root / "b.dcm").write_bytes(to_bytes(make_phi_dataset(sop_uid=PHI["uid"] + ".2")))
    (root / "junk.bin").write_bytes(b"\x00not dicom at all" * 20)


def test_deid_dicom_cli(tmp_path):
    src = tmp_path / "in"
    _corpus(src)
    key_file = SecretKey.generate(tmp_path / "key.hex")
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["deid", "dicom", str(src), "--out", str(out), "--key-file", str(key_file),
                                 "--profile", "basic", "--retain-modified-dates", "--retain-uids", "--verify", "--no-progress",
                                 "--layout", "patient"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output.strip().splitlines()[-1])
    assert summary["written"] == 2 and summary["quarantined"] == 1 and summary["verify_failures"] == 0
    key = SecretKey.from_file(key_file)
    files = sorted(out.rglob("*.dcm"))
    assert len(files) == 2 and all(p.relative_to(out).parts[0] == key.pseudonym(PHI["pid"]) for p in files)
    ds = pydicom.dcmread(files[0])
    assert ds.SOPInstanceUID.startswith(PHI["uid"])  # --retain-uids
    man = json.loads((out / "manifest.json").read_text())
    assert man["profile"]["retain_uids"] and man["profile"]["retain_long_modified_dates"]
    assert man["verify"] == {"verified": 2, "failed": 0}
    for name in ("audit.jsonl", "quarantine.jsonl", "manifest.json"):
        assert not any(v in (out / name).read_text() for v in (PHI["name"], PHI["pid"], PHI["inst"]))
    assert PHI["name"] not in r.output


def test_deid_dicom_cli_errors_name_the_problem(tmp_path, monkeypatch):
    monkeypatch.delenv("CLINICAL_SFT_KEY", raising=False)
    src = tmp_path / "in"
    _corpus(src)
    r = CliRunner().invoke(app, ["deid", "dicom", str(src), "--out", str(tmp_path / "o")])
    assert r.exit_code != 0 and "CLINICAL_SFT_KEY" in str(r.exception)
    monkeypatch.setenv("CLINICAL_SFT_KEY", "ab" * 32)
    r = CliRunner().invoke(app, ["deid", "dicom", str(src), "--out", str(tmp_path / "o"), "--profile", "strict"])
    assert r.exit_code != 0 and "basic" in str(r.exception)
