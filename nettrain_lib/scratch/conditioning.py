"""Why normalization helps, measured (lesson 04, "Por que normalizar?").

On linear regression with the mean squared error J(w, b) = mean((X @ w + b - y) ** 2): the Hessian
and the largest learning rate that converges (2 / lambda_max), gradient descent until the loss is
within a tolerance of its minimum, paths of descent over two weights; and the fraction of sigmoid
units that saturate, which normalized inputs avoid. Shapes: X (N, D), y (N,), w (D,), b a float.
"""
import numpy as np

from .. import _kernels, _validate
from ..i18n import N_, tr


def least_squares_fit(X, y):
    """(w, b) with the smallest mean squared error on (X, y): the bottom of the loss bowl."""
    X, y = _validate.regression_arrays(X, y, purpose=N_(" to fit statistics"))
    theta = np.linalg.lstsq(_design(X, fit_bias=True), y, rcond=None)[0]   # (D + 1,)
    return theta[:-1], float(theta[-1])


def mse_hessian(X, *, fit_bias=True):
    """The Hessian of J = mean((X @ w + b - y) ** 2): 2/N A.T @ A with A = [X, 1] ((D+1, D+1)).

    It does not depend on y or on the parameters (J is quadratic). With fit_bias=False the bias
    is held fixed and A = X ((D, D)).
    """
    X = _validate.float_array(X, "X", ndim=2)
    _validate.require_rows(X, purpose=N_(" to fit statistics"))
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
    X, y = _validate.regression_arrays(X, y, purpose=N_(" to fit statistics"))
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
    X, y = _validate.regression_arrays(X, y, purpose=N_(" to fit statistics"))
    lr = _validate.positive_scalar(lr, "lr")
    n_steps = _validate.non_negative_int(n_steps, "n_steps")
    b = _validate.real_scalar(b, "b")
    w = np.zeros(X.shape[1]) if w0 is None else _validate.feature_vector(w0, "w0", X).copy()
    path, losses = np.empty((n_steps + 1, X.shape[1])), np.empty(n_steps + 1)
    with np.errstate(over="ignore", invalid="ignore"):    # a diverging run may reach inf
        for step in range(n_steps + 1):
            residuals = X @ w + b - y                      # (N,)
            path[step], losses[step] = w, np.mean(residuals ** 2)
            w = w - lr * 2.0 / len(X) * (X.T @ residuals)  # (D,)
    return path, losses


def sigmoid(z):
    """1 / (1 + exp(-z)), computed without overflow (and without warnings) for any finite z."""
    return _kernels.sigmoid(_validate.float_array(z, "z"))


def saturated_fraction(z, threshold=0.01):
    """Fraction of the pre-activations z where the sigmoid's slope sigmoid(z) (1 - sigmoid(z)) is
    below `threshold`: units there pass back almost no gradient (|z| > 4.6 for 0.01)."""
    s = sigmoid(z)
    threshold = _validate.positive_scalar(threshold, "threshold")
    if s.size == 0:
        raise ValueError(tr("z must hold at least one pre-activation; received an empty array"))
    return float(np.mean(s * (1.0 - s) < threshold))


def _design(X, *, fit_bias):
    """[X, 1] (N, D + 1) when the bias is trained, else X itself."""
    return np.column_stack([X, np.ones(len(X))]) if fit_bias else X
