"""Tiny synthetic imaging cohort shared by the imaging tests (32^3 volumes, 8 cases)."""

from __future__ import annotations

import pytest
import torch

from clinical_sft.data.synthetic_imaging import ImagingCohortConfig, make_imaging_cohort


@pytest.fixture(scope="session", autouse=True)
def _one_thread() -> None:
    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def cohort(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    root = tmp_path_factory.mktemp("imaging_cohort")
    return make_imaging_cohort(root, ImagingCohortConfig(n_cases=8, shape=(32, 32, 32), effect_site="C", seed=3))


@pytest.fixture(scope="session")
def cls_cohort(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """Half the cases hold a lesion: classification.json has both classes in training and validation."""
    root = tmp_path_factory.mktemp("imaging_cls_cohort")
    return make_imaging_cohort(root, ImagingCohortConfig(n_cases=10, shape=(24, 24, 24), effect_site="C", seed=4,
                                                         lesion_prevalence=0.5, val_fraction=0.4))
