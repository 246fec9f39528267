"""Helpers for the course-level tests: find the lessons, run real nbgrader commands in a scratch course.

Every nbgrader command runs in a subprocess with the test's own interpreter, so the tests exercise
exactly what an instructor runs, with the same configuration file.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
COURSE_ID = "nettrain"


def lesson_ids():
    """The lesson ids: every solutions/<id>/ that holds solutions/<id>/<id>.ipynb."""
    return sorted(
        path.name for path in (ROOT / "solutions").iterdir() if (path / f"{path.name}.ipynb").is_file()
    )


def read_notebook(path):
    return nbformat.read(str(path), as_version=4)


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def nbgrader_env(home):
    """Environment for nbgrader subprocesses: the venv's bin first (nbgrader calls `alembic`), and a
    private Jupyter data directory so that no kernel registered by the user replaces ours."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["JUPYTER_DATA_DIR"] = str(Path(home) / "jupyter-data")
    env["PYTHONWARNINGS"] = "ignore"
    return env


def nbgrader(course, *args):
    """Run `python -m nbgrader ARGS` in the course folder; fail with its output if it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=nbgrader_env(course),
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"`nbgrader {' '.join(args)}` exited with {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result


def add_students(course, students):
    """Add students to the gradebook in one go (one nbgrader command per student would take seconds each)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{Path(course) / 'gradebook.db'}", course_id=COURSE_ID) as gradebook:
        for student in students:
            gradebook.update_or_create_student(student)


def make_course(tmp_path, edition=""):
    """A scratch course folder: the repository's nbgrader_config.py and solutions/ (of the translated
    edition `edition`, e.g. "pt_BR", when given), nothing else."""
    course = Path(tmp_path) / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    if edition:                 # its nbgrader_config.py extends the root's, which it finds in ../
        shutil.copy(ROOT / "nbgrader_config.py", course.parent / "nbgrader_config.py")
        shutil.copy(ROOT / edition / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(ROOT / edition / "solutions", course / "solutions",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return course


SOLUTION_REGION = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n|^[ \t]*### END SOLUTION[ \t]*\n?", re.MULTILINE)
# A test cell's hidden tests, markers included; group 1 is what lies between the markers.
HIDDEN_REGION = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[ \t]*\n(.*?)^[ \t]*### END HIDDEN TESTS[ \t]*\n?",
                           re.DOTALL | re.MULTILINE)


def reference_sources(lesson):
    """{grade_id: source} of the instructor's solution cells, with the solution markers removed."""
    notebook = read_notebook(ROOT / "solutions" / lesson / f"{lesson}.ipynb")
    return {
        grade_id(cell): SOLUTION_REGION.sub("", cell.source)
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
    }


def fill_notebook(student_notebook, sources):
    """A copy of the student notebook with the solution cells named in `sources` replaced."""
    notebook = nbformat.from_dict(student_notebook)
    for cell in notebook.cells:
        if grade_id(cell) in sources:
            cell.source = sources[grade_id(cell)]
    return notebook


def cell_results(course, lesson, student):
    """{grade_id: (score, max_score, error_text)} for every autograded test cell of a submission."""
    from nbgrader.api import Gradebook

    errors = {}
    autograded = read_notebook(Path(course) / "autograded" / student / lesson / f"{lesson}.ipynb")
    for cell in autograded.cells:
        if cell.cell_type == "code":
            errors[grade_id(cell)] = "\n".join(
                f"{out.get('ename', '')}: {out.get('evalue', '')}"
                for out in cell.get("outputs", [])
                if out.get("output_type") == "error"
            )
    results = {}
    with Gradebook(f"sqlite:///{Path(course) / 'gradebook.db'}", course_id=COURSE_ID) as gradebook:
        submission = gradebook.find_submission_notebook(lesson, lesson, student)
        for grade in submission.grades:
            if grade.cell_type == "code":
                results[grade.name] = (grade.score, grade.max_score, errors.get(grade.name, ""))
    return results


def portuguese_catalogues(lesson):
    """The pt-BR catalogues a pt-BR student of `lesson` reads from: the lesson's, then the library's."""
    from nettrain_grading import translate

    return [translate.read_catalogue(path, "pt_BR") for path in
            (translate.catalogue_path("pt_BR", lesson), ROOT / translate.LIBRARY_CATALOGUE.format(language="pt_BR"))]
