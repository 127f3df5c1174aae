"""Typer options shared by every training command (``ehr train``, ``imaging train``, ...).

Usage in a command module::

    from clinical_sft.training._cli_options import (
        DpEpsilonOpt, DpDeltaOpt, MaxGradNormOpt, DpAccountantOpt, dp_config_from_options)

    @app.command()
    def train(..., dp_epsilon: DpEpsilonOpt = None, dp_delta: DpDeltaOpt = None,
              max_grad_norm: MaxGradNormOpt = 1.0, dp_accountant: DpAccountantOpt = "prv"):
        dp = dp_config_from_options(dp_epsilon, dp_delta, max_grad_norm, dp_accountant)
        Trainer(task, config, dp=dp).fit(...)
"""

from __future__ import annotations

from typing import Annotated

import typer

from clinical_sft.privacy.dp import DPConfig

__all__ = [
    "DpAccountantOpt",
    "DpDeltaOpt",
    "DpEpsilonOpt",
    "DpPhysicalBatchOpt",
    "MaxGradNormOpt",
    "dp_config_from_options",
]

DpEpsilonOpt = Annotated[
    float | None,
    typer.Option("--dp-epsilon", help="Train with differential privacy at this target epsilon (off when omitted).",
                 min=0.0, rich_help_panel="Differential privacy"),
]
DpDeltaOpt = Annotated[
    float | None,
    typer.Option("--dp-delta", help="Target delta (default min(1e-5, 1/(10N)); must be < 1/N).",
                 rich_help_panel="Differential privacy"),
]
MaxGradNormOpt = Annotated[
    float,
    typer.Option("--max-grad-norm", help="Per-sample gradient clipping bound under DP.", min=0.0,
                 rich_help_panel="Differential privacy"),
]
DpAccountantOpt = Annotated[
    str,
    typer.Option("--dp-accountant", help="Privacy accountant: prv or rdp.", rich_help_panel="Differential privacy"),
]
DpPhysicalBatchOpt = Annotated[
    int | None,
    typer.Option("--dp-physical-batch", help="Largest physical batch under DP (BatchMemoryManager).", min=1,
                 rich_help_panel="Differential privacy"),
]


def dp_config_from_options(
    dp_epsilon: float | None,
    dp_delta: float | None = None,
    max_grad_norm: float = 1.0,
    dp_accountant: str = "prv",
    dp_physical_batch: int | None = None,
    **extra: object,
) -> DPConfig | None:
    """A :class:`DPConfig` from the shared options, or ``None`` when ``--dp-epsilon`` was not given.

    Raises
    ------
    ConfigError
        For invalid values (``--dp-delta`` without ``--dp-epsilon`` included).
    """
    from clinical_sft.errors import ConfigError

    if dp_epsilon is None:
        if dp_delta is not None:
            raise ConfigError("--dp-delta needs --dp-epsilon (DP is off without a target epsilon)")
        return None
    return DPConfig(target_epsilon=dp_epsilon, delta=dp_delta, max_grad_norm=max_grad_norm,
                    accountant=dp_accountant, max_physical_batch_size=dp_physical_batch, **extra)  # type: ignore[arg-type]
