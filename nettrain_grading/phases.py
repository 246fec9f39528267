"""The two runs of one student's notebooks, each in a fresh sandbox of its own.

- the *notebook run* executes the notebook cell by cell as nbgrader would, in a sandbox with the
  whole course library; at each test cell the test runs out here (session.Run.test), calling the
  functions the notebook has defined so far. It first leaves out the course's demonstration cells
  that the student did not change, and runs every cell only if a test then misses a name;
- the *clean re-check* starts a new sandbox in which nettrain_lib is the redacted copy (no reference
  version of any graded function: nettrain_grading.redact), runs the course's setup cell and only
  the definitions of the student's cells (imports, def, class, NAME = value), and runs again, out
  here, each test that passed in the notebook run.

A test scores only if it passed in both. A cell or test that hangs or kills its process is recorded
as such, and the run starts again in a new child that replays the cells before it and skips it.
Both runs together have at most `lesson_seconds` per lesson of wall-clock time.
"""
import os
import time

from nettrain_lib import i18n

from . import sandbox
from .cgroup import Cgroup
from .channel import Channel, Stopped
from .session import Run

WALL_TIMEOUT = "the grading process ran longer than"
FATAL = ("timeout", "crashed", "broken")


class PhaseOver(Exception):
    """The phase used up its time: what is left is not run."""


class Sandboxes:
    """Fresh sandboxes for one phase of one student, started when needed."""

    def __init__(self, scratch, limits, unsandboxed, deadline, library=None):
        self.scratch, self.limits, self.unsandboxed = scratch, limits, unsandboxed
        self.deadline, self.library = deadline, library
        self.channel = None
        self.started = 0

    def run(self):
        """A Run in a new child; a new sandbox if the last one is gone."""
        if time.monotonic() >= self.deadline:
            raise PhaseOver()
        if self.channel is None or not self.channel.alive:
            self.close()
            if self.started >= 20:
                raise Stopped("broken", "the sandbox had to be started again too often")
            self.started += 1
            limits = dict(self.limits, sandbox_cpu_seconds=self.limits["cpu_seconds"] * 4 + 60)
            group = None
            if self.unsandboxed:
                argv, env = sandbox.unsandboxed_command(), sandbox.unsandboxed_env(self.library)
            else:
                argv, env = sandbox.bwrap_command(limits, library=self.library), None
                group = Cgroup.create(f"nettrain-{os.getpid()}-{time.monotonic_ns()}",
                                      sandbox.sandbox_memory_bytes(self.limits), sandbox.SANDBOX_PROCESSES + 16)
            self.channel = Channel(argv, env, self.scratch, self.limits, self.deadline, group)
        return Run(self.channel, self.limits)

    def close(self):
        if self.channel is not None:
            self.channel.close()
            self.channel = None


def start(sandboxes, mode, setup=""):
    """A started Run; one more try in a new sandbox if the first cannot start."""
    for attempt in range(2):
        run = sandboxes.run()
        try:
            return run, run.start(mode, setup)
        except Stopped:
            sandboxes.close()
            if attempt:
                raise
    raise AssertionError("unreachable")


NOT_RUN = {"status": "error", "ename": "NotRun", "evalue": "the grader could not run this cell"}


def notebook_run(sandboxes, lesson, skipped=()):
    """Records of every cell of the notebook, in order."""
    cells = lesson["cells"]
    records = {index: {"status": "skipped"} for index in skipped}
    broken = set()

    def attempt(run, note):
        """True when the run must start again (in a new child), without the cell that broke it."""
        for index, cell in enumerate(cells):
            if index in broken or index in skipped:
                continue
            replay = index in records
            if cell["test"]:
                if replay:
                    continue
                record = run.test(cell["source"], cell["grade_id"], cell.get("function"))
            else:
                record = run.cell(cell["source"], cell.get("grade_id") or f"cell {index}", False)
            records.setdefault(index, record)
            if record.get("stopped") in FATAL or (replay and record.get("status") in ("timeout", "crashed")):
                broken.add(index)
                return True
        return False

    until_done(sandboxes, "notebook", "", attempt)
    return [records.get(index, NOT_RUN) for index in range(len(cells))]


def until_done(sandboxes, mode, setup, attempt):
    """Start a run and call attempt(run, setup note) until it finishes without asking for a restart.
    Each restart follows a cell marked broken, so there are at most as many as cells."""
    while attempt(*start(sandboxes, mode, setup)):
        pass


def notebook_results(sandboxes, lesson):
    """The notebook run, first without the course's unchanged demonstration cells (they take most of a
    notebook's time and grade nothing); if a test then misses a name, the whole notebook again."""
    fast = [index for index, cell in enumerate(lesson["cells"]) if cell.get("course_demo")]
    if fast:
        results = notebook_run(sandboxes, lesson, skipped=fast)
        if not any(record.get("ename") == "NameError" for record in results):
            return results
    return notebook_run(sandboxes, lesson)


def clean_results(sandboxes, lesson, passed):
    """The clean re-check of the tests that passed in the notebook run (a failed one scores 0 anyway)."""
    clean = lesson["clean"]
    tests = [entry for entry in clean["sequence"] if entry["kind"] == "test"]
    records = {number: {"status": "skipped"} for number, test in enumerate(tests) if test["grade_id"] not in passed}
    if len(records) == len(tests):
        return [records[number] for number in range(len(tests))]
    broken = set()

    def attempt(run, note):
        notes, tampered, number = [note] if note else [], [], -1
        for position, entry in enumerate(clean["sequence"]):
            if entry["kind"] == "cell":
                if position in broken:
                    continue
                record = run.cell(entry["source"], entry["label"], entry["exercise"])
                if record.get("stopped") in FATAL:
                    broken.add(position)
                    return True
                notes += [str(item) for item in record.get("notes", [])][:20]
                tampered += [str(item) for item in record.get("tampered", [])][:10]
                continue
            number += 1
            if number in records:
                continue
            record = run.test(entry["source"], entry["grade_id"], entry["function"])
            record["notes"] = notes[-20:]
            if tampered:
                record["tampered"] = tampered[:10]
            records[number] = record
            if record.get("stopped") in FATAL:
                return True
        return False

    until_done(sandboxes, "clean", clean["setup"], attempt)
    return [records.get(number, NOT_RUN) for number in range(len(tests))]


def passed_tests(lesson, notebook_records):
    """grade_ids of the test cells that passed in the notebook run: the ones the re-check runs again."""
    return sorted(cell["grade_id"] for cell, record in zip(lesson["cells"], notebook_records)
                  if cell["test"] and isinstance(record, dict) and record.get("status") == "ok")


def run_phases(scratch, lessons, limits, unsandboxed, library):
    """Both runs of every lesson of one student: ({lesson: {"notebook", "clean", "seconds"}}, None),
    or ({}, reason) when they could not run. The re-check runs in new sandboxes, with `library`."""
    budget = limits["lesson_seconds"] * len(lessons)
    deadline = time.monotonic() + budget
    runs = {lesson["lesson"]: {"seconds": 0.0} for lesson in lessons}

    def notebook(sandboxes, lesson, entry):
        entry["notebook"] = notebook_results(sandboxes, lesson)

    def clean(sandboxes, lesson, entry):
        entry["clean"] = clean_results(sandboxes, lesson, set(passed_tests(lesson, entry["notebook"])))

    for step, name, phase_library in ((notebook, "the notebook run", None), (clean, "the re-check", library)):
        sandboxes = Sandboxes(scratch, limits, unsandboxed, deadline, library=phase_library)
        try:
            for lesson in lessons:
                begun = time.monotonic()
                entry = runs[lesson["lesson"]]
                # The test cells run in this process: their messages in the lesson's language.
                with i18n.using(lesson.get("language", "en")):
                    step(sandboxes, lesson, entry)
                entry["seconds"] = round(entry["seconds"] + time.monotonic() - begun, 3)
        except PhaseOver:
            return {}, f"{WALL_TIMEOUT} {budget} s (its lesson time: the whole sandbox was ended)"
        except Stopped as stop:
            return {}, f"the sandbox could not run {name}: {stop}"
        finally:
            sandboxes.close()
    return runs, None
