#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""StandardScaler fixture: scikit-learn's scaling of a matrix with awkward columns.

Run with Debian 12's /usr/bin/python3 (python3-sklearn 1.2.1, numpy 1.24.2)."""
import numpy as np
import sklearn
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(20261124)
n = 200
X = np.column_stack([
    rng.normal(0.0, 1.0, n),               # plain
    rng.normal(1e6, 3.0, n),               # large mean, small spread
    np.full(n, 7.25),                      # constant: scale 1, output zeros
    1.0 + 1e-13 * rng.normal(size=n),      # variance at rounding level: treated as constant
    rng.exponential(2.0, n),               # skewed
    np.where(rng.random(n) < 0.95, 0.0, rng.random(n)),   # sparse, like TF-IDF columns
])
s = StandardScaler().fit(X)
np.savetxt("standardize_X.csv", X, delimiter=",", fmt="%.17g")
np.savetxt("standardize_Z.csv", s.transform(X), delimiter=",", fmt="%.17g")
np.savetxt("standardize_mean_scale.csv", np.vstack([s.mean_, s.scale_]), delimiter=",", fmt="%.17g")
print("sklearn", sklearn.__version__, "numpy", np.__version__)
