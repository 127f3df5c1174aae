"""Evaluation of de-identification against gold PHI spans.

Three levels, each category-blind (any predicted label counts: a missed name is a leak whatever
it was called) and per label:

``span_exact``
    a gold span is found when a predicted span has exactly its offsets (and, per label, its label).
``span_overlap``
    a gold span is found when any predicted span overlaps it; a predicted span is correct when it
    overlaps any gold span. Recall counts gold spans, precision counts predicted spans.
``token``
    the gold text is cut into tokens (runs of letters and digits; punctuation and whitespace are
    separators); a token is PHI when a gold span overlaps it and predicted when a predicted span
    overlaps it. Category-blind token recall is the privacy number.

Per label, ``precision``/``recall``/``f1`` require the labels to agree (after ``labels_map``),
and ``blind_recall`` says how much of that gold label was caught by a prediction of any label.

Readers: the project's gold JSONL (``{"id", "text", "spans": [{"start", "end", "label"}]}``),
presidio-research JSON (a list of ``{"full_text", "spans": [{"entity_type", "start_position",
"end_position", ...}]}``), and a de-identification run's ``audit.jsonl`` (one row per predicted
span: ``{"id", "start", "end", "label", ...}``) as predictions.

Example
-------
>>> gold = [{"id": "1", "text": "Seen by Dr. Ana Ruiz on 7/22.",
...          "spans": [{"start": 12, "end": 20, "label": "NAME"}, {"start": 24, "end": 28, "label": "DATE"}]}]
>>> pred = [{"id": "1", "spans": [{"start": 12, "end": 15, "label": "NAME"}]}]
>>> ev = evaluate_spans(gold, pred)
>>> ev.levels["token"]["ALL"].recall   # 'Ana' found; 'Ruiz', '7', '22' missed
0.25
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clinical_sft.data.schemas import iter_gold_jsonl, validate_gold_record
from clinical_sft.errors import ConfigError, InputError, RecordError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COARSE_LABELS",
    "LABEL_ALIASES",
    "LEVELS",
    "PRESIDIO_RESEARCH_LABELS",
    "DeidEvaluation",
    "PRF",
    "evaluate_deidentifier",
    "evaluate_spans",
    "evaluate_tagger_thresholds",
    "read_audit",
    "read_gold",
    "read_predictions",
    "read_presidio_research",
    "to_presidio_research",
]

logger = logging.getLogger(__name__)

LEVELS: tuple[str, ...] = ("span_exact", "span_overlap", "token")
ALL = "ALL"
ALL_STRICT = "ALL_STRICT"

LABEL_ALIASES: dict[str, str] = {
    "PERSON": "NAME", "PATIENT": "NAME", "DOCTOR": "NAME", "RELATIVE": "NAME", "USERNAME": "NAME",
    "PER": "NAME", "NAME": "NAME",
    "DATE_TIME": "DATE", "DATE": "DATE",
    "PHONE_NUMBER": "PHONE", "TELEPHONE": "PHONE", "PAGER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "US_SSN": "SSN",
    "IP_ADDRESS": "IP",
    "DOMAIN_NAME": "URL", "WEB": "URL",
    "STREET_ADDRESS": "ADDRESS", "STREET": "ADDRESS",
    "ZIP_CODE": "ZIP",
    "MEDICALRECORD": "ID", "MRN": "ID", "MEDICAL_RECORD_NUMBER": "ID", "IDNUM": "ID", "ACCOUNT": "ID",
    "HEALTHPLAN": "ID", "LICENSE": "ID", "DEVICE": "ID", "BIOID": "ID", "US_DRIVER_LICENSE": "ID",
    "MEDICAL_LICENSE": "ID", "US_PASSPORT": "ID", "US_BANK_NUMBER": "ID", "CREDIT_CARD": "ID",
    "IBAN_CODE": "ID", "US_ITIN": "ID", "VEHICLE": "ID",
    "FACILITY": "HOSPITAL", "ORGANIZATION_HEALTHCARE": "HOSPITAL",
    "GPE": "LOCATION", "LOC": "LOCATION", "LOCATION_OTHER": "LOCATION",
}
"""Label spellings of presidio, i2b2 2014 and others, folded onto the project's gold labels.

Applied to gold and predictions before per-label scoring (category-blind scores do not depend on
labels). ``labels_map`` entries override these; a ``None`` value drops the label.
"""

PRESIDIO_RESEARCH_LABELS: dict[str, str | None] = {
    "PERSON": "NAME", "STREET_ADDRESS": "ADDRESS", "GPE": "LOCATION", "ORGANIZATION": "ORGANIZATION",
    "CREDIT_CARD": "ID", "DATE_TIME": "DATE", "PHONE_NUMBER": "PHONE", "AGE": "AGE",
    "EMAIL_ADDRESS": "EMAIL", "ZIP_CODE": "ZIP", "DOMAIN_NAME": "URL", "IBAN_CODE": "ID", "US_SSN": "SSN",
    "IP_ADDRESS": "IP", "US_DRIVER_LICENSE": "ID",
    "TITLE": None,  # honorifics and job titles ("Dr.", "Packager"): not identifiers
    "NRP": None,    # nationality, religious or political group: not an identifier
}
"""Default mapping for presidio-research gold (``read_presidio_research``): drops TITLE and NRP."""

COARSE_LABELS: dict[str, str | None] = {
    "ADDRESS": "LOCATION", "CITY": "LOCATION", "STATE": "LOCATION", "ZIP": "LOCATION", "COUNTRY": "LOCATION",
    "LOCATION": "LOCATION", "ORGANIZATION": "LOCATION", "HOSPITAL": "LOCATION",
    "FAX": "CONTACT", "EMAIL": "CONTACT", "URL": "CONTACT", "IP": "CONTACT", "PHONE": "CONTACT",
    "SSN": "ID",
}
"""A coarser label set (i2b2-style categories) for per-label scores when a de-identifier does not
tell cities from streets or faxes from phones: LOCATION, CONTACT, ID, NAME, DATE, AGE."""

_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)


# ------------------------------------------------------------------------------------------------
# results
# ------------------------------------------------------------------------------------------------


def _div(a: int, b: int) -> float:
    return a / b if b else math.nan


@dataclass(frozen=True)
class PRF:
    """Counts and scores at one level for one label (or all labels).

    ``tp_gold`` counts gold units found, ``tp_pred`` predicted units that are correct (they differ
    only at span-overlap level, where one prediction may cover two gold spans). ``blind_tp_gold``
    counts gold units of this label found by a prediction of any label. Scores are NaN where the
    denominator is zero.
    """

    n_gold: int = 0
    n_pred: int = 0
    tp_gold: int = 0
    tp_pred: int = 0
    blind_tp_gold: int = 0

    @property
    def tp(self) -> int:
        return self.tp_gold

    @property
    def fn(self) -> int:
        return self.n_gold - self.tp_gold

    @property
    def fp(self) -> int:
        return self.n_pred - self.tp_pred

    @property
    def precision(self) -> float:
        return _div(self.tp_pred, self.n_pred)

    @property
    def recall(self) -> float:
        return _div(self.tp_gold, self.n_gold)

    @property
    def blind_recall(self) -> float:
        return _div(self.blind_tp_gold, self.n_gold)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        if math.isnan(p) or math.isnan(r) or p + r == 0:
            return math.nan if (math.isnan(p) or math.isnan(r)) else 0.0
        return 2 * p * r / (p + r)

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.n_gold + other.n_gold, self.n_pred + other.n_pred, self.tp_gold + other.tp_gold,
                   self.tp_pred + other.tp_pred, self.blind_tp_gold + other.blind_tp_gold)

    def to_dict(self) -> dict[str, Any]:
        def r(x: float) -> float | None:
            return None if math.isnan(x) else round(x, 6)

        return {
            "n_gold": self.n_gold, "n_pred": self.n_pred, "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": r(self.precision), "recall": r(self.recall), "f1": r(self.f1),
            "blind_recall": r(self.blind_recall),
        }


@dataclass
class DeidEvaluation:
    """The result of :func:`evaluate_spans`.

    Attributes
    ----------
    levels
        ``{level: {label: PRF}}`` for ``span_exact``, ``span_overlap`` and (when gold texts are
        known) ``token``; label ``"ALL"`` is category-blind, ``"ALL_STRICT"`` the micro-average
        with labels required to agree.
    records
        Per gold record: ``{"id", level: {label: PRF}}`` (category-blind under ``"ALL"``).
    n_docs, n_missing_pred, n_extra_pred
        Gold records; gold records without any prediction record; prediction records whose id is
        not in the gold (ignored).
    elapsed_s, n_pred_docs_per_s
        Filled by :func:`evaluate_deidentifier` (time spent predicting).
    """

    levels: dict[str, dict[str, PRF]]
    records: list[dict[str, Any]] = field(repr=False)
    n_docs: int = 0
    n_missing_pred: int = 0
    n_extra_pred: int = 0
    labels_map: dict[str, str | None] = field(default_factory=dict, repr=False)
    elapsed_s: float | None = None

    # headline numbers: category-blind, token level when available
    @property
    def headline_level(self) -> str:
        return "token" if "token" in self.levels else "span_overlap"

    @property
    def recall(self) -> float:
        """Category-blind token recall (span-overlap recall when gold texts are unknown)."""
        return self.levels[self.headline_level][ALL].recall

    @property
    def precision(self) -> float:
        return self.levels[self.headline_level][ALL].precision

    @property
    def f1(self) -> float:
        return self.levels[self.headline_level][ALL].f1

    @property
    def docs_per_s(self) -> float | None:
        return self.n_docs / self.elapsed_s if self.elapsed_s else None

    def summary(self) -> pd.DataFrame:
        """One row per level, category-blind: precision, recall, F1 and counts."""
        import pandas as pd

        rows = [{"level": lvl, **self.levels[lvl][ALL].to_dict()} for lvl in LEVELS if lvl in self.levels]
        return pd.DataFrame(rows).set_index("level")

    def by_label(self, level: str = "token") -> pd.DataFrame:
        """Per-label table at ``level``: counts, precision/recall/F1 (labels must agree), blind recall."""
        import pandas as pd

        self._check_level(level)
        rows = [{"label": lab, **prf.to_dict()} for lab, prf in self.levels[level].items()]
        df = pd.DataFrame(rows).set_index("label")
        order = [lab for lab in df.index if lab not in (ALL, ALL_STRICT)]
        return df.loc[sorted(order) + [ALL_STRICT, ALL]].astype({"precision": float, "recall": float, "f1": float, "blind_recall": float})

    def per_record(self, level: str = "token", label: str | None = None) -> pd.DataFrame:
        """Per-record counts for a fairness report: ``id, tp, fp, fn, n_gold, n_pred``.

        Category-blind by default; with ``label``, ``tp``/``fn`` count the gold units of that label
        found/missed by a prediction of any label (``fp``: predictions of that label that are
        wrong). Join with a note-level demographics table to get PHI recall per group.
        """
        import pandas as pd

        self._check_level(level)
        rows = []
        for rec in self.records:
            prf = rec[level].get(label or ALL, PRF())
            if label is None:
                tp, fn = prf.tp_gold, prf.n_gold - prf.tp_gold
            else:
                tp, fn = prf.blind_tp_gold, prf.n_gold - prf.blind_tp_gold
            rows.append({"id": rec["id"], "tp": tp, "fp": prf.fp, "fn": fn, "n_gold": prf.n_gold, "n_pred": prf.n_pred})
        return pd.DataFrame(rows, columns=["id", "tp", "fp", "fn", "n_gold", "n_pred"])

    def span_table(self) -> pd.DataFrame:
        """One row per gold span: ``id, start, end, label, exact, found`` (any overlapping
        prediction), ``token_recall`` (share of its tokens predicted) and the span's extra gold keys
        (the synthetic cohort adds ``subtype`` and, for names, ``origin``), so that recall can be
        broken down by any of them: ``ev.span_table().groupby("origin")["found"].mean()``.
        Offsets only; no text."""
        import pandas as pd

        rows = [{"id": rec["id"], **r} for rec in self.records for r in rec.get("gold_spans", [])]
        return pd.DataFrame(rows)

    def _check_level(self, level: str) -> None:
        if level not in self.levels:
            raise ConfigError(f"level must be one of {', '.join(self.levels)}; got {level!r}.")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: headline numbers, every level and label, no record content."""
        d: dict[str, Any] = {
            "n_docs": self.n_docs,
            "n_missing_pred": self.n_missing_pred,
            "n_extra_pred": self.n_extra_pred,
            "headline": {
                "level": self.headline_level,
                "recall": None if math.isnan(self.recall) else round(self.recall, 6),
                "precision": None if math.isnan(self.precision) else round(self.precision, 6),
                "f1": None if math.isnan(self.f1) else round(self.f1, 6),
            },
            "levels": {lvl: {lab: prf.to_dict() for lab, prf in labs.items()} for lvl, labs in self.levels.items()},
        }
        if self.elapsed_s is not None:
            d["elapsed_s"] = round(self.elapsed_s, 3)
            d["docs_per_s"] = round(self.docs_per_s or 0.0, 3)
        return d

    def to_json(self, path: str | Path | None = None, *, indent: int = 2) -> str:
        """The :meth:`to_dict` as JSON; written atomically to ``path`` when given."""
        s = json.dumps(self.to_dict(), indent=indent)
        if path is not None:
            p = Path(path)
            p.parent.mkdir(parents=True, exist_ok=True)
            tmp = p.with_name(f".{p.name}.tmp")
            tmp.write_text(s + "\n", encoding="utf-8")
            tmp.replace(p)
        return s

    def _repr_html_(self) -> str:
        return (f"<p>De-identification evaluation on {self.n_docs} records "
                f"(headline: category-blind {self.headline_level} recall {self.recall:.4f}, "
                f"precision {self.precision:.4f})</p>" + self.summary().to_html() + self.by_label(self.headline_level).to_html())


# ------------------------------------------------------------------------------------------------
# evaluation
# ------------------------------------------------------------------------------------------------


def _span_tuple(s: Any) -> tuple[int, int, str]:
    if isinstance(s, Mapping):
        return int(s["start"]), int(s["end"]), str(s.get("label", ""))
    return int(s.start), int(s.end), str(getattr(s, "label", ""))


def _resolve_map(labels_map: Mapping[str, str | None] | None) -> dict[str, str | None]:
    m: dict[str, str | None] = dict(LABEL_ALIASES)
    if labels_map:
        m.update(labels_map)
    return m


def _map_spans(spans: Iterable[Any], m: Mapping[str, str | None]) -> list[tuple[int, int, str]]:
    out = []
    for s in spans:
        st, en, lab = _span_tuple(s)
        if en <= st:
            continue
        if lab in m:
            new = m[lab]
        else:
            key = lab.upper()
            new = m.get(key, key)
        if new is None:
            continue
        out.append((st, en, new))
    out.sort()
    return out


def _gold_span_rows(gold_raw: Iterable[Any], m: Mapping[str, str | None], pred: list[tuple[int, int, str]],
                    text: str | None, toks: tuple[list[int], list[int]] | None = None) -> list[dict[str, Any]]:
    """One row per (kept) gold span: found exactly, found by overlap, share of its tokens found,
    plus the span's extra gold keys (``subtype``, ``origin``, ...). Offsets only, never text."""
    rows = []
    pred_off = {(s, e) for s, e, _ in pred}
    starts, ends = (toks or _tokens(text)) if text is not None else ([], [])
    pred_tok = _token_labels(pred, starts, ends) if text is not None else {}
    kept = []
    for raw in gold_raw:
        mapped = _map_spans([raw], m)
        if mapped:
            kept.append((mapped[0], raw))
    all_hits = _overlap_hits([k[0] for k in kept], pred)
    for ((st, en, lab), raw), hits in zip(kept, all_hits):
        row: dict[str, Any] = {"start": st, "end": en, "label": lab, "exact": (st, en) in pred_off, "found": bool(hits)}
        if text is not None:
            idx = range(bisect_right(ends, st), bisect_left(starts, en))
            row["token_recall"] = (sum(1 for i in idx if i in pred_tok) / len(idx)) if len(idx) else math.nan
        if isinstance(raw, Mapping):
            row.update({k: v for k, v in raw.items() if k not in ("start", "end", "label") and isinstance(v, (str, int, float, bool))})
        rows.append(row)
    return rows


def _overlap_hits(a: list[tuple[int, int, str]], b: list[tuple[int, int, str]]) -> list[list[int]]:
    """For each span of ``a``, the indices of spans of ``b`` that overlap it (both sorted)."""
    hits: list[list[int]] = []
    b_starts = [s[0] for s in b]
    max_len = max((e - s for s, e, _ in b), default=0)
    for s, e, _ in a:
        lo = bisect_left(b_starts, s - max_len)
        hi = bisect_left(b_starts, e)
        hits.append([j for j in range(lo, hi) if b[j][1] > s])
    return hits


def _tokens(text: str) -> tuple[list[int], list[int]]:
    starts, ends = [], []
    for m in _TOKEN_RE.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends


def _token_labels(spans: list[tuple[int, int, str]], starts: list[int], ends: list[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for s, e, lab in spans:
        i0 = bisect_right(ends, s)
        i1 = bisect_left(starts, e)
        for i in range(i0, i1):
            out.setdefault(i, set()).add(lab)
    return out


def _score_doc(gold: list[tuple[int, int, str]], pred: list[tuple[int, int, str]],
               text: str | None, toks: tuple[list[int], list[int]] | None = None) -> dict[str, dict[str, PRF]]:
    res: dict[str, dict[str, PRF]] = {}
    labels = sorted({lab for *_, lab in gold} | {lab for *_, lab in pred})

    # exact
    gold_off = {(s, e) for s, e, _ in gold}
    pred_off = {(s, e) for s, e, _ in pred}
    gold_lab = {(s, e, lab) for s, e, lab in gold}
    pred_lab = {(s, e, lab) for s, e, lab in pred}
    both = gold_off & pred_off
    ex: dict[str, PRF] = {ALL: PRF(len(gold_off), len(pred_off), len(both), len(both), len(both))}
    strict = PRF()
    for lab in labels:
        g = {x for x in gold_lab if x[2] == lab}
        p = {x for x in pred_lab if x[2] == lab}
        tp = len(g & p)
        blind = sum(1 for s, e, _ in g if (s, e) in pred_off)
        ex[lab] = PRF(len(g), len(p), tp, tp, blind)
        strict = strict + PRF(len(g), len(p), tp, tp, blind)
    ex[ALL_STRICT] = strict
    res["span_exact"] = ex

    # overlap
    g_hits = _overlap_hits(gold, pred)
    p_hits = _overlap_hits(pred, gold)
    ov: dict[str, PRF] = {
        ALL: PRF(len(gold), len(pred), sum(1 for h in g_hits if h), sum(1 for h in p_hits if h), sum(1 for h in g_hits if h))
    }
    strict = PRF()
    for lab in labels:
        gi = [i for i, x in enumerate(gold) if x[2] == lab]
        pi = [j for j, x in enumerate(pred) if x[2] == lab]
        tp_g = sum(1 for i in gi if any(pred[j][2] == lab for j in g_hits[i]))
        tp_p = sum(1 for j in pi if any(gold[i][2] == lab for i in p_hits[j]))
        blind = sum(1 for i in gi if g_hits[i])
        prf = PRF(len(gi), len(pi), tp_g, tp_p, blind)
        ov[lab] = prf
        strict = strict + prf
    ov[ALL_STRICT] = strict
    res["span_overlap"] = ov

    # tokens
    if text is not None:
        starts, ends = toks or _tokens(text)
        gl = _token_labels(gold, starts, ends)
        pl = _token_labels(pred, starts, ends)
        tp = sum(1 for i in gl if i in pl)
        tk: dict[str, PRF] = {ALL: PRF(len(gl), len(pl), tp, tp, tp)}
        for lab in labels:
            g_i = [i for i, labs in gl.items() if lab in labs]
            p_i = [i for i, labs in pl.items() if lab in labs]
            tp_l = sum(1 for i in g_i if lab in pl.get(i, ()))
            tp_pl = sum(1 for i in p_i if lab in gl.get(i, ()))
            blind = sum(1 for i in g_i if i in pl)
            tk[lab] = PRF(len(g_i), len(p_i), tp_l, tp_pl, blind)
        # a token counts once even where two labels touch it (a span boundary inside a token)
        tp_s = sum(1 for i, labs in gl.items() if labs & pl.get(i, set()))
        tk[ALL_STRICT] = PRF(len(gl), len(pl), tp_s, tp_s, tp)
        res["token"] = tk
    return res


def _as_pred_index(pred_docs: Iterable[Mapping[str, Any]] | Mapping[str, Iterable[Any]]) -> dict[str, list[Any]]:
    index: dict[str, list[Any]] = {}
    if isinstance(pred_docs, Mapping):
        for k, v in pred_docs.items():
            index.setdefault(str(k), []).extend(list(v))
        return index
    for d in pred_docs:
        index.setdefault(str(d["id"]), []).extend(list(d.get("spans", []) or []))
    return index


def evaluate_spans(
    gold_docs: Iterable[Mapping[str, Any]],
    pred_docs: Iterable[Mapping[str, Any]] | Mapping[str, Iterable[Any]],
    *,
    labels_map: Mapping[str, str | None] | None = None,
) -> DeidEvaluation:
    """Score predicted PHI spans against gold spans at span (exact, overlap) and token level.

    Parameters
    ----------
    gold_docs
        Records ``{"id", "text"?, "spans": [{"start", "end", "label"}]}``. Token-level scores need
        ``text`` in every gold record.
    pred_docs
        Records ``{"id", "spans": [...]}`` (spans as dicts or objects with ``start``, ``end``,
        ``label``), or a mapping ``id -> spans``. A gold record without predictions counts as
        predicting nothing; predictions for unknown ids are ignored (counted in
        ``n_extra_pred``). Predicted spans may overlap.
    labels_map
        Label renames applied to gold and predictions on top of :data:`LABEL_ALIASES`; a ``None``
        value drops spans of that label from both.

    Returns
    -------
    DeidEvaluation
    """
    m = _resolve_map(labels_map)
    pred_index = _as_pred_index(pred_docs)
    seen: set[str] = set()
    totals: dict[str, dict[str, PRF]] = {}
    records: list[dict[str, Any]] = []
    has_text = True
    n_missing = 0
    for g in gold_docs:
        gid = str(g["id"])
        if gid in seen:
            raise InputError(f"Gold records: id {gid} occurs more than once.")
        seen.add(gid)
        text = g.get("text")
        if not isinstance(text, str):
            has_text = False
            text = None
        if gid not in pred_index:
            n_missing += 1
        gold = _map_spans(g.get("spans", []), m)
        pred = _map_spans(pred_index.get(gid, []), m)
        if text is not None:
            bad = [s for s in pred if s[1] > len(text)]
            if bad:
                raise RecordError("bad_span", "predictions", f"id {gid}", "a predicted span ends past the end of the text")
        toks = _tokens(text) if text is not None else None
        scores = _score_doc(gold, pred, text, toks)
        records.append({"id": gid, **scores, "gold_spans": _gold_span_rows(g.get("spans", []), m, pred, text, toks)})
        for lvl, labs in scores.items():
            tl = totals.setdefault(lvl, {})
            for lab, prf in labs.items():
                tl[lab] = tl.get(lab, PRF()) + prf
    if not has_text:
        totals.pop("token", None)
        for r in records:
            r.pop("token", None)
    for lvl in totals:
        totals[lvl].setdefault(ALL, PRF())
        totals[lvl].setdefault(ALL_STRICT, PRF())
    if not records:
        totals = {lvl: {ALL: PRF(), ALL_STRICT: PRF()} for lvl in LEVELS}
    extra = len(set(pred_index) - seen)
    if extra:
        logger.warning("%d prediction records have ids that are not in the gold; ignored", extra)
    return DeidEvaluation(levels=totals, records=records, n_docs=len(records), n_missing_pred=n_missing,
                          n_extra_pred=extra, labels_map=m)


def _predict(golds: list[Mapping[str, Any]], analyze_many: Callable[[str], list[list[Any]]], n: int,
             on_progress: Callable[[int], None] | None) -> tuple[list[dict[str, list[Any]]], float]:
    """``n`` predictions per gold record from ``analyze_many(text)``, and the time spent in it."""
    preds: list[dict[str, list[Any]]] = [{} for _ in range(n)]
    elapsed = 0.0
    for i, g in enumerate(golds):
        text = g.get("text")
        if not isinstance(text, str):
            raise RecordError("missing_field", "gold", f"id {g.get('id')}", "field 'text' is needed to run a de-identifier")
        t0 = time.perf_counter()
        many = analyze_many(text)
        elapsed += time.perf_counter() - t0
        for out, spans in zip(preds, many, strict=True):
            out[str(g["id"])] = list(spans)
        if on_progress is not None:
            on_progress(i + 1)
    return preds, elapsed


def evaluate_deidentifier(
    deidentifier: Any,
    gold_docs: Iterable[Mapping[str, Any]],
    *,
    labels_map: Mapping[str, str | None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> DeidEvaluation:
    """Run ``deidentifier.analyze(text)`` on every gold record and score it with :func:`evaluate_spans`.

    ``on_progress(n_done)`` is called after each record (e.g. to advance a rich progress bar);
    ``elapsed_s`` on the result is the time spent in ``analyze``.
    """
    golds = list(gold_docs)
    (preds,), elapsed = _predict(golds, lambda text: [deidentifier.analyze(text)], 1, on_progress)
    ev = evaluate_spans(golds, preds, labels_map=labels_map)
    ev.elapsed_s = elapsed
    return ev


def evaluate_tagger_thresholds(
    deidentifier: Any,
    gold_docs: Iterable[Mapping[str, Any]],
    thresholds: Sequence[float],
    *,
    labels_map: Mapping[str, str | None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> dict[float, DeidEvaluation]:
    """Score ``deidentifier`` at each PHI-tagger threshold (``DeidConfig.tagger_min_prob``), the rules run once a
    record (``deidentifier.analyze_at``): the recall/precision curve to choose the threshold on your own notes."""
    golds = list(gold_docs)
    probs = [float(p) for p in thresholds]
    preds, elapsed = _predict(golds, lambda text: deidentifier.analyze_at(text, probs), len(probs), on_progress)
    out = {}
    for p, pred in zip(probs, preds, strict=True):
        out[p] = evaluate_spans(golds, pred, labels_map=labels_map)
        out[p].elapsed_s = elapsed
    return out


# ------------------------------------------------------------------------------------------------
# readers
# ------------------------------------------------------------------------------------------------


def read_presidio_research(path: str | Path, *, labels_map: Mapping[str, str | None] | None = None,
                           id_prefix: str = "") -> list[dict[str, Any]]:
    """Read presidio-research JSON (a list of ``{"full_text", "spans": [...]}``) as gold records.

    Record ids are ``f"{id_prefix}{index}"``. Labels go through ``labels_map`` (default
    :data:`PRESIDIO_RESEARCH_LABELS`, which drops TITLE and NRP; pass ``{}`` to keep the raw
    entity types).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"Gold file {p} does not exist or is not a file.")
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError(f"Gold file {p.name}: not valid UTF-8 JSON (expected a presidio-research list).") from None
    if not isinstance(data, list):
        raise InputError(f"Gold file {p.name}: expected a JSON list of records (presidio-research format).")
    m = PRESIDIO_RESEARCH_LABELS if labels_map is None else labels_map
    out = []
    for i, rec in enumerate(data):
        if not isinstance(rec, Mapping) or not isinstance(rec.get("full_text"), str):
            raise RecordError("missing_field", p.name, f"record {i}", "field 'full_text' must be a string")
        spans = []
        for j, s in enumerate(rec.get("spans") or []):
            try:
                st, en, lab = int(s["start_position"]), int(s["end_position"]), str(s["entity_type"])
            except (KeyError, TypeError, ValueError):
                raise RecordError("bad_span", p.name, f"record {i}", f"spans[{j}] needs start_position, end_position, entity_type") from None
            if lab in m:
                new = m[lab]
                if new is None:
                    continue
                lab = new
            spans.append({"start": st, "end": en, "label": lab})
        doc = {"id": f"{id_prefix}{i}", "text": rec["full_text"], "spans": spans}
        out.append(validate_gold_record(doc, source=p.name, record=f"record {i}", allow_overlaps=True))
    return out


def to_presidio_research(docs: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Gold records as presidio-research records (``full_text``, ``masked``, ``spans``)."""
    out = []
    for d in docs:
        text = d["text"]
        spans = sorted(d.get("spans", []), key=lambda s: (s["start"], s["end"]))
        masked, pos = [], 0
        for s in spans:
            if s["start"] >= pos:
                masked.append(text[pos:s["start"]] + "{{" + s["label"] + "}}")
                pos = s["end"]
        masked.append(text[pos:])
        out.append({
            "full_text": text,
            "masked": "".join(masked),
            "spans": [{"entity_type": s["label"], "entity_value": text[s["start"]:s["end"]],
                       "start_position": s["start"], "end_position": s["end"]} for s in spans],
        })
    return out


def _sniff(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4096).lstrip()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:].lstrip()
    return "presidio-research" if head.startswith(b"[") else "gold"


def read_gold(path: str | Path, *, format: str = "auto", labels_map: Mapping[str, str | None] | None = None) -> list[dict[str, Any]]:
    """Read gold records: the project's JSONL (``gold``) or presidio-research JSON; ``auto`` sniffs.

    ``labels_map`` applies to presidio-research input only (see :func:`read_presidio_research`).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"Gold file {p} does not exist or is not a file.")
    if format not in ("auto", "gold", "presidio-research"):
        raise ConfigError(f"format must be one of auto, gold, presidio-research; got {format!r}.")
    fmt = _sniff(p) if format == "auto" else format
    if fmt == "presidio-research":
        return read_presidio_research(p, labels_map=labels_map)
    return list(iter_gold_jsonl(p))


def read_audit(path: str | Path) -> dict[str, list[dict[str, Any]]]:
    """Read an ``audit.jsonl`` (one predicted span per row: ``id, start, end, label, ...``),
    grouped by record id. Rows without a span (``start`` absent) still register their id."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"Prediction file {p} does not exist or is not a file.")
    out: dict[str, list[dict[str, Any]]] = {}
    with p.open("r", encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                raise RecordError("malformed_json", p.name, f"line {n}") from None
            if not isinstance(row, Mapping) or "id" not in row:
                raise RecordError("missing_field", p.name, f"line {n}", "an audit row needs 'id'")
            spans = out.setdefault(str(row["id"]), [])
            if "spans" in row:  # a record-level row carrying its spans
                spans.extend(_audit_span(s, p.name, n) for s in row["spans"] or [])
            elif "start" in row:
                spans.append(_audit_span(row, p.name, n))
    return out


def _audit_span(row: Mapping[str, Any], source: str, n: int) -> dict[str, Any]:
    st, en = row.get("start"), row.get("end")
    if not isinstance(st, int) or not isinstance(en, int) or isinstance(st, bool) or isinstance(en, bool) or not 0 <= st < en:
        raise RecordError("bad_span", source, f"line {n}", "needs integer 'start' < 'end'")
    return {"start": st, "end": en, "label": str(row.get("label", "PHI"))}


def read_predictions(path: str | Path) -> dict[str, list[dict[str, Any]]]:
    """Predictions from an ``audit.jsonl`` or from records in gold format (with ``spans``)."""
    return read_audit(path)
