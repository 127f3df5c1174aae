"""Check and tune the text de-identifier on your own annotated notes before running it on a corpus.

The workflow a data engineer follows before trusting the de-identifier with a new hospital's notes:

1. score the shipped pipeline (rules + PHI tagger) on annotated notes held out for testing;
2. see recall and precision at several tagger thresholds (the rules run once a note);
3. train a tagger on the other annotated notes and score it the same way;
4. pick the threshold that reaches the recall you need, and de-identify a corpus with it.

Your gold file is JSONL, one note a line: ``{"id", "patient_id", "text", "spans": [{"start", "end", "label"}]}``
(``clinical-sft deid eval --gold`` reads the same format). Without one, the synthetic cohort stands in::

    python examples/deid_own_notes.py --out deid-tune                    # synthetic notes, ~1 minute
    python examples/deid_own_notes.py --gold my_gold.jsonl --out deid-tune --target-recall 0.98

Only counts and metrics are printed; the notes stay in the files.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
from pathlib import Path


def _split(docs: list[dict], test_share: float, seed: int) -> tuple[list[dict], list[dict]]:
    """Train / test split by patient (one patient's notes on one side)."""
    patients = sorted({str(d.get("patient_id", d["id"])) for d in docs})
    random.Random(seed).shuffle(patients)
    test = set(patients[: max(1, round(len(patients) * test_share))])
    return ([d for d in docs if str(d.get("patient_id", d["id"])) not in test],
            [d for d in docs if str(d.get("patient_id", d["id"])) in test])


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", type=Path, help="Your annotated notes (JSONL). Default: synthetic notes.")
    ap.add_argument("--out", type=Path, default=Path("deid-tune"))
    ap.add_argument("--target-recall", type=float, default=0.98, help="Recall the chosen threshold must reach.")
    ap.add_argument("--thresholds", type=float, nargs="+", default=[0.02, 0.04, 0.06, 0.1, 0.2, 0.3])
    ap.add_argument("--patients", type=int, default=60, help="Synthetic patients when no --gold is given.")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    from clinical_sft.privacy import DeidConfig, Deidentifier, deidentify_corpus
    from clinical_sft.privacy.evaluate import evaluate_tagger_thresholds, read_gold
    from clinical_sft.privacy.recognizers import train_tagger

    args.out.mkdir(parents=True, exist_ok=True)
    if args.gold is not None:
        docs = read_gold(args.gold)
    else:
        from clinical_sft.data.synthetic import generate_cohort

        docs = [{"id": n["id"], "patient_id": n["patient_id"], "text": n["text"], "spans": n["spans"]}
                for n in generate_cohort(args.patients, seed=args.seed).notes]
    train, test = _split(docs, 0.3, args.seed)
    print(f"{len(docs)} annotated notes: {len(train)} to train a tagger on, {len(test)} to test on")

    def curve(deid: Deidentifier) -> dict[float, tuple[float, float]]:
        evs = evaluate_tagger_thresholds(deid, test, args.thresholds)
        return {p: (ev.levels["token"]["ALL"].recall, ev.levels["token"]["ALL"].precision) for p, ev in evs.items()}

    rules = Deidentifier(DeidConfig(tagger=False)).load()
    curves = {"shipped tagger": curve(Deidentifier().load())}

    # a tagger of your own: the rules' spans are one of its features, so they run over the training notes first
    for d in train:
        d["found"] = [(s.start, s.end, s.label, s.score) for s in rules.analyze(d["text"])]
    own = train_tagger(train, info={"gold": str(args.gold or "synthetic cohort")})
    own_path = own.save(args.out / "own_tagger.safetensors")
    curves["own tagger"] = curve(Deidentifier(DeidConfig(tagger=str(own_path))).load())

    print(f"\ntoken recall / precision on the {len(test)} test notes, by tagger threshold (category-blind)")
    print("threshold  " + "  ".join(f"{name:>17s}" for name in curves))
    for p in args.thresholds:
        print(f"{p:9g}  " + "  ".join(f"    {r:.3f} / {pr:.3f}" for r, pr in (c[p] for c in curves.values())))

    # among the thresholds that reach the target recall, the most precise; else the best recall
    candidates = [(n, p, *curves[n][p]) for n in curves for p in args.thresholds]
    reach = [c for c in candidates if c[2] >= args.target_recall]
    name, thr, recall, precision = (max(reach, key=lambda c: (c[3], c[1])) if reach
                                    else max(candidates, key=lambda c: (c[2], c[3])))
    print(f"\nchosen: {name} at threshold {thr:g} (recall {recall:.3f}, precision {precision:.3f}"
          f"{'' if recall >= args.target_recall else f'; below the target {args.target_recall}'})")

    # de-identify the test notes as a corpus job with that choice (audit, quarantine and manifest beside the output)
    corpus = args.out / "notes.jsonl"
    corpus.write_text("".join(json.dumps({"id": d["id"], "patient_id": d.get("patient_id"), "text": d["text"]}) + "\n"
                              for d in test), encoding="utf-8")
    cfg = DeidConfig(tagger=True if name == "shipped tagger" else str(own_path), tagger_min_prob=thr)
    summary = deidentify_corpus(corpus, args.out / "deid", config=cfg, progress=False)
    print(f"de-identified {summary.n_ok} notes -> {args.out / 'deid'} ({summary.n_quarantined} quarantined)")
    tagger_flag = "" if name == "shipped tagger" else f" --tagger-weights {own_path}"
    print(f"the same from the shell: clinical-sft deid text {corpus} --out {args.out / 'deid'}{tagger_flag} "
          f"--tagger-min-prob {thr:g}")
    return {"curves": {n: {str(p): list(v) for p, v in c.items()} for n, c in curves.items()},
            "chosen": {"tagger": name, "threshold": thr, "recall": recall, "precision": precision},
            "n_ok": summary.n_ok}


if __name__ == "__main__":
    main()
