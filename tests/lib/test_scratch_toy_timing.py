"""Tests of nettrain_lib.scratch.toy (the tilted double well) and scratch.timing (throughput, seconds per epoch).

The timing functions are only checked for what they return and what they refuse: how fast a machine
is depends on the machine, so no test asserts anything about speed.
"""
import math
import re

import numpy as np
import pytest

from nettrain_lib import (
    double_well,
    double_well_descent,
    double_well_offsets,
    gradient_throughput,
    make_linear_regression,
    seconds_per_epoch,
)
from nettrain_lib.scratch.toy import TILT

# Offsets whose mean is exactly 0 and whose partial sums are exact in floating point.
OFFSETS4 = np.array([1.0, -1.0, 2.0, -2.0])


def g_prime(theta, tilt=TILT):
    """g'(theta) = theta^3 - 2 theta + tilt, the gradient of the mean loss."""
    return theta ** 3 - 2 * theta + tilt


def stationary_points(tilt=TILT):
    """The real roots of g'(theta) = theta^3 - 2 theta + tilt, sorted: deep minimum, maximum, shallow minimum."""
    return np.sort(np.roots([1.0, 0.0, -2.0, tilt]).real)


def global_state_unchanged(before):
    after = np.random.get_state()
    return before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2:] == after[2:]


# ---------------------------------------------------------------- double_well

def test_double_well_by_hand():
    """g(theta) = theta^4 / 4 - theta^2 + 0.4 theta at a few points."""
    # g(0) = 0;  g(1) = 1/4 - 1 + 0.4 = -0.35;  g(2) = 16/4 - 4 + 0.8 = 0.8;  g(-2) = 4 - 4 - 0.8 = -0.8
    np.testing.assert_allclose(double_well([0.0, 1.0, 2.0, -2.0]), [0.0, -0.35, 0.8, -0.8], rtol=1e-14, atol=1e-15)
    assert float(double_well(2.0, tilt=0.0)) == 0.0                 # 4 - 4 + 0
    assert TILT == 0.4


def test_double_well_has_a_shallow_and_a_deep_minimum():
    """The stationary points are near -1.5 (deep minimum), 0.2 (maximum) and 1.3 (shallow minimum)."""
    deep, top, shallow = stationary_points()
    assert deep == pytest.approx(-1.505, abs=1e-3)
    assert top == pytest.approx(0.204, abs=1e-3)
    assert shallow == pytest.approx(1.301, abs=1e-3)
    assert double_well(deep) < double_well(shallow) < double_well(top)
    # g'(1.3) = 2.197 - 2.6 + 0.4 = -0.003: just left of the shallow minimum
    assert g_prime(1.3) == pytest.approx(-0.003, abs=1e-12)


# ---------------------------------------------------------------- double_well_offsets

def test_offsets_have_mean_zero():
    """The offsets average to zero (up to rounding), so the mean loss over the examples is exactly g."""
    offsets = double_well_offsets(1000, np.random.default_rng(0))
    assert offsets.shape == (1000,) and offsets.dtype == np.float64
    assert abs(offsets.mean()) < 1e-13
    assert double_well_offsets(1, np.random.default_rng(0)).tolist() == [0.0]   # one offset: it must be 0


def test_offsets_noise_is_roughly_right():
    """The standard deviation of the offsets is close to `noise` (4 by default) for many examples."""
    assert np.std(double_well_offsets(20000, np.random.default_rng(1))) == pytest.approx(4.0, rel=0.03)
    assert np.std(double_well_offsets(20000, np.random.default_rng(1), noise=0.5)) == pytest.approx(0.5, rel=0.03)
    assert np.array_equal(double_well_offsets(10, np.random.default_rng(1), noise=0.0), np.zeros(10))


def test_offsets_scale_with_noise():
    """With the same seed, doubling noise doubles every offset (the same Gaussian draws, scaled)."""
    half = double_well_offsets(50, np.random.default_rng(2), noise=2.0)
    full = double_well_offsets(50, np.random.default_rng(2), noise=4.0)
    assert np.array_equal(full, 2.0 * half)


def test_offsets_reproducible_by_seed():
    """The same seed gives the same offsets; another seed gives others; global state is not used."""
    before = np.random.get_state()
    a = double_well_offsets(30, np.random.default_rng(5))
    b = double_well_offsets(30, np.random.default_rng(5))
    c = double_well_offsets(30, np.random.default_rng(6))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert global_state_unchanged(before)


@pytest.mark.parametrize(
    "args, error, message",
    [
        ((0, np.random.default_rng(0)), ValueError, "n_samples must be a positive integer; received 0"),
        ((5.0, np.random.default_rng(0)), TypeError, "n_samples must be a positive integer; received float 5.0"),
        ((5, 0), TypeError, "rng must be a numpy Generator such as np.random.default_rng(0); received int 0"),
        ((5, np.random.default_rng(0), "4"), TypeError, "noise must be a real number; received str '4'"),
        ((5, np.random.default_rng(0), np.nan), ValueError, "noise must be finite; received nan"),
    ],
)
def test_offsets_bad_input(args, error, message):
    """n_samples, rng and noise are checked, naming the argument."""
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        double_well_offsets(*args)


def test_offsets_refuse_a_negative_noise():
    """noise is a standard deviation: a negative one is refused, as make_linear_regression does."""
    with pytest.raises(ValueError, match="noise"):
        double_well_offsets(5, np.random.default_rng(0), noise=-1.0)


# ---------------------------------------------------------------- double_well_descent

@pytest.mark.parametrize("seeded", [False, True], ids=["no rng", "rng"])
def test_full_batch_descent_by_hand(seeded):
    """batch_size = N has no noise: two steps of plain gradient descent on g, redone by hand.
    (The offsets are small integers, so their mean is exactly 0 in any order, shuffled or not.)"""
    rng = np.random.default_rng(0) if seeded else None
    thetas = double_well_descent(OFFSETS4, theta0=2.0, lr=0.1, batch_size=4, epochs=2, rng=rng)
    # g'(2)    = 8 - 4 + 0.4 = 4.4                              -> theta1 = 2 - 0.44 = 1.56
    # g'(1.56) = 1.56^3 - 3.12 + 0.4 = 3.796416 - 2.72 = 1.076416 -> theta2 = 1.56 - 0.1076416 = 1.4523584
    np.testing.assert_allclose(thetas, [2.0, 1.56, 1.4523584], rtol=1e-14)


def test_sgd_descent_by_hand():
    """batch_size = 1 without rng: each step adds its example's offset to g'."""
    thetas = double_well_descent(OFFSETS4, theta0=0.0, lr=0.1, batch_size=1, epochs=1)
    # step 1, offset +1: g'(0) + 1 = 0.4 + 1 = 1.4                           -> theta = 0 - 0.14 = -0.14
    # step 2, offset -1: g'(-0.14) - 1 = -0.002744 + 0.28 + 0.4 - 1 = -0.322744 -> theta = -0.14 + 0.0322744 = -0.1077256
    assert len(thetas) == 5
    np.testing.assert_allclose(thetas[:3], [0.0, -0.14, -0.1077256], rtol=1e-14)
    # the rest follows the same rule
    theta = thetas[2]
    for offset, expected in zip([2.0, -2.0], thetas[3:]):
        theta = theta - 0.1 * (g_prime(theta) + offset)
        assert expected == pytest.approx(theta, rel=1e-14)


@pytest.mark.parametrize("n, batch_size, epochs", [(10, 3, 2), (10, 10, 5), (10, 1, 1), (7, 7, 0)])
def test_descent_returns_updates_plus_one_values(n, batch_size, epochs):
    """theta at the start and after each of the epochs * ceil(N / batch_size) updates."""
    offsets = double_well_offsets(n, np.random.default_rng(0))
    thetas = double_well_descent(offsets, 1.8, 0.01, batch_size, epochs, rng=np.random.default_rng(1))
    assert thetas.shape == (epochs * math.ceil(n / batch_size) + 1,)
    assert thetas[0] == 1.8


def test_full_batch_descent_settles_in_the_shallow_minimum():
    """From 1.8, noise-free descent stops in the shallow minimum near 1.30, not the deeper one near -1.5."""
    offsets = double_well_offsets(50, np.random.default_rng(0))
    thetas = double_well_descent(offsets, 1.8, 0.1, 50, 200)
    assert thetas[-1] == pytest.approx(stationary_points()[2], abs=1e-6)
    assert np.all(np.diff(thetas) <= 0)             # from the right of the minimum, straight down to it
    assert np.all(thetas >= stationary_points()[2] - 1e-12)   # never overshooting into the other well


def test_descent_leaves_offsets_and_global_state_alone():
    """The caller's offsets are not reordered by shuffling, and np.random's global state is not used."""
    offsets = double_well_offsets(20, np.random.default_rng(0))
    copy = offsets.copy()
    before = np.random.get_state()
    double_well_descent(offsets, 1.8, 0.05, 4, 3, rng=np.random.default_rng(1))
    assert np.array_equal(offsets, copy)
    assert global_state_unchanged(before)


def test_descent_same_seed_same_run():
    """The same seed gives the same trajectory, another seed a different one."""
    offsets = double_well_offsets(20, np.random.default_rng(0))
    a = double_well_descent(offsets, 1.8, 0.05, 2, 3, rng=np.random.default_rng(4))
    b = double_well_descent(offsets, 1.8, 0.05, 2, 3, rng=np.random.default_rng(4))
    c = double_well_descent(offsets, 1.8, 0.05, 2, 3, rng=np.random.default_rng(5))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"batch_size": 5}, ValueError, "batch_size must be at most the number of examples (4); received 5"),
        ({"batch_size": 0}, ValueError, "batch_size must be a positive integer; received 0"),
        ({"batch_size": 2.0}, TypeError, "batch_size must be a positive integer; received float 2.0"),
        ({"lr": 0.0}, ValueError, "lr must be positive; received 0.0"),
        ({"epochs": -1}, ValueError, "epochs must be a non-negative integer; received -1"),
        ({"theta0": "1.8"}, TypeError, "theta0 must be a real number; received str '1.8'"),
        ({"theta0": np.inf}, ValueError, "theta0 must be finite; received inf"),
        ({"offsets": OFFSETS4[:, None]}, ValueError, "offsets must be a 1-D array; received an array of shape (4, 1)"),
        ({"offsets": [1.0, np.nan]}, ValueError, "offsets must contain only finite numbers"),
        ({"rng": 1}, TypeError, "rng must be a numpy Generator such as np.random.default_rng(0); received int 1"),
    ],
)
def test_descent_bad_input(kwargs, error, message):
    """Bad arguments are refused with a message naming the argument and what was received."""
    arguments = {"offsets": OFFSETS4, "theta0": 1.8, "lr": 0.1, "batch_size": 2, "epochs": 1, "rng": None, **kwargs}
    with pytest.raises(error, match="^" + re.escape(message)):
        double_well_descent(**arguments)


def test_descent_empty_offsets_names_offsets():
    """An empty offsets array is refused with a message that names offsets."""
    with pytest.raises(ValueError, match="^offsets"):
        double_well_descent([], 1.8, 0.1, 1, 1)


# ---------------------------------------------------------------- gradient_throughput

@pytest.fixture
def data():
    return make_linear_regression(64, np.random.default_rng(0), weights=[1.0, 2.0, 3.0])


def test_throughput_one_positive_number_per_batch_size(data):
    """One finite, positive examples-per-second figure per batch size (no claim about which is faster)."""
    X, y = data
    throughputs = gradient_throughput(X, y, [1, 4, 16, 64], min_seconds=0.001)
    assert isinstance(throughputs, np.ndarray) and throughputs.shape == (4,)
    assert np.all(np.isfinite(throughputs)) and np.all(throughputs > 0)


def test_throughput_accepts_numpy_batch_sizes_and_leaves_data_alone(data):
    """Batch sizes from np.arange or a power-of-two array work; X and y are not modified."""
    X, y = data
    X_copy, y_copy = X.copy(), y.copy()
    throughputs = gradient_throughput(X, y, 2 ** np.arange(3), min_seconds=0.001)
    assert throughputs.shape == (3,) and np.all(throughputs > 0)
    assert np.array_equal(X, X_copy) and np.array_equal(y, y_copy)


@pytest.mark.parametrize(
    "batch_sizes, kwargs, error, message",
    [
        ([1, 65], {}, ValueError, "batch_size must be at most the number of examples (64); received 65"),
        ([0], {}, ValueError, "batch_size must be a positive integer; received 0"),
        ([2.0], {}, TypeError, "batch_size must be a positive integer; received float 2.0"),
        ([1], {"min_seconds": 0.0}, ValueError, "min_seconds must be positive; received 0.0"),
    ],
)
def test_throughput_bad_batch_sizes(data, batch_sizes, kwargs, error, message):
    """Batch sizes larger than the data or not positive integers, and a non-positive min_seconds, are refused."""
    X, y = data
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        gradient_throughput(X, y, batch_sizes, **{"min_seconds": 0.001, **kwargs})


def test_throughput_bad_data(data):
    """Mismatched X and y, or a 1-D X, are refused before anything is timed."""
    X, y = data
    with pytest.raises(ValueError, match="^" + re.escape("X and y must have one row per example: X has 64 rows, y has 63 entries") + "$"):
        gradient_throughput(X, y[:-1], [1], min_seconds=0.001)
    with pytest.raises(ValueError, match=re.escape("X must be a 2-D array; received an array of shape (64,)")):
        gradient_throughput(X[:, 0], y, [1], min_seconds=0.001)


# ---------------------------------------------------------------- seconds_per_epoch

@pytest.mark.parametrize("seeded", [False, True], ids=["no rng", "rng"])
def test_seconds_per_epoch_is_a_positive_float(data, seeded):
    """The median duration of an epoch: a positive, finite float."""
    X, y = data
    rng = np.random.default_rng(0) if seeded else None
    seconds = seconds_per_epoch(X, y, 8, 0.01, epochs=3, rng=rng)
    assert isinstance(seconds, float)
    assert math.isfinite(seconds) and seconds > 0


def test_seconds_per_epoch_leaves_data_and_global_state_alone(data):
    """X and y are not modified and np.random's global state is not used."""
    X, y = data
    X_copy, y_copy = X.copy(), y.copy()
    before = np.random.get_state()
    seconds_per_epoch(X, y, 1, 0.01, epochs=1, rng=np.random.default_rng(0))
    assert np.array_equal(X, X_copy) and np.array_equal(y, y_copy)
    assert global_state_unchanged(before)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"batch_size": 65}, ValueError, "batch_size must be at most the number of examples (64); received 65"),
        ({"batch_size": 0}, ValueError, "batch_size must be a positive integer; received 0"),
        ({"lr": -0.1}, ValueError, "lr must be positive; received -0.1"),
        ({"epochs": 0}, ValueError, "epochs must be a positive integer; received 0"),
        ({"epochs": 1.5}, TypeError, "epochs must be a positive integer; received float 1.5"),
        ({"rng": 3}, TypeError, "rng must be a numpy Generator such as np.random.default_rng(0); received int 3"),
    ],
)
def test_seconds_per_epoch_bad_arguments(data, kwargs, error, message):
    """Bad batch sizes, learning rates, epoch counts and rngs are refused, naming the argument."""
    X, y = data
    arguments = {"batch_size": 8, "lr": 0.01, "epochs": 1, "rng": None, **kwargs}
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        seconds_per_epoch(X, y, arguments.pop("batch_size"), arguments.pop("lr"), **arguments)


def test_seconds_per_epoch_bad_data(data):
    """Mismatched X and y are refused."""
    X, y = data
    with pytest.raises(ValueError, match="^" + re.escape("X and y must have one row per example: X has 63 rows, y has 64 entries") + "$"):
        seconds_per_epoch(X[:-1], y, 8, 0.01, epochs=1)
