#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The .npy fixtures of test_feature_tables, written by numpy.save (Debian 12: python3-numpy).

    /usr/bin/python3 tests/data/npy/gen_npy.py tests/data/npy

A 3 x 4 matrix whose values are exact in every dtype, saved as numpy saves it in C order
(float64, the layout readNpy() is fastest on and writeNpy() must reproduce byte for byte),
in Fortran order (float32), big-endian (int32) and as int64; a 1-D vector; and the values
themselves as text (values.csv) to compare with.
"""
import os
import sys

import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else "."
m = np.array([[0.5, -1.25, 3.0, 1e-3],
              [2.0, 0.0, -7.5, 1024.0],
              [-0.125, 6.0, 9.0, 1.0 / 3.0]])
np.save(os.path.join(out, "c_f8.npy"), m)
np.save(os.path.join(out, "fortran_f4.npy"), np.asfortranarray(m.astype("<f4")))
np.save(os.path.join(out, "big_i4.npy"), np.round(m * 8).astype(">i4"))
np.save(os.path.join(out, "i8.npy"), np.round(m * 8).astype("<i8"))
np.save(os.path.join(out, "vector_f8.npy"), m[:, 1].copy())
np.savetxt(os.path.join(out, "values.csv"), m, delimiter=",", fmt="%r")
print("numpy", np.__version__)
