#!/usr/bin/python3
"""The operating point: how well the uncorrected RASER spectrum carries the projection, and how
often the 200-bin ROI runs off the spectrum, against epsilon and per dataset class.

Reads the scores file of pipelines/operating_point.yaml and writes a two-panel figure and a
table (stdout, Markdown) of per-bin medians:
  bench/operating_point.py OUT/scores.h5 examples/figures/operating_point.png
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

CLASSES = ["plain", "pumped", "fluctuating"]


def main(scores_path, figure_path):
    with h5py.File(scores_path, "r") as f:
        cls = f["class"][:]
        eps = f["epsilon"][:]  # [N x P], per projection
        corr = f["profile_correlation"][:]  # [N x P]
        clamped = f["spectrum_clamped"][:].astype(bool)  # [N x P]
    # An image's epsilon: the geometric mean over its projections (their spread is sigma).
    eps_image = np.exp(np.log(eps).mean(axis=1))
    edges = np.geomspace(1, 300, 13)
    centres = np.sqrt(edges[:-1] * edges[1:])
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 7), sharex=True)
    rows = []
    for c, name in enumerate(CLASSES):
        mine = cls == c
        median, low, high, share = [], [], [], []
        for lo, hi in zip(edges[:-1], edges[1:]):
            per_projection = (eps >= lo) & (eps < hi) & mine[:, None] & ~clamped
            values = corr[per_projection]
            images = mine & (eps_image >= lo) & (eps_image < hi)
            median.append(np.median(values) if values.size else np.nan)
            low.append(np.percentile(values, 25) if values.size else np.nan)
            high.append(np.percentile(values, 75) if values.size else np.nan)
            share.append(clamped[images].any(axis=1).mean() if images.any() else np.nan)
        top.plot(centres, median, "o-", label=name)
        top.fill_between(centres, low, high, alpha=0.2)
        bottom.plot(centres, share, "o-", label=name)
        rows.append((name, median, share))
    top.set_xscale("log")
    top.set_ylabel("correlation, RASER projection vs true\n(median and quartiles, unclamped)")
    top.axhline(0, color="grey", lw=0.5)
    top.legend()
    top.set_title("Does the uncorrected spectrum carry the projection?")
    bottom.set_ylabel("share of images dropped\n(ROI runs off the spectrum)")
    bottom.set_xlabel("epsilon = d0 / d_th")
    bottom.set_ylim(-0.02, 1.02)
    for ax in (top, bottom):
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(figure_path, dpi=110)
    print("| epsilon | " + " | ".join(f"r {n} | dropped {n}" for n in CLASSES) + " |")
    print("|---" * (1 + 2 * len(CLASSES)) + "|")
    for i, e in enumerate(centres):
        cells = []
        for _, median, share in rows:
            cells += [f"{median[i]:.2f}", f"{share[i]:.2f}"]
        print(f"| {e:.1f} | " + " | ".join(cells) + " |")
    print(f"\n{len(cls)} images, classes {np.bincount(cls, minlength=3).tolist()}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
