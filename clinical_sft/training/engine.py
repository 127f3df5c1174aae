"""The one training loop of clinical-sft: any :class:`~clinical_sft.training.task.Task`, with or without DP."""

from __future__ import annotations

import json
import logging
import math
import os
import random
import shutil
import sys
import time
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, DistributedSampler

from clinical_sft.errors import ConfigError, InputError
from clinical_sft.privacy.dp import DPConfig, DPSession, disabled_privacy_block
from clinical_sft.training.config import TrainConfig, TrainResult
from clinical_sft.training.fingerprint import fingerprint_dataset

__all__ = ["Trainer", "library_versions"]

logger = logging.getLogger(__name__)

_CKPT = "checkpoints"


def library_versions() -> dict[str, str | None]:
    """Versions of the libraries a run depends on (recorded in ``run.json``)."""
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {"python": sys.version.split()[0]}
    for dist in ("clinical-sft", "torch", "transformers", "monai", "opacus", "peft", "dp-accounting",
                 "accelerate", "numpy"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = None
    out["cuda"] = torch.version.cuda
    return out


def _batch_len(batch: Any) -> int:
    if isinstance(batch, torch.Tensor):
        return int(batch.shape[0]) if batch.dim() else 1
    if isinstance(batch, dict):
        for v in batch.values():
            if isinstance(v, torch.Tensor) and v.dim():
                return int(v.shape[0])
        for v in batch.values():
            if isinstance(v, list | tuple):
                return len(v)
    if isinstance(batch, list | tuple) and batch:
        return _batch_len(batch[0])
    return 0


def _to_device(batch: Any, device: torch.device) -> Any:
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    if isinstance(batch, dict):
        return {k: _to_device(v, device) for k, v in batch.items()}
    if isinstance(batch, list | tuple) and batch and isinstance(batch[0], torch.Tensor):
        return type(batch)(_to_device(v, device) for v in batch)
    return batch


def _seed_everything(seed: int, deterministic: bool) -> None:
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True, warn_only=True)
        if torch.backends.cudnn.is_available():
            torch.backends.cudnn.benchmark = False
            torch.backends.cudnn.deterministic = True


def _rng_state() -> dict[str, Any]:
    np_state: Any = np.random.get_state()
    return {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "numpy": [np_state[0], torch.from_numpy(np_state[1].astype(np.int64)), int(np_state[2]),
                  int(np_state[3]), float(np_state[4])],
        "python": list(random.getstate()[1]) + [random.getstate()[0]],
    }


def _set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    if state.get("cuda") and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    n = state["numpy"]
    np.random.set_state((n[0], n[1].numpy().astype(np.uint32), n[2], n[3], n[4]))
    py = state["python"]
    random.setstate((py[-1], tuple(int(x) for x in py[:-1]), None))


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _empty_like(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value[:0] if value.dim() else value
    if isinstance(value, dict):
        return {k: _empty_like(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)()
    return value


class _EmptyAwareCollate:
    """The task's collate, with empty Poisson batches shaped like a real batch with zero rows."""

    def __init__(self, collate: Any, template: Any) -> None:
        self.collate = collate
        self.empty = _empty_like(template)

    def __call__(self, items: Sequence[Any]) -> Any:
        return self.collate(items) if len(items) else self.empty


class _Loggers:
    """metrics.jsonl always; TensorBoard / MLflow when asked for and installed (rank 0 only)."""

    def __init__(self, out_dir: Path, log_to: Sequence[str], enabled: bool, resume: bool) -> None:
        self.enabled = enabled
        self.tb: Any = None
        self.mlflow: Any = None
        self.fh: Any = None
        if not enabled:
            return
        self.fh = (out_dir / "metrics.jsonl").open("a" if resume else "w")
        if "tensorboard" in log_to:
            try:
                from torch.utils.tensorboard import SummaryWriter

                self.tb = SummaryWriter(log_dir=str(out_dir / "tensorboard"))
            except ImportError:
                logger.warning("log_to has 'tensorboard' but tensorboard is not installed; skipped")
        if "mlflow" in log_to:
            try:
                import mlflow

                self.mlflow = mlflow
                mlflow.start_run(run_name=out_dir.name)
            except ImportError:
                logger.warning("log_to has 'mlflow' but mlflow is not installed; skipped")

    def log(self, event: str, step: int, values: dict[str, Any]) -> None:
        if not self.enabled:
            return
        self.fh.write(json.dumps({"event": event, "step": step, **values}) + "\n")
        self.fh.flush()
        scalars = {k: float(v) for k, v in values.items() if isinstance(v, int | float) and k not in ("epoch",)}
        if self.tb is not None:
            for k, v in scalars.items():
                self.tb.add_scalar(f"{event}/{k}", v, step)
        if self.mlflow is not None:
            self.mlflow.log_metrics({f"{event}_{k}": v for k, v in scalars.items()}, step=step)

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
        if self.tb is not None:
            self.tb.close()
        if self.mlflow is not None:
            self.mlflow.end_run()


class Trainer:
    """Train, evaluate and predict with a modality's :class:`~clinical_sft.training.task.Task`.

    Parameters
    ----------
    task
        What to train (model builder, collate, loss, predictions, metrics).
    config
        A :class:`~clinical_sft.training.TrainConfig`.
    dp
        A :class:`~clinical_sft.privacy.dp.DPConfig` switches differentially private training on.

    Notes
    -----
    Multi-GPU / multi-process: launch the same script with ``torchrun --nproc_per_node K`` (or
    ``accelerate launch``); the engine initialises ``torch.distributed`` from the environment
    (NCCL on CUDA, gloo on CPU), shards the data with a ``DistributedSampler`` and wraps the model in
    DDP (opacus' DPDDP under DP). ``batch_size`` stays the global batch, so results match one process.

    Under DP one item of ``train_dataset`` is one record of the accounting (Poisson-sampled, clipped
    on its own); ``run.json["privacy"]["unit"]`` names it: the dataset's ``privacy_unit`` attribute
    when it has one (``"note"``, ``"patient"``, ...), else ``"record"``.

    Examples
    --------
    >>> trainer = Trainer(task, TrainConfig(out_dir="runs/ner", epochs=3), dp=DPConfig(target_epsilon=8))
    ... # doctest: +SKIP
    >>> result = trainer.fit(train_ds, val_ds)  # doctest: +SKIP
    >>> result.privacy["epsilon"] <= 8  # doctest: +SKIP
    True
    """

    def __init__(self, task: Any, config: TrainConfig | None = None, dp: DPConfig | None = None) -> None:
        self.task = task
        self.config = config or TrainConfig()
        self.dp = dp
        self.model: nn.Module | None = None
        self.dp_session: DPSession | None = None
        self._device: torch.device | None = None

    # ------------------------------------------------------------------ environment
    def _setup_distributed(self) -> tuple[int, int, int]:
        world = int(os.environ.get("WORLD_SIZE", "1"))
        if world > 1:
            import torch.distributed as dist

            if not dist.is_initialized():
                use_cuda = self.config.device != "cpu" and torch.cuda.is_available()
                dist.init_process_group(backend="nccl" if use_cuda else "gloo")
            return dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", "0"))
        return 0, 1, 0

    def _select_device(self, local_rank: int) -> torch.device:
        want = self.config.device
        if want == "cuda" and not torch.cuda.is_available():
            raise ConfigError("TrainConfig.device='cuda' but no CUDA device is available")
        if want in ("auto", "cuda") and torch.cuda.is_available():
            torch.cuda.set_device(local_rank)
            return torch.device("cuda", local_rank)
        return torch.device("cpu")

    def _autocast(self, device: torch.device) -> tuple[Any, torch.dtype | None]:
        p = self.config.precision
        if device.type != "cuda" or p == "fp32":
            return (lambda: nullcontext()), None
        dtype = torch.bfloat16
        if p == "fp16" or (p == "auto" and not torch.cuda.is_bf16_supported()):
            dtype = torch.float16
        if dtype == torch.float16 and self.dp is not None:
            logger.warning("fp16 with DP needs loss scaling that per-sample clipping breaks; training in fp32")
            return (lambda: nullcontext()), None
        return (lambda: torch.autocast(device_type="cuda", dtype=dtype)), dtype

    @property
    def device(self) -> torch.device:
        """The device the model lives on (CPU until :meth:`fit` picked one)."""
        return self._device or torch.device("cpu")

    # ------------------------------------------------------------------ building blocks
    def _optimizer(self, model: nn.Module) -> torch.optim.Optimizer:
        cfg = self.config
        decay: list[nn.Parameter] = []
        no_decay: list[nn.Parameter] = []
        for name, p in model.named_parameters():
            if not p.requires_grad:
                continue
            (no_decay if p.dim() < 2 or "norm" in name.lower() else decay).append(p)
        groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
        groups = [g for g in groups if g["params"]]
        if not groups:
            raise ConfigError("the task's model has no trainable parameter")
        if cfg.optimizer == "adamw":
            return torch.optim.AdamW(groups, lr=cfg.learning_rate)
        if cfg.optimizer == "adam":
            return torch.optim.Adam(groups, lr=cfg.learning_rate)
        return torch.optim.SGD(groups, lr=cfg.learning_rate, momentum=0.9)

    def _scheduler(self, optimizer: torch.optim.Optimizer, total_steps: int) -> torch.optim.lr_scheduler.LambdaLR:
        cfg = self.config
        warmup = int(cfg.warmup_ratio * total_steps)
        kind = cfg.scheduler

        def factor(step: int) -> float:
            if warmup and step < warmup:
                return (step + 1) / warmup
            if kind == "constant":
                return 1.0
            progress = min(1.0, (step - warmup) / max(1, total_steps - warmup))
            if kind == "linear":
                return max(0.0, 1.0 - progress)
            return 0.5 * (1.0 + math.cos(math.pi * progress))

        return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)

    def _eval_loader(self, dataset: Any) -> DataLoader:
        bs = self.config.eval_batch_size or self.config.batch_size
        return DataLoader(dataset, batch_size=bs, shuffle=False, collate_fn=self.task.collate,
                          num_workers=self.config.num_workers)

    # ------------------------------------------------------------------ evaluation
    def _run_eval(self, model: nn.Module, dataset: Any, with_loss: bool) -> tuple[list[dict], float | None]:
        device = self.device
        autocast, _ = self._autocast(device)
        was_training = model.training
        model.eval()
        preds: list[dict] = []
        loss_sum, n_sum = 0.0, 0
        with torch.no_grad():
            for batch in self._eval_loader(dataset):
                n = _batch_len(batch)
                batch = _to_device(batch, device)
                with autocast():
                    preds.extend(self.task.predict_batch(model, batch))
                    if with_loss and n:
                        loss_sum += float(self.task.loss(model, batch)) * n
                        n_sum += n
        model.train(was_training)
        return preds, (loss_sum / n_sum if n_sum else None)

    def _require_model(self) -> nn.Module:
        if self.model is None:
            raise ConfigError("Trainer has no model yet: call fit() first, or set trainer.model "
                              "(e.g. from clinical_sft.training.load_trained(run_dir))")
        return self.model

    def predict(self, dataset: Any) -> list[dict[str, Any]]:
        """Per-record predictions of ``dataset`` (``task.predict_batch`` over sequential batches)."""
        model = self._require_model()
        return self._run_eval(model, dataset, with_loss=False)[0]

    def evaluate(self, dataset: Any) -> dict[str, float]:
        """``task.compute_metrics`` over ``dataset``, plus ``loss`` (mean per-record task loss)."""
        model = self._require_model()
        preds, loss = self._run_eval(model, dataset, with_loss=True)
        metrics = dict(self.task.compute_metrics(preds))
        if loss is not None:
            metrics.setdefault("loss", loss)
        return metrics

    # ------------------------------------------------------------------ checkpoints
    def _ckpt_dirs(self) -> list[Path]:
        root = Path(self.config.out_dir) / _CKPT
        if not root.is_dir():
            return []
        return sorted(d for d in root.glob("epoch-*") if (d / "state.json").is_file())

    def _save_checkpoint(self, raw: nn.Module, optimizer: Any, scheduler: Any, scaler: Any,
                         state: dict[str, Any]) -> None:
        from safetensors.torch import save_model

        root = Path(self.config.out_dir) / _CKPT
        d = root / f"epoch-{state['epoch']:04d}"
        tmp = root / f".tmp-{state['epoch']:04d}"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        save_model(raw, str(tmp / "model.safetensors"))
        torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                    "scaler": scaler.state_dict() if scaler is not None else None, "rng": _rng_state()},
                   tmp / "trainer_state.pt")
        (tmp / "state.json").write_text(json.dumps(state, indent=1, default=float))
        if d.exists():
            shutil.rmtree(d)
        os.replace(tmp, d)
        for old in self._ckpt_dirs()[: -self.config.keep_checkpoints]:
            shutil.rmtree(old, ignore_errors=True)

    # ------------------------------------------------------------------ fit
    def fit(self, train_dataset: Any, val_dataset: Any | None = None) -> TrainResult:
        """Train on ``train_dataset``; validate each epoch on ``val_dataset`` when given.

        Returns
        -------
        TrainResult
            Metrics of the kept model, history, privacy block; ``out_dir`` holds ``run.json``,
            ``metrics.jsonl``, ``model.safetensors`` and ``checkpoints/``.

        Raises
        ------
        ConfigError
            For an invalid combination (e.g. delta >= 1/N, batch not divisible by processes).
        PrivacyBudgetExceeded
            If the target epsilon cannot be met at all.
        """
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
        from safetensors.torch import load_model, save_model

        t0 = time.perf_counter()
        cfg, task = self.config, self.task
        if len(train_dataset) == 0:
            raise InputError("the training set is empty")
        rank, world, local_rank = self._setup_distributed()
        is_main = rank == 0
        device = self._select_device(local_rank)
        self._device = device
        out = Path(cfg.out_dir)
        if is_main:
            out.mkdir(parents=True, exist_ok=True)
        _seed_everything(cfg.seed, cfg.deterministic)
        autocast, amp_dtype = self._autocast(device)

        # --- model
        model = task.build_model()
        session: DPSession | None = None
        dpc: Any = self.dp
        if self.dp is not None:
            session = DPSession(self.dp, n_records=len(train_dataset))
            model = session.prepare_model(model)
        model.to(device)
        model.train()  # from_pretrained returns eval mode; opacus refuses it
        raw = model
        self.model = raw
        self.dp_session = session

        # --- data
        logical = cfg.batch_size * cfg.grad_accum_steps
        micro = cfg.batch_size
        if session is None and micro % world:
            raise ConfigError(f"TrainConfig.batch_size={micro} must be divisible by the {world} processes")
        if session is not None and logical % world:
            raise ConfigError(
                f"TrainConfig.batch_size*grad_accum_steps={logical} must be divisible by the {world} processes")
        sampler: DistributedSampler[Any] = DistributedSampler(train_dataset, num_replicas=world, rank=rank, shuffle=True, seed=cfg.seed)
        per_rank = (logical if session is not None else micro) // world
        loader = DataLoader(train_dataset, batch_size=per_rank, sampler=sampler, collate_fn=task.collate,
                            num_workers=cfg.num_workers)

        # --- wrapping (DDP / DP)
        if session is not None:
            session.choose_mode(task, distributed=world > 1)
        if world > 1:
            if session is not None:
                from opacus.distributed import DifferentiallyPrivateDistributedDataParallel as DPDDP

                model = DPDDP(model)
            else:
                model = nn.parallel.DistributedDataParallel(
                    model, device_ids=[device.index] if device.type == "cuda" else None)
        optimizer: Any = self._optimizer(raw)

        # --- resume state
        ckpts = self._ckpt_dirs() if cfg.resume else []
        resume_state: dict[str, Any] | None = None
        if ckpts:
            resume_state = json.loads((ckpts[-1] / "state.json").read_text())
        elif cfg.resume:
            logger.info("resume requested but no checkpoint in %s; starting fresh", out / _CKPT)

        physical: int | None = None
        if session is not None:
            prior = [tuple(h) for h in (resume_state or {}).get("dp", {}).get("history", [])]
            model, optimizer, loader = session.attach(model, optimizer, loader, epochs=cfg.epochs,
                                                      distributed=world > 1, prior_history=prior)
            if dpc.poisson_sampling:
                # Poisson batches can be empty; opacus' own empty-batch collate cannot carry non-tensor
                # fields (record ids), so empty batches get the task's structure with zero rows
                loader.collate_fn = _EmptyAwareCollate(task.collate, task.collate([train_dataset[0]]))
            physical = dpc.max_physical_batch_size
            if physical is None and cfg.grad_accum_steps > 1:
                physical = max(1, cfg.batch_size // world)
            if physical is not None and physical >= per_rank:
                physical = None
            steps_per_epoch = len(loader)
        else:
            steps_per_epoch = math.ceil(len(loader) / cfg.grad_accum_steps)
        total_steps = steps_per_epoch * cfg.epochs
        if cfg.max_steps is not None:
            total_steps = min(total_steps, cfg.max_steps)
        scheduler = self._scheduler(optimizer.original_optimizer if session else optimizer, total_steps)
        scaler = torch.amp.GradScaler("cuda") if (amp_dtype == torch.float16 and session is None) else None

        history: list[dict[str, Any]] = []
        start_epoch, global_step = 0, 0
        best_metric: float | None = None
        best_epoch: int | None = None
        bad_epochs = 0
        best_path = out / _CKPT / "best.safetensors"
        if resume_state is not None:
            d = ckpts[-1]
            load_model(raw, str(d / "model.safetensors"), strict=True)
            ts = torch.load(d / "trainer_state.pt", map_location="cpu", weights_only=True)
            optimizer.load_state_dict(ts["optimizer"])
            scheduler.load_state_dict(ts["scheduler"])
            if scaler is not None and ts.get("scaler"):
                scaler.load_state_dict(ts["scaler"])
            _set_rng_state(ts["rng"])
            start_epoch = int(resume_state["epoch"])
            global_step = int(resume_state["global_step"])
            history = list(resume_state["history"])
            best_metric, best_epoch = resume_state.get("best_metric"), resume_state.get("best_epoch")
            bad_epochs = int(resume_state.get("bad_epochs", 0))
            logger.info("resumed from %s (epoch %d, step %d)", d.name, start_epoch, global_step)

        logs = _Loggers(out, cfg.log_to, enabled=is_main, resume=resume_state is not None)
        monitor = getattr(task, "monitor", "loss")
        mode = getattr(task, "monitor_mode", "min")
        if mode not in ("min", "max"):
            raise ConfigError(f"task.monitor_mode must be 'min' or 'max', got {mode!r}")
        stopped = "completed"
        params = [p for p in raw.parameters() if p.requires_grad]

        progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("loss {task.fields[loss]}"), TimeRemainingColumn(),
                            disable=not (cfg.progress and is_main), transient=False)
        epoch = start_epoch
        try:
            with progress:
                bar = progress.add_task("train", total=total_steps, completed=global_step, loss="-")
                for epoch in range(start_epoch, cfg.epochs):
                    if stopped != "completed":
                        break
                    sampler.set_epoch(epoch)
                    model.train()
                    loss_sum, loss_n = 0.0, 0
                    ctx = session.memory_manager(loader, physical) if session else nullcontext(loader)
                    with ctx as batches:
                        if session is None:
                            n_batches = len(batches)
                        for i, batch in enumerate(batches):
                            if cfg.max_steps is not None and global_step >= cfg.max_steps:
                                stopped = "max_steps"
                                break
                            n = _batch_len(batch)
                            batch = _to_device(batch, device)
                            if session is not None:
                                optimizer.zero_grad(set_to_none=True)
                                if n == 0:
                                    session.fill_empty_batch(params)
                                else:
                                    with autocast():
                                        if session.grad_sample_mode == "ghost":
                                            loss = session.ghost_loss(model, task.per_record_loss(model, batch))
                                        else:
                                            loss = task.loss(model, batch)
                                    loss.backward()
                                    loss_sum += float(loss.item()) * n
                                    loss_n += n
                                if session.will_step() and not session.can_step():
                                    stopped = "privacy_budget"
                                    session.stopped_reason = "privacy_budget"
                                    optimizer.zero_grad(set_to_none=True)
                                    logger.warning(
                                        "DP: stopping before step %d: it would take epsilon past the target %g "
                                        "(spent %.4f at delta %.3g)", global_step + 1, dpc.target_epsilon,
                                        session.epsilon(), session.delta)
                                    break
                                optimizer.step()
                                stepped = not optimizer._is_last_step_skipped
                            else:
                                with autocast():
                                    loss = task.loss(model, batch)
                                scaled = loss / cfg.grad_accum_steps
                                last_micro = (i + 1) % cfg.grad_accum_steps == 0 or i + 1 == n_batches
                                sync = nullcontext() if (world == 1 or last_micro) else model.no_sync()
                                with sync:
                                    (scaler.scale(scaled) if scaler else scaled).backward()
                                loss_sum += float(loss.item()) * n
                                loss_n += n
                                stepped = False
                                if last_micro:
                                    if scaler:
                                        scaler.unscale_(optimizer)
                                    if cfg.clip_grad_norm is not None:
                                        torch.nn.utils.clip_grad_norm_(params, cfg.clip_grad_norm)
                                    if scaler:
                                        scaler.step(optimizer)
                                        scaler.update()
                                    else:
                                        optimizer.step()
                                    optimizer.zero_grad(set_to_none=True)
                                    stepped = True
                            if stepped:
                                scheduler.step()
                                global_step += 1
                                shown = f"{loss_sum / loss_n:.4f}" if loss_n else "-"
                                progress.update(bar, advance=1, loss=shown)
                                if global_step % cfg.log_every == 0:
                                    rec: dict[str, Any] = {"epoch": epoch + 1, "loss": loss_sum / max(loss_n, 1),
                                                           "lr": scheduler.get_last_lr()[0]}
                                    if session is not None:
                                        rec["epsilon"] = session.epsilon(precise=False)
                                    logs.log("train", global_step, rec)
                    # ---- end of epoch
                    entry: dict[str, Any] = {"epoch": epoch + 1, "step": global_step,
                                             "train_loss": loss_sum / loss_n if loss_n else None,
                                             "lr": scheduler.get_last_lr()[0]}
                    if session is not None:
                        entry["epsilon"] = session.epsilon()
                    improved = False
                    if val_dataset is not None:
                        want_loss = monitor in ("loss", "val_loss")
                        preds, vloss = self._run_eval(raw, val_dataset, with_loss=want_loss)
                        vm = dict(task.compute_metrics(preds))
                        if vloss is not None:
                            vm.setdefault("loss", vloss)
                        entry.update({f"val_{k}": v for k, v in vm.items()})
                        key = monitor[4:] if monitor.startswith("val_") and monitor not in vm else monitor
                        if key not in vm:
                            raise ConfigError(f"task.monitor={monitor!r} is not among the validation metrics "
                                              f"{sorted(vm)}")
                        value = float(vm[key])
                        if best_metric is None or (
                            value > best_metric + cfg.min_delta if mode == "max" else value < best_metric - cfg.min_delta
                        ):
                            best_metric, best_epoch, bad_epochs, improved = value, epoch + 1, 0, True
                        else:
                            bad_epochs += 1
                    else:
                        best_epoch = epoch + 1
                    history.append(entry)
                    logs.log("epoch", global_step, entry)
                    if is_main:
                        if improved:
                            best_path.parent.mkdir(parents=True, exist_ok=True)
                            save_model(raw, str(best_path))
                        self._save_checkpoint(raw, optimizer, scheduler, scaler, {
                            "epoch": epoch + 1, "global_step": global_step, "history": history,
                            "best_metric": best_metric, "best_epoch": best_epoch, "bad_epochs": bad_epochs,
                            "dp": session.state_dict() if session else None,
                        })
                    if world > 1:
                        torch.distributed.barrier()
                    if (val_dataset is not None and cfg.early_stopping_patience is not None
                            and bad_epochs >= cfg.early_stopping_patience and stopped == "completed"):
                        stopped = "early_stopping"
                        logger.info("early stopping after epoch %d: %s did not improve for %d epoch(s)",
                                    epoch + 1, monitor, bad_epochs)
                        break
        finally:
            logs.close()

        # --- keep the best model, write outputs
        if val_dataset is not None and best_path.is_file():
            if world > 1:
                torch.distributed.barrier()
            load_model(raw, str(best_path), strict=True)
        best_entry = next((h for h in history if h["epoch"] == best_epoch), history[-1] if history else {})
        if val_dataset is not None:
            metrics = {k[4:]: v for k, v in best_entry.items() if k.startswith("val_")}
        else:
            metrics = {"train_loss": best_entry.get("train_loss")} if best_entry else {}
        privacy = session.summary() if session else disabled_privacy_block()
        if session is not None:
            # what one of the N records of the accounting is (a dataset can say: note, patient, ...)
            privacy["unit"] = str(getattr(train_dataset, "privacy_unit", None) or "record")
        wall = time.perf_counter() - t0
        result = TrainResult(
            metrics=metrics, history=history, best_epoch=best_epoch,
            epochs_completed=len(history), steps=global_step, stopped_reason=stopped, privacy=privacy,
            out_dir=out, wall_time_s=wall,
        )
        raw.eval()
        if is_main:
            save_model(raw, str(out / "model.safetensors"))
            n_params = sum(p.numel() for p in raw.parameters())
            run = {
                "task": getattr(task, "name", type(task).__name__),
                "config": cfg.to_dict(),
                "data_fingerprint": {"train": fingerprint_dataset(train_dataset),
                                     "val": fingerprint_dataset(val_dataset)},
                "versions": library_versions(),
                "metrics": metrics,
                "history": history,
                "wall_time_s": wall,
                "model": {"class": f"{type(raw).__module__}.{type(raw).__qualname__}",
                          "n_parameters": n_params,
                          "n_trainable": sum(p.numel() for p in raw.parameters() if p.requires_grad),
                          "weights": "model.safetensors", "best_epoch": best_epoch},
                "privacy": privacy,
                "training": {"stopped_reason": stopped, "epochs_completed": len(history), "steps": global_step,
                             "world_size": world, "device": str(device),
                             "precision": str(amp_dtype).replace("torch.", "") if amp_dtype else "fp32",
                             "monitor": monitor, "monitor_mode": mode,
                             "resumed_from_epoch": start_epoch if resume_state else None},
            }
            extra = getattr(task, "run_info", None)
            if callable(extra):
                run["task_info"] = extra()
            _atomic_write_text(out / "run.json", json.dumps(run, indent=2, default=str))
        if world > 1:
            torch.distributed.barrier()
        logger.info("training finished (%s) after %d step(s) in %.1fs", stopped, global_step, wall)
        return result
