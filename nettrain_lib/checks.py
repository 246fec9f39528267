"""Checks for the notebooks' test cells: failures that say what went wrong in the student's terms.

A test cell imports these at its top (so a student's own definitions cannot replace them), calls
the student's function through `call`, and compares the result with `check_close`, giving the
values that typical mistakes produce and what each mistake is:

    from nettrain_lib.checks import call, check_close
    loss = call(mse_loss, X, y, w, b)
    check_close(loss, 2.0, "mse_loss(X, y, w, b)",
                mistakes=[(6.0, "the squared errors are summed instead of averaged (divide by N)")])

Every failure is an AssertionError whose message names the function, what it returned, what was
expected and, when the value matches a known mistake, the mistake. Messages are wrapped so that no
line is longer than `nbgrader validate` prints (it cuts each line at 90 characters): its first line,
after "AssertionError: ", at FIRST_LINE characters, the others at LINE.
"""
import contextlib
import numbers
import re
import textwrap
import warnings

import numpy as np

from ._validate import describe
from .i18n import tr

# `nbgrader validate` indents each line by 4 and cuts it at 87 characters; "AssertionError: " comes first.
LINE = 83
FIRST_LINE = LINE - len("AssertionError: ")


def wrapped(message):
    """The message with its first line at most FIRST_LINE characters and the others at most LINE,
    broken between words; the line breaks it already has are kept."""
    def wrap(text, width):
        return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)

    # Code in backticks stays on one line: its spaces are held back while the text is wrapped.
    held = re.sub(r"`[^`\n]*`", lambda code: code.group().replace(" ", "\0"), message)
    lines = []
    for paragraph in held.split("\n"):
        first = wrap(paragraph, FIRST_LINE if not lines else LINE) or [""]
        lines += [first[0], *wrap(" ".join(first[1:]), LINE)]
    return "\n".join(lines).replace("\0", " ")


def _fail(message):
    return AssertionError(wrapped(message))


def _not_implemented(name):
    return _fail(tr("{name} is not implemented yet: replace `raise NotImplementedError()` with your code "
                    "and run that cell again before this test", name=name))


def check_that(condition, message):
    """Fail with `message` unless `condition` is true: a test cell's own rule, worded for the student.

    Use it where `assert condition, message` would do: the message is wrapped like every other
    failure here, so `nbgrader validate` shows all of it. Say the cause first, in the student's terms."""
    if not condition:
        raise _fail(message)


def call(function, *args, **kwargs):
    """Call a student's function, turning a stub that is still in place into a clear failure."""
    name = getattr(function, "__name__", repr(function))
    if not callable(function):
        raise _fail(tr("{name} should be a function, but it is {function}", name=name, function=describe(function)))
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise _not_implemented(name) from None


def call_keeping_inputs(function, *args, hint=None, **kwargs):
    """Call `function` and fail if it changed any numpy array it was given (positional or keyword).

    A result that is an iterator (a generator yielding batches, say) is consumed into a list first,
    since its code only runs, and may only then change the inputs, while it is iterated.
    `hint` replaces the default advice in the failure message.
    """
    name = getattr(function, "__name__", repr(function))
    named = [(tr("argument {number}", number=i + 1), a) for i, a in enumerate(args)] + list(kwargs.items())
    before = [(label, value, value.copy()) for label, value in named if isinstance(value, np.ndarray)]
    # Lists, tuples and dicts too (a network's params, a cache): their items, and the arrays in them.
    nested = [(label, value, _contents(value)) for label, value in named if isinstance(value, (list, tuple, dict))]
    result = call(function, *args, **kwargs)
    if hasattr(result, "__next__"):
        try:
            result = list(result)
        except NotImplementedError:
            raise _not_implemented(name) from None
    for label, value, original in before:
        numeric = np.issubdtype(original.dtype, np.number)
        if not np.array_equal(value, original, equal_nan=numeric):
            raise _fail(
                tr("{name} changed its input ({label}) in place.", name=name, label=label) + "\n"
                + (hint or tr("Leave the caller's arrays as they were: compute a new array "
                              "(`a - lr * g`, not `a -= lr * g`) or work on a copy (`a.copy()`)"))
            )
    for label, value, original in nested:
        if _contents(value) != original:
            raise _fail(
                tr("{name} changed its input ({label}) in place: a list or an array in it.", name=name,
                   label=label) + "\n"
                + (hint or tr("Leave the caller's lists and arrays as they were: build a new list "
                              "(`[... for ...]`) of new arrays (`W - lr * dW`, not `W -= lr * dW`)"))
            )
    return result


def _contents(value, depth=0):
    """What a list, tuple or dict holds (arrays by their bytes), comparable with == to see a change."""
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.dtype.str, value.tobytes())
    if depth < 4 and isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_contents(item, depth + 1) for item in value))
    if depth < 4 and isinstance(value, dict):
        return ("dict", tuple((repr(key), _contents(item, depth + 1)) for key, item in value.items()))
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes, np.generic)):
        return ("scalar", repr(value))
    return ("other", id(value))


def call_recording_warnings(function, *args, **kwargs):
    """call_keeping_inputs, and also return the RuntimeWarnings numpy raised meanwhile (a division
    by zero, an overflow): (result, warnings). A test can then name the edge case that caused them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call_keeping_inputs(function, *args, **kwargs)
    return result, [w for w in caught if issubclass(w.category, RuntimeWarning)]


def check_scalar(value, name):
    """Fail unless `value` is one real number (a Python or numpy float/int, or a 0-d array)."""
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise _fail(tr("{name} should be one number; it is {value}", name=name, value=describe(value)))
    if isinstance(value, np.ndarray):
        if value.size == 1 and value.ndim > 0:
            raise _fail(
                tr("{name} should be one number, but it is {value} holding one value.\nReturn a plain "
                   "number: float(value), or index it (value[0]); check for an extra axis, e.g. a column "
                   "vector or an (N, 1) array, earlier in the computation", name=name, value=describe(value))
            )
        if value.ndim != 0:
            raise _fail(
                tr("{name} should be one number, but it is {value}.\nDid you forget to average (np.mean) "
                   "or sum over the examples?", name=name, value=describe(value))
            )
        value = value[()]
    if not isinstance(value, (numbers.Real, np.number)) or isinstance(value, np.complexfloating):
        raise _fail(tr("{name} should be one real number; it is {value}", name=name, value=describe(value)))
    return float(value)


def check_array(value, name, shape):
    """Fail unless `value` is a numpy array of the given shape; hint at transposes and extra axes."""
    if not isinstance(value, np.ndarray):
        raise _fail(tr("{name} should be a numpy array of shape {shape}; it is {value}",
                       name=name, shape=shape, value=describe(value)))
    _only_numbers(value, name)
    shape = tuple(shape)
    if value.shape != shape:
        hint = ""
        if value.shape == shape[::-1] and len(shape) > 1:
            hint = " " + tr("It looks transposed.")
        elif value.size == int(np.prod(shape)):
            hint = " " + tr("It has the right number of entries but extra or missing axes (check the shapes of "
                            "your products).")
        raise _fail(tr("{name} should have shape {shape}, but it has shape {value_shape}.{hint}",
                       name=name, shape=shape, value_shape=value.shape, hint=hint))
    if not np.issubdtype(value.dtype, np.number):
        raise _fail(tr("{name} should hold numbers; it has dtype {value_dtype}", name=name, value_dtype=value.dtype))
    return value


def check_count(values, expected, name, *, hints=None):
    """Fail unless `values` is a 1-D sequence of `expected` numbers; return it as a float array.

    `hints` maps a wrong length to what usually causes it.
    """
    _only_numbers(values, name)
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise _fail(tr("{name} should be a sequence of numbers; it is {values}", name=name,
                       values=describe(values))) from None
    if array.ndim != 1:
        raise _fail(tr("{name} should be a flat sequence of {expected} numbers; it has shape {array_shape}",
                       name=name, expected=expected, array_shape=array.shape))
    if len(array) != expected:
        hint = (hints or {}).get(len(array), "")
        raise _fail(tr("{name} should hold {expected} values; it holds {length}.", name=name, expected=expected,
                       length=len(array)) + (f" {hint}" if hint else ""))
    return array


def _only_numbers(value, name, depth=0):
    """Fail for anything but numbers, numpy arrays and lists or tuples of those: an object that
    converts itself to an array (its own __array__) could pretend to be any answer."""
    if isinstance(value, np.ndarray) and type(value).__array__ is np.ndarray.__array__:
        if value.dtype == object:
            for element in value.flat:
                _only_numbers(element, name, depth + 1)
        return
    if isinstance(value, (int, float, complex, np.generic)):
        return
    if isinstance(value, (list, tuple, range)) and depth < 8:
        for element in value:
            _only_numbers(element, name, depth + 1)
        return
    raise _fail(tr("{name} should be a number or an array of numbers; it is {value}", name=name, value=describe(value)))


def check_close(actual, expected, name, *, mistakes=(), rtol=1e-6, atol=1e-9, reveal=True):
    """Fail unless `actual` is close to `expected` (numbers or arrays of the same shape).

    `mistakes` is a sequence of (value, explanation) pairs: when `actual` matches one of those
    values instead of `expected`, the failure names the mistake. With `reveal=False` the
    expected value is not printed (for hidden tests).
    """
    expected = np.asarray(expected, dtype=float)
    if isinstance(actual, (str, bytes)) or actual is None:
        raise _fail(tr("{name} should be a number or an array of numbers; it is {actual}",
                       name=name, actual=describe(actual)))
    _only_numbers(actual, name)
    try:
        kind = np.asarray(actual).dtype.kind
    except (TypeError, ValueError):               # a ragged list, say
        kind = "O"
    if kind not in "iuf":                          # not bools, strings, objects or complex numbers
        raise _fail(tr("{name} should be a number or an array of numbers; it is {actual}",
                       name=name, actual=describe(actual)))
    actual = np.asarray(actual, dtype=float)
    if _close(actual, expected, rtol, atol):
        return
    for wrong_value, explanation in mistakes:
        if _close(actual, np.asarray(wrong_value, dtype=float), rtol, atol):
            raise _fail(tr("{name} returned what you get when {explanation}\n(it returned {actual})",
                           name=name, explanation=explanation, actual=_show(actual)))
    headline = tr("{name} returned a wrong value", name=name)
    if reveal and actual.shape == expected.shape and actual.size and np.all(np.isfinite(actual)):
        ratio = _constant_ratio(actual, expected)
        if ratio is not None:
            headline += f": {_describe_ratio(ratio)}"
    if reveal:
        detail = tr("It returned {actual}, but the expected value is {expected}.", actual=_show(actual),
                    expected=_show(expected))
    else:
        detail = tr("It returned {actual}, which is not the expected value.", actual=_show(actual))
    raise _fail(f"{headline}\n{detail}")


def _describe_ratio(ratio):
    """Words for a simple ratio between a result and the expected value (a likely missing factor)."""
    if np.isclose(ratio, -1.0):
        return tr("it has the opposite sign: a sign error?")
    if abs(ratio) >= 1:
        return tr("it is {ratio:.4g} times the expected value: an extra factor?", ratio=ratio)
    return tr("it is 1/{inverse:.4g} of the expected value: a missing factor?", inverse=1 / ratio)


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
    # A negative ratio other than -1 (the sign flipped and a factor) is more often a different
    # formula that happens to be proportional here, so it gets no hint either.
    if ratio < 0:
        return ratio if np.isclose(ratio, -1.0) else None
    size = max(ratio, 1 / ratio)
    return ratio if np.isclose(size, round(size), rtol=1e-6) else None


def _show(value):
    value = np.asarray(value)
    if value.ndim == 0:
        return f"{float(value):.6g}"
    return np.array2string(value, precision=6, separator=", ", threshold=20)


@contextlib.contextmanager
def substituted(namespace, **functions):
    """Temporarily replace names in `namespace` (a notebook's globals()) and put them back after.

    A test cell uses it to grade one function on its own: while the cell runs, the functions it
    may call are the course's reference versions, so a mistake in one of them is not counted twice.
    """
    missing = object()
    saved = {name: namespace.get(name, missing) for name in functions}
    namespace.update(functions)
    # Under nettrain-grade the test cell runs outside the sandbox and the student's functions inside
    # it: the grader puts the course's versions in place there too (nettrain_grading.session.Run).
    remote = namespace.get("__nettrain_remote__")
    if remote is not None:
        remote.substitute(functions)
    try:
        yield
    finally:
        if remote is not None:
            remote.restore()
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def drawn_in_turn(orders, start, rule):
    """Fail unless the recorded `orders` are, one after the other, the next draws of a generator that
    starts where `start` (a Generator, left untouched) is: each one rng.permutation(N),
    rng.choice(N, N, replace=False), or rng.shuffle of np.arange(N) or of the previous order.

    A RecordingGenerator's list lives with the student's code, which could fill it by hand; this ties
    each order to the generator's stream. `rule` ends the failure message (what to draw, and when).
    Returns the generator state after the last order, to compare with the student's generator."""
    state, previous = start.bit_generator.state, None
    for epoch, order in enumerate(orders, start=1):
        order, found = np.asarray(order), None
        for draw in _DRAWS:
            generator = np.random.Generator(np.random.PCG64())
            generator.bit_generator.state = state
            drawn = draw(generator, len(order), previous)
            if drawn is not None and np.array_equal(drawn, order):
                found = generator.bit_generator.state
                break
        if found is None:
            raise _fail(tr("epoch {epoch}'s order is not the next draw from rng: {rule}", epoch=epoch, rule=rule))
        state, previous = found, order
    return state


def _shuffled(generator, values):
    generator.shuffle(values)
    return values


_DRAWS = (lambda g, n, _: g.permutation(n), lambda g, n, _: g.choice(n, n, replace=False),
          lambda g, n, _: _shuffled(g, np.arange(n)),
          lambda g, n, previous: None if previous is None else _shuffled(g, previous.copy()))


class RecordingGenerator(np.random.Generator):
    """A numpy Generator that remembers every permutation of 0..N-1 it hands out.

    A test passes one to a student's training function and then knows in which order each epoch
    visited the examples, whether the student wrote rng.permutation(n), rng.shuffle(indices) or
    rng.choice(n, n, replace=False), so it can replay the same updates and compare.
    """

    def __init__(self, seed):
        super().__init__(np.random.PCG64(seed))
        self.orders = []
        self._depth = 0                     # numpy's own methods call each other: record the outer call only

    def _outer(self, method, *args, **kwargs):
        self._depth += 1
        try:
            return method(*args, **kwargs)
        finally:
            self._depth -= 1

    def _keep(self, values):
        values = np.asarray(values)
        if values.ndim == 1 and np.issubdtype(values.dtype, np.integer) and np.array_equal(
                np.sort(values), np.arange(len(values))):
            self.orders.append(values.copy())

    def permutation(self, x, axis=0):
        outer = self._depth == 0
        result = self._outer(super().permutation, x, axis)
        if outer:
            self._keep(result)
        return result

    def shuffle(self, x, axis=0):
        outer = self._depth == 0
        self._outer(super().shuffle, x, axis)
        if outer:
            self._keep(x)

    def choice(self, a, size=None, replace=True, p=None, axis=0, shuffle=True):
        outer = self._depth == 0
        result = self._outer(super().choice, a, size, replace, p, axis, shuffle)
        if outer and not replace:
            self._keep(result)
        return result
