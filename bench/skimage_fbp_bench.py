#!/usr/bin/python3
"""scikit-image's iradon on the paper's sinogram (67 bins x 30 angles, cosine filter) to 44 x 44
and 48 x 48: the time radon.fbp is compared with (bench/dl_bench.cpp prints raserflow's).
Needs Debian's python3-skimage."""
import time

import numpy as np
from skimage.transform import iradon

rng = np.random.default_rng(0)
sinogram = rng.random((67, 30))
theta = np.arange(30) * 6.0
for size in (44, 48):
    iradon(sinogram, theta=theta, filter_name="cosine", output_size=size)
    best = min(
        (lambda t0: (iradon(sinogram, theta=theta, filter_name="cosine", output_size=size),
                     time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(200))
    print(f"scikit-image iradon, 67 x 30 -> {size} x {size}: {best * 1e3:.3f} ms")
