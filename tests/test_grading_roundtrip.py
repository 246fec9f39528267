"""The grading round trip, through the real nbgrader commands an instructor runs.

For each lesson, in a scratch course: generate the assignment (with a gradebook), submit as
several students, autograde them all in one command, and read the scores from the gradebook:
- the instructor's solution gets full marks on every autograded cell;
- the untouched student notebook gets zero, and is told what is not implemented;
- each typical wrong implementation of a graded function loses that function's marks, with a
  failure message that names the mistake (tests/submissions/<lesson>.py lists them);
- each correct implementation written differently from the instructor's keeps full marks;
- the feedback a student receives does not show the hidden tests.
"""
import importlib.util
import re
from pathlib import Path

import pytest

from coursetools import (
    ROOT,
    cell_results,
    fill_notebook,
    lesson_ids,
    make_course,
    nbgrader,
    read_notebook,
    reference_sources,
)
import nbformat


def load_submissions(lesson):
    path = ROOT / "tests" / "submissions" / f"{lesson}.py"
    spec = importlib.util.spec_from_file_location(f"submissions_{lesson}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG, module.CORRECT


def student_name(kind, function, index):
    return re.sub(r"[^A-Za-z0-9]+", "-", f"{kind}-{function}-{index}")


def variants(lesson):
    """(student id, function, kind, description, source, expected words) for every submission."""
    wrong, correct = load_submissions(lesson)
    rows = []
    for function, cases in wrong.items():
        for index, (description, source, words) in enumerate(cases):
            rows.append((student_name("wrong", function, index), function, "wrong", description, source, words))
    for function, cases in correct.items():
        for index, (description, source) in enumerate(cases):
            rows.append((student_name("correct", function, index), function, "correct", description, source, None))
    return rows


@pytest.fixture(scope="module", params=lesson_ids())
def graded(request, tmp_path_factory):
    """Autograde every submission of one lesson once; return (lesson, course, results by student)."""
    lesson = request.param
    course = make_course(tmp_path_factory.mktemp(f"grading-{lesson}"))
    nbgrader(course, "generate_assignment", lesson, "--force")
    student_notebook = read_notebook(course / "lessons" / lesson / f"{lesson}.ipynb")
    solution = reference_sources(lesson)

    submissions = {"solution": fill_notebook(student_notebook, solution),
                   "blank": fill_notebook(student_notebook, {})}
    for student, function, _, _, source, _ in variants(lesson):
        assert function in solution, f"{lesson}: submissions name {function!r}, which is no solution cell"
        submissions[student] = fill_notebook(student_notebook, {**solution, function: source.strip() + "\n"})

    for student, notebook in submissions.items():
        folder = course / "submitted" / student / lesson
        folder.mkdir(parents=True)
        nbformat.write(notebook, str(folder / f"{lesson}.ipynb"))
    nbgrader(course, "autograde", lesson, "--create")
    results = {student: cell_results(course, lesson, student) for student in submissions}
    return lesson, course, results


def test_solution_gets_full_marks(graded):
    lesson, _, results = graded
    cells = results["solution"]
    assert cells, f"{lesson}: no autograded cells were found"
    lost = {cell: (score, max_score, error) for cell, (score, max_score, error) in cells.items() if score != max_score}
    assert not lost, f"{lesson}: the instructor's solution loses marks: {lost}"


def test_blank_notebook_gets_zero_and_is_told_what_is_missing(graded):
    lesson, _, results = graded
    for cell, (score, max_score, error) in results["blank"].items():
        assert max_score > 0, f"{lesson}: test cell {cell} is worth no points"
        assert score == 0, f"{lesson}: the untouched notebook scores {score} on {cell}"
        assert "not implemented yet" in error, f"{lesson}: {cell} fails on a blank notebook with: {error}"


@pytest.mark.parametrize("lesson", lesson_ids())
def test_every_graded_function_has_wrong_and_correct_submissions(lesson):
    wrong, correct = load_submissions(lesson)
    functions = set(reference_sources(lesson))
    assert functions <= set(wrong), f"{lesson}: no wrong submissions for {sorted(functions - set(wrong))}"
    assert functions <= set(correct), f"{lesson}: no correct variants for {sorted(functions - set(correct))}"


def test_wrong_implementations_lose_their_marks_with_a_message_naming_the_mistake(graded):
    lesson, _, results = graded
    problems = []
    for student, function, kind, description, _, words in variants(lesson):
        if kind != "wrong":
            continue
        score, max_score, error = results[student][f"test_{function}"]
        if score != 0:
            problems.append(f"{function} / {description}: scored {score} of {max_score}")
        elif words not in error:
            problems.append(f"{function} / {description}: the message does not say {words!r}; it says: {error}")
    assert not problems, f"{lesson}:\n" + "\n".join(problems)


def test_correct_variants_keep_full_marks(graded):
    lesson, _, results = graded
    problems = []
    for student, function, kind, description, _, _ in variants(lesson):
        if kind != "correct":
            continue
        for cell, (score, max_score, error) in results[student].items():
            if score != max_score:
                problems.append(f"{function} / {description}: {cell} scored {score} of {max_score}: {error}")
    assert not problems, f"{lesson}:\n" + "\n".join(problems)


def test_feedback_hides_the_hidden_tests_but_shows_the_failure(graded):
    lesson, course, results = graded
    student = next(s for s, _, kind, *_ in variants(lesson) if kind == "wrong")
    nbgrader(course, "generate_feedback", lesson, "--student", student)
    html = (course / "feedback" / student / lesson / f"{lesson}.html").read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" not in html and "hidden_rng" not in html, "feedback shows hidden tests"
    assert "AssertionError" in html or "Error" in html, "feedback does not show the failure"
