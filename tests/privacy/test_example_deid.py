"""examples/deid_own_notes.py: score, sweep, train a tagger, choose a threshold and de-identify, on synthetic notes."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from clinical_sft.data.synthetic import generate_cohort
from clinical_sft.privacy.recognizers import PhiTagger

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "deid_own_notes.py"


def _example():
    spec = importlib.util.spec_from_file_location(EXAMPLE.stem, EXAMPLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_example_chooses_a_threshold_and_deidentifies(tmp_path, capsys):
    res = _example().main(["--out", str(tmp_path), "--patients", "20", "--thresholds", "0.05", "0.12", "0.5",
                           "--target-recall", "0.9"])
    assert set(res["curves"]) == {"shipped tagger", "own tagger"}
    for curve in res["curves"].values():  # a lower threshold never finds less
        recalls = [curve[p][0] for p in ("0.05", "0.12", "0.5")]
        assert recalls == sorted(recalls, reverse=True)
    chosen = res["chosen"]
    assert chosen["threshold"] in (0.05, 0.12, 0.5) and chosen["recall"] >= 0.9
    # the most precise of the choices that reach the target
    assert chosen["precision"] == max(pr for c in res["curves"].values() for r, pr in c.values() if r >= 0.9)
    PhiTagger.load(tmp_path / "own_tagger.safetensors")
    manifest = json.loads((tmp_path / "deid" / "manifest.json").read_text())
    assert manifest["tagger_min_prob"] == chosen["threshold"] and res["n_ok"] > 0
    n_test = sum(1 for _ in (tmp_path / "notes.jsonl").open())
    assert res["n_ok"] == n_test
    out = capsys.readouterr().out
    phi = {n["text"][s["start"]:s["end"]] for n in generate_cohort(20, seed=0).notes for s in n["spans"]}
    assert not [p for p in phi if len(p) > 3 and p in out]


def test_split_keeps_a_patient_on_one_side():
    docs = [{"id": f"n{i}", "patient_id": f"p{i % 7}", "text": "x", "spans": []} for i in range(40)]
    train, test = _example()._split(docs, 0.3, seed=1)
    assert len(train) + len(test) == 40 and train and test
    assert not {d["patient_id"] for d in train} & {d["patient_id"] for d in test}
