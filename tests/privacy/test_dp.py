"""clinical_sft.privacy.dp: accounting against Google's dp-accounting, delta rules, model fixes."""

from __future__ import annotations

import pytest
from torch import nn

from clinical_sft.errors import ConfigError
from clinical_sft.privacy.dp import DPConfig, compute_epsilon, fix_model, max_steps_within_budget

dp_accounting = pytest.importorskip("dp_accounting")

CASES = [(0.01, 1.0, 1000, 1e-5), (0.05, 0.8, 200, 1e-5), (0.004, 1.5, 5000, 1e-6), (0.1, 2.0, 30, 1e-4)]


def _event(q: float, sigma: float, steps: int):
    return dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma)), steps)


@pytest.mark.parametrize(("q", "sigma", "steps", "delta"), CASES)
def test_rdp_epsilon_matches_dp_accounting(q, sigma, steps, delta):
    from dp_accounting import rdp

    orders = [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64)) + [128, 256]
    acc = rdp.RdpAccountant(orders)
    acc.compose(_event(q, sigma, steps))
    ref = acc.get_epsilon(delta)
    ours = compute_epsilon(noise_multiplier=sigma, sample_rate=q, steps=steps, delta=delta, accountant="rdp")
    assert ours == pytest.approx(ref, rel=0.01)


@pytest.mark.parametrize(("q", "sigma", "steps", "delta"), [CASES[0], CASES[2]])
def test_prv_epsilon_matches_dp_accounting_pld(q, sigma, steps, delta):
    from dp_accounting import pld

    acc = pld.PLDAccountant(value_discretization_interval=1e-4)
    acc.compose(_event(q, sigma, steps))
    ref = acc.get_epsilon(delta)
    ours = compute_epsilon(noise_multiplier=sigma, sample_rate=q, steps=steps, delta=delta, accountant="prv")
    assert ours == pytest.approx(ref, rel=0.01)


@pytest.mark.parametrize("accountant", ["rdp", pytest.param("prv", marks=pytest.mark.slow)])
def test_max_steps_is_the_exact_budget_boundary(accountant):
    kw = dict(noise_multiplier=1.0, sample_rate=0.02, delta=1e-5, accountant=accountant)
    k = max_steps_within_budget(target_epsilon=2.0, **kw)
    assert k > 0
    assert compute_epsilon(steps=k, **kw) <= 2.0
    # rdp: the exact boundary; prv: within its estimation error (the precise check may only lower k)
    beyond = k + 1 if accountant == "rdp" else int(k * 1.03) + 1
    assert compute_epsilon(steps=beyond, **kw) > 2.0


def test_default_delta_is_below_one_over_n():
    cfg = DPConfig(target_epsilon=8.0)
    assert cfg.resolve_delta(100) == 1e-5
    assert cfg.resolve_delta(10**7) == 1e-8 < 1e-7
    assert cfg.resolve_delta(10_000) == 1e-5


def test_delta_at_or_above_one_over_n_is_refused_with_explanation():
    with pytest.raises(ConfigError, match=r"1/N.*N=100"):
        DPConfig(target_epsilon=1.0, delta=0.01).resolve_delta(100)
    assert DPConfig(target_epsilon=1.0, delta=0.0099).resolve_delta(100) == 0.0099


@pytest.mark.parametrize("bad", [dict(target_epsilon=0), dict(target_epsilon=float("inf")),
                                 dict(target_epsilon=1, delta=1.5), dict(target_epsilon=1, max_grad_norm=0),
                                 dict(target_epsilon=1, accountant="gdp"), dict(target_epsilon=1, clipping="x"),
                                 dict(target_epsilon=1, grad_sample_mode="ghost", clipping="per_layer"),
                                 dict(target_epsilon=1, max_physical_batch_size=0)])
def test_config_validation_names_the_field(bad):
    with pytest.raises(ConfigError, match="DPConfig\\."):
        DPConfig(**bad)


def test_fix_model_reports_batchnorm_to_groupnorm():
    model = nn.Sequential(nn.Conv3d(1, 4, 3), nn.BatchNorm3d(4), nn.ReLU(), nn.Conv3d(4, 4, 3), nn.BatchNorm3d(4))
    fixed, report = fix_model(model)
    assert report.fixed and len(report.changes) == 2
    assert {c["to"] for c in report.changes} == {"GroupNorm"} and report.changes[0]["module"] == "1"
    assert "BatchNorm3d -> GroupNorm" in report.summary()
    assert not any(isinstance(m, nn.BatchNorm3d) for m in fixed.modules())
    ok, clean = fix_model(nn.Linear(2, 2))
    assert not clean.fixed and clean.changes == []
    with pytest.raises(ConfigError, match="fix_model=False"):
        fix_model(nn.BatchNorm1d(3), apply=False)
