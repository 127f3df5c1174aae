"""Differentially private training on opacus: configuration, model fixes and an enforced budget.

The training engine (:mod:`clinical_sft.training`) switches DP on with a :class:`DPConfig`; this module
does the opacus part around it ("wrap, don't fork"): ``ModuleValidator`` fixes with a readable report,
``PrivacyEngine.make_private_with_epsilon`` (or ``make_private`` with an explicit noise multiplier),
ghost clipping where the model allows it, ``BatchMemoryManager`` for large logical batches, and an
exact budget: the number of optimizer steps the accountant allows for ``(noise, sample_rate, delta)``
is computed up front with the same accountant, and the engine never takes a step past it.

Example
-------
>>> from clinical_sft.privacy.dp import DPConfig
>>> cfg = DPConfig(target_epsilon=8.0)
>>> cfg.resolve_delta(10_000)
1e-05
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import torch
from torch import nn

from clinical_sft.errors import ConfigError, PrivacyBudgetExceeded

__all__ = [
    "DPConfig",
    "DPSession",
    "FixReport",
    "compute_epsilon",
    "fix_model",
    "max_steps_within_budget",
]

logger = logging.getLogger(__name__)

_ACCOUNTANTS = ("prv", "rdp")
_CLIPPING = ("flat", "per_layer")
_GSM = ("hooks", "ghost", "auto")


@dataclass(frozen=True)
class DPConfig:
    """Differential-privacy settings of a training run (opacus underneath).

    Parameters
    ----------
    target_epsilon
        The privacy budget epsilon for the whole run (> 0). Training never reports more.
    delta
        Target delta. ``None`` picks ``min(1e-5, 1 / (10 N))`` for a training set of N records;
        a delta ``>= 1/N`` is refused (it would allow releasing a whole record).
    max_grad_norm
        Per-sample gradient clipping bound C (> 0).
    accountant
        ``"prv"`` (tightest, default) or ``"rdp"``.
    poisson_sampling
        Poisson (uniform with replacement) batch sampling, which the accounting assumes. Keep it on.
    clipping
        ``"flat"`` (one bound over all parameters) or ``"per_layer"`` (the bound split evenly).
    grad_sample_mode
        ``"hooks"`` (opacus per-sample gradients), ``"ghost"`` (fast gradient clipping; needs the task's
        ``per_record_loss`` and flat clipping) or ``"auto"`` (ghost where possible, else hooks, logged).
    max_physical_batch_size
        Largest batch put through the model at once; logical batches bigger than this are split by
        opacus' ``BatchMemoryManager`` (this is how gradient accumulation works under DP).
    noise_multiplier
        Fix sigma instead of calibrating it to ``target_epsilon`` over the run's epochs; the budget is
        then enforced by stopping training before epsilon would pass the target.
    fix_model
        Replace layers opacus cannot train privately (BatchNorm -> GroupNorm, ...) automatically.
    secure_mode
        Use a cryptographically secure RNG for noise and sampling (slower, not reproducible).

    Examples
    --------
    >>> DPConfig(target_epsilon=1.0, accountant="rdp").accountant
    'rdp'
    """

    target_epsilon: float
    delta: float | None = None
    max_grad_norm: float = 1.0
    accountant: Literal["prv", "rdp"] = "prv"
    poisson_sampling: bool = True
    clipping: Literal["flat", "per_layer"] = "flat"
    grad_sample_mode: Literal["hooks", "ghost", "auto"] = "auto"
    max_physical_batch_size: int | None = None
    noise_multiplier: float | None = None
    fix_model: bool = True
    secure_mode: bool = False

    def __post_init__(self) -> None:
        if not (isinstance(self.target_epsilon, int | float) and math.isfinite(self.target_epsilon)
                and self.target_epsilon > 0):
            raise ConfigError(f"DPConfig.target_epsilon must be a finite number > 0, got {self.target_epsilon!r}")
        if self.delta is not None and not (0 < self.delta < 1):
            raise ConfigError(f"DPConfig.delta must be in (0, 1) or None, got {self.delta!r}")
        if not self.max_grad_norm > 0:
            raise ConfigError(f"DPConfig.max_grad_norm must be > 0, got {self.max_grad_norm!r}")
        if self.accountant not in _ACCOUNTANTS:
            raise ConfigError(f"DPConfig.accountant must be one of {_ACCOUNTANTS}, got {self.accountant!r}")
        if self.clipping not in _CLIPPING:
            raise ConfigError(f"DPConfig.clipping must be one of {_CLIPPING}, got {self.clipping!r}")
        if self.grad_sample_mode not in _GSM:
            raise ConfigError(f"DPConfig.grad_sample_mode must be one of {_GSM}, got {self.grad_sample_mode!r}")
        if self.grad_sample_mode == "ghost" and self.clipping != "flat":
            raise ConfigError("DPConfig.grad_sample_mode='ghost' supports only clipping='flat'")
        if self.max_physical_batch_size is not None and self.max_physical_batch_size < 1:
            raise ConfigError(f"DPConfig.max_physical_batch_size must be >= 1, got {self.max_physical_batch_size!r}")
        if self.noise_multiplier is not None and not self.noise_multiplier > 0:
            raise ConfigError(f"DPConfig.noise_multiplier must be > 0 or None, got {self.noise_multiplier!r}")

    def resolve_delta(self, n_records: int) -> float:
        """The delta for a training set of ``n_records``; refuses ``delta >= 1/N``.

        Raises
        ------
        ConfigError
            If the explicit delta is not below ``1/N``.
        """
        if n_records < 1:
            raise ConfigError("DP training needs a non-empty training set")
        if self.delta is None:
            return min(1e-5, 1.0 / (10 * n_records))
        if self.delta >= 1.0 / n_records:
            raise ConfigError(
                f"DPConfig.delta={self.delta:g} is >= 1/N = {1.0 / n_records:g} for N={n_records} training records. "
                "(epsilon, delta)-DP with delta >= 1/N allows a mechanism that publishes a random record in the "
                f"clear; use a delta well below 1/N, e.g. {min(1e-5, 1.0 / (10 * n_records)):g} (the default)."
            )
        return float(self.delta)

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view."""
        return asdict(self)


# --------------------------------------------------------------------------------------------- accounting
def _accountant(mechanism: str) -> Any:
    from opacus.accountants import create_accountant

    return create_accountant(mechanism=mechanism)


def _epsilon_of_history(history: list[tuple[float, float, int]], delta: float, accountant: str,
                        precise: bool = True) -> float:
    """Epsilon of an accountant history. For PRV, ``precise`` tightens opacus' default absolute error
    (0.01) to 0.2% of epsilon, so small budgets are reported to better than 1%."""
    if not history:
        return 0.0
    acc = _accountant(accountant)
    acc.history = [tuple(h) for h in history]
    eps = float(acc.get_epsilon(delta=delta))
    if precise and accountant == "prv" and eps > 0:
        err = max(1e-4, 2e-3 * eps)
        if err < 0.01:
            eps = float(acc.get_epsilon(delta=delta, eps_error=err))
    return eps


def compute_epsilon(
    *, noise_multiplier: float, sample_rate: float, steps: int, delta: float, accountant: str = "prv"
) -> float:
    """Epsilon of ``steps`` Poisson-subsampled Gaussian steps, as opacus' accountant computes it.

    Examples
    --------
    >>> round(compute_epsilon(noise_multiplier=1.0, sample_rate=0.01, steps=1000, delta=1e-5,
    ...                       accountant="rdp"), 2)
    2.1
    """
    if steps <= 0:
        return 0.0
    return _epsilon_of_history([(float(noise_multiplier), float(sample_rate), int(steps))], delta, accountant)


def max_steps_within_budget(
    *,
    noise_multiplier: float,
    sample_rate: float,
    delta: float,
    target_epsilon: float,
    accountant: str = "prv",
    upper: int = 1 << 22,
    start: int = 0,
) -> int:
    """Largest number of steps whose epsilon stays ``<= target_epsilon``.

    Epsilon grows with the number of steps, so a binary search with the accountant itself is exact; for
    PRV the boundary is checked again with the precise estimate :func:`compute_epsilon` reports, so the
    reported epsilon never exceeds the target either.
    """
    def eps(k: int, precise: bool = False) -> float:
        return _epsilon_of_history([(noise_multiplier, sample_rate, k)], delta, accountant, precise) if k else 0.0

    lo, hi = 0, 1
    if start > 0 and eps(start) <= target_epsilon:  # gallop up from a known-good count (the planned steps)
        lo, gap = start, 1
        while lo + gap < upper and eps(lo + gap) <= target_epsilon:
            lo, gap = lo + gap, gap * 2
        hi = min(lo + gap, upper)
    else:
        while hi < upper and eps(hi) <= target_epsilon:
            lo, hi = hi, hi * 2
    if hi >= upper and eps(upper) <= target_epsilon:
        lo = hi = upper
    while hi - lo > 1:  # eps(lo) <= target < eps(hi)
        mid = (lo + hi) // 2
        if eps(mid) <= target_epsilon:
            lo = mid
        else:
            hi = mid
    while lo > 0 and accountant == "prv" and eps(lo, precise=True) > target_epsilon:
        lo -= 1
    return lo


# --------------------------------------------------------------------------------------------- model fixes
@dataclass(frozen=True)
class FixReport:
    """What ``ModuleValidator`` found and what :func:`fix_model` changed.

    Attributes
    ----------
    errors
        Opacus' validation messages before the fix (one per offending module).
    changes
        ``{"module": dotted name, "from": old class, "to": new class}`` per replaced module.
    fixed
        Whether the model was changed.
    """

    errors: list[str] = field(default_factory=list)
    changes: list[dict[str, str]] = field(default_factory=list)
    fixed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view (stored in ``run.json``)."""
        return {"errors": list(self.errors), "changes": list(self.changes), "fixed": self.fixed}

    def summary(self) -> str:
        """One readable line per change."""
        if not self.changes:
            return "model is DP-compatible as is" if not self.errors else "; ".join(self.errors)
        return "; ".join(f"{c['module']}: {c['from']} -> {c['to']}" for c in self.changes)


def _first_sentence(err: Exception) -> str:
    text = str(err)
    return text.split(". ")[0].rstrip(".") + "."


def fix_model(model: nn.Module, *, apply: bool = True) -> tuple[nn.Module, FixReport]:
    """Validate ``model`` for opacus and (if ``apply``) replace incompatible layers.

    BatchNorm becomes GroupNorm, LSTM becomes opacus' DPLSTM, ... (opacus' ``ModuleValidator.fix``).

    Raises
    ------
    ConfigError
        If the model stays incompatible (or ``apply`` is false and it is incompatible).

    Examples
    --------
    >>> m = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4))
    >>> fixed, report = fix_model(m)
    >>> report.changes[0]["to"]
    'GroupNorm'
    """
    from opacus.validators import ModuleValidator

    errors = [_first_sentence(e) for e in ModuleValidator.validate(model, strict=False)]
    if not errors:
        return model, FixReport()
    if not apply:
        raise ConfigError("model is not DP-compatible (DPConfig.fix_model=False): " + "; ".join(errors))
    before = {name: type(m).__name__ for name, m in model.named_modules()}
    fixed = ModuleValidator.fix(model)
    after = {name: type(m).__name__ for name, m in fixed.named_modules()}
    changes = [
        {"module": name or "<root>", "from": cls, "to": after[name]}
        for name, cls in before.items()
        if name in after and after[name] != cls
    ]
    remaining = [str(e) for e in ModuleValidator.validate(fixed, strict=False)]
    if remaining:
        raise ConfigError("model is not DP-compatible even after ModuleValidator.fix: " + "; ".join(remaining))
    report = FixReport(errors=errors, changes=changes, fixed=True)
    logger.info("DP model fix: %s", report.summary())
    return fixed, report


# --------------------------------------------------------------------------------------------- session
class DPSession:
    """The opacus side of one private training run; the engine keeps its loop.

    Parameters
    ----------
    config
        The run's :class:`DPConfig`.
    n_records
        Training-set size N (for the default delta and the ``delta < 1/N`` check).

    Notes
    -----
    Call :meth:`attach` once with the plain model/optimizer/loader; it returns the private versions.
    Before each optimizer step the engine asks :meth:`can_step`; :meth:`state_dict` /
    :meth:`load_state_dict` carry the accountant history across a resume so that resumed accounting
    equals an uninterrupted run.
    """

    def __init__(self, config: DPConfig, n_records: int) -> None:
        self.config = config
        self.n_records = int(n_records)
        self.delta = config.resolve_delta(self.n_records)
        self.engine: Any = None
        self.optimizer: Any = None
        self.noise_multiplier: float | None = None
        self.sample_rate: float | None = None
        self.max_steps: int | None = None
        self.grad_sample_mode: str = "hooks"
        self.mode_reason: str = ""
        self.fix_report = FixReport()
        self.stopped_reason: str | None = None

    # -- set-up
    def prepare_model(self, model: nn.Module) -> nn.Module:
        """Apply the ModuleValidator fix (recorded in :attr:`fix_report`); returns the model to train."""
        model, self.fix_report = fix_model(model, apply=self.config.fix_model)
        return model

    def choose_mode(self, task: Any, distributed: bool) -> str:
        """Pick hooks or ghost clipping for ``task``; the reason is kept for ``run.json``."""
        want = self.config.grad_sample_mode
        has_prl = callable(getattr(task, "per_record_loss", None))
        if want == "hooks":
            mode, reason = "hooks", "requested"
        elif not has_prl:
            mode, reason = "hooks", "ghost clipping needs the task's per_record_loss(model, batch); task has none"
        elif self.config.clipping != "flat":
            mode, reason = "hooks", "ghost clipping supports only flat clipping"
        else:
            mode, reason = "ghost", "requested" if want == "ghost" else "auto: task gives per-record losses"
        if want == "ghost" and mode != "ghost":
            logger.warning("DP: ghost clipping unavailable, using hooks (%s)", reason)
        else:
            logger.info("DP: grad_sample_mode=%s (%s)", mode, reason)
        self.grad_sample_mode, self.mode_reason = mode, reason
        return mode

    def attach(
        self,
        model: nn.Module,
        optimizer: torch.optim.Optimizer,
        loader: torch.utils.data.DataLoader,
        *,
        epochs: int,
        distributed: bool = False,
        prior_history: list[tuple[float, float, int]] | None = None,
    ) -> tuple[nn.Module, Any, torch.utils.data.DataLoader]:
        """Make ``model``, ``optimizer`` and ``loader`` private; computes sigma and the step budget.

        Raises
        ------
        PrivacyBudgetExceeded
            If no amount of noise reaches ``target_epsilon`` in the planned run, or the resumed history
            has already spent the budget.
        """
        from opacus import PrivacyEngine

        cfg = self.config
        self.engine = PrivacyEngine(accountant=cfg.accountant, secure_mode=cfg.secure_mode)
        trainable = [p for p in model.parameters() if p.requires_grad]
        max_grad_norm: float | list[float] = cfg.max_grad_norm
        if cfg.clipping == "per_layer":
            max_grad_norm = [cfg.max_grad_norm / math.sqrt(len(trainable))] * len(trainable)
        common: dict[str, Any] = dict(
            module=model,
            optimizer=optimizer,
            data_loader=loader,
            criterion=nn.CrossEntropyLoss(),  # unused: the engine wraps the task's per-record losses
            max_grad_norm=max_grad_norm,
            poisson_sampling=cfg.poisson_sampling,
            clipping=cfg.clipping,
            grad_sample_mode=self.grad_sample_mode,
        )
        # opacus detects distributed training from the module type (wrap in DPDDP before attach)
        planned_steps = int(epochs * len(loader)) if cfg.noise_multiplier is None else 0
        try:
            sigma = cfg.noise_multiplier
            if sigma is None:
                from opacus.accountants.utils import get_noise_multiplier

                # what make_private_with_epsilon does, then one check with the precise estimate
                sigma = get_noise_multiplier(target_epsilon=cfg.target_epsilon, target_delta=self.delta,
                                             sample_rate=1.0 / len(loader), epochs=epochs,
                                             accountant=cfg.accountant, epsilon_tolerance=0.01)
                steps = int(epochs * len(loader))
                while compute_epsilon(noise_multiplier=sigma, sample_rate=1.0 / len(loader), steps=steps,
                                      delta=self.delta, accountant=cfg.accountant) > cfg.target_epsilon:
                    sigma *= 1.005
            out = self.engine.make_private(noise_multiplier=sigma, **common)
        except ValueError as e:
            if "privacy budget is too low" in str(e):
                raise PrivacyBudgetExceeded(
                    f"target_epsilon={cfg.target_epsilon:g} cannot be reached with delta={self.delta:g} over "
                    f"{epochs} epoch(s) of {len(loader)} steps: raise epsilon, the batch size or lower the epochs"
                ) from None
            raise
        if self.grad_sample_mode == "ghost":
            private_model, private_opt, _criterion, private_loader = out
        else:
            private_model, private_opt, private_loader = out
        self.optimizer = private_opt
        self.noise_multiplier = float(private_opt.noise_multiplier)
        self.sample_rate = 1.0 / len(loader)
        if prior_history:
            self.engine.accountant.history = [tuple(h) for h in prior_history]
            if {(float(h[0]), float(h[1])) for h in prior_history} != {(self.noise_multiplier, self.sample_rate)}:
                raise PrivacyBudgetExceeded(
                    "the checkpoint's DP history was taken at another noise multiplier or sample rate than this "
                    "run's; resume with the same DPConfig, batch size, epochs and training set")
        self.max_steps = max_steps_within_budget(
            noise_multiplier=self.noise_multiplier,
            sample_rate=self.sample_rate,
            delta=self.delta,
            target_epsilon=cfg.target_epsilon,
            accountant=cfg.accountant,
            start=planned_steps,
        )
        if self.max_steps <= self.steps:
            raise PrivacyBudgetExceeded(
                f"the privacy budget epsilon={cfg.target_epsilon:g} (delta={self.delta:g}) is already spent by "
                f"{self.steps} step(s) at noise multiplier {self.noise_multiplier:.4g}; no further step is allowed"
            )
        logger.info(
            "DP: noise_multiplier=%.4f sample_rate=%.5f delta=%.3g budget allows %d step(s)",
            self.noise_multiplier, self.sample_rate, self.delta, self.max_steps,
        )
        return private_model, private_opt, private_loader

    def memory_manager(self, loader: torch.utils.data.DataLoader, physical_batch_size: int | None) -> Any:
        """A context manager yielding the loader, split by ``BatchMemoryManager`` when needed."""
        from contextlib import nullcontext

        if physical_batch_size is None:
            return nullcontext(loader)
        from opacus.utils.batch_memory_manager import BatchMemoryManager

        return BatchMemoryManager(
            data_loader=loader, max_physical_batch_size=physical_batch_size, optimizer=self.optimizer
        )

    # -- per step
    @property
    def steps(self) -> int:
        """Optimizer steps accounted so far (including resumed history)."""
        if self.engine is None:
            return 0
        return int(sum(h[2] for h in self.engine.accountant.history))

    def will_step(self) -> bool:
        """Whether the next ``optimizer.step()`` is a real (accounted) step, not a BatchMemoryManager skip."""
        return not self.optimizer._check_skip_next_step(pop_next=False)

    def can_step(self) -> bool:
        """Whether one more step keeps epsilon ``<= target_epsilon`` (exact, same accountant)."""
        assert self.max_steps is not None
        return self.steps + 1 <= self.max_steps

    def epsilon(self, precise: bool = True) -> float:
        """Epsilon spent so far at :attr:`delta` (``precise=False``: opacus' default PRV accuracy, faster)."""
        if self.engine is None or not self.engine.accountant.history:
            return 0.0
        return _epsilon_of_history(self.engine.accountant.history, self.delta, self.config.accountant, precise)

    def fill_empty_batch(self, params: list[nn.Parameter]) -> None:
        """Give an empty Poisson batch zero per-sample gradients so the step adds noise only."""
        for p in params:
            if p.requires_grad:
                p.grad_sample = torch.zeros((0, *p.shape), dtype=p.dtype, device=p.device)  # type: ignore[attr-defined]
                if self.grad_sample_mode == "ghost":
                    p.grad = torch.zeros_like(p)

    def ghost_loss(self, model: nn.Module, per_record_loss: torch.Tensor) -> Any:
        """Wrap per-record losses so ``.backward()`` does opacus' two-pass ghost clipping."""
        from opacus.utils.fast_gradient_clipping_utils import DPTensorFastGradientClipping

        return DPTensorFastGradientClipping(model, self.optimizer, per_record_loss, "mean")

    # -- state
    def state_dict(self) -> dict[str, Any]:
        """Accountant history and set-up, saved with each checkpoint (JSON-safe)."""
        history = [] if self.engine is None else [list(h) for h in self.engine.accountant.history]
        return {"history": history, "noise_multiplier": self.noise_multiplier, "sample_rate": self.sample_rate}

    def summary(self, audit: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``privacy`` block of ``run.json``."""
        out: dict[str, Any] = {
            "enabled": True,
            "target_epsilon": self.config.target_epsilon,
            "epsilon": self.epsilon(),
            "delta": self.delta,
            "noise_multiplier": self.noise_multiplier,
            "sample_rate": self.sample_rate,
            "steps": self.steps,
            "max_steps": self.max_steps,
            "accountant": self.config.accountant,
            "max_grad_norm": self.config.max_grad_norm,
            "clipping": self.config.clipping,
            "poisson_sampling": self.config.poisson_sampling,
            "secure_mode": self.config.secure_mode,
            "grad_sample_mode": self.grad_sample_mode,
            "grad_sample_mode_reason": self.mode_reason,
            "max_physical_batch_size": self.config.max_physical_batch_size,
            "n_records": self.n_records,
            "model_fix": self.fix_report.to_dict(),
            "history": self.state_dict()["history"],
        }
        if self.stopped_reason:
            out["stopped_reason"] = self.stopped_reason
        if audit is not None:
            out["audit"] = audit
        return out


def disabled_privacy_block() -> dict[str, Any]:
    """The ``privacy`` block of a non-private run."""
    return {"enabled": False, "target_epsilon": None, "epsilon": None, "delta": None, "noise_multiplier": None,
            "sample_rate": None, "steps": None, "accountant": None, "max_grad_norm": None, "clipping": None}

