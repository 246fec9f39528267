"""Linear regression trained by full-batch gradient descent on the mean squared error.

Shapes: X (N, D) examples in rows, y (N,) targets, w (D,) weights, b a float bias.
The loss is J(w, b) = mean((X @ w + b - y) ** 2): a mean over examples, with no factor 1/2.
"""
import numpy as np

from .. import _validate
from ..i18n import tr
from .batching import epoch_order
from .update_rule import gradient_descent_step


def mse_loss(X, y, w, b):
    """Mean squared error of the predictions X @ w + b against y, as a float."""
    X, y, w, b = _validate.regression_data(X, y, w, b)
    residuals = X @ w + b - y                      # (N,)
    return float(np.mean(residuals ** 2))


def mse_gradients(X, y, w, b):
    """Return (dw, db): dJ/dw with shape (D,) and dJ/db as a float.

    With residuals r = X @ w + b - y, dJ/dw = 2/N X.T @ r and dJ/db = 2/N sum(r): the 2 comes
    from differentiating the square, the 1/N from the mean.
    """
    X, y, w, b = _validate.regression_data(X, y, w, b)
    return mse_gradients_unchecked(X, y, w, b)


def mse_gradients_unchecked(X, y, w, b):
    """mse_gradients without the input checks, for loops that time or repeat it on checked arrays."""
    residuals = X @ w + b - y                      # (N,)
    n_samples = len(X)
    dw = 2.0 / n_samples * (X.T @ residuals)       # (D,)
    db = 2.0 / n_samples * float(np.sum(residuals))
    return dw, db


def gradient_descent_path(X, y, lr, n_steps, w0=None, b0=0.0):
    """Run full-batch gradient descent and return (path, losses).

    `path` is (n_steps + 1, D + 1): row k holds [w..., b] after k updates (row 0 is the start).
    `losses` is (n_steps + 1,): the loss at each row of `path`. A learning rate that is too
    large makes the losses grow without bound; they are returned as they are (possibly inf).
    """
    if w0 is None:
        w0 = np.zeros(_validate.float_array(X, "X", ndim=2).shape[1])
    X, y, w, b = _validate.regression_data(X, y, w0, b0)
    lr = _validate.positive_scalar(lr, "lr")
    n_steps = _validate.non_negative_int(n_steps, "n_steps")

    w = w.copy()                                   # never change the caller's w0
    path = np.empty((n_steps + 1, len(w) + 1))
    losses = np.empty(n_steps + 1)
    with np.errstate(over="ignore", invalid="ignore"):   # a diverging run is allowed to reach inf
        for step in range(n_steps + 1):
            path[step] = np.append(w, b)
            losses[step] = np.mean((X @ w + b - y) ** 2)
            if step == n_steps:
                break
            dw, db = mse_gradients_unchecked(X, y, w, b)
            w = gradient_descent_step(w, dw, lr)
            b = gradient_descent_step(b, db, lr)
    return path, losses


def gradient_descent(X, y, lr, n_steps, w0=None, b0=0.0):
    """Full-batch gradient descent from (w0, b0); return (w, b, losses).

    `w0` defaults to zeros and is not modified. `losses` is a list of n_steps + 1 floats: the
    loss before the first update and after each update.
    """
    path, losses = gradient_descent_path(X, y, lr, n_steps, w0, b0)
    return path[-1, :-1].copy(), float(path[-1, -1]), [float(loss) for loss in losses]


def loss_grid(X, y, w_values, b_values):
    """The loss J(w, b) of a one-feature regression on a grid: shape (len(b_values), len(w_values)).

    Rows follow b and columns follow w, the layout matplotlib's contour(w_values, b_values, J) expects.
    """
    X = _validate.float_array(X, "X", ndim=2)
    y = _validate.float_array(y, "y", ndim=1)
    if X.shape[1] != 1:
        raise ValueError(
            tr("a loss surface over (w, b) needs exactly one feature; X has {X_shape_1} columns", X_shape_1=X.shape[1])
        )
    _validate.same_rows(X, y)
    w_values = _validate.float_array(w_values, "w_values", ndim=1)
    b_values = _validate.float_array(b_values, "b_values", ndim=1)
    # Expand mean((w x + b - y)^2) into moments of the data, so the grid costs O(grid), not O(grid * N).
    # Centred moments: with x = x_c + mean(x) and y = y_c + mean(y), the cross terms vanish and
    # J = w^2 var(x) - 2 w cov(x, y) + var(y) + (w mean(x) + b - mean(y))^2, which does not lose
    # digits to cancellation when the data sit far from the origin.
    x_mean, y_mean = X[:, 0].mean(), y.mean()
    x_c, y_c = X[:, 0] - x_mean, y - y_mean
    var_x, cov_xy, var_y = (x_c * x_c).mean(), (x_c * y_c).mean(), (y_c * y_c).mean()
    w, b = np.meshgrid(w_values, b_values)         # each (len(b_values), len(w_values))
    offset = w * x_mean + b - y_mean
    return np.maximum(w * w * var_x - 2 * w * cov_xy + var_y + offset * offset, 0.0)


def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    """Mini-batch gradient descent on the MSE, from w = 0, b = 0; batch_size decides the strategy.

    batch_size = N is batch gradient descent, 1 is SGD, anything between is mini-batch. Each update
    uses the mean gradient of its batch. With `rng` every epoch visits the examples in a fresh
    random order; without it, in the natural order 0..N-1.

    Returns a dict:
    - "w" (D,), "b" float: the final parameters;
    - "step_loss" (updates,): the full-data loss after every update;
    - "epoch_loss" (epochs,): the full-data loss after every epoch;
    - "path" (updates + 1, D + 1): [w..., b] at the start and after every update.
    """
    X, y = _validate.paired_arrays(X, y)
    y = _validate.float_array(y, "y", ndim=1)
    batch_size = _validate.batch_size_for(len(X), batch_size)
    lr = _validate.positive_scalar(lr, "lr")
    epochs = _validate.non_negative_int(epochs, "epochs")
    if rng is not None:
        _validate.generator(rng)

    w, b = np.zeros(X.shape[1]), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    with np.errstate(over="ignore", invalid="ignore"):   # a diverging run is allowed to reach inf
        for _ in range(epochs):
            order = epoch_order(len(X), rng)
            for start in range(0, len(X), batch_size):
                rows = order[start:start + batch_size]   # the last batch may be smaller
                dw, db = mse_gradients_unchecked(X[rows], y[rows], w, b)
                w = gradient_descent_step(w, dw, lr)
                b = gradient_descent_step(b, db, lr)
                path.append(np.append(w, b))
                step_loss.append(float(np.mean((X @ w + b - y) ** 2)))
            epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss),
            "path": np.array(path).reshape(-1, X.shape[1] + 1)}
