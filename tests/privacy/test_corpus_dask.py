"""The corpus job on a Dask LocalCluster gives the same outputs as the local engine."""

import json
from pathlib import Path

import pytest

from clinical_sft.data import Record
from clinical_sft.privacy.corpus import CorpusJob, Outcome, atomic_write_text

pytest.importorskip("dask.distributed")


class _Reverse:
    def __call__(self, rec: Record) -> Outcome:
        if rec.data["text"].startswith("boom"):
            raise RuntimeError("boom")
        return Outcome(output={"id": rec.id, "text": rec.data["text"][::-1]}, audit=[{"len": len(rec.data["text"])}])


def _finalize(out, rows):
    atomic_write_text(out / "out.jsonl", "".join(json.dumps(r["output"]) + "\n" for r in rows))


def _records():
    recs = [Record(f"r{i}", "in.jsonl", f"line {i}", {"text": ("boom " if i % 9 == 4 else "") + f"note {i}"})
            for i in range(60)]
    recs.append(Record("bad", "in.jsonl", "line 61", error="malformed_json"))
    return recs


def _read(out):
    return {f: (out / f).read_text() for f in ("out.jsonl", "audit.jsonl", "quarantine.jsonl")}


def test_dask_local_cluster_matches_local_engine(tmp_path):
    local = CorpusJob(tmp_path / "local", _Reverse(), finalize=_finalize, shard_size=7, progress=False).run(_records())
    dask = CorpusJob(tmp_path / "dask", _Reverse(), finalize=_finalize, shard_size=7, engine="dask", workers=2,
                     progress=False).run(_records())
    assert local.to_dict()["written"] == dask.to_dict()["written"] == 53
    assert local.n_quarantined == dask.n_quarantined == 8
    assert _read(tmp_path / "local") == _read(tmp_path / "dask")
    man = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert man["engine"] == "dask" and man["quarantined"] == 8


def test_dask_resume_skips_finished_shards(tmp_path):
    out = tmp_path / "o"
    recs = _records()
    CorpusJob(out, _Reverse(), finalize=_finalize, shard_size=7, progress=False).run(recs[:21])
    # same inputs enumerated again: the first three shards are on disk and are not redone
    s = CorpusJob(out, _Reverse(), finalize=_finalize, shard_size=7, engine="dask", workers=2, resume=True,
                  progress=False).run(recs[:21])
    assert s.n_shards_resumed == 3 and s.n_records == 21


@pytest.fixture(scope="module")
def dask_scheduler():
    from dask.distributed import LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    yield cluster.scheduler_address
    cluster.close()


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".state" not in p.parts and p.name != "manifest.json"}


@pytest.mark.slow  # each Dask worker imports presidio/transformers (~20-40 s on 2 cores)
def test_text_deid_on_dask_equals_local(tmp_path, dask_scheduler):
    from clinical_sft.data import generate_cohort
    from clinical_sft.privacy import DeidConfig, SecretKey, deidentify_corpus

    notes = generate_cohort(n_patients=6, seed=3).write(tmp_path / "cohort")["notes"]
    with open(notes, "a") as fh:
        fh.write("{not json\n")
    key = SecretKey.from_bytes(b"dask-equivalence-test-key-0123456789")
    cfg = DeidConfig(operator="surrogate")
    a = deidentify_corpus(notes, tmp_path / "local", config=cfg, key=key, shard_size=4, progress=False)
    b = deidentify_corpus(notes, tmp_path / "dask", config=cfg, key=key, shard_size=4, engine="dask",
                          scheduler=dask_scheduler, progress=False)
    assert a.n_quarantined == b.n_quarantined == 1
    assert _tree(tmp_path / "local") == _tree(tmp_path / "dask")


def test_dicom_deid_on_dask_equals_local(tmp_path, dask_scheduler):
    from clinical_sft.privacy import SecretKey
    from clinical_sft.privacy.dicom import deidentify_dicom_corpus

    src = Path(__file__).resolve().parents[1] / "data" / "dicom"
    key = SecretKey.from_bytes(b"dask-equivalence-test-key-0123456789")
    a = deidentify_dicom_corpus([src], tmp_path / "local", key, progress=False)
    b = deidentify_dicom_corpus([src], tmp_path / "dask", key, engine="dask", scheduler=dask_scheduler,
                                progress=False)
    assert a.summary.n_records == b.summary.n_records > 0
    assert _tree(tmp_path / "local") == _tree(tmp_path / "dask")
