"""The clean re-check's rule for which statements of a student's cell define something."""
import ast
import subprocess
import sys

import pytest

from nettrain_grading.runner import definitions


def loaded(source, own=()):
    return [definitions.loadable(node, set(own)) for node in ast.parse(source).body]


@pytest.mark.parametrize("source", [
    "import numpy as np", "from math import ceil", "def f(x):\n    return x", "class Rule:\n    pass",
    "EPS = 1e-12", "A, (B, *C) = 1, (2, 3, 4)", "N: int = 3", '"""a docstring"""',
    "try:\n    import tqdm\nexcept ImportError:\n    tqdm = None",
    "if True:\n    K = 2\nelse:\n    K = 3",
    "for k in range(3):\n    K = k",
])
def test_definitions_are_loaded(source):
    assert all(loaded(source))


@pytest.mark.parametrize("source", [
    "print(1)", "np.allclose = lambda *a, **k: True", "plt.plot([1, 2])", "del x",
    'if __name__ == "__main__":\n    X = 1', "while True:\n    pass", "with open('f') as h:\n    X = h.read()",
    "N: int",
])
def test_statements_that_do_something_else_are_not(source):
    assert not any(loaded(source))


def test_tables_the_student_created_may_be_filled_but_modules_may_not():
    assert loaded('TABLE["a"] = 1\nSTEPS.append(2)\nCOUNT += 1', own={"TABLE", "STEPS", "COUNT"}) == [True] * 3
    assert loaded('np.linalg.norm = None\nnp.random.seed(0)\nmath.pi += 1', own={"TABLE"}) == [False] * 3


def test_bound_names_are_what_later_statements_may_fill():
    tree = ast.parse("A, B = 1, 2\ndef f():\n    C = 3\ntry:\n    D = 4\nexcept ImportError:\n    E = 5")
    names = set().union(*(definitions.bound_names(node) for node in tree.body))
    assert names == {"A", "B", "f", "D", "E"}


def test_cell_magics_that_only_time_are_unwrapped_and_others_skipped():
    assert "def f" in definitions.python_of_cell("%%time\ndef f():\n    pass")
    assert definitions.python_of_cell("%%bash\necho hi") is None
    assert "get_ipython()" in definitions.python_of_cell("%matplotlib inline\nX = 1")


def test_the_sandbox_side_never_imports_nbgrader():
    """The runner package runs inside the sandbox, where nbgrader has no business."""
    code = ("import sys, nettrain_grading.runner.__main__, nettrain_grading.runner.child; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'nbgrader'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
