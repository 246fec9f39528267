"""Reading the course from nbgrader's gradebook and writing grades into it (main process only).

Only the main process writes, one student at a time, so parallel workers never meet a locked
database, and a result is in the gradebook before it is marked done in grading/<lesson>/<student>.json
(state.save_state).
"""
import hashlib
import json
import shutil
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry

from .course import LessonSpec, edition_of
from .state import regular_file


def db_url(course):
    return f"sqlite:///{Path(course).resolve() / 'gradebook.db'}"


def lesson_spec(course, lesson, config):
    """The graded functions, test cells and setup cell of `lesson`, from the gradebook and solutions/."""
    with Gradebook(db_url(course), course_id=config.CourseDirectory.course_id) as gradebook:
        try:
            assignment = gradebook.find_assignment(lesson)
        except MissingEntry:
            raise SystemExit(f"lesson {lesson!r} is not in the gradebook: run "
                             f"`nbgrader generate_assignment {lesson} --force` first") from None
        if len(assignment.notebooks) != 1:
            raise SystemExit(f"lesson {lesson!r} has {len(assignment.notebooks)} notebooks; nettrain "
                             "lessons have exactly one")
        notebook = assignment.notebooks[0]
        solution_names = {cell.name for cell in notebook.solution_cells}
        sources = sorted((cell.name, cell.source or "") for cell in notebook.source_cells)
        functions = sorted(name for name in solution_names if name.isidentifier())
        tests = {cell.name: float(cell.max_score) for cell in notebook.grade_cells
                 if cell.cell_type == "code" and cell.name not in solution_names}
        name = notebook.name
    source_dir = config.CourseDirectory.source_directory
    source = nbformat.read(str(Path(course) / source_dir / lesson / f"{name}.ipynb"), as_version=4)
    code = [cell for cell in source.cells if cell.cell_type == "code"]
    demos = frozenset(cell.source for cell in code[1:] if not cell.metadata.get("nbgrader"))
    graded = [function for function in functions if f"test_{function}" in tests]
    version = hashlib.sha256(json.dumps([code[0].source, sorted(tests.items()), sources]).encode())
    return LessonSpec(lesson=lesson, notebook=name, setup=code[0].source, functions=graded, tests=tests,
                      demos=demos, version=version.hexdigest()[:16], language=edition_of(source))


def record(course, course_id, student, result, spec):
    """Write one student's lesson into the gradebook and autograded/; returns the autograded path."""
    with Gradebook(db_url(course), course_id=course_id) as gradebook:
        gradebook.update_or_create_student(student)
        timestamp = utils.parse_utc(result.timestamp) if result.timestamp else None
        submission = gradebook.update_or_create_submission(spec.lesson, student, timestamp=timestamp)
        notebook_row = gradebook.find_submission_notebook(spec.notebook, spec.lesson, student)
        graded_notebook = nbformat.reads(result.notebook_json, as_version=4) if result.notebook_json else None
        cells = {}
        if graded_notebook is not None:
            cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in graded_notebook.cells}
        for grade in notebook_row.grades:
            if grade.name in result.scores:
                grade.auto_score = result.scores[grade.name][0]
            elif grade.name in cells and result.status == "graded" and utils.is_grade(cells[grade.name]):
                grade.auto_score, _ = utils.determine_grade(cells[grade.name])     # written answers: None
            elif grade.name in cells and result.status == "graded":
                grade.auto_score = None           # its nbgrader metadata was edited: a human decides
                result.flags.append(f"{grade.name}: the cell's nbgrader metadata was changed in the submission "
                                    "(it is no longer a graded cell); score it by hand")
            else:
                grade.auto_score = 0.0                                          # nothing to grade
            grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
        for comment in notebook_row.comments:
            cell = cells.get(comment.name)
            unchanged = cell is not None and cell.metadata.get("nbgrader", {}).get("checksum") == \
                utils.compute_checksum(cell)
            comment.auto_comment = "No response." if cell is None or unchanged else None
        gradebook.db.commit()
        del submission
    if graded_notebook is None:
        return None
    destination = Path(course) / "autograded" / student / spec.lesson
    destination.mkdir(parents=True, exist_ok=True)
    nbformat.write(graded_notebook, str(destination / f"{spec.notebook}.ipynb"))
    # Like nbgrader's autograde: the submission's other files come along (timestamp.txt, and the
    # exchange's submission_secret.txt, without which release_feedback cannot address the student).
    submitted = Path(course) / "submitted" / student / spec.lesson
    for path in submitted.iterdir():
        if regular_file(path) and path.suffix != ".ipynb":      # never a link or a special file
            shutil.copy(path, destination / path.name)
    return destination


def final_scores(course, course_id, lesson):
    """{student: {grade_id: (score, max_score, needs a human)}} as the gradebook has them now."""
    scores = {}
    with Gradebook(db_url(course), course_id=course_id) as gradebook:
        assignment = gradebook.find_assignment(lesson)
        for submission in assignment.submissions:
            for notebook in submission.notebooks:
                scores[submission.student.id] = {
                    grade.name: (grade.score, grade.max_score, grade.needs_manual_grade)
                    for grade in notebook.grades}
    return scores
