#!/usr/bin/python3
"""The paper's evaluation table from the runs of pipelines/evaluate.yaml and
evaluate_shepp_logan.yaml (make evaluate).

    bench/evaluate.py HOLDOUT_DIR SHEPP_LOGAN_DIR OUT.json

Reads evaluation.h5 of both runs; writes OUT.json with mean and sd of MSE and SSIM per stage
(A uncorrected, B CNN + FBP, C CNN + FBP + U-Net, D FBP of the true projections), as the
paper's code scores them and min-max scaled, per class and per epsilon band of the hold-out set;
prints the README table beside the paper's numbers (science.md 3.6).
"""
import json
import sys

import h5py
import numpy as np

STAGES = {"a": "A uncorrected", "b": "B CNN + FBP", "c": "C CNN + FBP + U-Net",
          "d": "D FBP of the true projections"}
CLASSES = {0: "plain", 1: "pumped", 2: "fluctuating"}
PAPER = {("holdout", "c"): (0.002, 0.002, 0.906, 0.065), ("shepp_logan", "b"): (0.056, None, 0.275, None),
         ("shepp_logan", "c"): (0.026, None, 0.599, None)}


def stats(values):
    v = np.asarray(values, dtype=float)
    return {"mean": float(v.mean()), "sd": float(v.std(ddof=1)) if v.size > 1 else 0.0, "n": int(v.size)}


def summarize(f, rows):
    out = {}
    for s in STAGES:
        for variant, suffix in (("paper", ""), ("minmax", "_mm")):
            out.setdefault(s, {})[variant] = {
                m: stats(f[f"{s}_{m}{suffix}"][()][rows]) for m in ("mse", "ssim")}
    return out


def main(holdout_dir, shepp_dir, out_path):
    result = {"stages": STAGES}
    with h5py.File(f"{holdout_dir}/evaluation.h5", "r") as f:
        n = f["a_mse"].shape[0]
        everything = np.arange(n)
        result["holdout"] = summarize(f, everything)
        cls = f["class"][()]
        result["holdout_by_class"] = {CLASSES.get(int(c), str(c)): summarize(f, np.where(cls == c)[0])
                                      for c in np.unique(cls)}
        eps = f["epsilon_image"][()]
        edges = [2, 5, 10, 20, 50, 100]
        bands = {}
        for lo, hi in zip(edges[:-1], edges[1:]):
            rows = np.where((eps >= lo) & (eps < hi))[0]
            if rows.size:
                bands[f"{lo}-{hi}"] = summarize(f, rows)
        result["holdout_by_epsilon"] = bands
    with h5py.File(f"{shepp_dir}/evaluation.h5", "r") as f:
        result["shepp_logan"] = summarize(f, np.arange(f["a_mse"].shape[0]))
    with open(out_path, "w") as out:
        json.dump(result, out, indent=1)

    def cell(test, s, variant, metric):
        st = result[test][s][variant][metric]
        return f"{st['mean']:.3f} ± {st['sd']:.3f}"

    print("| test | stage | MSE | SSIM | MSE, min-max | SSIM, min-max | paper MSE / SSIM |")
    print("|---|---|---|---|---|---|---|")
    for test, label in (("holdout", "hold-out, 100 images"), ("shepp_logan", "Shepp-Logan, 5 draws")):
        for s, name in STAGES.items():
            p = PAPER.get((test, s))
            paper = "" if p is None else (f"{p[0]} ± {p[1]} / {p[2]} ± {p[3]}" if p[1] else f"{p[0]} / {p[2]}")
            print(f"| {label} | {name} | {cell(test, s, 'paper', 'mse')} | {cell(test, s, 'paper', 'ssim')} | "
                  f"{cell(test, s, 'minmax', 'mse')} | {cell(test, s, 'minmax', 'ssim')} | {paper} |")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
