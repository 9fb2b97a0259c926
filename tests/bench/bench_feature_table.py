#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The reference side of bench_feature_table: the same feature tables read the way a numpy
or pandas user reads them (Debian 12: python3-numpy 1.24, python3-pandas 1.5).

    /usr/bin/python3 tests/bench/bench_feature_table.py DIR [--no-csv]

npy.read: numpy.load(table.npy) + pandas.read_csv(table.rows.csv) + the column names;
npy.write: numpy.save + DataFrame.to_csv of the rows; csv.read: pandas.read_csv(table.csv);
csv.write: DataFrame.to_csv of that table. Prints "step,seconds" lines.
"""
import sys
import time

import numpy as np
import pandas as pd


def main(folder, csv=True):
    t = time.perf_counter()
    X = np.load(f"{folder}/table.npy")
    rows = pd.read_csv(f"{folder}/table.rows.csv", keep_default_na=False)
    columns = open(f"{folder}/table.columns.txt").read().splitlines()
    assert X.shape == (len(rows), len(columns))
    print(f"npy.read,{time.perf_counter() - t:.3f}", flush=True)
    t = time.perf_counter()
    np.save(f"{folder}/table.numpy.npy", X)
    rows.to_csv(f"{folder}/table.numpy.rows.csv", index=False)
    print(f"npy.write,{time.perf_counter() - t:.3f}", flush=True)
    del X, rows
    if csv:
        t = time.perf_counter()
        table = pd.read_csv(f"{folder}/table.csv", keep_default_na=False)
        print(f"csv.read,{time.perf_counter() - t:.3f}", flush=True)
        t = time.perf_counter()
        table.to_csv(f"{folder}/table.pandas.csv", index=False)
        print(f"csv.write,{time.perf_counter() - t:.3f}", flush=True)
        del table


if __name__ == "__main__":
    main(sys.argv[1], "--no-csv" not in sys.argv[2:])
