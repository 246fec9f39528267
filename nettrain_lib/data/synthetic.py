"""Small synthetic data sets, each drawn from an explicit random Generator.

Shapes: X is (N, D) float64, y is (N,) float64. Nothing here touches numpy's global random state.
"""
import numpy as np

from .. import _validate
from ..i18n import tr


def make_linear_regression(n_samples, rng, *, weights=(3.0,), bias=2.0, noise=0.5, x_range=(0.0, 2.0)):
    """Draw (X, y) with y = X @ weights + bias + Gaussian noise.

    Features are uniform on `x_range`; `noise` is the standard deviation of the added noise.
    With one weight (the default) the loss is a function of just (w, b), which can be drawn as
    a contour plot.
    """
    n_samples = _validate.positive_int(n_samples, "n_samples")
    rng = _validate.generator(rng)
    weights = _validate.float_array(weights, "weights", ndim=1)
    bias = _validate.real_scalar(bias, "bias")
    noise = _validate.real_scalar(noise, "noise")
    if noise < 0:
        raise ValueError(tr("noise must be a standard deviation >= 0; received {noise!r}", noise=noise))
    low, high = _validate.range_pair(x_range, "x_range")

    X = rng.uniform(low, high, size=(n_samples, len(weights)))          # (N, D)
    y = X @ weights + bias + noise * rng.standard_normal(n_samples)     # (N,)
    return X, y


def make_blobs(n_per_class, centers, rng, *, spread=1.0):
    """Draw (X, labels): `n_per_class` Gaussian points around each of the `centers` (C, D).

    X is (C * n_per_class, D) float64, labels (C * n_per_class,) int64 in 0..C-1, ordered by class.
    """
    n_per_class = _validate.positive_int(n_per_class, "n_per_class")
    centers = _validate.float_array(centers, "centers", ndim=2)
    rng = _validate.generator(rng)
    spread = _validate.positive_scalar(spread, "spread")
    X = np.concatenate([center + spread * rng.standard_normal((n_per_class, centers.shape[1])) for center in centers])
    labels = np.repeat(np.arange(len(centers)), n_per_class)
    return X, labels
