"""Tests of the synthetic clinical cohort generator."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinical_sft.data import (
    DEMOGRAPHIC_ATTRIBUTES,
    NOTE_STYLES,
    PHI_LABELS,
    Cohort,
    PlantedDisparity,
    generate_cohort,
    read_gold_jsonl,
    validate_gold_record,
)
from clinical_sft.errors import ConfigError


@pytest.fixture(scope="module")
def cohort():
    return generate_cohort(n_patients=160, seed=7)


def _check_spans(note: dict) -> None:
    text = note["text"]
    prev_end = -1
    for s in sorted(note["spans"], key=lambda s: s["start"]):
        assert 0 <= s["start"] < s["end"] <= len(text)
        assert s["start"] >= prev_end, "overlapping gold spans"
        value = text[s["start"]:s["end"]]
        assert value == value.strip() and value, "span has surrounding whitespace or is empty"
        assert s["label"] in PHI_LABELS
        prev_end = s["end"]


def test_same_seed_same_cohort_other_seed_differs():
    a = generate_cohort(n_patients=12, seed=3)
    b = generate_cohort(n_patients=12, seed=3)
    c = generate_cohort(n_patients=12, seed=4)
    assert a.notes == b.notes
    pd.testing.assert_frame_equal(a.patients, b.patients)
    assert [n["text"] for n in a.notes] != [n["text"] for n in c.notes]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_spans_are_exact_and_disjoint_for_any_seed(seed):
    cohort = generate_cohort(n_patients=4, seed=seed, notes_per_patient=(2, 3))
    assert len(cohort.notes) >= 8
    for note in cohort.notes:
        _check_spans(note)
        validate_gold_record(note)


def test_every_phi_category_and_style_is_present(cohort):
    labels = Counter(s["label"] for n in cohort.notes for s in n["spans"])
    assert set(PHI_LABELS) <= set(labels), f"missing: {set(PHI_LABELS) - set(labels)}"
    assert {n["style"] for n in cohort.notes} == set(NOTE_STYLES)
    subtypes = {s.get("subtype") for n in cohort.notes for s in n["spans"] if s["label"] == "NAME"}
    assert {"patient", "relative", "clinician"} <= subtypes
    ids = {s.get("subtype") for n in cohort.notes for s in n["spans"] if s["label"] == "ID"}
    assert {"mrn", "account", "accession", "health_plan", "license", "device_serial"} <= ids


def test_surface_forms_are_varied(cohort):
    values = [(n["text"][s["start"]:s["end"]], s["label"]) for n in cohort.notes for s in n["spans"]]
    dates = [v for v, lab in values if lab == "DATE"]
    assert any(re.fullmatch(r"\d{1,2}/\d{1,2}", d) for d in dates)            # 7/22
    assert any(re.fullmatch(r"\d{2}/\d{2}/\d{4}", d) for d in dates)          # 07/22/2019
    assert any(re.fullmatch(r"\d{2}-[A-Za-z]{3}-\d{4}", d) for d in dates)    # 22-Jul-2019
    assert any(re.fullmatch(r"[A-Za-z]+ \d{1,2}(st|nd|rd|th)", d) for d in dates)  # July 22nd
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)          # 2019-07-22
    assert any(re.fullmatch(r"(19|20)\d{2}", d) for d in dates)               # a year alone
    names = [v for v, lab in values if lab == "NAME"]
    assert any(n.isupper() and "," in n for n in names)                       # SMITH, JOHN
    assert any(n.islower() for n in names)                                    # lowercase notes
    assert any(re.fullmatch(r"[A-Z]\. \S+", n) for n in names)                # J. Smith
    assert any(" " not in n and "," not in n for n in names)                  # first- or last-name only
    assert any(ord(ch) > 127 for n in names for ch in n)                      # diacritics kept sometimes
    origins = set(cohort.patients["name_origin"])
    assert len(origins) >= 8


def test_styles_look_like_their_genre(cohort):
    nursing = [n for n in cohort.notes if n["style"] == "icu_nursing"]
    assert nursing and sum(n["text"].isupper() for n in nursing) / len(nursing) > 0.7
    assert sum(";" in n["text"] for n in nursing) / len(nursing) > 0.6
    lower = [n for n in cohort.notes if n["style"] != "icu_nursing" and n["text"].islower()]
    assert lower, "no lowercase/sloppy variants"
    rad = [n for n in cohort.notes if n["style"] == "radiology_report"]
    assert all("IMPRESSION" in n["text"].upper() for n in rad)


def test_ages_over_89_are_labelled_and_younger_ages_are_not(cohort):
    ages = dict(zip(cohort.patients["patient_id"], cohort.patients["age"]))
    age_spans = [(n, s) for n in cohort.notes for s in n["spans"] if s["label"] == "AGE"]
    assert age_spans
    for n, s in age_spans:
        age = ages[n["patient_id"]]
        assert age > 89 and n["text"][s["start"]:s["end"]] in (str(age), f"{age // 10 * 10}s")
    young = [n for n in cohort.notes if ages[n["patient_id"]] <= 89]
    assert young and not any(s["label"] == "AGE" for n in young for s in n["spans"])


def test_look_alikes_stay_unlabelled(cohort):
    """Vitals, scores and times that look like dates or numbers of PHI are not in any span."""
    hits = 0
    for n in cohort.notes:
        covered = np.zeros(len(n["text"]) + 1, dtype=bool)
        for s in n["spans"]:
            covered[s["start"]:s["end"]] = True
        for m in re.finditer(r"\b(BP \d{2,3}/\d{2,3}|Strength \d/5|\d/6 systolic|Pain \d{1,2}/10)\b", n["text"], flags=re.I):
            hits += 1
            assert not covered[m.start():m.end()].any()
    assert hits > 20


def test_write_produces_gold_and_demographics(tmp_path, cohort):
    paths = cohort.write(tmp_path)
    gold = read_gold_jsonl(paths["notes"])
    assert len(gold) == len(cohort.notes)
    assert set(gold[0]) >= {"id", "patient_id", "text", "spans"}
    demo = pd.read_csv(paths["demographics"], dtype=str)
    assert list(demo.columns) == ["id", *DEMOGRAPHIC_ATTRIBUTES]
    assert set(demo["id"]) == {g["patient_id"] for g in gold}
    nd = pd.read_csv(paths["note_demographics"], dtype=str)
    assert list(nd["id"]) == [g["id"] for g in gold]
    assert list(nd.columns) == ["id", *DEMOGRAPHIC_ATTRIBUTES, "style"]
    assert nd["race_ethnicity"].notna().all()
    labels = pd.read_csv(paths["labels"], dtype={"id": str})
    assert set(labels["label"]) == {0, 1}
    meta = json.loads(paths["cohort"].read_text())
    assert meta["n_notes"] == len(gold) and meta["planted_disparity"] is None
    assert len(pd.read_csv(paths["patients"])) == len(cohort.patients)


def test_load_reads_back_what_write_wrote(tmp_path):
    c = generate_cohort(n_patients=6, seed=21, planted_disparity=PlantedDisparity("sex", "F", 0.5))
    c.write(tmp_path)
    back = Cohort.load(tmp_path)
    assert back.notes == c.notes
    assert back.planted_disparity == c.planted_disparity and back.seed == 21
    pd.testing.assert_frame_equal(back.demographics(), c.demographics().astype({"id": str}), check_dtype=False)


def test_output_does_not_depend_on_the_process_hash_seed():
    """This process has a random hash seed; a child with a fixed one must write the same notes."""
    code = ("import hashlib, json; from clinical_sft.data import generate_cohort; "
            "c = generate_cohort(n_patients=5, seed=9); "
            "print(hashlib.sha256(json.dumps(c.notes, sort_keys=True).encode()).hexdigest())")
    child = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": "4242"},
                           capture_output=True, text=True, check=True).stdout.strip()
    here = hashlib.sha256(json.dumps(generate_cohort(n_patients=5, seed=9).notes, sort_keys=True).encode()).hexdigest()
    assert child == here


def _group_auc(cohort, attribute: str) -> dict[str, float]:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import cross_val_predict

    texts = [n["text"] for n in cohort.notes]
    y = np.array([n["label"] for n in cohort.notes])
    x = CountVectorizer(min_df=5, binary=True).fit_transform(texts)
    clf = LogisticRegression(C=0.5, max_iter=300, solver="liblinear")
    score = cross_val_predict(clf, x, y, cv=3, method="predict_proba")[:, 1]
    groups = cohort.note_demographics()[attribute].to_numpy()
    return {g: roc_auc_score(y[groups == g], score[groups == g]) for g in np.unique(groups)}


def test_planted_disparity_weakens_signal_only_in_its_group():
    kwargs = dict(n_patients=400, seed=11, notes_per_patient=(2, 3))
    plain = generate_cohort(**kwargs)
    skewed = generate_cohort(**kwargs, planted_disparity=PlantedDisparity("site", "C", 0.0))
    # the disparity changes the label cues in group C and nothing else
    assert [n["label"] for n in plain.notes] == [n["label"] for n in skewed.notes]
    pd.testing.assert_frame_equal(plain.patients, skewed.patients)
    base, planted = _group_auc(plain, "site"), _group_auc(skewed, "site")
    others = [v for g, v in planted.items() if g != "C"]
    assert min(base.values()) > 0.75, base                       # the label is learnable from text
    assert max(base.values()) - min(base.values()) < 0.1, base  # no disparity where none was planted
    assert planted["C"] < min(others) - 0.15, planted


def test_label_depends_on_latent_risk_not_on_race(cohort):
    df = cohort.note_demographics().merge(cohort.labels(), on="id")
    assert 0.15 < df["label"].mean() < 0.6
    older = df[df["age_band"].isin(["65-79", "80+"])]["label"].mean()
    younger = df[df["age_band"] == "18-44"]["label"].mean()
    assert older > younger


def test_bad_arguments_raise_config_errors():
    with pytest.raises(ConfigError, match="n_patients"):
        generate_cohort(n_patients=0)
    with pytest.raises(ConfigError, match="styles"):
        generate_cohort(n_patients=2, styles=["tweet"])
    with pytest.raises(ConfigError, match="notes_per_patient"):
        generate_cohort(n_patients=2, notes_per_patient=(3, 1))
    with pytest.raises(ConfigError, match="attribute"):
        PlantedDisparity(attribute="eye_colour", group="blue")
    with pytest.raises(ConfigError, match="signal_kept"):
        PlantedDisparity(signal_kept=1.5)


def test_styles_argument_restricts_styles():
    c = generate_cohort(n_patients=10, seed=0, styles=["icu_nursing"])
    assert {n["style"] for n in c.notes} == {"icu_nursing"}
