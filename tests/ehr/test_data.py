"""Loading notes from JSONL, DataFrames and Dataset-like objects; the split by patient."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinical_sft.ehr import load_notes, note_demographics, split_by_patient
from clinical_sft.errors import InputError


class _DatasetLike:
    """Stands in for datasets.Dataset (not installed): only to_pandas() is used."""

    def __init__(self, df: pd.DataFrame) -> None:
        self._df = df

    def to_pandas(self) -> pd.DataFrame:
        return self._df


def test_jsonl_dataframe_and_dataset_give_the_same_notes(tmp_path, notes):
    p = tmp_path / "notes.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in notes.to_dict("records")))
    a = load_notes(p, "ner")
    b = load_notes(notes, "ner")
    c = load_notes(_DatasetLike(notes), "ner")
    d = load_notes(notes.to_dict("records"), "ner")
    for other in (b, c, d):
        pd.testing.assert_frame_equal(a[["id", "text", "patient_id"]], other[["id", "text", "patient_id"]])
        assert list(a["spans"]) == list(other["spans"])
    assert "sex" in a.columns  # demographic columns are kept
    cls = load_notes(p, "classify")
    assert set(cls["label"]) == {0, 1}


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ({"id": "a", "text": "abc", "spans": [{"start": 2, "end": 9, "label": "X"}]}, r"record 'a' spans\[0\]"),
        ({"id": "a", "text": "abc", "spans": [{"start": 0, "label": "X"}]}, "needs integer"),
        ({"id": "a", "text": "  ", "spans": []}, "has no text"),
    ],
)
def test_bad_records_are_named_without_their_content(row, match):
    with pytest.raises(InputError, match=match) as ei:
        load_notes([row], "ner")
    assert "abc" not in str(ei.value)


def test_missing_targets_and_duplicate_ids(tmp_path):
    with pytest.raises(InputError, match="no 'label' column"):
        load_notes([{"id": "1", "text": "x"}], "classify")
    assert len(load_notes([{"id": "1", "text": "x"}], "classify", require_targets=False)) == 1
    with pytest.raises(InputError, match="duplicate id"):
        load_notes([{"id": "1", "text": "x", "label": 0}, {"id": "1", "text": "y", "label": 1}], "classify")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "text": "ok", "label": 1}\n{not json\n')
    with pytest.raises(InputError, match="line 2"):
        load_notes(bad, "classify")


@given(st.lists(st.integers(0, 15), min_size=2, max_size=80), st.floats(0.1, 0.5), st.integers(0, 5))
@settings(max_examples=25, deadline=None)
def test_split_never_puts_a_patient_on_both_sides(patients, frac, seed):
    df = pd.DataFrame({"id": [f"n{i}" for i in range(len(patients))], "text": "x",
                       "patient_id": [f"p{p}" for p in patients]})
    if df["patient_id"].nunique() < 2:
        return
    tr, va = split_by_patient(df, frac, seed)
    assert len(tr) + len(va) == len(df)
    assert not set(tr["patient_id"]) & set(va["patient_id"])
    assert set(tr["id"]) | set(va["id"]) == set(df["id"])


def test_demographics_join_by_note_or_patient(notes):
    by_patient = pd.DataFrame({"patient_id": [f"p{i}" for i in range(12)], "age_band": ["<65", "65+"] * 6})
    d = note_demographics(notes, by_patient)
    assert list(d.columns) == ["id", "age_band"] and len(d) == len(notes)
    assert d.set_index("id").loc["n3", "age_band"] == "65+"  # n3 belongs to p1
    by_note = notes[["id", "sex"]]
    assert note_demographics(notes, by_note).equals(by_note)
    assert list(note_demographics(notes, ["sex"]).columns) == ["id", "sex"]
    with pytest.raises(InputError):
        note_demographics(notes, pd.DataFrame({"id": ["zz"], "sex": ["F"]}))
