"""The corpus job on a Dask LocalCluster gives the same outputs as the local engine."""

import json

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
