"""Writes a radial ISMRMRD file with numpy and h5py only (no libismrmrd), as formats.md §1.1 and
§1.2 lay it out: write_radial_h5py.py FILE P T. Row p holds (p + 1) e^{i 2 pi 0.01 k}, its angle
6 p degrees in user_float[0], 500 us dwell; the XML says so."""
import sys

import h5py
import numpy as np

path, P, T = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
u16, u32, u64, i32, f32 = "<u2", "<u4", "<u8", "<i4", "<f4"
fields = [("version", u16, 0), ("flags", u64, 2), ("measurement_uid", u32, 10),
          ("scan_counter", u32, 14), ("acquisition_time_stamp", u32, 18),
          ("physiology_time_stamp", (u32, 3), 22), ("number_of_samples", u16, 34),
          ("available_channels", u16, 36), ("active_channels", u16, 38),
          ("channel_mask", (u64, 16), 40), ("discard_pre", u16, 168), ("discard_post", u16, 170),
          ("center_sample", u16, 172), ("encoding_space_ref", u16, 174),
          ("trajectory_dimensions", u16, 176), ("sample_time_us", f32, 178),
          ("position", (f32, 3), 182), ("read_dir", (f32, 3), 194), ("phase_dir", (f32, 3), 206),
          ("slice_dir", (f32, 3), 218), ("patient_table_position", (f32, 3), 230)]
idx = np.dtype({"names": ["kspace_encode_step_1", "kspace_encode_step_2", "average", "slice",
                          "contrast", "phase", "repetition", "set", "segment", "user"],
                "formats": [u16] * 9 + [(u16, 8)],
                "offsets": [0, 2, 4, 6, 8, 10, 12, 14, 16, 18], "itemsize": 34})
fields += [("idx", idx, 242), ("user_int", (i32, 8), 276), ("user_float", (f32, 8), 308)]
head = np.dtype({"names": [f[0] for f in fields], "formats": [f[1] for f in fields],
                 "offsets": [f[2] for f in fields], "itemsize": 340})
vf = h5py.vlen_dtype(np.dtype(f32))
acq = np.dtype({"names": ["head", "traj", "data"], "formats": [head, vf, vf],
                "offsets": [0, 344, 360], "itemsize": 376})
rows = np.zeros(P, dtype=acq)
k = np.arange(T)
for p in range(P):
    h = rows[p]["head"]
    h["version"] = 1
    h["number_of_samples"] = T
    h["available_channels"] = h["active_channels"] = 1
    h["sample_time_us"] = 500.0
    h["idx"]["kspace_encode_step_1"] = p
    h["user_float"][0] = 6.0 * p
    rows[p]["head"] = h
    z = (p + 1) * np.exp(2j * np.pi * 0.01 * k)
    rows[p]["data"] = np.stack([z.real, z.imag], axis=1).astype(f32).ravel()
    rows[p]["traj"] = np.zeros(0, dtype=f32)
xml = ('<?xml version="1.0"?><ismrmrdHeader xmlns="http://www.ismrm.org/ISMRMRD">'
       "<experimentalConditions><H1resonanceFrequency_Hz>60000000</H1resonanceFrequency_Hz>"
       "</experimentalConditions><encoding><encodedSpace><matrixSize><x>%d</x><y>%d</y><z>1</z>"
       "</matrixSize><fieldOfView_mm><x>1</x><y>1</y><z>1</z></fieldOfView_mm></encodedSpace>"
       "<reconSpace><matrixSize><x>67</x><y>67</y><z>1</z></matrixSize><fieldOfView_mm><x>7.4</x>"
       "<y>7.4</y><z>1</z></fieldOfView_mm></reconSpace><encodingLimits/>"
       "<trajectory>radial</trajectory></encoding><userParameters><userParameterString>"
       "<name>raserflow.angle_source</name><value>user_float0</value></userParameterString>"
       "</userParameters></ismrmrdHeader>") % (T, P)
with h5py.File(path, "w") as f:
    g = f.create_group("dataset")
    g.create_dataset("xml", data=np.array([xml.encode()], dtype=h5py.string_dtype("ascii")))
    g.create_dataset("data", data=rows, maxshape=(None,), chunks=(1,))
