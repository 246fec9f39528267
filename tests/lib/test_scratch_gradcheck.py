"""Tests of nettrain_lib.scratch.gradcheck: central-difference gradients and the relative error."""
import re

import numpy as np
import pytest

from nettrain_lib import numerical_gradient, relative_error


def cube_sum(v):
    return float(np.sum(v ** 3))


def test_central_differences_by_hand():
    """With a large eps the central difference of sum(x^3) is exactly 3 x^2 + eps^2, not 3 x^2."""
    x = np.array([1.0, -2.0, 0.5])
    grad = numerical_gradient(cube_sum, x, eps=0.1)
    # ((x + e)^3 - (x - e)^3) / (2e) = (6 x^2 e + 2 e^3) / (2e) = 3 x^2 + e^2
    # = [3 + 0.01, 12 + 0.01, 0.75 + 0.01] = [3.01, 12.01, 0.76]
    # (a forward difference would give 3x^2 + 3xe + e^2 = [3.31, 11.41, 0.91])
    np.testing.assert_allclose(grad, [3.01, 12.01, 0.76], rtol=1e-12)


def test_numerical_gradient_of_a_quadratic_by_hand():
    """For f(x) = a . x + x . x, central differences are exact up to rounding: a + 2x."""
    a = np.array([1.0, -3.0])
    x = np.array([0.5, 2.0])
    grad = numerical_gradient(lambda v: float(a @ v + v @ v), x)
    # a + 2x = [1 + 1, -3 + 4] = [2, 1]
    np.testing.assert_allclose(grad, [2.0, 1.0], rtol=1e-8)


def test_numerical_gradient_on_a_matrix():
    """On a 2-D x the result has x's shape and each entry is the partial derivative of that entry."""
    rng = np.random.default_rng(0)
    C = rng.normal(size=(3, 4))
    W = rng.normal(size=(3, 4))
    grad = numerical_gradient(lambda M: float(np.sum(C * M ** 3)), W)
    assert grad.shape == (3, 4)
    exact = 3 * C * W ** 2
    assert relative_error(grad, exact) < 1e-6


def test_numerical_gradient_on_a_0d_array():
    """A 0-d float array is a valid x; the gradient is 0-d too."""
    x = np.array(2.0)
    grad = numerical_gradient(lambda v: float(v) ** 2, x)
    assert grad.shape == ()
    assert float(grad) == pytest.approx(4.0, rel=1e-8)


def test_numerical_gradient_through_a_vector_jacobian_product():
    """The gradient of sum(forward(x) * d_out) checks the backward pass of a dense layer (CS231n style)."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(5, 3))
    W = rng.normal(size=(3, 2))
    d_out = rng.normal(size=(5, 2))
    dW_numerical = numerical_gradient(lambda M: float(np.sum((X @ M) * d_out)), W)
    dW_exact = X.T @ d_out                         # (3, 2)
    assert relative_error(dW_numerical, dW_exact) < 1e-6


def test_each_entry_is_perturbed_by_plus_and_minus_eps():
    """f sees x with exactly one entry moved by +eps, then by -eps, and nothing else changed."""
    x = np.array([1.0, 2.0])
    seen = []
    numerical_gradient(lambda v: seen.append(v.copy()) or 0.0, x, eps=0.5)
    expected = [[1.5, 2.0], [0.5, 2.0], [1.0, 2.5], [1.0, 1.5]]
    assert len(seen) == 4                          # 2 calls per entry
    for got, want in zip(seen, expected):
        assert np.array_equal(got, want)


def test_x_is_unchanged_afterwards():
    """x is bit for bit the same after the call, even for values where x + eps - eps != x."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 3)) * 10.0 ** rng.integers(-8, 8, size=(4, 3))
    x[0, 0] = 0.3          # ((0.3 + 1e-6) - 2e-6) + 1e-6 == 0.3 - 5.6e-17: adding eps back is not enough
    x_before = x.copy()
    numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    assert np.array_equal(x, x_before)


def test_x_is_restored_when_f_raises():
    """If f raises (here on its 2nd call, while an entry is moved by -eps), x is put back exactly."""
    x = np.array([[0.1, 0.2], [0.3, 0.4]])
    x_before = x.copy()
    calls = []

    def fails_on_second_call(v):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return float(np.sum(v))

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(fails_on_second_call, x)
    assert len(calls) == 2
    assert np.array_equal(x, x_before)


def test_float32_x_is_accepted():
    """Any floating dtype is accepted, and the result keeps that dtype."""
    x = np.array([1.0, 2.0], dtype=np.float32)
    grad = numerical_gradient(lambda v: float(np.sum(v.astype(np.float64) ** 2)), x, eps=1e-2)
    assert grad.dtype == np.float32
    np.testing.assert_allclose(grad, [2.0, 4.0], rtol=1e-4)


@pytest.mark.parametrize(
    "x, received",
    [
        (np.array([1, 2, 3]), "an array of shape (3,) and dtype int64"),
        ([1.0, 2.0], "list [1.0, 2.0]"),
        (1.5, "float 1.5"),
        (np.array([True, False]), "an array of shape (2,) and dtype bool"),
    ],
)
def test_x_must_be_a_float_array(x, received):
    """Integer arrays (which cannot hold x + eps), lists and floats are refused, saying what was received."""
    with pytest.raises(TypeError, match=re.escape("x must be a float numpy array") + ".*" + re.escape(received)):
        numerical_gradient(cube_sum, x)


@pytest.mark.parametrize("f", [None, 3.0, "cube_sum", np.array([1.0])])
def test_f_must_be_callable(f):
    """A non-callable f is refused with a TypeError naming f."""
    with pytest.raises(TypeError, match=r"f must be a function of x returning a number; received"):
        numerical_gradient(f, np.array([1.0]))


@pytest.mark.parametrize("output", [lambda v: v ** 2, lambda v: np.array([np.sum(v)]), lambda v: [1.0, 2.0]])
def test_f_must_return_one_number(output):
    """An f that returns an array (even of shape (1,)) or a list is refused with a ValueError naming f."""
    x = np.array([1.0, 2.0])
    x_before = x.copy()
    with pytest.raises(ValueError, match=r"f must return a single number; it returned"):
        numerical_gradient(output, x)
    assert np.array_equal(x, x_before)


def test_f_returning_none_is_named():
    """An f that returns None (a missing `return`) gets a ValueError saying f must return a number."""
    x = np.array([1.0])
    with pytest.raises(ValueError, match="^" + re.escape("f must return a single number; it returned NoneType None") + "$"):
        numerical_gradient(lambda v: None, x)
    assert np.array_equal(x, [1.0])


@pytest.mark.parametrize(
    "output, received",
    [
        ("1.0", "str '1.0'"),
        (True, "bool True"),
        ({}, "dict {}"),
        (1 + 2j, "complex (1+2j)"),
    ],
)
def test_f_returning_something_other_than_a_number_is_named(output, received):
    """A string (even one that reads as a number), a bool or another non-number is refused, saying what f returned."""
    x = np.array([1.0, 2.0])
    with pytest.raises(ValueError, match="^" + re.escape(f"f must return a single number; it returned {received}") + "$"):
        numerical_gradient(lambda v: output, x)
    assert np.array_equal(x, [1.0, 2.0])


@pytest.mark.parametrize(
    "eps, error, message",
    [
        (0.0, ValueError, "eps must be positive; received 0.0"),
        (-1e-6, ValueError, "eps must be positive; received -1e-06"),
        ("1e-6", TypeError, "eps must be a real number; received str '1e-6'"),
    ],
)
def test_bad_eps(eps, error, message):
    """eps must be a positive number."""
    with pytest.raises(error, match=re.escape(message)):
        numerical_gradient(cube_sum, np.array([1.0]), eps=eps)


# ---------------------------------------------------------------- relative_error

def test_relative_error_by_hand():
    """relative_error is the largest entrywise |a - b| / max(|a| + |b|, 1e-8)."""
    a = np.array([1.0, 10.0, 0.0])
    b = np.array([1.1, 10.0, 0.0])
    # entries: 0.1 / 2.1, 0 / 20, and 0 for two exact zeros (not 0 / 0 = NaN)
    assert relative_error(a, b) == pytest.approx(0.1 / 2.1, rel=1e-12)


def test_relative_error_has_a_floor_of_1e_8_in_the_denominator():
    """Near zero the denominator is 1e-8, not |a| + |b|: rounding noise around a true zero (at a minimum,
    say) gives a small relative error instead of 1."""
    # |0 - 1e-12| / max(0 + 1e-12, 1e-8) = 1e-12 / 1e-8 = 1e-4 (without the floor: 1e-12 / 1e-12 = 1)
    assert relative_error([0.0], [1e-12]) == pytest.approx(1e-4, rel=1e-9)
    # above the floor nothing changes: |1e-6 - 3e-6| / (1e-6 + 3e-6) = 0.5
    assert relative_error([1e-6], [3e-6]) == pytest.approx(0.5, rel=1e-12)


def test_relative_error_is_zero_for_equal_arrays_and_symmetric():
    """Equal arrays give 0, empty arrays give 0, and the order of the arguments does not matter."""
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=5), rng.normal(size=5)
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(0), np.zeros(0)) == 0.0
    assert relative_error(a, b) == relative_error(b, a)


def test_relative_error_bad_input():
    """Shapes must match and values must be finite."""
    with pytest.raises(ValueError, match=re.escape("a and b must have the same shape; received (2,) and (3,)")):
        relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="b must contain only finite numbers"):
        relative_error(np.zeros(2), np.array([0.0, np.nan]))
    with pytest.raises(TypeError, match="a must be an array of numbers; received str"):
        relative_error("a", np.zeros(2))
