"""The two note tasks the training engine runs: token classification (NER) and note classification."""

from __future__ import annotations

import abc
import dataclasses
import functools
import inspect
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import Dataset

from clinical_sft.ehr._backbone import apply_lora, load_backbone, load_tokenizer, resolve_backbone
from clinical_sft.ehr._metrics import classification_metrics, entity_counts, ner_metrics
from clinical_sft.ehr._text import (
    IGNORE_INDEX,
    Encoding,
    bio_labels,
    decode_bio,
    encode_note,
    make_windows,
    merge_window_logits,
    spans_to_token_tags,
)
from clinical_sft.errors import ConfigError, InputError

logger = logging.getLogger(__name__)

__all__ = ["ClassificationTask", "EhrConfig", "NerTask", "UnitDataset", "WindowDataset", "build_task",
           "expand_abbreviations"]

_PROBLEMS = ("auto", "binary", "multiclass", "multilabel")
_POS = {"1", "true", "yes", "positive", "pos", "y"}
_DP_UNITS = ("note", "patient")


@dataclass(frozen=True)
class EhrConfig:
    """How a note model is built and how notes are cut into model inputs.

    Parameters
    ----------
    task
        ``"ner"`` (BIO token classification) or ``"classify"`` (note classification).
    backbone
        ``"minilm"`` or a local Hugging Face model directory.
    from_scratch
        Random weights from the backbone's config (only on request; fast tests).
    config_overrides
        ``"hidden_size=32,num_hidden_layers=2"``: config fields changed when ``from_scratch``.
    lora, lora_r, lora_alpha, lora_dropout, lora_target_modules
        Fine-tune peft LoRA adapters (and the head) instead of all weights.
    freeze_layers
        Freeze the embeddings and the bottom ``freeze_layers`` encoder layers (0 = train everything,
        the default; ``-1`` = freeze the whole encoder, pooler included, and train the task head
        only, i.e. a linear probe). Fewer trainable weights cost less time and, under DP, less noise.
    max_length
        Tokens per window including the special tokens; ``None`` (default) = the model's limit, at
        most 512 (where a Hugging Face tokenizer truncates BERT-like models). Always capped at the
        model's positions.
    stride
        Most tokens two consecutive windows of a long note share (whole sentences).
    sentence_splitter
        ``"scispacy"`` (pysbd sentencizer), ``"simple"`` or ``"none"``: where windows may break.
    pooling
        ``"mean"`` or ``"max"``: how a long note's window logits combine (classification).
    problem
        ``"auto"``, ``"binary"``, ``"multiclass"`` or ``"multilabel"`` (classification).
    expand_abbreviations
        Replace abbreviations by their long forms (scispaCy ``AbbreviationDetector``) before
        classification.
    threshold
        Decision threshold on the positive-class (or each label's) probability.
    expand_to_words
        Grow predicted entity spans to whole words.
    dp_unit
        The privacy unit of DP training: ``"note"`` (default) or ``"patient"``. Each unit is one
        record of the accounting and contributes one window per step (:class:`UnitDataset`).
    """

    task: str = "ner"
    backbone: str = "minilm"
    from_scratch: bool = False
    config_overrides: str = ""
    lora: bool = False
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.05
    lora_target_modules: tuple[str, ...] = ()
    freeze_layers: int = 0
    max_length: int | None = None
    stride: int = 32
    sentence_splitter: str = "scispacy"
    pooling: str = "mean"
    problem: str = "auto"
    expand_abbreviations: bool = False
    threshold: float = 0.5
    expand_to_words: bool = True
    dp_unit: str = "note"

    def __post_init__(self) -> None:
        if self.task not in ("ner", "classify"):
            raise ConfigError(f"task: unknown value '{self.task}' (expected 'ner' or 'classify').")
        if self.max_length is not None and not 8 <= self.max_length <= 4096:
            raise ConfigError(f"max_length: must be None or in [8, 4096] (got {self.max_length}).")
        if not 0 <= self.stride < (self.max_length or 4096) - 2:
            raise ConfigError(f"stride: must be in [0, max_length - 2) (got {self.stride}).")
        if self.sentence_splitter not in ("scispacy", "simple", "none"):
            raise ConfigError(f"sentence_splitter: unknown value '{self.sentence_splitter}' "
                              "(expected 'scispacy', 'simple' or 'none').")
        if self.pooling not in ("mean", "max"):
            raise ConfigError(f"pooling: unknown value '{self.pooling}' (expected 'mean' or 'max').")
        if self.problem not in _PROBLEMS:
            raise ConfigError(f"problem: unknown value '{self.problem}' (expected one of {', '.join(_PROBLEMS)}).")
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(f"threshold: must be in (0, 1) (got {self.threshold}).")
        if self.freeze_layers < -1:
            raise ConfigError(f"freeze_layers: must be -1 (whole encoder), 0 or a number of layers (got "
                              f"{self.freeze_layers}).")
        if self.lora and self.freeze_layers:
            raise ConfigError("freeze_layers: not with lora=True (LoRA already freezes the base weights).")
        if self.lora_r < 1:
            raise ConfigError(f"lora_r: must be >= 1 (got {self.lora_r}).")
        if self.dp_unit not in _DP_UNITS:
            raise ConfigError(f"dp_unit: unknown value '{self.dp_unit}' (expected one of {', '.join(_DP_UNITS)}).")
        if self.config_overrides and not self.from_scratch:
            raise ConfigError("config_overrides: only allowed with from_scratch=True.")

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON view (for ``run.json`` and the saved model)."""
        d = dataclasses.asdict(self)
        d["lora_target_modules"] = list(self.lora_target_modules)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EhrConfig:
        """Inverse of :meth:`to_dict` (unknown keys are ignored)."""
        names = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in d.items() if k in names}
        if "lora_target_modules" in kw:
            kw["lora_target_modules"] = tuple(kw["lora_target_modules"] or ())
        return cls(**kw)


# --------------------------------------------------------------------------- abbreviations
@functools.lru_cache(maxsize=1)
def _abbreviation_nlp() -> Any:
    import spacy
    from scispacy.abbreviation import AbbreviationDetector  # noqa: F401  registers the factory

    nlp = spacy.blank("en")
    nlp.add_pipe("abbreviation_detector")
    nlp.max_length = 50_000_000
    return nlp


def expand_abbreviations(text: str) -> str:
    """Replace each abbreviation defined in the note (``long form (SF)``) by its long form.

    Uses scispaCy's ``AbbreviationDetector`` (Schwartz & Hearst); the defining parenthesis is kept.
    """
    doc = _abbreviation_nlp()(text)
    repl = []
    for ab in doc._.abbreviations:
        lf = ab._.long_form
        if lf is None:
            continue
        if ab.start_char > 0 and text[ab.start_char - 1] == "(" and 0 <= ab.start_char - lf.end_char <= 3:
            continue  # the definition itself
        repl.append((ab.start_char, ab.end_char, lf.text))
    out, last = [], 0
    for s, e, lf in sorted(repl):
        if s < last:
            continue
        out.append(text[last:s])
        out.append(lf)
        last = e
    out.append(text[last:])
    return "".join(out)


# --------------------------------------------------------------------------- datasets
class WindowDataset(Dataset):
    """Model inputs of a set of notes, one item per window (``id`` names the note)."""

    def __init__(self, items: list[dict[str, Any]], notes: pd.DataFrame, encodings: dict[str, Encoding]) -> None:
        self.items = items
        self.notes = notes
        self.encodings = encodings

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict[str, Any]:
        return self.items[i]

    @property
    def n_notes(self) -> int:
        """Number of notes (a long note gives several windows)."""
        return len(self.notes)

    @property
    def n_tokens(self) -> int:
        """Number of input tokens over all windows, special tokens included."""
        return int(sum(len(it["input_ids"]) for it in self.items))

    @property
    def privacy_unit(self) -> str:
        """What one item is for DP accounting: ``"note"`` when every note is one window, else ``"window"``."""
        return "note" if len(self.items) == len({it["id"] for it in self.items}) else "window"

    def fingerprint(self) -> list[Any]:
        """What identifies the split (note ids, windows and targets) for ``run.json``."""
        return list(self.items)

    def by_unit(self, unit: str = "note") -> UnitDataset:
        """One item per note (or patient) for DP training: see :class:`UnitDataset`."""
        return UnitDataset(self, unit)


class UnitDataset(Dataset):
    """One item per privacy unit (a note or a patient); each read draws one of its windows at random.

    Differentially private training samples and clips *items*. When a note is longer than one window,
    training on windows would make the window the unit of the guarantee (a note of k windows would
    only have k-fold group privacy). Here a note (or all notes of a patient) is one item: each time it
    is read it yields one of its windows, drawn uniformly with torch's RNG (seeded by the engine), so
    every Poisson-sampled unit contributes exactly one clipped gradient per step and the accountant's
    ``N`` and sampling rate are over units. The price: a multi-window note shows one window per step.

    Parameters
    ----------
    windows
        The windowed split (:meth:`_NoteTask.make_dataset`).
    unit
        ``"note"`` or ``"patient"`` (notes without ``patient_id`` count as their own patient).
    """

    def __init__(self, windows: WindowDataset, unit: str = "note") -> None:
        if unit not in _DP_UNITS:
            raise ConfigError(f"dp_unit: unknown value '{unit}' (expected one of {', '.join(_DP_UNITS)}).")
        self.windows = windows
        self.privacy_unit = unit
        self.notes = windows.notes
        self.encodings = windows.encodings
        owner: dict[str, str] = {}
        if unit == "patient":
            if "patient_id" not in windows.notes.columns or windows.notes["patient_id"].isna().any():
                logger.warning("dp_unit='patient': notes without patient_id are counted as their own patient")
            pids = (windows.notes["patient_id"] if "patient_id" in windows.notes.columns
                    else [None] * len(windows.notes))
            owner = {str(rid): (f"patient:{p}" if p is not None and p == p else f"note:{rid}")
                     for rid, p in zip(windows.notes["id"], pids)}
        groups: dict[str, list[int]] = {}
        for i, it in enumerate(windows.items):
            key = owner.get(str(it["id"]), f"note:{it['id']}") if unit == "patient" else str(it["id"])
            groups.setdefault(key, []).append(i)
        self.groups = list(groups.values())

    def __len__(self) -> int:
        return len(self.groups)

    def __getitem__(self, i: int) -> dict[str, Any]:
        g = self.groups[i]
        j = g[int(torch.randint(len(g), (1,)).item())] if len(g) > 1 else g[0]
        return self.windows.items[j]

    @property
    def n_notes(self) -> int:
        """Number of notes."""
        return self.windows.n_notes

    @property
    def n_windows(self) -> int:
        """Number of windows the units draw from."""
        return len(self.windows)

    def fingerprint(self) -> list[Any]:
        """The windows and how they are grouped into units (deterministic; draws nothing)."""
        return [self.privacy_unit, self.groups, self.windows.fingerprint()]


def _unwrap_hf(model: nn.Module) -> nn.Module:
    m: Any = model
    for _ in range(6):
        if hasattr(m, "_module"):  # opacus GradSampleModule
            m = m._module
        elif hasattr(m, "get_base_model"):  # peft
            m = m.get_base_model()
        else:
            break
    return m


_FORWARD_PARAMS: dict[Any, frozenset[str]] = {}


def _forward_params(cls: Any) -> frozenset[str]:
    if cls not in _FORWARD_PARAMS:
        _FORWARD_PARAMS[cls] = frozenset(inspect.signature(cls.forward).parameters)
    return _FORWARD_PARAMS[cls]


class _NoteTask(abc.ABC):
    """Shared mechanics: backbone, tokenizer, windows, batches and prediction aggregation."""

    name = ""
    monitor = "f1"
    monitor_mode = "max"

    def __init__(self, config: EhrConfig, labels: Sequence[str]) -> None:
        self.config = config
        self.labels = list(labels)
        self._tokenizer: Any = None
        self._model_config: Any = None
        self._model_source: Any = None

    # ----------------------------------------------------------- lazy state
    @property
    def tokenizer(self) -> Any:
        """The backbone's fast tokenizer (loaded on first use)."""
        if self._tokenizer is None:
            self._tokenizer = load_tokenizer(self._model_source or self.config.backbone)
        return self._tokenizer

    @property
    def model_config(self) -> Any:
        """The backbone's transformers config (loaded on first use)."""
        if self._model_config is None:
            from transformers import AutoConfig

            src = resolve_backbone(self._model_source or self.config.backbone)
            self._model_config = AutoConfig.from_pretrained(str(src), local_files_only=True)
            for k, v in _overrides(self.config).items():
                setattr(self._model_config, k, v)
        return self._model_config

    @property
    def max_length(self) -> int:
        """Tokens per window including special tokens."""
        n = int(getattr(self.model_config, "max_position_embeddings", 512) or 512)
        if getattr(self.model_config, "model_type", "") in ("roberta", "xlm-roberta", "camembert"):
            n -= 2
        return min(self.config.max_length or min(n, 512), n)

    def _position_offset(self) -> int:
        if getattr(self.model_config, "model_type", "") in ("roberta", "xlm-roberta", "camembert"):
            return int(getattr(self.model_config, "pad_token_id", 1)) + 1
        return 0

    # ----------------------------------------------------------- model
    @abc.abstractmethod
    def _head(self) -> tuple[str, int, dict[int, str], str | None]:
        """(head kind, number of outputs, id2label, problem_type) of the model."""

    def build_model(self) -> nn.Module:
        """The backbone with a fresh task head (pretrained weights unless ``from_scratch``), in train mode."""
        head, n, id2label, problem_type = self._head()
        bb = load_backbone(self._model_source or self.config.backbone, task=head, num_labels=n, id2label=id2label,
                           problem_type=problem_type, from_scratch=self.config.from_scratch,
                           config_overrides=self.config.config_overrides or None)
        self._tokenizer = bb.tokenizer
        self._model_config = bb.model.config
        model = bb.model
        if self.config.freeze_layers:
            freeze_encoder(model, self.config.freeze_layers)
        if self.config.lora:
            model = apply_lora(model, head, r=self.config.lora_r, alpha=self.config.lora_alpha,
                               dropout=self.config.lora_dropout,
                               target_modules=self.config.lora_target_modules or None)
        model.train()
        return model

    # ----------------------------------------------------------- batches
    def _windows_of(self, enc: Encoding) -> list[Any]:
        body = self.max_length - 2
        return make_windows(len(enc), enc.sentence_token_starts, body, min(self.config.stride, body - 1))

    def _wrap_ids(self, ids: np.ndarray) -> list[int]:
        tok = self.tokenizer
        cls_id = tok.cls_token_id if tok.cls_token_id is not None else tok.bos_token_id
        sep_id = tok.sep_token_id if tok.sep_token_id is not None else tok.eos_token_id
        return [int(cls_id)] + [int(x) for x in ids] + [int(sep_id)]

    def collate(self, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Pad a list of windows into one batch.

        ``token_type_ids`` and ``position_ids`` are always explicit (opacus needs a per-sample
        batch dimension on every embedding input of BERT-like models).
        """
        pad = self.tokenizer.pad_token_id or 0
        length = max(len(it["input_ids"]) for it in items)
        n = len(items)
        input_ids = torch.full((n, length), pad, dtype=torch.long)
        attention = torch.zeros((n, length), dtype=torch.long)
        for i, it in enumerate(items):
            ids = it["input_ids"]
            input_ids[i, : len(ids)] = torch.as_tensor(ids, dtype=torch.long)
            attention[i, : len(ids)] = 1
        pos = torch.arange(length, dtype=torch.long).unsqueeze(0).expand(n, length) + self._position_offset()
        batch: dict[str, Any] = {
            "input_ids": input_ids,
            "attention_mask": attention,
            "token_type_ids": torch.zeros((n, length), dtype=torch.long),
            "position_ids": pos.contiguous(),
            "ids": [it["id"] for it in items],
            "window": [it["window"] for it in items],
        }
        self._collate_targets(items, batch, length)
        return batch

    @abc.abstractmethod
    def _collate_targets(self, items: Sequence[dict[str, Any]], batch: dict[str, Any], length: int) -> None:
        """Add the training targets of ``items`` to ``batch``."""

    def _inputs(self, model: nn.Module, batch: dict[str, Any]) -> dict[str, Any]:
        accepted = _forward_params(type(_unwrap_hf(model)))
        keys = ("input_ids", "attention_mask", "token_type_ids", "position_ids")
        return {k: batch[k] for k in keys if k in batch and k in accepted}

    def logits(self, model: nn.Module, batch: dict[str, Any]) -> torch.Tensor:
        """Raw logits of a batch."""
        out = model(**self._inputs(model, batch))
        return out.logits if hasattr(out, "logits") else out[0]

    def run_info(self) -> dict[str, Any]:
        """Facts for ``run.json["task_info"]``: backbone, labels, windowing."""
        info: dict[str, Any] = {"modality": "ehr", "ehr_config": self.config.to_dict(), "labels": list(self.labels),
                                "window_tokens": self.max_length}
        try:
            info["backbone_path"] = str(resolve_backbone(self._model_source or self.config.backbone))
        except Exception:  # noqa: BLE001 - informational only
            info["backbone_path"] = None
        return info

    def load_dataset(self, path: Any) -> WindowDataset:
        """Read and window a split (JSONL/CSV path, DataFrame or Dataset) with its targets."""
        from clinical_sft.ehr._data import load_notes

        return self.make_dataset(load_notes(path, self.name))

    # ----------------------------------------------------------- datasets
    @abc.abstractmethod
    def make_dataset(self, notes: pd.DataFrame, with_targets: bool = True) -> WindowDataset:
        """Tokenize and window notes (a DataFrame from :func:`load_notes`)."""


def freeze_encoder(model: nn.Module, n_layers: int) -> int:
    """Freeze the embeddings and the bottom ``n_layers`` encoder layers (``-1``: the whole base model).

    Works on Hugging Face encoders whose base model has ``embeddings`` and ``encoder.layer`` (BERT,
    RoBERTa, ELECTRA, DeBERTa, ...) or ``transformer.layer`` (DistilBERT). Returns the number of
    frozen parameters.
    """
    base: Any = getattr(model, "base_model", model)
    if n_layers == -1:
        frozen = list(base.parameters())
    else:
        layers = getattr(getattr(base, "encoder", None), "layer", None)
        if layers is None:
            layers = getattr(getattr(base, "transformer", None), "layer", None)
        emb = getattr(base, "embeddings", None)
        if layers is None or emb is None:
            raise ConfigError(f"freeze_layers: cannot find the embeddings and layers of {type(base).__name__}; "
                              "use freeze_layers=-1 (whole encoder) or 0.")
        if n_layers > len(layers):
            raise ConfigError(f"freeze_layers: the model has {len(layers)} layers (got {n_layers}).")
        frozen = list(emb.parameters()) + [p for layer in list(layers)[:n_layers] for p in layer.parameters()]
    for p in frozen:
        p.requires_grad_(False)
    n = int(sum(p.numel() for p in frozen))
    logger.info("froze %d parameters (%s)", n, "whole encoder" if n_layers == -1 else f"embeddings + {n_layers} layers")
    return n


def _overrides(config: EhrConfig) -> dict[str, Any]:
    from clinical_sft.ehr._backbone import _parse_overrides

    return _parse_overrides(config.config_overrides) if config.from_scratch else {}


# =========================================================================== NER
class NerTask(_NoteTask):
    """BIO token classification over sub-word tokens, windows merged back to character spans.

    Parameters
    ----------
    config
        The :class:`EhrConfig` (``task="ner"``).
    entity_types
        Entity labels (``["NAME", "DATE", ...]``); the model's BIO labels are derived from them.
    """

    name = "ner"
    monitor = "f1"
    monitor_mode = "max"

    def __init__(self, config: EhrConfig, entity_types: Sequence[str]) -> None:
        if not entity_types:
            raise InputError("NER: the training notes have no gold spans, so there is no entity type to learn.")
        super().__init__(config, bio_labels(entity_types))
        self.entity_types = sorted(set(entity_types))
        self.label2id = {lab: i for i, lab in enumerate(self.labels)}

    def _head(self) -> tuple[str, int, dict[int, str], str | None]:
        return "ner", len(self.labels), dict(enumerate(self.labels)), None

    def make_dataset(self, notes: pd.DataFrame, with_targets: bool = True) -> WindowDataset:
        items: list[dict[str, Any]] = []
        encodings: dict[str, Encoding] = {}
        has_spans = with_targets and "spans" in notes.columns
        unknown: set[str] = set()
        for rid, text, spans in zip(notes["id"], notes["text"],
                                    notes["spans"] if has_spans else [None] * len(notes)):
            enc = encode_note(text, self.tokenizer, self.config.sentence_splitter)
            encodings[rid] = enc
            if spans is not None:
                known = [s for s in spans if s["label"] in self.entity_types]
                unknown |= {s["label"] for s in spans} - set(self.entity_types)
                tags = spans_to_token_tags(enc.offsets, known)
                tag_ids = np.asarray([self.label2id[t] for t in tags], dtype=np.int64)
            else:
                tag_ids = np.full(len(enc), IGNORE_INDEX, dtype=np.int64)
            for w in self._windows_of(enc):
                items.append({
                    "id": rid, "window": w.index, "tok_start": w.start, "n_tokens": len(enc),
                    "input_ids": self._wrap_ids(enc.input_ids[w.start:w.end]),
                    "labels": [IGNORE_INDEX] + tag_ids[w.start:w.end].tolist() + [IGNORE_INDEX],
                })
        if unknown:
            logger.warning("%d entity type(s) in the data are not among the model's and are ignored", len(unknown))
        return WindowDataset(items, notes, encodings)

    def _collate_targets(self, items: Sequence[dict[str, Any]], batch: dict[str, Any], length: int) -> None:
        labels = torch.full((len(items), length), IGNORE_INDEX, dtype=torch.long)
        for i, it in enumerate(items):
            labels[i, : len(it["labels"])] = torch.as_tensor(it["labels"], dtype=torch.long)
        batch["labels"] = labels
        batch["tok_start"] = [it["tok_start"] for it in items]
        batch["n_tokens"] = [it["n_tokens"] for it in items]

    def per_record_loss(self, model: nn.Module, batch: dict[str, Any]) -> torch.Tensor:
        """Mean token cross-entropy of each window (special and padding tokens ignored), shape ``(B,)``."""
        logits = self.logits(model, batch)
        labels = batch["labels"]
        ce = nn.functional.cross_entropy(logits.transpose(1, 2), labels, ignore_index=IGNORE_INDEX, reduction="none")
        mask = (labels != IGNORE_INDEX).to(ce.dtype)
        return (ce * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def loss(self, model: nn.Module, batch: dict[str, Any]) -> torch.Tensor:
        """Mean over windows of :meth:`per_record_loss`."""
        return self.per_record_loss(model, batch).mean()

    def predict_batch(self, model: nn.Module, batch: dict[str, Any]) -> list[dict[str, Any]]:
        """Per-window token logits (special tokens stripped) with the gold tag ids."""
        logits = self.logits(model, batch).detach().float().cpu().numpy()
        labels = batch["labels"].detach().cpu().numpy()
        lengths = batch["attention_mask"].sum(1).cpu().numpy()
        out = []
        for i, rid in enumerate(batch["ids"]):
            n = int(lengths[i]) - 2
            out.append({"id": rid, "window": int(batch["window"][i]), "tok_start": int(batch["tok_start"][i]),
                        "n_tokens": int(batch["n_tokens"][i]), "logits": logits[i, 1:1 + n],
                        "labels": labels[i, 1:1 + n]})
        return out

    def aggregate(self, predictions: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Merge window predictions per note: token tags (predicted and gold) and tag probabilities."""
        by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for p in predictions:
            by_id[p["id"]].append(p)
        out: dict[str, dict[str, Any]] = {}
        for rid, ws in by_id.items():
            n = ws[0]["n_tokens"]
            logits = merge_window_logits(n, [(w["tok_start"], w["logits"]) for w in ws])
            gold = np.full(n, IGNORE_INDEX, dtype=np.int64)
            for w in ws:
                gold[w["tok_start"]: w["tok_start"] + len(w["labels"])] = w["labels"]
            z = logits - logits.max(-1, keepdims=True)
            prob = np.exp(z)
            prob /= prob.sum(-1, keepdims=True)
            pred = prob.argmax(-1)
            out[rid] = {
                "pred_tags": [self.labels[i] for i in pred],
                "gold_tags": [self.labels[i] if i >= 0 else "O" for i in gold],
                "has_gold": bool((gold >= 0).any()),
                "scores": prob.max(-1),
            }
        return out

    def compute_metrics(self, predictions: list[dict[str, Any]]) -> dict[str, float]:
        """seqeval entity precision/recall/F1, micro overall and per type, over whole notes."""
        agg = self.aggregate(predictions)
        gold = [a["gold_tags"] for a in agg.values() if a["has_gold"]]
        pred = [a["pred_tags"] for a in agg.values() if a["has_gold"]]
        return ner_metrics(gold, pred)

    def predictions_table(self, predictions: list[dict[str, Any]]) -> pd.DataFrame:
        """``id, tp, fp, fn``: exact-match entity counts per note (for ``SubgroupReport``)."""
        rows = []
        for rid, a in self.aggregate(predictions).items():
            tp, fp, fn = entity_counts(a["gold_tags"], a["pred_tags"])
            rows.append({"id": rid, "tp": tp, "fp": fp, "fn": fn})
        return pd.DataFrame(rows, columns=["id", "tp", "fp", "fn"])

    def to_outputs(self, predictions: Sequence[dict[str, Any]], dataset: WindowDataset) -> list[dict[str, Any]]:
        """Character spans per note, in the dataset's note order."""
        agg = self.aggregate(predictions)
        out = []
        for rid, text in zip(dataset.notes["id"], dataset.notes["text"]):
            a = agg[rid]
            enc = dataset.encodings[rid]
            spans = decode_bio(a["pred_tags"], enc.offsets, text, a["scores"], self.config.expand_to_words)
            out.append({"id": rid, "spans": spans})
        return out


# =========================================================================== classification
class ClassificationTask(_NoteTask):
    """Note classification (binary, multi-class, multi-label); long notes pool their window logits.

    Parameters
    ----------
    config
        The :class:`EhrConfig` (``task="classify"``).
    labels
        Class names (strings) in model output order.
    problem
        ``"binary"``, ``"multiclass"`` or ``"multilabel"``.
    label_values
        The original label values (e.g. ``0``/``1`` ints) in the same order, for outputs.
    """

    name = "classify"

    def __init__(self, config: EhrConfig, labels: Sequence[str], problem: str,
                 label_values: Sequence[Any] | None = None) -> None:
        if problem not in ("binary", "multiclass", "multilabel"):
            raise ConfigError(f"problem: unknown value '{problem}' (expected binary, multiclass or multilabel).")
        if problem == "binary" and len(labels) != 2:
            raise InputError(f"Binary classification needs exactly 2 classes (found {len(labels)}).")
        if problem != "multilabel" and len(labels) < 2:
            raise InputError("Classification needs at least 2 classes in the training labels.")
        super().__init__(config, [str(x) for x in labels])
        self.problem = problem
        self.label_values = list(label_values) if label_values is not None else list(self.labels)
        self.monitor = "auroc" if problem != "multiclass" else "f1"
        self.monitor_mode = "max"
        self._index = {str(v): i for i, v in enumerate(self.label_values)}

    @classmethod
    def infer(cls, config: EhrConfig, labels: Sequence[Any]) -> ClassificationTask:
        """The problem type and class list from training labels (lists mean multi-label)."""
        vals = list(labels)
        problem = config.problem
        if problem == "auto":
            problem = "multilabel" if any(isinstance(v, list) for v in vals) else (
                "binary" if len({str(v) for v in vals}) <= 2 else "multiclass")
        if problem == "multilabel":
            names = sorted({str(x) for v in vals for x in (v if isinstance(v, list) else [v])})
            return cls(config, names, problem, names)
        uniq: dict[str, Any] = {}
        for v in vals:
            uniq.setdefault(str(v), v)
        keys = sorted(uniq, key=lambda k: (not _is_number(k), float(k) if _is_number(k) else 0.0, k))
        if problem == "binary" and len(keys) == 2:
            # the positive class goes second (index 1): 1/true/yes/positive, else the later-sorting value
            if keys[0].lower() in _POS and keys[1].lower() not in _POS:
                keys = keys[::-1]
        if problem == "binary" and len(keys) == 1:
            raise InputError("Binary classification: the training labels hold a single class.")
        return cls(config, keys, problem, [uniq[k] for k in keys])

    def run_info(self) -> dict[str, Any]:
        """Base facts plus the problem type and the original label values."""
        info = super().run_info()
        info.update(problem=self.problem, label_values=[_jsonable(v) for v in self.label_values])
        return info

    def _head(self) -> tuple[str, int, dict[int, str], str | None]:
        pt = "multi_label_classification" if self.problem == "multilabel" else "single_label_classification"
        return "classify", len(self.labels), dict(enumerate(self.labels)), pt

    def _target(self, label: Any) -> Any:
        if self.problem == "multilabel":
            vec = np.zeros(len(self.labels), dtype=np.float32)
            for x in label if isinstance(label, list) else [label]:
                if str(x) in self._index:
                    vec[self._index[str(x)]] = 1.0
            return vec
        key = str(label)
        if key not in self._index:
            return -1  # unseen class: scored as wrong
        return self._index[key]

    def make_dataset(self, notes: pd.DataFrame, with_targets: bool = True) -> WindowDataset:
        items: list[dict[str, Any]] = []
        encodings: dict[str, Encoding] = {}
        has = with_targets and "label" in notes.columns
        for rid, text, label in zip(notes["id"], notes["text"], notes["label"] if has else [None] * len(notes)):
            if self.config.expand_abbreviations:
                text = expand_abbreviations(text)
            enc = encode_note(text, self.tokenizer, self.config.sentence_splitter)
            encodings[rid] = enc
            target = self._target(label) if label is not None else None
            for w in self._windows_of(enc):
                items.append({"id": rid, "window": w.index, "input_ids": self._wrap_ids(enc.input_ids[w.start:w.end]),
                              "target": target})
        return WindowDataset(items, notes, encodings)

    def _collate_targets(self, items: Sequence[dict[str, Any]], batch: dict[str, Any], length: int) -> None:
        if any(it["target"] is None for it in items):
            return
        if self.problem == "multilabel":
            batch["targets"] = torch.as_tensor(np.stack([it["target"] for it in items]), dtype=torch.float32)
        else:
            batch["targets"] = torch.as_tensor([it["target"] for it in items], dtype=torch.long)

    def per_record_loss(self, model: nn.Module, batch: dict[str, Any]) -> torch.Tensor:
        """Cross-entropy (mean BCE-with-logits for multi-label) of each window against its note's label."""
        logits = self.logits(model, batch)
        if self.problem == "multilabel":
            return nn.functional.binary_cross_entropy_with_logits(logits, batch["targets"], reduction="none").mean(1)
        return nn.functional.cross_entropy(logits, batch["targets"], ignore_index=-1, reduction="none")

    def loss(self, model: nn.Module, batch: dict[str, Any]) -> torch.Tensor:
        """Mean over windows of :meth:`per_record_loss`."""
        return self.per_record_loss(model, batch).mean()

    def predict_batch(self, model: nn.Module, batch: dict[str, Any]) -> list[dict[str, Any]]:
        """Per-window logits with the note's target."""
        logits = self.logits(model, batch).detach().float().cpu().numpy()
        tg = batch.get("targets")
        tg_np = tg.detach().cpu().numpy() if tg is not None else None
        return [{"id": rid, "window": int(batch["window"][i]), "logits": logits[i],
                 "target": None if tg_np is None else tg_np[i]} for i, rid in enumerate(batch["ids"])]

    def aggregate(self, predictions: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Pool window logits per note (mean or max) and turn them into probabilities."""
        by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for p in predictions:
            by_id[p["id"]].append(p)
        out = {}
        for rid, ws in by_id.items():
            stack = np.stack([w["logits"] for w in ws])
            pooled = stack.mean(0) if self.config.pooling == "mean" else stack.max(0)
            if self.problem == "multilabel":
                prob = 1.0 / (1.0 + np.exp(-pooled))
            else:
                z = np.exp(pooled - pooled.max())
                prob = z / z.sum()
            out[rid] = {"prob": prob, "target": ws[0]["target"], "n_windows": len(ws)}
        return out

    def _arrays(self, agg: dict[str, dict[str, Any]]) -> tuple[list[str], np.ndarray, np.ndarray]:
        ids = [k for k, a in agg.items() if a["target"] is not None]
        probs = np.stack([agg[k]["prob"] for k in ids]) if ids else np.zeros((0, len(self.labels)))
        y = np.stack([np.asarray(agg[k]["target"]) for k in ids]) if ids else np.zeros((0,))
        return ids, probs, y

    def compute_metrics(self, predictions: list[dict[str, Any]]) -> dict[str, float]:
        """AUROC, AUPRC, F1, accuracy and expected calibration error over whole notes."""
        _, probs, y = self._arrays(self.aggregate(predictions))
        if self.problem != "multilabel":
            keep = y >= 0
            if (~keep).any():
                logger.warning("%d note(s) have a class unseen in training; counted as errors", int((~keep).sum()))
                res = classification_metrics(y[keep].astype(int), probs[keep], self.problem, self.config.threshold)
                res["accuracy"] = res.get("accuracy", 0.0) * keep.mean()
                return res
            y = y.astype(int)
        return classification_metrics(y, probs, self.problem, self.config.threshold)

    def predictions_table(self, predictions: list[dict[str, Any]]) -> pd.DataFrame:
        """``id, y_true, y_score, y_pred`` for ``SubgroupReport``.

        Binary: the positive class. Multi-class and multi-label: one-vs-rest on the second class
        (use :meth:`table` with ``report_label`` to choose another).
        """
        return self.table(predictions)

    def table(self, predictions: Sequence[dict[str, Any]], report_label: str | None = None) -> pd.DataFrame:
        """The predictions table, one-vs-rest on ``report_label`` for multi-class/multi-label models."""
        ids, probs, y = self._arrays(self.aggregate(predictions))
        j = 1 if self.problem == "binary" else self._index.get(str(report_label), 1 if len(self.labels) > 1 else 0)
        if self.problem == "multilabel":
            yt = y[:, j].astype(int) if len(ids) else np.zeros(0, dtype=int)
        else:
            yt = (y == j).astype(int) if len(ids) else np.zeros(0, dtype=int)
        score = probs[:, j] if len(ids) else np.zeros(0)
        if self.problem == "multiclass":
            pred = (probs.argmax(1) == j).astype(int) if len(ids) else np.zeros(0, dtype=int)
        else:
            pred = (score >= self.config.threshold).astype(int)
        return pd.DataFrame({"id": ids, "y_true": yt, "y_score": score.astype(float), "y_pred": pred})

    def to_outputs(self, predictions: Sequence[dict[str, Any]], dataset: WindowDataset) -> list[dict[str, Any]]:
        """Label and per-class probabilities per note, in the dataset's note order."""
        agg = self.aggregate(predictions)
        out = []
        for rid in dataset.notes["id"]:
            prob = agg[rid]["prob"]
            scores = {lab: round(float(p), 6) for lab, p in zip(self.labels, prob)}
            if self.problem == "multilabel":
                label: Any = [self.label_values[i] for i, p in enumerate(prob) if p >= self.config.threshold]
            elif self.problem == "binary":
                label = self.label_values[int(prob[1] >= self.config.threshold)]
            else:
                label = self.label_values[int(prob.argmax())]
            out.append({"id": rid, "label": _jsonable(label), "scores": scores})
        return out


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    return v


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def build_task(config: EhrConfig, notes: pd.DataFrame) -> NerTask | ClassificationTask:
    """The task of ``config.task`` with its label set inferred from training notes."""
    if config.task == "ner":
        types = sorted({s["label"] for spans in notes["spans"] for s in spans})
        return NerTask(config, types)
    return ClassificationTask.infer(config, list(notes["label"]))
