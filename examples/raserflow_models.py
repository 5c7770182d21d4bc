"""raserflow's networks in PyTorch, and raserflow model files loaded into them.

    import raserflow_models
    cnn = raserflow_models.load("models/cnn.h5")   # eval mode; cnn.metadata: convention, dataset
    projections = cnn(torch.from_numpy(spectra))    # [B, 200] float32 -> [B, 67]

The modules mirror plugins/dl/lib/networks.cpp name for name, so a model file's tensors are a
state_dict of them, and a state_dict of them is a model file's tensors.
"""
import json

import h5py
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class Cnn(nn.Module):
    """The paper's 1-D CNN (science.md 3.1); the defaults have 7,152,397 parameters."""

    def __init__(self, inputs=200, outputs=67, filters=64, kernel=8, conv_layers=3, hidden=1024,
                 fc_layers=5, conv_dropout=0.2, fc_dropout=0.2):
        super().__init__()
        self.conv_dropout, self.fc_dropout = conv_dropout, fc_dropout
        self.convs = nn.ModuleList(
            nn.Conv1d(1 if i == 0 else filters, filters, kernel) for i in range(conv_layers))
        length = inputs
        for i in range(conv_layers):
            length -= kernel - 1
            length = length // 2 if i > 0 else length
        self.fcs = nn.ModuleList(
            nn.Linear(length * filters if i == 0 else hidden, hidden) for i in range(fc_layers))
        self.norms = nn.ModuleList(nn.BatchNorm1d(1) for _ in range(fc_layers))
        self.out = nn.Linear(hidden, outputs)

    def forward(self, x):
        x = x.unsqueeze(1)
        for i, conv in enumerate(self.convs):
            x = F.dropout(F.relu(conv(x)), self.conv_dropout, self.training)
            if i > 0:
                x = F.max_pool1d(x, 2, 2)
        x = x.flatten(1).unsqueeze(1)
        for i, (fc, norm) in enumerate(zip(self.fcs, self.norms)):
            x = norm(F.relu(fc(x)))
            x = F.dropout(x, 0.0 if i == 0 else self.fc_dropout, self.training)
        return F.elu(self.out(x)).squeeze(1)


def _double_conv(i, o):
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(),
                         nn.Conv2d(o, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU())


class UNet(nn.Module):
    """The paper's U-Net (science.md 3.2); features [8, 16, 32, 64] have 486,409 parameters."""

    def __init__(self, features=(8, 16, 32, 64)):
        super().__init__()
        self.downs = nn.ModuleList()
        channels = 1
        for f in features:
            self.downs.append(_double_conv(channels, f))
            channels = f
        self.bottleneck = _double_conv(features[-1], 2 * features[-1])
        self.ups = nn.ModuleList()
        for f in reversed(features):
            self.ups.append(nn.ConvTranspose2d(2 * f, f, 2, 2))
            self.ups.append(_double_conv(2 * f, f))
        self.head = nn.Conv2d(features[0], 1, 1)

    def forward(self, x):
        skips = []
        for down in self.downs:
            x = down(x)
            skips.append(x)
            x = F.max_pool2d(x, 2, 2)
        x = self.bottleneck(x)
        for i in range(0, len(self.ups), 2):
            x = self.ups[i](x)
            skip = skips[-1 - i // 2]
            if x.shape != skip.shape:
                x = F.interpolate(x, size=skip.shape[2:], mode="bilinear", align_corners=False)
            x = self.ups[i + 1](torch.cat([skip, x], 1))
        return self.head(x)


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def load(path):
    """A raserflow model file as a PyTorch module in eval mode, with .metadata (a dict)."""
    with h5py.File(path, "r") as f:
        architecture = _text(f.attrs["architecture"])
        config = json.loads(_text(f.attrs["config"]))
        net = Cnn(**config) if architecture == "cnn" else UNet(**config)
        net.load_state_dict({k: torch.from_numpy(np.asarray(v[()])) for k, v in f["tensors"].items()})
        net.metadata = json.loads(_text(f.attrs["metadata"]))
    return net.eval()
