"""Input checks shared by the public functions.

Every check raises TypeError (wrong kind of thing) or ValueError (right kind, wrong value) with a
message that names the argument, what was received and what was expected, so that a student who
passes a list of lists or a transposed matrix learns what to change.
"""
import numbers

import numpy as np

from .i18n import tr


def describe(value):
    """A short description of a value for error messages: its type, and shape for arrays."""
    if isinstance(value, np.ndarray):
        return tr("an array of shape {shape} and dtype {dtype}", shape=value.shape, dtype=value.dtype)
    if isinstance(value, np.generic):
        return tr("a single numpy {dtype} {value!r}", dtype=value.dtype, value=value.item())
    return f"{type(value).__name__} {value!r}"


def float_array(value, name, *, ndim=None, finite=True, dtype=np.float64):
    """Return `value` as a float64 (or `dtype`) array, a copy only when needed, checking its dimensions.

    When `value` already is an array of that dtype, the result is that very array: never write into it.

    Data must be finite; parameters may pass `finite=False`, so that a diverging run reports an
    infinite loss instead of stopping with an error.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(tr("{name} must be an array of numbers; received {value}", name=name, value=describe(value)))
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":         # strings, objects and complex numbers are refused
            raise TypeError(tr("dtype {array_dtype} holds no real numbers", array_dtype=array.dtype))
    except (TypeError, ValueError) as error:
        raise TypeError(
            tr("{name} must be an array of numbers; received {value} ({error})",
               name=name, value=describe(value), error=error)
        ) from None
    if ndim is not None and array.ndim != ndim:
        expected = {0: tr("a scalar"), 1: tr("a 1-D array"), 2: tr("a 2-D array")}[ndim]
        raise ValueError(tr("{name} must be {expected}; received {array}",
                            name=name, expected=expected, array=describe(array)))
    if finite and not np.all(np.isfinite(array)):
        raise ValueError(tr("{name} must contain only finite numbers; received NaN or inf", name=name))
    with np.errstate(over="ignore"):
        converted = array.astype(dtype, copy=False)
    if finite and converted is not array and not np.all(np.isfinite(converted)):
        raise ValueError(
            tr("{name} holds numbers too large for {np_dtype_dtype_name} (largest "
               "{np_finfo_dtype_max:.3g}); received numbers up to {np_abs_array_max:.3g}. Normalize "
               "the data first",
               name=name,
               np_dtype_dtype_name=np.dtype(dtype).name,
               np_finfo_dtype_max=np.finfo(dtype).max,
               np_abs_array_max=np.abs(array).max())
        )
    return converted


def real_scalar(value, name, *, finite=True):
    """Return `value` as a Python float; bools and arrays with more than one entry are refused."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.ndarray)):
        raise TypeError(tr("{name} must be a real number; received {value}", name=name, value=describe(value)))
    if isinstance(value, np.ndarray) and value.ndim != 0:
        raise TypeError(tr("{name} must be a real number; received {value}", name=name, value=describe(value)))
    number = float(value)
    if finite and not np.isfinite(number):
        raise ValueError(tr("{name} must be finite; received {number!r}", name=name, number=number))
    return number


def positive_scalar(value, name):
    number = real_scalar(value, name)
    if number <= 0:
        raise ValueError(tr("{name} must be positive; received {number!r}", name=name, number=number))
    return number


def non_negative_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(tr("{name} must be a non-negative integer; received {value}", name=name, value=describe(value)))
    if value < 0:
        raise ValueError(tr("{name} must be a non-negative integer; received {value!r}", name=name, value=value))
    return int(value)


def positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(tr("{name} must be a positive integer; received {value}", name=name, value=describe(value)))
    if value <= 0:
        raise ValueError(tr("{name} must be a positive integer; received {value!r}", name=name, value=value))
    return int(value)


def range_pair(value, name):
    """Return (low, high) as floats from a pair with low < high."""
    if isinstance(value, (str, bytes)) or np.shape(value) != (2,):
        raise ValueError(tr("{name} must be a (low, high) pair of numbers; received {value!r}", name=name, value=value))
    low, high = (real_scalar(v, name) for v in value)
    if not low < high:
        raise ValueError(tr("{name} must be (low, high) with low < high; received {value!r}", name=name, value=value))
    return low, high


def generator(rng, name="rng"):
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            tr("{name} must be a numpy Generator such as np.random.default_rng(0); received {rng}",
               name=name, rng=describe(rng))
        )
    return rng


def require_rows(X, name="X", *, purpose=""):
    """Refuse an array with no rows: most computations need at least one example."""
    if len(X) == 0:
        raise ValueError(tr("{name} must have at least one row (example){purpose}; received 0 rows",
                            name=name, purpose=tr(purpose) if purpose else ""))


def same_rows(X, y, x_name="X", y_name="y"):
    """Refuse X and y that do not hold one row per example: the one check of this kind in the library."""
    if len(y) != len(X):
        unit = tr("rows") if np.ndim(y) == 2 else tr("entries")
        raise ValueError(
            tr("{x_name} and {y_name} must have one row per example: {x_name} has {len_X} rows, "
               "{y_name} has {len_y} {unit}", x_name=x_name, y_name=y_name, len_X=len(X), len_y=len(y), unit=unit)
        )


def feature_vector(value, name, X):
    """Return `value` as a (D,) float array with one entry per column of X (a per-feature statistic)."""
    vector = float_array(value, name, ndim=1)
    if len(vector) != X.shape[1]:
        raise ValueError(
            tr("{name} must have one value per feature: X has {X_shape_1} columns, {name} has "
               "{len_vector} entries", name=name, X_shape_1=X.shape[1], len_vector=len(vector))
        )
    return vector


def class_labels(labels, num_classes, name="labels"):
    """Return integer class labels (N,) as int64, each in 0..num_classes - 1."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not (np.issubdtype(labels.dtype, np.integer) or labels.size == 0):
        raise ValueError(tr("{name} must be a 1-D array of integer class labels; received {labels}",
                            name=name, labels=describe(labels)))
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            tr("{name} must lie in 0..{num_classes_1} for {num_classes} classes; received values "
               "from {labels_min} to {labels_max}",
               name=name,
               num_classes_1=num_classes - 1,
               num_classes=num_classes,
               labels_min=labels.min(),
               labels_max=labels.max())
        )
    return labels.astype(np.int64)


def at_least(value, minimum, name):
    """Return `value` as an int, refusing anything that is not a whole number >= minimum (>= 1)."""
    number = positive_int(value, name)
    if number < minimum:
        raise ValueError(tr("{name} must be at least {minimum}; received {value!r}",
                            name=name, minimum=minimum, value=value))
    return number


def batch_size_for(n_samples, batch_size):
    """Check a batch size against the number of examples and return it as an int."""
    n_samples = positive_int(n_samples, "n_samples")
    batch_size = positive_int(batch_size, "batch_size")
    if batch_size > n_samples:
        raise ValueError(
            tr("batch_size must be at most the number of examples ({n_samples}); received "
               "{batch_size}", n_samples=n_samples, batch_size=batch_size)
        )
    return batch_size


def classifier_training(X, labels, num_classes, lr, epochs, batch_size, rng):
    """The checked arguments of a mini-batch classifier trainer (train_softmax_regression,
    train_network): (X, labels, num_classes, lr, epochs, batch_size, rng)."""
    X, labels = paired_arrays(X, labels)
    num_classes = positive_int(num_classes, "num_classes")
    return (X, class_labels(labels, num_classes), num_classes, positive_scalar(lr, "lr"),
            non_negative_int(epochs, "epochs"), batch_size_for(len(X), batch_size), generator(rng))


def paired_arrays(X, y):
    """Check that X (N, D) and y (N,) hold one row per example; return them as arrays."""
    X = float_array(X, "X", ndim=2)
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(tr("y must be a 1-D array with one entry per example; received shape {y_shape}",
                            y_shape=y.shape))
    require_rows(X)
    same_rows(X, y)
    return X, y


def regression_arrays(X, y, *, purpose=""):
    """Return X (N, D) and y (N,) as float arrays with at least one row, one target per row."""
    X = float_array(X, "X", ndim=2)
    y = float_array(y, "y", ndim=1)
    require_rows(X, purpose=purpose)
    same_rows(X, y)
    return X, y


def regression_data(X, y, w, b):
    """Check the arguments of a linear-regression loss: X (N, D), y (N,), w (D,), b scalar."""
    X, y = regression_arrays(X, y)
    w = float_array(w, "w", ndim=1, finite=False)
    b = real_scalar(b, "b", finite=False)
    if len(w) != X.shape[1]:
        raise ValueError(
            tr("w must have one weight per feature: X has {X_shape_1} features (columns), w has "
               "{len_w} entries", X_shape_1=X.shape[1], len_w=len(w))
        )
    return X, y, w, b
