"""Network registry, pretrained checkpoint matching by name and shape, encoder freezing."""

from __future__ import annotations

import importlib.util

import pytest
import torch
from safetensors.torch import save_file

from clinical_sft.errors import ConfigError, InputError, ModelNotFoundError
from clinical_sft.imaging import (
    UnfreezeSchedule,
    available_networks,
    build_network,
    encoder_parameters,
    load_pretrained,
    set_encoder_trainable,
)

X = torch.zeros(1, 1, 32, 32, 32)


@pytest.mark.parametrize("name", ["unet", "segresnet"])
def test_segmentation_networks_build_by_name(name):
    net = build_network(name, in_channels=1, out_channels=3, size="tiny")
    assert net(X).shape == (1, 3, 32, 32, 32)


@pytest.mark.skipif(importlib.util.find_spec("einops") is None, reason="swinunetr needs einops")
def test_swinunetr_builds():
    net = build_network("swinunetr", in_channels=1, out_channels=2, size="tiny")
    x = torch.zeros(1, 1, 64, 64, 64)  # five 2x downsamplings: patches are multiples of 32, at least 64
    assert net(x).shape == (1, 2, 64, 64, 64)


@pytest.mark.parametrize("name", ["densenet121", "resnet18"])
def test_classification_networks_build_by_name(name):
    net = build_network(name, in_channels=1, out_channels=2, size="tiny")
    assert net(torch.zeros(2, 1, 32, 32, 32)).shape == (2, 2)  # BatchNorm needs 2 samples in train mode


def test_registry_lists_kinds_and_rejects_unknown_names():
    assert {"unet", "segresnet", "swinunetr"} <= set(available_networks("segmentation"))
    assert {"densenet121", "resnet18"} <= set(available_networks("classification"))
    with pytest.raises(ConfigError, match="network must be one of"):
        build_network("vnet9000")


def test_load_pretrained_matches_name_and_shape(tmp_path):
    src = build_network("unet", 1, 1, size="tiny")  # e.g. a reconstruction backbone: 1 output channel
    dst = build_network("unet", 1, 3, size="tiny")
    sd = {f"module.{k}": v for k, v in src.state_dict().items()}  # DDP-style prefix is stripped
    sd["extra.weight"] = torch.ones(2)
    save_file(sd, tmp_path / "model.safetensors")
    report = load_pretrained(dst, tmp_path)  # a run folder
    final = [k for k in dst.state_dict() if k.startswith("model.2.1.")]  # last up-conv: out channels differ
    assert final and all(k in report.skipped for k in final if dst.state_dict()[k].dim() > 1)
    assert report.unused == ["extra.weight"]
    assert len(report.loaded) + len(report.skipped) + len(report.new) == len(dst.state_dict())
    for k in report.loaded:
        assert torch.equal(dst.state_dict()[k], src.state_dict()[k])
    assert "loaded" in report.summary() and "skipped" in str(report)


def test_bundle_folder_and_torch_state_dict(tmp_path):
    net = build_network("segresnet", 1, 2, size="tiny")
    (tmp_path / "bundle" / "models").mkdir(parents=True)
    torch.save({"state_dict": net.state_dict()}, tmp_path / "bundle" / "models" / "model.pt")
    other = build_network("segresnet", 1, 2, size="tiny")
    rep = load_pretrained(other, tmp_path / "bundle")
    assert not rep.skipped and not rep.new and len(rep.loaded) == len(net.state_dict())


def test_pickled_code_is_refused(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("owned",))

    torch.save({"x": Evil()}, tmp_path / "evil.pt")
    with pytest.raises(InputError, match="weights-only"):
        load_pretrained(build_network("unet", 1, 2, size="tiny"), tmp_path / "evil.pt")


def test_missing_checkpoint_is_model_not_found(tmp_path):
    with pytest.raises(ModelNotFoundError):
        load_pretrained(build_network("unet", 1, 2, size="tiny"), tmp_path / "none.safetensors")


@pytest.mark.parametrize("name,prefix", [("unet", "model.0."), ("segresnet", "convInit")])
def test_encoder_freeze_and_unfreeze(name, prefix):
    net = build_network(name, 1, 3, size="tiny")
    enc = set(encoder_parameters(net, name))
    assert any(k.startswith(prefix) for k in enc)
    assert 0 < len(enc) < len(list(net.parameters()))
    assert set_encoder_trainable(net, name, False) == len(enc)
    frozen = {k for k, p in net.named_parameters() if not p.requires_grad}
    assert frozen == enc
    set_encoder_trainable(net, name, True)
    assert all(p.requires_grad for p in net.parameters())


def test_unfreeze_schedule():
    s = UnfreezeSchedule(frozen_epochs=2)
    assert [s.trainable_at(e) for e in (1, 2, 3)] == [False, False, True]
    assert not UnfreezeSchedule(-1).trainable_at(100) and UnfreezeSchedule(0).trainable_at(1)


def test_freeze_loaded_leaves_only_the_new_output_block_trainable():
    from clinical_sft.imaging.networks import freeze_loaded

    src = build_network("unet", 1, 1, size="tiny")  # a reconstruction network (1 output channel)
    seg = build_network("unet", 1, 3, size="tiny")
    rep = load_pretrained(seg, src.state_dict())
    n = freeze_loaded(seg, rep)
    trainable = {name for name, p in seg.named_parameters() if p.requires_grad}
    assert n > 0 and trainable == set(rep.skipped) | {k for k in rep.new if k in dict(seg.named_parameters())}


@pytest.mark.parametrize("net", ["resnet18", "resnet50"])
def test_resnet_blocks_match_monai_outputs(net):
    from monai.networks.nets.resnet import ResNet, ResNetBlock, ResNetBottleneck

    ours = build_network(net, 1, 2, size="tiny").eval()
    block, layers = (ResNetBlock, [2, 2, 2, 2]) if net == "resnet18" else (ResNetBottleneck, [3, 4, 6, 3])
    ref = ResNet(block=block, layers=layers, block_inplanes=[4, 8, 16, 32], spatial_dims=3, n_input_channels=1,
                 num_classes=2).eval()
    ref.load_state_dict(ours.state_dict())  # same names and shapes: MONAI checkpoints load as they are
    x = torch.rand(2, 1, 16, 16, 16)
    with torch.no_grad():
        assert torch.allclose(ours(x), ref(x), atol=1e-5)
    assert not any(getattr(m, "inplace", False) for m in ours.modules())  # opacus' hooks refuse in-place ops


def test_default_learning_rates_are_registered():
    from clinical_sft.imaging import default_learning_rate

    assert default_learning_rate("unet") == 1e-2 and default_learning_rate("segresnet") == 2e-3
    assert default_learning_rate("swinunetr") == 1e-4 and default_learning_rate("densenet121") == 1e-3
    with pytest.raises(ConfigError, match="vnet"):
        default_learning_rate("vnet")
