"""Tests of nettrain_lib.scratch.linear.train_linear_regression: batch, stochastic and mini-batch gradient descent."""
import re
import warnings

import numpy as np
import pytest

from nettrain_lib import (
    gradient_descent,
    gradient_descent_path,
    make_linear_regression,
    mse_gradients,
    mse_loss,
    train_linear_regression,
)

# Three examples, one feature, worked by hand below with batch_size 2 and lr 0.1.
X3 = np.array([[1.0], [2.0], [3.0]])
Y3 = np.array([2.0, 6.0, 5.0])


def one_feature_data(seed=0, n_samples=40):
    return make_linear_regression(n_samples, np.random.default_rng(seed), weights=[3.0], bias=2.0, noise=0.5)


def two_feature_data(seed=1, n_samples=30):
    return make_linear_regression(n_samples, np.random.default_rng(seed), weights=[1.0, -2.0], bias=0.5, noise=0.3)


def changed_weights(path):
    """For each update, the indices of the weights (not the bias) that it changed."""
    return [np.flatnonzero(path[k + 1, :-1] != path[k, :-1]).tolist() for k in range(len(path) - 1)]


# ---------------------------------------------------------------- updates worked by hand

def test_one_epoch_by_hand():
    """One epoch with batch_size 2 and lr 0.1 on three examples: two updates, the second one with a
    batch of one example that the first update already fits exactly."""
    result = train_linear_regression(X3, Y3, batch_size=2, lr=0.1, epochs=1)
    # batch 1 = rows 0, 1 at (w, b) = (0, 0): predictions [0, 0], residuals r = [0 - 2, 0 - 6] = [-2, -6]
    #   dw = 2/2 * (1 * -2 + 2 * -6) = -14;  db = 2/2 * (-2 - 6) = -8
    #   w = 0 - 0.1 * -14 = 1.4;  b = 0 - 0.1 * -8 = 0.8
    # batch 2 = row 2: prediction 1.4 * 3 + 0.8 = 5.0 = y, residual 0 -> no change
    np.testing.assert_allclose(result["path"], [[0.0, 0.0], [1.4, 0.8], [1.4, 0.8]], rtol=1e-14)
    # full-data loss at (1.4, 0.8): predictions [2.2, 3.6, 5.0], residuals [0.2, -2.4, 0]
    #   squares [0.04, 5.76, 0] -> 5.8 / 3
    np.testing.assert_allclose(result["step_loss"], [5.8 / 3.0, 5.8 / 3.0], rtol=1e-14)
    np.testing.assert_allclose(result["epoch_loss"], [5.8 / 3.0], rtol=1e-14)
    np.testing.assert_allclose(result["w"], [1.4], rtol=1e-14)
    assert result["b"] == pytest.approx(0.8, rel=1e-14)


def test_each_update_uses_the_mean_gradient_of_its_batch():
    """A batch of 3 is averaged over 3, and the last batch of 1 over 1 (not over batch_size)."""
    X = np.array([[1.0], [2.0], [3.0], [4.0]])
    y = np.array([3.0, 3.0, 6.0, 0.0])
    result = train_linear_regression(X, y, batch_size=3, lr=0.1, epochs=1)
    # batch 1 = rows 0, 1, 2 at (0, 0): residuals r = [-3, -3, -6]
    #   X.T @ r = 1 * -3 + 2 * -3 + 3 * -6 = -27;  dw = 2/3 * -27 = -18;  db = 2/3 * (-12) = -8
    #   w = 0 + 0.1 * 18 = 1.8;  b = 0 + 0.1 * 8 = 0.8
    #   (a summed gradient would give w = 5.4, b = 2.4)
    # batch 2 = row 3: prediction 1.8 * 4 + 0.8 = 8.0, residual 8 - 0 = 8
    #   dw = 2/1 * 4 * 8 = 64;  db = 2/1 * 8 = 16
    #   w = 1.8 - 6.4 = -4.6;  b = 0.8 - 1.6 = -0.8
    #   (dividing by batch_size = 3 instead would give w = 1.8 - 6.4/3)
    np.testing.assert_allclose(result["path"], [[0.0, 0.0], [1.8, 0.8], [-4.6, -0.8]], rtol=1e-14)
    # full-data loss at (1.8, 0.8): predictions [2.6, 4.4, 6.2, 8.0], residuals [-0.4, 1.4, 0.2, 8]
    #   squares [0.16, 1.96, 0.04, 64] -> 66.16 / 4 = 16.54
    # at (-4.6, -0.8): predictions [-5.4, -10, -14.6, -19.2], residuals [-8.4, -13, -20.6, -19.2]
    #   squares [70.56, 169, 424.36, 368.64] -> 1032.56 / 4 = 258.14
    np.testing.assert_allclose(result["step_loss"], [16.54, 258.14], rtol=1e-13)


def test_every_update_follows_the_rule_with_the_batch_gradient():
    """Each row of the path is the previous one minus lr times mse_gradients on that update's batch
    (natural order, so batch k holds rows k*B .. k*B + B - 1)."""
    X, y = two_feature_data(n_samples=11)
    lr, batch_size = 0.05, 4
    result = train_linear_regression(X, y, batch_size, lr, epochs=2)
    batches = [np.arange(0, 4), np.arange(4, 8), np.arange(8, 11)] * 2     # 11 = 4 + 4 + 3, twice
    path = result["path"]
    assert path.shape == (7, 3)
    for k, rows in enumerate(batches):
        dw, db = mse_gradients(X[rows], y[rows], path[k, :-1], path[k, -1])
        np.testing.assert_allclose(path[k + 1], path[k] - lr * np.append(dw, db), rtol=1e-13, atol=1e-15)


# ---------------------------------------------------------------- batch gradient descent and SGD

@pytest.mark.parametrize("seeded", [False, True], ids=["no rng", "rng"])
def test_batch_size_n_is_gradient_descent(seeded):
    """batch_size = N is lesson 01's full-batch gradient descent, path for path and loss for loss
    (shuffling all N examples changes nothing but the order of a sum)."""
    X, y = two_feature_data()
    rng = np.random.default_rng(0) if seeded else None
    result = train_linear_regression(X, y, len(X), 0.1, 15, rng=rng)
    path, losses = gradient_descent_path(X, y, 0.1, 15)
    np.testing.assert_allclose(result["path"], path, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result["step_loss"], losses[1:], rtol=1e-12)
    np.testing.assert_allclose(result["epoch_loss"], losses[1:], rtol=1e-12)   # one update per epoch
    w, b, _ = gradient_descent(X, y, 0.1, 15)
    np.testing.assert_allclose(result["w"], w, rtol=1e-12)
    assert result["b"] == pytest.approx(b, rel=1e-12)


def test_sgd_makes_n_updates_per_epoch():
    """batch_size = 1 is SGD: N updates per epoch, each from a single example."""
    X, y = one_feature_data(n_samples=12)
    result = train_linear_regression(X, y, 1, 0.01, 3, rng=np.random.default_rng(0))
    assert result["path"].shape == (3 * 12 + 1, 2)
    assert result["step_loss"].shape == (36,)
    assert result["epoch_loss"].shape == (3,)


# ---------------------------------------------------------------- what is returned

@pytest.mark.parametrize(
    "n_samples, batch_size, epochs, updates",
    [(10, 3, 2, 8), (10, 10, 4, 4), (10, 1, 2, 20), (200, 32, 3, 21), (5, 2, 0, 0)],
)
def test_shapes(n_samples, batch_size, epochs, updates):
    """path (updates + 1, D + 1), step_loss (updates,), epoch_loss (epochs,), w (D,), b a float;
    updates = epochs * ceil(N / batch_size)."""
    X, y = make_linear_regression(n_samples, np.random.default_rng(0), weights=[1.0, 2.0, 3.0])
    result = train_linear_regression(X, y, batch_size, 0.01, epochs, rng=np.random.default_rng(1))
    assert set(result) == {"w", "b", "step_loss", "epoch_loss", "path"}
    assert result["path"].shape == (updates + 1, 4)
    assert result["step_loss"].shape == (updates,)
    assert result["epoch_loss"].shape == (epochs,)
    assert isinstance(result["w"], np.ndarray) and result["w"].shape == (3,)
    assert isinstance(result["b"], float)


def test_path_starts_at_zero_and_ends_at_w_b():
    """Row 0 of the path is w = 0, b = 0; the last row is the returned (w, b)."""
    X, y = two_feature_data()
    result = train_linear_regression(X, y, 7, 0.05, 3, rng=np.random.default_rng(2))
    assert np.array_equal(result["path"][0], [0.0, 0.0, 0.0])
    assert np.array_equal(result["path"][-1], np.append(result["w"], result["b"]))


def test_zero_epochs():
    """epochs = 0 makes no update: w = 0, b = 0, a path of one row and no losses."""
    result = train_linear_regression(X3, Y3, 2, 0.1, 0)
    assert np.array_equal(result["w"], [0.0]) and result["b"] == 0.0
    assert np.array_equal(result["path"], [[0.0, 0.0]])
    assert result["step_loss"].shape == (0,) and result["epoch_loss"].shape == (0,)


def test_step_loss_is_the_full_data_loss_at_each_row():
    """step_loss[k] is mse_loss on all the data at path row k + 1 (after update k + 1), not the batch loss."""
    X, y = two_feature_data()
    result = train_linear_regression(X, y, 4, 0.05, 2, rng=np.random.default_rng(3))
    path = result["path"]
    expected = [mse_loss(X, y, row[:-1], row[-1]) for row in path[1:]]
    np.testing.assert_allclose(result["step_loss"], expected, rtol=1e-13)


def test_epoch_loss_is_the_step_loss_at_each_epoch_end():
    """epoch_loss[e] = step_loss at the last update of epoch e: every ceil(N / B)-th entry."""
    X, y = two_feature_data(n_samples=30)
    result = train_linear_regression(X, y, 8, 0.05, 4, rng=np.random.default_rng(4))
    steps = 4                                       # ceil(30 / 8) = 4
    assert np.array_equal(result["epoch_loss"], result["step_loss"][steps - 1::steps])


# ---------------------------------------------------------------- the order of the examples

def test_with_rng_each_epoch_uses_every_example_once():
    """With X the identity, an update changes exactly the weights of its batch's examples, so the path
    shows which examples each batch held: each epoch's batches split 0..N-1, and epochs differ."""
    n = 7
    X = np.eye(n)                                   # example i has feature i only: w_i moves only when i is in the batch
    y = np.array([3.0, -1.0, 4.0, -1.5, 5.0, -9.0, 2.5])
    result = train_linear_regression(X, y, 3, 0.1, 4, rng=np.random.default_rng(0))
    changed = changed_weights(result["path"])
    assert len(changed) == 4 * 3                    # ceil(7 / 3) = 3 updates per epoch
    epochs = [changed[3 * e:3 * e + 3] for e in range(4)]
    for batches in epochs:
        assert [len(batch) for batch in batches] == [3, 3, 1]
        assert sorted(sum(batches, [])) == list(range(n))
    groupings = {tuple(tuple(batch) for batch in batches) for batches in epochs}
    assert len(groupings) > 1                       # a fresh order, not the same permutation each epoch
    assert epochs[0] != [[0, 1, 2], [3, 4, 5], [6]]


def test_without_rng_the_natural_order():
    """Without rng every epoch visits the examples as stored: batches [0, 1, 2], [3, 4, 5], [6]."""
    X = np.eye(7)
    y = np.array([3.0, -1.0, 4.0, -1.5, 5.0, -9.0, 2.5])
    result = train_linear_regression(X, y, 3, 0.1, 2)
    assert changed_weights(result["path"]) == [[0, 1, 2], [3, 4, 5], [6]] * 2


def test_same_seed_same_run():
    """The same seed gives the same run; a different seed a different one."""
    X, y = two_feature_data()
    a = train_linear_regression(X, y, 4, 0.05, 3, rng=np.random.default_rng(9))
    b = train_linear_regression(X, y, 4, 0.05, 3, rng=np.random.default_rng(9))
    c = train_linear_regression(X, y, 4, 0.05, 3, rng=np.random.default_rng(10))
    assert np.array_equal(a["path"], b["path"]) and np.array_equal(a["step_loss"], b["step_loss"])
    assert not np.array_equal(a["path"], c["path"])


def test_inputs_unchanged_and_no_global_random_state():
    """X and y are not modified (not even reordered), and np.random's global state is not used."""
    X, y = two_feature_data()
    X_copy, y_copy = X.copy(), y.copy()
    before = np.random.get_state()
    train_linear_regression(X, y, 4, 0.05, 3, rng=np.random.default_rng(0))
    after = np.random.get_state()
    assert np.array_equal(X, X_copy) and np.array_equal(y, y_copy)
    assert before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2:] == after[2:]


def test_lists_and_integer_targets():
    """Lists of ints give the same run as float arrays."""
    from_lists = train_linear_regression([[1], [2], [3]], [2, 6, 5], 2, 0.1, 1)
    from_arrays = train_linear_regression(X3, Y3, 2, 0.1, 1)
    assert np.array_equal(from_lists["path"], from_arrays["path"])


# ---------------------------------------------------------------- convergence

def test_minibatch_converges_near_least_squares():
    """With a small lr and enough epochs, shuffled mini-batches end close to the least-squares solution."""
    X, y = one_feature_data()
    A = np.column_stack([X, np.ones(len(X))])
    exact = np.linalg.lstsq(A, y, rcond=None)[0]
    result = train_linear_regression(X, y, 8, 0.005, 2000, rng=np.random.default_rng(1))
    np.testing.assert_allclose(np.append(result["w"], result["b"]), exact, atol=0.01)
    best = mse_loss(X, y, exact[:1], exact[1])
    assert best <= result["epoch_loss"][-1] < best + 1e-4


def test_smaller_batches_reach_a_lower_loss_after_one_epoch():
    """After one epoch, SGD has made N updates and batch gradient descent one: SGD is far lower."""
    X, y = one_feature_data()
    sgd = train_linear_regression(X, y, 1, 0.05, 1, rng=np.random.default_rng(0))
    batch = train_linear_regression(X, y, len(X), 0.05, 1)
    assert sgd["epoch_loss"][-1] < 0.5 * batch["epoch_loss"][-1]


def test_a_diverging_run_returns_non_finite_losses_without_warnings():
    """A far too large lr is allowed to diverge: the losses become inf or NaN, without RuntimeWarnings."""
    X, y = one_feature_data(n_samples=20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = train_linear_regression(X, y, 4, 5.0, 100, rng=np.random.default_rng(0))
    assert np.isfinite(result["step_loss"][0])
    assert not np.isfinite(result["step_loss"][-1])


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"batch_size": 0}, ValueError, "batch_size must be a positive integer; received 0"),
        ({"batch_size": -2}, ValueError, "batch_size must be a positive integer; received -2"),
        ({"batch_size": 2.0}, TypeError, "batch_size must be a positive integer; received float 2.0"),
        ({"batch_size": True}, TypeError, "batch_size must be a positive integer; received bool True"),
        ({"batch_size": 4}, ValueError, "batch_size must be at most the number of examples (3); received 4"),
        ({"lr": 0.0}, ValueError, "lr must be positive; received 0.0"),
        ({"lr": -0.1}, ValueError, "lr must be positive; received -0.1"),
        ({"lr": "0.1"}, TypeError, "lr must be a real number; received str '0.1'"),
        ({"lr": np.inf}, ValueError, "lr must be finite; received inf"),
        ({"epochs": -1}, ValueError, "epochs must be a non-negative integer; received -1"),
        ({"epochs": 2.0}, TypeError, "epochs must be a non-negative integer; received float 2.0"),
        ({"rng": 0}, TypeError, "rng must be a numpy Generator such as np.random.default_rng(0); received int 0"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    """Bad batch sizes, learning rates, epoch counts and rngs are refused, naming the argument."""
    arguments = {"batch_size": 2, "lr": 0.1, "epochs": 2, "rng": None, **kwargs}
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        train_linear_regression(X3, Y3, **arguments)


@pytest.mark.parametrize(
    "X, y, error, message",
    [
        (X3, Y3[:2], ValueError, "X and y must have one row per example: X has 3 rows, y has 2 entries"),
        (X3[:, 0], Y3, ValueError, "X must be a 2-D array; received an array of shape (3,) and dtype float64"),
        (X3, Y3[:, None], ValueError, "y must be a 1-D array with one entry per example; received shape (3, 1)"),
        (X3, np.array([2.0, np.nan, 5.0]), ValueError, "y must contain only finite numbers"),
        (X3, np.array(["a", "b", "c"]), TypeError, "y must be an array of numbers; received an array of shape (3,)"),
        (np.zeros((0, 1)), np.zeros(0), ValueError, "X must have at least one row (example); received 0 rows"),
    ],
)
def test_bad_data(X, y, error, message):
    """Mismatched lengths, a 1-D X, a 2-D y and non-numeric or non-finite targets are refused."""
    with pytest.raises(error, match="^" + re.escape(message)):
        train_linear_regression(X, y, 1, 0.1, 1)
