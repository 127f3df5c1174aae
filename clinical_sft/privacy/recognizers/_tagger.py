"""A token tagger that adds the PHI the rules miss.

The rules find PHI by pattern, lexicon and context; what they miss is mostly a word that is also an
ordinary word used as a name (``WIFE GRACE``), a place or an organisation without a head word. The
tagger scores every token of a note over hashed features: the word, its shape, which lexicons hold it (first or
last name, English, clinical, drug, place), its neighbours within three tokens, the punctuation around it, whether
the note is in capitals, and what the rules already found around it. The model is a linear layer over those
features plus one small hidden layer (16 units) whose units for the token and for its two neighbours feed the
output, a softmax over the classes: the hidden layer learns what the features mean together (a word after a found
name, a number after a found ward), which the linear part alone cannot. Tokens whose PHI probability reaches
``DeidConfig.tagger_min_prob`` (``CLINICAL_MIN_PROB`` for a word of the clinical safe-list) and that no rule
covers are added, labelled with the most probable PHI class. It runs after the rules and the spread, in numpy, at
a fraction of their cost; ``train_tagger(hidden=0)`` trains the linear model alone (scikit-learn).

The shipped weights (``data/phi_tagger.safetensors``) were trained with :func:`train_tagger` on the
gold spans of the synthetic ICU notes in ``tests/data/icu_notes`` and the tests' curated cases (the
benchmark's held-out sets excluded); ``make tagger`` retrains them. Retrain after changing the rules or the lexicons: the rules'
output is one of the features. A hospital with annotated notes can train its own
(``clinical-sft deid train-tagger``) and pass it as ``DeidConfig(tagger=PATH)``.

Weights are plain tensors in a safetensors file: loading one never runs code.

Examples
--------
>>> from clinical_sft.privacy.recognizers import PhiTagger
>>> tagger = PhiTagger.load()  # the shipped weights
>>> tagger.find("SPOKE WITH WIFE GRACE AT BEDSIDE", found=[])  # doctest: +SKIP
[(16, 21, 'NAME', 0.93)]
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import warnings
import zlib
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from clinical_sft.errors import ConfigError, ModelNotFoundError
from clinical_sft.privacy.evaluate import _TOKEN_RE  # the tagger's tokens are the evaluation's
from clinical_sft.privacy.recognizers._lexicons import fold, get_lexicons
from clinical_sft.privacy.recognizers.patterns import (
    _NOT_DATE_BEFORE,
    _next_word,
    _not_date_ratio,
    _prev_words,
    _vent_ratio,
)

__all__ = ["DEFAULT_MIN_PROB", "PhiTagger", "TAGGER_CLASSES", "default_tagger_path", "rules_fingerprint", "train_tagger"]

#: Classes of the tagger: not PHI, then the PHI classes it labels a token with.
TAGGER_CLASSES = ("O", "NAME", "LOCATION", "HOSPITAL", "DATE", "ID")
#: Version of the feature set: weights trained with another version cannot be used.
FEATURE_VERSION = 1
#: Default PHI probability from which a token is added (``DeidConfig.tagger_min_prob``), chosen on validation sets
#: the weights were not trained on: recall is worth more than precision at the project's targets (0.98 / 0.80).
#: For the tagger with a hidden layer (three passes) 0.06 keeps the precision the linear tagger had at 0.12 on
#: those sets, PHI-sparse ones included, with 0.4-0.7 points more recall.
DEFAULT_MIN_PROB = 0.06
#: A word of the clinical safe-list is added only from this PHI probability (the rules' safe words stay safe
#: unless the context is clear).
CLINICAL_MIN_PROB = 0.5
_BAND_4_5 = 3  # the length band of words of four or five letters in _word_info
#: Units of the hidden layer of the shipped tagger (``train_tagger(hidden=...)``; 0 trains the linear model alone).
DEFAULT_HIDDEN = 16

_DIM = 1 << 18
#: Tensors of the hidden layer in a weights file: ``hidden`` (features x units), its bias, and the output layer over
#: the units of the token and of its two neighbours.
_HIDDEN_KEYS = ("hidden", "hidden_bias", "out_weight", "out_bias")
_CLASS_OF = {"NAME": 1, "LOCATION": 2, "ADDRESS": 2, "ZIP": 2, "HOSPITAL": 3, "DATE": 4}
_PAD = np.uint64(1 << 40)
_PRIMES = [np.uint64(p) for p in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5)]
_JOIN_GAP = re.compile(r"[ \t'’.\-]{0,2}")

Hit = tuple[int, int, str, float]


def default_tagger_path() -> Path:
    """The shipped weights (package data)."""
    return Path(str(resources.files("clinical_sft.privacy.recognizers").joinpath("data", "phi_tagger.safetensors")))


def rules_fingerprint() -> str:
    """SHA-256 of the rules' code and word lists (the recognizers package but this module): weights
    record the fingerprint they were trained with, so a test can tell when they need ``make tagger``."""
    import hashlib

    root = resources.files("clinical_sft.privacy.recognizers")
    h = hashlib.sha256()
    names = sorted(f.name for f in root.iterdir() if f.name.endswith(".py") and f.name != "_tagger.py")
    for name in names:
        h.update(name.encode() + b"\0" + root.joinpath(name).read_bytes())
    data = root.joinpath("data")
    for name in sorted(f.name for f in data.iterdir() if f.name.endswith(".txt")):
        h.update(name.encode() + b"\0" + data.joinpath(name).read_bytes())
    return h.hexdigest()


def _crc(s: str) -> int:
    return zlib.crc32(s.encode("utf-8"))


@lru_cache(maxsize=200_000)
def _word_info(tok: str) -> tuple[int, int, int, int, int, int]:
    """(word hash, shape and length, lexicon bits, Zipf band, suffix hash, prefix hash) of a token."""
    lex = get_lexicons()
    f = fold(tok)
    if tok.isdigit():
        shape = 4
    elif tok.isalpha():
        if tok.isupper() and len(tok) > 1:
            shape = 0
        elif tok[:1].isupper() and (len(tok) == 1 or tok[1:].islower()):
            shape = 1
        else:
            shape = 2 if tok.islower() else 3
    else:
        shape = 5
    n = len(tok)
    band = 0 if n == 1 else 1 if n == 2 else 2 if n == 3 else 3 if n <= 5 else 4 if n <= 8 else 5
    bits = (lex.klass(f)
            | (f in lex.first) << 2 | (f in lex.last) << 3
            | lex.is_known_word(f) << 4 | (f in lex.clinical) << 5 | (f in lex.drugs_only) << 6
            | (f in lex.cities) << 7 | (f in lex.minor_places) << 8 | (f in lex.postal_places) << 9
            | (f in lex.neighborhoods) << 10 | (f in lex.countries) << 11 | (f in lex.common) << 12)
    word = "#" * min(len(f), 5) if f.isdigit() else f
    return (_crc(word), shape * 8 + band, bits, int(min(7.0, lex.zipf(f))), _crc("suf" + f[-3:]),
            _crc("pre" + f[:3]))


# rooms, beds and floors counted by number are no PHI ("TRANSFER TO FLOOR 4", "BED 12", "RM 7"): a ward's PHI is its
# name ("FARR 4"), which the rules and the tagger find
_COUNTED_PLACES = frozenset("FLOOR FLR BED BEDS ROOM RM BAY POD STALL LEVEL STATION STA TABLE CHAIR PAGE".split())


def _counted_place(text: str, toks: list[tuple[int, int]], i: int) -> bool:
    """Whether token ``i`` is a number right after a room, a bed or a floor word."""
    s, e = toks[i]
    return i > 0 and text[s:e].isdigit() and text[toks[i - 1][0]:toks[i - 1][1]].upper() in _COUNTED_PLACES \
        and text[toks[i - 1][1]:s] in (" ", "  ", " #", "#")


# modal verbs that are also first names, before a verb's plain form: "DAUGHTER MAY BE COMING", "SON WILL BRING CLOTHES"
_MODALS = frozenset("MAY WILL CAN".split())
_PLAIN_VERBS = frozenset("BE HAVE NEED COME GO GET CALL BRING VISIT STAY TAKE TRY RETURN NOT ALSO ARRIVE "
                         "DRIVE FLY SPEAK TALK SEE MEET WANT".split())


def _modal_verb(text: str, toks: list[tuple[int, int]], i: int) -> bool:
    """Whether token ``i`` is MAY / WILL / CAN right before a verb's plain form (a name there is the rules' to find:
    "SON WILL WILL BRING CLOTHES")."""
    s, e = toks[i]
    return text[s:e].upper() in _MODALS and i + 1 < len(toks) and text[e:toks[i + 1][0]] in (" ", "  ") \
        and text[toks[i + 1][0]:toks[i + 1][1]].upper() in _PLAIN_VERBS


# a number over a number, no year: "PEEP 5/5", "GA 36 1/7", "PAIN 4/10"
_FRACTION = re.compile(r"(?<![\w/.\-])(\d{1,3})/(\d{1,3})(?![\w/]|\.\d)")


def _in_ratio(text: str, toks: list[tuple[int, int]], i: int) -> bool:
    """Whether token ``i`` is a number of an ``a/b`` that the words around read as a setting, a score or a
    gestational age, as the date rules read them: a date there is the rules' to find, not the tagger's."""
    s, e = toks[i]
    if not text[s:e].isdigit():
        return False
    for m in _FRACTION.finditer(text, max(0, s - 4), min(len(text), e + 4)):
        if not (m.start() <= s and e <= m.end()):
            continue
        a, b = int(m.group(1)), int(m.group(2))
        prev = _prev_words(text, m.start(), 2)
        if prev and prev[-1] in _NOT_DATE_BEFORE and (b <= 5 or b == 10 or a > 12):
            return True  # "PEEP 5/5", "STRENGTH 4/5", "BP 90/60"; not "GRAFT TO ARMS 2/11"
        if _vent_ratio(text, m.start(), a, b):
            return True  # "SBT 30 MIN ON 10/5"
        return not (a == b == 2) and _not_date_ratio(text, m.start(), a, "/", b, prev, _next_word(text, m.end()))
    return False


def _gap_code(gap: str) -> int:
    if not gap:
        return 0
    if "\n" in gap:
        return 1
    t = gap.strip()
    return 2 if not t else 3 + _crc(t[:2]) % 29


def _tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def _cover(toks: list[tuple[int, int]], spans: Iterable[tuple[int, int, str]]) -> np.ndarray:
    """Per token, the class of the span covering it (0 none; 5 for the labels without a class)."""
    out = np.zeros(len(toks), dtype=np.uint64)
    if not toks:
        return out
    starts = np.fromiter((s for s, _ in toks), dtype=np.int64, count=len(toks))
    ends = np.fromiter((e for _, e in toks), dtype=np.int64, count=len(toks))
    for s, e, label in spans:
        i0 = int(np.searchsorted(ends, s, side="right"))
        i1 = int(np.searchsorted(starts, e, side="left"))
        out[i0:i1] = _CLASS_OF.get(label, 5)
    return out


def _shift(a: np.ndarray, k: int) -> np.ndarray:
    """``out[i] = a[i + k]``, padded past either end."""
    n = a.shape[0]
    out = np.full(n, _PAD, dtype=np.uint64)
    if k > 0:
        out[:max(0, n - k)] = a[k:]
    elif k < 0:
        out[min(n, -k):] = a[:max(0, n + k)]
    else:
        out[:] = a
    return out


def _mix_many(specs: Sequence[tuple[int, Sequence[np.ndarray]]]) -> list[np.ndarray]:
    """Hash each ``(salt, columns)`` (the columns one value a token each) into feature indices; the specs with as
    many columns are hashed together, one numpy operation a step rather than one a feature."""
    out: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * len(specs)
    groups: dict[int, list[int]] = {}
    for i, (_salt, cols) in enumerate(specs):
        groups.setdefault(len(cols), []).append(i)
    with np.errstate(over="ignore"):
        for width, members in groups.items():
            salts = np.array([specs[i][0] * 1000003 + 7 for i in members], dtype=np.uint64)
            acc = np.repeat(salts[:, None], specs[members[0]][1][0].shape[0], axis=1)
            for j in range(width):
                c = np.stack([specs[i][1][j] for i in members])
                acc = (acc ^ (c + np.uint64(j + 1))) * _PRIMES[j % 4]
                acc ^= acc >> np.uint64(29)
            idx = (acc % np.uint64(_DIM)).astype(np.int64)
            for row, i in enumerate(members):
                out[i] = idx[row]
    return out


def _features(text: str, toks: list[tuple[int, int]], rule: np.ndarray) -> np.ndarray:
    """Feature indices, one row a token; ``rule`` is the class of the rules' span over each token (``_cover``)."""
    n = len(toks)
    info = np.array([_word_info(text[s:e]) for s, e in toks], dtype=np.uint64).reshape(n, 6)
    gaps = np.empty(n + 1, dtype=np.uint64)
    gaps[0] = gaps[n] = 1
    for i in range(1, n):
        gaps[i] = _gap_code(text[toks[i - 1][1]:toks[i][0]])
    letters = sum(map(str.isalpha, text))
    caps = np.full(n, 1 if letters and sum(map(str.isupper, text)) > 0.7 * letters else 0, dtype=np.uint64)
    w, sh, lx, z, suf, pre = (info[:, j] for j in range(6))
    gb, ga = gaps[:n], gaps[1:]
    base = {"w": w, "rule": rule, "lx": lx, "sh": sh}
    shifted: dict[tuple[str, int], np.ndarray] = {}

    def at(name: str, k: int) -> np.ndarray:
        if (name, k) not in shifted:
            shifted[name, k] = _shift(base[name], k)
        return shifted[name, k]

    specs: list[tuple[int, Sequence[np.ndarray]]] = []
    for k in (-3, 3):
        specs += [(60 + k, (at("w", k),)), (70 + k, (at("rule", k),))]
    for k in (-2, -1, 1, 2):
        specs += [(10 + k, (at("w", k),)), (20 + k, (at("rule", k),)), (30 + k, (at("lx", k), at("sh", k)))]
    specs += [
        (1, (w,)), (2, (sh, caps)), (3, (lx,)), (4, (lx, sh, caps)), (5, (z, sh, caps)),
        (6, (rule,)), (7, (rule, lx)), (8, (suf,)), (9, (pre,)),
        (40, (gb,)), (41, (ga,)), (42, (gb, at("w", -1))), (43, (ga, at("w", 1))),
        (44, (at("w", -1), lx)), (45, (at("w", 1), lx)), (46, (at("w", -2), at("w", -1), lx)),
        (47, (at("sh", -1), sh, at("sh", 1))), (48, (at("rule", -1), rule, at("rule", 1))),
        (49, (gb, lx, sh)), (50, (np.zeros(n, dtype=np.uint64),)),
        (51, (at("w", -1), rule)), (52, (at("lx", -1), lx, at("lx", 1))),
        (53, (w, sh)), (54, (at("w", -1), w)), (55, (w, at("w", 1))),
        (56, (at("w", 1), at("w", 2), lx)),
        (57, (sh, caps, at("rule", -1), at("rule", 1))), (58, (z, lx, at("lx", -1))),
    ]
    return np.stack(_mix_many(specs), axis=1)


class PhiTagger:
    """Linear PHI token tagger (see the module docstring).

    Parameters
    ----------
    weights
        ``(len(TAGGER_CLASSES), 2**18)`` feature weights.
    bias
        ``(len(TAGGER_CLASSES),)`` intercepts.
    info
        Free-form provenance written into the weights file (training sets, counts).
    """

    def __init__(self, weights: np.ndarray, bias: np.ndarray, info: dict[str, Any] | None = None,
                 hidden: dict[str, np.ndarray] | None = None) -> None:
        weights = np.asarray(weights, dtype=np.float32)
        bias = np.asarray(bias, dtype=np.float32)
        k = len(TAGGER_CLASSES)
        if weights.shape != (k, _DIM) or bias.shape != (k,):
            raise ConfigError(f"PhiTagger weights must be {(k, _DIM)} and bias "
                              f"{(k,)}, got {weights.shape} and {bias.shape}")
        self.weights = weights
        self.bias = bias
        self.hidden: dict[str, np.ndarray] | None = None
        if hidden is not None:
            h = {name: np.asarray(hidden[name], dtype=np.float32) for name in _HIDDEN_KEYS}
            units = h["hidden"].shape[1] if h["hidden"].ndim == 2 else -1
            shapes = {"hidden": (_DIM, units), "hidden_bias": (units,), "out_weight": (k, 3 * units), "out_bias": (k,)}
            if units < 1 or any(h[name].shape != shape for name, shape in shapes.items()):
                raise ConfigError(f"PhiTagger hidden layer must be {shapes}, got "
                                  f"{ {name: h[name].shape for name in _HIDDEN_KEYS} }")
            # the linear weights and the hidden layer's of a feature side by side: one gather a feature at run time;
            # ``weights`` and ``hidden["hidden"]`` are views of that table (no second copy in each worker)
            self._table = np.ascontiguousarray(np.concatenate([weights.T, h["hidden"]], axis=1))
            self.weights = self._table[:, :k].T
            h["hidden"] = self._table[:, k:]
            self.hidden = h
        self.info = dict(info or {})

    def __repr__(self) -> str:
        units = 0 if self.hidden is None else self.hidden["hidden"].shape[1]
        return (f"PhiTagger(classes={TAGGER_CLASSES}, dim={_DIM}, hidden={units}, "
                f"trained_on={self.info.get('notes', '?')} notes)")

    # -- files ----------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> PhiTagger:
        """Weights from a safetensors file (default: the shipped ones)."""
        from safetensors import safe_open

        p = Path(path) if path is not None else default_tagger_path()
        if not p.is_file():
            raise ModelNotFoundError(
                f"PHI tagger weights not found at {p}: train them with `make tagger` or "
                "`clinical-sft deid train-tagger`, or pass DeidConfig(tagger=False) to run the rules alone.")
        try:
            with safe_open(str(p), framework="numpy") as fh:
                meta = fh.metadata() or {}
                weights = fh.get_tensor("weights")
                bias = fh.get_tensor("bias")
                hidden = {name: fh.get_tensor(name) for name in _HIDDEN_KEYS} if "hidden" in fh.keys() else None
        except Exception as exc:  # a corrupt or foreign file: say which, not what it holds
            raise ModelNotFoundError(f"{p} is not a PHI tagger weights file ({type(exc).__name__})") from None
        if meta.get("feature_version") != str(FEATURE_VERSION):
            raise ModelNotFoundError(f"{p} was trained with tagger features version {meta.get('feature_version')}, "
                                     f"this version reads {FEATURE_VERSION}: retrain it (`make tagger`).")
        return cls(weights, bias, json.loads(meta.get("info", "{}")), hidden)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the weights (float16) to a safetensors file, atomically."""
        from safetensors.numpy import save_file

        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tagger-", suffix=".tmp", dir=p.parent)
        os.close(fd)
        try:
            # C order whatever the layout in memory (with a hidden layer both tables are views of one array)
            tensors: dict[str, np.ndarray] = {"weights": np.ascontiguousarray(self.weights, dtype=np.float16),
                                              "bias": self.bias.astype(np.float32)}
            if self.hidden is not None:
                tensors["hidden"] = np.ascontiguousarray(self.hidden["hidden"], dtype=np.float16)
                tensors.update({name: self.hidden[name].astype(np.float32) for name in _HIDDEN_KEYS[1:]})
            save_file(tensors, tmp,
                      metadata={"feature_version": str(FEATURE_VERSION), "classes": ",".join(TAGGER_CLASSES),
                                "info": json.dumps(self.info, sort_keys=True)})
            os.chmod(tmp, 0o644)
            os.replace(tmp, p)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return p

    # -- scoring --------------------------------------------------------------------------------
    def phi_probability(self, text: str, found: Sequence[tuple[int, int, str, float]] = ()) \
            -> tuple[list[tuple[int, int]], np.ndarray]:
        """The tokens of ``text`` and the probability that each is PHI (one minus that of class O)."""
        toks, _x, _rule, p_phi, _logits = self._phi(text, found)
        return toks, p_phi

    def _phi(self, text: str, found: Sequence[tuple[int, int, str, float]]):
        """Tokens, features, the rules' class per token, PHI probability and (with a hidden layer) class logits."""
        toks = _tokens(text)
        if not toks:
            return toks, None, None, np.zeros(0, dtype=np.float32), None
        rule = _cover(toks, [(s, e, lab) for s, e, lab, *_ in found])
        x = _features(text, toks, rule)
        if self.hidden is None:  # one-vs-rest logistic: the probability that the token is not of class O
            o = self.weights[0, x].sum(axis=1) + self.bias[0]
            return toks, x, rule, 1.0 / (1.0 + np.exp(np.clip(o, -60.0, 60.0))), None
        logits = self._logits(x)
        z = np.exp(logits - logits.max(axis=1, keepdims=True))
        return toks, x, rule, 1.0 - z[:, 0] / z.sum(axis=1), logits

    def _logits(self, x: np.ndarray) -> np.ndarray:
        """Softmax logits of the model with a hidden layer: the linear part plus the hidden units of the token
        and of its two neighbours (zeros past either end of the note)."""
        assert self.hidden is not None
        hd = self.hidden
        k = len(TAGGER_CLASSES)
        summed = self._table[x].sum(axis=1)
        h = np.maximum(summed[:, k:] + hd["hidden_bias"], 0.0)
        prev = np.zeros_like(h)
        prev[1:] = h[:-1]
        nxt = np.zeros_like(h)
        nxt[:-1] = h[1:]
        return summed[:, :k] + self.bias + np.concatenate([h, prev, nxt], axis=1) @ hd["out_weight"].T + hd["out_bias"]

    def find(self, text: str, found: Sequence[tuple[int, int, str, float]] = (), min_prob: float = DEFAULT_MIN_PROB) \
            -> list[Hit]:
        """Spans to add: runs of tokens no ``found`` span covers whose PHI probability is ``>= min_prob``."""
        return self.find_at(text, found, [min_prob])[0]

    def find_at(self, text: str, found: Sequence[tuple[int, int, str, float]], min_probs: Sequence[float]) \
            -> list[list[Hit]]:
        """:meth:`find` at each of ``min_probs``, the note scored once."""
        toks, x, rule, p_phi, logits = self._phi(text, found)
        if x is None or rule is None:
            return [[] for _ in min_probs]
        # tokens no rule covers that reach the lowest threshold; a word of the clinical safe-list (ED, HOSPICE, NH)
        # or one of the most frequent English words of four or five letters (WILL, WITH, FROM: Zipf 6 and over)
        # needs a surer score (the short ones, OF, AND, THE, join the words of a name or a date: "ED AND JUNE
        # KASPAR", "THE 21ST")
        cand = np.flatnonzero((p_phi >= min(min_probs, default=1.0)) & (rule == 0))
        cand = cand[[not (_counted_place(text, toks, i) or _in_ratio(text, toks, i) or _modal_verb(text, toks, i))
                     for i in cand.tolist()]] \
            if cand.size else cand
        infos = [_word_info(text[toks[i][0]:toks[i][1]]) for i in cand.tolist()]
        floor = np.array([CLINICAL_MIN_PROB if info[2] >> 5 & 1 or (info[3] >= 6 and info[1] % 8 == _BAND_4_5)
                          else 0.0 for info in infos])
        cls = np.zeros(len(toks), dtype=np.int64)
        if cand.size:
            scores = logits[cand, 1:] if logits is not None else self.weights[1:, x[cand]].sum(axis=2).T + self.bias[1:]
            cls[cand] = scores.argmax(axis=1) + 1
        return [self._runs(text, toks, p_phi, cls, cand[p_phi[cand] >= np.maximum(floor, mp)]) if cand.size else []
                for mp in min_probs]

    @staticmethod
    def _runs(text: str, toks: list[tuple[int, int]], p_phi: np.ndarray, cls: np.ndarray, idx: np.ndarray) -> list[Hit]:
        """The tokens ``idx`` as spans, consecutive tokens of one class joined."""
        out: list[Hit] = []
        for i in idx.tolist():
            s, e = toks[i]
            label, score = TAGGER_CLASSES[int(cls[i])], float(p_phi[i])
            if out and out[-1][2] == label and toks[i - 1][1] == out[-1][1] \
                    and _JOIN_GAP.fullmatch(text, out[-1][1], s):
                out[-1] = (out[-1][0], e, label, min(out[-1][3], score))  # "GRACE ANN", "O'NEIL"
            else:
                out.append((s, e, label, score))
        return out


def _rows(docs: Iterable[dict[str, Any]], found_fn: Callable[[str], Sequence[tuple[int, int, str, float]]] | None):
    for d in docs:
        text = d["text"]
        toks = _tokens(text)
        if not toks:
            continue
        found = found_fn(text) if found_fn is not None else d.get("found", ())
        x = _features(text, toks, _cover(toks, [(s, e, lab) for s, e, lab, *_ in found]))
        y = _cover(toks, [(s["start"], s["end"], s["label"]) for s in d["spans"]]).astype(np.int64)
        yield x, y, float(d.get("weight", 1.0))


def train_tagger(docs: Iterable[dict[str, Any]],
                 found_fn: Callable[[str], Sequence[tuple[int, int, str, float]]] | None = None, *,
                 hidden: int = DEFAULT_HIDDEN, epochs: int = 3, lr: float = 2e-3,
                 alpha: float = 2e-6, max_iter: int = 15, random_state: int = 0,
                 info: dict[str, Any] | None = None) -> PhiTagger:
    """Train a :class:`PhiTagger` on gold notes.

    Parameters
    ----------
    docs
        Gold notes: ``{"text", "spans": [{"start", "end", "label"}]}`` (the format of
        ``clinical-sft deid eval --gold``); a note may carry ``"found"`` (the rules' spans,
        ``[start, end, label, score]``) when ``found_fn`` is None, and ``"weight"`` (of its tokens; 1).
    found_fn
        ``found_fn(text)`` -> the spans the rules find (what the tagger will see at run time), e.g.
        ``Deidentifier(DeidConfig(tagger=False)).analyze`` as tuples.
    hidden, epochs, lr
        Units of the hidden layer (0: the linear model alone), passes over the notes and Adam's learning rate
        (torch, softmax cross-entropy over the classes, seeded by ``random_state``). Three passes fit the
        curated hard cases (weight 5) and generalise as well as two to notes held out (chosen on validation sets).
    alpha, max_iter
        Of the linear model alone (``hidden=0``): scikit-learn's ``SGDClassifier`` (logistic loss, one-vs-rest, L2).
    """
    xs, ys, ws = [], [], []
    notes = 0
    for x, y, w in _rows(docs, found_fn):
        xs.append(x)
        ys.append(y)
        ws.append(np.full(y.shape[0], w, dtype=np.float64))
        notes += 1
    if not xs:
        raise ConfigError("train_tagger needs at least one note with text")
    if hidden < 0 or epochs < 1:
        raise ConfigError(f"train_tagger: hidden must be >= 0 and epochs >= 1, got {hidden} and {epochs}")
    y = np.concatenate(ys)
    meta: dict[str, Any] = {"notes": notes, "tokens": int(y.size), "phi_tokens": int((y > 0).sum()),
                            "rules_fingerprint": rules_fingerprint()}
    if hidden:
        weights, bias, layer = _fit_hidden(xs, ys, ws, hidden, epochs, lr, random_state)
        meta.update({"hidden": hidden, "epochs": epochs, "lr": lr})
    else:
        weights, bias = _fit_linear(np.concatenate(xs), y, np.concatenate(ws), alpha, max_iter, random_state)
        layer = None
        meta.update({"alpha": alpha, "max_iter": max_iter})
    meta.update(info or {})
    return PhiTagger(weights, bias, meta, layer)


def _fit_linear(x: np.ndarray, y: np.ndarray, w: np.ndarray, alpha: float, max_iter: int,
                random_state: int) -> tuple[np.ndarray, np.ndarray]:
    import scipy.sparse as sp
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDClassifier

    k = x.shape[1]
    m = sp.csr_matrix((np.ones(x.size, dtype=np.float32), x.ravel(), np.arange(0, x.size + 1, k)),
                      shape=(x.shape[0], _DIM))
    m.sum_duplicates()
    m.data[:] = 1.0
    clf = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=max_iter, tol=1e-4, random_state=random_state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(m, y, sample_weight=w)
    weights = np.zeros((len(TAGGER_CLASSES), _DIM), dtype=np.float32)
    bias = np.full(len(TAGGER_CLASSES), -30.0, dtype=np.float32)  # a class absent from the gold never wins
    coef, intercept = clf.coef_, clf.intercept_
    if len(clf.classes_) == 2:  # binary: scikit-learn keeps one vector, for the second class
        coef, intercept = np.vstack([-coef[0], coef[0]]), np.array([-intercept[0], intercept[0]])
    for row, c in enumerate(clf.classes_):
        weights[int(c)] = coef[row]
        bias[int(c)] = intercept[row]
    return weights, bias


def _fit_hidden(xs: list[np.ndarray], ys: list[np.ndarray], ws: list[np.ndarray], units: int, epochs: int, lr: float,
                random_state: int) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The linear part and a hidden layer trained together (torch); returns what :class:`PhiTagger` takes."""
    import torch

    k = len(TAGGER_CLASSES)
    gen = torch.Generator().manual_seed(random_state)
    lin = torch.nn.EmbeddingBag(_DIM, k, mode="sum", sparse=True)
    emb = torch.nn.EmbeddingBag(_DIM, units, mode="sum", sparse=True)
    with torch.no_grad():
        lin.weight.zero_()
        emb.weight.normal_(0.0, 0.02, generator=gen)
    b_lin = torch.nn.Parameter(torch.zeros(k))
    b_hid = torch.nn.Parameter(torch.zeros(units))
    out = torch.nn.Linear(3 * units, k)
    with torch.no_grad():
        bound = 1.0 / np.sqrt(3 * units)
        out.weight.uniform_(-bound, bound, generator=gen)
        out.bias.uniform_(-bound, bound, generator=gen)
    # a note of weight w counts as round(w) copies (Adam scales each step, so a weight in the loss alone hardly
    # changes what a few hundred heavy curated cases teach); what is left of w stays a weight in the loss
    reps = [max(1, round(float(wt[0]))) if wt.size else 1 for wt in ws]
    xs = [a for a, r in zip(xs, reps, strict=True) for _ in range(r)]
    ys = [a for a, r in zip(ys, reps, strict=True) for _ in range(r)]
    ws = [a / r for a, r in zip(ws, reps, strict=True) for _ in range(r)]
    x = torch.from_numpy(np.concatenate(xs).astype(np.int64))
    y = torch.from_numpy(np.concatenate(ys).astype(np.int64))
    w = torch.from_numpy(np.concatenate(ws).astype(np.float32))
    note = torch.from_numpy(np.repeat(np.arange(len(ys)), [len(t) for t in ys]))  # the note of each token
    n, f = x.shape
    sparse_opt = torch.optim.SparseAdam([lin.weight, emb.weight], lr=lr)
    dense_opt = torch.optim.Adam([b_lin, b_hid, *out.parameters()], lr=lr)

    def logits(xb: torch.Tensor, nb: torch.Tensor) -> torch.Tensor:
        flat = xb.reshape(-1)
        offsets = torch.arange(0, flat.numel(), f)
        h = torch.relu(emb(flat, offsets) + b_hid)
        prev = torch.zeros_like(h)
        prev[1:] = h[:-1] * (nb[1:] == nb[:-1]).unsqueeze(1)
        nxt = torch.zeros_like(h)
        nxt[:-1] = h[1:] * (nb[1:] == nb[:-1]).unsqueeze(1)
        return lin(flat, offsets) + b_lin + out(torch.cat([h, prev, nxt], dim=1))

    chunk = 2048  # tokens in reading order, so that a token's neighbours are in its batch
    starts = np.arange(0, n, chunk)
    rng = np.random.default_rng(random_state)
    for _ in range(epochs):
        for c in rng.permutation(starts).tolist():
            sl = slice(c, min(n, c + chunk))
            loss = (torch.nn.functional.cross_entropy(logits(x[sl], note[sl]), y[sl], reduction="none")
                    * w[sl]).mean()
            sparse_opt.zero_grad()
            dense_opt.zero_grad()
            loss.backward()
            sparse_opt.step()
            dense_opt.step()
    with torch.no_grad():
        layer = {"hidden": emb.weight.numpy().copy(), "hidden_bias": b_hid.numpy().copy(),
                 "out_weight": out.weight.numpy().copy(), "out_bias": out.bias.numpy().copy()}
        return lin.weight.numpy().T.copy(), b_lin.numpy().copy(), layer
