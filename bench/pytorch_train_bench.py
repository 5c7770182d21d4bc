#!/usr/bin/python3
"""The training step of bench/dl_bench.cpp in Python's PyTorch (Debian's python3-torch): the
paper's CNN (examples/raserflow_models.py), Adam, MSE, batch 300, on 1 and 2 threads."""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
import raserflow_models  # noqa: E402

for threads in (1, 2):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = raserflow_models.Cnn()
    adam = torch.optim.Adam(net.parameters(), lr=3e-4)
    x, y = torch.rand(300, 200), torch.rand(300, 67)

    def step():
        adam.zero_grad()
        torch.nn.functional.mse_loss(net(x), y).backward()
        adam.step()

    for _ in range(3):
        step()
    steps = 20
    t0 = time.time()
    for _ in range(steps):
        step()
    s = time.time() - t0
    print(f"PyTorch {torch.__version__}, batch 300, {threads} thread(s): {steps * 300 / s:.0f} "
          f"samples/s ({s / steps * 1000:.0f} ms per step)")
