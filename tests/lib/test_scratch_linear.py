"""Tests of nettrain_lib.scratch.linear: the MSE loss, its gradients, gradient descent and the loss grid."""
import re
import warnings

import numpy as np
import pytest

from nettrain_lib import (
    gradient_descent,
    gradient_descent_path,
    loss_grid,
    make_linear_regression,
    mse_gradients,
    mse_loss,
    numerical_gradient,
    relative_error,
)

# A 3-example, one-feature problem small enough to work by hand.
X1 = np.array([[1.0], [2.0], [3.0]])
Y1 = np.array([1.0, 3.0, 2.0])
W1 = np.array([1.0])
B1 = 1.0
# predictions X @ w + b = [2, 3, 4]; residuals r = [1, 0, 2]

# A 3-example, two-feature problem, to check that dw really is X.T @ r and not r summed.
X2 = np.array([[1.0, 2.0], [0.0, 1.0], [2.0, 0.0]])
Y2 = np.array([1.0, 2.0, 3.0])
W2 = np.array([1.0, -1.0])
B2 = 0.5
# predictions = [1 - 2 + 0.5, 0 - 1 + 0.5, 2 - 0 + 0.5] = [-0.5, -0.5, 2.5]
# residuals r = [-1.5, -2.5, -0.5]


def one_feature_data(seed=0, n_samples=40):
    return make_linear_regression(n_samples, np.random.default_rng(seed), weights=[3.0], bias=2.0, noise=0.5)


def largest_stable_lr(X):
    """2 / lambda_max of the Hessian of the one-feature MSE, 2 * [[mean x^2, mean x], [mean x, 1]]."""
    x = X[:, 0]
    hessian = 2.0 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    return 2.0 / np.linalg.eigvalsh(hessian).max()


# ---------------------------------------------------------------- mse_loss and mse_gradients by hand

def test_mse_loss_by_hand_one_feature():
    """mse_loss on the one-feature worked example."""
    # squares = [1, 0, 4]; mean = 5 / 3
    loss = mse_loss(X1, Y1, W1, B1)
    assert isinstance(loss, float)
    assert loss == pytest.approx(5.0 / 3.0, rel=1e-15)


def test_mse_loss_by_hand_two_features():
    """mse_loss on the two-feature worked example."""
    # squares = [2.25, 6.25, 0.25]; sum = 8.75; mean = 8.75 / 3 = 35 / 12
    assert mse_loss(X2, Y2, W2, B2) == pytest.approx(35.0 / 12.0, rel=1e-15)


def test_mse_loss_accepts_lists_and_ints():
    """Lists of ints are converted to floats: same value as the float arrays."""
    assert mse_loss([[1], [2], [3]], [1, 3, 2], [1], 1) == pytest.approx(5.0 / 3.0, rel=1e-15)


def test_mse_gradients_by_hand_one_feature():
    """mse_gradients on the one-feature worked example."""
    dw, db = mse_gradients(X1, Y1, W1, B1)
    # dw = 2/3 * X.T @ r = 2/3 * (1*1 + 2*0 + 3*2) = 2/3 * 7 = 14/3
    # db = 2/3 * sum(r)  = 2/3 * (1 + 0 + 2)       = 2
    assert isinstance(dw, np.ndarray) and dw.shape == (1,)
    assert isinstance(db, float)
    np.testing.assert_allclose(dw, [14.0 / 3.0], rtol=1e-15)
    assert db == pytest.approx(2.0, rel=1e-15)


def test_mse_gradients_by_hand_two_features():
    """mse_gradients on the two-feature worked example."""
    dw, db = mse_gradients(X2, Y2, W2, B2)
    # X.T @ r = [1*(-1.5) + 0*(-2.5) + 2*(-0.5), 2*(-1.5) + 1*(-2.5) + 0*(-0.5)] = [-2.5, -5.5]
    # dw = 2/3 * [-2.5, -5.5] = [-5/3, -11/3]
    # db = 2/3 * (-1.5 - 2.5 - 0.5) = 2/3 * (-4.5) = -3
    assert dw.shape == (2,)
    np.testing.assert_allclose(dw, [-5.0 / 3.0, -11.0 / 3.0], rtol=1e-15)
    assert db == pytest.approx(-3.0, rel=1e-15)


def test_mse_functions_leave_inputs_unchanged():
    """mse_loss and mse_gradients do not modify X, y or w."""
    X, y, w = X2.copy(), Y2.copy(), W2.copy()
    mse_loss(X, y, w, B2)
    mse_gradients(X, y, w, B2)
    assert np.array_equal(X, X2) and np.array_equal(y, Y2) and np.array_equal(w, W2)


def test_mse_is_zero_at_a_perfect_fit():
    """When y = X @ w + b exactly, the loss and both gradients are zero."""
    y = X2 @ W2 + B2
    assert mse_loss(X2, y, W2, B2) == 0.0
    dw, db = mse_gradients(X2, y, W2, B2)
    assert np.array_equal(dw, [0.0, 0.0]) and db == 0.0


# ---------------------------------------------------------------- gradients checked numerically

@pytest.mark.parametrize("n_features", [1, 4])
def test_mse_gradients_match_central_differences(n_features):
    """mse_gradients agrees with numerical_gradient (central differences) to 1e-6 relative error."""
    rng = np.random.default_rng(10 + n_features)
    X, y = make_linear_regression(30, rng, weights=rng.normal(size=n_features), bias=0.3, noise=0.5)
    theta = rng.normal(size=n_features + 1)        # [w..., b] at a random point, away from the minimum

    def loss_of(params):
        return mse_loss(X, y, params[:-1], params[-1])

    numerical = numerical_gradient(loss_of, theta)
    dw, db = mse_gradients(X, y, theta[:-1], theta[-1])
    analytic = np.append(dw, db)
    assert relative_error(analytic, numerical) < 1e-6
    # the same check with a norm-based relative error, independent of relative_error
    assert np.linalg.norm(analytic - numerical) / np.linalg.norm(analytic + numerical) < 1e-6


# ---------------------------------------------------------------- gradient descent

def test_one_gradient_descent_step_by_hand():
    """One step of gradient_descent on the one-feature worked example, redone by hand."""
    w, b, losses = gradient_descent(X1, Y1, lr=0.1, n_steps=1, w0=W1, b0=B1)
    # gradients at the start (see above): dw = 14/3, db = 2
    # w1 = 1 - 0.1 * 14/3 = 1 - 7/15 = 8/15;   b1 = 1 - 0.1 * 2 = 0.8
    np.testing.assert_allclose(w, [8.0 / 15.0], rtol=1e-14)
    assert b == pytest.approx(0.8, rel=1e-14)
    # predictions 8/15 x + 12/15 = [20/15, 28/15, 36/15]; targets [1, 3, 2] = [15/15, 45/15, 30/15]
    # residuals = [5/15, -17/15, 6/15]; squares = [25, 289, 36] / 225 = 350/225
    # mean = 350 / 675 = 14/27
    assert losses == pytest.approx([5.0 / 3.0, 14.0 / 27.0], rel=1e-14)


def test_gradient_descent_returns_floats_and_a_list():
    """w is a (D,) array, b a float and losses a list of n_steps + 1 floats."""
    X, y = one_feature_data()
    w, b, losses = gradient_descent(X, y, 0.1, 7)
    assert isinstance(w, np.ndarray) and w.shape == (1,)
    assert isinstance(b, float)
    assert isinstance(losses, list) and len(losses) == 8
    assert all(isinstance(loss, float) for loss in losses)


def test_losses_decrease_below_the_stability_limit():
    """With lr a little below 2 / lambda_max, the loss goes down at every step."""
    X, y = one_feature_data()
    lr = 0.9 * largest_stable_lr(X)
    _, _, losses = gradient_descent(X, y, lr, 30)
    assert np.all(np.diff(losses) < 0)
    assert losses[-1] < 0.1 * losses[0]


def test_losses_decrease_for_a_small_lr():
    """A small learning rate decreases the loss at every step, slowly."""
    X, y = one_feature_data()
    lr = 0.05 * largest_stable_lr(X)
    _, _, losses = gradient_descent(X, y, lr, 30)
    assert np.all(np.diff(losses) < 0)


def test_losses_grow_above_the_stability_limit():
    """With lr a little above 2 / lambda_max, the loss eventually grows at every step."""
    X, y = one_feature_data()
    lr = 1.1 * largest_stable_lr(X)
    _, _, losses = gradient_descent(X, y, lr, 60)
    assert np.all(np.diff(losses[-20:]) > 0)
    assert losses[-1] > 10 * losses[0]


def test_a_diverging_run_reaches_inf_without_warnings_or_errors():
    """A far too large lr gives non-finite losses, returned as they are, without RuntimeWarnings."""
    X, y = one_feature_data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, _, losses = gradient_descent(X, y, 10 * largest_stable_lr(X), 300)
    assert len(losses) == 301
    assert np.isfinite(losses[0])
    assert not np.isfinite(losses[-1])


def test_w0_is_not_modified():
    """gradient_descent and gradient_descent_path leave the caller's w0 as it was."""
    X, y = one_feature_data()
    w0 = np.array([0.5])
    gradient_descent(X, y, 0.1, 5, w0=w0, b0=1.0)
    gradient_descent_path(X, y, 0.1, 5, w0=w0, b0=1.0)
    assert np.array_equal(w0, [0.5])


def test_w0_none_starts_from_zeros():
    """w0=None starts at w = 0, so the first loss is mse_loss at (0, b0)."""
    rng = np.random.default_rng(2)
    X, y = make_linear_regression(20, rng, weights=[1.0, 2.0, -1.0])
    path, losses = gradient_descent_path(X, y, 0.05, 3, b0=0.25)
    assert np.array_equal(path[0], [0.0, 0.0, 0.0, 0.25])
    assert losses[0] == pytest.approx(mse_loss(X, y, np.zeros(3), 0.25), rel=1e-14)
    w_none, b_none, losses_none = gradient_descent(X, y, 0.05, 3)
    w_zero, b_zero, losses_zero = gradient_descent(X, y, 0.05, 3, w0=np.zeros(3), b0=0.0)
    assert np.array_equal(w_none, w_zero) and b_none == b_zero and losses_none == losses_zero


def test_zero_steps_returns_the_start_and_one_loss():
    """n_steps=0 returns (w0, b0) unchanged and the single initial loss."""
    X, y = one_feature_data()
    w, b, losses = gradient_descent(X, y, 0.1, 0, w0=np.array([1.5]), b0=-0.5)
    assert np.array_equal(w, [1.5]) and b == -0.5
    assert losses == [mse_loss(X, y, [1.5], -0.5)]
    path, path_losses = gradient_descent_path(X, y, 0.1, 0, w0=np.array([1.5]), b0=-0.5)
    assert path.shape == (1, 2) and path_losses.shape == (1,)


def test_gradient_descent_returns_a_new_w():
    """The returned w is not the caller's w0 (so changing it later cannot change w0)."""
    X, y = one_feature_data()
    w0 = np.array([0.5])
    w, _, _ = gradient_descent(X, y, 0.1, 0, w0=w0)
    assert w is not w0
    w[0] = 99.0
    assert w0[0] == 0.5


def test_gradient_descent_agrees_with_gradient_descent_path():
    """gradient_descent returns the last row of gradient_descent_path's path and the same losses."""
    rng = np.random.default_rng(7)
    X, y = make_linear_regression(25, rng, weights=[1.0, -2.0])
    w0 = np.array([0.3, 0.1])
    path, path_losses = gradient_descent_path(X, y, 0.05, 12, w0=w0, b0=0.2)
    w, b, losses = gradient_descent(X, y, 0.05, 12, w0=w0, b0=0.2)
    assert path.shape == (13, 3) and path_losses.shape == (13,)
    assert np.array_equal(w, path[-1, :-1])
    assert b == path[-1, -1]
    assert losses == list(path_losses)


def test_path_rows_follow_the_update_rule():
    """Each row of the path is the previous row minus lr times the gradient there; losses match rows."""
    rng = np.random.default_rng(8)
    X, y = make_linear_regression(25, rng, weights=[1.0, -2.0])
    lr = 0.05
    path, losses = gradient_descent_path(X, y, lr, 6, w0=np.array([0.3, 0.1]), b0=0.2)
    assert np.array_equal(path[0], [0.3, 0.1, 0.2])
    for k in range(6):
        dw, db = mse_gradients(X, y, path[k, :-1], path[k, -1])
        np.testing.assert_allclose(path[k + 1], path[k] - lr * np.append(dw, db), rtol=1e-13, atol=1e-15)
    for k in range(7):
        assert losses[k] == pytest.approx(mse_loss(X, y, path[k, :-1], path[k, -1]), rel=1e-13)


def test_gradient_descent_reaches_least_squares():
    """With a stable lr and enough steps, gradient descent reaches the least-squares solution."""
    X, y = one_feature_data()
    w, b, _ = gradient_descent(X, y, 0.9 * largest_stable_lr(X), 400)
    A = np.column_stack([X, np.ones(len(X))])
    exact = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(np.append(w, b), exact, rtol=1e-8)


# ---------------------------------------------------------------- loss_grid

def test_loss_grid_matches_a_brute_force_loop():
    """loss_grid equals mse_loss evaluated at every (w, b) of the grid, rows following b."""
    X, y = one_feature_data()
    w_values = np.linspace(0.0, 6.0, 7)
    b_values = np.linspace(-1.0, 5.0, 5)           # a different length, so a transposed grid would fail
    J = loss_grid(X, y, w_values, b_values)
    assert J.shape == (5, 7)
    brute = np.empty((5, 7))
    for i, b in enumerate(b_values):
        for j, w in enumerate(w_values):
            brute[i, j] = mse_loss(X, y, [w], b)
    np.testing.assert_allclose(J, brute, rtol=1e-10)


def test_loss_grid_by_hand():
    """loss_grid on the one-feature worked example at two grid points."""
    J = loss_grid(X1, Y1, [1.0, 0.0], [1.0])
    # (w, b) = (1, 1): residuals [1, 0, 2] -> mean of squares 5/3
    # (w, b) = (0, 1): predictions [1, 1, 1], residuals [0, -2, -1] -> (0 + 4 + 1) / 3 = 5/3
    np.testing.assert_allclose(J, [[5.0 / 3.0, 5.0 / 3.0]], rtol=1e-14)


def test_loss_grid_is_accurate_for_features_far_from_zero():
    """loss_grid agrees with a brute-force loop for data far from the origin (raw, unscaled features):
    it expands the loss in centred moments, which do not cancel catastrophically."""
    X, y = make_linear_regression(50, np.random.default_rng(0), noise=0.1, x_range=(1000.0, 1002.0))
    A = np.column_stack([X, np.ones(len(X))])
    w_best, b_best = np.linalg.lstsq(A, y, rcond=None)[0]
    w_values = w_best + np.linspace(-1e-3, 1e-3, 5)
    b_values = b_best + np.linspace(-1e-2, 1e-2, 5)
    J = loss_grid(X, y, w_values, b_values)
    brute = np.array([[mse_loss(X, y, [w], b) for w in w_values] for b in b_values])
    np.testing.assert_allclose(J, brute, rtol=1e-10)


def test_loss_grid_is_never_negative_at_an_exact_fit():
    """At an exact fit far from the origin the grid is 0 up to rounding, never a negative MSE."""
    X, y = make_linear_regression(50, np.random.default_rng(0), noise=0.0, x_range=(1000.0, 1002.0))
    w_values = 3.0 + np.linspace(-1e-9, 1e-9, 5)   # the true weight (3) and bias (2) are on the grid
    b_values = 2.0 + np.linspace(-1e-9, 1e-9, 5)
    J = loss_grid(X, y, w_values, b_values)
    assert np.all(J >= 0.0)
    assert 0.0 <= J[2, 2] < 1e-12


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("function", [mse_loss, mse_gradients])
@pytest.mark.parametrize(
    "X, y, w, b, error, message",
    [
        (X1, Y1[:2], W1, B1, ValueError, "X and y must have one row per example: X has 3 rows, y has 2 entries"),
        (X2, Y2, W1, B2, ValueError, "w must have one weight per feature: X has 2 features (columns), w has 1 entries"),
        (X1[:, 0], Y1, W1, B1, ValueError, "X must be a 2-D array; received an array of shape (3,) and dtype float64"),
        (X1, Y1[:, None], W1, B1, ValueError, "y must be a 1-D array; received an array of shape (3, 1)"),
        (X1, Y1, W1[:, None], B1, ValueError, "w must be a 1-D array; received an array of shape (1, 1)"),
        (np.zeros((0, 1)), np.zeros(0), W1, B1, ValueError, "X must have at least one row (example); received 0 rows"),
        ("X", Y1, W1, B1, TypeError, "X must be an array of numbers; received str 'X'"),
        (None, Y1, W1, B1, TypeError, "X must be an array of numbers; received NoneType None"),
        ([[1.0], [2.0, 3.0]], Y1[:2], W1, B1, TypeError, "X must be an array of numbers; received list"),
        (X1, "y", W1, B1, TypeError, "y must be an array of numbers; received str 'y'"),
        (np.array([[1.0], [np.nan], [3.0]]), Y1, W1, B1, ValueError, "X must contain only finite numbers; received NaN or inf"),
        (X1, np.array([1.0, np.inf, 2.0]), W1, B1, ValueError, "y must contain only finite numbers; received NaN or inf"),
        (X1, Y1, W1, "1", TypeError, "b must be a real number; received str '1'"),
        (X1, Y1, W1, True, TypeError, "b must be a real number; received bool True"),
        (X1, Y1, W1, np.array([1.0]), TypeError, "b must be a real number; received an array of shape (1,)"),
    ],
)
def test_mse_bad_input(function, X, y, w, b, error, message):
    """mse_loss and mse_gradients name the bad argument and what was received."""
    with pytest.raises(error, match=re.escape(message)):
        function(X, y, w, b)


@pytest.mark.parametrize("function", [gradient_descent, gradient_descent_path])
@pytest.mark.parametrize(
    "lr, n_steps, error, message",
    [
        (0.0, 5, ValueError, "lr must be positive; received 0.0"),
        (-0.1, 5, ValueError, "lr must be positive; received -0.1"),
        (np.nan, 5, ValueError, "lr must be finite; received nan"),
        ("0.1", 5, TypeError, "lr must be a real number; received str '0.1'"),
        (None, 5, TypeError, "lr must be a real number; received NoneType None"),
        (0.1, -1, ValueError, "n_steps must be a non-negative integer; received -1"),
        (0.1, 2.5, TypeError, "n_steps must be a non-negative integer; received float 2.5"),
        (0.1, 3.0, TypeError, "n_steps must be a non-negative integer; received float 3.0"),
        (0.1, "3", TypeError, "n_steps must be a non-negative integer; received str '3'"),
    ],
)
def test_gradient_descent_bad_lr_and_n_steps(function, lr, n_steps, error, message):
    """Bad lr or n_steps are refused with a message naming them and what was received."""
    with pytest.raises(error, match=re.escape(message)):
        function(X1, Y1, lr, n_steps)


@pytest.mark.parametrize("function", [gradient_descent, gradient_descent_path])
@pytest.mark.parametrize(
    "X, y, w0, message",
    [
        (X1, Y1[:2], None, "X and y must have one row per example: X has 3 rows, y has 2 entries"),
        (X2, Y2, np.array([1.0, 2.0, 3.0]), "w must have one weight per feature: X has 2 features (columns), w has 3 entries"),
        (X1[:, 0], Y1, None, "X must be a 2-D array; received an array of shape (3,)"),
        (np.array([[np.inf], [1.0], [2.0]]), Y1, None, "X must contain only finite numbers"),
    ],
)
def test_gradient_descent_bad_data(function, X, y, w0, message):
    """Mismatched data, a w0 of the wrong length or a 1-D X are refused by gradient descent."""
    with pytest.raises(ValueError, match=re.escape(message)):
        function(X, y, 0.1, 3, w0=w0)


@pytest.mark.parametrize("function", [gradient_descent, gradient_descent_path])
@pytest.mark.parametrize(
    "X, received",
    [([[1.0, 2.0], [3.0]], "list [[1.0, 2.0], [3.0]]"), (None, "NoneType None"), ("X", "str 'X'")],
)
def test_gradient_descent_ragged_X_is_named(function, X, received):
    """With w0=None, X is validated before its shape is used: a ragged list of lists (or None, or a
    string) as X gets the same TypeError naming X as in mse_loss."""
    message = "X must be an array of numbers; received " + received
    with pytest.raises(TypeError, match="^" + re.escape(message)):
        function(X, [1.0, 2.0], 0.1, 3)
    with pytest.raises(TypeError, match="^" + re.escape(message)):
        mse_loss(X, [1.0, 2.0], [1.0, 1.0], 0.0)


@pytest.mark.parametrize(
    "X, y, w_values, b_values, message",
    [
        (X2, Y2, [0.0, 1.0], [0.0, 1.0], "a loss surface over (w, b) needs exactly one feature; X has 2 columns"),
        (X1, Y1[:2], [0.0, 1.0], [0.0, 1.0], "X and y must have one row per example: X has 3 rows, y has 2 entries"),
        (X1[:, 0], Y1, [0.0, 1.0], [0.0, 1.0], "X must be a 2-D array; received an array of shape (3,)"),
        (X1, Y1, [[0.0, 1.0]], [0.0, 1.0], "w_values must be a 1-D array; received an array of shape (1, 2)"),
        (X1, Y1, [0.0, 1.0], 2.0, "b_values must be a 1-D array; received an array of shape ()"),
        (X1, Y1, [0.0, np.nan], [0.0, 1.0], "w_values must contain only finite numbers"),
    ],
)
def test_loss_grid_bad_input(X, y, w_values, b_values, message):
    """loss_grid refuses data with more than one feature, mismatched lengths and non-1-D grids."""
    with pytest.raises(ValueError, match=re.escape(message)):
        loss_grid(X, y, w_values, b_values)
