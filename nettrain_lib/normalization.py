"""Input normalization ("Por que normalizar?"): min-max, z-score (standardization) and L2.

Shapes: X (N, D), one example per row, one feature per column. The *fit* functions compute a
statistic per feature, shape (D,), from the training data only; the *transform* functions apply
it to any split. Edge cases are part of the contract: a constant feature (max = min, std = 0) and an
all-zero row give finite numbers, never NaN or inf, and no numpy warning.

The second half holds the measurements lesson 04 makes with them, on linear regression with the
mean squared error J(w, b) = mean((X @ w + b - y) ** 2): its Hessian and the largest learning rate
that converges (2 / lambda_max), gradient descent until the loss is within a tolerance of its
minimum, and the sigmoid whose saturation normalization avoids.
"""
import numpy as np

from . import _validate

METHODS = ("minmax", "standard", "l2")


def min_max_fit(X):
    """(x_min, x_max), each (D,): the per-feature minimum and maximum of X."""
    X = _validate.float_array(X, "X", ndim=2)
    _require_rows(X)
    return X.min(axis=0), X.max(axis=0)


def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    """Scale each feature linearly so that x_min maps to low and x_max to high (feature_range).

    A constant feature (x_max == x_min) maps to `low`. Values outside [x_min, x_max] (in a test
    split) map outside the range: that is expected, not clipped.
    """
    X = _validate.float_array(X, "X", ndim=2)
    x_min, x_max = _feature_vector(x_min, "x_min", X), _feature_vector(x_max, "x_max", X)
    if np.any(x_max < x_min):
        bad = int(np.flatnonzero(x_max < x_min)[0])
        raise ValueError(
            f"x_max must be >= x_min for every feature; received x_min[{bad}] = {x_min[bad]!r} > "
            f"x_max[{bad}] = {x_max[bad]!r} (are the two swapped?)"
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
    _require_rows(X)
    std = X.std(axis=0)
    std[X.max(axis=0) == X.min(axis=0)] = 0.0
    return X.mean(axis=0), std


def standardize_transform(X, mean, std):
    """(X - mean) / std per feature; a feature with zero std becomes 0."""
    X = _validate.float_array(X, "X", ndim=2)
    mean, std = _feature_vector(mean, "mean", X), _feature_vector(std, "std", X)
    if np.any(std < 0):
        raise ValueError("std must be >= 0 for every feature; received a negative standard deviation")
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
            f"X_test must have the features of X_train: X_train has {X_train.shape[1]} columns, "
            f"X_test has {X_test.shape[1]}"
        )
    if method == "minmax":
        x_min, x_max = min_max_fit(X_train)
        return min_max_transform(X_train, x_min, x_max), min_max_transform(X_test, x_min, x_max)
    if method == "standard":
        mean, std = standardize_fit(X_train)
        return standardize_transform(X_train, mean, std), standardize_transform(X_test, mean, std)
    if method == "l2":
        return l2_normalize(X_train), l2_normalize(X_test)
    raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}; received {method!r}")


# ---------------------------------------------------------------- measurements for lesson 04

def least_squares_fit(X, y):
    """(w, b) with the smallest mean squared error on (X, y): the bottom of the loss bowl."""
    X, y = _regression_arrays(X, y)
    theta = np.linalg.lstsq(_design(X, fit_bias=True), y, rcond=None)[0]   # (D + 1,)
    return theta[:-1], float(theta[-1])


def mse_hessian(X, *, fit_bias=True):
    """The Hessian of J = mean((X @ w + b - y) ** 2): 2/N A.T @ A with A = [X, 1] ((D+1, D+1)).

    It does not depend on y or on the parameters (J is quadratic). With fit_bias=False the bias
    is held fixed and A = X ((D, D)).
    """
    X = _validate.float_array(X, "X", ndim=2)
    _require_rows(X)
    A = _design(X, fit_bias=fit_bias)
    return 2.0 / len(A) * (A.T @ A)


def largest_stable_lr(X, *, fit_bias=True):
    """2 / lambda_max of the MSE's Hessian: gradient descent converges for every lr below it and
    diverges above it (from almost every start)."""
    return 2.0 / float(np.linalg.eigvalsh(mse_hessian(X, fit_bias=fit_bias))[-1])


def steps_to_converge(X, y, lr, *, tol=0.01, max_steps=100_000):
    """Full-batch gradient descent on (w, b) from zeros: the number of updates until the loss is
    within a fraction `tol` of its smallest possible value (loss <= (1 + tol) * best), or None
    when that does not happen within `max_steps` updates (too slow, or diverging).
    """
    X, y = _regression_arrays(X, y)
    lr = _validate.positive_scalar(lr, "lr")
    tol = _validate.positive_scalar(tol, "tol")
    max_steps = _validate.non_negative_int(max_steps, "max_steps")
    A = _design(X, fit_bias=True)                                          # (N, D + 1)
    best = float(np.mean((A @ np.linalg.lstsq(A, y, rcond=None)[0] - y) ** 2))
    theta = np.zeros(A.shape[1])
    initial = float(np.mean(y ** 2))
    # An exact fit (best = 0) is "converged" when the loss has fallen to tol * 1e-12 of the start.
    target = best + tol * max(best, 1e-12 * initial)
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(max_steps + 1):
            residuals = A @ theta - y                                      # (N,)
            loss = float(np.mean(residuals ** 2))
            if loss <= target:
                return step
            if not np.isfinite(loss) or loss > 1e12 * max(initial, 1.0):
                return None                                                # diverged
            theta = theta - lr * 2.0 / len(A) * (A.T @ residuals)
    return None


def weights_descent_path(X, y, lr, n_steps, *, b=0.0, w0=None):
    """Gradient descent on the weights w only, the bias held fixed at `b`: (path, losses).

    path is (n_steps + 1, D): w at the start (w0, zeros when None) and after every update;
    losses is (n_steps + 1,). Used to draw paths on a loss surface over two weights.
    """
    X, y = _regression_arrays(X, y)
    lr = _validate.positive_scalar(lr, "lr")
    n_steps = _validate.non_negative_int(n_steps, "n_steps")
    b = _validate.real_scalar(b, "b")
    w = np.zeros(X.shape[1]) if w0 is None else _feature_vector(w0, "w0", X).copy()
    path, losses = np.empty((n_steps + 1, X.shape[1])), np.empty(n_steps + 1)
    with np.errstate(over="ignore", invalid="ignore"):    # a diverging run may reach inf
        for step in range(n_steps + 1):
            residuals = X @ w + b - y                      # (N,)
            path[step], losses[step] = w, np.mean(residuals ** 2)
            w = w - lr * 2.0 / len(X) * (X.T @ residuals)  # (D,)
    return path, losses


def sigmoid(z):
    """1 / (1 + exp(-z)), computed without overflow (and without warnings) for any finite z."""
    z = _validate.float_array(z, "z")
    e = np.exp(-np.abs(z))                                 # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def saturated_fraction(z, threshold=0.01):
    """Fraction of the pre-activations z where the sigmoid's slope sigmoid(z) (1 - sigmoid(z)) is
    below `threshold`: units there pass back almost no gradient (|z| > 4.6 for 0.01)."""
    s = sigmoid(z)
    threshold = _validate.positive_scalar(threshold, "threshold")
    if s.size == 0:
        raise ValueError("z must hold at least one pre-activation; received an empty array")
    return float(np.mean(s * (1.0 - s) < threshold))


def _require_rows(X):
    if len(X) == 0:
        raise ValueError("X must have at least one row (example) to fit statistics; received 0 rows")


def _feature_vector(value, name, X):
    vector = _validate.float_array(value, name, ndim=1)
    if len(vector) != X.shape[1]:
        raise ValueError(
            f"{name} must have one value per feature: X has {X.shape[1]} columns, {name} has {len(vector)} entries"
        )
    return vector


def _regression_arrays(X, y):
    X = _validate.float_array(X, "X", ndim=2)
    y = _validate.float_array(y, "y", ndim=1)
    _require_rows(X)
    if len(y) != len(X):
        raise ValueError(f"X and y must have one row per example: X has {len(X)} rows, y has {len(y)} entries")
    return X, y


def _design(X, *, fit_bias):
    """[X, 1] (N, D + 1) when the bias is trained, else X itself."""
    return np.column_stack([X, np.ones(len(X))]) if fit_bias else X
