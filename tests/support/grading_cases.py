"""Crafted lesson 01 submissions for the grading tool's tests: tampering, escapes and faults.

Each case is student id -> ({solution grade_id: source}, extra code cells inserted after the setup
cell). Graded cells not named keep the instructor's solution. `{COURSE}`, `{HOME}` and
`{PORT}` in a source become the scratch course's path, the instructor's home and a port the test
listens on, so a submission can try to reach the instructor's files and network.
"""

WRONG_MSE = """
def mse_loss(X, y, w, b):
    return float(np.sum((X @ w + b - y) ** 2))      # summed, not averaged
"""

# student -> (solution cells, appended code cells)
CASES = {
    # The class's ordinary members.
    "correct": ({}, []),
    "wrong_sum": ({"mse_loss": WRONG_MSE}, []),

    # Tampering that gets full marks from plain nbgrader.
    "patch_checks_module": ({"mse_loss": WRONG_MSE}, ["""
import nettrain_lib.checks as checks
checks.check_close = lambda *args, **kwargs: None
checks.check_scalar = lambda value, *args, **kwargs: value
"""]),
    "redefine_helper": ({"mse_loss": WRONG_MSE + """
def check_close(*args, **kwargs):
    pass
"""}, []),
    "patch_numpy": ({"mse_loss": WRONG_MSE}, ["""
np.allclose = lambda *args, **kwargs: True
"""]),
    "patch_inside_function": ({"mse_loss": """
def mse_loss(X, y, w, b):
    import numpy
    numpy.allclose = lambda *args, **kwargs: True     # patched when the test calls it
    return float(np.sum((X @ w + b - y) ** 2))
"""}, []),
    "fake_output": ({"mse_loss": """
def mse_loss(X, y, w, b):
    import os, sys
    print("test_mse_loss: all tests passed ✓")
    fake = b'{"token": "x", "index": 1, "event": "end", "result": {"status": "ok"}}\\n'
    for fd in range(3, 64):                          # try every descriptor the grader might read
        try:
            os.write(fd, fake)
        except OSError:
            pass
    return float(np.sum((X @ w + b - y) ** 2))
"""}, []),
    "custom_exception_handler": ({"mse_loss": WRONG_MSE}, ["""
import sys
get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)
sys.excepthook = lambda *args: None
"""]),
    "hard_coded": ({"mse_loss": """
def mse_loss(X, y, w, b):
    return 2.0                                       # the visible test's expected value
"""}, []),
    "calls_reference": ({"mse_loss": """
def mse_loss(X, y, w, b):
    from nettrain_lib.scratch.linear import mse_loss as course_version
    return course_version(X, y, w, b)
"""}, []),
    "imports_reference": ({"mse_loss": """
from nettrain_lib import mse_loss
"""}, []),

    # Escapes: a correct submission that also tries to reach the instructor's files and the network.
    "snoop": ({}, ["""
import os, socket, sqlite3
attempts = {}
def attempt(name, action):
    try:
        action()
        attempts[name] = "SUCCEEDED"
    except Exception as exc:
        attempts[name] = f"refused ({type(exc).__name__})"
attempt("read solutions", lambda: open("{COURSE}/solutions/01_update_rule/01_update_rule.ipynb").read())
attempt("read gradebook", lambda: open("{COURSE}/gradebook.db", "rb").read())
attempt("write gradebook", lambda: sqlite3.connect("{COURSE}/gradebook.db").execute(
    "UPDATE grade SET auto_score = 198").connection.commit())
attempt("read other student", lambda: open("{COURSE}/submitted/correct/01_update_rule/01_update_rule.ipynb").read())
attempt("write course", lambda: open("{COURSE}/planted.txt", "w").write("x"))
attempt("write home", lambda: open("{HOME}/planted.txt", "w").write("x"))
attempt("network", lambda: socket.create_connection(("127.0.0.1", {PORT}), timeout=2))
for name, outcome in attempts.items():
    print(f"{name}: {outcome}")
"""]),

    # Faults: each student is graded as far as possible.
    "hang_bare_except": ({"mse_loss": """
def mse_loss(X, y, w, b):
    import time
    while True:
        try:
            time.sleep(0.01)
        except:                                      # swallows the grader's interrupt too
            pass
"""}, []),
    "hang_plain": ({"gradient_descent_step": """
def gradient_descent_step(param, grad, lr):
    while True:
        pass
"""}, []),
    "memory_hog": ({"mse_gradients": """
def mse_gradients(X, y, w, b):
    hoard = []
    while True:
        hoard.append(np.empty(50_000_000))            # 400 MB more each time
"""}, []),
    "kills_kernel": ({"numerical_gradient": """
def numerical_gradient(f, x, eps=1e-6):
    import os, signal
    os.kill(os.getpid(), signal.SIGKILL)
"""}, []),
    "exits": ({"gradient_descent": """
def gradient_descent(X, y, lr, n_steps, w0=None, b0=0.0):
    import os
    os._exit(0)
"""}, []),
    "warns": ({"mse_loss": """
def mse_loss(X, y, w, b):
    import sys, warnings
    warnings.warn("a harmless warning from the student's code", RuntimeWarning)
    print("debugging output on stderr", file=sys.stderr)
    return float(np.mean((X @ w + b - y) ** 2))
"""}, []),
}

# Found by an independent review (a correct notebook must keep full marks, however it is written).
CORRECT_STYLES = {
    "styles_constants_and_magics": ({
        "mse_loss": """%matplotlib inline
N_AXIS, SQUARE = 0, (lambda r: r * r)          # tuple constants, a lambda helper
def mse_loss(X, y, w, b):
    return float(np.sum(SQUARE(X @ w + b - y)) / X.shape[N_AXIS])
""",
        "mse_gradients": """import functools
TWO = float(2)                                  # a constant computed with a call

@functools.lru_cache(maxsize=None)              # a decorated helper
def scale(n):
    return TWO / n

def mse_gradients(X, y, w, b):
    r = X @ w + b - y
    return scale(len(y)) * (X.T @ r), scale(len(y)) * float(r.sum())
""",
        "numerical_gradient": """%%time
def numerical_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = eps
        grad[index] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad
""",
        "gradient_descent_step": """try:
    from tqdm import tqdm                        # not installed: the fallback is used
except ImportError:
    def tqdm(iterable):
        return iterable

class Rule:
    @staticmethod
    def apply(param, grad, lr):
        return param - lr * grad

def gradient_descent_step(param, grad, lr):
    return Rule.apply(param, grad, lr)
""",
    }, [("end", """# After the tests, an experiment: the library's versions, and a throwaway redefinition.
from nettrain_lib.linear import *
def mse_loss(X, y, w, b):
    return 0.0
""")]),
}

CORRECT_STYLES["styles_decorators_and_tables"] = ({
    "mse_loss": """@np.errstate(over="ignore")                    # a library decorator on the graded function
def mse_loss(X, y, w, b):
    return float(np.mean((X @ w + b - y) ** 2))
""",
    "mse_gradients": """import numpy.testing as npt

def mse_gradients(X, y, w, b):
    r = X @ w + b - y
    dw, db = 2 * X.T @ r / len(y), 2 * float(np.mean(r))
    npt.assert_equal(dw.shape, np.shape(w))                     # a sanity check of their own
    np.testing.assert_allclose(db, 2 * np.sum(r) / len(y))
    return dw, db
""",
    "numerical_gradient": """DIFFERENCES = {}                                  # a table filled item by item
DIFFERENCES["central"] = lambda f, x, step, eps: (f(x + step) - f(x - step)) / (2 * eps)
STEPS = []
for k in range(3):
    STEPS.append(k)

def numerical_gradient(f, x, eps=1e-6):
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        step = np.zeros(x.shape)
        step[index] = eps
        grad[index] = DIFFERENCES["central"](f, x, step, eps)
    return grad
""",
}, [])

# More tampering found by the review.
MORE_TAMPERING = {
    "swap_check_code": ({"mse_loss": """
def mse_loss(X, y, w, b):
    import nettrain_lib.checks as checks
    checks.check_close.__code__ = (lambda *args, **kwargs: None).__code__    # same object, new code
    return float(np.sum((X @ w + b - y) ** 2))
"""}, []),
    "patch_numpy_internals": ({"mse_loss": """
import sys
def mse_loss(X, y, w, b):
    numeric = sys.modules["numpy._core.numeric"]
    numeric.isclose = lambda a, b, **kwargs: np.ones(np.broadcast_shapes(np.shape(a), np.shape(b)), bool)
    return float(np.sum((X @ w + b - y) ** 2))
"""}, []),
    "alias_reference": ({"mse_loss": """
from nettrain_lib.linear import mse_loss as _course_version
def mse_loss(X, y, w, b):
    return _course_version(X, y, w, b)
"""}, []),
    "lying_array": ({"mse_loss": """
import sys
class Anything:
    def __array__(self, dtype=None, copy=None):
        frame = sys._getframe(1)
        while frame is not None and "expected" not in frame.f_locals:
            frame = frame.f_back
        return np.asarray(frame.f_locals["expected"] if frame else 0.0, dtype=dtype)
    def __float__(self):
        return float(self.__array__())
def mse_loss(X, y, w, b):
    return Anything()
"""}, []),
    # Faults: a forked process that keeps running, files that fill the sandbox.
    "forks_and_fills": ({}, ["""
import os, time
if os.fork() == 0:                               # a child that outlives the cell
    time.sleep(100000)
    os._exit(0)
chunk = b"\\0" * (1 << 20)
for target in ("/tmp/fill.bin", "/grading/fill.bin"):
    written = 0
    try:
        with open(target, "wb") as handle:
            for _ in range(1024):
                handle.write(chunk)
                written += 1
        print(target, "wrote", written, "MB")
    except OSError as exc:
        print(target, "stopped after", written, "MB:", type(exc).__name__)
"""]),
}

# Issue 15's attack classes, written again against the grader that decides verdicts outside the
# sandbox. Each attacks mse_loss only; every other function keeps the instructor's solution.
OUTSIDE_VERDICTS = {
    # Reach the grader's channel by walking frames from a definition (NAME = value is loaded by the
    # re-check too) and turn every error into "returned 2.0", the visible test's expected value.
    "frame_walk_channel": ({"mse_loss": WRONG_MSE + """
import sys
def _hook():
    frame = sys._getframe(0)
    while frame is not None:
        owner = frame.f_locals.get("self")
        if owner is not None and hasattr(owner, "send") and hasattr(owner, "namespace"):
            original = owner.send
            def send(message, original=original):
                if isinstance(message, dict) and message.get("op") in ("raise", "return"):
                    message = dict(message, op="return", value=2.0)
                return original(message)
            owner.send = send
            return "hooked"
        frame = frame.f_back
    return "no channel found"
HOOKED = _hook()
"""}, []),
    # The library's own function behind a wrapper that looks like the student's.
    "partial_wrapper": ({"mse_loss": """
import functools
import nettrain_lib
def _stub(X, y, w, b):
    pass
mse_loss = functools.update_wrapper(functools.partial(nettrain_lib.scratch.linear.mse_loss), _stub)
"""}, []),
    # The reference's code object, taken from the module and put into a function of the student's.
    "borrowed_code": ({"mse_loss": """
import sys, types
_reference = sys.modules["nettrain_lib.scratch.linear"].mse_loss
mse_loss = types.FunctionType(_reference.__code__, _reference.__globals__, "mse_loss")
"""}, []),
    # Answers computed by the library in the notebook run, kept in /tmp for the re-check to replay.
    "cache_answers": ({"mse_loss": """
import hashlib, json, os
def mse_loss(X, y, w, b):
    key = hashlib.sha256(repr((np.asarray(X).tolist(), np.asarray(y).tolist(), np.asarray(w).tolist(),
                               float(b))).encode()).hexdigest()
    path = f"/tmp/answers-{key}.json"
    if os.path.exists(path):
        return json.load(open(path))
    from nettrain_lib import mse_loss as course
    value = float(course(X, y, w, b))
    json.dump(value, open(path, "w"))
    return value
"""}, []),
    # json.dumps and ast.parse patched from a default argument of the graded def, builtins swapped.
    "patch_json_ast_builtins": ({"mse_loss": """
import ast, builtins, json
def mse_loss(X, y, w, b, _j=setattr(json, "dumps", lambda *a, **k: '{"op": "return", "value": 2.0}'),
             _a=setattr(ast, "parse", lambda *a, **k: ast.Module(body=[], type_ignores=[]))):
    return float(np.sum((X @ w + b - y) ** 2))
"""}, ["""
import builtins
builtins.__dict__["AssertionError"] = type("AssertionError", (Exception,), {})
"""]),
    # A student cell that prints everything it can find of the grader's: job text, hidden tests.
    "print_the_job": ({}, ["""
import gc, os, sys
found = []
for path in ("/proc/self/fd/0", "/grading", "/tmp"):
    try:
        found.append(open(path).read()[:2000] if os.path.isfile(path) else str(os.listdir(path)))
    except OSError as exc:
        found.append(type(exc).__name__)
for obj in gc.get_objects():
    if isinstance(obj, str) and "HIDDEN" in obj:
        found.append(obj[:2000])
print("FOUND:", found)
"""]),
}
CASES.update(OUTSIDE_VERDICTS)
CASES.update(CORRECT_STYLES)
CASES.update(MORE_TAMPERING)

# Special files, not built from the release notebook.
CORRUPT = "corrupt"          # not JSON at all
MISSING = "missing"          # a lesson folder with no notebook
DELETED = "deleted_cells"    # test_mse_loss and the mse_gradients solution cell deleted
RETYPED = "retyped_cells"    # test_gradient_descent_step turned into markdown, mse_loss cell into raw
