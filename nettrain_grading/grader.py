"""Grading one student: prepare their notebooks with nbgrader, run them in the sandbox, merge the results.

This runs in a worker process outside the sandbox and only reads the gradebook; the main process
writes every result into the gradebook (gradebook.py), so parallel workers never compete for it.
"""
import os
import re
import tempfile
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec

from nettrain_lib.i18n import translator

from . import phases
from .course import function_of
from .state import LessonResult, fingerprint, read_timestamp, regular_file
from .wire import cut

DEFAULT_LIMITS = {
    "cell_timeout": 60,          # seconds per cell, as nbgrader_config.py's Execute.timeout
    "kill_grace": 5,             # seconds after a time limit for the sandbox to answer, before it is killed
    "memory_mb": 2048,           # address space per notebook run
    "cpu_seconds": 300,          # CPU time per notebook run
    "lesson_seconds": 900,       # wall-clock time for a whole lesson (both runs): a runner that is
}                                # stopped (SIGSTOP) or sleeps cannot hold a worker longer than this


def sanitize(notebook, config, resources):
    """nbgrader's own sanitising steps: clear outputs, restore test and read-only cells from the gradebook."""
    for step in (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata):
        notebook, resources = step(config=config).preprocess(notebook, resources)
    return notebook


def build_lesson_job(notebook, spec):
    """One notebook, as phases.py runs it: its code cells (tests marked) and the clean re-check's sequence."""
    cells, sequence = [], []
    first_code = True
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        is_test = utils.is_grade(cell) and not utils.is_solution(cell)
        demo = not first_code and not grade_id and cell.source in spec.demos
        cells.append({"cell": index, "source": cell.source, "test": is_test, "grade_id": grade_id,
                      "course_demo": demo, "function": function_of(grade_id, spec) if is_test else None})
        if is_test:
            if grade_id in spec.tests:
                sequence.append({"kind": "test", "grade_id": grade_id, "function": function_of(grade_id, spec),
                                 "source": cell.source})
        elif not first_code and not demo:
            sequence.append({"kind": "cell", "label": grade_id or f"cell {index}", "source": cell.source,
                             "exercise": utils.is_solution(cell)})
        first_code = False
    return {"lesson": spec.lesson, "cells": cells, "language": spec.language,
            "clean": {"setup": spec.setup, "sequence": sequence, "functions": spec.functions}}


# What the sandbox hands back is cut to these sizes here, outside it, whatever the runner did inside:
# a cell can raise an exception whose class name alone is 10 MB.
TEXT_LIMITS = {"ename": 200, "evalue": 2_000, "stdout": 20_000, "stderr": 20_000, "traceback": 20_000}
LIST_LIMIT, ITEM_LIMIT = 20, 500


def bounded(record):
    """A runner record with every text cut to its limit and every list to LIST_LIMIT short items."""
    if not isinstance(record, dict):
        return {"status": "error", "ename": "BadRecord", "evalue": "the grading process sent a malformed result"}
    record = dict(record)
    for key, limit in TEXT_LIMITS.items():
        if key in record:
            record[key] = cut(record[key], limit)
    for key in ("notes", "tampered", "reference"):
        if isinstance(record.get(key), list):
            record[key] = [cut(item, ITEM_LIMIT) for item in record[key][:LIST_LIMIT]]
    return record


def message_of(record):
    if record.get("status") == "ok":
        return ""
    return f"{record.get('ename', 'Error')}: {record.get('evalue', '')}".strip()


def outputs_of(record, is_test):
    outputs = []
    for name in ("stdout", "stderr"):
        if record.get(name):
            outputs.append(nbformat.v4.new_output("stream", name=name, text=record[name]))
    if record.get("status") != "ok":
        text = record.get("traceback") or message_of(record)
        outputs.append(nbformat.v4.new_output("error", ename=record.get("ename", "Error"),
                                              evalue=record.get("evalue", ""),
                                              traceback=[message_of(record)] if is_test else text.splitlines()))
    return outputs


def merge(notebook, job, runs, spec, result):
    """Put the runs' outputs into the notebook and decide each test's score.

    A test scores its points only if it passed in the notebook run AND in the clean re-check; a
    disagreement is flagged for the instructor with both messages."""
    say = translator(spec.language)         # the grader's own words in the lesson's language
    notebook_records = [bounded(record) for record in runs["notebook"]]
    clean_records = [bounded(record) for record in runs["clean"]]
    tests = [entry for entry in job["clean"]["sequence"] if entry["kind"] == "test"]
    clean_by_test = {test["grade_id"]: record for test, record in zip(tests, clean_records)}
    for cell_info, record in zip(job["cells"], notebook_records):
        cell = notebook.cells[cell_info["cell"]]
        grade_id = cell_info["grade_id"]
        cell.outputs = [] if record.get("status") == "skipped" else outputs_of(record, cell_info["test"])
        cell.execution_count = None
        if not cell_info["test"] or grade_id not in spec.tests:
            continue
        clean = clean_by_test.get(grade_id, {"status": "error", "ename": "NotRun", "evalue": say("not re-checked")})
        points = spec.tests[grade_id]
        passed_notebook, passed_clean = record.get("status") == "ok", clean.get("status") == "ok"
        message = message_of(record) or message_of(clean)
        if passed_notebook and not passed_clean:
            evalue = say("passed in your notebook but failed the grader's clean re-check: {message}",
                         message=message_of(clean))
            cell.outputs.append(nbformat.v4.new_output(
                "error", ename="ReCheckFailed", evalue=evalue,
                traceback=["ReCheckFailed: " + say("passed in your notebook but failed the grader's clean re-check "
                                                   "(your functions alone, without the notebook's other code): "
                                                   "{message}", message=message_of(clean))]))
            detail = "; ".join(clean.get("notes", [])[:3])
            result.flags.append(f"{grade_id}: passed in the notebook but not in the clean re-check "
                                f"({message_of(clean)})" + (f" [re-check notes: {detail}]" if detail else ""))
        if clean.get("reference"):
            result.flags.append(f"{grade_id}: the function under test called the course's own version "
                                f"(switched off for the re-check): {clean['reference'][0]}")
        if clean.get("ename") == "ChannelBroken" or record.get("ename") == "ChannelBroken":
            result.flags.append(f"{grade_id}: TAMPERING: {message_of(clean) or message_of(record)}")
        if record.get("tampered") and not clean.get("tampered"):
            result.flags.append(f"{grade_id}: TAMPERING: in the notebook run, {', '.join(record['tampered'][:5])} "
                                "(undone; verdicts are made outside the sandbox)")
        if clean.get("tampered"):
            result.flags.append(f"{grade_id}: TAMPERING: the notebook's definitions changed "
                                f"{', '.join(clean['tampered'][:5])} (undone for the re-check)")
        result.scores[grade_id] = (points if passed_notebook and passed_clean else 0.0, points)
        result.messages[grade_id] = message
    for grade_id, points in spec.tests.items():
        result.scores.setdefault(grade_id, (0.0, points))
        result.messages.setdefault(grade_id, "this test cell is missing from the notebook")
    return notebook


def zero_result(result, spec, status, reason):
    result.status, result.reason = status, reason
    result.scores = {grade_id: (0.0, points) for grade_id, points in spec.tests.items()}
    result.messages = {grade_id: reason for grade_id in spec.tests}
    return result


def grade_student(course, student, specs, config, db_url, limits, unsandboxed=False, library=None):
    """Grade every lesson of `specs` for one student; returns a list of LessonResult."""
    results, prepared = [], []
    for spec in specs:
        path = Path(course) / "submitted" / student / spec.lesson / f"{spec.notebook}.ipynb"
        result = LessonResult(lesson=spec.lesson, notebook=spec.notebook, status="graded")
        results.append(result)
        if not os.path.lexists(path):
            zero_result(result, spec, "missing", f"no {spec.notebook}.ipynb was submitted")
            continue
        result.fingerprint = fingerprint(path, spec.version)
        if not regular_file(path):
            zero_result(result, spec, "unreadable", f"{spec.notebook}.ipynb (or its folder) is a symbolic link or "
                        "a special file, not a notebook: it was not opened")
            continue
        result.timestamp, problem = read_timestamp(path.parent)
        if problem:
            result.flags.append(problem)
        try:
            notebook = nbformat.read(str(path), as_version=4)
            resources = {"nbgrader": {"notebook": spec.notebook, "assignment": spec.lesson,
                                      "student": student, "db_url": db_url}}
            notebook = sanitize(notebook, config, resources)
        except Exception as exc:                  # noqa: BLE001 -- corrupt JSON, broken metadata, ...
            reason = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
            zero_result(result, spec, "unreadable", f"the notebook could not be read: {reason}")
            continue
        prepared.append((result, spec, notebook, build_lesson_job(notebook, spec)))
    if not prepared:
        return results

    with tempfile.TemporaryDirectory(prefix=f"nettrain-{re.sub(r'[^A-Za-z0-9_-]', '_', student)}-") as scratch:
        os.chmod(scratch, 0o755)
        lessons = [lesson_job for *_, lesson_job in prepared]
        runs, failure = phases.run_phases(scratch, lessons, limits, unsandboxed, library or redacted_library(specs))
    for result, spec, notebook, lesson_job in prepared:
        if failure is not None or spec.lesson not in runs:
            zero_result(result, spec, "failed", f"the grader could not run this notebook: {failure}")
            continue
        lesson_runs = runs[spec.lesson]
        result.seconds = lesson_runs.get("seconds", 0.0)
        merged = merge(notebook, lesson_job, lesson_runs, spec, result)
        result.notebook_json = nbformat.writes(merged)
    return results


_REDACTED = {}


def redacted_library(specs, names=()):
    """The copy of nettrain_lib without the reference version of any graded function (of `specs`, and
    `names`), built once per process and graded-function set (in a folder of its own, removed when the
    process ends)."""
    graded = tuple(sorted({name for spec in specs for name in spec.functions} | set(names)))
    if graded not in _REDACTED:
        import atexit
        import shutil

        folder = tempfile.mkdtemp(prefix="nettrain-redacted-")
        os.chmod(folder, 0o755)
        atexit.register(shutil.rmtree, folder, True)
        from . import redact

        _REDACTED[graded] = redact.build(Path(folder), graded)
    return _REDACTED[graded]
