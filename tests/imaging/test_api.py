"""Device defaults: patch fitted to the image, epochs from a step budget, the network's learning rate."""

from __future__ import annotations

import pytest

from clinical_sft.errors import ConfigError
from clinical_sft.imaging import default_settings


def test_cpu_segmentation_defaults_fit_the_image_and_the_step_budget():
    d = default_settings("cpu", (32, 32, 32), n_train=9)
    assert d["patch_size"] == (24, 24, 24)  # <= 3/4 of the image: random crops move
    assert (d["batch_size"], d["num_samples"], d["size"], d["learning_rate"]) == (1, 4, "small", 1e-2)
    assert d["epochs"] == 34  # ~300 optimizer steps of one volume
    big = default_settings("cpu", (256, 256, 120), n_train=500)
    assert big["patch_size"] == (32, 32, 32) and big["epochs"] == 10  # at least 10 epochs
    assert default_settings("cpu", (20, 20, 20))["patch_size"] == (16, 16, 16)  # never below 16
    assert default_settings("cpu", net="segresnet")["learning_rate"] == 2e-3


def test_cpu_classification_defaults():
    d = default_settings("cpu", (24, 24, 24), task="classification", n_train=40)
    assert d["patch_size"] == (32, 32, 32)  # DenseNet121 needs 32 per axis
    assert (d["batch_size"], d["num_samples"]) == (8, 1) and d["epochs"] == 60  # 300 steps of 8 volumes
    assert default_settings("cpu", (64, 64, 64), task="classification")["patch_size"] == (32, 32, 32)
    with pytest.raises(ConfigError, match="task"):
        default_settings("cpu", task="detection")


def test_gpu_defaults_are_larger():
    d = default_settings("cuda", (200, 200, 150), n_train=100)
    assert d["device"] == "cuda" and d["size"] == "base" and d["patch_size"] == (96, 96, 96)
    assert d["batch_size"] == 2 and d["epochs"] == 80  # 4000 steps of 2 volumes
