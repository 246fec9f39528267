"""nettrain-grade on a class of crafted lesson 01 submissions: every hole of plain nbgrader, closed.

One scratch course, one `nettrain-grade grade` run over all the crafted students (tests/support/grading_cases.py),
then each test reads what the instructor would read: the gradebook, the autograded notebooks, the
feedback, the report files.
"""
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from tests.support import grading_cases as cases
from tests.support.coursetools import (
    COURSE_ID,
    fill_notebook,
    grade_id,
    make_course,
    nbgrader,
    nbgrader_env,
    read_notebook,
    reference_sources,
)

LESSON = "01_update_rule"
TESTS = ["test_mse_loss", "test_mse_gradients", "test_numerical_gradient", "test_gradient_descent_step",
         "test_gradient_descent"]
POINTS = {"test_mse_loss": 1, "test_mse_gradients": 2, "test_numerical_gradient": 2,
          "test_gradient_descent_step": 1, "test_gradient_descent": 2}
CELL_TIMEOUT = 3

needs_sandbox = pytest.mark.skipif(
    shutil.which("bwrap") is None,
    reason="bubblewrap is not installed, so the sandbox cannot be tested here: `sudo apt-get install bubblewrap`")


def grade_tool(course, *args, check=True):
    """Run `python -m nettrain_grading.cli ARGS` in the course, as an instructor would run nettrain-grade."""
    result = subprocess.run([sys.executable, "-m", "nettrain_grading.cli", *args], cwd=course,
                            env=nbgrader_env(course), capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"nettrain-grade {' '.join(args)} exited with {result.returncode}:\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def submit(course, student, notebook, timestamp="2026-11-20 10:00:00.000000 UTC"):
    folder = course / "submitted" / student / LESSON
    folder.mkdir(parents=True, exist_ok=True)
    if notebook is not None:
        path = folder / f"{LESSON}.ipynb"
        if isinstance(notebook, str):
            path.write_text(notebook)
        else:
            nbformat.write(notebook, str(path))
    (folder / "timestamp.txt").write_text(timestamp)


def crafted(release, solutions, extra_cells, course, port=0):
    sources = dict(reference_sources(LESSON), **solutions)
    notebook = fill_notebook(release, sources)
    first_code = next(index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    at_end = [source for source in extra_cells if isinstance(source, tuple)]
    early = [source for source in extra_cells if not isinstance(source, tuple)]
    for offset, source in enumerate(early, start=1):            # right after the setup cell: before the tests
        source = source.replace("{COURSE}", str(course)).replace("{HOME}", str(Path.home()))
        source = source.replace("{PORT}", str(port))
        notebook.cells.insert(first_code + offset, nbformat.v4.new_code_cell(source))
    for _, source in at_end:                                     # ("end", source): after every test
        notebook.cells.append(nbformat.v4.new_code_cell(source))
    return notebook


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course, release = released_course(tmp_path_factory.mktemp("grading"))
    listener = socket.create_server(("127.0.0.1", 0))      # reachable from anything not sandboxed
    port = listener.getsockname()[1]
    for student, (solutions, extra) in cases.CASES.items():
        submit(course, student, crafted(release, solutions, extra, course, port))
    submit(course, "blank", release)
    submit(course, cases.CORRUPT, '{"cells": [ this is not json')
    submit(course, cases.MISSING, None)
    deleted = crafted(release, {}, [], course)
    deleted.cells = [cell for cell in deleted.cells if grade_id(cell) not in ("test_mse_loss", "mse_gradients")]
    submit(course, cases.DELETED, deleted)
    retyped = crafted(release, {}, [], course)
    for index, cell in enumerate(retyped.cells):
        if grade_id(cell) == "test_gradient_descent_step":
            retyped.cells[index] = nbformat.v4.new_markdown_cell(cell.source, metadata=cell.metadata)
        if grade_id(cell) == "mse_loss":
            retyped.cells[index] = nbformat.v4.new_raw_cell(cell.source, metadata=cell.metadata)
    submit(course, cases.RETYPED, retyped)
    gradebook_before = (course / "gradebook.db").stat().st_size
    run = grade_tool(course, "grade", LESSON, "--workers", "2", "--cell-timeout", str(CELL_TIMEOUT))
    listener.close()
    return {"course": course, "run": run, "gradebook_before": gradebook_before}


def released_course(tmp_path):
    """(scratch course with lesson 01 generated, its student notebook); skipped without bubblewrap."""
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed, so the sandbox cannot be tested here: "
                    "`sudo apt-get install bubblewrap`")
    course = make_course(tmp_path)
    nbgrader(course, "generate_assignment", LESSON, "--force")
    return course, read_notebook(course / "lessons" / LESSON / f"{LESSON}.ipynb")


def scores_of(course, student):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=COURSE_ID) as gradebook:
        notebook = gradebook.find_submission_notebook(LESSON, LESSON, student)
        return {grade.name: grade.score for grade in notebook.grades if grade.name in POINTS}


def autograded_cell(course, student, name):
    notebook = read_notebook(course / "autograded" / student / LESSON / f"{LESSON}.ipynb")
    return next(cell for cell in notebook.cells if grade_id(cell) == name)


def error_text(cell):
    return "\n".join(f"{out.get('ename')}: {out.get('evalue')}" for out in cell.get("outputs", [])
                     if out.get("output_type") == "error")


def state(course, student):
    return json.loads((course / "grading" / LESSON / f"{student}.json").read_text())


def full_marks_except(scores, *failing):
    return {name: (0.0 if name in failing else float(points)) for name, points in POINTS.items()} == scores


# ---------------------------------------------------------------------------------------------
# The ordinary class

def test_correct_blank_and_wrong_students_get_what_they_earned(graded_class):
    course = graded_class["course"]
    assert full_marks_except(scores_of(course, "correct"))
    assert full_marks_except(scores_of(course, "blank"), *POINTS)
    assert full_marks_except(scores_of(course, "wrong_sum"), "test_mse_loss")
    assert "summed instead of averaged" in " ".join(state(course, "wrong_sum")["messages"]["test_mse_loss"].split())
    assert state(course, "correct")["flags"] == []


def test_the_run_shows_progress_and_a_summary(graded_class):
    err = graded_class["run"].stderr
    assert "grading " in err and f"{len(cases.CASES) + 5}/{len(cases.CASES) + 5}" in err
    assert "sandboxed" in err and "UNSANDBOXED" not in err
    assert "reports/01_update_rule/index.html" in err


# ---------------------------------------------------------------------------------------------
# Tampering gains nothing

@pytest.mark.parametrize("student", ["patch_checks_module", "redefine_helper", "patch_numpy",
                                     "patch_inside_function", "fake_output", "custom_exception_handler",
                                     "hard_coded", "calls_reference", "imports_reference",
                                     *cases.MORE_TAMPERING.keys() - {"forks_and_fills"},
                                     *cases.OUTSIDE_VERDICTS.keys() - {"print_the_job"}])
def test_tampering_gains_nothing(graded_class, student):
    course = graded_class["course"]
    scores = scores_of(course, student)
    assert scores["test_mse_loss"] == 0.0, f"{student} kept the marks of its wrong mse_loss: {state(course, student)}"
    if student not in BREAKS_ITS_OWN_RUN:
        assert full_marks_except(scores, "test_mse_loss"), f"{student} lost marks on other functions: {scores}"


# These break the sandbox's side of their own notebook (its channel, its ast.parse), so every later
# test of theirs fails too: the harm stays theirs.
BREAKS_ITS_OWN_RUN = {"frame_walk_channel", "patch_json_ast_builtins"}


SWITCHED_OFF = "nettrain_lib's own mse_loss is switched off"


@pytest.mark.parametrize("student, words", [
    ("patch_checks_module", "TAMPERING: in the notebook run, the code under test changed nettrain_lib.checks"),
    ("patch_numpy", "TAMPERING: in the notebook run, the code under test changed numpy.allclose"),
    ("patch_inside_function", "TAMPERING"),
    ("fake_output", "TAMPERING"),
    ("calls_reference", SWITCHED_OFF),
    ("alias_reference", SWITCHED_OFF),
    ("swap_check_code", "check_close.__code__"),
    ("patch_numpy_internals", "numpy._core.numeric.isclose"),
    ("partial_wrapper", SWITCHED_OFF),
    ("borrowed_code", SWITCHED_OFF),
    ("cache_answers", SWITCHED_OFF),
    ("patch_json_ast_builtins", "TAMPERING"),
    ("frame_walk_channel", "the grader's channel (Child.send)"),
])
def test_tampering_is_flagged_for_the_instructor(graded_class, student, words):
    course = graded_class["course"]
    flags = " ".join(state(course, student)["flags"])
    assert words in flags, f"{student}: flags {flags!r} do not mention {words!r}"
    with open(course / "reports" / LESSON / "flags.csv") as handle:
        assert any(row["student"] == student for row in csv.DictReader(handle))


@pytest.mark.parametrize("student", list(cases.CORRECT_STYLES))
def test_correct_code_in_any_style_keeps_full_marks(graded_class, student):
    """Constants computed with calls, decorators, classes, try-imports, %matplotlib, %%time, and a
    later cell that re-imports the library and redefines a function after it was tested."""
    course = graded_class["course"]
    scores = scores_of(course, student)
    assert full_marks_except(scores), f"{student}: {scores} {state(course, student)['messages']}"
    assert state(course, student)["flags"] == []


def test_a_forked_process_and_full_disks_cost_nothing_else(graded_class):
    course = graded_class["course"]
    assert full_marks_except(scores_of(course, "forks_and_fills"))
    printed = "".join(out.get("text", "") for out in
                      read_notebook(course / "autograded" / "forks_and_fills" / LESSON / f"{LESSON}.ipynb")
                      .cells[2].outputs)
    assert "/tmp/fill.bin stopped after" in printed and "/grading/fill.bin stopped after" in printed
    assert state(course, "forks_and_fills")["seconds"] < 30


def test_a_function_that_is_not_the_students_own_scores_nothing(graded_class):
    course = graded_class["course"]
    for student in ("imports_reference", "calls_reference", "partial_wrapper", "borrowed_code"):
        assert SWITCHED_OFF in state(course, student)["messages"]["test_mse_loss"], student


# ---------------------------------------------------------------------------------------------
# The sandbox

@needs_sandbox
def test_student_code_cannot_reach_the_instructors_files_or_the_network(graded_class):
    course = graded_class["course"]
    printed = "".join(out.get("text", "") for out in
                      read_notebook(course / "autograded" / "snoop" / LESSON / f"{LESSON}.ipynb").cells[2].outputs)
    for attempt in ("read solutions", "read gradebook", "write gradebook", "read other student",
                    "write course", "network"):
        assert f"{attempt}: refused" in printed, printed
    assert not (course / "planted.txt").exists()
    assert not (Path.home() / "planted.txt").exists()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=COURSE_ID) as gradebook:
        assert all(grade.auto_score in (None, 0.0, 1.0, 2.0) for student in gradebook.students
                   for submission in student.submissions for notebook in submission.notebooks
                   for grade in notebook.grades)
    assert full_marks_except(scores_of(course, "snoop"))


def test_without_a_sandbox_the_tool_refuses_unless_told(tmp_path):
    course = make_course(tmp_path)
    nbgrader(course, "generate_assignment", LESSON, "--force")
    env = nbgrader_env(course)
    env["PATH"] = os.path.dirname(sys.executable)               # no bwrap on this PATH
    refused = subprocess.run([sys.executable, "-m", "nettrain_grading.cli", "grade", LESSON], cwd=course,
                             env=env, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "sandbox is not available" in refused.stderr and "--unsandboxed" in refused.stderr
    submit(course, "alice", fill_notebook(read_notebook(course / "lessons" / LESSON / f"{LESSON}.ipynb"),
                                          reference_sources(LESSON)))
    allowed = subprocess.run([sys.executable, "-m", "nettrain_grading.cli", "grade", LESSON, "--unsandboxed",
                              "--no-feedback"], cwd=course, env=env, capture_output=True, text=True)
    assert allowed.returncode == 0, allowed.stderr
    assert "GRADING WITHOUT A SANDBOX" in allowed.stderr
    assert full_marks_except(scores_of(course, "alice"))


# ---------------------------------------------------------------------------------------------
# Faults never stop the class

@pytest.mark.parametrize("student, failing, words", [
    ("hang_bare_except", "test_mse_loss", "the grader stopped it"),
    ("hang_plain", "test_gradient_descent_step", "grading time limit"),
    ("memory_hog", "test_mse_gradients", "MemoryError"),
    ("kills_kernel", "test_numerical_gradient", "died"),
    ("exits", "test_gradient_descent", "stopped"),
])
def test_a_fault_costs_only_its_own_cell(graded_class, student, failing, words):
    course = graded_class["course"]
    assert full_marks_except(scores_of(course, student), failing), scores_of(course, student)
    assert words in state(course, student)["messages"][failing]


def test_unreadable_and_missing_notebooks_are_reported_with_a_reason(graded_class):
    course = graded_class["course"]
    assert state(course, cases.CORRUPT)["status"] == "unreadable"
    assert "could not be read" in state(course, cases.CORRUPT)["reason"]
    assert state(course, cases.MISSING)["status"] == "missing"
    for student in (cases.CORRUPT, cases.MISSING):
        assert full_marks_except(scores_of(course, student), *POINTS)
    with open(course / "reports" / LESSON / "flags.csv") as handle:
        reasons = {row["student"]: row["flag"] for row in csv.DictReader(handle)}
    assert "could not be read" in reasons[cases.CORRUPT] and "no 01_update_rule.ipynb" in reasons[cases.MISSING]


def test_deleted_and_retyped_cells(graded_class):
    course = graded_class["course"]
    # the deleted test cell comes back from the gradebook; the deleted function scores 0 on its own
    assert full_marks_except(scores_of(course, cases.DELETED), "test_mse_gradients")
    assert "mse_gradients" in state(course, cases.DELETED)["messages"]["test_mse_gradients"]
    # nbgrader turns a re-typed graded cell back into code (the student's text kept): nothing is lost
    assert full_marks_except(scores_of(course, cases.RETYPED))
    assert autograded_cell(course, cases.RETYPED, "mse_loss").cell_type == "code"
    assert autograded_cell(course, cases.RETYPED, "test_gradient_descent_step").cell_type == "code"


def test_warnings_on_stderr_do_not_zero_a_passing_test(graded_class):
    course = graded_class["course"]
    assert full_marks_except(scores_of(course, "warns"))
    outputs = autograded_cell(course, "warns", "test_mse_loss").outputs
    assert any(out.get("name") == "stderr" and "harmless warning" in out["text"] for out in outputs)


# ---------------------------------------------------------------------------------------------
# What students and instructors get

def test_feedback_names_the_mistake_and_hides_the_hidden_tests(graded_class):
    course = graded_class["course"]
    html = (course / "feedback" / "wrong_sum" / LESSON / f"{LESSON}.html").read_text()
    assert "summed instead of averaged" in " ".join(html.split())
    assert "reference_mse_loss" not in html and "hidden_rng" not in html


def test_report_has_a_column_per_function_a_histogram_and_failure_rates(graded_class):
    course = graded_class["course"]
    folder = course / "reports" / LESSON
    with open(folder / "grades.csv") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert set(rows) >= set(cases.CASES) | {"blank"}
    assert rows["correct"]["mse_loss"] == "1" and rows["correct"]["gradient_descent"] == "2"
    assert rows["wrong_sum"]["mse_loss"] == "0" and rows["wrong_sum"]["total"] == "7"
    with open(folder / "tests.csv") as handle:
        tests = {row["test"]: row for row in csv.DictReader(handle)}
    assert set(tests) == set(TESTS)
    assert "summed instead of averaged" in tests["test_mse_loss"]["most frequent failures"]
    assert int(tests["test_mse_loss"]["failed"]) > int(tests["test_gradient_descent"]["failed"])
    page = (folder / "index.html").read_text()
    assert page.count("data:image/png;base64,") == 2 and "wrong_sum" in page
    assert (folder / "histogram.png").stat().st_size > 5000 and (folder / "failures.png").stat().st_size > 5000
    assert "mse_loss" in (course / "reports" / "nbgrader_grades.csv").read_text() or \
        "01_update_rule" in (course / "reports" / "nbgrader_grades.csv").read_text()


def test_a_second_run_grades_only_what_changed(graded_class):
    course = graded_class["course"]
    stamp = (course / "grading" / LESSON / "correct.json").stat().st_mtime_ns
    fixed = read_notebook(course / "submitted" / "wrong_sum" / LESSON / f"{LESSON}.ipynb")
    for cell in fixed.cells:
        if grade_id(cell) == "mse_loss":
            cell.source = reference_sources(LESSON)["mse_loss"]
    submit(course, "wrong_sum", fixed, timestamp="2026-11-21 10:00:00.000000 UTC")
    (course / "grading" / LESSON / "blank.json").unlink()         # as if the run had stopped before it
    again = grade_tool(course, "grade", LESSON, "--no-feedback", "--students", "correct,wrong_sum,blank")
    assert "grading 2 notebooks of 2 students" in again.stderr
    assert (course / "grading" / LESSON / "correct.json").stat().st_mtime_ns == stamp
    assert full_marks_except(scores_of(course, "wrong_sum"))
    assert full_marks_except(scores_of(course, "blank"), *POINTS)


def run_validate(path):
    return subprocess.run([sys.executable, "-m", "nettrain_grading.cli", "validate", str(path)],
                          capture_output=True, text=True)


def test_validate_exits_1_when_a_test_fails_and_0_when_all_pass():
    from tests.support.coursetools import ROOT

    blank = run_validate(str(ROOT / "lessons" / LESSON / f"{LESSON}.ipynb"))
    assert blank.returncode == 1
    assert "0 of 5 tests pass" in blank.stdout and "FAIL test_mse_loss" in blank.stdout
    assert "mse_loss is not implemented yet" in blank.stdout
    assert "ERROR" not in blank.stdout          # course cells stopped by a missing function are not listed
    assert "EMPTY " in blank.stdout and "written answer is still empty" in blank.stdout
    solved = run_validate(str(ROOT / "solutions" / LESSON / f"{LESSON}.ipynb"))
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert "5 of 5 tests pass" in solved.stdout and "EMPTY" not in solved.stdout


def test_validate_names_an_empty_written_answer_even_when_every_test_passes(tmp_path):
    """Every test passes but the written answer is still the released placeholder: validate says so and
    exits 1 (nbgrader validate says "You did not provide a response"); once written, it exits 0."""
    import nbformat
    from nbgrader import utils

    from tests.support.coursetools import ROOT, fill_notebook, read_notebook, reference_sources

    released = read_notebook(ROOT / "lessons" / LESSON / f"{LESSON}.ipynb")
    notebook = fill_notebook(released, reference_sources(LESSON))
    answers = [cell for cell in notebook.cells if cell.cell_type == "markdown" and utils.is_grade(cell)]
    assert answers, "lesson 01 has no written answer"
    path = tmp_path / f"{LESSON}.ipynb"
    nbformat.write(notebook, str(path))
    unanswered = run_validate(path)
    assert unanswered.returncode == 1, unanswered.stdout + unanswered.stderr
    assert "5 of 5 tests pass" in unanswered.stdout
    grade_id = answers[0].metadata.nbgrader["grade_id"]
    assert f"EMPTY {grade_id}: the written answer is still empty" in unanswered.stdout
    for cell in answers:
        cell.source = "The loss falls fastest at the middle learning rate."
    nbformat.write(notebook, str(path))
    answered = run_validate(path)
    assert answered.returncode == 0 and "EMPTY" not in answered.stdout, answered.stdout + answered.stderr


# ---------------------------------------------------------------------------------------------
# The real multi-user flow on one machine, and LMS downloads

def run_as(home, user, uid, *args):
    """An nbgrader command run by a student: their own user name (a user namespace with its own
    /etc/passwd, since nbgrader takes the name from the uid), their own home, the course's exchange."""
    passwd = Path(home) / "passwd"
    passwd.write_text(f"root:x:0:0:root:/root:/bin/sh\n{user}:x:{uid}:{uid}::{home}:/bin/sh\n")
    env = nbgrader_env(home)
    env.update(HOME=str(home), USER=user, LOGNAME=user)
    sandboxed = [shutil.which("bwrap"), "--bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                 "--unshare-user", "--uid", str(uid), "--gid", str(uid), "--ro-bind", str(passwd), "/etc/passwd"]
    return subprocess.Popen([*sandboxed, sys.executable, "-m", "nbgrader", *args], cwd=home, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def all_succeed(processes):
    for process in processes:
        output = process.communicate(timeout=600)[0]
        assert process.returncode == 0, f"{process.args}: {output}"


def exchange_course(tmp_path):
    """(course, exchange folder, the config line): lesson 01 released to an exchange in tmp_path."""
    course, release = released_course(tmp_path)
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    setting = f"\nc.Exchange.root = {str(exchange)!r}\n"
    with open(course / "nbgrader_config.py", "a") as handle:
        handle.write(setting)
    nbgrader(course, "release_assignment", LESSON)
    return course, release, exchange, setting


def student_home(tmp_path, student, setting):
    """A student's home whose nbgrader configuration names the course and the exchange."""
    home = tmp_path / "home" / student
    (home / ".jupyter").mkdir(parents=True)
    (home / ".jupyter" / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'nettrain'{setting}")
    return home


def test_exchange_release_fetch_submit_collect_grade_feedback(tmp_path):
    course, _, _, setting = exchange_course(tmp_path)
    students = {"ada": "correct", "grace": "wrong", "alan": "blank"}
    uids = {"ada": 2001, "grace": 2002, "alan": 2003}
    homes = {student: student_home(tmp_path, student, setting) for student in students}
    all_succeed([run_as(homes[s], s, uids[s], "fetch_assignment", LESSON) for s in students])
    for student, kind in students.items():
        path = next(homes[student].rglob(f"{LESSON}.ipynb"))
        sources = dict(reference_sources(LESSON), mse_loss=cases.WRONG_MSE) if kind == "wrong" else \
            reference_sources(LESSON) if kind == "correct" else {}
        nbformat.write(fill_notebook(read_notebook(path), sources), str(path))
    all_succeed([run_as(homes[s], s, uids[s], "submit", LESSON) for s in students])

    grade_tool(course, "grade", LESSON, "--from-exchange", "--release-feedback")
    assert full_marks_except(scores_of(course, "ada"))
    assert full_marks_except(scores_of(course, "grace"), "test_mse_loss")
    assert full_marks_except(scores_of(course, "alan"), *POINTS)

    all_succeed([run_as(homes[s], s, uids[s], "fetch_feedback", LESSON) for s in students])
    feedback = {s: next(homes[s].rglob("feedback/*/*.html")).read_text() for s in students}
    assert "summed instead of averaged" in " ".join(feedback["grace"].split())
    assert "hidden_rng" not in feedback["grace"] and "reference_mse_loss" not in feedback["grace"]
    assert "not implemented yet" in feedback["alan"]


def test_lms_zip_with_a_file_name_pattern(tmp_path):
    import zipfile

    course, release = released_course(tmp_path)
    solved = nbformat.writes(fill_notebook(release, reference_sources(LESSON)))
    download = tmp_path / "moodle.zip"
    with zipfile.ZipFile(download, "w") as archive:
        # Moodle: "<full name>_<id>_assignsubmission_file_<original name>"
        archive.writestr(zipfile.ZipInfo("Ada Lovelace_1001_assignsubmission_file_01_update_rule.ipynb",
                                         (2026, 11, 20, 9, 0, 0)), nbformat.writes(release))
        archive.writestr(zipfile.ZipInfo("Ada Lovelace_1001_assignsubmission_file_01_update_rule (1).ipynb",
                                         (2026, 11, 20, 11, 0, 0)), solved)       # her newer file
        archive.writestr(zipfile.ZipInfo("Alan Turing_1002_assignsubmission_file_01_update_rule.ipynb",
                                         (2026, 11, 20, 9, 30, 0)), nbformat.writes(release))
        archive.writestr("Grace Hopper_1003_assignsubmission_file_notes.txt", "not a notebook")
        archive.writestr("Grace Hopper_1003_assignsubmission_file_scratch.ipynb", nbformat.writes(release))
    run = grade_tool(course, "grade", LESSON, "--from", str(download), "--no-feedback",
                     "--pattern", r"^(?P<student>[^_]+)_\d+_assignsubmission")
    assert "collected 2 notebooks" in run.stderr
    assert "scratch.ipynb: file name names no lesson notebook" in run.stderr
    assert "01_update_rule.ipynb: a newer file of Ada_Lovelace" in run.stderr
    assert full_marks_except(scores_of(course, "Ada_Lovelace"))
    assert full_marks_except(scores_of(course, "Alan_Turing"), *POINTS)
    stamp = (course / "submitted" / "Ada_Lovelace" / LESSON / "timestamp.txt").read_text()
    assert stamp.startswith("2026-11-20 11:00:00")


def test_an_interrupted_run_resumes_without_regrading_and_loses_nothing(tmp_path):
    import signal
    import time

    course, release = released_course(tmp_path)
    students = [f"s{number:02d}" for number in range(8)]
    for number, student in enumerate(students):
        sources = reference_sources(LESSON) if number % 2 else {}
        submit(course, student, fill_notebook(release, sources))
    first = subprocess.Popen([sys.executable, "-m", "nettrain_grading.cli", "grade", LESSON, "--workers", "1",
                              "--no-feedback"], cwd=course, env=nbgrader_env(course),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    states = course / "grading" / LESSON
    deadline = time.monotonic() + 300
    while not (states.exists() and len(list(states.glob("*.json"))) >= 2) and time.monotonic() < deadline:
        time.sleep(0.1)
    first.send_signal(signal.SIGINT)
    _, err = first.communicate(timeout=120)
    done = sorted(path.stem for path in states.glob("*.json"))
    assert first.returncode == 130 and "interrupted" in err, err
    assert 2 <= len(done) < len(students), f"the run was not interrupted half-way: {done}"
    stamps = {student: (states / f"{student}.json").stat().st_mtime_ns for student in done}

    second = grade_tool(course, "grade", LESSON, "--no-feedback")
    assert f"grading {len(students) - len(done)} notebooks" in second.stderr
    assert all((states / f"{student}.json").stat().st_mtime_ns == stamps[student] for student in done)
    for number, student in enumerate(students):
        expected = () if number % 2 else tuple(POINTS)
        assert full_marks_except(scores_of(course, student), *expected), student


def test_hidden_tests_never_reach_the_sandbox_or_any_output(graded_class):
    """Test cells run outside the sandbox: a cell that searches stdin, the working folders and every
    string in its memory finds no hidden test, and no output or feedback page of any student quotes one."""
    course = graded_class["course"]
    printed = json.dumps(autograded_cell_with(course, "print_the_job", "import gc, os, sys").outputs)
    assert "FOUND:" in printed
    for student_notebook in (course / "autograded").rglob("*.ipynb"):
        outputs = json.dumps([cell.get("outputs", []) for cell in read_notebook(student_notebook).cells])
        assert "reference_mse_loss" not in outputs and "hidden_rng" not in outputs, student_notebook
    for page in (course / "feedback").rglob("*.html"):
        text = page.read_text()
        assert "reference_mse_loss" not in text and "hidden_rng" not in text, page
    assert full_marks_except(scores_of(course, "print_the_job"))


def autograded_cell_with(course, student, start):
    graded = read_notebook(course / "autograded" / student / LESSON / f"{LESSON}.ipynb")
    return next(cell for cell in graded.cells if cell.source.lstrip().startswith(start))


def test_validate_reports_a_course_cell_that_crashes(tmp_path):
    """Every test passes, but a course cell fails on what a function returned: validate names the cell
    and the error, and exits 1; a notebook that crashes must not validate as fine."""
    import nbformat

    from tests.support.coursetools import ROOT, read_notebook

    notebook = read_notebook(ROOT / "solutions" / LESSON / f"{LESSON}.ipynb")
    crash = nbformat.v4.new_code_cell("history = [3.0, 2.0]\nprint(history.min())")
    notebook.cells.insert(len(notebook.cells) - 1, crash)
    path = tmp_path / f"{LESSON}.ipynb"
    nbformat.write(notebook, str(path))
    run = run_validate(path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "5 of 5 tests pass" in run.stdout
    index = len(notebook.cells) - 2
    assert (f"ERROR in cell {index} (a course cell, not a test): AttributeError: 'list' object has no "
            "attribute 'min'") in run.stdout, run.stdout
