"""Tests of clinical_sft.privacy.operators: span arithmetic, keyed surrogates, date shifts."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from clinical_sft.data import Span
from clinical_sft.errors import ConfigError, KeyMissingError
from clinical_sft.privacy import SecretKey, apply_operator, shift_date, surrogate

K1 = SecretKey.from_bytes(b"1" * 32)
K2 = SecretKey.from_bytes(b"2" * 32)
LABELS = ["NAME", "DATE", "PHONE", "ID", "AGE", "LOCATION", "HOSPITAL", "ZIP", "EMAIL", "ADDRESS"]


@st.composite
def text_and_spans(draw):
    text = draw(st.text(alphabet="ABCdef 0123/.,\n", min_size=1, max_size=120))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=12))))
    spans = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        if b > a:
            spans.append(Span(a, b, draw(st.sampled_from(LABELS)), 0.9, "t"))
    return text, spans


@settings(max_examples=150, deadline=None)
@given(text_and_spans(), st.sampled_from(["tag", "redact", "mask", "hash", "surrogate"]))
def test_output_offsets_are_consistent(ts, operator):
    text, spans = ts
    out, out_spans = apply_operator(text, spans, operator, key=K1, patient_id="P")
    # presidio-anonymizer merges same-label spans separated only by spaces ("JOHN" "SMITH" -> one
    # replacement), so the expected spans are the input spans merged the same way
    merged: list[Span] = []
    for sp in spans:
        if merged and merged[-1].label == sp.label and set(text[merged[-1].end:sp.start]) == {" "}:
            merged[-1] = Span(merged[-1].start, sp.end, sp.label, sp.score, sp.recognizer)
        else:
            merged.append(sp)
    spans = merged
    assert len(out_spans) == len(spans)
    for a, b in zip(out_spans, out_spans[1:]):
        assert a.end <= b.start
    # the text between replacements is the original text between spans
    pieces_in, pos = [], 0
    for s in spans:
        pieces_in.append(text[pos:s.start])
        pos = s.end
    pieces_in.append(text[pos:])
    pieces_out, pos = [], 0
    for o in out_spans:
        pieces_out.append(out[pos:o.start])
        pos = o.end
    pieces_out.append(out[pos:])
    assert pieces_in == pieces_out
    for s, o in zip(spans, out_spans):
        assert o.label == s.label
        if operator == "tag":
            assert out[o.start:o.end] == f"[{s.label}]"
        if operator == "mask":
            assert o.end - o.start == s.end - s.start


def test_tag_redact_mask_need_no_key():
    text = "WIFE MARY CALLED"
    spans = [Span(5, 9, "NAME")]
    assert apply_operator(text, spans, "tag")[0] == "WIFE [NAME] CALLED"
    assert apply_operator(text, spans, "redact")[0] == "WIFE  CALLED"
    assert apply_operator(text, spans, "mask")[0] == "WIFE **** CALLED"
    with pytest.raises(KeyMissingError, match="key"):
        apply_operator(text, spans, "hash")
    with pytest.raises(ConfigError):
        apply_operator(text, spans, "nope")


def test_surrogates_consistent_per_key_and_patient():
    a = surrogate("NAME", "MARY SMITH", K1, "P1")
    assert a == surrogate("NAME", "MARY SMITH", K1, "P1")
    assert a.isupper() and a != "MARY SMITH"
    # the surname alone maps to the same surname
    assert surrogate("NAME", "SMITH", K1, "P1") == a.split()[-1]
    names = ["MARY SMITH", "JOHN OKAFOR", "ANA RUIZ", "LI WEI", "PRIYA NATARAJAN", "BJORN LARSEN"]
    assert sum(surrogate("NAME", n, K1, "P1") != surrogate("NAME", n, K2, "P1") for n in names) >= 5
    assert surrogate("NAME", "Mary", K1, "P1")[0].isupper() and surrogate("NAME", "Mary", K1, "P1")[1:].islower()
    assert surrogate("AGE", "97", K1) == "90+"
    phone = surrogate("PHONE", "(617) 555-0142", K1, "P1")
    assert phone != "(617) 555-0142" and len(phone) == len("(617) 555-0142") and phone[0] == "(" and phone[4:6] == ") "


def test_hash_is_keyed():
    spans = [Span(0, 4, "NAME")]
    h1 = apply_operator("MARY", spans, "hash", key=K1)[0]
    assert h1 == apply_operator("MARY", spans, "hash", key=K1)[0]
    assert h1 != apply_operator("MARY", spans, "hash", key=K2)[0]
    assert h1.startswith("[NAME:") and "MARY" not in h1


@pytest.mark.parametrize("value,days,expected", [
    ("7/22", 10, "8/1"), ("07/22/2019", -30, "06/22/2019"), ("7/22/19", 1, "7/23/19"),
    ("July 22nd", 12, "August 3rd"), ("JULY 22", 1, "JULY 23"), ("Jul 22, 2019", 10, "Aug 1, 2019"),
    ("22-Jul-2019", 1, "23-Jul-2019"), ("22 July 2019", 10, "1 August 2019"), ("2019-07-22", 365, "2020-07-21"),
    ("March 2011", 30, "April 2011"), ("2004", 200, "2005"), ("20190722", 1, "20190723"), ("3rd of June", 1, "4th of June"),
])
def test_shift_keeps_format(value, days, expected):
    assert shift_date(value, days) == expected


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(1950, 1, 1), dt.date(2040, 12, 31)), st.integers(-365, 365),
       st.sampled_from(["{m}/{d}/{Y}", "{Y}-{mm}-{dd}", "{d}-{b}-{Y}", "{B} {d}, {Y}", "{m}/{d}"]))
def test_shift_roundtrip(d, days, fmt):
    value = fmt.format(m=d.month, d=d.day, Y=d.year, mm=f"{d.month:02d}", dd=f"{d.day:02d}",
                       b=d.strftime("%b"), B=d.strftime("%B"))
    shifted = shift_date(value, days)
    assert shifted is not None
    # "May" is both the full and the short name: its style cannot round-trip
    assume("b" not in fmt and "B" not in fmt or (d + dt.timedelta(days=days)).month != 5)
    # a date without a year is shifted in one (leap) year; a shift that leaves that year cannot know whether
    # the next year has a 29 February, so only shifts within the year must come back exactly
    assume("{Y}" in fmt or (dt.date(2000, d.month, d.day) + dt.timedelta(days=days)).year == 2000)
    assert shift_date(shifted, -days) == value


def test_zero_padding_is_kept():
    assert shift_date("07/04/2019", 1) == "07/05/2019"
    assert shift_date("07/04/2019", 200) == "01/20/2020"


def test_date_shift_is_per_patient_and_keyed():
    spans = [Span(8, 12, "DATE")]
    text = "SEEN ON 7/22"
    a = apply_operator(text, spans, "surrogate", key=K1, patient_id="P1")[0]
    assert a == apply_operator(text, spans, "tag", key=K1, patient_id="P1", date_mode="shift")[0]
    assert a == "SEEN ON " + shift_date("7/22", K1.date_shift_days("P1"))
    assert apply_operator(text, spans, "surrogate", key=K1, patient_id="P1", date_mode="tag")[0] == "SEEN ON [DATE]"


def test_a_surrogate_is_never_the_real_value():
    # a keyed draw can land on the real value ("MARY" for MARY, "4" for extension 4): that would leak it, so the
    # surrogate draws again, still keyed and consistent
    from clinical_sft.privacy.operators import _keyed_chars, _name_lists

    firsts, _ = _name_lists()
    assert "MARY" in {f.upper() for f in firsts}
    hit = next(k for k in (SecretKey.from_bytes(i.to_bytes(4, "big") * 8) for i in range(200_000))
               if k.choose("surrogate-name", "P1|MARY", firsts).upper() == "MARY")
    fake = surrogate("NAME", "MARY OKAFOR", hit, "P1")
    assert fake.split()[0] != "MARY" and fake == surrogate("NAME", "MARY OKAFOR", hit, "P1")
    hit = next(k for k in (SecretKey.from_bytes(i.to_bytes(4, "big") * 8) for i in range(1000))
               if _keyed_chars("4", k, "surrogate-phone", "P1") == "4")
    assert surrogate("PHONE", "4", hit, "P1") != "4"
    assert surrogate("PHONE", "4", hit, "P1") == surrogate("PHONE", "4", hit, "P1")
