"""Tests of CorpusJob itself (workers, resume) and of deidentify_corpus end to end."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from clinical_sft.data import Record, iter_text_records
from clinical_sft.errors import KeyMissingError
from clinical_sft.privacy import CorpusJob, DeidConfig, Outcome, SecretKey, deidentify_corpus
from clinical_sft.privacy.text import TextDeidProcessor


class Upper:
    """A picklable toy processor: upper-cases the text (fast; for runner tests)."""

    def __call__(self, rec: Record) -> Outcome:
        return Outcome(output={"id": rec.id, "text": rec.data["text"].upper()},
                       audit=[{"start": 0, "end": 1, "label": "X"}])


class Killed(Upper):
    """Dies like a killed process after ``n`` records."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.seen = 0

    def __call__(self, rec: Record) -> Outcome:
        self.seen += 1
        if self.seen > self.n:
            raise KeyboardInterrupt
        return super().__call__(rec)


def _collect(out_dir: Path, rows) -> dict:
    lines = [json.dumps(r["output"], sort_keys=True) for r in rows]
    (out_dir / "out.jsonl").write_text("\n".join(lines) + "\n")
    return {"n_out": len(lines)}


def _jsonl(tmp_path: Path, n: int = 23) -> Path:
    p = tmp_path / "in.jsonl"
    p.write_text("".join(json.dumps({"id": f"r{i}", "text": f"note {i}"}) + "\n" for i in range(n)))
    return p


def _run(path: Path, out: Path, proc, **kw):
    job = CorpusJob(out, proc, finalize=_collect, shard_size=4, progress=False, **kw)
    return job.run(iter_text_records([path]), inputs_fingerprint="x")


def test_two_workers_give_the_same_output_as_one(tmp_path):
    src = _jsonl(tmp_path)
    _run(src, tmp_path / "a", Upper(), workers=1)
    _run(src, tmp_path / "b", Upper(), workers=2)
    for name in ("out.jsonl", "audit.jsonl", "quarantine.jsonl"):
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()


def test_killed_run_resumes_without_loss_or_duplicates(tmp_path):
    src = _jsonl(tmp_path)
    _run(src, tmp_path / "ref", Upper())
    with pytest.raises(KeyboardInterrupt):
        _run(src, tmp_path / "k", Killed(10))
    done = sorted((tmp_path / "k" / ".state").glob("shard-*.jsonl"))
    assert len(done) == 2  # two full shards of 4 were finished before the kill
    s = _run(src, tmp_path / "k", Upper(), resume=True)
    assert s.n_shards_resumed == 2 and s.n_records == 23
    assert (tmp_path / "k" / "out.jsonl").read_text() == (tmp_path / "ref" / "out.jsonl").read_text()
    assert (tmp_path / "k" / "audit.jsonl").read_text() == (tmp_path / "ref" / "audit.jsonl").read_text()


# ---------------------------------------------------------------------------------------------
# deidentify_corpus end to end
PHI = ["OKAFOR", "Guadalupe", "Hernandez", "617-555-0142", "4471923", "MARY", "07/22/2019"]


def _corpus(tmp_path: Path) -> dict[str, Path]:
    d = tmp_path / "notes"
    d.mkdir()
    (d / "a.txt").write_text("WIFE MARY CALLED; DR. OKAFOR AWARE. ADMITTED 07/22/2019. MRN 4471923\n")
    (d / "b.txt").write_text("Pt Guadalupe Hernandez seen July 22nd, phone 617-555-0142.\n")
    (d / "empty.txt").write_text("")
    (d / "bin.txt").write_bytes(b"\x00\x01MARY OKAFOR")
    (d / "latin.txt").write_bytes("DR. OKAFOR VISITÓ".encode("latin-1"))
    j = tmp_path / "notes.jsonl"
    j.write_text(json.dumps({"id": "n1", "patient_id": "P1", "text": "DAUGHTER ANN VISITED 7/22; MRN 4471923"}) + "\n"
                 + '{"id": "n2", "text": "MARY OKAFOR\n'
                 + json.dumps({"id": "n3", "patient_id": "P1", "text": "ANN CALLED AGAIN 7/23"}) + "\n")
    c = tmp_path / "notes.csv"
    c.write_text('id,patient_id,text\nr1,P2,"SEEN BY DR OKAFOR ON 3/4/2020"\nr2,P2\n')
    return {"dir": d, "jsonl": j, "csv": c}


@pytest.fixture(scope="module")
def key() -> SecretKey:
    return SecretKey.from_bytes(b"s" * 32)


def test_corpus_formats_quarantine_and_no_phi_in_side_files(tmp_path, key, caplog):
    caplog.set_level(logging.DEBUG)
    ins = _corpus(tmp_path)
    cfg = DeidConfig(operator="surrogate")
    s = deidentify_corpus(ins["dir"], tmp_path / "o1", config=cfg, key=key, progress=False)
    assert (s.n_records, s.n_ok, s.n_quarantined) == (5, 2, 3)
    q = [json.loads(x) for x in (tmp_path / "o1" / "quarantine.jsonl").read_text().splitlines()]
    assert {r["source"]: r["reason"] for r in q} == {"empty.txt": "empty", "bin.txt": "encoding",
                                                     "latin.txt": "encoding"}
    out_a = (tmp_path / "o1" / "deidentified" / "a.txt").read_text()
    assert "OKAFOR" not in out_a and "MARY" not in out_a and "4471923" not in out_a

    s = deidentify_corpus(ins["jsonl"], tmp_path / "o2", config=cfg, key=key, progress=False)
    assert (s.n_ok, s.n_quarantined) == (2, 1)
    rows = [json.loads(x) for x in (tmp_path / "o2" / "deidentified" / "notes.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["n1", "n3"]
    assert rows[0]["patient_id"] == key.pseudonym("P1") and "ANN" not in rows[0]["text"]
    # the same patient's name gets the same surrogate in both notes
    assert rows[0]["text"].split()[1] == rows[1]["text"].split()[0]
    q = json.loads((tmp_path / "o2" / "quarantine.jsonl").read_text())
    assert q["reason"] == "malformed_json" and q["locator"] == "line 2"

    s = deidentify_corpus(ins["csv"], tmp_path / "o3", config=cfg, key=key, progress=False)
    assert (s.n_ok, s.n_quarantined) == (1, 1)
    assert (tmp_path / "o3" / "deidentified" / "notes.csv").read_text().startswith("id,patient_id,text")

    side = "".join((tmp_path / o / f).read_text() for o in ("o1", "o2", "o3")
                   for f in ("audit.jsonl", "quarantine.jsonl", "manifest.json"))
    assert not [p for p in PHI + ["ANN"] if p in side]
    assert not [p for p in PHI if p in caplog.text]
    man = json.loads((tmp_path / "o2" / "manifest.json").read_text())
    assert man["operator"] == "surrogate" and man["key_fingerprint"] == key.fingerprint
    audit = json.loads((tmp_path / "o2" / "audit.jsonl").read_text().splitlines()[0])
    assert set(audit) == {"id", "start", "end", "label", "score", "recognizer"}


def test_same_key_same_output_other_key_differs(tmp_path, key):
    ins = _corpus(tmp_path)
    cfg = DeidConfig(operator="surrogate")
    outs = []
    for name, k in (("x1", key), ("x2", key), ("x3", SecretKey.from_bytes(b"t" * 32))):
        deidentify_corpus(ins["jsonl"], tmp_path / name, config=cfg, key=k, progress=False)
        outs.append((tmp_path / name / "deidentified" / "notes.jsonl").read_text())
    assert outs[0] == outs[1]
    assert outs[0] != outs[2]


def test_killed_deid_run_resumes(tmp_path, key, monkeypatch):
    src = tmp_path / "many.jsonl"
    src.write_text("".join(json.dumps({"id": f"n{i}", "patient_id": f"P{i % 3}",
                                       "text": f"WIFE MARY CALLED ON 7/{i % 28 + 1}; DR. OKAFOR AWARE"}) + "\n"
                           for i in range(9)))
    cfg = DeidConfig(operator="surrogate")
    deidentify_corpus(src, tmp_path / "ref", config=cfg, key=key, shard_size=2, progress=False)
    calls = {"n": 0}
    real = TextDeidProcessor.__call__

    def dying(self, rec):
        calls["n"] += 1
        if calls["n"] > 5:
            raise SystemExit(1)
        return real(self, rec)

    monkeypatch.setattr(TextDeidProcessor, "__call__", dying)
    with pytest.raises(SystemExit):
        deidentify_corpus(src, tmp_path / "k", config=cfg, key=key, shard_size=2, progress=False)
    monkeypatch.setattr(TextDeidProcessor, "__call__", real)
    s = deidentify_corpus(src, tmp_path / "k", config=cfg, key=key, shard_size=2, resume=True, progress=False)
    assert s.n_shards_resumed == 2 and s.n_records == 9
    for f in ("deidentified/many.jsonl", "audit.jsonl"):
        assert (tmp_path / "k" / f).read_text() == (tmp_path / "ref" / f).read_text()


def test_keyed_operator_without_key_fails_clearly(tmp_path):
    ins = _corpus(tmp_path)
    with pytest.raises(KeyMissingError, match="--key-file"):
        deidentify_corpus(ins["jsonl"], tmp_path / "o", config=DeidConfig(operator="hash"), progress=False)
