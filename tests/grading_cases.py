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
    from nettrain_lib.linear import mse_loss as course_version
    return course_version(X, y, w, b)
"""}, []),
    "imports_reference": ({"mse_loss": """
from nettrain_lib.linear import mse_loss
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

# Special files, not built from the release notebook.
CORRUPT = "corrupt"          # not JSON at all
MISSING = "missing"          # a lesson folder with no notebook
DELETED = "deleted_cells"    # test_mse_loss and the mse_gradients solution cell deleted
RETYPED = "retyped_cells"    # test_gradient_descent_step turned into markdown, mse_loss cell into raw
