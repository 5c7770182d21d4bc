#!/usr/bin/python3
"""Reference reconstructions for tests/radon, made with scikit-image (run with /usr/bin/python3,
which has scikit-image 0.19.3; the tests never run this script).

    /usr/bin/python3 tests/radon/make_reference.py

writes tests/radon/reference/skimage_radon_iradon.bin: a sequence of records, each
    uint32 name length, name (ASCII), uint32 rank, int64 dims[rank], float64 data (row-major)
all little-endian. Records:
    image                 [44 x 44]  smooth test image, zero outside the inscribed circle
    angles                [30]       6 j degrees, j = 0..29
    radon                 [30 x 67]  skimage radon(circle=False) of image, one row per angle;
                                     its 63 bins (centre 31) padded by 2 on each side, so the
                                     centre is bin 33 = 67 // 2 as radon.project lays them out
    iradon_<filter>_<S>   [S x S]    iradon(radon.T, angles, S, filter), S = 44 and 48
    random_angles         [7]        unsorted angles in [0, 180) degrees
    random_sinogram       [7 x 20]   N(0, 1) values: an even bin count, FFT length 64
    random_iradon_<filter>[33 x 33]  iradon of that, odd output size
Filters: ramp, shepp-logan, cosine, hamming, hann, none (filter_name=None).
"""
import pathlib
import struct

import numpy as np
import skimage
from skimage.transform import iradon, radon

FILTERS = ["ramp", "shepp-logan", "cosine", "hamming", "hann", "none"]


def test_image(n=44):
    """A soft disc with a brighter off-centre ellipse and a dark hole: smooth edges, so the
    comparison with radon.project is not dominated by how each projector treats steps."""
    x, y = np.mgrid[:n, :n] - n // 2
    x = x.astype(float)
    y = y.astype(float)

    def soft(d, width=1.5):
        return 0.5 * (1 - np.tanh(d / width))

    img = 0.6 * soft(np.hypot(x, y) - 15)
    u, v = (x - 4) * np.cos(0.5) + (y + 3) * np.sin(0.5), -(x - 4) * np.sin(0.5) + (y + 3) * np.cos(0.5)
    img += 0.4 * soft((np.hypot(u / 7.0, v / 3.5) - 1) * 4)
    img -= 0.3 * soft(np.hypot(x + 6, y - 5) - 3)
    img = np.clip(img, 0, 1)
    img[x**2 + y**2 > (n // 2) ** 2] = 0
    return img


def record(name, array):
    a = np.ascontiguousarray(array, dtype="<f8")
    head = struct.pack("<I", len(name)) + name.encode("ascii") + struct.pack("<I", a.ndim)
    return head + struct.pack("<%dq" % a.ndim, *a.shape) + a.tobytes()


def main():
    assert skimage.__version__ == "0.19.3", skimage.__version__
    out = []
    image = test_image()
    angles = 6.0 * np.arange(30)
    sk = radon(image, theta=angles, circle=False)  # [63 x 30], centre 31
    assert sk.shape[0] == 63
    sino = np.pad(sk, ((2, 2), (0, 0)))  # [67 x 30], centre 33
    out += [record("image", image), record("angles", angles), record("radon", sino.T)]
    for f in FILTERS:
        for size in (44, 48):
            rec = iradon(sino, theta=angles, output_size=size, filter_name=None if f == "none" else f)
            out.append(record("iradon_%s_%d" % (f, size), rec))

    rng = np.random.default_rng(20240601)
    random_angles = rng.uniform(0, 180, 7)
    random_sino = rng.normal(size=(7, 20))
    out += [record("random_angles", random_angles), record("random_sinogram", random_sino)]
    for f in FILTERS:
        rec = iradon(random_sino.T, theta=random_angles, output_size=33,
                     filter_name=None if f == "none" else f)
        out.append(record("random_iradon_%s" % f, rec))

    path = pathlib.Path(__file__).resolve().parent / "reference" / "skimage_radon_iradon.bin"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"".join(out))
    print("wrote", path, path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
