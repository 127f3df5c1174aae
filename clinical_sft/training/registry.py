"""Rebuild a trained task and model from a run directory (for ``privacy audit``, prediction, reports).

A modality registers, once at import, how its task is rebuilt from a run directory::

    from clinical_sft.training import register_task
    register_task("ner", lambda run_dir: NerTask.from_run(run_dir))

The name is the task's ``name`` (what ``run.json["task"]`` records). The loader returns a
:class:`~clinical_sft.training.task.Task`; :func:`load_trained` then builds its model, applies the DP
model fix when the run used one, and loads ``model.safetensors``.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from torch import nn

from clinical_sft.errors import ConfigError, InputError, ModelNotFoundError

__all__ = ["available_tasks", "load_trained", "register_task"]

logger = logging.getLogger(__name__)

TaskLoader = Callable[[Path], Any]
_REGISTRY: dict[str, TaskLoader] = {}
# modules that register tasks on import (imported lazily so training never imports a modality eagerly)
_PLUGIN_MODULES = ("clinical_sft.ehr", "clinical_sft.imaging")


def register_task(name: str, loader: TaskLoader, *, overwrite: bool = False) -> None:
    """Register how to rebuild task ``name`` from a run directory.

    Parameters
    ----------
    name
        The task's ``name`` as recorded in ``run.json``.
    loader
        ``loader(run_dir: Path) -> Task``.
    overwrite
        Replace an existing registration instead of raising.
    """
    if not name or not isinstance(name, str):
        raise ConfigError("register_task: name must be a non-empty string")
    if name in _REGISTRY and not overwrite and _REGISTRY[name] is not loader:
        raise ConfigError(f"register_task: a task named {name!r} is already registered (pass overwrite=True)")
    _REGISTRY[name] = loader


def _load_plugins() -> None:
    for mod in _PLUGIN_MODULES:
        try:
            importlib.import_module(mod)
        except Exception as e:  # a broken modality must not hide the others
            logger.debug("could not import %s: %s", mod, type(e).__name__)


def available_tasks() -> list[str]:
    """Names of the registered tasks (after importing the modality packages)."""
    _load_plugins()
    return sorted(_REGISTRY)


def load_trained(run_dir: str | Path, *, weights: str = "model.safetensors") -> tuple[Any, nn.Module, dict]:
    """Rebuild ``(task, model, run_json)`` from a run directory written by :class:`Trainer`.

    Raises
    ------
    ModelNotFoundError
        If ``run.json`` or the weights are missing.
    ConfigError
        If no loader is registered for the run's task.
    """
    from safetensors.torch import load_model

    run_dir = Path(run_dir)
    rj = run_dir / "run.json"
    if not rj.is_file():
        raise ModelNotFoundError(f"no run.json in {run_dir} (is this a clinical-sft run directory?)")
    try:
        run = json.loads(rj.read_text())
    except json.JSONDecodeError as e:
        raise InputError(f"{rj} is not valid JSON (line {e.lineno})") from None
    name = run.get("task")
    if name not in _REGISTRY:
        _load_plugins()
    if name not in _REGISTRY:
        raise ConfigError(
            f"no task loader registered for task {name!r} of {rj}; registered: {sorted(_REGISTRY)}. "
            "A modality registers one with clinical_sft.training.register_task(name, loader)."
        )
    task = _REGISTRY[name](run_dir)
    model = task.build_model()
    if (run.get("privacy") or {}).get("model_fix", {}).get("fixed"):
        from clinical_sft.privacy.dp import fix_model

        model, _ = fix_model(model)
    wpath = run_dir / weights
    if not wpath.is_file():
        raise ModelNotFoundError(f"no weights {weights} in {run_dir}")
    load_model(model, str(wpath), strict=True)
    model.eval()
    return task, model, run
