#!/usr/bin/python3
"""Writes reference_spectra.json: fft.spectrum's outputs computed independently with numpy,
following the paper's preprocessing (science.md §2.3) step by step.

Run with Debian's python (numpy): /usr/bin/python3 tests/fft/make_reference.py
The test (spectrum_reference_test.cpp) rebuilds the same FIDs from the component list below
and compares; python is not needed at test time.
"""
import json
import pathlib

import numpy as np

DWELL = 0.5e-3   # s, f_s = 2 kHz
SAMPLES = 256
ROI = 64
# One list of damped tones per projection: amplitude, frequency (Hz), decay rate (1/s), phase (rad).
# Row 1's strongest line is at a negative frequency, so real_sum (which folds it onto +200 Hz)
# and complex (which drops it) find different peaks.
ROWS = [
    [[1.0, 300.0, 3.0, 0.3], [0.4, 120.0, 1.0, -1.1], [0.5, -450.0, 2.0, 2.0]],
    [[0.6, 737.3, 5.0, 0.0], [1.0, -200.0, 0.5, 0.7], [0.05, 10.0, 0.0, 0.0]],
]
# Mode grids for raser_projections: row 0 around its +300 Hz line, row 1 around -200 Hz.
MODES = [np.linspace(250.0, 350.0, 33), np.linspace(-260.0, -140.0, 33)]


def fid(components):
    t = np.arange(SAMPLES) * DWELL
    s = np.zeros(SAMPLES, complex)
    for a, f, decay, phase in components:
        s += a * np.exp(1j * (2 * np.pi * f * t + phase)) * np.exp(-decay * t)
    return s


def padded(channel, pad_with):
    value = np.mean(channel[-10:]) if pad_with == "last_mean" else 0.0
    return np.pad(channel, (2 * SAMPLES, 2 * SAMPLES), "constant", constant_values=value)


def transform(s, combine, pad_with):
    re, im = padded(s.real, pad_with), padded(s.imag, pad_with)
    x = re + im if combine == "real_sum" else re + 1j * im
    return np.abs(np.fft.fft(x))


def case(combine, pad_with):
    spectra, peaks, projections = [], [], []
    for components, modes in zip(ROWS, MODES):
        full = transform(fid(components), combine, pad_with)
        half = full[: len(full) // 2].copy()
        half[0] = 0
        pos = int(np.argmax(half))
        spectra.append(half[pos - ROI // 2 : pos + ROI // 2].tolist())
        peaks.append(pos)
        # raser_projections always come from re + i·im: a real sum would fold -ν onto +ν.
        both = transform(fid(components), "complex", pad_with)
        freqs = np.fft.fftfreq(len(both), DWELL)
        order = np.argsort(freqs)
        p = np.interp(modes, freqs[order], both[order])
        projections.append(((p - p.min()) / (p.max() - p.min())).tolist())
    return {"combine": combine, "pad_with": pad_with, "spectrum_peak": peaks,
            "spectra": spectra, "raser_projections": projections}


reference = {
    "dwell": DWELL, "samples": SAMPLES, "padding": 2, "roi": ROI,
    "rows": ROWS, "mode_frequencies": [m.tolist() for m in MODES],
    "cases": [case(c, p) for c in ("complex", "real_sum") for p in ("zero", "last_mean")],
}
out = pathlib.Path(__file__).with_name("reference_spectra.json")
# One key per line keeps the file reviewable in a diff.
lines = [f" {json.dumps(k)}: {json.dumps(v)}" for k, v in reference.items()]
out.write_text("{\n" + ",\n".join(lines) + "\n}\n")
print("wrote", out, [c["spectrum_peak"] for c in reference["cases"]])
