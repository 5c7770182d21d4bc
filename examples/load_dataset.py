import sys
import h5py, numpy as np, torch
with h5py.File(sys.argv[1] if len(sys.argv) > 1 else "out/dataset/dataset.h5", "r") as f:
    spectra, targets = f["spectra"], f["targets"]  # [N x P x 200], [N x P x 67], float32
    n, p = spectra.shape[:2]  # a training row is one projection of one item: N * P rows
    rows = np.random.default_rng(0).permutation(n * p)[:64]  # a shuffled batch of rows
    items, at = np.unique(rows // p, return_inverse=True)  # h5py reads sorted, distinct items
    x = torch.from_numpy(spectra[items][at, rows % p])  # [batch x 200]
    y = torch.from_numpy(targets[items][at, rows % p])  # [batch x 67]
print("spectra", tuple(x.shape), x.dtype, "targets", tuple(y.shape), y.dtype)
