"""Input normalization ("Por que normalizar?"): min-max, z-score (standardization) and L2.

Shapes: X (N, D), one example per row, one feature per column. The *fit* functions compute a
statistic per feature, shape (D,), from the training data only; the *transform* functions apply
it to any split. Edge cases are part of the contract: a constant feature (max = min, std = 0) and an
all-zero row give finite numbers, never NaN or inf, and no numpy warning.

The measurements lesson 04 makes with them (why normalizing helps) are in `conditioning.py`.
"""
import numpy as np

from .. import _validate
from ..i18n import N_, tr

METHODS = ("minmax", "standard", "l2")


def min_max_fit(X):
    """(x_min, x_max), each (D,): the per-feature minimum and maximum of X."""
    X = _validate.float_array(X, "X", ndim=2)
    _validate.require_rows(X, purpose=N_(" to fit statistics"))
    return X.min(axis=0), X.max(axis=0)


def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    """Scale each feature linearly so that x_min maps to low and x_max to high (feature_range).

    A constant feature (x_max == x_min) maps to `low`. Values outside [x_min, x_max] (in a test
    split) map outside the range: that is expected, not clipped.
    """
    X = _validate.float_array(X, "X", ndim=2)
    x_min, x_max = _validate.feature_vector(x_min, "x_min", X), _validate.feature_vector(x_max, "x_max", X)
    if np.any(x_max < x_min):
        bad = int(np.flatnonzero(x_max < x_min)[0])
        raise ValueError(
            tr("x_max must be >= x_min for every feature; received x_min[{bad}] = {x_min_bad!r} > "
               "x_max[{bad}] = {x_max_bad!r} (are the two swapped?)",
               bad=bad, x_min_bad=x_min[bad], x_max_bad=x_max[bad])
        )
    low, high = _validate.range_pair(feature_range, "feature_range")
    span = x_max - x_min                                   # (D,)
    safe_span = np.where(span > 0, span, 1.0)              # a constant feature: avoid 0 / 0
    unit = np.where(span > 0, (X - x_min) / safe_span, 0.0)  # (N, D) in [0, 1] on the fitted data
    return low + unit * (high - low)


def standardize_fit(X):
    """(mean, std), each (D,): the per-feature mean and population standard deviation (ddof=0).

    The std of a constant feature is exactly 0: rounding in the mean would otherwise leave a
    tiny std such as 1e-17 (for 0.1, 0.1, 0.1), which would blow rounding noise up to values near 1.
    """
    X = _validate.float_array(X, "X", ndim=2)
    _validate.require_rows(X, purpose=N_(" to fit statistics"))
    std = X.std(axis=0)
    std[X.max(axis=0) == X.min(axis=0)] = 0.0
    return X.mean(axis=0), std


def standardize_transform(X, mean, std):
    """(X - mean) / std per feature; a feature with zero std becomes 0."""
    X = _validate.float_array(X, "X", ndim=2)
    mean, std = _validate.feature_vector(mean, "mean", X), _validate.feature_vector(std, "std", X)
    if np.any(std < 0):
        raise ValueError(tr("std must be >= 0 for every feature; received a negative standard deviation"))
    safe_std = np.where(std > 0, std, 1.0)
    return np.where(std > 0, (X - mean) / safe_std, 0.0)


def l2_normalize(X):
    """Scale each row to unit Euclidean length; an all-zero row stays zero."""
    X = _validate.float_array(X, "X", ndim=2)
    norms = np.linalg.norm(X, axis=1, keepdims=True)    # (N, 1)
    return np.where(norms > 0, X / np.where(norms > 0, norms, 1.0), 0.0)


def normalize_splits(X_train, X_test, method):
    """(X_train_n, X_test_n) normalized with statistics from X_train only.

    method: "minmax" (to [0, 1]), "standard" (z-score) or "l2" (unit rows; no statistics needed).
    """
    X_train = _validate.float_array(X_train, "X_train", ndim=2)
    X_test = _validate.float_array(X_test, "X_test", ndim=2)
    if X_test.shape[1] != X_train.shape[1]:
        raise ValueError(
            tr("X_test must have the features of X_train: X_train has {X_train_shape_1} columns, "
               "X_test has {X_test_shape_1}", X_train_shape_1=X_train.shape[1], X_test_shape_1=X_test.shape[1])
        )
    if method == "minmax":
        x_min, x_max = min_max_fit(X_train)
        return min_max_transform(X_train, x_min, x_max), min_max_transform(X_test, x_min, x_max)
    if method == "standard":
        mean, std = standardize_fit(X_train)
        return standardize_transform(X_train, mean, std), standardize_transform(X_test, mean, std)
    if method == "l2":
        return l2_normalize(X_train), l2_normalize(X_test)
    raise ValueError(tr("method must be one of {join_map_repr_METHODS}; received {method!r}",
                        join_map_repr_METHODS=', '.join(map(repr, METHODS)), method=method))
