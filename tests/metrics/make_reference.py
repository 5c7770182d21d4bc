#!/usr/bin/python3
"""Reference MSE, PSNR and SSIM from scikit-image for the image pairs that
image_metrics_test.cpp rebuilds, plus one scipy uniform_filter.

Run with Debian's python (scikit-image 0.19.3, scipy 1.10):
    /usr/bin/python3 tests/metrics/make_reference.py > tests/metrics/reference/skimage_metrics.txt
The images come from a 32-bit linear congruential generator and integer-exact arithmetic, so
C++ rebuilds them bit for bit (the smooth case uses sin/cos, equal to within an ulp).
"""
import numpy as np
import scipy
import skimage
from scipy.ndimage import uniform_filter
from skimage.metrics import mean_squared_error, peak_signal_noise_ratio, structural_similarity


def lcg(seed, rows, cols):
    """Numerical Recipes' LCG: state = 1664525 state + 1013904223 mod 2^32, value state / 2^32."""
    state, out = seed, []
    for _ in range(rows * cols):
        state = (1664525 * state + 1013904223) % 2**32
        out.append(state / 2**32)
    return np.array(out, dtype=np.float64).reshape(rows, cols)


def smooth(rows, cols):
    i, j = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    return 0.5 + 0.5 * np.sin(i / 4.0) * np.cos(j / 6.0)


# name -> (reference, test, crop); keep in step with cases() in image_metrics_test.cpp.
CASES = {
    "blend_44": (lcg(1, 44, 44), 0.75 * lcg(1, 44, 44) + 0.25 * lcg(2, 44, 44), 0),
    "smooth_noisy_40x52": (smooth(40, 52), smooth(40, 52) + 0.0625 * (lcg(3, 40, 52) - 0.5), 0),
    "wide_range_30": (-3.0 + 8.0 * lcg(4, 30, 30), -3.0 + 8.0 * lcg(4, 30, 30) + (lcg(5, 30, 30) - 0.5), 0),
    "padded_48_crop_2": (lcg(6, 48, 48), 0.5 * lcg(6, 48, 48) + 0.5 * lcg(7, 48, 48), 2),
    "independent_20": (lcg(8, 20, 20), lcg(9, 20, 20), 0),
    "smallest_7": (lcg(10, 7, 7), lcg(11, 7, 7), 0),
}


def main():
    print(f"# scikit-image {skimage.__version__}, scipy {scipy.__version__}, numpy {np.__version__}")
    print("# case crop mse psnr ssim  (data_range = max - min of the cropped reference)")
    for name, (ref, test, crop) in CASES.items():
        if crop:
            ref, test = ref[crop:-crop, crop:-crop], test[crop:-crop, crop:-crop]
        rng = ref.max() - ref.min()
        mse = mean_squared_error(ref, test)
        psnr = peak_signal_noise_ratio(ref, test, data_range=rng)
        ssim = structural_similarity(ref, test, data_range=rng)
        print(f"{name} {crop} {mse!r} {psnr!r} {ssim!r}")
    image = lcg(12, 8, 9)
    filtered = uniform_filter(image, size=7, mode="reflect")
    print("# uniform_filter size 7 mode reflect of lcg(12) 8 x 9, row-major")
    print("uniform_filter_8x9 " + " ".join(repr(v) for v in filtered.ravel()))


if __name__ == "__main__":
    main()
