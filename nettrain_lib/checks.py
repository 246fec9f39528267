"""Checks for the notebooks' test cells: failures that say what went wrong in the student's terms.

A test cell imports these at its top (so a student's own definitions cannot replace them), calls
the student's function through `call`, and compares the result with `check_close`, giving the
values that typical mistakes produce and what each mistake is:

    from nettrain_lib.checks import call, check_close
    loss = call(mse_loss, X, y, w, b)
    check_close(loss, 2.0, "mse_loss(X, y, w, b)",
                mistakes=[(6.0, "the squared errors are summed instead of averaged (divide by N)")])

Every failure is an AssertionError whose message names the function, what it returned, what was
expected and, when the value matches a known mistake, the mistake.
"""
import numbers

import numpy as np

from ._validate import describe


def call(function, *args, **kwargs):
    """Call a student's function, turning a stub that is still in place into a clear failure."""
    name = getattr(function, "__name__", repr(function))
    if not callable(function):
        raise AssertionError(f"{name} should be a function, but it is {describe(function)}")
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise AssertionError(
            f"{name} is not implemented yet: replace `raise NotImplementedError()` with your code "
            "and run that cell again before this test"
        ) from None


def call_keeping_inputs(function, *args, hint=None, **kwargs):
    """Call `function` and fail if it changed any numpy array it was given (positional or keyword).

    `hint` replaces the default advice in the failure message.
    """
    name = getattr(function, "__name__", repr(function))
    named = [(f"argument {i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())
    before = [(label, value, value.copy()) for label, value in named if isinstance(value, np.ndarray)]
    result = call(function, *args, **kwargs)
    for label, value, original in before:
        numeric = np.issubdtype(original.dtype, np.number)
        if not np.array_equal(value, original, equal_nan=numeric):
            raise AssertionError(
                f"{name} changed its input ({label}) in place. "
                + (hint or "Leave the caller's arrays as they were: compute a new array "
                   "(`a - lr * g`, not `a -= lr * g`) or work on a copy (`a.copy()`)")
            )
    return result


def check_scalar(value, name):
    """Fail unless `value` is one real number (a Python or numpy float/int, or a 0-d array)."""
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise AssertionError(f"{name} should return one number; it returned {describe(value)}")
    if isinstance(value, np.ndarray):
        if value.ndim != 0:
            raise AssertionError(
                f"{name} should return one number, but it returned {describe(value)}. "
                "Did you forget to average (np.mean) or sum over the examples?"
            )
        value = value[()]
    if not isinstance(value, (numbers.Real, np.number)) or isinstance(value, np.complexfloating):
        raise AssertionError(f"{name} should return one real number; it returned {describe(value)}")
    return float(value)


def check_array(value, name, shape):
    """Fail unless `value` is a numpy array of the given shape; hint at transposes and extra axes."""
    if not isinstance(value, np.ndarray):
        raise AssertionError(f"{name} should be a numpy array of shape {shape}; it is {describe(value)}")
    shape = tuple(shape)
    if value.shape != shape:
        hint = ""
        if value.shape == shape[::-1] and len(shape) > 1:
            hint = " It looks transposed."
        elif value.size == int(np.prod(shape)):
            hint = " It has the right number of entries but extra or missing axes (check the shapes of your products)."
        raise AssertionError(f"{name} should have shape {shape}, but it has shape {value.shape}.{hint}")
    if not np.issubdtype(value.dtype, np.number):
        raise AssertionError(f"{name} should hold numbers; it has dtype {value.dtype}")
    return value


def check_close(actual, expected, name, *, mistakes=(), rtol=1e-6, atol=1e-9, reveal=True):
    """Fail unless `actual` is close to `expected` (numbers or arrays of the same shape).

    `mistakes` is a sequence of (value, explanation) pairs: when `actual` matches one of those
    values instead of `expected`, the failure names the mistake. With `reveal=False` the
    expected value is not printed (for hidden tests).
    """
    expected = np.asarray(expected, dtype=float)
    if isinstance(actual, (str, bytes)) or actual is None:
        raise AssertionError(f"{name} should be a number or an array of numbers; it is {describe(actual)}")
    try:
        kind = np.asarray(actual).dtype.kind
    except (TypeError, ValueError):               # a ragged list, say
        kind = "O"
    if kind not in "iuf":                          # not bools, strings, objects or complex numbers
        raise AssertionError(f"{name} should be a number or an array of numbers; it is {describe(actual)}")
    actual = np.asarray(actual, dtype=float)
    if _close(actual, expected, rtol, atol):
        return
    for wrong_value, explanation in mistakes:
        if _close(actual, np.asarray(wrong_value, dtype=float), rtol, atol):
            raise AssertionError(
                f"{name} returned {_show(actual)}: that is what you get when {explanation}"
            )
    message = f"{name} returned {_show(actual)}"
    if reveal:
        message += f", but the expected value is {_show(expected)}"
    else:
        message += ", which is not the expected value"
    if reveal and actual.shape == expected.shape and actual.size and np.all(np.isfinite(actual)):
        ratio = _constant_ratio(actual, expected)
        if ratio is not None:
            message += f" ({_describe_ratio(ratio)})"
    raise AssertionError(message)


def _describe_ratio(ratio):
    """Words for a simple ratio between a result and the expected value (a likely missing factor)."""
    if np.isclose(ratio, -1.0):
        return "it has the opposite sign: a sign error?"
    if abs(ratio) >= 1:
        return f"it is {ratio:.4g} times the expected value: an extra factor?"
    sign = "-" if ratio < 0 else ""
    return f"it is {sign}1/{1 / abs(ratio):.4g} of the expected value: a missing factor?"


def _close(actual, expected, rtol, atol):
    return actual.shape == expected.shape and np.allclose(actual, expected, rtol=rtol, atol=atol)


def _constant_ratio(actual, expected):
    """The ratio actual/expected when it is the same for every entry, else None."""
    nonzero = np.abs(expected) > 1e-12
    if not nonzero.any() or np.any(np.abs(actual[~nonzero]) > 1e-12):
        return None
    ratios = actual[nonzero] / expected[nonzero]
    ratio = float(ratios.flat[0])
    if not np.allclose(ratios, ratio, rtol=1e-6) or np.isclose(ratio, 1.0) or ratio == 0:
        return None
    # Only whole-number factors (2, N, ...) and their reciprocals point at a missing or extra
    # factor; any other ratio is a different mistake, and naming a factor would mislead.
    size = max(abs(ratio), 1 / abs(ratio))
    return ratio if np.isclose(size, round(size), rtol=1e-6) else None


def _show(value):
    value = np.asarray(value)
    if value.ndim == 0:
        return f"{float(value):.6g}"
    return np.array2string(value, precision=6, separator=", ", threshold=20)
