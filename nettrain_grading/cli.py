"""nettrain-grade: grade a whole class with nbgrader, in parallel, in a sandbox, with a report.

    nettrain-grade grade 01_update_rule                 # submissions already in submitted/
    nettrain-grade grade all --from-exchange            # nbgrader collect first, then grade
    nettrain-grade grade all --from moodle.zip          # LMS download, student id from file names
    nettrain-grade report all                           # rebuild the reports from the gradebook
    nettrain-grade validate lessons/01_update_rule/01_update_rule.ipynb   # exit 1 if a test fails
    nettrain-grade check-sandbox                        # is the sandbox usable on this machine?

Run it in the course folder (where nbgrader_config.py is) or pass --course. Grading resumes where an
interrupted run stopped: a student whose submission did not change since it was graded is not
graded again (--regrade forces it).
"""
import argparse
import concurrent.futures
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nettrain_lib.i18n import translator

from . import collect, gradebook, grader, phases, report, sandbox
from .course import LessonSpec, edition_of, graded_names, load_config, released_lessons, resolve_lessons
from .state import LessonResult, add_flag, fingerprint, load_states, retried, save_state

# ---------------------------------------------------------------------------------------------
# Progress

class Progress:
    def __init__(self, total, label, stream=sys.stderr):
        self.total, self.label, self.stream = total, label, stream
        self.done, self.started = 0, time.monotonic()
        self.tty = stream.isatty()
        self._last_printed = -1

    def step(self, note=""):
        self.done += 1
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        line = (f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                f"{elapsed:5.0f} s, about {eta:4.0f} s left  {note[:40]}")
        if self.tty:
            self.stream.write("\r" + line.ljust(110))
            if self.done == self.total:
                self.stream.write("\n")
        elif self.done == self.total or self.done * 10 // max(self.total, 1) != self._last_printed:
            self._last_printed = self.done * 10 // max(self.total, 1)
            self.stream.write(line + "\n")
        self.stream.flush()


# ---------------------------------------------------------------------------------------------
# Workers (separate processes: grading and feedback)

_WORKER = {}


def _init_worker(course, config_dict, limits, unsandboxed, library):
    from traitlets.config import Config

    for name, value in sandbox.ONE_THREAD.items():
        os.environ[name] = value
    _WORKER.update(course=course, config=Config(config_dict), limits=limits, unsandboxed=unsandboxed,
                   library=library)


def _grade_task(student, specs):
    worker = _WORKER
    try:
        return student, grader.grade_student(worker["course"], student, specs, worker["config"],
                                             gradebook.db_url(worker["course"]), worker["limits"],
                                             worker["unsandboxed"], worker["library"]), None
    except Exception as exc:                      # noqa: BLE001 -- one student never stops the class
        return student, [], f"{type(exc).__name__}: {exc}"


def _feedback_task(lesson, student):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    api = _WORKER.get("api")
    if api is None:
        coursedir = CourseDirectory(config=_WORKER["config"])
        api = _WORKER["api"] = NbGraderAPI(coursedir=coursedir, config=_WORKER["config"])
    result = api.generate_feedback(lesson, student)
    return lesson, student, result.get("success", False), (result.get("error") or "")[-300:]


# ---------------------------------------------------------------------------------------------
# Commands

def sandbox_or_exit(args):
    """True to grade unsandboxed: only when asked for; without a sandbox and without the flag, stop."""
    problem = sandbox.check_sandbox()
    if args.unsandboxed:
        banner = "!" * 78
        print(f"{banner}\n!!! GRADING WITHOUT A SANDBOX ({problem or 'asked for with --unsandboxed'}).\n"
              f"!!! Student code runs with your rights: your files, the gradebook, the network.\n{banner}",
              file=sys.stderr)
        return True
    if problem is not None:
        raise SystemExit(
            "\n*** The grading sandbox is not available on this machine. ***\n"
            f"    {problem}\n"
            "    Without it, student code runs with your rights: it can read solutions/ and the\n"
            "    gradebook, write anywhere you can, and use the network.\n"
            "    Install bubblewrap, or pass --unsandboxed to grade anyway (not recommended).\n")
    return False


def command_grade(args):
    course = Path(args.course).resolve()
    config = load_config(course)
    lessons = resolve_lessons(args.lessons, course, config)
    unsandboxed = sandbox_or_exit(args)
    course_id = config.CourseDirectory.course_id
    specs = {lesson: gradebook.lesson_spec(course, lesson, config) for lesson in lessons}

    refused, notices = [], []                     # notices: (lesson, student, what the exchange held)
    if args.from_exchange:
        instructor = pwd.getpwuid(os.geteuid()).pw_name
        inbound = Path(config.Exchange.get("root", "/srv/nbgrader/exchange")) / course_id / "inbound"
        for lesson in lessons:
            quarantine = course / "quarantine" / lesson / "exchange"
            for student, reason in collect.screen_inbound(inbound, lesson, quarantine, trusted=instructor):
                refused.append(f"{student}: {lesson}: {reason}")
                notices.append((lesson, student, reason))
            log = collect.from_exchange(course, lesson)
            for student, owner, source in collect.foreign_submissions(log, instructor):
                refused.append(refuse(course, specs[lesson], student, owner, source))
    if args.from_path:
        notebooks = {spec.notebook: lesson for lesson, spec in specs.items()}
        collected = collect.from_files(course, args.from_path, notebooks, args.pattern)
        print(f"collected {len(collected.copied)} notebooks from {args.from_path}", file=sys.stderr)
        for name, reason in collected.skipped:
            print(f"  skipped {name}: {reason}", file=sys.stderr)

    wanted = set(args.students.split(",")) if args.students else None
    pending, unchanged = {}, 0                    # student -> [spec]; notebooks graded before and unchanged
    for lesson in lessons:
        folder = course / "submitted"
        students = sorted(path.name for path in folder.iterdir() if (path / lesson).is_dir()) \
            if folder.exists() else []
        states = load_states(course, lesson)
        for student in students:
            if wanted is not None and student not in wanted:
                continue
            path = folder / student / lesson / f"{specs[lesson].notebook}.ipynb"
            current = fingerprint(path, specs[lesson].version) if path.exists() else "missing"
            previous = states.get(student, {}).get("fingerprint") or "missing"
            retry = retried(states.get(student, {}))
            if args.regrade or student not in states or previous != current or retry:
                pending.setdefault(student, []).append(specs[lesson])
            else:
                unchanged += 1
    limits = dict(grader.DEFAULT_LIMITS, cell_timeout=args.cell_timeout, lesson_seconds=args.lesson_timeout)
    print(f"grading {sum(map(len, pending.values()))} notebooks of {len(pending)} students with "
          f"{args.workers} workers ({'UNSANDBOXED' if unsandboxed else 'sandboxed'}); "
          f"{unchanged} already graded and unchanged", file=sys.stderr)

    started = time.monotonic()
    graded_now, problems = [], list(refused)
    progress = Progress(len(pending), "grading ")
    # The clean re-check's nettrain_lib lacks the reference of every graded function of the course,
    # not only of the lessons graded now, and not only of the released ones: one lesson's function
    # cannot call another's reference (the capstone's sgd_update cannot call lesson 01's
    # gradient_descent_step even when the capstone is released first).
    course_specs = [specs.get(lesson) or gradebook.lesson_spec(course, lesson, config)
                    for lesson in released_lessons(course, config)]
    library = grader.redacted_library(course_specs + list(specs.values()), graded_names(course, config))
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=args.workers, initializer=_init_worker,
        initargs=(course, _plain(config), limits, unsandboxed, str(library)))
    try:
        futures = [pool.submit(_grade_task, student, pending[student]) for student in sorted(pending)]
        for future in concurrent.futures.as_completed(futures):
            student, results, error = future.result()
            if error is not None:
                problems.append(f"{student}: the grader failed: {error}")
                results = [grader_error(spec, f"the grader failed: {error}") for spec in pending[student]]
            for result in results:
                record_one(course, course_id, student, result, specs[result.lesson], graded_now, problems)
            progress.step(student)
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        print(f"\ninterrupted: {len(graded_now)} notebooks were recorded; run the same command again "
              "to grade the rest", file=sys.stderr)
        raise SystemExit(130) from None

    if not args.no_feedback:
        # everyone graded now, and anyone graded before whose feedback is missing (an interrupted run)
        wanted_feedback = dict.fromkeys(graded_now)
        wanted_feedback.update(dict.fromkeys((lesson, student) for lesson in lessons for student in load_states(
            course, lesson) if not (course / "feedback" / student / lesson).is_dir()))
        todo = [(lesson, student) for lesson, student in wanted_feedback
                if (course / "autograded" / student / lesson).is_dir()]
        feedback_progress = Progress(len(todo), "feedback")
        futures = [pool.submit(_feedback_task, lesson, student) for lesson, student in todo]
        for future in concurrent.futures.as_completed(futures):
            lesson, student, success, error = future.result()
            if not success:
                problems.append(f"{student}: feedback for {lesson} failed: {error}")
            feedback_progress.step(student)
    pool.shutdown()
    seconds = time.monotonic() - started

    for lesson, student, reason in notices:      # in the report too, whether or not the student was graded now
        add_flag(course, specs[lesson], student, reason)
    for lesson in lessons:
        write_report(course, config, specs[lesson])
    problems += export(course)
    if args.release_feedback:
        for lesson in lessons:
            problems += run_nbgrader(course, "release_feedback", lesson)
    summary(course, lessons, graded_now, problems, seconds)
    return 1 if problems else 0


def refuse(course, spec, student, owner, source):
    """A submission in the exchange that names `student` but belongs to `owner`: it is not graded as
    that student. It leaves submitted/ for quarantine/, the student's state says why (the report and
    the summary show it), and any grade the student had stays. Returns the summary's problem line."""
    folder = course / "submitted" / student / spec.lesson
    kept = course / "quarantine" / spec.lesson / student
    if kept.exists():
        shutil.rmtree(kept)
    if folder.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(folder, kept)
    reason = (f"the submission under the name {student} in the exchange ({source}) belongs to the user "
              f"{owner}, not to {student}: not graded as {student} (kept in quarantine/{spec.lesson}/{student})")
    save_state(course, student, LessonResult(lesson=spec.lesson, notebook=spec.notebook, status="refused",
                                             reason=reason))
    return f"{student}: {spec.lesson}: {reason}"


def grader_error(spec, reason):
    """The result of a lesson the grader itself could not grade: recorded in grading/ (so the report
    shows it and the next run retries it), never in the gradebook (a grade given before stays)."""
    return LessonResult(lesson=spec.lesson, notebook=spec.notebook, status="error", reason=reason[:500])


def record_one(course, course_id, student, result, spec, graded_now, problems):
    """Record one student's lesson; whatever goes wrong here is that student's problem only."""
    if result.status == "failed":
        problems.append(f"{student}: {result.lesson} could not be graded: {result.reason}")
    try:
        if result.status != "error":
            gradebook.record(course, course_id, student, result, spec)
            graded_now.append((result.lesson, student))
    except Exception as exc:                      # noqa: BLE001 -- one student never stops the class
        result = grader_error(spec, f"the grade could not be recorded: {type(exc).__name__}: {exc}")
    if result.status == "error":
        problems.append(f"{student}: {result.lesson}: {result.reason}")
    try:
        save_state(course, student, result)
    except OSError as exc:                        # a full disk: the next run grades this student again
        problems.append(f"{student}: {result.lesson}: the grading state could not be saved: {exc}")


def _plain(config):
    """A traitlets Config as plain dicts, to send to worker processes."""
    return json.loads(json.dumps(config, default=str))


def write_report(course, config, spec):
    states = load_states(course, spec.lesson)
    scores = gradebook.final_scores(course, config.CourseDirectory.course_id, spec.lesson)
    scores = {student: cells for student, cells in scores.items() if student in states} or scores
    return report.build(course, spec, scores, states, written_max=0.0)


def run_nbgrader(course, *args):
    """Run an nbgrader command in the course; [] if it worked, else [a problem for the summary]."""
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=collect.nbgrader_env(),
                            capture_output=True, text=True)
    if result.returncode == 0:
        return []
    tail = (result.stdout + result.stderr).strip().splitlines()[-1:] or ["(no output)"]
    return [f"`nbgrader {' '.join(args)}` failed: {tail[0]}"]


def export(course):
    """nbgrader's own export of every lesson and student: reports/nbgrader_grades.csv."""
    return run_nbgrader(course, "export", "--to", str(course / "reports" / "nbgrader_grades.csv"))


def summary(course, lessons, graded_now, problems, seconds):
    print(f"\ngraded {len(graded_now)} notebooks in {seconds:.0f} s", file=sys.stderr)
    for lesson in lessons:
        states = load_states(course, lesson)
        by_status = {}
        for state in states.values():
            by_status[state["status"]] = by_status.get(state["status"], 0) + 1
        flagged = sum(1 for state in states.values() if state.get("flags"))
        totals = [sum(score for score, _ in state["scores"].values()) for state in states.values()]
        maximum = max((sum(m for _, m in state["scores"].values()) for state in states.values()), default=0)
        mean = sum(totals) / len(totals) if totals else 0.0
        counts = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items()))
        print(f"  {lesson}: {counts or 'no submissions'}; mean autograded score {mean:.1f}/{maximum:g}; "
              f"{flagged} flagged -> reports/{lesson}/index.html", file=sys.stderr)
    for problem in problems:
        print(f"  PROBLEM {problem}", file=sys.stderr)


def command_report(args):
    course = Path(args.course).resolve()
    config = load_config(course)
    for lesson in resolve_lessons(args.lessons, course, config):
        folder = write_report(course, config, gradebook.lesson_spec(course, lesson, config))
        print(folder / "index.html")
    return 0


def command_validate(args):
    """Run notebooks as the grader does, print each test's result, exit 1 if any test fails.

    Unlike `nbgrader validate`, whose exit code is 0 even when tests fail, this can gate a script
    or a CI job. It uses the tests in the notebook itself (the visible ones), not the gradebook.
    Like `nbgrader validate`, it also names each written answer that is still empty (and exits 1)."""
    import nbformat
    from nbgrader import utils

    unsandboxed = sandbox.check_sandbox() is not None
    if unsandboxed:
        print("(no sandbox on this machine: the notebooks run with your rights)", file=sys.stderr)
    limits = dict(grader.DEFAULT_LIMITS, cell_timeout=args.cell_timeout)
    all_passed = True
    for path in args.notebooks:
        path = Path(path)
        try:
            notebook = nbformat.read(str(path), as_version=4)
        except Exception as exc:                  # noqa: BLE001 -- corrupt JSON and friends
            print(f"{path}: cannot be read as a notebook: {exc}")
            all_passed = False
            continue
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        solutions = {cell.metadata.nbgrader["grade_id"] for cell in code if utils.is_solution(cell)}
        tests = {cell.metadata.nbgrader["grade_id"]: float(cell.metadata.nbgrader.get("points", 0))
                 for cell in code if utils.is_grade(cell) and not utils.is_solution(cell)}
        if not tests:
            print(f"{path}: has no test cells to run")
            all_passed = False
            continue
        spec = LessonSpec(lesson=path.stem, notebook=path.stem, setup=code[0].source,
                          functions=sorted(f for f in solutions if f"test_{f}" in tests), tests=tests,
                          language=edition_of(notebook))
        job = grader.build_lesson_job(notebook, spec)
        with tempfile.TemporaryDirectory(prefix="nettrain-validate-") as scratch:
            os.chmod(scratch, 0o755)
            runs, failure = phases.run_phases(scratch, [job], limits, unsandboxed, grader.redacted_library([spec]))
        if failure:
            print(f"{path}: could not be run: {failure}")
            all_passed = False
            continue
        result = LessonResult(lesson=spec.lesson, notebook=spec.notebook, status="graded")
        crashed = failed_course_cells(job, runs[spec.lesson]["notebook"])
        grader.merge(notebook, job, runs[spec.lesson], spec, result)
        passed = [grade_id for grade_id, (score, points) in result.scores.items() if score == points]
        say = translator(spec.language)          # a pt-BR notebook is answered in Portuguese
        print(f"{path}: " + say("{passed} of {total} tests pass", passed=len(passed), total=len(tests)))
        for grade_id in tests:
            if grade_id in passed:
                print("  " + say("PASS"), grade_id)
                continue
            print("  " + say("FAIL"), grade_id)
            for line in result.messages.get(grade_id, "").split("\n"):
                print(f"      {line}")
        all_passed = all_passed and len(passed) == len(tests)
        for label, message in crashed[:3]:
            print("  " + say("ERROR in {label} (a course cell, not a test): {message}", label=label, message=message))
        if len(crashed) > 3:
            print("  " + say("... and {more} more course cells failed", more=len(crashed) - 3))
        all_passed = all_passed and not crashed
        empty = empty_answers(notebook)
        for grade_id in empty:
            print("  " + say("EMPTY {grade_id}: the written answer is still empty; write it in the cell that says "
                             "YOUR ANSWER HERE", grade_id=grade_id))
        all_passed = all_passed and not empty
    return 0 if all_passed else 1


def failed_course_cells(job, records):
    """(label, message) of each cell that is neither a test nor a graded function and raised an error
    in the notebook run: a demo cell that crashes on a result the tests accepted (a list where the
    course needs an array), say. A function still raising NotImplementedError is reported by its test,
    so the cells that fail only because of one are left out."""
    crashed = []
    for cell, record in zip(job["cells"], records):
        if cell["test"] or cell["grade_id"] or record.get("status") != "error":
            continue
        if record.get("ename") == "NotImplementedError":
            continue
        crashed.append((f"cell {cell['cell']}", grader.message_of(record)))
    return crashed


def empty_answers(notebook):
    """grade_ids of the written (manually graded) answers still as released, as `nbgrader validate`
    sees them: the cell's checksum unchanged, or nothing but the YOUR ANSWER HERE placeholder."""
    from nbgrader import utils

    empty = []
    for cell in notebook.cells:
        if cell.cell_type == "code" or not (utils.is_grade(cell) and utils.is_solution(cell)):
            continue
        text = cell.source.strip()
        unchanged = cell.metadata.nbgrader.get("checksum") == utils.compute_checksum(cell)
        if unchanged or text in ("", "YOUR ANSWER HERE"):
            empty.append(cell.metadata.nbgrader["grade_id"])
    return empty


def command_check_sandbox(args):
    problem = sandbox.check_sandbox()
    if problem:
        print(f"sandbox NOT available: {problem}")
        return 1
    print("sandbox available: bubblewrap and prlimit work on this machine")
    uid = sandbox.sandbox_uid()
    if uid is not None:
        print(f"you are root: student code runs as the unprivileged uid {sandbox.SANDBOX_UID_BASE}+ (one per worker)")
    from .cgroup import Cgroup

    group = Cgroup.create(f"nettrain-check-{os.getpid()}", 2**30, 64)
    if group is None:
        print("no control group can be made here: memory (2 GB) and processes are limited per process only; "
              "run as root, or in a delegated cgroup v2 subtree, for limits on the whole sandbox")
    else:
        group.remove()
        print("control groups work: each sandbox's memory and processes are limited as a whole")
    return 0


def parser():
    main = argparse.ArgumentParser(prog="nettrain-grade", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = main.add_subparsers(dest="command", required=True)
    grade = commands.add_parser("grade", help="collect, autograde, feedback, export and report")
    grade.add_argument("lessons", nargs="+", help="lesson ids, or `all`")
    grade.add_argument("--course", default=".", help="course folder (with nbgrader_config.py); default: here")
    source = grade.add_mutually_exclusive_group()
    source.add_argument("--from-exchange", action="store_true", help="run `nbgrader collect` first")
    source.add_argument("--from", dest="from_path", metavar="ZIP_OR_FOLDER",
                        help="LMS download: a .zip or a folder of notebooks")
    grade.add_argument("--pattern", default=collect.DEFAULT_PATTERN,
                       help="regular expression with a (?P<student>...) group, matched against file names "
                            f"(default: {collect.DEFAULT_PATTERN!r}: the text before the first underscore)")
    grade.add_argument("--students", help="only these students (comma-separated ids)")
    grade.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel workers (default: cores)")
    grade.add_argument("--regrade", action="store_true", help="grade again even if nothing changed")
    grade.add_argument("--cell-timeout", type=int, default=grader.DEFAULT_LIMITS["cell_timeout"],
                       help="seconds a cell may run (default: %(default)s)")
    grade.add_argument("--lesson-timeout", type=int, default=grader.DEFAULT_LIMITS["lesson_seconds"],
                       help="seconds one lesson of one student may take in all (default: %(default)s)")
    grade.add_argument("--no-feedback", action="store_true", help="skip generating feedback")
    grade.add_argument("--release-feedback", action="store_true",
                       help="after grading, `nbgrader release_feedback` to the exchange")
    grade.add_argument("--unsandboxed", action="store_true",
                       help="grade even if the sandbox is unavailable (student code gets your rights)")
    grade.set_defaults(run=command_grade)
    rep = commands.add_parser("report", help="rebuild reports/<lesson>/ from the gradebook")
    rep.add_argument("lessons", nargs="+")
    rep.add_argument("--course", default=".")
    rep.set_defaults(run=command_report)
    validate = commands.add_parser("validate", help="run notebooks' tests; exit 1 if any fails")
    validate.add_argument("notebooks", nargs="+")
    validate.add_argument("--cell-timeout", type=int, default=grader.DEFAULT_LIMITS["cell_timeout"])
    validate.set_defaults(run=command_validate)
    check = commands.add_parser("check-sandbox", help="say whether the sandbox works here")
    check.set_defaults(run=command_check_sandbox)
    return main


def main(argv=None):
    import warnings

    # nbgrader's update_or_create_submission makes SQLAlchemy warn "... not in session": harmless.
    warnings.filterwarnings("ignore", message=".*not in session.*")
    args = parser().parse_args(argv)
    if getattr(args, "workers", 1) < 1:
        raise SystemExit(f"--workers must be at least 1; received {args.workers}")
    if getattr(args, "lesson_timeout", 1) < 1:
        raise SystemExit(f"--lesson-timeout must be at least 1 (seconds); received {args.lesson_timeout}")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
