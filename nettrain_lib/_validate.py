"""Input checks shared by the public functions.

Every check raises TypeError (wrong kind of thing) or ValueError (right kind, wrong value) with a
message that names the argument, what was received and what was expected, so that a student who
passes a list of lists or a transposed matrix learns what to change.
"""
import numbers

import numpy as np


def describe(value):
    """A short description of a value for error messages: its type, and shape for arrays."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, np.generic):
        return f"a single numpy {value.dtype} {value.item()!r}"
    return f"{type(value).__name__} {value!r}"


def float_array(value, name, *, ndim=None, finite=True, dtype=np.float64):
    """Return `value` as a float64 (or `dtype`) array, a copy only when needed, checking its dimensions.

    When `value` already is an array of that dtype, the result is that very array: never write into it.

    Data must be finite; parameters may pass `finite=False`, so that a diverging run reports an
    infinite loss instead of stopping with an error.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers; received {describe(value)}")
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":         # strings, objects and complex numbers are refused
            raise TypeError(f"dtype {array.dtype} holds no real numbers")
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must be an array of numbers; received {describe(value)} ({error})"
        ) from None
    if ndim is not None and array.ndim != ndim:
        expected = {0: "a scalar", 1: "a 1-D array", 2: "a 2-D array"}[ndim]
        raise ValueError(f"{name} must be {expected}; received {describe(array)}")
    if finite and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers; received NaN or inf")
    with np.errstate(over="ignore"):
        converted = array.astype(dtype, copy=False)
    if finite and converted is not array and not np.all(np.isfinite(converted)):
        raise ValueError(
            f"{name} holds numbers too large for {np.dtype(dtype).name} (largest {np.finfo(dtype).max:.3g}); "
            f"received numbers up to {np.abs(array).max():.3g}. Normalize the data first"
        )
    return converted


def real_scalar(value, name, *, finite=True):
    """Return `value` as a Python float; bools and arrays with more than one entry are refused."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise TypeError(f"{name} must be a real number; received {describe(value)}")
    if isinstance(value, np.ndarray) and value.ndim != 0:
        raise TypeError(f"{name} must be a real number; received {describe(value)}")
    number = float(value)
    if finite and not np.isfinite(number):
        raise ValueError(f"{name} must be finite; received {number!r}")
    return number


def positive_scalar(value, name):
    number = real_scalar(value, name)
    if number <= 0:
        raise ValueError(f"{name} must be positive; received {number!r}")
    return number


def non_negative_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer; received {describe(value)}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer; received {value!r}")
    return int(value)


def positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer; received {describe(value)}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer; received {value!r}")
    return int(value)


def range_pair(value, name):
    """Return (low, high) as floats from a pair with low < high."""
    if isinstance(value, (str, bytes)) or np.shape(value) != (2,):
        raise ValueError(f"{name} must be a (low, high) pair of numbers; received {value!r}")
    low, high = (real_scalar(v, name) for v in value)
    if not low < high:
        raise ValueError(f"{name} must be (low, high) with low < high; received {value!r}")
    return low, high


def generator(rng, name="rng"):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy Generator such as np.random.default_rng(0); "
            f"received {describe(rng)}"
        )
    return rng


def regression_data(X, y, w, b):
    """Check the arguments of a linear-regression loss: X (N, D), y (N,), w (D,), b scalar."""
    X = float_array(X, "X", ndim=2)
    y = float_array(y, "y", ndim=1)
    w = float_array(w, "w", ndim=1, finite=False)
    b = real_scalar(b, "b", finite=False)
    if len(X) == 0:
        raise ValueError("X must have at least one row (example); received 0 rows")
    if len(y) != len(X):
        raise ValueError(
            f"X and y must have one row per example: X has {len(X)} rows, y has {len(y)} entries"
        )
    if len(w) != X.shape[1]:
        raise ValueError(
            f"w must have one weight per feature: X has {X.shape[1]} features (columns), "
            f"w has {len(w)} entries"
        )
    return X, y, w, b
