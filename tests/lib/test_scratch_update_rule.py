"""Tests of nettrain_lib.scratch.update_rule: the update rule param - lr * grad, returned as a new value."""
import re

import numpy as np
import pytest

from nettrain_lib import gradient_descent_step


def test_one_step_on_a_vector_by_hand():
    """One update of a weight vector, worked by hand."""
    param = np.array([1.0, -2.0])
    grad = np.array([0.5, -4.0])
    new = gradient_descent_step(param, grad, 0.1)
    # [1 - 0.1 * 0.5, -2 - 0.1 * (-4)] = [1 - 0.05, -2 + 0.4] = [0.95, -1.6]
    np.testing.assert_allclose(new, [0.95, -1.6], rtol=1e-15)


def test_one_step_on_a_scalar_by_hand():
    """One update of a bias (a float), worked by hand; the result is a float."""
    new = gradient_descent_step(0.5, 2.0, 0.1)
    # 0.5 - 0.1 * 2 = 0.3
    assert isinstance(new, float)
    assert new == pytest.approx(0.3, rel=1e-15)


def test_one_step_on_a_matrix_by_hand():
    """The update works for a weight matrix of any shape, entry by entry."""
    W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    dW = np.array([[10.0, 0.0, -10.0], [1.0, 2.0, 3.0]])
    new = gradient_descent_step(W, dW, 0.5)
    # W - 0.5 * dW = [[1 - 5, 2 - 0, 3 + 5], [4 - 0.5, 5 - 1, 6 - 1.5]]
    np.testing.assert_allclose(new, [[-4.0, 2.0, 8.0], [3.5, 4.0, 4.5]], rtol=1e-15)
    assert new.shape == (2, 3)


@pytest.mark.parametrize("param", [np.float64(0.5), np.array(0.5), 1])
def test_scalar_like_params(param):
    """np.float64, a 0-d array and an int are all accepted as a scalar parameter."""
    # float(param) - 0.25 * 2 = float(param) - 0.5
    assert gradient_descent_step(param, 2.0, 0.25) == pytest.approx(float(param) - 0.5, rel=1e-15)


def test_param_and_grad_are_not_modified():
    """The caller's param and grad are left as they were and the result is a new array."""
    param = np.array([1.0, 2.0, 3.0])
    grad = np.array([0.1, 0.2, 0.3])
    new = gradient_descent_step(param, grad, 0.5)
    assert np.array_equal(param, [1.0, 2.0, 3.0])
    assert np.array_equal(grad, [0.1, 0.2, 0.3])
    assert new is not param
    assert not np.shares_memory(new, param)


def test_lists_and_integer_arrays_give_float_results():
    """Integer inputs are promoted to floats, so a small step is not rounded away."""
    new = gradient_descent_step(np.array([1, 2]), [1, 1], 0.1)
    # [1 - 0.1, 2 - 0.1]
    assert new.dtype == np.float64
    np.testing.assert_allclose(new, [0.9, 1.9], rtol=1e-15)


def test_non_finite_values_pass_through():
    """A diverging run may hold inf or NaN parameters; the step propagates them instead of raising."""
    new = gradient_descent_step(np.array([np.inf, 1.0]), np.array([1.0, np.nan]), 0.1)
    assert new[0] == np.inf and np.isnan(new[1])


@pytest.mark.parametrize(
    "lr, error, message",
    [
        (0.0, ValueError, "lr must be positive; received 0.0"),
        (-1e-3, ValueError, "lr must be positive; received -0.001"),
        (np.inf, ValueError, "lr must be finite; received inf"),
        ("0.1", TypeError, "lr must be a real number; received str '0.1'"),
        (None, TypeError, "lr must be a real number; received NoneType None"),
        (True, TypeError, "lr must be a real number; received bool True"),
        (np.array([0.1]), TypeError, "lr must be a real number; received an array of shape (1,)"),
    ],
)
def test_bad_lr(lr, error, message):
    """lr must be one positive finite number; the message names lr and what was received."""
    with pytest.raises(error, match=re.escape(message)):
        gradient_descent_step(np.array([1.0]), np.array([1.0]), lr)


@pytest.mark.parametrize(
    "param, grad, message",
    [
        (np.zeros(3), np.zeros(2), "grad must have the shape of param: param has shape (3,), grad has shape (2,)"),
        (np.zeros((2, 3)), np.zeros((3, 2)), "param has shape (2, 3), grad has shape (3, 2)"),
        (1.0, np.zeros(1), "param has shape (), grad has shape (1,)"),
    ],
)
def test_grad_of_the_wrong_shape(param, grad, message):
    """A gradient whose shape differs from the parameter's (e.g. transposed) is refused."""
    with pytest.raises(ValueError, match=re.escape(message)):
        gradient_descent_step(param, grad, 0.1)


@pytest.mark.parametrize(
    "param, grad, message",
    [
        ("w", 1.0, "param must be a real number; received str 'w'"),
        (1.0, "g", "grad must be a real number; received str 'g'"),
        (None, 1.0, "param must be a real number; received NoneType None"),
        (np.array(["a", "b"]), np.zeros(2), "param must be an array of numbers"),
    ],
)
def test_param_or_grad_that_are_not_numbers(param, grad, message):
    """Strings and None are refused with a TypeError naming param or grad."""
    with pytest.raises(TypeError, match=re.escape(message)):
        gradient_descent_step(param, grad, 0.1)
