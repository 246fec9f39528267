"""lessons/ is generated from solutions/ by nbgrader and never edited by hand; so is each
translated edition's (pt_BR/lessons/ from pt_BR/solutions/).

Regenerating every lesson in a scratch copy must give byte-identical files, and the student
version must hold no solution code and no hidden tests.
"""
import filecmp
import re

import pytest

from tests.support.coursetools import ROOT, grade_id, lesson_ids, make_course, nbgrader, read_notebook

REGENERATE = "run `make lessons` (nbgrader generate_assignment <lesson> --force) and commit lessons/"
EDITIONS = ["", "pt_BR"]                   # the English course at the root, and the translated editions


@pytest.mark.parametrize("edition", EDITIONS, ids=["en", "pt_BR"])
def test_every_lesson_has_a_student_version_and_nothing_else(edition):
    released = sorted(path.name for path in (ROOT / edition / "lessons").iterdir() if path.is_dir())
    assert released == lesson_ids(), f"{edition}/lessons/ holds {released}, solutions/ holds {lesson_ids()}: {REGENERATE}"


@pytest.mark.parametrize("edition", EDITIONS, ids=["en", "pt_BR"])
@pytest.mark.parametrize("lesson", lesson_ids())
def test_regenerating_gives_identical_files(lesson, edition, tmp_path):
    course = make_course(tmp_path, edition)
    nbgrader(course, "generate_assignment", lesson, "--force", "--no-db")
    fresh, committed = course / "lessons" / lesson, ROOT / edition / "lessons" / lesson
    fresh_files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    committed_files = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    assert fresh_files == committed_files, f"lessons/{lesson} has different files: {REGENERATE}"
    for name in fresh_files:
        assert filecmp.cmp(fresh / name, committed / name, shallow=False), (
            f"lessons/{lesson}/{name} differs from what nbgrader generates: {REGENERATE}")


def solution_lines(lesson, edition=""):
    """Distinctive lines of the instructor's solution regions (not blank, not comments, not short)."""
    notebook = read_notebook(ROOT / edition / "solutions" / lesson / f"{lesson}.ipynb")
    lines = []
    for cell in notebook.cells:
        region = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.DOTALL)
        if region:
            lines += [line.split("#")[0].strip() for line in region.group(1).splitlines()]
    return [line for line in lines if len(line) >= 12]


@pytest.mark.parametrize("edition", EDITIONS, ids=["en", "pt_BR"])
@pytest.mark.parametrize("lesson", lesson_ids())
def test_student_version_holds_no_solutions_and_no_hidden_tests(lesson, edition):
    notebook = read_notebook(ROOT / edition / "lessons" / lesson / f"{lesson}.ipynb")
    text = "\n".join(cell.source for cell in notebook.cells)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "hidden_rng", "reference_"):
        assert marker not in text, f"lessons/{lesson} contains {marker!r}"
    student_lines = {line.split("#")[0].strip() for line in text.splitlines()}
    for line in solution_lines(lesson, edition):
        assert line not in student_lines, f"lessons/{lesson} contains a line of the solution: {line!r}"
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code":
            assert not cell.outputs, f"lessons/{lesson}: a cell still has outputs: {cell.source[:60]!r}"
        if meta.get("solution") and cell.cell_type == "code":
            assert cell.source.rstrip().endswith("raise NotImplementedError()"), (
                f"lessons/{lesson}: solution cell {grade_id(cell)} is not a stub")
        if meta.get("solution") and cell.cell_type == "markdown":
            assert cell.source == "YOUR ANSWER HERE", f"lessons/{lesson}: answer cell {grade_id(cell)} is not empty"
