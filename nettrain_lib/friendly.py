"""Friendly errors: one line in course terms under the traceback of a common mistake.

    friendly_errors()          # in each lesson's setup cell

After a cell fails, the traceback is shown exactly as always and then one line starting with
"nettrain hint:" says what the error usually means in this course: an exercise still raising
NotImplementedError, a shape mismatch in `@` or in elementwise arithmetic, a name from a cell that
was not run. Warnings get the same treatment: `np.exp` overflowing, a loss that overflows because
the steps diverge, a division that gives NaN.

How it stays out of the way:
- it is an IPython `post_run_cell` hook and a wrapper around `warnings.showwarning`, never a custom
  exception handler: the error is raised, shown and recorded as usual (nbgrader scores a notebook
  that installs its own exception handler as failed);
- it is not installed in graded runs: nbgrader sets NBGRADER_EXECUTION while it autogrades or
  validates, and nettrain-grade's runner sets it too;
- outside IPython (a plain script, pytest) it does nothing; installing it twice installs it once.
"""
import os
import re
import sys
import warnings

from .i18n import N_, tr

PREFIX = N_("nettrain hint: ")          # shown translated: tr(PREFIX)

# numpy's messages, as numpy 2 words them.
_MATMUL = re.compile(r"matmul: Input operand 1 has a mismatch in its core dimension 0"
                     r".*\(size (\d+) is different from (\d+)\)")
_DOT = re.compile(r"shapes (\([\d, ]*\)) and (\([\d, ]*\)) not aligned")
_BROADCAST = re.compile(r"operands could not be broadcast together with shapes ((?:\([\d,]*\) ?)+)")
_IN_PLACE = re.compile(r"non-broadcastable output operand with shape (\([\d,]*\)) doesn't match the broadcast shape "
                       r"(\([\d,]*\))")
_NAME = re.compile(r"name '(\w+)' is not defined")
_LIBRARY = os.path.dirname(os.path.abspath(__file__))


def explain(error):
    """One line that explains `error` (an exception) in course terms, or None for other errors."""
    message = str(error)
    function, filename = _innermost_frame(error)
    if isinstance(error, NotImplementedError):
        if filename.startswith(_LIBRARY):             # the library's own abstract methods are not exercises
            return None
        named = f"`{function}`" if function else tr("this exercise")
        return (tr("{named} is not written yet: replace `raise NotImplementedError()` with your code, "
                   "run that cell, then run this one again.", named=named))
    if isinstance(error, ValueError) and (match := _MATMUL.search(message)):
        size_b, size_a = match.groups()
        return (tr("in `A @ B` the last size of A must equal the first size of B (for matrices: the "
                   "columns of A and the rows of B), but they are {size_a} and {size_b}: print the "
                   "shapes, e.g. print(X.shape, w.shape); a matrix that needs `.T` or a vector of the "
                   "wrong length is the usual cause.", size_a=size_a, size_b=size_b))
    if isinstance(error, ValueError) and (match := _DOT.search(message)):
        return (tr("np.dot of shapes {match_group_1} and {match_group_2}: the last size of the first "
                   "must equal the first size of the second (for matrices: columns of the first, rows of "
                   "the second); print the shapes: a matrix that needs `.T` or a vector of the wrong "
                   "length is the usual cause.", match_group_1=match.group(1), match_group_2=match.group(2)))
    if isinstance(error, ValueError) and (match := _BROADCAST.search(message)):
        shapes = match.group(1).strip()
        hint = ""
        rows = re.fullmatch(r"\((\d+),\d+\) \((\d+),\)|\((\d+),\) \((\d+),\d+\)", shapes)
        if rows and len(set(filter(None, rows.groups()))) == 1:
            hint = (tr(" An (N, D) matrix met a vector of N values: if the vector holds one value per row, "
                       "make it a column, `v[:, None]` (or keep the axis: `keepdims=True`); if it should "
                       "hold one value per column (feature), it was computed along the wrong axis: use "
                       "`axis=0`."))
        return (tr("elementwise arithmetic needs matching shapes, but got {shapes}; numpy compares "
                   "shapes from the right, and each pair of sizes must be equal or 1.{hint}", shapes=shapes, hint=hint))
    if isinstance(error, ValueError) and (match := _IN_PLACE.search(message)):
        return (tr("an in-place update such as `w -= lr * grad` keeps w's shape {match_group_1}, but the "
                   "right side has shape {match_group_2}: the gradient should have the shape of the "
                   "parameter it updates.", match_group_1=match.group(1), match_group_2=match.group(2)))
    if isinstance(error, NameError) and (match := _NAME.search(message)):
        name = match.group(1)
        if function:
            return (tr("inside `{function}`, `{name}` is neither one of its arguments or variables nor "
                       "defined in a cell that has run: check the spelling (Python tells `z` from `Z`), or "
                       "run the cells above first.", function=function, name=name))
        return (tr("`{name}` is defined in a cell that has not run in this session (or is misspelt): run "
                   "the cells above first (Run > Run All Above Selected Cell).", name=name))
    if isinstance(error, OverflowError):
        return (tr("a number grew past what a float can hold: with exp, subtract the largest value "
                   "first; in a training loop, try a smaller learning rate."))
    return None


def explain_warning(message, category):
    """One line for a numpy RuntimeWarning that usually means a course-level mistake, or None."""
    if not issubclass(category, RuntimeWarning):
        return None
    text = str(message)
    if "overflow encountered in exp" in text:
        return (tr("np.exp overflows to inf above about 709 (float64) or 88 (float32), and inf / inf "
                   "then gives nan: subtract each row's largest value before exp (lesson 05's stable "
                   "softmax)."))
    if "overflow encountered" in text:
        return (tr("numbers grew past the largest float: when this happens during training, the steps "
                   "are diverging; try a learning rate 10 times smaller or normalize the inputs (lesson "
                   "04)."))
    if "invalid value encountered in divide" in text:
        return (tr("a division gave NaN, 0 / 0 or inf / inf: dividing by a standard deviation or a norm "
                   "that is 0 (a constant feature, an all-zero row) gives 0 / 0; after an overflow, inf "
                   "/ inf."))
    if "invalid value encountered" in text:
        return (tr("a NaN appeared (inf - inf or 0 * inf), usually right after an overflow: look for an "
                   "exp of a large number or a diverging loss above."))
    if "divide by zero encountered in log" in text:
        return (tr("log(0) is -inf: a probability became exactly 0; compute the loss from logits or clip "
                   "the probabilities (lesson 05)."))
    return None


def friendly_errors(shell=None):
    """Install the hints in the running IPython session; returns True when they are active."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return False
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    callbacks = shell.events.callbacks["post_run_cell"]
    if not any(getattr(callback, "_nettrain_hint", False) for callback in callbacks):
        shell.events.register("post_run_cell", _print_hint)
    if not getattr(warnings.showwarning, "_nettrain_hint", False):
        warnings.showwarning = _with_hint(warnings.showwarning)
    return True


def _print_hint(result):
    error = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
    if error is None:
        return
    note = explain(error)
    if note:
        print(tr(PREFIX) + note)


_print_hint._nettrain_hint = True


def _with_hint(show):
    def showwarning(message, category, filename, lineno, file=None, line=None):
        show(message, category, filename, lineno, file, line)
        note = explain_warning(message, category)
        if note:
            print(tr(PREFIX) + note, file=file if file is not None else sys.stderr)

    showwarning._nettrain_hint = True
    return showwarning


def _innermost_frame(error):
    """(function name, file name) of the last traceback frame: where the exception was raised.
    The function name is None at a cell's top level."""
    tb = error.__traceback__
    if tb is None:
        return None, ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return (None if code.co_name.startswith("<") else code.co_name), os.path.abspath(code.co_filename)
