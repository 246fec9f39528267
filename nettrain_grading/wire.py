"""What crosses the sandbox wall: one JSON object per line, and the plain values inside them.

Both sides import this module (standard library and numpy only). The grader outside runs the test
cells; the student's functions run inside. A call crosses the wall as plain data, and so does its
answer: numbers, strings, None, lists, tuples, dicts, numpy arrays and scalars, random generators
(their state), exceptions (type names and message). Nothing is unpickled or evaluated on the way:
`decode` builds only those types, so nothing the student's code sends can run code in the grader,
and nothing the student patches inside (json, builtins, numpy) changes how the grader compares.

Objects that cannot cross as data stay on their side and cross as a handle:
- a callable the test passes in (the function whose gradient numerical_gradient estimates, the
  course's own version of a helper) is called back: the student's code calls a stub, the grader
  runs the real function outside and sends the value back;
- an iterator the student's function returns (a generator of batches) stays inside; each `next`
  is one round trip, so laziness and the order of random draws are as they would be in a notebook.

Identity survives where tests look at it: an array argument that the function returns unchanged
comes back as the very object that was passed, and an argument the function changed in place is
changed outside too (so `param is not new_param` and "the input was not modified" are checked as in
a notebook).
"""
import base64
import json
import math
import os
from json import dumps as _json_dumps  # bound now: a later patch of json changes nothing here
from json import loads as _json_loads

import numpy as np

MAX_LINE_BYTES = 64 * 2**20          # the longest message either side accepts
MAX_DEPTH = 40                       # nesting of lists, tuples and dicts
MAX_ITEMS = 1_000_000                # elements of all containers in one message
TEXT_LIMIT = 20_000                  # characters kept of a string that describes (repr, message)
ARRAY_KINDS = "biufcUS"              # bool, signed, unsigned, float, complex, unicode, bytes
RNG_BITS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
SAFE_EXCEPTIONS = (                  # exception types rebuilt as themselves on the other side
    "ArithmeticError", "AssertionError", "AttributeError", "BufferError", "EOFError", "FloatingPointError",
    "ImportError", "IndexError", "KeyError", "LookupError", "MemoryError", "ModuleNotFoundError", "NameError",
    "NotImplementedError", "OSError", "OverflowError", "RecursionError", "ReferenceError", "RuntimeError",
    "TypeError", "UnboundLocalError", "UnicodeError", "ValueError", "ZeroDivisionError", "Exception")


class ProtocolError(Exception):
    """A message that is not what the other side may send."""


class Opaque:
    """Something the student's code returned that cannot cross as data (an object of its own class,
    a file, a module). Tests see its type and repr, and every comparison with it fails."""

    def __init__(self, type_name, text):
        self.type_name, self.text = type_name, text

    def __repr__(self):
        return self.text

    def __eq__(self, other):
        return False

    __hash__ = object.__hash__


def dumps(message):
    return (_json_dumps(message, allow_nan=False, separators=(",", ":")) + "\n").encode()


def write_all(fd, data):
    """Write all of `data` to a blocking file descriptor (one copy, however often the write is partial)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def loads(line):
    if len(line) > MAX_LINE_BYTES:
        raise ProtocolError(f"a message of {len(line):,} bytes (at most {MAX_LINE_BYTES:,})")
    try:
        message = _json_loads(line)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"not a message: {str(exc)[:100]}") from None
    if not isinstance(message, dict) or not isinstance(message.get("op"), str):
        raise ProtocolError("a message without an op")
    return message


def cut(text, limit=TEXT_LIMIT):
    text = text if isinstance(text, str) else str(text)
    return text if len(text) <= limit else f"{text[:limit]} … [cut: {len(text) - limit:,} more characters]"


# ---------------------------------------------------------------------------------------------
# Encoding (both sides)

class Encoder:
    """Turns values into JSON-able trees. `handle(value)` is asked first for what must not cross as
    data (callables, iterators, generators, known objects); it returns a tree or None."""

    def __init__(self, handle=None, register=None):
        self._handle = handle or (lambda value: None)
        self._register = register or (lambda value: None)
        self._items = 0

    def encode(self, value, depth=0):
        self._items += 1
        if self._items > MAX_ITEMS or depth > MAX_DEPTH:
            return {"t": "opaque", "type": type(value).__name__, "repr": "<too large or too deeply nested to send>"}
        special = self._handle(value)
        if special is not None:
            return special
        # Subclasses cross as their base type (a namedtuple as a tuple, an OrderedDict as a dict, an
        # np.float64 kept as itself below), as a notebook's checks would treat them.
        if value is None or isinstance(value, bool):
            return None if value is None else bool(value)
        if isinstance(value, str):
            return cut(str.__str__(value), MAX_LINE_BYTES // 4)
        if isinstance(value, np.generic) and value.dtype.kind in ARRAY_KINDS:
            return {"t": "scalar", "array": self._array(np.asarray(value))}
        if isinstance(value, int):
            value = int.__index__(value)
            return value if abs(value) < 2**63 else {"t": "bigint", "value": str(value)}
        if isinstance(value, float):
            value = float.__float__(value)
            return value if math.isfinite(value) else {"t": "float", "value": repr(value)}
        if isinstance(value, np.ndarray):
            value = value.view(np.ndarray) if type(value) is not np.ndarray else value
            if value.dtype.kind in ARRAY_KINDS:
                return self._registered(value, {"t": "array", "array": self._array(value)})
            if value.dtype.kind == "O":
                return {"t": "objects", "shape": list(value.shape),
                        "items": [self.encode(item, depth + 1) for item in value.reshape(-1).tolist()]}
        if isinstance(value, tuple):
            return {"t": "tuple", "items": [self.encode(item, depth + 1) for item in tuple.__iter__(value)]}
        if isinstance(value, list):
            return self._registered(value, {"t": "list", "items": [self.encode(item, depth + 1)
                                                                   for item in list.__iter__(value)]})
        if isinstance(value, dict):
            return self._registered(value, {"t": "dict", "items": [
                [self.encode(key, depth + 1), self.encode(item, depth + 1)] for key, item in dict.items(value)]})
        if type(value) is range:
            return {"t": "range", "args": [value.start, value.stop, value.step]}
        if type(value) is complex:
            return {"t": "complex", "value": [repr(value.real), repr(value.imag)]}
        return {"t": "opaque", "type": cut(type(value).__name__, 200), "repr": describe(value)}

    def _registered(self, value, tree):
        number = self._register(value)
        if number is not None:
            tree["id"] = number
        return tree

    @staticmethod
    def _array(value):
        """The bytes in C order, and the layout: a transposed array stays Fortran-ordered on the other
        side and a strided view stays non-contiguous (reshape copies it there too, as here)."""
        layout = "C" if value.flags.c_contiguous else "F" if value.flags.f_contiguous else "strided"
        return {"dtype": value.dtype.str, "shape": list(value.shape), "layout": layout,
                "data": base64.b64encode(np.asarray(value, order="C").tobytes()).decode("ascii")}


def describe(value):
    try:
        return cut(repr(value), 300)
    except BaseException:                      # noqa: BLE001 -- a student's __repr__ may raise anything
        return f"<{cut(type(value).__name__, 200)} object>"


# ---------------------------------------------------------------------------------------------
# Decoding (both sides)

class Decoder:
    """Turns trees back into values. `resolve(tree)` is asked for the handle kinds (it returns the
    value, or raises ProtocolError for a kind this side does not accept)."""

    HANDLE_KINDS = ("ref", "callback", "function", "iterator", "rng", "name")

    def __init__(self, resolve=None, on_decoded=None):
        self._resolve = resolve
        self._on_decoded = on_decoded

    def decode(self, tree, depth=0):
        value = self._decode(tree, depth)
        if isinstance(tree, dict) and "id" in tree and tree.get("t") in ("list", "dict", "array") \
                and self._on_decoded is not None:
            if type(tree["id"]) is not int:
                raise ProtocolError("an object id that is not an integer")
            self._on_decoded(tree["id"], value)
        return value

    def _decode(self, tree, depth):
        if depth > MAX_DEPTH + 2:
            raise ProtocolError("nested too deeply")
        if tree is None or isinstance(tree, (bool, int, float, str)):
            return tree
        if not isinstance(tree, dict) or not isinstance(tree.get("t"), str):
            raise ProtocolError(f"not a value: {cut(repr(tree), 80)}")
        kind = tree["t"]
        if kind in ("list", "tuple"):
            items = [self.decode(item, depth + 1) for item in _list(tree, "items")]
            return items if kind == "list" else tuple(items)
        if kind == "dict":
            result = {}
            for pair in _list(tree, "items"):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise ProtocolError("a dict item that is not a pair")
                key = self.decode(pair[0], depth + 1)
                try:
                    result[key] = self.decode(pair[1], depth + 1)
                except TypeError:
                    raise ProtocolError("an unhashable dict key") from None
            return result
        if kind == "array":
            return array_of(tree.get("array"))
        if kind == "scalar":
            value = array_of(tree.get("array"))
            if value.shape != ():
                raise ProtocolError("a scalar with a shape")
            return value[()]
        if kind == "objects":
            shape = _shape(tree.get("shape"))
            items = [self.decode(item, depth + 1) for item in _list(tree, "items")]
            if len(items) != math.prod(shape):
                raise ProtocolError("an object array whose items do not fill its shape")
            result = np.empty(len(items), dtype=object)
            for index, item in enumerate(items):
                result[index] = item
            return result.reshape(shape)
        if kind == "float":
            if tree.get("value") not in ("nan", "inf", "-inf"):
                raise ProtocolError("a float that is not nan or inf")
            return float(tree["value"])
        if kind == "bigint":
            text = tree.get("value")
            if not isinstance(text, str) or len(text) > 5000 or not text.lstrip("-").isdigit():
                raise ProtocolError("a big integer that is not digits")
            return int(text)
        if kind == "complex":
            parts = tree.get("value")
            if not (isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, str) and len(p) < 40
                                                                           for p in parts)):
                raise ProtocolError("a complex number that is not two floats")
            return complex(float(parts[0]), float(parts[1]))
        if kind == "range":
            args = tree.get("args")
            if not (isinstance(args, list) and len(args) == 3 and all(type(a) is int for a in args)) or args[2] == 0:
                raise ProtocolError("a range that is not three integers")
            return range(*args)
        if kind == "opaque":
            return Opaque(cut(str(tree.get("type", "?")), 200), cut(str(tree.get("repr", "?")), 300))
        if kind in self.HANDLE_KINDS and self._resolve is not None:
            return self._resolve(tree)
        raise ProtocolError(f"a value of kind {cut(kind, 40)!r} is not accepted here")


def _list(tree, key):
    items = tree.get(key)
    if not isinstance(items, list):
        raise ProtocolError(f"{key} is not a list")
    return items


def _shape(shape):
    if not (isinstance(shape, list) and len(shape) <= 32 and all(type(n) is int and 0 <= n < 2**40 for n in shape)):
        raise ProtocolError("a shape that is not a short list of sizes")
    return tuple(shape)


def array_of(tree):
    """A fresh, writable numpy array from {"dtype", "shape", "data"}: only plain numeric, boolean
    and text dtypes (never object), and only if the bytes fill the shape exactly."""
    if not isinstance(tree, dict) or not isinstance(tree.get("dtype"), str) or not isinstance(tree.get("data"), str):
        raise ProtocolError("an array without dtype or data")
    try:
        dtype = np.dtype(tree["dtype"])
    except TypeError:
        raise ProtocolError(f"an unknown dtype {cut(tree['dtype'], 40)!r}") from None
    if dtype.kind not in ARRAY_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise ProtocolError(f"an array of dtype {dtype} (only numbers, booleans and text cross)")
    shape = _shape(tree.get("shape"))
    try:
        data = base64.b64decode(tree["data"], validate=True)
    except ValueError:
        raise ProtocolError("array data that is not base64") from None
    if len(data) != math.prod(shape) * dtype.itemsize:
        raise ProtocolError("array data that does not fill its shape")
    value = np.frombuffer(data, dtype=dtype).reshape(shape)
    layout = tree.get("layout", "C")
    if layout == "F":
        return np.asfortranarray(value)
    if layout == "strided" and value.size > 1:
        spread = np.empty(shape + (2,), dtype=dtype)[..., 0]        # every other element: not contiguous
        spread[...] = value
        return spread
    return value.copy()


# ---------------------------------------------------------------------------------------------
# Random generators: their state crosses, never the object

def rng_state(generator):
    state = generator.bit_generator.state
    return json.loads(json.dumps(state, default=_plain))       # numpy ints and arrays -> JSON


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value).__name__)


def checked_rng_state(state):
    if not isinstance(state, dict) or state.get("bit_generator") not in RNG_BITS:
        raise ProtocolError("a random generator state of an unknown kind")
    return state


def new_rng(state, cls=np.random.Generator):
    state = checked_rng_state(state)
    bits = getattr(np.random, state["bit_generator"])()
    try:
        bits.state = _numpy_state(state)
    except (TypeError, ValueError, KeyError) as exc:
        raise ProtocolError(f"a random generator state that numpy refuses: {str(exc)[:100]}") from None
    return cls(bits)


def set_rng_state(generator, state):
    state = checked_rng_state(state)
    try:
        generator.bit_generator.state = _numpy_state(state)
    except (TypeError, ValueError, KeyError) as exc:
        raise ProtocolError(f"a random generator state that numpy refuses: {str(exc)[:100]}") from None


def _numpy_state(state):
    if state["bit_generator"] == "MT19937":             # its key must be an array of uint32
        inner = dict(state["state"], key=np.asarray(state["state"]["key"], dtype=np.uint32))
        return dict(state, state=inner)
    if state["bit_generator"] == "Philox":
        inner = {key: np.asarray(value, dtype=np.uint64) for key, value in state["state"].items()}
        return dict(state, state=inner, buffer=np.asarray(state["buffer"], dtype=np.uint64))
    if state["bit_generator"] == "SFC64":
        return dict(state, state={"state": np.asarray(state["state"]["state"], dtype=np.uint64)})
    return state


# ---------------------------------------------------------------------------------------------
# Exceptions

def error_tree(exc, traceback_text=""):
    """An exception as data: its class names (most derived first), its message, the student's
    traceback lines."""
    names = [cls.__name__ for cls in type(exc).__mro__ if issubclass(cls, BaseException)]
    try:
        message = str(exc)
    except BaseException:                      # noqa: BLE001
        message = f"<the {type(exc).__name__}'s message could not be printed>"
    return {"types": [cut(name, 200) for name in names[:20]], "message": cut(message, 2_000),
            "traceback": cut(traceback_text, 10_000)}


class StudentError(Exception):
    """Stands for an exception of a class the grader does not rebuild (a student's own class)."""


def rebuilt_error(tree):
    """The exception outside: the first class in its MRO that is a safe builtin (ValueError for a
    student's `class MyError(ValueError)`), with the same message; never SystemExit and friends."""
    if not isinstance(tree, dict) or not isinstance(tree.get("types"), list):
        raise ProtocolError("an error without types")
    names = [str(name) for name in tree["types"]]
    message = cut(str(tree.get("message", "")), 2_000)
    import builtins
    cls = next((getattr(builtins, name) for name in names if name in SAFE_EXCEPTIONS), StudentError)
    try:
        exc = cls(message) if cls is not KeyError else KeyError(message)
    except TypeError:
        exc = StudentError(message)
    exc.student_types = names
    exc.student_traceback = cut(str(tree.get("traceback", "")), 10_000)
    if cls is StudentError or names[0] != cls.__name__:
        exc.args = (f"{names[0] if names else '?'}: {message}",) if cls is StudentError else exc.args
    return exc
