"""Under DP the privacy unit is the note (or the patient), also when a note spans several windows."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import torch

from clinical_sft.ehr import UnitDataset, build_task, fine_tune, load_notes
from clinical_sft.errors import ConfigError
from clinical_sft.training import DPConfig, TrainConfig
from tests.ehr.helpers import tiny_config, toy_notes


@pytest.fixture(scope="module")
def long_windows():
    df = load_notes(toy_notes(8, long=True), "classify")
    task = build_task(tiny_config("classify", max_length=20, stride=4), df)
    return df, task.make_dataset(df)


def test_a_note_is_one_item_and_each_read_draws_one_of_its_windows(long_windows):
    df, ds = long_windows
    assert len(ds) > 2 * ds.n_notes and ds.privacy_unit == "window"
    units = ds.by_unit("note")
    assert isinstance(units, UnitDataset) and units.privacy_unit == "note" and len(units) == len(df)
    per_note = Counter(it["id"] for it in ds.items)
    torch.manual_seed(0)
    for i, rid in enumerate(df["id"]):
        seen = {units[i]["window"] for _ in range(200)}
        assert {units[i]["id"] for _ in range(20)} == {rid}  # never another note's window
        assert seen == set(range(per_note[rid]))  # every window of the note is drawn sooner or later
    torch.manual_seed(1)
    a = [units[i]["window"] for i in range(len(units))]
    torch.manual_seed(1)
    assert [units[i]["window"] for i in range(len(units))] == a  # the engine's seed fixes the draws
    assert units.fingerprint() == ds.by_unit("note").fingerprint()  # fingerprinting draws nothing


def test_patient_unit_groups_all_windows_of_a_patient(long_windows):
    df, ds = long_windows
    units = ds.by_unit("patient")
    assert len(units) == df["patient_id"].nunique() == len(df) // 2
    torch.manual_seed(0)
    owner = dict(zip(df["id"], df["patient_id"]))
    for i in range(len(units)):
        assert len({owner[units[i]["id"]] for _ in range(50)}) == 1
        assert len({units[i]["id"] for _ in range(200)}) == 2  # both notes of the patient
    with pytest.raises(ConfigError, match="dp_unit"):
        ds.by_unit("window")
    with pytest.raises(ConfigError, match="dp_unit"):
        tiny_config("classify", dp_unit="visit")


def test_short_notes_say_their_window_is_the_note():
    df = load_notes(toy_notes(4), "classify")
    ds = build_task(tiny_config("classify", max_length=64), df).make_dataset(df)
    assert len(ds) == len(df) and ds.privacy_unit == "note"


@pytest.mark.parametrize("unit", ["note", "patient"])
def test_dp_fine_tune_accounts_over_notes_not_windows(tmp_path, unit):
    notes = toy_notes(16, long=True)
    run = fine_tune(notes, config=tiny_config("classify", max_length=20, stride=4, dp_unit=unit),
                    train_config=TrainConfig(out_dir=tmp_path / unit, epochs=1, batch_size=4, learning_rate=1e-2,
                                             progress=False),
                    dp=DPConfig(target_epsilon=8.0, accountant="rdp"), val_fraction=0.25)
    rj = json.loads((tmp_path / unit / "run.json").read_text())
    n_val = len(run.predictions)
    n_train_notes = len(notes) - n_val
    expect = n_train_notes if unit == "note" else n_train_notes // 2
    p = rj["privacy"]
    assert p["unit"] == unit and p["n_records"] == expect  # not the number of windows
    assert p["sample_rate"] == pytest.approx(1 / -(-expect // 4))
    assert p["epsilon"] <= 8.0 and rj["data_fingerprint"]["train"]["n"] == expect
