"""The conventions every lesson follows (see "How to add a lesson" in the README).

These are checked on the instructor notebooks in solutions/, so a new lesson that forgets one
fails here with a message that says what to fix.
"""
import ast
import re

import pytest

from tests.support.catalogue import CATALOGUE
from tests.support.coursetools import ROOT, grade_id, lesson_ids, read_notebook
from tests.support.prose import sentences, word_count


def notebook(lesson):
    return read_notebook(ROOT / "solutions" / lesson / f"{lesson}.ipynb")


def nbgrader_cells(lesson, **flags):
    return [cell for cell in notebook(lesson).cells
            if all(cell.metadata.get("nbgrader", {}).get(k) == v for k, v in flags.items())]


def solution_code_cells(lesson):
    return [c for c in nbgrader_cells(lesson, solution=True) if c.cell_type == "code"]


def test_every_lesson_is_in_the_catalogue():
    assert set(lesson_ids()) <= set(CATALOGUE), (
        f"add the graded functions of {sorted(set(lesson_ids()) - set(CATALOGUE))} to tests/support/catalogue.py")


@pytest.mark.parametrize("lesson", lesson_ids())
def test_graded_functions_match_the_catalogue(lesson):
    defined = {}
    for cell in solution_code_cells(lesson):
        functions = [node for node in ast.parse(cell.source).body if isinstance(node, ast.FunctionDef)]
        assert len(functions) == 1, f"{lesson}: solution cell {grade_id(cell)} should define one function"
        function = functions[0]
        assert grade_id(cell) == function.name, (
            f"{lesson}: the solution cell defining {function.name} has grade_id {grade_id(cell)!r}")
        assert ast.get_docstring(function), f"{lesson}: {function.name} has no docstring for students"
        defined[function.name] = "(" + ast.unparse(function.args) + ")"
    assert defined == CATALOGUE[lesson], f"{lesson}: graded functions differ from the catalogue"


@pytest.mark.parametrize("lesson", lesson_ids())
def test_each_graded_function_has_one_test_cell_with_a_docstring_and_hidden_tests(lesson):
    functions = [grade_id(c) for c in solution_code_cells(lesson)]
    tests = {grade_id(c): c for c in nbgrader_cells(lesson, grade=True, solution=False)}
    assert sorted(tests) == sorted(f"test_{name}" for name in functions), (
        f"{lesson}: test cells {sorted(tests)} should be test_<function> for {functions}")
    for name, cell in tests.items():
        meta = cell.metadata["nbgrader"]
        assert meta.get("points", 0) > 0 and meta.get("locked"), f"{lesson}: {name} needs points and a lock"
        tree = ast.parse(cell.source)
        assert ast.get_docstring(tree), f"{lesson}: {name} must open with a docstring saying what it checks"
        assert "### BEGIN HIDDEN TESTS" in cell.source, f"{lesson}: {name} has no hidden tests"
        assert "from nettrain_lib.checks import" in cell.source, (
            f"{lesson}: {name} should import its checking helpers inside the cell")
        # nbgrader takes the value of a trailing expression as the score of a passing cell.
        results = [out for out in cell.get("outputs", []) if out.get("output_type") == "execute_result"]
        assert not results, (
            f"{lesson}: {name} ends with an expression that has a value ({results[0]['data']}); nbgrader "
            "would take it as the score. Assign it (_ = ...) instead")


@pytest.mark.parametrize("lesson", lesson_ids())
def test_each_exercise_says_what_its_visible_test_checks(lesson):
    """The markdown just above each graded function ends its exercise with "**Validate checks:** ...",
    so that a student knows what a passing visible test means (tests/course/test_visible_checks.py
    runs every typical mistake against those visible tests)."""
    cells = notebook(lesson).cells
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            text = next(c.source for c in reversed(cells[:index]) if c.cell_type == "markdown")
            assert "**Validate checks:**" in text, (
                f"{lesson}: the exercise text above {grade_id(cell)} does not end with a "
                "'**Validate checks:** ...' line naming what its visible test checks")


LONGEST_SENTENCE = 35      # words; most sentences should have 25 or fewer


@pytest.mark.parametrize("lesson", lesson_ids())
def test_sentences_are_short_enough_for_second_language_readers(lesson):
    """One idea per sentence: no markdown sentence over LONGEST_SENTENCE words (tests/support/prose.py
    says what counts as a word and where a sentence ends)."""
    long = [(index, word_count(sentence), sentence) for index, cell in enumerate(notebook(lesson).cells)
            if cell.cell_type == "markdown" for sentence in sentences(cell.source)
            if word_count(sentence) > LONGEST_SENTENCE]
    assert not long, f"{lesson}: sentences over {LONGEST_SENTENCE} words; split them:\n" + "\n".join(
        f"  cell {index} ({words} words): {sentence}" for index, words, sentence in long)


@pytest.mark.parametrize("lesson", lesson_ids())
def test_structure_of_the_notebook(lesson):
    cells = notebook(lesson).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith(f"# Lesson {lesson[:2]}"), (
        f"{lesson}: the first cell should be the title '# Lesson {lesson[:2]} — ...'")
    assert "You will learn" in cells[0].source and "Time:" in cells[0].source, (
        f"{lesson}: the first cell should say what you will learn and how long it takes")
    setup = cells[1].source
    assert cells[1].cell_type == "code" and "SEED =" in setup and "np.random.default_rng(SEED)" in setup, (
        f"{lesson}: the second cell should import and set SEED and rng = np.random.default_rng(SEED)")
    text = "\n".join(c.source for c in cells)
    assert "## Glossary" in text, f"{lesson}: no pt-BR glossary"
    assert "## Summary" in text, f"{lesson}: no summary"
    answers = [c for c in nbgrader_cells(lesson, grade=True, solution=True) if c.cell_type == "markdown"]
    assert answers, f"{lesson}: no manually graded written answer"
    ids = [grade_id(c) for c in cells if grade_id(c)]
    assert len(ids) == len(set(ids)), f"{lesson}: grade_ids are not unique: {ids}"
    assert re.search(r"np\.random\.(seed|rand|randn|randint|normal|uniform)\(", text) is None, (
        f"{lesson}: use the rng Generator, not numpy's global random state")


@pytest.mark.parametrize("lesson", lesson_ids())
def test_stored_outputs_are_reproducible(lesson):
    """No timing metadata or memory addresses in the stored notebook: nbval compares text outputs."""
    for cell in notebook(lesson).cells:
        assert "execution" not in cell.metadata, (
            f"{lesson}: cells carry execution timestamps; execute with --ExecutePreprocessor.record_timing=False")
        for output in cell.get("outputs", []):
            text = str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
            assert not re.search(r" at 0x[0-9a-f]+", text), f"{lesson}: an output shows a memory address: {text[:80]}"
            assert output.get("output_type") != "error", f"{lesson}: a stored output is an error"


@pytest.mark.parametrize("lesson", lesson_ids())
def test_links_to_other_lessons_point_to_existing_notebooks(lesson):
    """Every link ../<lesson>/<lesson>.ipynb in a lesson's text leads to a lesson that exists."""
    text = "\n".join(c.source for c in notebook(lesson).cells if c.cell_type == "markdown")
    links = re.findall(r"\]\(\.\./([^)/]+)/([^)]+\.ipynb)\)", text)
    for folder, name in links:
        assert (ROOT / "lessons" / folder / name).is_file(), f"{lesson} links to ../{folder}/{name}, which does not exist"
    assert "in preparation" not in text or lesson == lesson_ids()[-1], (
        f"{lesson} still says a lesson is 'in preparation'")


# The modules a notebook cell may import from nettrain_lib: the facade, and the three whose paths are
# part of the contract with the notebooks (locked test cells in the gradebook import checks).
NOTEBOOK_IMPORTS = {"nettrain_lib", "nettrain_lib.checks", "nettrain_lib.friendly", "nettrain_lib.explore"}


@pytest.mark.parametrize("lesson", lesson_ids())
def test_notebooks_import_the_library_one_way(lesson):
    """Every cell imports from `nettrain_lib` itself (or checks, friendly, explore), never from the
    modules behind it, so that the library can be rearranged without touching a notebook."""
    import nettrain_lib
    for index, cell in enumerate(notebook(lesson).cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:                    # an IPython magic: no import of the library in those
            continue
        for node in ast.walk(tree):
            modules = ([node.module] if isinstance(node, ast.ImportFrom) and node.module
                       else [alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
            for module in modules:
                if module.split(".")[0] == "nettrain_lib":
                    assert module in NOTEBOOK_IMPORTS, (
                        f"{lesson}, cell {index}: imports from {module}; import from nettrain_lib instead")
                    if module == "nettrain_lib" and isinstance(node, ast.ImportFrom):
                        unknown = [a.name for a in node.names if a.name not in nettrain_lib.__all__]
                        assert not unknown, f"{lesson}, cell {index}: {unknown} are not in nettrain_lib.__all__"
