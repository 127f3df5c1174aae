"""One corpus job: the runner shared by ``deid text``, ``deid dicom`` and batch prediction.

The job enumerates records deterministically, groups them into numbered *shards*, processes each
shard (in this process, in worker processes, or on a Dask cluster) with a plain function
``process(record) -> Outcome``, and writes every finished shard atomically to ``OUT/.state/``.
``--resume`` skips the shards already on disk, so a killed run neither redoes nor loses work.
When every shard is done, :meth:`CorpusJob.run` assembles ``audit.jsonl``, ``quarantine.jsonl``,
``manifest.json`` and hands the output rows, in input order, to the caller's ``finalize``.

Reliability lives here once: fail closed (an exception or time-out quarantines the record), a
per-record time limit, bounded memory (a fixed window of shards in flight), atomic writes, and
no record content in any message.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from clinical_sft.data.records import Record
from clinical_sft.errors import ConfigError, InputError

__all__ = [
    "CorpusJob",
    "JobSummary",
    "Outcome",
    "atomic_write_bytes",
    "atomic_write_text",
    "iter_jsonl_file",
]

log = logging.getLogger(__name__)
STATE_DIR = ".state"


@dataclass
class Outcome:
    """What ``process`` returns for one record.

    ``output`` is a JSON-serialisable row handed to ``finalize`` (for text: the de-identified
    record); ``audit`` lists PHI-free events (offsets, labels, tags, actions); a non-empty
    ``quarantine`` reason means the record must not reach the output.
    """

    output: dict[str, Any] | None = None
    audit: list[dict[str, Any]] = field(default_factory=list)
    quarantine: str | None = None
    detail: str = ""


@dataclass
class JobSummary:
    out_dir: Path
    n_records: int = 0
    n_ok: int = 0
    n_quarantined: int = 0
    n_shards: int = 0
    n_shards_resumed: int = 0
    elapsed_s: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.n_records,
            "written": self.n_ok,
            "quarantined": self.n_quarantined,
            "shards": self.n_shards,
            "shards_resumed": self.n_shards_resumed,
            "elapsed_s": round(self.elapsed_s, 3),
            "quarantine_reasons": dict(sorted(self.reasons.items())),
            "records_per_s": round(self.n_records / self.elapsed_s, 3) if self.elapsed_s > 0 else None,
        }


# --------------------------------------------------------------------------------------
# atomic writes
def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, fsync: bool = True) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder and ``os.replace``.

    ``fsync=False`` skips the flush to disk (the write stays atomic for readers and survives a
    killed process, not a power loss); for bulk outputs that a later check re-reads.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


class _AtomicLines:
    """A text file written line by line to a temp file and renamed into place on close."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")

    def write(self, s: str) -> None:
        self.fh.write(s)

    def commit(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        if not self.fh.closed:
            self.fh.close()
        Path(self.tmp).unlink(missing_ok=True)


def iter_jsonl_file(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


# --------------------------------------------------------------------------------------
# per-record processing with a time limit (runs in workers)
class _Timeout(Exception):
    pass


def _alarm(_signum, _frame):
    raise _Timeout()


def _process_one(process: Callable[[Record], Outcome], rec: Record, timeout_s: float | None) -> Outcome:
    if rec.error:
        return Outcome(quarantine=rec.error, detail=rec.error_detail)
    use_alarm = bool(timeout_s) and threading.current_thread() is threading.main_thread()
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, float(timeout_s))  # type: ignore[arg-type]
    try:
        out = process(rec)
        if not isinstance(out, Outcome):
            return Outcome(quarantine="processor_error", detail="processor returned no Outcome")
        return out
    except _Timeout:
        return Outcome(quarantine="timeout", detail=f"exceeded {timeout_s} s")
    except Exception as e:  # fail closed: never let a record through on error
        # the type only: exception messages may quote record content
        log.debug("record %s quarantined: %s", rec.id, type(e).__name__)
        return Outcome(quarantine="processing_error", detail=type(e).__name__)
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def _run_shard(process: Callable[[Record], Outcome], shard: list[Record], timeout_s: float | None
               ) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    rows: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for rec in shard:
        oc = _process_one(process, rec, timeout_s)
        head = {"id": rec.id, "source": rec.source, "locator": rec.locator}
        if oc.quarantine:
            rows.append(({**head, "status": "quarantined", "reason": oc.quarantine, "detail": oc.detail}, []))
        else:
            audit = [{"id": rec.id, **a} for a in oc.audit]
            rows.append(({**head, "status": "ok", "output": oc.output}, audit))
    return rows


class _NullProgress:
    def __enter__(self) -> _NullProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, *args: Any, **kwargs: Any) -> int:
        return 0

    def advance(self, *args: Any, **kwargs: Any) -> None:
        return None


# --------------------------------------------------------------------------------------
class CorpusJob:
    """Run ``process`` over a corpus, with shards, workers, resume and quarantine.

    Parameters
    ----------
    out_dir
        Output folder; ``audit.jsonl``, ``quarantine.jsonl``, ``manifest.json`` go there.
    process
        A picklable callable ``Record -> Outcome`` (it loads heavy state lazily, once per worker).
    finalize
        ``finalize(out_dir, rows)`` writes the final outputs from the ``ok`` rows (in input order);
        ``None`` when ``process`` writes its outputs itself (DICOM).
    workers
        Worker processes (1: in this process).
    engine
        ``"local"`` or ``"dask"`` (``scheduler``: a dask.distributed address, or ``None`` for a
        LocalCluster with ``workers`` workers).
    shard_size
        Records per shard, the unit of resume.
    timeout_s
        Per-record time limit; a record that exceeds it is quarantined as ``timeout``.
    resume
        Skip the shards already finished in ``out_dir``.
    manifest
        Extra PHI-free fields for ``manifest.json`` (operators, versions, options).
    """

    def __init__(
        self,
        out_dir: str | os.PathLike[str],
        process: Callable[[Record], Outcome],
        *,
        finalize: Callable[[Path, Iterator[dict[str, Any]]], dict[str, Any] | None] | None = None,
        workers: int = 1,
        engine: str = "local",
        scheduler: str | None = None,
        shard_size: int = 32,
        timeout_s: float | None = 120.0,
        resume: bool = False,
        manifest: dict[str, Any] | None = None,
        job_name: str = "corpus",
        progress: bool = True,
    ) -> None:
        if engine not in ("local", "dask"):
            raise ConfigError(f"engine must be 'local' or 'dask', got {engine!r}")
        if workers < 1:
            raise ConfigError(f"workers must be >= 1, got {workers}")
        if shard_size < 1:
            raise ConfigError(f"shard_size must be >= 1, got {shard_size}")
        self.out_dir = Path(out_dir)
        self.process = process
        self.finalize = finalize
        self.workers = workers
        self.engine = engine
        self.scheduler = scheduler
        self.shard_size = shard_size
        self.timeout_s = timeout_s
        self.resume = resume
        self.manifest = dict(manifest or {})
        self.job_name = job_name
        self.progress = progress

    # -- state --------------------------------------------------------------------------
    @property
    def state_dir(self) -> Path:
        return self.out_dir / STATE_DIR

    def _shard_path(self, i: int) -> Path:
        return self.state_dir / f"shard-{i:07d}.jsonl"

    def _audit_path(self, i: int) -> Path:
        return self.state_dir / f"audit-{i:07d}.jsonl"

    def _check_state(self, fingerprint: str) -> None:
        meta = self.state_dir / "job.json"
        if meta.exists():
            old = json.loads(meta.read_text())
            if not self.resume:
                raise InputError(
                    f"{self.out_dir} holds an earlier run; pass --resume to continue it or choose a new --out."
                )
            if old.get("fingerprint") != fingerprint:
                raise InputError(
                    f"{self.out_dir} holds a run with other inputs or options; resume needs the same ones "
                    "(or choose a new --out)."
                )
        else:
            atomic_write_text(meta, json.dumps({"fingerprint": fingerprint, "job": self.job_name}))

    # -- run ----------------------------------------------------------------------------
    def run(self, records: Iterable[Record], *, inputs_fingerprint: str = "", total: int | None = None) -> JobSummary:
        """Process every record; return the summary (also written to ``manifest.json``)."""
        t0 = time.perf_counter()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        fp = hashlib.sha256(
            json.dumps({"inputs": inputs_fingerprint, "shard": self.shard_size, "job": self.job_name}).encode()
        ).hexdigest()[:16]
        self._check_state(fp)
        summary = JobSummary(self.out_dir)

        def shards() -> Iterator[tuple[int, list[Record]]]:
            it = iter(records)
            i = 0
            while True:
                chunk = list(islice(it, self.shard_size))
                if not chunk:
                    return
                yield i, chunk
                i += 1

        prog: Any = _NullProgress()
        if self.progress:  # rich is imported only when a bar is shown (its import costs ~70 ms)
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            prog = Progress(TextColumn(f"[bold]{self.job_name}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("records"), TimeElapsedColumn(), transient=False)
        with prog:
            task = prog.add_task(self.job_name, total=total)

            def pending() -> Iterator[tuple[int, list[Record]]]:
                for i, chunk in shards():
                    summary.n_shards += 1
                    if self.resume and self._shard_path(i).exists():
                        summary.n_shards_resumed += 1
                        prog.advance(task, len(chunk))
                        continue
                    yield i, chunk

            def done(i: int, rows) -> None:
                self._write_shard(i, rows)
                prog.advance(task, len(rows))

            if self.engine == "dask":
                self._run_dask(pending(), done)
            elif self.workers == 1:
                for i, chunk in pending():
                    done(i, _run_shard(self.process, chunk, self.timeout_s))
            else:
                self._run_pool(pending(), done)

        self._assemble(summary)
        summary.elapsed_s = time.perf_counter() - t0
        self._write_manifest(summary)
        return summary

    def _write_shard(self, i: int, rows) -> None:
        audit_lines = "".join(json.dumps(a, ensure_ascii=False) + "\n" for _, audit in rows for a in audit)
        atomic_write_text(self._audit_path(i), audit_lines)
        # the shard file is the completion marker: written last
        atomic_write_text(self._shard_path(i), "".join(json.dumps(r, ensure_ascii=False) + "\n" for r, _ in rows))

    def _run_pool(self, pending: Iterator[tuple[int, list[Record]]], done) -> None:
        import multiprocessing as mp

        window = 2 * self.workers
        with ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn")) as ex:
            inflight: dict[Any, int] = {}
            for i, chunk in pending:
                inflight[ex.submit(_run_shard, self.process, chunk, self.timeout_s)] = i
                if len(inflight) >= window:
                    finished, _ = wait(inflight, return_when=FIRST_COMPLETED)
                    for f in finished:
                        done(inflight.pop(f), f.result())
            for f in list(inflight):
                done(inflight.pop(f), f.result())

    def _run_dask(self, pending: Iterator[tuple[int, list[Record]]], done) -> None:
        from dask.distributed import Client, LocalCluster
        from dask.distributed import wait as dwait

        cluster = None
        if self.scheduler:
            client = Client(self.scheduler)
        else:
            cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        try:
            proc = client.scatter(self.process, broadcast=True)
            window = 2 * max(1, len(client.scheduler_info().get("workers", {})) or self.workers)
            inflight: dict[Any, int] = {}
            for i, chunk in pending:
                inflight[client.submit(_run_shard, proc, chunk, self.timeout_s, pure=False)] = i
                if len(inflight) >= window:
                    res = dwait(list(inflight), return_when="FIRST_COMPLETED")
                    for f in res.done:
                        done(inflight.pop(f), f.result())
            for f in list(inflight):
                done(inflight.pop(f), f.result())
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    # -- assembly -----------------------------------------------------------------------
    def _iter_state(self, kind: str) -> Iterator[Path]:
        return iter(sorted(self.state_dir.glob(f"{kind}-*.jsonl")))

    def _assemble(self, summary: JobSummary) -> None:
        audit = _AtomicLines(self.out_dir / "audit.jsonl")
        quarantine = _AtomicLines(self.out_dir / "quarantine.jsonl")
        try:
            for p in self._iter_state("audit"):
                with p.open(encoding="utf-8") as fh:
                    for line in fh:
                        audit.write(line)
            for p in self._iter_state("shard"):
                for row in iter_jsonl_file(p):
                    summary.n_records += 1
                    if row["status"] == "quarantined":
                        summary.n_quarantined += 1
                        summary.reasons[row["reason"]] = summary.reasons.get(row["reason"], 0) + 1
                        quarantine.write(json.dumps({k: row[k] for k in ("id", "source", "locator", "reason", "detail")},
                                                    ensure_ascii=False) + "\n")
                    else:
                        summary.n_ok += 1
            audit.commit()
            quarantine.commit()
        except BaseException:
            audit.abort()
            quarantine.abort()
            raise
        if self.finalize is not None:
            extra = self.finalize(self.out_dir, self._ok_rows())
            if extra:
                self.manifest.update(extra)

    def _ok_rows(self) -> Iterator[dict[str, Any]]:
        for p in self._iter_state("shard"):
            for row in iter_jsonl_file(p):
                if row["status"] == "ok":
                    yield row

    def _write_manifest(self, summary: JobSummary) -> None:
        man = {"job": self.job_name, "engine": self.engine, "workers": self.workers,
               **summary.to_dict(), **self.manifest}
        atomic_write_text(self.out_dir / "manifest.json", json.dumps(man, indent=2, default=str))
