"""Tests of nettrain_lib.friendly: each common mistake, made for real, gets its one-line hint under the
untouched traceback; other errors get none; nothing is installed in graded runs."""
import sys
import warnings

import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell

from nettrain_lib.friendly import PREFIX, explain, explain_warning, friendly_errors


def raised(action):
    try:
        action()
    except Exception as error:      # noqa: BLE001 - the point is to catch what a student would hit
        return error
    raise AssertionError("the action should raise")


def mse_loss(X, y, w, b):
    """The stub nbgrader leaves in a student notebook."""
    # YOUR CODE HERE
    raise NotImplementedError()


# ---------------------------------------------------------------- explain

def test_not_implemented_names_the_unfinished_function():
    note = explain(raised(lambda: mse_loss(None, None, None, None)))
    assert note.startswith("`mse_loss` is not written yet") and "raise NotImplementedError()" in note


def test_matmul_mismatch_says_which_sizes_disagree():
    """(N, D) @ (N, D) instead of (N, D) @ (D,): the hint gives A's columns and B's rows."""
    X, w = np.ones((50, 2)), np.ones((3, 1))
    note = explain(raised(lambda: X @ w))
    assert "the columns of A and the rows of B), but they are 2 and 3" in note and "`.T`" in note


def test_matmul_mismatch_of_vectors_speaks_of_sizes_not_only_rows_and_columns():
    """1-D operands have no rows or columns and `.T` does nothing to them: the hint names the sizes."""
    note = explain(raised(lambda: np.ones(3) @ np.ones(4)))
    assert "the last size of A must equal the first size of B" in note and "they are 3 and 4" in note
    assert "a vector of the wrong length" in note


def test_dot_mismatch():
    note = explain(raised(lambda: np.dot(np.ones((2, 3)), np.ones((2, 3)))))
    assert "(2,3) and (2,3)" in note


def test_broadcast_of_a_matrix_and_one_number_per_row_names_both_fixes():
    """X (N, D) with a vector of N values: either one value per row (make it a column) or statistics taken
    along the wrong axis (per-feature means over axis=1): the hint offers both, since only the student knows."""
    X, y = np.ones((50, 2)), np.ones(50)
    note = explain(raised(lambda: X * y))
    assert "(50,2) (50,)" in note and "v[:, None]" in note and "keepdims=True" in note
    X = np.ones((100, 2))
    note = explain(raised(lambda: (X - X.mean(axis=1)) / X.std(axis=1)))
    assert "use `axis=0`" in note


def test_in_place_update_with_a_gradient_of_the_wrong_shape():
    w, grad = np.zeros(2), np.ones((2, 2))

    def update():
        nonlocal w
        w -= 0.1 * grad

    note = explain(raised(update))
    assert "keeps w's shape (2,)" in note and "(2,2)" in note


def test_broadcast_of_unrelated_shapes_explains_the_rule_without_the_column_advice():
    note = explain(raised(lambda: np.ones(50) + np.ones(3)))
    assert "equal or 1" in note and "[:, None]" not in note


def test_name_from_a_cell_not_run():
    note = explain(raised(lambda: eval("X_train")))
    assert note.startswith("`X_train` is defined in a cell that has not run")


def test_name_misspelt_inside_a_function_points_at_the_spelling():
    def softmax(z):
        return np.exp(Z)        # noqa: F821 - the student's typo

    note = explain(raised(lambda: softmax(np.ones(3))))
    assert note.startswith("inside `softmax`, `Z` is neither one of its arguments") and "`z` from `Z`" in note


def test_the_librarys_own_abstract_methods_are_not_called_unfinished_exercises():
    from nettrain_lib.nn.losses import Loss

    assert explain(raised(lambda: Loss().per_example(None, None))) is None


@pytest.mark.parametrize("error", [KeyError("w"), TypeError("unsupported operand"), ValueError("something else"),
                                   ZeroDivisionError("division by zero")])
def test_other_errors_get_no_hint(error):
    assert explain(error) is None


@pytest.mark.parametrize("action, expected", [
    (lambda: np.exp(np.array([1000.0])), "subtract each row's largest value"),
    (lambda: np.array([1e200]) ** 2, "learning rate 10 times smaller"),
    (lambda: np.array([0.0]) / np.array([0.0]), "a standard deviation or a norm that is 0"),
    (lambda: np.array([np.inf]) - np.array([np.inf]), "a NaN appeared"),
    (lambda: np.log(np.array([0.0])), "log(0) is -inf"),
])
def test_numpy_warnings_get_their_hint(action, expected):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
    assert len(caught) == 1
    assert expected in explain_warning(caught[0].message, caught[0].category)


def test_other_warnings_get_no_hint():
    assert explain_warning("overflow encountered in exp", UserWarning) is None
    assert explain_warning("Mean of empty slice", RuntimeWarning) is None


# ---------------------------------------------------------------- in IPython

@pytest.fixture
def shell(monkeypatch):
    """IPython's shell, with the hooks removed again afterwards."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)
    shell = InteractiveShell.instance()
    before = list(shell.events.callbacks["post_run_cell"])
    yield shell
    shell.events.callbacks["post_run_cell"][:] = before


def test_the_traceback_is_shown_and_the_hint_follows_it(shell, capsys):
    assert friendly_errors(shell) is True
    result = shell.run_cell("import numpy as np\nnp.ones((4, 2)) @ np.ones((3, 1))")
    out = capsys.readouterr().out
    assert isinstance(result.error_in_exec, ValueError)      # the error is still raised and recorded
    assert "ValueError" in out and "matmul" in out            # the traceback, untouched
    assert out.index("matmul") < out.index(PREFIX)            # then the hint
    assert out.count(PREFIX) == 1


def test_installing_twice_gives_one_hint(shell, capsys):
    friendly_errors(shell)
    friendly_errors(shell)
    shell.run_cell("raise NotImplementedError()")
    assert capsys.readouterr().out.count(PREFIX) == 1


def test_a_cell_that_runs_gets_no_hint(shell, capsys):
    friendly_errors(shell)
    shell.run_cell("x = 1 + 1")
    assert PREFIX not in capsys.readouterr().out


def test_warnings_keep_their_message_and_get_the_hint(shell, capsys, monkeypatch):
    def kernel_showwarning(message, category, filename, lineno, file=None, line=None):   # as in a kernel
        print(warnings.formatwarning(message, category, filename, lineno, line), file=sys.stderr, end="")

    monkeypatch.setattr(warnings, "showwarning", kernel_showwarning)
    friendly_errors(shell)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        shell.run_cell("import numpy as np\nnp.exp(np.array([1000.0]))")
    err = capsys.readouterr().err
    assert "overflow encountered in exp" in err and PREFIX in err


@pytest.mark.parametrize("mode", ["autograde", "validate"])
def test_nothing_is_installed_while_nbgrader_grades(shell, capsys, monkeypatch, mode):
    monkeypatch.setenv("NBGRADER_EXECUTION", mode)
    assert friendly_errors(shell) is False
    shell.run_cell("raise NotImplementedError()")
    assert PREFIX not in capsys.readouterr().out
    assert not getattr(warnings.showwarning, "_nettrain_hint", False)


def test_outside_ipython_nothing_happens(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert friendly_errors() is False
