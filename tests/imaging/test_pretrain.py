"""Self-supervised pretraining: volumes found, corrupted views, reconstruction learns, weights transfer."""

from __future__ import annotations

import pytest
import torch

from clinical_sft.errors import InputError
from clinical_sft.imaging import (
    PretrainConfig,
    ReconstructionTask,
    TransformConfig,
    build_network,
    find_volumes,
    load_pretrained,
    make_dataset,
    pretrain_transforms,
)

TC = TransformConfig(patch_size=(16, 16, 16), num_samples=2, augment=False)


def test_find_volumes_in_dataset_json_and_folders(cohort, tmp_path):
    from_json = find_volumes(cohort.dataset_json)
    assert len(from_json) == len(cohort.cases)  # training + validation, labels ignored
    series = find_volumes(cohort.root / "dicom")
    assert len(series) == len(cohort.cases) and all("case_" in s for s in series)
    nifti = find_volumes(cohort.root / "imagesTr")
    assert all(s.endswith(".nii.gz") for s in nifti)
    with pytest.raises(InputError, match="no NIfTI"):
        find_volumes(tmp_path)


def test_corrupted_input_and_clean_target(cohort):
    cfg = PretrainConfig(size="tiny", transforms=TC)
    ds = make_dataset([{"image": v} for v in find_volumes(cohort.root / "dicom")[:2]], pretrain_transforms(cfg), cache="none")
    task = ReconstructionTask(cfg)
    b = task.collate([ds[0], ds[1]])
    assert b["image"].shape == b["target"].shape == (4, 1, 16, 16, 16)
    assert not torch.equal(b["image"], b["target"])  # holes + noise
    assert float(b["target"].min()) >= 0.0 and float(b["target"].max()) <= 1.0


def test_reconstruction_learns_and_transfers(cohort):
    cfg = PretrainConfig(size="tiny", transforms=TC)
    ds = make_dataset([{"image": v} for v in find_volumes(cohort.root / "dicom")[:2]], pretrain_transforms(cfg))
    task = ReconstructionTask(cfg)
    torch.manual_seed(0)
    model = task.build_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    batch = task.collate([ds[0], ds[1]])
    first = float(task.loss(model, batch))
    for _ in range(15):
        opt.zero_grad()
        task.loss(model, batch).backward()
        opt.step()
    assert float(task.loss(model, batch)) < 0.7 * first
    seg = build_network("unet", 1, 3, size="tiny")
    rep = load_pretrained(seg, model.state_dict())
    assert rep.skipped and not rep.new  # everything transfers but the output layer (1 -> 3 channels)
    assert len(rep.loaded) > 0.8 * len(seg.state_dict())
