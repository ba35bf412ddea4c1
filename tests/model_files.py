"""Model files made in the tests: `save_scripted`, and contract models that misbehave
only on real ink (each passes the load-time check on a blank input and then breaks on a
drawing, as a user's own model file can)."""

from __future__ import annotations

import json
import warnings

import torch
from torch import nn

from mnistviz.architectures import ReadoutNet


def save_scripted(module, path, meta: dict | None = None):
    """`module` scripted and saved as TorchScript at `path`, with `meta` as its meta.json."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TorchScript's deprecation warning
        scripted = torch.jit.script(module.eval())
        extra = {"meta.json": json.dumps(meta)} if meta is not None else {}
        torch.jit.save(scripted, str(path), _extra_files=extra)
    return path


def _drawn(x: torch.Tensor) -> torch.Tensor:
    return (x.abs().sum() > 0.0).to(torch.float32)


class InfOnInk(nn.Module):
    """Finite on the blank input, infinite on any drawing: logits / (1 - drawn)."""

    def __init__(self):
        super().__init__()
        self.net = ReadoutNet()

    def forward(self, x: torch.Tensor):
        logits, s1, s2, s3 = self.net(x)
        return logits / (1.0 - _drawn(x)), s1, s2, s3


class ReshapesOnInk(nn.Module):
    """Follows the contract on the blank input; on a drawing its last stage shrinks to 7x7."""

    def __init__(self):
        super().__init__()
        self.net = ReadoutNet()

    def forward(self, x: torch.Tensor):
        logits, s1, s2, s3 = self.net(x)
        if bool(x.abs().sum() > 0.0):
            s3 = s3[:, :, :7, :7]
        return logits, s1, s2, s3


class RaisesOnInk(nn.Module):
    """Answers the blank input; raises on a drawing."""

    def __init__(self):
        super().__init__()
        self.net = ReadoutNet()

    def forward(self, x: torch.Tensor):
        if bool(x.abs().sum() > 0.0):
            raise RuntimeError("this model only works on blank paper")
        return self.net(x)


# Models for the explanation (network_probe, explain): what can be recovered by shape.

class RenamedGapNet(nn.Module):
    """The GAP design with other names, declared head first: found by shape, not by name."""

    def __init__(self):
        super().__init__()
        self.classifier = nn.Linear(10, 10)
        self.edges = nn.Conv2d(1, 10, kernel_size=3, padding=1)
        self.mixer = nn.Conv2d(10, 10, kernel_size=3, padding=1)
        self.shrink = nn.MaxPool2d(2)

    def forward(self, x: torch.Tensor):
        a = torch.relu(self.edges(x))
        b = torch.relu(self.mixer(a))
        c = self.shrink(b)
        return self.classifier(c.mean(dim=(2, 3))), a, b, c


class NonlinearHeadNet(nn.Module):
    """ReadoutNet with tanh between the last stage and the linear layer: no exact split."""

    def __init__(self):
        super().__init__()
        self.net = ReadoutNet()

    def forward(self, x: torch.Tensor):
        s1, s2, s3 = self.net.backbone.stages(x)
        return self.net.fc(torch.tanh(torch.flatten(s3, 1))), s1, s2, s3


class UnrecoverableStagesNet(nn.Module):
    """Sigmoid and tanh instead of ReLU, average instead of max pooling: no stage can be
    recomputed as conv + ReLU / max-pool (its linear read-out still splits exactly)."""

    def __init__(self):
        super().__init__()
        self.net = ReadoutNet()

    def forward(self, x: torch.Tensor):
        s1 = torch.sigmoid(self.net.backbone.conv1(x))
        s2 = torch.tanh(self.net.backbone.conv2(s1))
        s3 = torch.nn.functional.avg_pool2d(s2, 2)
        return self.net.fc(torch.flatten(s3, 1)), s1, s2, s3
