"""Tests of nettrain_lib.data.synthetic: synthetic data drawn from an explicit Generator, never global state."""
import re

import numpy as np
import pytest

from nettrain_lib import make_linear_regression


def test_shapes_and_dtypes():
    """X is (N, D) float64 and y is (N,) float64, with D the number of weights."""
    X, y = make_linear_regression(25, np.random.default_rng(0), weights=[1.0, -2.0, 0.5])
    assert X.shape == (25, 3)
    assert y.shape == (25,)
    assert X.dtype == np.float64 and y.dtype == np.float64


def test_default_is_one_feature():
    """The default weights=(3.0,) gives one feature, so the loss is a function of (w, b) only."""
    X, y = make_linear_regression(10, np.random.default_rng(0))
    assert X.shape == (10, 1)
    assert y.shape == (10,)


def test_without_noise_y_is_exactly_linear():
    """With noise=0, y = X @ weights + bias exactly, and X stays inside x_range."""
    weights = np.array([2.0, -1.0])
    X, y = make_linear_regression(
        40, np.random.default_rng(3), weights=weights, bias=0.5, noise=0.0, x_range=(-1.0, 4.0)
    )
    np.testing.assert_allclose(y, X @ weights + 0.5, rtol=0, atol=1e-12)
    assert X.min() >= -1.0 and X.max() < 4.0


def test_noise_has_the_requested_standard_deviation():
    """The residuals y - (X @ weights + bias) have standard deviation close to `noise`."""
    X, y = make_linear_regression(20_000, np.random.default_rng(4), weights=[3.0], bias=2.0, noise=0.5)
    residuals = y - (3.0 * X[:, 0] + 2.0)
    # the standard error of a sample std from 20000 normal draws is about 0.5 / sqrt(40000) = 0.0025
    assert abs(residuals.std() - 0.5) < 0.015
    assert abs(residuals.mean()) < 0.015


def test_same_seed_gives_the_same_data():
    """Two generators with the same seed give identical data."""
    X1, y1 = make_linear_regression(30, np.random.default_rng(123))
    X2, y2 = make_linear_regression(30, np.random.default_rng(123))
    assert np.array_equal(X1, X2)
    assert np.array_equal(y1, y2)


def test_different_seed_gives_different_data():
    """Another seed gives other data."""
    X1, y1 = make_linear_regression(30, np.random.default_rng(123))
    X2, y2 = make_linear_regression(30, np.random.default_rng(124))
    assert not np.array_equal(X1, X2)
    assert not np.array_equal(y1, y2)


def test_draws_come_from_the_given_generator():
    """Two calls with the same Generator give different data: the generator advances."""
    rng = np.random.default_rng(5)
    X1, _ = make_linear_regression(10, rng)
    X2, _ = make_linear_regression(10, rng)
    assert not np.array_equal(X1, X2)


def test_global_random_state_is_untouched():
    """make_linear_regression neither reads nor changes numpy's global random state."""
    before = np.random.get_state()
    make_linear_regression(50, np.random.default_rng(0), weights=[1.0, 2.0])
    after = np.random.get_state()
    assert before[0] == after[0]                 # the bit generator's name
    assert np.array_equal(before[1], after[1])   # the Mersenne Twister key
    assert before[2:] == after[2:]               # position, has_gauss, cached_gaussian


@pytest.mark.parametrize("rng", [None, 0, np.random.RandomState(0), "seed"])
def test_rng_must_be_a_generator(rng):
    """A seed, None or a legacy RandomState is refused with a message saying what was received."""
    received = type(rng).__name__
    with pytest.raises(TypeError, match=rf"rng must be a numpy Generator.*received {received}"):
        make_linear_regression(10, rng)


@pytest.mark.parametrize(
    "n_samples, error, message",
    [
        (0, ValueError, "n_samples must be a positive integer; received 0"),
        (-3, ValueError, "n_samples must be a positive integer; received -3"),
        (10.0, TypeError, "n_samples must be a positive integer; received float 10.0"),
        ("10", TypeError, "n_samples must be a positive integer; received str '10'"),
        (True, TypeError, "n_samples must be a positive integer; received bool True"),
    ],
)
def test_bad_n_samples(n_samples, error, message):
    """n_samples must be a positive int; the message names it and what was received."""
    with pytest.raises(error, match=re.escape(message)):
        make_linear_regression(n_samples, np.random.default_rng(0))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"noise": -0.1}, ValueError, "noise must be a standard deviation >= 0; received -0.1"),
        ({"noise": "0.5"}, TypeError, "noise must be a real number; received str '0.5'"),
        ({"bias": np.inf}, ValueError, "bias must be finite; received inf"),
        ({"bias": None}, TypeError, "bias must be a real number; received NoneType None"),
        ({"weights": 3.0}, ValueError, "weights must be a 1-D array; received an array of shape ()"),
        ({"weights": [1.0, np.nan]}, ValueError, "weights must contain only finite numbers"),
        ({"x_range": (2.0, 1.0)}, ValueError, "x_range must be (low, high) with low < high; received (2.0, 1.0)"),
        ({"x_range": ("a", "b")}, TypeError, "x_range must be a real number; received str 'a'"),
    ],
)
def test_bad_keyword_arguments(kwargs, error, message):
    """Bad noise, bias, weights or x_range raise errors naming the argument and the value."""
    with pytest.raises(error, match=re.escape(message)):
        make_linear_regression(10, np.random.default_rng(0), **kwargs)


@pytest.mark.parametrize(
    "x_range, received",
    [(2.0, "2.0"), ((0.0, 1.0, 2.0), "(0.0, 1.0, 2.0)"), ((1.0,), "(1.0,)"), ("ab", "'ab'"), (None, "None")],
)
def test_x_range_that_is_not_a_pair_is_named(x_range, received):
    """An x_range that is not a (low, high) pair gets a ValueError that names x_range and shows it."""
    with pytest.raises(ValueError, match="^" + re.escape(
            f"x_range must be a (low, high) pair of numbers; received {received}") + "$"):
        make_linear_regression(10, np.random.default_rng(0), x_range=x_range)


def test_x_range_can_be_an_array_pair():
    """A (2,) numpy array is a valid (low, high) pair."""
    X, _ = make_linear_regression(50, np.random.default_rng(0), x_range=np.array([-3.0, -2.0]))
    assert X.min() >= -3.0 and X.max() < -2.0
