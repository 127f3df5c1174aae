"""Text mechanics of note fine-tuning: sentences, sub-word alignment, windows and span decoding.

Everything here works on character offsets into the original note, so predictions always map back
to the text the user gave, whatever the tokenizer does to it.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from clinical_sft.errors import ConfigError

logger = logging.getLogger(__name__)

__all__ = [
    "Encoding",
    "Window",
    "bio_labels",
    "decode_bio",
    "encode_note",
    "make_windows",
    "merge_window_logits",
    "sentence_starts",
    "spans_to_token_tags",
]

IGNORE_INDEX = -100


# --------------------------------------------------------------------------- sentences
@functools.lru_cache(maxsize=2)
def _sentence_nlp(kind: str) -> Any:
    import spacy
    from scispacy.custom_sentence_segmenter import pysbd_sentencizer  # noqa: F401  registers the factory

    # A blank English pipeline + scispaCy's pysbd sentencizer: the segmentation scispaCy ships for
    # clinical and biomedical text, without loading a tagger/parser we do not use.
    nlp = spacy.blank("en")
    nlp.add_pipe("pysbd_sentencizer")
    nlp.max_length = 50_000_000
    logger.info("loaded sentence segmenter (%s)", kind)
    return nlp


_SIMPLE_BOUNDARY = re.compile(r"(?<=[.!?;])\s+(?=\S)|\n\s*\n+|\n(?=\s*[A-Z0-9\-\*•])")


def sentence_starts(text: str, splitter: str = "scispacy") -> list[int]:
    """Character offsets where sentences start (always begins with 0).

    Parameters
    ----------
    text
        The note.
    splitter
        ``"scispacy"`` (scispaCy's pysbd sentencizer, for clinical/biomedical text), ``"simple"``
        (punctuation and line breaks; fast, no model) or ``"none"`` (the note is one sentence).
    """
    if not text:
        return [0]
    if splitter == "none":
        return [0]
    if splitter == "simple":
        starts = [0] + [m.end() for m in _SIMPLE_BOUNDARY.finditer(text)]
    elif splitter == "scispacy":
        doc = _sentence_nlp("scispacy")(text)
        starts = [s.start_char for s in doc.sents]
    else:
        raise ConfigError(f"sentence_splitter: unknown value '{splitter}' (expected 'scispacy', 'simple' or 'none').")
    out = sorted({s for s in starts if 0 <= s < len(text)} | {0})
    return out


# --------------------------------------------------------------------------- tokens
@dataclass(frozen=True)
class Encoding:
    """The sub-word tokens of a whole note (no special tokens) with their character offsets."""

    input_ids: np.ndarray  # (n,) int64
    offsets: np.ndarray  # (n, 2) int64, end-exclusive character offsets
    sentence_token_starts: tuple[int, ...]  # token indices where a sentence starts (first is 0)

    def __len__(self) -> int:
        return int(self.input_ids.shape[0])


def encode_note(text: str, tokenizer: Any, splitter: str = "scispacy") -> Encoding:
    """Tokenize a whole note once with character offsets (requires a fast tokenizer)."""
    if not getattr(tokenizer, "is_fast", False):
        raise ConfigError("backbone tokenizer: a fast (Rust) tokenizer is required for character offsets; "
                          "provide tokenizer.json in the model directory.")
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False,
                    return_attention_mask=False, return_token_type_ids=False, verbose=False)
    ids = np.asarray(enc["input_ids"], dtype=np.int64)
    offs = np.asarray(enc["offset_mapping"], dtype=np.int64).reshape(-1, 2)
    sent_chars = sentence_starts(text, splitter) if len(ids) else [0]
    # first token whose start offset is >= each sentence start
    tok_starts = np.searchsorted(offs[:, 0], np.asarray(sent_chars), side="left") if len(ids) else np.array([0])
    starts = sorted({int(t) for t in tok_starts if 0 <= t < len(ids)} | {0})
    return Encoding(ids, offs, tuple(starts))


# --------------------------------------------------------------------------- windows
@dataclass(frozen=True)
class Window:
    """A contiguous run ``[start, end)`` of a note's tokens that fits the model."""

    index: int
    start: int
    end: int


def make_windows(n_tokens: int, sentence_token_starts: Sequence[int], max_tokens: int,
                 overlap_tokens: int) -> list[Window]:
    """Split ``n_tokens`` into windows of at most ``max_tokens`` that break on sentence starts.

    Consecutive windows overlap by whole sentences of at most ``overlap_tokens`` tokens; a sentence
    longer than a window is cut inside, with ``overlap_tokens`` of token overlap. The windows cover
    every token, each window is non-empty and starts strictly after the previous one.
    """
    if max_tokens < 1:
        raise ConfigError("max_length: must leave at least one token beside the special tokens.")
    if overlap_tokens < 0 or overlap_tokens >= max_tokens:
        raise ConfigError(f"stride: must be in [0, {max_tokens}) tokens (got {overlap_tokens}).")
    if n_tokens <= 0:
        return [Window(0, 0, 0)]
    bounds = sorted({b for b in sentence_token_starts if 0 < b < n_tokens})
    windows: list[Window] = []
    start = 0
    while True:
        limit = start + max_tokens
        if limit >= n_tokens:
            windows.append(Window(len(windows), start, n_tokens))
            break
        # furthest sentence start that keeps the window within max_tokens
        i = int(np.searchsorted(bounds, limit, side="right")) - 1
        end = bounds[i] if i >= 0 and bounds[i] > start else limit
        windows.append(Window(len(windows), start, end))
        # next window: earliest sentence start in (start, end] that leaves <= overlap_tokens of overlap
        j = int(np.searchsorted(bounds, end - overlap_tokens, side="left"))
        nxt = bounds[j] if j < len(bounds) and start < bounds[j] <= end else None
        if nxt is None:
            nxt = max(end - overlap_tokens, start + 1) if end == limit else end
        start = nxt
    return windows


def merge_window_logits(n_tokens: int, windows: Sequence[tuple[int, np.ndarray]]) -> np.ndarray:
    """Per-token logits of a note from its windows' logits.

    ``windows`` holds ``(token_start, logits[len, n_labels])`` pairs. Where windows overlap, each
    token takes the logits of the window in which it sits furthest from an edge (most context).
    """
    if not windows:
        raise ValueError("no windows to merge")
    n_labels = windows[0][1].shape[-1]
    out = np.zeros((n_tokens, n_labels), dtype=np.float32)
    best = np.full(n_tokens, -1, dtype=np.int64)
    for tok_start, logits in windows:
        length = logits.shape[0]
        if length == 0:
            continue
        pos = np.arange(length)
        # distance to the nearest window edge that cuts context (a note's own start/end cuts nothing)
        big = n_tokens + 1
        left = pos if tok_start > 0 else np.full(length, big)
        right = (length - 1 - pos) if tok_start + length < n_tokens else np.full(length, big)
        margin = np.minimum(left, right)
        idx = tok_start + pos
        take = margin > best[idx]
        out[idx[take]] = logits[take]
        best[idx[take]] = margin[take]
    return out


# --------------------------------------------------------------------------- BIO
def bio_labels(entity_types: Sequence[str]) -> list[str]:
    """``["O", "B-T1", "I-T1", ...]`` for the sorted entity types."""
    labels = ["O"]
    for t in sorted(set(entity_types)):
        labels += [f"B-{t}", f"I-{t}"]
    return labels


def spans_to_token_tags(offsets: np.ndarray, spans: Sequence[dict[str, Any]]) -> list[str]:
    """BIO tag of every sub-word token from character spans (a token overlapping a span is inside it).

    The first token of each span is ``B-``; the following tokens of the same span are ``I-``.
    Overlapping gold spans: the earlier-starting (then longer) span wins.
    """
    n = offsets.shape[0]
    tags = ["O"] * n
    if n == 0:
        return tags
    starts = offsets[:, 0]
    ends = offsets[:, 1]
    for sp in sorted(spans, key=lambda s: (int(s["start"]), -int(s["end"]))):
        s, e, lab = int(sp["start"]), int(sp["end"]), str(sp["label"])
        hits = np.nonzero((starts < e) & (ends > s) & (ends > starts))[0]
        free = [int(i) for i in hits if tags[i] == "O"]
        for k, i in enumerate(free):
            tags[i] = ("B-" if k == 0 else "I-") + lab
    return tags


def decode_bio(tags: Sequence[str], offsets: np.ndarray, text: str, scores: Sequence[float] | None = None,
               expand_to_words: bool = True) -> list[dict[str, Any]]:
    """Character spans from per-token BIO tags.

    An ``I-X`` that does not continue an ``X`` entity starts a new one (the lenient conlleval reading).
    With ``expand_to_words`` a span that ends or starts inside a word grows to the whole word, so a
    partly tagged name is never half-kept.
    """
    spans: list[dict[str, Any]] = []
    cur: dict[str, Any] | None = None
    cur_scores: list[float] = []

    def close() -> None:
        nonlocal cur, cur_scores
        if cur is not None:
            cur["score"] = float(np.mean(cur_scores)) if cur_scores else 1.0
            spans.append(cur)
        cur, cur_scores = None, []

    for i, tag in enumerate(tags):
        a, b = int(offsets[i][0]), int(offsets[i][1])
        if b <= a:
            continue
        if tag == "O" or tag[:2] not in ("B-", "I-"):
            close()
            continue
        typ = tag[2:]
        if tag.startswith("B-") or cur is None or cur["label"] != typ:
            close()
            cur = {"start": a, "end": b, "label": typ}
        else:
            cur["end"] = b
        if scores is not None:
            cur_scores.append(float(scores[i]))
    close()
    if expand_to_words:
        for sp in spans:
            s, e = sp["start"], sp["end"]
            while s > 0 and text[s - 1].isalnum() and text[s].isalnum():
                s -= 1
            while e < len(text) and text[e].isalnum() and text[e - 1].isalnum():
                e += 1
            sp["start"], sp["end"] = s, e
        # growing to words can make neighbours touch or overlap: merge same-label overlaps
        merged: list[dict[str, Any]] = []
        for sp in spans:
            if merged and sp["start"] < merged[-1]["end"]:
                last = merged[-1]
                last["end"] = max(last["end"], sp["end"])
                continue
            merged.append(sp)
        spans = merged
    for sp in spans:
        sp["score"] = round(float(sp.get("score", 1.0)), 4)
    return spans
