"""The pt-BR edition: generated from the English lessons and the translators' catalogues, never
edited by hand, and the same course in everything but the words.

- every English text has a translation that is current (not missing, not stale), keeps the {fields}
  and the numbers, and pt_BR/solutions/ is what the build makes of them (the staleness test);
- editing an English cell without updating its translation fails that test, and the steps a
  translator follows (make translations, translate, make lessons) make it pass again;
- the code is shared: a pt-BR notebook's code cells are the English ones with other string
  literals, plus the line that sets the language; its printed numbers equal the English ones;
- an unknown language is refused with the list of languages there are.
"""
import ast
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from nettrain_grading import translate
from nettrain_lib import i18n
from tests.support.coursetools import ROOT, lesson_ids, read_notebook

LANGUAGE = "pt_BR"
EDITION = ROOT / LANGUAGE


def test_every_translation_is_there_current_and_built():
    """The staleness test: run `make translations`, translate, `make lessons` until it passes."""
    problems = translate.check_library(LANGUAGE) + translate.check(LANGUAGE)
    assert not problems, f"{len(problems)} problem(s) in the pt-BR edition:\n" + "\n".join(problems[:40])


def test_every_lesson_exists_in_portuguese():
    for folder in ("solutions", "lessons"):
        found = sorted(path.name for path in (EDITION / folder).iterdir() if path.is_dir())
        assert found == lesson_ids(), f"pt_BR/{folder} holds {found}, solutions/ holds {lesson_ids()}"


@pytest.fixture
def scratch_root(tmp_path):
    """A copy of what the translation tools read: the English lessons, the catalogues, the library."""
    for name in ("solutions", "nettrain_lib", "nettrain_grading"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(EDITION / "translations", tmp_path / LANGUAGE / "translations")
    shutil.copytree(EDITION / "solutions", tmp_path / LANGUAGE / "solutions")
    return tmp_path


def edit_english(root, lesson, old, new):
    path = root / "solutions" / lesson / f"{lesson}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    cells = [cell for cell in notebook.cells if old in cell.source]
    assert cells, f"{old!r} is not in {lesson}"
    cells[0].source = cells[0].source.replace(old, new, 1)
    nbformat.write(notebook, path)


def entry(root, lesson, english):
    catalog = translate.read_catalogue(translate.catalogue_path(LANGUAGE, lesson, root), LANGUAGE)
    return catalog[english]


def test_an_english_edit_without_its_translation_fails_until_the_translator_updates_it(scratch_root):
    lesson = "01_update_rule"
    old = "The points scatter around the line that made them."
    new = "The points lie around the line that made them."
    paragraph = next(text for text, shown in translate.markdown_blocks(
        next(cell.source for cell in read_notebook(ROOT / "solutions" / lesson / f"{lesson}.ipynb").cells
             if old in cell.source)) if shown and old in text)
    message = "the squared residuals are summed instead of averaged: divide by N (np.mean)"
    edit_english(scratch_root, lesson, old, new)
    edit_english(scratch_root, lesson, message, message.replace("np.mean", "use np.mean"))

    # 1. The English changed, the catalogue did not: the check names both texts and what to run.
    problems = translate.check(LANGUAGE, scratch_root)
    assert any("01_update_rule.po: no entry for the English text 'The points lie around" in p and
               "make translations" in p for p in problems), problems
    assert any("no entry for the English text 'the squared residuals are summed" in p for p in problems), problems

    # 2. make translations: the old translation is kept beside the new English, marked fuzzy.
    translate.update(LANGUAGE, scratch_root, only=[lesson])
    changed = entry(scratch_root, lesson, paragraph.replace(old, new))
    assert changed.fuzzy and changed.previous_id == [paragraph], (changed.flags, changed.previous_id)
    assert changed.string == entry(ROOT, lesson, paragraph).string
    problems = translate.check(LANGUAGE, scratch_root)
    assert any("stale translation of 'The points lie around" in p and "#| msgid" in p for p in problems), problems

    # 3. The translator updates both and removes the fuzzy marks; the notebook is now out of date.
    catalog = translate.read_catalogue(translate.catalogue_path(LANGUAGE, lesson, scratch_root), LANGUAGE)
    for message_id, text in ((paragraph.replace(old, new), "Os pontos ficam em volta da reta que os gerou."),
                             (message.replace("np.mean", "use np.mean"), "você soma em vez de tirar a média")):
        catalog[message_id].string = text
        catalog[message_id].flags.discard("fuzzy")
    translate.write_catalogue(catalog, translate.catalogue_path(LANGUAGE, lesson, scratch_root))
    assert translate.check(LANGUAGE, scratch_root) == [
        f"{LANGUAGE}/solutions/{lesson}/{lesson}.ipynb: out of date (its English source or its translations "
        f"changed): run `make lessons`"]

    # 4. make lessons builds it: all clear, and the new Portuguese is in the notebook.
    translate.build(LANGUAGE, scratch_root)
    assert translate.check(LANGUAGE, scratch_root) == []
    built = nbformat.read(scratch_root / LANGUAGE / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in built.cells)
    assert "Os pontos ficam em volta da reta que os gerou." in text and "você soma em vez de tirar a média" in text


def test_a_translation_that_changes_a_field_or_a_number_is_refused(scratch_root):
    lesson = "01_update_rule"
    catalog = translate.read_catalogue(translate.catalogue_path(LANGUAGE, lesson, scratch_root), LANGUAGE)
    with_field = next(m for m in catalog if m.id and "{" in m.id and "text in Python code" in m.auto_comments[0]
                      and translate.fields(m.id))
    with_number = next(m for m in catalog if m.id and "0.5" in m.id and "markdown" in m.auto_comments[0])
    with_field.string = re.sub(r"\{[^{}]*\}", "{outro}", with_field.string, count=1)
    with_number.string = with_number.string.replace("0.5", "0,5")
    translate.write_catalogue(catalog, translate.catalogue_path(LANGUAGE, lesson, scratch_root))
    problems = "\n".join(translate.check(LANGUAGE, scratch_root))
    assert "the fields in braces must stay as in English" in problems, problems
    assert "numbers of the English text are missing" in problems and "'0.5'" in problems, problems


def test_a_translation_that_breaks_the_code_is_refused(scratch_root):
    lesson = "01_update_rule"
    catalog = translate.read_catalogue(translate.catalogue_path(LANGUAGE, lesson, scratch_root), LANGUAGE)
    message = next(m for m in catalog if m.id and m.id.startswith("the squared residuals are summed"))
    message.string = message.string + ' \\'                   # a backslash before the closing quote
    translate.write_catalogue(catalog, translate.catalogue_path(LANGUAGE, lesson, scratch_root))
    with pytest.raises(translate.TranslationError, match="does not make a valid Python string"):
        translate.translated_notebook(LANGUAGE, lesson, scratch_root)


def strings_blanked(source):
    """The code's syntax tree with every string replaced by the same placeholder; an f-string keeps
    only its fields, in sorted order (a translation may put them in another order)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            fields = [value for value in node.values if isinstance(value, ast.FormattedValue)]
            node.values = sorted(fields, key=ast.dump)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = "…"
    return ast.dump(tree)


@pytest.mark.parametrize("lesson", lesson_ids())
def test_the_code_is_the_english_code(lesson):
    """Tests and grading are shared: only string literals differ, and the first cell sets the language."""
    english = read_notebook(ROOT / "solutions" / lesson / f"{lesson}.ipynb")
    portuguese = read_notebook(EDITION / "solutions" / lesson / f"{lesson}.ipynb")
    assert [(c.cell_type, c.get("id"), c.metadata) for c in english.cells] == \
           [(c.cell_type, c.get("id"), c.metadata) for c in portuguese.cells]
    assert portuguese.metadata["nettrain"] == {"language": LANGUAGE}
    setup = "\n".join(translate.SETUP_LINES[LANGUAGE]) + "\n"
    first = True
    for en, pt in zip(english.cells, portuguese.cells):
        if en.cell_type != "code":
            continue
        source = pt.source
        if first:
            assert source.startswith(setup), f"{lesson}: the first code cell does not set the language"
            source, first = source[len(setup):], False
        assert strings_blanked(source) == strings_blanked(en.source), (
            f"{lesson} cell {en.get('id')}: the pt-BR code differs from the English beyond its strings")


NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?")


def printed(cell):
    return "".join(output.get("text", "") for output in cell.get("outputs", []) if output.output_type == "stream")


@pytest.mark.parametrize("lesson", lesson_ids())
def test_the_printed_numbers_are_the_english_ones(lesson):
    english = read_notebook(ROOT / "solutions" / lesson / f"{lesson}.ipynb")
    portuguese = read_notebook(EDITION / "solutions" / lesson / f"{lesson}.ipynb")
    differ = []
    for en, pt in zip(english.cells, portuguese.cells):
        varies = "nbval-ignore-output" in en.metadata.get("tags", [])       # timings
        if en.cell_type == "code" and not varies and NUMBER.findall(printed(en)) != NUMBER.findall(printed(pt)):
            differ.append(f"cell {en.get('id')}:\n  en: {printed(en)[:300]!r}\n  pt: {printed(pt)[:300]!r}")
    assert not differ, f"{lesson}: the pt-BR notebook prints other numbers:\n" + "\n".join(differ[:5])


def test_the_library_speaks_portuguese_with_english_as_fallback():
    from nettrain_lib import checks

    try:
        assert i18n.set_language("pt-BR") == "pt_BR" and i18n.get_language() == "pt_BR"
        with pytest.raises(AssertionError) as failure:
            checks.check_close(6.0, 2.0, "mse_loss")
        portuguese = i18n.catalogue("pt_BR").gettext("{name} returned a wrong value").format(name="mse_loss")
        assert portuguese != "mse_loss returned a wrong value", "not translated"
        assert " ".join(str(failure.value).split()).startswith(portuguese), str(failure.value)
        assert i18n.tr("a sentence nobody translated, {x}", x=3) == "a sentence nobody translated, 3"
        assert i18n.tr("") == ""                           # not the catalogue's header
    finally:
        i18n.set_language("en")
    with pytest.raises(AssertionError, match="mse_loss returned a wrong value"):
        checks.check_close(6.0, 2.0, "mse_loss")


@pytest.mark.parametrize("code", ["de", "pt_PT", "", "english"])
def test_an_unknown_language_is_refused_with_the_list(code):
    with pytest.raises(ValueError) as refused:
        i18n.set_language(code)
    assert f"unknown language {code!r}" in str(refused.value) and "en (English)" in str(refused.value)
    assert "pt_BR (português do Brasil)" in str(refused.value) and "idioma desconhecido" in str(refused.value)


def test_the_tools_refuse_an_unknown_language():
    tool = subprocess.run([sys.executable, "-m", "nettrain_grading.translate", "check", "de"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert tool.returncode == 2 and "unknown language 'de'" in tool.stderr and "pt_BR" in tool.stderr, tool.stderr
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    lab = subprocess.run([make, "--no-print-directory", "edition", "LANG=de"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert lab.returncode != 0, lab.stdout
    assert "unknown language 'de'" in lab.stderr and "pt_BR (português do Brasil)" in lab.stderr, lab.stderr
    for code in ("pt_BR", "pt-BR"):
        chosen = subprocess.run([make, "--no-print-directory", "-n", "lab", f"LANG={code}"], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert f"--ServerApp.root_dir={ROOT}/pt_BR/lessons" in chosen.stdout, chosen.stdout + chosen.stderr


@pytest.mark.parametrize("where", ["in the repository", "copied elsewhere"])
def test_the_portuguese_course_folder_has_the_english_configuration(where, tmp_path):
    """pt_BR/nbgrader_config.py extends the root's (the feedback's hidden-test filter among it), also in
    a copy of the folder elsewhere (a JupyterHub grader's course folder), and adds the pt-BR feedback page."""
    from traitlets.config.loader import PyFileConfigLoader

    folder = EDITION
    if where == "copied elsewhere":
        folder = tmp_path / "course"
        folder.mkdir()
        shutil.copy(EDITION / "nbgrader_config.py", folder)
    config = PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()
    assert config.CourseDirectory.root == str(folder)
    assert "nettrain_grading.feedback.ShortTestTracebacks" in config.GenerateFeedback.preprocessors
    assert config.HTMLExporter.extra_template_basedirs[0] == str(folder / ".templates")   # before nbgrader's
    template = (folder / ".templates" / "feedback" / "index.html.j2").read_text(encoding="utf-8")
    assert i18n.catalogue("pt_BR").gettext("Test cell") in template and ">Test cell<" not in template


def tiny_course(root, cells, translations):
    """A scratch course with one lesson of code cells `cells`, its catalogue translated from
    `translations` ({English: Portuguese}); returns the lesson's translated code cells."""
    folder = root / "solutions" / "x"
    folder.mkdir(parents=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in ["import numpy"] + cells])
    nbformat.write(notebook, folder / "x.ipynb")
    translate.update(LANGUAGE, root, only=["x"])
    catalog = translate.read_catalogue(translate.catalogue_path(LANGUAGE, "x", root), LANGUAGE)
    for english, portuguese in translations.items():
        assert english in catalog, f"{english!r} is not extracted; the catalogue has {[m.id for m in catalog]}"
        catalog[english].string = portuguese
    translate.write_catalogue(catalog, translate.catalogue_path(LANGUAGE, "x", root))
    return catalog


def test_a_word_the_code_compares_is_not_translated_apart_from_its_comparison(tmp_path):
    """A word chosen by a condition is text to translate, unless the code also uses that word as a
    literal elsewhere (a key, a comparison): then both must stay English."""
    catalog = tiny_course(tmp_path, [
        'status = "converged" if loss < 0.6 else "diverged"\nif status == "converged":\n    print("the run converged")',
        'verdict = "converges" if lr < 1 else "diverges"\nprint(f"lr = {lr}: {verdict}")'], {"converges": "converge"})
    assert "converged" not in catalog and "converges" in catalog and "diverges" in catalog


def test_translations_that_would_change_the_code_are_refused(tmp_path):
    tiny_course(tmp_path, [
        'def step(lr):\n    """Return the new rate after one step."""\n    return lr',
        'print("epoch {} ends with loss {:.3f}".format(1, 0.25))',
        'print(f"verdict: {\'too large\' if big else \'fine\'}")',
        'title = (r"the step size $\\alpha$ " "is too large\\n")'],
        {"Return the new rate after one step.": 'Retorna a taxa.""" if (lr := lr * 10) else """',
         "epoch {} ends with loss {:.3f}": "a perda {:.3f} encerra a época {}",
         "too large": '"grande" demais'})
    problems = "\n".join(translate.check(LANGUAGE, tmp_path, built=False))
    assert "fields without a name ({} or {0:.3f}) are filled in order" in problems, problems
    with pytest.raises(translate.TranslationError) as refused:
        translate.translated_notebook(LANGUAGE, "x", tmp_path)
    assert "does not make a valid Python string" in str(refused.value) or "inside a {field}" in str(refused.value)
    catalog = translate.read_catalogue(translate.catalogue_path(LANGUAGE, "x", tmp_path), LANGUAGE)
    assert "the step size $\\alpha$ " in catalog and "is too large\\n" in catalog     # raw and plain: apart
