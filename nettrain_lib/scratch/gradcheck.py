"""Numerical gradients: check a hand-derived gradient against finite differences.

Central differences, (f(x + eps) - f(x - eps)) / (2 eps), have an error of order eps**2;
forward differences, (f(x + eps) - f(x)) / eps, only of order eps. That is why we use central ones.
"""
import numpy as np

from .. import _validate
from ..i18n import tr


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of the scalar function f at x; same shape as x.

    x is a float array of any shape; it is perturbed one entry at a time and each entry is put
    back exactly, so x is unchanged afterwards.
    """
    if not callable(f):
        raise TypeError(tr("f must be a function of x returning a number; received {f}", f=_validate.describe(f)))
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            tr("x must be a float numpy array (integers cannot hold x + eps); received {x}", x=_validate.describe(x))
        )
    eps = _validate.positive_scalar(eps, "eps")

    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        try:
            x[index] = original + eps
            f_plus = _scalar_output(f(x))
            x[index] = original - eps
            f_minus = _scalar_output(f(x))
        finally:
            x[index] = original                    # restore exactly, even if f raised
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def _scalar_output(value):
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None or np.ndim(value) != 0:
        raise ValueError(tr("f must return a single number; it returned {value}", value=_validate.describe(value)))
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(tr("f must return a single number; it returned {value}",
                            value=_validate.describe(value))) from None


def relative_error(a, b):
    """max |a - b| / max(|a| + |b|, 1e-8), entry by entry: about 1e-8 or less when two gradients agree.

    The floor of 1e-8 keeps entries that are truly zero (at a minimum, say) from turning rounding
    noise into a relative error of 1.
    """
    a = _validate.float_array(a, "a")
    b = _validate.float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(tr("a and b must have the same shape; received {a_shape} and {b_shape}",
                            a_shape=a.shape, b_shape=b.shape))
    denominator = np.maximum(np.abs(a) + np.abs(b), 1e-8)
    return float(np.max(np.abs(a - b) / denominator)) if a.size else 0.0
