"""The PHI token tagger that runs after the rules: training, weights files, and its place in the pipeline."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from typer.testing import CliRunner

from clinical_sft.cli import app
from clinical_sft.data.synthetic import generate_cohort
from clinical_sft.errors import ConfigError, ModelNotFoundError
from clinical_sft.privacy import DeidConfig, Deidentifier
from clinical_sft.privacy.recognizers import PhiTagger, train_tagger
from clinical_sft.privacy.recognizers._tagger import (
    DEFAULT_HIDDEN,
    DEFAULT_MIN_PROB,
    TAGGER_CLASSES,
    default_tagger_path,
    rules_fingerprint,
)


@pytest.fixture(scope="module")
def rules() -> Deidentifier:
    return Deidentifier(DeidConfig(tagger=False)).load()


@pytest.fixture(scope="module")
def deid() -> Deidentifier:
    return Deidentifier().load()


@pytest.fixture(scope="module")
def cohort_docs() -> list[dict]:
    return [{"id": n["id"], "text": n["text"], "spans": n["spans"]} for n in generate_cohort(40, seed=7).notes]


def _found(d: Deidentifier):
    return lambda text: [(s.start, s.end, s.label, s.score) for s in d.analyze(text)]


# a relative's first name that is also a common word, after a role the rules do not read as a name context
_RULE_MISS = "CM GRACE TO F/U RE: REHAB BEDS"


def test_shipped_tagger_adds_a_name_the_rules_miss(deid, rules):
    assert [s for s in rules.analyze(_RULE_MISS) if _RULE_MISS[s.start:s.end] == "GRACE"] == []
    hits = [s for s in deid.analyze(_RULE_MISS) if _RULE_MISS[s.start:s.end] == "GRACE"]
    assert len(hits) == 1 and hits[0].recognizer == "phi_tagger" and hits[0].label == "NAME"
    assert DeidConfig().tagger_min_prob <= hits[0].score <= 1.0


@pytest.mark.parametrize("text", [
    "NEURO: A+OX3, MAE, FOLLOWS COMMANDS. CV: NSR 80S, SBP 110-130 ON LEVOPHED 0.05. RESP: 2L NC, SATS 97%.",
    "Plan: continue lasix 40 iv bid, recheck lytes in am, wean propofol as tolerated, OOB to chair.",
    "GI: TF AT GOAL 60CC/HR VIA DOBHOFF, +BS, NO BM. GU: FOLEY DRAINING CLEAR YELLOW URINE 50-100CC/HR.",
])
def test_shipped_tagger_leaves_clinical_text_alone(deid, text):
    assert [(text[s.start:s.end], s.recognizer) for s in deid.analyze(text)] == []


def test_shipped_weights_are_a_safetensors_file_of_the_right_shape():
    from safetensors import safe_open

    with safe_open(str(default_tagger_path()), framework="numpy") as fh:
        meta = fh.metadata()
        assert set(fh.keys()) == {"weights", "bias", "hidden", "hidden_bias", "out_weight", "out_bias"}
        assert fh.get_tensor("weights").shape == (len(TAGGER_CLASSES), 1 << 18)
        units = fh.get_tensor("hidden").shape[1]
        assert fh.get_tensor("hidden").shape == (1 << 18, units) and units == DEFAULT_HIDDEN
        assert fh.get_tensor("out_weight").shape == (len(TAGGER_CLASSES), 3 * units)
    info = json.loads(meta["info"])
    assert info["notes"] > 5000 and info["phi_tokens"] > 10000
    # the benchmark's held-out sets are not in the training data
    held = ("w152_", "w159_", "w184_", "w191_", "w192_", "w199_", "w216_", "w223_", "w232_", "w239_", "w248_", "w255_", "w280_", "w287_", "w92_", "w95_")
    assert not any(f.startswith(held) for f in info["gold_files"])


def test_shipped_weights_were_trained_with_the_current_rules():
    # the rules' output is one of the tagger's features: after changing a recognizer or a word list, run `make tagger`
    assert PhiTagger.load().info.get("rules_fingerprint") == rules_fingerprint(), "retrain the tagger: make tagger"


def test_train_save_load_roundtrip(tmp_path, cohort_docs, rules):
    tagger = train_tagger(cohort_docs, _found(rules), max_iter=5)
    assert tagger.info["notes"] == len(cohort_docs) and tagger.info["phi_tokens"] > 0
    path = tagger.save(tmp_path / "t.safetensors")
    again = PhiTagger.load(path)
    text = cohort_docs[0]["text"]
    found = _found(rules)(text)
    toks, p1 = tagger.phi_probability(text, found)
    _, p2 = again.phi_probability(text, found)
    assert len(toks) == len(p1) and np.allclose(p1, p2, atol=2e-2)  # weights are stored as float16
    # trained on these notes, it scores their gold tokens higher than the rest
    gold = {i for i, (s, e) in enumerate(toks) for g in cohort_docs[0]["spans"] if s < g["end"] and g["start"] < e}
    other = [p1[i] for i in range(len(toks)) if i not in gold]
    assert gold and float(np.mean([p1[i] for i in gold])) > float(np.mean(other)) + 0.3


def test_linear_tagger_trains_and_roundtrips(tmp_path, cohort_docs, rules):
    tagger = train_tagger(cohort_docs, _found(rules), hidden=0, max_iter=5)
    assert tagger.hidden is None and tagger.info["max_iter"] == 5
    again = PhiTagger.load(tagger.save(tmp_path / "lin.safetensors"))
    assert again.hidden is None
    text = cohort_docs[1]["text"]
    assert np.allclose(tagger.phi_probability(text, _found(rules)(text))[1],
                       again.phi_probability(text, _found(rules)(text))[1], atol=2e-2)


def test_hidden_layer_shapes_are_checked():
    k = len(TAGGER_CLASSES)
    layer = {"hidden": np.zeros((1 << 18, 4)), "hidden_bias": np.zeros(4), "out_weight": np.zeros((k, 12)),
             "out_bias": np.zeros(k)}
    assert PhiTagger(np.zeros((k, 1 << 18)), np.zeros(k), hidden=layer).hidden is not None
    with pytest.raises(ConfigError, match="hidden layer"):
        PhiTagger(np.zeros((k, 1 << 18)), np.zeros(k), hidden={**layer, "out_weight": np.zeros((k, 4))})


def test_rooms_beds_and_floors_by_number_are_not_added():
    weights = np.zeros((len(TAGGER_CLASSES), 1 << 18), dtype=np.float32)
    bias = np.array([-5.0, 0, 0, 2.0, 0, 0], dtype=np.float32)  # every token is a HOSPITAL
    text = "TO FLOOR 4 WHEN BED 12 READY, RM #7"
    added = [text[s:e] for s, e, _, _ in PhiTagger(weights, bias).find(text, found=[])]
    assert not {"4", "12", "7"} & {w for a in added for w in a.replace("#", " ").split()}
    assert "FLOOR" in " ".join(added)  # the words themselves are left to the model


def test_find_joins_adjacent_tokens_and_skips_covered_ones():
    weights = np.zeros((len(TAGGER_CLASSES), 1 << 18), dtype=np.float32)
    bias = np.array([-5.0, 2.0, 0, 0, 0, 0], dtype=np.float32)  # every token is a NAME
    tagger = PhiTagger(weights, bias)
    text = "MARY ANN O'NEIL, 5/2"
    i = text.index("5/2")
    hits = tagger.find(text, found=[(i, i + 3, "DATE", 1.0)])
    assert [(text[s:e], label) for s, e, label, _ in hits] == [("MARY ANN O'NEIL", "NAME")]
    assert tagger.find(text, found=[], min_prob=1.0) == []


def test_load_refuses_what_is_not_a_weights_file(tmp_path):
    with pytest.raises(ModelNotFoundError, match="make tagger"):
        PhiTagger.load(tmp_path / "missing.safetensors")
    bad = tmp_path / "evil.safetensors"
    bad.write_bytes(pickle.dumps({"weights": "MARY O'NEIL"}))
    with pytest.raises(ModelNotFoundError) as err:
        PhiTagger.load(bad)
    assert "evil.safetensors" in str(err.value) and "MARY" not in str(err.value)


def test_load_refuses_another_feature_version(tmp_path):
    from safetensors.numpy import save_file

    p = tmp_path / "old.safetensors"
    save_file({"weights": np.zeros((6, 1 << 18), np.float16), "bias": np.zeros(6, np.float32)}, str(p),
              metadata={"feature_version": "0"})
    with pytest.raises(ModelNotFoundError, match="retrain"):
        PhiTagger.load(p)


def test_config_checks_and_switch():
    with pytest.raises(ConfigError):
        DeidConfig(tagger_min_prob=0.0)
    with pytest.raises(ConfigError):
        PhiTagger(np.zeros((2, 3)), np.zeros(2))
    assert Deidentifier(DeidConfig(tagger=False)).load()._tagger is None


def test_cli_train_tagger_writes_weights_and_no_phi(tmp_path, cohort_docs):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(d) + "\n" for d in cohort_docs[:12]), encoding="utf-8")
    out = tmp_path / "w" / "tagger.safetensors"
    r = CliRunner().invoke(app, ["deid", "train-tagger", str(gold), "--out", str(out), "--max-iter", "3",
                                 "--no-progress"])
    assert r.exit_code == 0, r.output
    assert PhiTagger.load(out).info["notes"] == 12
    phi = {d["text"][s["start"]:s["end"]] for d in cohort_docs[:12] for s in d["spans"]}
    assert not [p for p in phi if len(p) > 3 and p in r.output]
    # the weights are used by `deid text`
    src = tmp_path / "notes.jsonl"
    src.write_text(json.dumps({"id": "n1", "text": _RULE_MISS}) + "\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["deid", "text", str(src), "--out", str(tmp_path / "o"), "--tagger-weights",
                                 str(out), "--no-progress"])
    assert r.exit_code == 0, r.output
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert "phi_tagger" in manifest["recognizers"]
    assert manifest["tagger_min_prob"] == DeidConfig().tagger_min_prob  # the library's default
    r = CliRunner().invoke(app, ["deid", "text", str(src), "--out", str(tmp_path / "o3"), "--tagger-min-prob", "0.3",
                                 "--no-progress"])
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "o3" / "manifest.json").read_text())["tagger_min_prob"] == 0.3
    r = CliRunner().invoke(app, ["deid", "text", str(src), "--out", str(tmp_path / "o2"), "--no-tagger",
                                 "--no-progress"])
    assert r.exit_code == 0, r.output
    assert "phi_tagger" not in json.loads((tmp_path / "o2" / "manifest.json").read_text())["recognizers"]


def test_cli_train_tagger_with_nothing_left_fails_clearly(tmp_path):
    gold = tmp_path / "w1_gold.jsonl"
    gold.write_text(json.dumps({"id": "a", "text": "x", "spans": []}) + "\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["deid", "train-tagger", str(gold), "--out", str(tmp_path / "t.safetensors"),
                                 "--exclude", "^w1_"])
    assert r.exit_code != 0


def test_analyze_at_runs_the_rules_once_for_every_threshold(deid, rules):
    text = _RULE_MISS + " DTR ROSE CALLED 3/14, WILL VISIT FROM LOWELL."
    at = deid.analyze_at(text, [deid.config.tagger_min_prob, 1.0, 0.01])
    assert at[0] == deid.analyze(text)
    assert at[1] == rules.analyze(text)  # nothing is that sure: the rules alone
    as_set = [{(s.start, s.end) for s in spans} for spans in at]
    assert "GRACE" in [text[s:e] for s, e in as_set[0]] and as_set[1] <= as_set[0]
    assert all(any(s <= a and b <= e for s, e in as_set[2]) for a, b in as_set[0])  # a lower threshold adds
    assert rules.analyze_at(text, [0.1, 0.9]) == [rules.analyze(text)] * 2  # no tagger: one answer
    with pytest.raises(ConfigError):
        deid.analyze_at(text, [0.0])


def test_cli_eval_tagger_sweep(tmp_path, cohort_docs):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(d) + "\n" for d in cohort_docs[:8]), encoding="utf-8")
    out = tmp_path / "sweep.json"
    r = CliRunner().invoke(app, ["deid", "eval", "--gold", str(gold), "--tagger-sweep", "1.0", "--tagger-sweep",
                                 str(DEFAULT_MIN_PROB), "--tagger-sweep", "0.3", "--out", str(out)])
    assert r.exit_code == 0, r.output
    res = json.loads(out.read_text())
    assert list(res) == sorted([str(DEFAULT_MIN_PROB), "0.3", "1"], key=float)
    # the same numbers as one evaluation at that threshold
    one = tmp_path / "one.json"
    assert CliRunner().invoke(app, ["deid", "eval", "--gold", str(gold), "--out", str(one)]).exit_code == 0
    assert res[str(DEFAULT_MIN_PROB)]["levels"]["token"] == json.loads(one.read_text())["levels"]["token"]
    phi = {d["text"][s["start"]:s["end"]] for d in cohort_docs[:8] for s in d["spans"]}
    assert not [p for p in phi if len(p) > 3 and p in r.output]
    r = CliRunner().invoke(app, ["deid", "eval", "--gold", str(gold), "--pred", str(gold), "--tagger-sweep", "0.1"])
    assert r.exit_code != 0
