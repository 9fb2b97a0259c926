#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference fixture for engine/models/pca: scikit-learn PCA(svd_solver="full").

Run with Debian's interpreter: /usr/bin/python3 gen_pca.py (writes next to this script).
Data: 300 x 60, a rank-12 signal with well separated variances (so every component is
determined to rounding) plus small isotropic noise, and a non-zero mean.
"""
import os

import numpy as np
import sklearn
from sklearn.decomposition import PCA

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240611)
n, d, rank, k = 300, 60, 12, 8
basis, _ = np.linalg.qr(rng.standard_normal((d, rank)))
scales = np.linspace(6.0, 1.0, rank)
X = (rng.standard_normal((n, rank)) * scales) @ basis.T
X += 0.05 * rng.standard_normal((n, d)) + rng.uniform(-2.0, 2.0, size=d)

pca = PCA(n_components=k, svd_solver="full")
scores = pca.fit_transform(X)


def save(name, a):
    np.savetxt(os.path.join(here, name), np.atleast_2d(a), delimiter=",", fmt="%.17g")


save("pca_X_300x60.csv", X)
save("pca_components_8x60.csv", pca.components_)
save("pca_scores_300x8.csv", scores)
save("pca_mean_60.csv", pca.mean_)
save("pca_explained_variance_8.csv", pca.explained_variance_)
save("pca_explained_variance_ratio_8.csv", pca.explained_variance_ratio_)
save("pca_singular_values_8.csv", pca.singular_values_)
print("scikit-learn", sklearn.__version__, "numpy", np.__version__)
