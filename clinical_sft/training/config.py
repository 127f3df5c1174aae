"""Configuration and result objects of the training engine."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from clinical_sft.errors import ConfigError

__all__ = ["TrainConfig", "TrainResult"]

_OPTIMIZERS = ("adamw", "adam", "sgd")
_SCHEDULERS = ("linear", "cosine", "constant")
_PRECISIONS = ("auto", "fp32", "bf16", "fp16")
_DEVICES = ("auto", "cpu", "cuda")
_LOGGERS = ("jsonl", "tensorboard", "mlflow")


@dataclass(frozen=True)
class TrainConfig:
    """How a task is trained. Safe defaults; every field validated with a message naming it.

    Parameters
    ----------
    out_dir
        Run directory: ``run.json``, ``metrics.jsonl``, ``model.safetensors``, ``checkpoints/``.
    epochs
        Passes over the training set (>= 1).
    batch_size
        Global (logical) batch size per optimizer step divided by ``grad_accum_steps``: each step sees
        ``batch_size * grad_accum_steps`` records in total, over all processes. Under DP with Poisson
        sampling this is the *expected* batch size.
    eval_batch_size
        Batch size for validation and prediction (default: ``batch_size``).
    learning_rate, weight_decay
        Optimizer settings (weight decay is not applied to biases and norm weights).
    optimizer
        ``"adamw"`` (default), ``"adam"`` or ``"sgd"`` (momentum 0.9).
    scheduler
        ``"linear"`` or ``"cosine"`` decay after a linear warm-up, or ``"constant"`` (after warm-up).
    warmup_ratio
        Fraction of the total optimizer steps used for linear warm-up.
    grad_accum_steps
        Micro-batches per optimizer step (>= 1). Under DP the logical batch is split by opacus'
        ``BatchMemoryManager`` instead, with the same effect.
    clip_grad_norm
        Gradient-norm clipping of non-private runs (``None`` = off). DP runs clip per sample instead.
    precision
        ``"auto"`` = bf16 autocast on a CUDA device that supports it (fp16 otherwise), fp32 on CPU.
    seed
        Seeds Python, NumPy and torch; the same seed gives the same metrics.
    deterministic
        Ask torch for deterministic algorithms (warn-only where none exists).
    resume
        Continue from the last checkpoint in ``out_dir/checkpoints`` (weights, optimizer, scheduler,
        RNG state, DP accountant history); a fresh start when none exists.
    early_stopping_patience
        Stop after this many epochs without improvement of ``task.monitor`` (``None`` = off).
    min_delta
        Smallest change of the monitored metric that counts as an improvement.
    keep_checkpoints
        Epoch checkpoints kept on disk (oldest deleted first).
    num_workers
        DataLoader worker processes.
    device
        ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda"``.
    log_to
        Any of ``"jsonl"`` (always written), ``"tensorboard"``, ``"mlflow"`` (used when installed).
    log_every
        Log training loss (and epsilon) every this many optimizer steps.
    progress
        Show a rich progress bar (rank 0 only).
    max_steps
        Stop after this many optimizer steps (``None`` = no limit).
    """

    out_dir: str | Path = "runs/run"
    epochs: int = 3
    batch_size: int = 16
    eval_batch_size: int | None = None
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    optimizer: Literal["adamw", "adam", "sgd"] = "adamw"
    scheduler: Literal["linear", "cosine", "constant"] = "linear"
    warmup_ratio: float = 0.0
    grad_accum_steps: int = 1
    clip_grad_norm: float | None = 1.0
    precision: Literal["auto", "fp32", "bf16", "fp16"] = "auto"
    seed: int = 0
    deterministic: bool = True
    resume: bool = False
    early_stopping_patience: int | None = None
    min_delta: float = 0.0
    keep_checkpoints: int = 2
    num_workers: int = 0
    device: Literal["auto", "cpu", "cuda"] = "auto"
    log_to: tuple[str, ...] = ("jsonl",)
    log_every: int = 10
    progress: bool = True
    max_steps: int | None = None

    def __post_init__(self) -> None:
        def need(cond: bool, name: str, allowed: str) -> None:
            if not cond:
                raise ConfigError(f"TrainConfig.{name} must be {allowed}, got {getattr(self, name)!r}")

        need(isinstance(self.epochs, int) and self.epochs >= 1, "epochs", "an integer >= 1")
        need(isinstance(self.batch_size, int) and self.batch_size >= 1, "batch_size", "an integer >= 1")
        need(self.eval_batch_size is None or self.eval_batch_size >= 1, "eval_batch_size", "None or >= 1")
        need(self.learning_rate > 0, "learning_rate", "> 0")
        need(self.weight_decay >= 0, "weight_decay", ">= 0")
        need(self.optimizer in _OPTIMIZERS, "optimizer", f"one of {_OPTIMIZERS}")
        need(self.scheduler in _SCHEDULERS, "scheduler", f"one of {_SCHEDULERS}")
        need(0 <= self.warmup_ratio < 1, "warmup_ratio", "in [0, 1)")
        need(isinstance(self.grad_accum_steps, int) and self.grad_accum_steps >= 1, "grad_accum_steps", ">= 1")
        need(self.clip_grad_norm is None or self.clip_grad_norm > 0, "clip_grad_norm", "None or > 0")
        need(self.precision in _PRECISIONS, "precision", f"one of {_PRECISIONS}")
        need(self.early_stopping_patience is None or self.early_stopping_patience >= 1,
             "early_stopping_patience", "None or >= 1")
        need(self.min_delta >= 0, "min_delta", ">= 0")
        need(self.keep_checkpoints >= 1, "keep_checkpoints", ">= 1")
        need(self.num_workers >= 0, "num_workers", ">= 0")
        need(self.device in _DEVICES, "device", f"one of {_DEVICES}")
        need(isinstance(self.log_to, tuple | list) and all(x in _LOGGERS for x in self.log_to),
             "log_to", f"a tuple of {_LOGGERS}")
        need(self.log_every >= 1, "log_every", ">= 1")
        need(self.max_steps is None or self.max_steps >= 1, "max_steps", "None or >= 1")

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view (recorded in ``run.json``)."""
        d = asdict(self)
        d["out_dir"] = str(self.out_dir)
        d["log_to"] = list(self.log_to)
        return d


@dataclass
class TrainResult:
    """What :meth:`Trainer.fit` returns.

    Attributes
    ----------
    metrics
        Validation metrics of the kept (best) model, or the last training loss without validation.
    history
        One dict per epoch: ``epoch``, ``step``, ``train_loss``, ``lr``, ``val_<metric>``, ``epsilon``.
    best_epoch
        Epoch (1-based) whose weights were kept.
    epochs_completed, steps
        Work done (optimizer steps).
    stopped_reason
        ``"completed"``, ``"early_stopping"``, ``"privacy_budget"`` or ``"max_steps"``.
    privacy
        The ``privacy`` block of ``run.json``.
    out_dir
        The run directory.
    wall_time_s
        Wall-clock time of ``fit``.
    """

    metrics: dict[str, float]
    history: list[dict[str, Any]]
    best_epoch: int | None
    epochs_completed: int
    steps: int
    stopped_reason: str
    privacy: dict[str, Any]
    out_dir: Path
    wall_time_s: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def run_json(self) -> Path:
        """Path of the run's ``run.json``."""
        return self.out_dir / "run.json"

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view."""
        d = asdict(self)
        d["out_dir"] = str(self.out_dir)
        return d

    def to_json(self) -> str:
        """JSON text."""
        return json.dumps(self.to_dict(), indent=2, default=str)
