"""Tests of the gold-record and demographics schemas."""

from __future__ import annotations

import pandas as pd
import pytest

from clinical_sft.data import iter_gold_jsonl, validate_demographics, validate_gold_record
from clinical_sft.errors import InputError, RecordError


def test_valid_record_is_returned_with_sorted_spans_and_string_id():
    rec = validate_gold_record({"id": 7, "text": "abcdef", "spans": [{"start": 3, "end": 5, "label": "X"},
                                                                      {"start": 0, "end": 2, "label": "Y", "origin": "o"}]})
    assert rec["id"] == "7" and [s["start"] for s in rec["spans"]] == [0, 3] and rec["spans"][0]["origin"] == "o"


@pytest.mark.parametrize(("obj", "reason"), [
    ([], "not_an_object"),
    ({"text": "a"}, "missing_field"),
    ({"id": "a"}, "missing_field"),
    ({"id": "a", "text": "abc", "spans": {}}, "bad_field"),
    ({"id": "a", "text": "abc", "spans": [{"start": 0, "end": 9, "label": "N"}]}, "bad_span"),
    ({"id": "a", "text": "abc", "spans": [{"start": 2, "end": 1, "label": "N"}]}, "bad_span"),
    ({"id": "a", "text": "abc", "spans": [{"start": 0, "end": 1}]}, "bad_span"),
    ({"id": "a", "text": "abc", "spans": [{"start": True, "end": 1, "label": "N"}]}, "bad_span"),
    ({"id": "a", "text": "abcdef", "spans": [{"start": 0, "end": 3, "label": "N"}, {"start": 2, "end": 4, "label": "D"}]},
     "overlapping_spans"),
])
def test_invalid_records_raise_with_a_reason_and_no_content(obj, reason):
    with pytest.raises(RecordError) as ei:
        validate_gold_record(obj, source="g.jsonl", record="line 3")
    assert ei.value.reason == reason
    assert "abc" not in str(ei.value)


def test_overlaps_allowed_when_asked_and_text_optional_for_predictions():
    rec = {"id": "a", "spans": [{"start": 0, "end": 3, "label": "N"}, {"start": 2, "end": 4, "label": "D"}]}
    assert len(validate_gold_record(rec, require_text=False, allow_overlaps=True)["spans"]) == 2


def test_iter_gold_jsonl_names_the_line(tmp_path):
    f = tmp_path / "g.jsonl"
    f.write_text('{"id": "a", "text": "x", "spans": []}\n\n{"id": "b", "text": \n')
    it = iter_gold_jsonl(f)
    assert next(it)["id"] == "a"
    with pytest.raises(RecordError, match="line 3"):
        next(it)
    with pytest.raises(InputError):
        list(iter_gold_jsonl(tmp_path / "none.jsonl"))


def test_validate_demographics():
    df = pd.DataFrame({"id": [1, 2], "sex": ["F", None], "age": [40, 91]})
    out = validate_demographics(df)
    assert out["id"].tolist() == ["1", "2"] and out["sex"].tolist() == ["F", "Unknown"] and out["age"].tolist() == [40, 91]
    with pytest.raises(InputError, match="missing column"):
        validate_demographics(df.drop(columns="id"))
    with pytest.raises(InputError, match="duplicate"):
        validate_demographics(pd.DataFrame({"id": ["a", "a"], "sex": ["F", "M"]}))
    with pytest.raises(InputError, match="no attribute"):
        validate_demographics(pd.DataFrame({"id": ["a"]}))
