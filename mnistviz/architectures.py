"""The two shipped networks. Both keep the product's 30 maps: three stages of 10.

Imported only by training (and tests that build contract models); the app loads
TorchScript archives and never needs these classes.
"""

from __future__ import annotations

from typing import Tuple

import torch
from torch import Tensor, nn


class Backbone(nn.Module):
    """conv1 1→10 3x3 pad 1 + ReLU, conv2 10→10 3x3 pad 1 + ReLU, MaxPool 2x2."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(10, 10, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)

    def stages(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        s1 = torch.relu(self.conv1(x))
        s2 = torch.relu(self.conv2(s1))
        s3 = self.pool(s2)
        return s1, s2, s3


class ReadoutNet(nn.Module):
    """Backbone, then a linear read-out of all 10x14x14 pooled values (keeps *where*)."""

    def __init__(self) -> None:
        super().__init__()
        self.backbone = Backbone()
        self.dropout = nn.Dropout(0.1)
        self.fc = nn.Linear(10 * 14 * 14, 10)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        s1, s2, s3 = self.backbone.stages(x)
        logits = self.fc(self.dropout(torch.flatten(s3, 1)))
        return logits, s1, s2, s3


class GapNet(nn.Module):
    """Backbone, global average pool, linear 10→10: the reference design (throws away *where*)."""

    def __init__(self) -> None:
        super().__init__()
        self.backbone = Backbone()
        self.fc = nn.Linear(10, 10)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        s1, s2, s3 = self.backbone.stages(x)
        logits = self.fc(s3.mean(dim=(2, 3)))
        return logits, s1, s2, s3


ARCHITECTURES = {
    "readout": (ReadoutNet, "conv1 1→10 3x3 + ReLU, conv2 10→10 3x3 + ReLU, MaxPool 2x2, linear 1960→10"),
    "gap": (GapNet, "conv1 1→10 3x3 + ReLU, conv2 10→10 3x3 + ReLU, MaxPool 2x2, global average pool, linear 10→10"),
}
