"""The shared DP options of the training commands and the dataset fingerprint."""

from __future__ import annotations

import pytest
import torch
import typer
from typer.testing import CliRunner

from clinical_sft.errors import ConfigError
from clinical_sft.training import DPConfig, fingerprint_dataset, load_trained
from clinical_sft.training._cli_options import (
    DpAccountantOpt,
    DpDeltaOpt,
    DpEpsilonOpt,
    MaxGradNormOpt,
    dp_config_from_options,
)


def _app(seen):
    app = typer.Typer()

    @app.command()
    def train(dp_epsilon: DpEpsilonOpt = None, dp_delta: DpDeltaOpt = None, max_grad_norm: MaxGradNormOpt = 1.0,
              dp_accountant: DpAccountantOpt = "prv") -> None:
        seen.append(dp_config_from_options(dp_epsilon, dp_delta, max_grad_norm, dp_accountant))

    return app


def test_options_build_a_dpconfig_or_none():
    seen: list = []
    r = CliRunner().invoke(_app(seen), ["--dp-epsilon", "8", "--dp-delta", "1e-6", "--max-grad-norm", "0.5",
                                        "--dp-accountant", "rdp"])
    assert r.exit_code == 0, r.output
    assert seen[-1] == DPConfig(target_epsilon=8.0, delta=1e-6, max_grad_norm=0.5, accountant="rdp")
    assert CliRunner().invoke(_app(seen), []).exit_code == 0 and seen[-1] is None
    with pytest.raises(ConfigError, match="--dp-epsilon"):
        dp_config_from_options(None, 1e-6)
    with pytest.raises(ConfigError, match="accountant"):
        dp_config_from_options(1.0, dp_accountant="moments")


def test_fingerprint_is_stable_and_content_sensitive():
    items = [{"x": torch.tensor([1.0, 2.0]), "y": torch.tensor(1), "text": "a"}] * 3
    a, b = fingerprint_dataset(items), fingerprint_dataset(list(items))
    assert a == b and a["n"] == 3 and a["method"] == "items"
    changed = items[:2] + [{"x": torch.tensor([1.0, 2.5]), "y": torch.tensor(1), "text": "a"}]
    assert fingerprint_dataset(changed)["sha256"] != a["sha256"]

    class WithData(list):
        data = [{"image": "a.nii.gz"}, {"image": "b.nii.gz"}]

    assert fingerprint_dataset(WithData([0, 1]))["method"] == "data"
    assert fingerprint_dataset(None)["n"] == 0


def test_load_trained_names_what_is_missing(tmp_path, monkeypatch):
    from clinical_sft.errors import ModelNotFoundError
    from clinical_sft.training import registry

    monkeypatch.setattr(registry, "_PLUGIN_MODULES", ())  # don't import the modalities (slow) here

    with pytest.raises(ModelNotFoundError, match="run.json"):
        load_trained(tmp_path)
    (tmp_path / "run.json").write_text('{"task": "no-such-task"}')
    with pytest.raises(ConfigError, match="register_task"):
        load_trained(tmp_path)
