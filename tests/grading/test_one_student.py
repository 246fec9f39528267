"""One student never stops the class, and no student is graded with another's work (issue 15, parts 5-6).

Malformed and hostile submission folders, graded in one run with an ordinary correct student: the
run finishes, the correct student keeps full marks, and each odd one gets its own status or flag
with the reason. Links and special files in a submission are never opened, copied or graded. A
notebook the grader itself could not grade or record is retried by the next run; one that was
graded and did not change is not. A submission in the exchange that belongs to another user than the
student it names is not graded as that student, and exchange entries that would stop `nbgrader
collect` or make it copy files from outside the exchange are taken out first.
"""
import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from nettrain_grading import cli, grader, sandbox
from nettrain_grading import course as course_module
from nettrain_grading import state as state_module
from tests.grading.test_tool import (
    LESSON,
    POINTS,
    all_succeed,
    exchange_course,
    full_marks_except,
    grade_tool,
    released_course,
    run_as,
    scores_of,
    state,
    student_home,
    submit,
)
from tests.support.coursetools import fill_notebook, read_notebook, reference_sources

GOOD_TIME = "2026-11-20 10:00:00.000000 UTC"


# ---------------------------------------------------------------------------------------------
# Files: no sandbox needed

def test_fingerprint_and_timestamp_never_open_links_or_fifos(tmp_path):
    """A FIFO would block whoever reads it; a link would read another file. Neither is opened."""
    folder = tmp_path / "submission"
    folder.mkdir()
    notebook = folder / "lesson.ipynb"
    notebook.write_text("{}")
    os.mkfifo(folder / "timestamp.txt")
    assert state_module.regular_file(notebook) and not state_module.regular_file(folder / "timestamp.txt")
    assert state_module.fingerprint(notebook) != "not-a-regular-file"       # returns: the FIFO was not read
    assert state_module.read_timestamp(folder) == ("", "timestamp.txt is a link or a special file; it was not read")

    linked = tmp_path / "linked"
    linked.mkdir()
    os.symlink(notebook, linked / "lesson.ipynb")
    assert state_module.fingerprint(linked / "lesson.ipynb") == "not-a-regular-file"
    os.symlink(folder, tmp_path / "linked_folder")
    assert not state_module.regular_file(tmp_path / "linked_folder" / "lesson.ipynb")


@pytest.mark.parametrize(
    "text, expected",
    [
        (GOOD_TIME, (GOOD_TIME, None)),
        ("next tuesday", ("", "timestamp.txt holds 'next tuesday', which is not a time; the submission time is "
                              "unknown")),
        ("", ("", "timestamp.txt holds '', which is not a time; the submission time is unknown")),
    ],
)
def test_a_bad_timestamp_is_the_submission_problem(tmp_path, text, expected):
    (tmp_path / "timestamp.txt").write_text(text)
    assert state_module.read_timestamp(tmp_path) == expected


def test_no_timestamp_is_no_problem(tmp_path):
    assert state_module.read_timestamp(tmp_path) == ("", None)


# ---------------------------------------------------------------------------------------------
# A class run with the odd folders (needs the sandbox)

@pytest.fixture(scope="module")
def odd_class(tmp_path_factory):
    course, release = released_course(tmp_path_factory.mktemp("odd"))
    correct = fill_notebook(release, reference_sources(LESSON))
    submit(course, "correct", correct)

    edited = nbformat.from_dict(correct)         # a written answer no longer marked as graded
    cell = next(c for c in edited.cells if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution"))
    cell.metadata["nbgrader"].update(grade=False, solution=False)
    submit(course, "edited_metadata", edited)
    written = cell.metadata["nbgrader"]["grade_id"]

    submit(course, "bad_timestamp", correct, timestamp="the day before the deadline")

    submit(course, "fifo_timestamp", correct)
    stamp = course / "submitted" / "fifo_timestamp" / LESSON / "timestamp.txt"
    stamp.unlink()
    os.mkfifo(stamp)

    solutions = course / "solutions" / LESSON / f"{LESSON}.ipynb"
    linked = course / "submitted" / "linked_notebook" / LESSON
    linked.mkdir(parents=True)
    os.symlink(solutions, linked / f"{LESSON}.ipynb")                 # "my notebook" is the instructor's

    submit(course, "linked_extra", correct)                            # a real notebook, and a link beside it
    os.symlink(solutions, course / "submitted" / "linked_extra" / LESSON / "notes.txt")

    elsewhere = course / "elsewhere"
    submit(course, "elsewhere_source", correct)
    shutil.move(course / "submitted" / "elsewhere_source" / LESSON, elsewhere)
    shutil.rmtree(course / "submitted" / "elsewhere_source")
    (course / "submitted" / "linked_folder").mkdir()
    os.symlink(elsewhere, course / "submitted" / "linked_folder" / LESSON)   # the lesson folder is a link

    huge = fill_notebook(release, reference_sources(LESSON))           # four cells, each raising an exception
    first_code = next(index for index, c in enumerate(huge.cells) if c.cell_type == "code")   # whose class
    for _ in range(4):                                                  # name is 10 MB long
        huge.cells.insert(first_code + 1, nbformat.v4.new_code_cell(
            'raise type("E" * 10_000_000, (Exception,), {})("a long name")'))
    submit(course, "huge_outputs", huge)

    snooper = fill_notebook(release, reference_sources(LESSON))        # prints every file it can find
    snooper.cells.insert(first_code + 1, nbformat.v4.new_code_cell(  # (not .py: the course library may
        "import glob, os, sys\n"                                     # live under /tmp, as in CI's clone)
        "print('stdin:', sys.stdin.read())\n"
        "for path in glob.glob('/grading/**', recursive=True) + glob.glob('/tmp/**', recursive=True):\n"
        "    if os.path.isfile(path) and not path.endswith('.py'):\n"
        "        print(path, open(path, errors='replace').read())"))
    submit(course, "snooper", snooper)

    run = grade_tool(course, "grade", LESSON, "--workers", "2", check=False)
    return {"course": course, "run": run, "written": written}


def test_the_run_finishes_and_the_correct_student_keeps_full_marks(odd_class):
    course, run = odd_class["course"], odd_class["run"]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.returncode == 0, run.stderr[-3000:]
    assert full_marks_except(scores_of(course, "correct"))
    assert state(course, "correct")["flags"] == []


def test_an_edited_written_answer_is_left_to_a_human_with_a_flag(odd_class):
    course = odd_class["course"]
    assert full_marks_except(scores_of(course, "edited_metadata"))
    flags = state(course, "edited_metadata")["flags"]
    assert flags == [f"{odd_class['written']}: the cell's nbgrader metadata was changed in the submission (it is "
                     "no longer a graded cell); score it by hand"]
    grades = (course / "reports" / LESSON / "grades.csv").read_text().splitlines()
    assert any(line.startswith("edited_metadata,") and ",to grade," in line for line in grades)


def test_a_bad_or_special_timestamp_is_flagged_and_graded(odd_class):
    course = odd_class["course"]
    for student, flag in [("bad_timestamp", "timestamp.txt holds 'the day before the deadline', which is not a "
                                            "time; the submission time is unknown"),
                          ("fifo_timestamp", "timestamp.txt is a link or a special file; it was not read")]:
        assert full_marks_except(scores_of(course, student)), student
        assert state(course, student)["flags"] == [flag]
        assert state(course, student)["timestamp"] == ""
    flags = (course / "reports" / LESSON / "flags.csv").read_text()
    assert 'bad_timestamp,graded,"timestamp.txt holds' in flags


@pytest.mark.parametrize("student", ["linked_notebook", "linked_folder"])
def test_a_linked_notebook_is_never_opened(odd_class, student):
    """Neither the instructor's notebook behind the link nor anything from it reaches the student."""
    course = odd_class["course"]
    saved = state(course, student)
    assert saved["status"] == "unreadable"
    assert "is a symbolic link or a special file, not a notebook: it was not opened" in saved["reason"]
    assert scores_of(course, student) == {name: 0.0 for name in POINTS}
    autograded = course / "autograded" / student / LESSON
    assert not autograded.exists() or not any(autograded.iterdir())
    assert not (course / "feedback" / student).exists()


def test_a_link_beside_the_notebook_is_not_copied(odd_class):
    course = odd_class["course"]
    assert full_marks_except(scores_of(course, "linked_extra"))
    autograded = course / "autograded" / "linked_extra" / LESSON
    assert (autograded / f"{LESSON}.ipynb").is_file() and (autograded / "timestamp.txt").is_file()
    assert not (autograded / "notes.txt").exists()
    for path in (course / "feedback" / "linked_extra").rglob("*"):
        assert "BEGIN SOLUTION" not in (path.read_text(errors="replace") if path.is_file() else "")


def test_huge_outputs_keep_the_graded_notebook_and_the_feedback_small(odd_class):
    """40 MB of exception class names: the graded notebook and the feedback page stay well under 1 MB."""
    course = odd_class["course"]
    assert full_marks_except(scores_of(course, "huge_outputs"))
    graded = course / "autograded" / "huge_outputs" / LESSON / f"{LESSON}.ipynb"
    assert graded.stat().st_size < 300_000, graded.stat().st_size
    pages = list((course / "feedback" / "huge_outputs").rglob("*.html"))
    assert pages and all(page.stat().st_size < 1_000_000 for page in pages)


def test_no_file_in_the_sandbox_holds_the_hidden_tests(odd_class):
    """The job (with the hidden tests) reaches the runner on its standard input, which is closed before
    student code runs: a cell that prints every file it can open, and stdin, shows no hidden test."""
    course = odd_class["course"]
    assert full_marks_except(scores_of(course, "snooper"))
    graded = read_notebook(course / "autograded" / "snooper" / LESSON / f"{LESSON}.ipynb")
    cell = next(cell for cell in graded.cells if cell.source.startswith("import glob, os, sys"))
    printed = json.dumps(cell.outputs)
    assert "stdin: " in printed                              # the cell ran and printed
    assert "reference_mse_loss" not in printed and "hidden_rng" not in printed, printed[:3000]
    for page in (course / "feedback" / "snooper").rglob("*.html"):
        assert "reference_mse_loss" not in page.read_text()


def test_what_leaves_the_sandbox_is_cut_to_size_outside_it():
    """The runner cuts its own records, but a tampered runner could send anything: the grader cuts again."""
    record = grader.bounded({"status": "error", "ename": "E" * 10**6, "evalue": "v" * 10**6, "stdout": "o" * 10**6,
                             "traceback": "t" * 10**6, "notes": ["n" * 10**4] * 1000, "tampered": 7})
    assert len(record["ename"]) < 300 and record["ename"].endswith("[cut: 999,800 more characters]")
    assert len(record["evalue"]) < 2_100 and len(record["stdout"]) < 20_100 and len(record["traceback"]) < 20_100
    assert len(record["notes"]) == grader.LIST_LIMIT and all(len(note) < 600 for note in record["notes"])
    assert record["tampered"] == 7 and record["status"] == "error"
    assert grader.bounded("not a record")["ename"] == "BadRecord"


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
def test_the_sandbox_caps_shared_memory_tmp_and_the_working_folder(tmp_path):
    """/dev/shm, /tmp and /grading are size-capped tmpfs mounts; /grading starts empty, and nothing
    written in it reaches the host's disk."""
    tmp_path.chmod(0o755)
    argv = sandbox.bwrap_command(dict(grader.DEFAULT_LIMITS, sandbox_cpu_seconds=60))
    fill = """
import os
for folder in ("/dev/shm", "/tmp", "/grading"):
    written = 0
    try:
        for n in range(60):
            with open(f"{folder}/fill{n}", "wb") as handle:
                for _ in range(10):
                    handle.write(b"x" * 2**20)
                    handle.flush()
                    written += 1
    except OSError as error:
        pass
    print(folder, written)
"""
    empty = "import os; print(os.listdir('/grading'))\n"
    run = subprocess.run(argv[:argv.index("-m")] + ["-c", empty + fill], capture_output=True, text=True, timeout=120)
    first, *rest = run.stdout.splitlines()
    assert first == "[]", run
    assert dict(line.rsplit(" ", 1) for line in rest) == {"/dev/shm": "64", "/tmp": "256", "/grading": "256"}, run
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# What the grader could not do is retried; what it did is not

def test_what_the_grader_could_not_record_is_retried_and_kept_apart(tmp_path):
    course, release = released_course(tmp_path)
    submit(course, "ada", fill_notebook(release, reference_sources(LESSON)))
    submit(course, "bob", release)
    grade_tool(course, "grade", LESSON)
    assert full_marks_except(scores_of(course, "ada")) and state(course, "ada")["status"] == "graded"

    again = grade_tool(course, "grade", LESSON)            # nothing changed: nothing graded
    assert "grading 0 notebooks of 0 students" in again.stderr, again.stderr

    # The grader failed on ada (a full disk while recording, say): her state says "error".
    path = course / "grading" / LESSON / "ada.json"
    saved = json.loads(path.read_text())
    path.write_text(json.dumps(dict(saved, status="error", reason="the grade could not be recorded: OSError")))
    retried = grade_tool(course, "grade", LESSON)
    assert "grading 1 notebooks of 1 students" in retried.stderr, retried.stderr
    assert state(course, "ada")["status"] == "graded"


def test_a_recording_failure_is_that_students_error(tmp_path, monkeypatch):
    """record_one turns an exception while recording into the student's "error" state and a problem
    line; it never raises, and the gradebook is not touched for that student."""
    course = tmp_path / "course"
    spec = course_module.LessonSpec(lesson=LESSON, notebook=LESSON, setup="", functions=[], tests={"test_f": 1.0})
    result = state_module.LessonResult(lesson=LESSON, notebook=LESSON, status="graded", scores={"test_f": (1.0, 1.0)})

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli.gradebook, "record", disk_full)
    graded_now, problems = [], []
    cli.record_one(course, "nettrain", "ada", result, spec, graded_now, problems)
    saved = json.loads((course / "grading" / LESSON / "ada.json").read_text())
    assert saved["status"] == "error" and saved["scores"] == {}
    assert saved["reason"] == "the grade could not be recorded: OSError: [Errno 28] No space left on device"
    assert graded_now == [] and problems == [f"ada: {LESSON}: {saved['reason']}"]

    monkeypatch.setattr(cli, "save_state", lambda *args: disk_full())
    problems = []
    cli.record_one(course, "nettrain", "bob", result, spec, [], problems)     # the state cannot be saved either
    assert problems[-1] == f"bob: {LESSON}: the grading state could not be saved: [Errno 28] No space left on device"



# ---------------------------------------------------------------------------------------------
# The exchange: a submission is graded as the student who owns it, or not at all

@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_submission_owned_by_someone_else_is_not_graded_as_the_student_it_names(tmp_path):
    """mallory puts a blank notebook into the exchange under ada's name, newer than ada's own. nbgrader
    would collect it for ada (it only warns, and takes the newest). nettrain-grade takes it out of the
    exchange before collecting: ada's own submission is the one collected and graded, the report and
    the summary name the owner, and the folder waits in quarantine/. grace is graded as usual."""
    course, release, exchange, setting = exchange_course(tmp_path)
    for uid, student in enumerate(["ada", "grace"], start=2001):
        home = student_home(tmp_path, student, setting)
        all_succeed([run_as(home, student, uid, "fetch_assignment", LESSON)])
        path = next(home.rglob(f"{LESSON}.ipynb"))
        nbformat.write(fill_notebook(read_notebook(path), reference_sources(LESSON)), str(path))
        all_succeed([run_as(home, student, uid, "submit", LESSON)])

    grade_tool(course, "grade", LESSON, "--from-exchange", "--no-feedback")       # ada's own work: 8/8
    assert full_marks_except(scores_of(course, "ada"))

    inbound = exchange / "nettrain" / "inbound"
    genuine = next(path for path in inbound.iterdir() if path.name.startswith("ada+"))
    name, lesson, stamp, *rest = genuine.name.split("+")
    forged = inbound / "+".join([name, lesson, "2099-01-01 00:00:00.000000 UTC", *rest[:0], "forged"])
    shutil.copytree(genuine, forged)
    nbformat.write(release, str(forged / f"{LESSON}.ipynb"))                    # blank
    for path in [forged, *forged.rglob("*")]:
        os.chown(path, 65534, 65534)                                            # owned by nobody, not ada

    run = grade_tool(course, "grade", LESSON, "--from-exchange", "--no-feedback", check=False)
    assert run.returncode == 1, run.stderr
    assert (f"PROBLEM ada: {LESSON}: the exchange holds a submission of {LESSON} under the name ada that was not "
            "collected: it belongs to the user nobody, not to ada") in run.stderr, run.stderr
    saved = state(course, "ada")
    assert saved["status"] == "graded" and any("belongs to the user nobody" in flag for flag in saved["flags"])
    assert full_marks_except(scores_of(course, "ada"))                         # her own work, still 8/8
    assert full_marks_except(scores_of(course, "grace"))
    assert (course / "quarantine" / LESSON / "exchange" / forged.name / f"{LESSON}.ipynb").is_file()
    collected = read_notebook(course / "submitted" / "ada" / LESSON / f"{LESSON}.ipynb")
    assert "raise NotImplementedError" not in json.dumps([cell.source for cell in collected.cells
                                                          if cell.metadata.get("nbgrader", {}).get("solution")])
    flags = (course / "reports" / LESSON / "flags.csv").read_text()
    assert "ada,graded," in flags and "belongs to the user nobody" in flags


def test_a_stopped_runner_holds_a_worker_no_longer_than_its_lesson_time(tmp_path):
    """A cell that stops the sandbox's root process (SIGSTOP to its parent) used to hold a worker for
    the sum of every cell's time-out. The grader outside waits for each answer with a deadline, so the
    whole sandbox ends after --lesson-timeout at the latest; the student's status says so, the others
    are graded, and the next run does not spend that time again on an unchanged notebook."""
    import time

    course, release = released_course(tmp_path)
    correct = fill_notebook(release, reference_sources(LESSON))
    stopper = nbformat.from_dict(correct)
    first_code = next(index for index, c in enumerate(stopper.cells) if c.cell_type == "code")
    stopper.cells.insert(first_code + 1, nbformat.v4.new_code_cell(
        "import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)"))
    submit(course, "stopper", stopper)
    submit(course, "correct", correct)
    started = time.monotonic()
    run = grade_tool(course, "grade", LESSON, "--lesson-timeout", "20", "--no-feedback", check=False)
    assert time.monotonic() - started < 120, run.stderr
    saved = state(course, "stopper")
    assert saved["status"] == "failed"
    assert saved["reason"].startswith("the grader could not run this notebook: the grading process ran longer "
                                      "than 20 s"), saved["reason"]
    assert full_marks_except(scores_of(course, "correct"))
    again = grade_tool(course, "grade", LESSON, "--lesson-timeout", "20", "--no-feedback", check=False)
    assert "grading 0 notebooks of 0 students" in again.stderr, again.stderr


def test_the_lesson_timeout_must_be_positive(tmp_path):
    result = subprocess.run([sys.executable, "-m", "nettrain_grading.cli", "grade", LESSON, "--lesson-timeout", "0"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1
    assert "--lesson-timeout must be at least 1 (seconds); received 0" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="writing into the exchange as several users needs root")
def test_exchange_entries_that_would_stop_collect_or_leak_files_are_taken_out(tmp_path):
    """Three hand-made entries in the exchange's inbound folder: a name whose time is not a time (nbgrader
    collect stops on it, for the whole class), a link to the instructor's solutions folder, and a folder
    whose notebook is a link to the solutions notebook. Each is moved to quarantine/ with the reason;
    grace's honest submission is collected and graded; no solution text reaches submitted/."""
    course, release, exchange, setting = exchange_course(tmp_path)
    home = student_home(tmp_path, "grace", setting)
    all_succeed([run_as(home, "grace", 2002, "fetch_assignment", LESSON)])
    path = next(home.rglob(f"{LESSON}.ipynb"))
    nbformat.write(fill_notebook(read_notebook(path), reference_sources(LESSON)), str(path))
    all_succeed([run_as(home, "grace", 2002, "submit", LESSON)])

    inbound = exchange / "nettrain" / "inbound"
    honest = next(inbound.iterdir())
    solutions = course / "solutions" / LESSON
    shutil.copytree(honest, inbound / f"ada+{LESSON}+next week+1")
    os.symlink(solutions, inbound / f"eve+{LESSON}+2026-11-20 10:00:00.000000 UTC+2")
    linked = inbound / f"bob+{LESSON}+2026-11-20 10:00:00.000000 UTC+3"
    shutil.copytree(honest, linked)
    (linked / f"{LESSON}.ipynb").unlink()
    os.symlink(solutions / f"{LESSON}.ipynb", linked / f"{LESSON}.ipynb")

    run = grade_tool(course, "grade", LESSON, "--from-exchange", "--no-feedback", check=False)
    assert run.returncode == 1, run.stderr
    assert full_marks_except(scores_of(course, "grace"))
    kept = course / "quarantine" / LESSON / "exchange"
    assert sorted(path.name.split("+")[0] for path in kept.iterdir()) == ["ada", "bob", "eve"]
    assert sorted(path.name for path in inbound.iterdir()) == [honest.name]
    for student, reason in [("ada", "its name 'ada+01_update_rule+next week+1' holds no submission time"),
                            ("eve", "it is a link or a file, not a folder"),
                            ("bob", "it holds a link or a special file (01_update_rule.ipynb)")]:
        assert (f"PROBLEM {student}: {LESSON}: the exchange holds a submission of {LESSON} under the name "
                f"{student} that was not collected: {reason}; moved to {kept}") in run.stderr, run.stderr
    assert sorted(path.name for path in (course / "submitted").iterdir()) == ["grace"]
    for path in (course / "submitted").rglob("*"):
        assert not path.is_symlink()
        assert "BEGIN SOLUTION" not in (path.read_text(errors="replace") if path.is_file() else "")


# ---------------------------------------------------------------------------------------------
# The notebook run and the re-check share nothing

CACHING_MSE_LOSS = '''
def mse_loss(X, y, w, b):
    """The library's answer, remembered in /tmp and in the working folder by the notebook run (which has
    the whole library) and replayed by the re-check without calling the library."""
    import hashlib
    import os
    import numpy as np
    key = hashlib.sha256(repr([np.asarray(a).tolist() for a in (X, y, w)] + [float(b)]).encode()).hexdigest()
    for folder in ("/tmp", "."):
        path = os.path.join(folder, "answer-" + key)
        if os.path.exists(path):
            return float(open(path).read())
    import nettrain_lib
    value = nettrain_lib.mse_loss(X, y, w, b)
    for folder in ("/tmp", "."):
        with open(os.path.join(folder, "answer-" + key), "w") as handle:
            handle.write(repr(value))
    return value
'''


def test_answers_cached_by_the_notebook_run_are_not_there_for_the_re_check(tmp_path):
    """Each phase runs in a fresh sandbox: the re-check starts with an empty /tmp and working folder,
    so the cached answers are gone, the function calls the library, and finds it switched off."""
    course, release = released_course(tmp_path)
    submit(course, "cacher", fill_notebook(release, dict(reference_sources(LESSON), mse_loss=CACHING_MSE_LOSS)))
    submit(course, "correct", fill_notebook(release, reference_sources(LESSON)))
    grade_tool(course, "grade", LESSON, "--no-feedback", check=False)
    assert full_marks_except(scores_of(course, "cacher"), "test_mse_loss")
    assert full_marks_except(scores_of(course, "correct"))
    flags = " ".join(state(course, "cacher")["flags"])
    assert "test_mse_loss: passed in the notebook but not in the clean re-check" in flags, flags
    assert "nettrain_lib's own mse_loss is switched off" in flags, flags


# ---------------------------------------------------------------------------------------------
# Limits that hold for the whole sandbox, whoever grades

def sandboxed_run(tmp_path, cell_timeout=60):
    """A Run in a real sandbox (notebook mode), and its Sandboxes to close."""
    import time

    from nettrain_grading import phases

    tmp_path.chmod(0o755)
    limits = dict(grader.DEFAULT_LIMITS, cell_timeout=cell_timeout)
    boxes = phases.Sandboxes(str(tmp_path), limits, False, time.monotonic() + 300)
    run, _ = phases.start(boxes, "notebook")
    return run, boxes


FORK_BOMB = """
import os, time
started = 0
for _ in range(600):
    try:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        started += 1
    except OSError:
        break
print("started", started, "uid", os.getuid())
"""

MEMORY_HOGS = """
import os
import numpy as np
children = []
for _ in range(6):                        # 6 processes x 700 MB: each under its own 2 GB limit
    pid = os.fork()
    if pid == 0:
        block = np.ones(700 * 2**20 // 8)
        os._exit(0 if block.sum() > 0 else 1)
    children.append(pid)
finished = sum(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
               for status in (os.waitpid(pid, 0)[1] for pid in children))
print("finished", finished)
"""


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
def test_a_fork_bomb_stops_at_the_sandbox_process_limit_also_for_root(tmp_path):
    """As root, Linux ignores RLIMIT_NPROC: the sandbox then runs student code as an unprivileged uid
    of the worker's own (and in a cgroup with pids.max where the machine allows it)."""
    run, boxes = sandboxed_run(tmp_path)
    try:
        record = run.cell(FORK_BOMB, "bomb", False)
    finally:
        boxes.close()
    started, uid = (int(word) for word in record["stdout"].split()[1::2])
    assert started < sandbox.SANDBOX_PROCESSES + 20, record
    assert uid != 0
    if os.geteuid() == 0:
        assert uid >= sandbox.SANDBOX_UID_BASE


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
def test_memory_is_capped_for_the_whole_sandbox_where_cgroups_work(tmp_path):
    from nettrain_grading.cgroup import Cgroup

    probe = Cgroup.create(f"nettrain-probe-{os.getpid()}", 2**30, 64)
    if probe is None:
        pytest.skip("no control group can be made here (not root, no delegated cgroup v2)")
    probe.remove()
    run, boxes = sandboxed_run(tmp_path)
    try:
        record = run.cell(MEMORY_HOGS, "hogs", False)
    finally:
        boxes.close()
    # 4.2 GB asked in all; the sandbox holds about 2.8 GB: the kernel ends some of the processes.
    assert record["status"] != "ok" or int(record["stdout"].split()[1]) < 6, record


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
def test_an_endless_flood_of_data_fails_its_own_test_only(tmp_path):
    """A generator that yields 40 MB arrays for ever: the test that lists it fails with a reason once
    256 MB came back (the grader's memory stays bounded), and the next test runs normally."""
    run, boxes = sandboxed_run(tmp_path)
    try:
        run.cell("import numpy as np\ndef flood():\n    while True:\n        yield np.zeros(5_000_000)\n"
                 "def double(x):\n    return 2 * x\n", "defs", True)
        flooded = run.test("items = list(flood())", "test_flood", "flood")
        after = run.test("assert double(3) == 6", "test_double", "double")
    finally:
        boxes.close()
    assert flooded["ename"] == "TooMuchData" and "256 MB" in flooded["evalue"], flooded
    assert after["status"] == "ok", after


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
def test_a_recording_generator_keeps_only_real_permutations_from_the_sandbox(tmp_path):
    """The permutations a RecordingGenerator saw inside come back to the test's own generator, with the
    generator's state; what the student's code appended by hand that is no permutation is dropped."""
    run, boxes = sandboxed_run(tmp_path)
    try:
        run.cell("import numpy as np\ndef shuffle_twice(rng):\n    rng.orders.append(np.array([5, 5]))\n"
                 "    rng.orders.append('forged')\n    first = rng.permutation(4)\n    rng.shuffle(np.arange(3))\n"
                 "    return first\n", "defs", True)
        record = run.test(
            "import numpy as np\nfrom nettrain_lib.checks import RecordingGenerator\n"
            "recorder, twin = RecordingGenerator(7), np.random.default_rng(7)\n"
            "first = shuffle_twice(recorder)\n"
            "assert [sorted(order.tolist()) for order in recorder.orders] == [[0, 1, 2, 3], [0, 1, 2]], recorder.orders\n"
            "assert np.array_equal(first, twin.permutation(4))\n"
            "twin.shuffle(np.arange(3))\n"
            "assert recorder.integers(1000) == twin.integers(1000)      # the state came back too\n",
            "test_shuffle_twice", "shuffle_twice")
    finally:
        boxes.close()
    assert record["status"] == "ok", record


@pytest.mark.parametrize("lesson", ["01_update_rule", "05_softmax_cross_entropy"])
def test_no_message_into_the_sandbox_carries_a_test_cell(lesson, tmp_path, monkeypatch):
    """Everything the grader sends into the sandbox, for a whole lesson graded from its solutions
    notebook (hidden tests included): no line of any test cell, visible or hidden, is in it."""
    import time

    from nettrain_grading import channel, phases
    from nettrain_grading.course import LessonSpec
    from tests.support.coursetools import ROOT

    notebook = read_notebook(ROOT / "solutions" / lesson / f"{lesson}.ipynb")
    tests = {cell.metadata["nbgrader"]["grade_id"]: 1.0 for cell in notebook.cells
             if cell.metadata.get("nbgrader", {}).get("grade") and not cell.metadata["nbgrader"].get("solution")
             and cell.cell_type == "code"}
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    spec = LessonSpec(lesson=lesson, notebook=lesson, setup=code[0].source,
                      functions=[grade_id[len("test_"):] for grade_id in tests], tests=tests)
    sent = []
    original = channel.Channel.send
    monkeypatch.setattr(channel.Channel, "send", lambda self, message, deadline=None: (
        sent.append(json.dumps(message)), original(self, message, deadline))[1])
    tmp_path.chmod(0o755)
    job = grader.build_lesson_job(notebook, spec)
    started = time.monotonic()
    runs, failure = phases.run_phases(str(tmp_path), [job], dict(grader.DEFAULT_LIMITS), shutil.which("bwrap") is None,
                                      grader.redacted_library([spec]))
    assert failure is None and time.monotonic() - started < 120, failure
    text = "\n".join(sent)
    test_lines = {line.strip() for cell in notebook.cells if cell.cell_type == "code"
                  and cell.metadata.get("nbgrader", {}).get("grade_id") in tests for line in cell.source.splitlines()
                  if len(line.strip()) > 30 and not line.strip().startswith("#")}
    other_lines = {line.strip() for cell in code if cell.metadata.get("nbgrader", {}).get("grade_id") not in tests
                   for line in cell.source.splitlines()}          # the cells that do go in
    leaked = [line for line in test_lines - other_lines if json.dumps(line)[1:-1] in text]
    assert test_lines and not leaked, leaked[:5]
    assert all(record["status"] == "ok" for record in runs[lesson]["clean"]), runs     # and it graded them


def test_groups_left_by_a_killed_grader_are_removed_by_the_next(tmp_path):
    from nettrain_grading import cgroup

    probe = cgroup.Cgroup.create(f"nettrain-probe-{os.getpid()}", 2**30, 64)
    if probe is None:
        pytest.skip("no control group can be made here (not root, no delegated cgroup v2)")
    stale = [folder.parent / "nettrain-999999999-1" for folder in probe.folders]   # no such process
    probe.remove()
    for folder in stale:
        folder.mkdir()
    group = cgroup.Cgroup.create(f"nettrain-{os.getpid()}-2", 2**30, 64)
    group.remove()
    assert not any(folder.exists() for folder in stale)
