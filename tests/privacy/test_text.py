"""Tests of clinical_sft.privacy.text: the Deidentifier on hand-written hard notes."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from clinical_sft.data import Span
from clinical_sft.errors import ConfigError, KeyMissingError
from clinical_sft.privacy import DeidConfig, Deidentifier, SecretKey, merge_spans

DATA = Path(__file__).resolve().parents[1] / "data" / "deid_hard_notes.txt"
_MARK = re.compile(r"\{\{([A-Z_]+):(.*?)\}\}")


def load_hard_notes() -> list[tuple[str, list[tuple[int, int, str]]]]:
    """The hand-written notes with their gold spans (markup ``{{LABEL:text}}``)."""
    raw = "".join(ln for ln in DATA.read_text("utf-8").splitlines(keepends=True) if not ln.startswith("#"))
    notes = []
    for block in raw.split("====="):
        block = block.strip()
        if not block:
            continue
        text, spans, pos = "", [], 0
        for m in _MARK.finditer(block):
            text += block[pos:m.start()]
            s = len(text)
            text += m.group(2)
            spans.append((s, len(text), m.group(1)))
            pos = m.end()
        text += block[pos:]
        notes.append((text, spans))
    return notes


@pytest.fixture(scope="module")
def deid() -> Deidentifier:
    return Deidentifier(DeidConfig()).load()


def _covered(spans) -> set[int]:
    out: set[int] = set()
    for s in spans:
        out |= set(range(s.start, s.end))
    return out


def test_hard_notes_recall_and_precision(deid):
    tp = fn = fp_chars = pred_chars = 0
    for text, gold in load_hard_notes():
        pred = deid.analyze(text)
        cov = _covered(pred)
        gold_cov = set()
        for s, e, _ in gold:
            gold_cov |= set(range(s, e))
            alnum = [i for i in range(s, e) if text[i].isalnum()]
            hit = sum(1 for i in alnum if i in cov)
            tp += hit
            fn += len(alnum) - hit
        pred_alnum = [i for i in cov if text[i].isalnum()]
        pred_chars += len(pred_alnum)
        fp_chars += sum(1 for i in pred_alnum if i not in gold_cov)
    recall = tp / (tp + fn)
    precision = 1 - fp_chars / max(1, pred_chars)
    assert recall >= 0.97, recall
    assert precision >= 0.85, precision


def test_every_gold_span_is_touched(deid):
    for text, gold in load_hard_notes():
        cov = _covered(deid.analyze(text))
        missed = [label for s, e, label in gold if not any(i in cov for i in range(s, e))]
        assert not missed, missed


@pytest.mark.parametrize("text", [
    "BP 120/80", "HR 88", "LASIX 5 MG IV", "O2 SAT 95% ON 2L NC", "PEEP 5/5", "D5 1/2 NS @ 75CC/HR",
    "TURNED Q2H AT 0800 AND 10:30", "INR 2.3, K 3.9, WBC 12.1", "ABG 7.38/42/96", "GCS 15; MAE; PERRL",
    "FOLEY DRAINING CLEAR YELLOW URINE", "TOL PO; ABD SOFT +BS", "PT RESTING COMFORTABLY IN BED",
    "Patient is a 64 year old man with COPD.", "2/6 SYSTOLIC MURMUR", "MS UNCHANGED, MD AWARE",
])
def test_vitals_doses_and_shorthand_are_not_phi(deid, text):
    assert deid.analyze(text) == [], [text[s.start:s.end] for s in deid.analyze(text)]


@pytest.mark.parametrize("text,phi", [
    ("SEEN ON 7/22", "7/22"), ("ADMITTED 07/22/2019", "07/22/2019"), ("ON 22-Jul-2019", "22-Jul-2019"),
    ("seen July 22nd", "July 22nd"), ("DOS 2019-07-22", "2019-07-22"), ("CABG IN 2004.", "2004"),
    ("SINCE MARCH 2011", "MARCH 2011"), ("THE 3RD OF JUNE", "3RD OF JUNE"),
    ("A 93 YO WOMAN", "93"), ("aged 101", "101"), ("CALL 617-555-0142", "617-555-0142"),
    ("mail jo@example.org now", "jo@example.org"), ("SSN 078-05-1120", "078-05-1120"),
    ("MRN: 4471923", "4471923"), ("IP 10.1.2.3 logged", "10.1.2.3"),
    ("LIVES AT 17 HARBOR STREET", "17 HARBOR STREET"), ("BOSTON, MA 02115", "02115"),
    ("TRANSFERRED FROM MERCY GENERAL HOSPITAL", "MERCY GENERAL HOSPITAL"),
])
def test_phi_forms_are_found(deid, text, phi):
    spans = deid.analyze(text)
    start = text.index(phi)
    cov = _covered(spans)
    assert all(i in cov for i in range(start, start + len(phi)) if text[i].isalnum()), (text, spans)


@pytest.mark.parametrize("case", [str.upper, str.lower, lambda s: s])
def test_names_found_in_any_case(deid, case):
    text = case("Wife Mary called; updated by Dr. Okafor. Daughter Ann to visit.")
    cov = _covered(deid.analyze(text))
    for name in ("mary", "okafor", "ann"):
        i = text.lower().index(name)
        assert i in cov, (text, name)


def test_offsets_point_into_the_original(deid):
    for text, _ in load_hard_notes():
        spans = deid.analyze(text)
        assert spans == sorted(spans, key=lambda s: s.start)
        for a, b in zip(spans, spans[1:]):
            assert a.end <= b.start
        for s in spans:
            seg = text[s.start:s.end]
            assert seg and seg == seg.strip() and s.recognizer and 0 < s.score <= 1


def test_long_documents_are_chunked_not_refused(deid):
    text, _ = load_hard_notes()[1]
    long_text = "\n".join([text] * 12)
    small = Deidentifier(DeidConfig(chunk_chars=700, chunk_overlap=120)).load()
    whole = deid.analyze(long_text)
    chunked = small.analyze(long_text)
    assert _covered(whole) <= _covered(chunked) | set()  # nothing lost at chunk borders
    assert len(chunked) >= len(whole) * 0.95


def test_keyed_operators_need_a_key():
    with pytest.raises(KeyMissingError, match="key"):
        Deidentifier(DeidConfig(operator="surrogate")).load()
    with pytest.raises(ConfigError, match="operator"):
        DeidConfig(operator="scramble")


def test_tag_and_surrogate_output(deid):
    text = "WIFE MARY CALLED ON 7/22; A 92 YO; DR. OKAFOR AWARE"
    tagged = Deidentifier(DeidConfig(operator="tag")).load().deidentify(text)
    assert tagged.text == "WIFE [NAME] CALLED ON [DATE]; A [AGE] YO; DR. [NAME] AWARE"
    key = SecretKey.from_bytes(b"k" * 32)
    sur = Deidentifier(DeidConfig(operator="surrogate"), key).load()
    out = sur.deidentify(text, patient_id="P1").text
    assert "MARY" not in out and "OKAFOR" not in out and "7/22" not in out
    assert "90+ YO" in out and re.search(r"ON \d{1,2}/\d{1,2};", out)
    assert out == sur.deidentify(text, patient_id="P1").text


def test_no_phi_in_logs_or_errors(deid, caplog):
    caplog.set_level(logging.DEBUG)
    phi = []
    for text, gold in load_hard_notes():
        phi += [text[s:e] for s, e, _ in gold if e - s >= 4]
        deid.deidentify(text)
    # presidio logs the character offsets it replaces ("start: 1931, end: 1935"), the addresses of its operator
    # objects ("object at 0x7fac44712b50") and its match times: numbers, not text, that may hold a PHI number by chance
    logged = re.sub(r"\b(?:start|end): \d+|\b0x[0-9a-f]+\b|match_time\[[^\]]*\]: [0-9.e-]+ seconds", "",
                    caplog.text)
    assert not [p for p in phi if p in logged]
    with pytest.raises(TypeError) as exc:
        deid.analyze(b"WIFE MARY OKAFOR")  # type: ignore[arg-type]
    assert "OKAFOR" not in str(exc.value)


def test_merge_spans_unions_overlaps():
    spans = [Span(0, 4, "NAME", 0.5), Span(2, 8, "HOSPITAL", 0.9), Span(8, 10, "DATE", 0.7)]
    assert merge_spans(spans) == [Span(0, 8, "HOSPITAL", 0.9), Span(8, 10, "DATE", 0.7)]
