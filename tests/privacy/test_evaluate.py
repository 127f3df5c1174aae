"""Tests of the de-identification evaluator against hand-computed cases, and of its readers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinical_sft.data import Span, generate_cohort
from clinical_sft.errors import ConfigError, InputError, RecordError
from clinical_sft.privacy.evaluate import (
    COARSE_LABELS,
    PRF,
    evaluate_deidentifier,
    evaluate_spans,
    read_audit,
    read_gold,
    read_presidio_research,
    to_presidio_research,
)

DATA = Path(__file__).resolve().parents[1] / "data"
SHARED = Path(__file__).resolve().parents[2] / "../shared"

#            0         1         2         3         4
#            0123456789012345678901234567890123456789012345
TEXT = "Seen by Dr. Ana Ruiz on 7/22; call 617-555-0199."
GOLD = [{
    "id": "n1",
    "text": TEXT,
    "spans": [
        {"start": 12, "end": 20, "label": "NAME"},    # Ana Ruiz  (2 tokens)
        {"start": 24, "end": 28, "label": "DATE"},    # 7/22      (2 tokens)
        {"start": 35, "end": 47, "label": "PHONE"},   # 617-555-0199 (3 tokens)
    ],
}]


def _ev(pred_spans, gold=GOLD, **kw):
    return evaluate_spans(gold, [{"id": "n1", "spans": pred_spans}], **kw)


def test_perfect_prediction_scores_one_everywhere():
    ev = _ev(GOLD[0]["spans"])
    for lvl in ("span_exact", "span_overlap", "token"):
        prf = ev.levels[lvl]["ALL"]
        assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)
    assert ev.levels["token"]["ALL"].n_gold == 7


def test_hand_computed_partial_prediction():
    pred = [
        {"start": 12, "end": 15, "label": "NAME"},     # 'Ana' only: overlaps the name, not exact
        {"start": 24, "end": 28, "label": "PHONE"},    # the date, exact offsets, wrong label
        {"start": 0, "end": 4, "label": "NAME"},       # 'Seen': false positive
    ]
    ev = _ev(pred)
    ex, ov, tk = (ev.levels[k]["ALL"] for k in ("span_exact", "span_overlap", "token"))
    # exact, category-blind: only the date matches -> tp 1 of 3 gold, 1 of 3 predicted
    assert (ex.tp, ex.fp, ex.fn) == (1, 2, 2)
    assert ex.precision == pytest.approx(1 / 3) and ex.recall == pytest.approx(1 / 3)
    # overlap: name and date found (2/3), 2 of 3 predictions correct
    assert (ov.tp_gold, ov.tp_pred, ov.n_gold, ov.n_pred) == (2, 2, 3, 3)
    assert ov.f1 == pytest.approx(2 / 3)
    # tokens: gold {Ana, Ruiz, 7, 22, 617, 555, 0199}; predicted {Ana, 7, 22, Seen}
    assert (tk.tp, tk.fp, tk.fn) == (3, 1, 4)
    assert tk.recall == pytest.approx(3 / 7) and tk.precision == pytest.approx(3 / 4)
    assert ev.recall == tk.recall  # the headline is category-blind token recall
    # per label: the date was caught (blind) but mislabelled (strict)
    date = ev.levels["token"]["DATE"]
    assert (date.n_gold, date.tp, date.blind_tp_gold) == (2, 0, 2)
    assert date.recall == 0.0 and date.blind_recall == 1.0
    name = ev.levels["token"]["NAME"]
    assert (name.n_gold, name.n_pred, name.tp_gold, name.tp_pred) == (2, 2, 1, 1)
    phone = ev.levels["span_exact"]["PHONE"]
    assert (phone.n_gold, phone.n_pred, phone.tp) == (1, 1, 0)
    strict = ev.levels["token"]["ALL_STRICT"]
    assert strict.tp == 1 and strict.n_gold == 7


def test_one_prediction_covering_two_gold_spans_at_overlap_level():
    gold = [{"id": "a", "text": "Boston, MA 02114", "spans": [
        {"start": 0, "end": 6, "label": "CITY"}, {"start": 8, "end": 10, "label": "STATE"}, {"start": 11, "end": 16, "label": "ZIP"}]}]
    ev = evaluate_spans(gold, [{"id": "a", "spans": [{"start": 0, "end": 16, "label": "LOCATION"}]}])
    ov = ev.levels["span_overlap"]["ALL"]
    assert (ov.tp_gold, ov.n_gold, ov.tp_pred, ov.n_pred) == (3, 3, 1, 1)
    assert ev.levels["span_exact"]["ALL"].tp == 0
    assert ev.levels["token"]["ALL"].recall == 1.0
    coarse = evaluate_spans(gold, [{"id": "a", "spans": [{"start": 0, "end": 16, "label": "LOCATION"}]}], labels_map=COARSE_LABELS)
    assert coarse.levels["token"]["LOCATION"].recall == 1.0


def test_missing_prediction_record_counts_as_nothing_found_and_unknown_ids_are_ignored():
    ev = evaluate_spans(GOLD, [{"id": "other", "spans": [{"start": 0, "end": 3, "label": "NAME"}]}])
    assert ev.n_missing_pred == 1 and ev.n_extra_pred == 1
    tk = ev.levels["token"]["ALL"]
    assert tk.recall == 0.0 and math.isnan(tk.precision)
    assert ev.to_dict()["levels"]["token"]["ALL"]["precision"] is None


def test_labels_map_drops_and_renames_and_aliases_apply():
    pred = [{"start": 12, "end": 20, "label": "PERSON"}, {"start": 24, "end": 28, "label": "DATE_TIME"}]
    ev = _ev(pred)
    assert ev.levels["span_exact"]["NAME"].tp == 1 and ev.levels["span_exact"]["DATE"].tp == 1
    dropped = _ev(pred, labels_map={"PHONE": None})
    assert dropped.levels["span_exact"]["ALL"].n_gold == 2 and dropped.levels["span_exact"]["ALL"].recall == 1.0


def test_span_objects_and_mapping_predictions_are_accepted():
    ev = evaluate_spans(GOLD, {"n1": [Span(12, 20, "NAME", 0.9, "r"), Span(24, 28, "DATE")]})
    assert ev.levels["span_exact"]["ALL"].tp == 2


def test_without_gold_text_token_level_is_absent_and_headline_falls_back():
    gold = [{"id": "x", "spans": [{"start": 0, "end": 4, "label": "NAME"}]}]
    ev = evaluate_spans(gold, [{"id": "x", "spans": [{"start": 1, "end": 3, "label": "NAME"}]}])
    assert "token" not in ev.levels and ev.headline_level == "span_overlap" and ev.recall == 1.0
    with pytest.raises(ConfigError, match="level"):
        ev.by_label("token")


def test_duplicate_gold_ids_and_spans_past_the_text_are_errors():
    with pytest.raises(InputError, match="more than once"):
        evaluate_spans(GOLD + GOLD, [])
    with pytest.raises(RecordError, match="bad_span"):
        _ev([{"start": 40, "end": 400, "label": "NAME"}])


def test_tables_per_record_and_json(tmp_path):
    ev = _ev([{"start": 12, "end": 15, "label": "NAME"}])
    df = ev.by_label("token")
    assert list(df.index)[-2:] == ["ALL_STRICT", "ALL"] and df.loc["NAME", "recall"] == 0.5
    pr = ev.per_record("token")
    assert list(pr.columns) == ["id", "tp", "fp", "fn", "n_gold", "n_pred"]
    assert pr.iloc[0][["tp", "fp", "fn"]].tolist() == [1, 0, 6]
    pr_name = ev.per_record("token", label="NAME")
    assert pr_name.iloc[0][["tp", "fn"]].tolist() == [1, 1]
    out = tmp_path / "ev.json"
    ev.to_json(out)
    d = json.loads(out.read_text())
    assert d["headline"]["recall"] == pytest.approx(1 / 7)
    assert TEXT[12:20] not in out.read_text()  # no record content in reports
    assert "<table" in ev._repr_html_()


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_prf_invariants_on_random_spans(data):
    n = 60
    text = "ab " * (n // 3)

    def spans():
        raw = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, 6), st.sampled_from(["NAME", "DATE"])), max_size=8))
        return [{"start": s, "end": min(n, s + w), "label": lab} for s, w, lab in raw if s + w <= n or s < n - 1]

    gold_spans = sorted(spans(), key=lambda s: s["start"])
    disjoint, end = [], -1
    for s in gold_spans:
        if s["start"] >= end and s["end"] > s["start"]:
            disjoint.append(s)
            end = s["end"]
    pred_spans = [s for s in spans() if s["end"] > s["start"]]
    ev = evaluate_spans([{"id": "r", "text": text, "spans": disjoint}], [{"id": "r", "spans": pred_spans}])
    for lvl, labs in ev.levels.items():
        for lab, prf in labs.items():
            assert 0 <= prf.tp_gold <= prf.n_gold and 0 <= prf.tp_pred <= prf.n_pred, (lvl, lab)
            assert prf.tp_gold <= prf.blind_tp_gold or lab in ("ALL",), (lvl, lab)
        assert labs["ALL_STRICT"].tp_gold <= labs["ALL"].tp_gold
    self_ev = evaluate_spans([{"id": "r", "text": text, "spans": disjoint}], [{"id": "r", "spans": disjoint}])
    assert all(p.recall in (1.0,) or math.isnan(p.recall) for p in self_ev.levels["token"].values())


def test_gold_jsonl_and_audit_readers(tmp_path):
    cohort = generate_cohort(n_patients=3, seed=2)
    paths = cohort.write(tmp_path)
    golds = read_gold(paths["notes"])
    assert [g["id"] for g in golds] == [n["id"] for n in cohort.notes]
    audit = tmp_path / "audit.jsonl"
    rows = [{"id": g["id"], "start": s["start"], "end": s["end"], "label": s["label"], "score": 0.9, "recognizer": "x"}
            for g in golds for s in g["spans"]]
    audit.write_text("".join(json.dumps(r) + "\n" for r in rows))
    preds = read_audit(audit)
    ev = evaluate_spans(golds, preds)
    assert ev.recall == 1.0 and ev.precision == 1.0
    assert read_audit(paths["notes"]).keys() == preds.keys()  # gold-format records work as predictions too
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "start": 1, "end": 3}\n{not json\n')
    with pytest.raises(RecordError, match="line 2"):
        read_audit(bad)


def test_presidio_research_reader_round_trip():
    raw = json.loads((DATA / "pii_synth_sample.json").read_text())
    docs = read_presidio_research(DATA / "pii_synth_sample.json", labels_map={})
    assert len(docs) == len(raw) == 100
    back = to_presidio_research(docs)
    for r, b in zip(raw, back):
        assert b["full_text"] == r["full_text"]
        key = lambda s: (s["start_position"], s["end_position"])  # noqa: E731
        assert sorted(({k: s[k] for k in ("entity_type", "entity_value", "start_position", "end_position")} for s in r["spans"]), key=key) == b["spans"]
        assert b["masked"].count("{{") == len(r["spans"])
    mapped = read_gold(DATA / "pii_synth_sample.json")  # auto-detected; TITLE and NRP dropped
    labels = {s["label"] for d in mapped for s in d["spans"]}
    assert "NAME" in labels and "TITLE" not in labels and "NRP" not in labels


def test_read_gold_errors(tmp_path):
    with pytest.raises(InputError):
        read_gold(tmp_path / "missing.jsonl")
    f = tmp_path / "g.jsonl"
    f.write_text(json.dumps({"id": "a", "text": "abc", "spans": [{"start": 0, "end": 9, "label": "NAME"}]}) + "\n")
    with pytest.raises(RecordError, match="line 1"):
        read_gold(f)
    with pytest.raises(ConfigError):
        read_gold(f, format="xml")


def test_span_table_breaks_recall_down_by_extra_gold_keys():
    gold = [{"id": "d", "text": "Ana Ruiz and Wei Chen", "spans": [
        {"start": 0, "end": 8, "label": "NAME", "origin": "hispanic"},
        {"start": 13, "end": 21, "label": "NAME", "origin": "east_asian"}]}]
    ev = evaluate_spans(gold, [{"id": "d", "spans": [{"start": 0, "end": 8, "label": "NAME"}, {"start": 13, "end": 16, "label": "NAME"}]}])
    t = ev.span_table().set_index("origin")
    assert t.loc["hispanic", "exact"] and t.loc["hispanic", "token_recall"] == 1.0
    assert not t.loc["east_asian", "exact"] and t.loc["east_asian", "found"] and t.loc["east_asian", "token_recall"] == 0.5
    assert list(t["id"]) == ["d", "d"] and "Ana" not in t.to_csv()


class _FakeDeid:
    def analyze(self, text):
        i = text.find("Ana")
        return [Span(i, i + 3, "NAME", 0.8, "fake")] if i >= 0 else []


def test_evaluate_deidentifier_times_and_scores():
    seen = []
    ev = evaluate_deidentifier(_FakeDeid(), GOLD, on_progress=seen.append)
    assert seen == [1] and ev.elapsed_s is not None and ev.docs_per_s and ev.docs_per_s > 0
    assert ev.levels["token"]["ALL"].tp == 1


def test_prf_addition():
    assert PRF(1, 2, 1, 1, 1) + PRF(3, 0, 2, 0, 3) == PRF(4, 2, 3, 1, 4)


@pytest.mark.skipif(not (SHARED / "data/pii-synth/synth_dataset_v2.json").exists(), reason="../shared is absent")
def test_full_pii_synth_reads_and_self_scores_perfectly():
    docs = read_gold(SHARED / "data/pii-synth/synth_dataset_v2.json")
    assert len(docs) == 1500
    ev = evaluate_spans(docs, docs)
    assert ev.recall == 1.0 and ev.levels["span_exact"]["ALL"].n_gold > 2000
