"""MONAI's ResNet blocks with an out-of-place residual sum (same parameters, names and outputs).

MONAI adds the residual in place (``out += residual``) on the output of a norm layer; opacus' backward
hooks (DP training) forbid in-place changes of hooked outputs. Imported lazily (it imports MONAI).
"""

from __future__ import annotations

import torch
from monai.networks.nets.resnet import ResNetBlock, ResNetBottleneck

__all__ = ["Block", "Bottleneck"]


class Block(ResNetBlock):
    """``monai.networks.nets.resnet.ResNetBlock`` without in-place operations."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual = x if self.downsample is None else self.downsample(x)
        out = self.bn2(self.conv2(self.act(self.bn1(self.conv1(x)))))
        return self.act(out + residual)


class Bottleneck(ResNetBottleneck):
    """``monai.networks.nets.resnet.ResNetBottleneck`` without in-place operations."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual = x if self.downsample is None else self.downsample(x)
        out = self.act(self.bn1(self.conv1(x)))
        out = self.act(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.act(out + residual)
