"""The PHI tagger as a presidio recognizer of the text de-identifier (loaded with transformers only)."""

from __future__ import annotations

import pickle

import pytest
import torch

from clinical_sft.ehr import EhrModel, build_task, load_notes
from clinical_sft.privacy.ner_recognizer import PhiNerRecognizer
from tests.ehr.helpers import tiny_config, toy_notes


@pytest.fixture(scope="module")
def phi_model_dir(tmp_path_factory):
    torch.manual_seed(0)
    df = load_notes(toy_notes(16), "ner")
    task = build_task(tiny_config("ner", max_length=48), df)
    ds = task.make_dataset(df)
    model = task.build_model()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    for step in range(30):
        idx = [(step * 8 + i) % len(ds) for i in range(8)]
        loss = task.loss(model, task.collate([ds[i] for i in idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()
    out = tmp_path_factory.mktemp("phi") / "model"
    EhrModel(task, model.eval()).save_pretrained(out)
    return out


def test_recognizer_matches_the_ehr_model_and_maps_labels(phi_model_dir):
    rec = PhiNerRecognizer(phi_model_dir, min_score=0.0, label_map={"NAME": "NAME", "DATE": "DATE"})
    assert rec.supported_entities == ["DATE", "NAME"]
    m = EhrModel.from_pretrained(phi_model_dir)
    texts = list(toy_notes(6, seed=3)["text"])
    expect = [[(s["start"], s["end"], s["label"]) for s in r["spans"]] for r in m.predict(texts)]
    got = [[(s, e, lab) for s, e, lab, _ in rec.find(t)] for t in texts]
    assert got == expect
    assert any(got)  # the tiny model did learn something
    results = rec.analyze(texts[0], entities=["NAME"])
    assert all(r.entity_type == "NAME" for r in results)
    mapped = PhiNerRecognizer(phi_model_dir, min_score=0.0, label_map={"NAME": "PERSON"})
    assert "PERSON" in mapped.supported_entities


def test_long_notes_are_windowed_and_offsets_stay_in_the_original_text(phi_model_dir):
    rec = PhiNerRecognizer(phi_model_dir, min_score=0.0, max_length=16, stride=4)
    text = " ".join(toy_notes(4, seed=5, long=True)["text"])
    spans = rec.find(text)
    assert spans and all(0 <= s < e <= len(text) for s, e, _, _ in spans)
    assert all(text[s:e].strip() == text[s:e] for s, e, _, _ in spans)
    clone = pickle.loads(pickle.dumps(rec))  # picklable for corpus-job workers; reloads lazily
    assert clone.find(text) == spans


def test_deidentifier_uses_the_tagger_with_ner_model(phi_model_dir):
    from clinical_sft.privacy import DeidConfig, Deidentifier

    note = toy_notes(2, seed=9)["text"][0]
    with_ner = Deidentifier(DeidConfig(recognizers=(), ner_model=str(phi_model_dir), min_score=0.0)).load()
    spans = with_ner.analyze(note)
    from_ner = [s for s in spans if s.recognizer == "PhiNerRecognizer"]
    assert from_ner and {s.label for s in from_ner} <= {"NAME", "DATE"}


def test_a_missing_model_is_a_clear_error(tmp_path):
    from clinical_sft.errors import ModelNotFoundError

    with pytest.raises(ModelNotFoundError, match="ehr train --task ner"):
        PhiNerRecognizer(tmp_path)
