"""What Validate tells a student before hand-in: the visible tests alone, on every submission.

A student sees only the visible part of each test cell; the hidden part runs at grading. Every
rule an exercise states is checked by its visible test, so each typical mistake in
tests/support/submissions/<lesson>.py must already fail the visible test, with a message that names
it, and each correct variant must pass it. Otherwise Validate says "Success" and the grade says
otherwise.

Each check runs here in-process, as a notebook would: the lesson's first code cell (imports, seed),
then every graded function (the instructor's, with one replaced by the variant), then the visible
part of that function's test cell. The message's first line must survive `nbgrader validate`, which
cuts each printed line at 90 characters.
"""
import warnings

import pytest

from nettrain_lib.checks import FIRST_LINE
from tests.grading.test_roundtrip import flat, load_submissions
from tests.support.coursetools import HIDDEN_REGION, ROOT, grade_id, lesson_ids, read_notebook, reference_sources


def visible_parts(lesson):
    """(the first code cell, {grade_id: visible part of each test cell}) of a lesson."""
    notebook = read_notebook(ROOT / "solutions" / lesson / f"{lesson}.ipynb")
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    tests = {grade_id(cell): HIDDEN_REGION.sub("", cell.source) for cell in code
             if cell.metadata.get("nbgrader", {}).get("grade") and not cell.metadata["nbgrader"].get("solution")}
    return code[0].source, tests


def run_visible_test(setup, definitions, test):
    """Run the setup cell, the definitions and the visible test in a fresh namespace; return the
    exception the test raised, or None when it passed."""
    namespace = {"__name__": "__main__"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(setup, "<first cell>", "exec"), namespace)
        for source in definitions.values():
            exec(compile(source, "<definitions>", "exec"), namespace)
        try:
            exec(compile(test, "<visible test>", "exec"), namespace)
        except Exception as error:           # what the student would see under the cell
            return error
    return None


@pytest.fixture(autouse=True)
def _headless_plots():
    import matplotlib
    matplotlib.use("Agg")


@pytest.mark.parametrize("lesson", lesson_ids())
def test_every_typical_mistake_fails_the_visible_test_and_names_itself(lesson):
    setup, tests = visible_parts(lesson)
    solution = reference_sources(lesson)
    wrong, _ = load_submissions(lesson)
    problems = []
    for function, cases in wrong.items():
        for description, source, words in cases:
            error = run_visible_test(setup, {**solution, function: source}, tests[f"test_{function}"])
            if error is None:
                problems.append(f"{function} / {description}: passes the visible test")
                continue
            message = str(error)
            if flat(words) not in flat(f"{type(error).__name__}: {message}"):
                problems.append(f"{function} / {description}: the visible message does not say {words!r}; "
                                f"it says: {type(error).__name__}: {message}")
            first = message.split("\n")[0]
            if isinstance(error, AssertionError) and len(first) > FIRST_LINE:
                problems.append(f"{function} / {description}: the message's first line has {len(first)} "
                                f"characters; `nbgrader validate` cuts it after {FIRST_LINE}: {first!r}")
    assert not problems, f"{lesson}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lesson", lesson_ids())
def test_the_solution_and_every_correct_variant_pass_the_visible_tests(lesson):
    setup, tests = visible_parts(lesson)
    solution = reference_sources(lesson)
    _, correct = load_submissions(lesson)
    problems = [f"the instructor's solution fails {cell}: {error}"
                for cell, test in tests.items() if (error := run_visible_test(setup, solution, test))]
    for function, cases in correct.items():
        for description, source in cases:
            error = run_visible_test(setup, {**solution, function: source}, tests[f"test_{function}"])
            if error is not None:
                problems.append(f"{function} / {description}: {type(error).__name__}: {error}")
    assert not problems, f"{lesson}:\n" + "\n".join(problems)
