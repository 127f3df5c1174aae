"""The NER and classification tasks against the engine contract, driven by a tiny manual loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

from clinical_sft.ehr import ClassificationTask, EhrModel, build_task, expand_abbreviations, load_notes
from clinical_sft.ehr._tasks import EhrConfig
from clinical_sft.errors import ConfigError
from clinical_sft.training import Task
from tests.ehr.helpers import tiny_config, toy_notes


def _fit(task, ds, steps=60, lr=5e-3, bs=8):
    torch.manual_seed(0)
    model = task.build_model()
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    g = torch.Generator().manual_seed(0)
    for _ in range(steps):
        idx = torch.randint(len(ds), (bs,), generator=g).tolist()
        loss = task.loss(model, task.collate([ds[i] for i in idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def test_ner_task_learns_spans_in_long_windowed_notes():
    df = load_notes(toy_notes(16, long=True), "ner")
    task = build_task(tiny_config("ner", max_length=20, stride=6), df)
    assert isinstance(task, Task) and task.labels == ["O", "B-DATE", "I-DATE", "B-NAME", "I-NAME"]
    ds = task.make_dataset(df)
    assert len(ds) > 2 * ds.n_notes  # long notes are split into several windows
    batch = task.collate([ds[0], ds[1], ds[2]])
    for k in ("token_type_ids", "position_ids"):
        assert batch[k].shape == batch["input_ids"].shape  # explicit, with a batch dimension (opacus)
    model = _fit(task, ds, steps=50, lr=1e-2)
    model.eval()
    assert torch.allclose(task.per_record_loss(model, batch).mean(), task.loss(model, batch))
    m = EhrModel(task, model)
    preds = m.predict_dataset(ds)
    metrics = task.compute_metrics(preds)
    assert metrics["f1"] > 0.8 and {"NAME_f1", "DATE_f1", "precision", "recall"} <= set(metrics)
    table = task.predictions_table(preds)
    assert list(table.columns) == ["id", "tp", "fp", "fn"] and len(table) == len(df)
    assert table["tp"].sum() + table["fn"].sum() == sum(len(s) for s in df["spans"])
    out = m.predict(list(df["text"][:4]), ids=list(df["id"][:4]))
    gold = {(s["start"], s["end"], s["label"]) for s in df["spans"][0]}
    got = {(s["start"], s["end"], s["label"]) for s in out[0]["spans"]}
    assert len(gold & got) >= len(gold) - 1  # character spans in the original note


@pytest.mark.parametrize("problem", ["binary", "multiclass", "multilabel"])
def test_classification_metrics_match_sklearn(problem):
    notes = toy_notes(24)
    if problem == "multiclass":
        notes["label"] = [["low", "mid", "high"][i % 3] for i in range(len(notes))]
    if problem == "multilabel":
        notes["label"] = [["sepsis"] if i % 2 == 0 else (["aki", "sepsis"] if i % 3 else []) for i in range(len(notes))]
    df = load_notes(notes, "classify")
    task = build_task(tiny_config("classify"), df)
    assert task.problem == problem
    ds = task.make_dataset(df)
    model = _fit(task, ds, steps=10)
    preds = EhrModel(task, model).predict_dataset(ds)
    m = task.compute_metrics(preds)
    agg = task.aggregate(preds)
    probs = np.stack([agg[i]["prob"] for i in df["id"]])
    y = np.stack([np.asarray(agg[i]["target"]) for i in df["id"]])
    if problem == "binary":
        assert m["auroc"] == pytest.approx(roc_auc_score(y, probs[:, 1]))
        assert m["auprc"] == pytest.approx(average_precision_score(y, probs[:, 1]))
        assert m["f1"] == pytest.approx(f1_score(y, (probs[:, 1] >= 0.5).astype(int), zero_division=0))
        assert task.label_values == [0, 1]  # the positive class is second
    elif problem == "multiclass":
        assert m["auroc"] == pytest.approx(roc_auc_score(y, probs, multi_class="ovr"))
        assert np.allclose(probs.sum(1), 1)
    else:
        assert task.labels == ["aki", "sepsis"] and y.shape == (len(df), 2)
        assert m["f1"] == pytest.approx(f1_score(y, (probs >= 0.5).astype(int), average="micro", zero_division=0))
    assert 0 <= m["ece"] <= 1
    table = task.predictions_table(preds)
    assert list(table.columns) == ["id", "y_true", "y_score", "y_pred"] and len(table) == len(df)
    assert set(table["y_true"]) <= {0, 1}


def test_long_notes_pool_window_logits():
    df = load_notes(toy_notes(4, long=True), "classify")
    task = build_task(tiny_config("classify", max_length=16, stride=4, pooling="max"), df)
    ds = task.make_dataset(df)
    model = task.build_model().eval()
    preds = EhrModel(task, model).predict_dataset(ds)
    rid = df["id"][0]
    ws = [p["logits"] for p in preds if p["id"] == rid]
    assert len(ws) > 1
    pooled = np.max(np.stack(ws), 0)
    expect = np.exp(pooled - pooled.max()) / np.exp(pooled - pooled.max()).sum()
    np.testing.assert_allclose(task.aggregate(preds)[rid]["prob"], expect, rtol=1e-5)


def test_binary_labels_as_strings_keep_the_positive_class_second():
    t = ClassificationTask.infer(EhrConfig(task="classify"), ["yes", "no", "no"])
    assert t.label_values == ["no", "yes"]
    t = ClassificationTask.infer(EhrConfig(task="classify"), [True, False])
    assert t.label_values == [0, 1]


def test_config_is_validated_with_the_field_name():
    with pytest.raises(ConfigError, match="pooling"):
        EhrConfig(task="classify", pooling="median")
    with pytest.raises(ConfigError, match="task"):
        EhrConfig(task="segment")
    with pytest.raises(ConfigError, match="stride"):
        EhrConfig(max_length=16, stride=20)


def test_abbreviations_are_expanded_but_definitions_kept():
    text = "History of chronic obstructive pulmonary disease (COPD). COPD exacerbation today."
    out = expand_abbreviations(text)
    assert out == ("History of chronic obstructive pulmonary disease (COPD). chronic obstructive pulmonary disease "
                   "exacerbation today.")


def test_unknown_entity_types_at_prediction_are_ignored(tokenizer):
    df = load_notes(toy_notes(4), "ner")
    task = build_task(tiny_config("ner"), df)
    extra = df.copy()
    extra["spans"] = [s + [{"start": 0, "end": 4, "label": "HOSPITAL"}] for s in extra["spans"]]
    ds = task.make_dataset(pd.DataFrame(extra))
    assert all(max(it["labels"]) < len(task.labels) for it in ds)


@pytest.mark.parametrize("n", [1, -1])
def test_freeze_layers_leaves_the_head_and_upper_layers_trainable(n):
    df = load_notes(toy_notes(4), "classify")
    task = build_task(tiny_config("classify", freeze_layers=n), df)
    model = task.build_model()
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    assert not any(k.startswith("bert.embeddings") for k in trainable)
    assert not any(k.startswith("bert.encoder.layer.0.") for k in trainable)
    if n == 1:
        assert any(k.startswith("bert.encoder.layer.1.") for k in trainable) and "classifier.weight" in trainable
    else:
        assert trainable == {"classifier.weight", "classifier.bias"}  # a linear probe
    with pytest.raises(ConfigError, match="freeze_layers"):
        build_task(tiny_config("classify", freeze_layers=5), df).build_model()  # the tiny model has 2 layers
    with pytest.raises(ConfigError, match="freeze_layers"):
        tiny_config("classify", freeze_layers=1, lora=True)


def test_default_window_is_the_models_limit():
    df = load_notes(toy_notes(4), "classify")
    task = build_task(EhrConfig(task="classify", from_scratch=True,
                                config_overrides="hidden_size=32,num_hidden_layers=2,num_attention_heads=2,"
                                                 "intermediate_size=64,max_position_embeddings=128"), df)
    assert task.config.max_length is None and task.max_length == 128
    task = build_task(EhrConfig(task="classify", from_scratch=True, config_overrides="hidden_size=32,"
                                "num_hidden_layers=2,num_attention_heads=2,intermediate_size=64"), df)
    assert task.max_length == 512  # MiniLM's positions (BERT-like limit)
