"""Fixtures for the ehr tests."""

from __future__ import annotations

import pandas as pd
import pytest
import torch

from tests.ehr.helpers import toy_notes


@pytest.fixture(autouse=True)
def _one_thread():
    torch.set_num_threads(1)
    yield


@pytest.fixture(scope="session")
def tokenizer():
    from clinical_sft.ehr._backbone import load_tokenizer

    return load_tokenizer("minilm")


@pytest.fixture
def notes() -> pd.DataFrame:
    return toy_notes()
