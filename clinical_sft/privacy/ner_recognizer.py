"""A fine-tuned PHI tagger as one more presidio recognizer of the text de-identifier.

The model directory is what ``clinical-sft ehr train --task ner`` writes (Hugging Face layout:
``config.json`` with ``id2label`` in BIO form, ``model.safetensors``, a fast tokenizer and
``label_map.json``). It is loaded here with ``transformers`` directly (privacy does not import the
ehr package). Long notes are read in overlapping windows; each token keeps the prediction of the
window where it has the most context, and BIO tags become character spans of the original text.

Examples
--------
>>> from clinical_sft.privacy import DeidConfig, Deidentifier
>>> deid = Deidentifier(DeidConfig(ner_model="runs/phi-ner"))  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from clinical_sft.errors import ConfigError, ModelNotFoundError

__all__ = ["DEFAULT_LABEL_MAP", "PhiNerRecognizer"]

logger = logging.getLogger(__name__)

#: Gold labels of the synthetic cohort (and common i2b2 names) -> the de-identifier's labels.
DEFAULT_LABEL_MAP: dict[str, str] = {
    "CITY": "LOCATION", "STATE": "LOCATION", "COUNTRY": "LOCATION", "STREET": "ADDRESS", "FAX": "PHONE",
    "IP": "IP_ADDRESS", "PATIENT": "NAME", "DOCTOR": "NAME", "USERNAME": "ID", "MEDICALRECORD": "ID",
    "IDNUM": "ID", "ORGANIZATION": "HOSPITAL", "EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE",
}


class PhiNerRecognizer(EntityRecognizer):
    """presidio recognizer around a fine-tuned token-classification model.

    Parameters
    ----------
    model_dir
        The trained model directory (``clinical-sft ehr train --task ner --out DIR``).
    min_score
        Spans whose mean token probability is below this are dropped here (default 0: the
        de-identifier's own ``DeidConfig.min_score`` is the one threshold).
    label_map
        Model entity label -> de-identifier label (default :data:`DEFAULT_LABEL_MAP`; unknown
        labels pass through unchanged).
    max_length, stride
        Tokens per window (special tokens included; default: the model's limit, at most 512) and
        tokens shared by consecutive windows.
    batch_size
        Windows per forward pass.
    device
        ``"cpu"`` or ``"cuda"``.
    """

    def __init__(self, model_dir: str | Path, *, min_score: float = 0.0, label_map: Mapping[str, str] | None = None,
                 max_length: int | None = None, stride: int = 64, batch_size: int = 8, device: str = "cpu",
                 name: str = "PhiNerRecognizer") -> None:
        self.model_dir = Path(model_dir)
        self._rec_name = name
        if not 0.0 <= min_score <= 1.0:
            raise ConfigError(f"PhiNerRecognizer.min_score must be in [0, 1], got {min_score}")
        if stride < 0:
            raise ConfigError(f"PhiNerRecognizer.stride must be >= 0, got {stride}")
        self.min_score = float(min_score)
        self.label_map = dict(DEFAULT_LABEL_MAP if label_map is None else label_map)
        self.max_length = max_length
        self.stride = stride
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._id2label = self._read_labels()
        types = sorted({lab[2:] for lab in self._id2label.values() if lab[:2] in ("B-", "I-")})
        entities = sorted({self.label_map.get(t, t) for t in types})
        super().__init__(supported_entities=entities, name=name, supported_language="en")

    def _read_labels(self) -> dict[int, str]:
        cfg = self.model_dir / "config.json"
        if not cfg.is_file():
            raise ModelNotFoundError(f"PHI NER model {self.model_dir}: no config.json; pass the output directory of "
                                     "`clinical-sft ehr train --task ner`.")
        try:
            id2label = json.loads(cfg.read_text("utf-8")).get("id2label") or {}
        except json.JSONDecodeError as e:
            raise ModelNotFoundError(f"PHI NER model {self.model_dir}: config.json is not valid JSON "
                                     f"(line {e.lineno}).") from None
        lm = self.model_dir / "label_map.json"
        if lm.is_file():
            labels = json.loads(lm.read_text("utf-8")).get("labels")
            if labels:
                id2label = dict(enumerate(labels))
        out = {int(k): str(v) for k, v in id2label.items()}
        if not any(v[:2] in ("B-", "I-") for v in out.values()):
            raise ConfigError(f"PHI NER model {self.model_dir}: its labels are not BIO tags (is it an NER model?).")
        return out

    def load(self) -> None:
        """presidio calls this at construction; the weights load lazily on first analysis instead."""
        return None

    def _ensure(self) -> None:
        if self._model is not None:
            return
        with self._lock:
            if self._model is not None:
                return
            import os

            import torch
            from transformers import AutoModelForTokenClassification, AutoTokenizer

            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            tok = AutoTokenizer.from_pretrained(str(self.model_dir), local_files_only=True)
            if not getattr(tok, "is_fast", False):
                raise ConfigError(f"PHI NER model {self.model_dir}: a fast tokenizer (tokenizer.json) is needed.")
            model = AutoModelForTokenClassification.from_pretrained(str(self.model_dir), local_files_only=True)
            model.eval().to(self.device)
            limit = int(getattr(model.config, "max_position_embeddings", 512) or 512)
            if getattr(model.config, "model_type", "") in ("roberta", "xlm-roberta", "camembert"):
                limit -= 2
            self.max_length = min(self.max_length or 512, limit, 512)
            self._torch = torch
            self._tokenizer = tok
            self._model = model
            logger.info("PHI NER model loaded (%d labels)", len(self._id2label))

    # ------------------------------------------------------------------ inference
    def _token_probs(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Offsets ``(n, 2)`` and label probabilities ``(n, L)`` of the note's tokens, windows merged."""
        torch = self._torch
        tok = self._tokenizer
        assert self.max_length is not None
        body = self.max_length - 2
        cls_id = tok.cls_token_id if tok.cls_token_id is not None else tok.bos_token_id
        sep_id = tok.sep_token_id if tok.sep_token_id is not None else tok.eos_token_id
        enc = tok(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False)
        ids = enc["input_ids"]
        offsets = np.asarray(enc["offset_mapping"], dtype=np.int64).reshape(-1, 2)
        n = len(ids)
        n_labels = len(self._id2label)
        if n == 0:
            return offsets, np.zeros((0, n_labels), dtype=np.float32)
        stride = min(self.stride, body - 1)
        starts = list(range(0, max(n - body, 0) + 1, body - stride))
        if starts[-1] + body < n:
            starts.append(n - body)
        probs = np.zeros((n, n_labels), dtype=np.float32)
        best = np.full(n, -1, dtype=np.int64)
        for b in range(0, len(starts), self.batch_size):
            chunk = starts[b:b + self.batch_size]
            seqs = [[cls_id, *ids[s:s + body], sep_id] for s in chunk]
            width = max(len(x) for x in seqs)
            pad = tok.pad_token_id or 0
            input_ids = torch.full((len(seqs), width), pad, dtype=torch.long)
            mask = torch.zeros((len(seqs), width), dtype=torch.long)
            for i, x in enumerate(seqs):
                input_ids[i, : len(x)] = torch.tensor(x)
                mask[i, : len(x)] = 1
            with torch.inference_mode():
                logits = self._model(input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device)).logits
            p = torch.softmax(logits.float(), -1).cpu().numpy()
            for i, s in enumerate(chunk):
                length = min(body, n - s)
                pos = np.arange(length)
                big = n + 1
                left = pos if s > 0 else np.full(length, big)
                right = (length - 1 - pos) if s + length < n else np.full(length, big)
                margin = np.minimum(left, right)
                idx = s + pos
                take = margin > best[idx]
                probs[idx[take]] = p[i, 1:1 + length][take]  # position 0 is the [CLS]-like token
                best[idx[take]] = margin[take]
        return offsets, probs

    def find(self, text: str) -> list[tuple[int, int, str, float]]:
        """``[(start, end, label, score)]`` of the PHI the model tags in ``text`` (de-identifier labels)."""
        self._ensure()
        offsets, probs = self._token_probs(text)
        out: list[tuple[int, int, str, float]] = []
        cur: list[Any] | None = None
        for i in range(len(offsets)):
            a, b = int(offsets[i][0]), int(offsets[i][1])
            if b <= a:
                continue
            tag = self._id2label[int(probs[i].argmax())]
            score = float(probs[i].max())
            if tag[:2] not in ("B-", "I-"):
                if cur is not None:
                    out.append(self._close(cur, text))
                cur = None
                continue
            typ = tag[2:]
            if tag.startswith("B-") or cur is None or cur[2] != typ:
                if cur is not None:
                    out.append(self._close(cur, text))
                cur = [a, b, typ, [score]]
            else:
                cur[1] = b
                cur[3].append(score)
        if cur is not None:
            out.append(self._close(cur, text))
        return [s for s in out if s[3] >= self.min_score]

    def _close(self, cur: list[Any], text: str) -> tuple[int, int, str, float]:
        s, e, typ, scores = cur
        while s > 0 and text[s - 1].isalnum() and text[s].isalnum():
            s -= 1
        while e < len(text) and text[e].isalnum() and text[e - 1].isalnum():
            e += 1
        return s, e, self.label_map.get(typ, typ), float(np.mean(scores))

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                ) -> list[RecognizerResult]:
        """presidio entry point: the tagged spans as ``RecognizerResult``s."""
        wanted = set(entities) if entities else None
        results = []
        rec_name = self._rec_name
        for s, e, label, score in self.find(text):
            if wanted is not None and label not in wanted:
                continue
            results.append(RecognizerResult(label, s, e, score, recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: rec_name, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return results

    def __getstate__(self) -> dict[str, Any]:
        # picklable for worker processes: the model reloads lazily in each worker
        state = dict(self.__dict__)
        state.update(_model=None, _tokenizer=None, _lock=None)
        state.pop("_torch", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()


def phi_ner_factory(model_dir: str | Path, **options: Any) -> PhiNerRecognizer:
    """Factory registered as ``phi_ner`` in :mod:`clinical_sft.privacy.recognizers`."""
    return PhiNerRecognizer(model_dir, **options)
