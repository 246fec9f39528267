"""How long does a whole class take to grade? nettrain-grade against serial `nbgrader autograde`.

    .venv/bin/python -m bench.grading_class                 # from the repository root: 100 students x every lesson
    .venv/bin/python -m bench.grading_class --students 20 --serial-sample 3

Builds a synthetic class in a scratch course (seeded, so every run grades the same class): for each
student and lesson a realistic submission, drawn from
    correct        the instructor's solution, with each function swapped for a correct variant
                   written differently half of the time (tests/support/submissions/<lesson>.py)
    partly wrong   one to three functions replaced by mistakes students really make
    blank          the notebook as released
    broken         a syntax error, an exception at import, corrupt JSON, or no notebook at all
    tampering      numpy monkeypatched so that every comparison passes, with a wrong function
and one notebook with an infinite loop (it costs a whole cell timeout, as it would in a real class).
Then it times `nettrain-grade grade all` (grading, feedback, reports, export) and times serial
`nbgrader autograde` + `generate_feedback` on a sample of the same students, and projects the
sample to the whole class. Prints a table; nothing is asserted (this is a benchmark, not a test).
"""
import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np

from tests.support.coursetools import (
    ROOT,
    add_students,
    fill_notebook,
    lesson_ids,
    make_course,
    nbgrader,
    nbgrader_env,
    read_notebook,
    reference_sources,
)

MIX = {"correct": 0.45, "partly wrong": 0.30, "blank": 0.10, "broken": 0.10, "tampering": 0.05}


def submissions_module(lesson):
    spec = importlib.util.spec_from_file_location(f"submissions_{lesson}",
                                                  ROOT / "tests" / "support" / "submissions" / f"{lesson}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG, module.CORRECT


def make_submission(kind, lesson, release, rng):
    """(notebook or raw text or None) for one student's lesson of the given kind."""
    solution = reference_sources(lesson)
    wrong, correct = submissions_module(lesson)
    sources = dict(solution)
    if kind in ("correct", "partly wrong", "tampering"):
        for function, variants in correct.items():
            if rng.random() < 0.5:
                sources[function] = variants[rng.integers(len(variants))][1]
    if kind == "partly wrong":
        for function in rng.choice(sorted(wrong), size=min(len(wrong), rng.integers(1, 4)), replace=False):
            variants = wrong[function]
            sources[function] = variants[rng.integers(len(variants))][1]
    if kind == "tampering":
        function = sorted(wrong)[0]
        sources[function] = wrong[function][0][1] + "\nnp.allclose = lambda *args, **kwargs: True\n"
    if kind == "blank":
        return release
    if kind == "broken":
        flavour = rng.integers(4)
        if flavour == 0:
            return "{ this is not a notebook"
        if flavour == 1:
            return None
        function = sorted(solution)[rng.integers(len(solution))]
        sources[function] = f"def {function}(:\n    pass\n" if flavour == 2 else \
            f"raise RuntimeError('half-finished cell')\n{solution[function]}"
    return fill_notebook(release, sources)


def build_class(course, students, rng):
    lessons = lesson_ids()
    kinds = list(MIX)
    counts = dict.fromkeys(kinds, 0)
    for lesson in lessons:
        nbgrader(course, "generate_assignment", lesson, "--force")
    releases = {lesson: read_notebook(course / "lessons" / lesson / f"{lesson}.ipynb") for lesson in lessons}
    ids = [f"student{number:03d}" for number in range(students)]
    for student in ids:
        for lesson in lessons:
            kind = kinds[rng.choice(len(kinds), p=list(MIX.values()))]
            counts[kind] += 1
            write(course, student, lesson, make_submission(kind, lesson, releases[lesson], rng))
    # one student's first function never returns: a real class has one of these
    hang = fill_notebook(releases[lessons[0]], {**reference_sources(lessons[0]),
                                               sorted(reference_sources(lessons[0]))[0]:
                                               f"def {sorted(reference_sources(lessons[0]))[0]}(*args, **kwargs):\n"
                                               "    while True:\n        pass\n"})
    write(course, ids[-1], lessons[0], hang)
    add_students(course, ids)
    return ids, lessons, counts


def write(course, student, lesson, notebook):
    folder = course / "submitted" / student / lesson
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    path = folder / f"{lesson}.ipynb"
    if isinstance(notebook, str):
        path.write_text(notebook)
    elif notebook is not None:
        nbformat.write(notebook, str(path))


def timed(argv, cwd):
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=nbgrader_env(cwd), capture_output=True, text=True)
    return time.perf_counter() - started, result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--serial-sample", type=int, default=5, help="students graded with serial nbgrader")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", help="build the class in this folder and keep it")
    args = parser.parse_args()

    scratch = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="nettrain-bench-"))
    shutil.rmtree(scratch / "course", ignore_errors=True)
    scratch.mkdir(parents=True, exist_ok=True)
    course = make_course(scratch)
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    ids, lessons, counts = build_class(course, args.students, rng)
    notebooks = len(ids) * len(lessons)
    print(f"class: {len(ids)} students x {len(lessons)} lessons = {notebooks} notebooks "
          f"({', '.join(f'{n} {kind}' for kind, n in counts.items())}, 1 infinite loop), "
          f"built in {time.perf_counter() - started:.0f} s", flush=True)

    # The serial baseline works on a copy holding only the sample students.
    serial = scratch / "serial"
    shutil.rmtree(serial, ignore_errors=True)
    shutil.copytree(course, serial, ignore=shutil.ignore_patterns("submitted"))
    sample = ids[:args.serial_sample]
    for student in sample:
        shutil.copytree(course / "submitted" / student, serial / "submitted" / student)

    seconds, result = timed([sys.executable, "-m", "nettrain_grading.cli", "grade", "all",
                             "--workers", str(args.workers)], course)
    if result.returncode != 0:
        print(result.stderr[-2000:])
    summary = [line for line in result.stderr.splitlines() if line.startswith(("graded", "  "))]
    autograde = feedback = 0.0
    for lesson in lessons:
        spent, outcome = timed([sys.executable, "-m", "nbgrader", "autograde", lesson], serial)
        autograde += spent
        spent, _ = timed([sys.executable, "-m", "nbgrader", "generate_feedback", lesson], serial)
        feedback += spent
    sampled = len(sample) * len(lessons)
    projected = (autograde + feedback) / sampled * notebooks

    print()
    print(f"{'':44s}{'seconds':>10s}{'notebooks/min':>15s}")
    print(f"{'nettrain-grade, ' + str(args.workers) + ' workers, sandboxed (measured)':44s}"
          f"{seconds:10.0f}{notebooks / seconds * 60:15.0f}")
    print(f"{'serial nbgrader autograde + feedback':44s}{autograde + feedback:10.0f}"
          f"{sampled / (autograde + feedback) * 60:15.0f}   ({sampled} notebooks: {len(sample)} students)")
    print(f"{'  projected to the whole class':44s}{projected:10.0f}")
    print(f"speed-up over serial nbgrader: {projected / seconds:.1f}x; "
          f"whole class {'within' if seconds < 600 else 'OVER'} the 10-minute target")
    print("\n".join(summary))
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
