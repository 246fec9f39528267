"""The grading round trip, through the commands an instructor runs.

For each lesson, in a scratch course: generate the assignment (with a gradebook), submit as
several students, grade them all with `nettrain-grade grade` (nbgrader's gradebook, sandbox,
clean re-check, feedback), and read the scores from the gradebook:
- the instructor's solution gets full marks on every autograded cell;
- the untouched student notebook gets zero, and is told what is not implemented;
- each typical wrong implementation of a graded function loses that function's marks, with a
  failure message that names the mistake (tests/support/submissions/<lesson>.py lists them);
- a wrong function costs only its own marks (each function is graded on its own);
- each correct implementation written differently from the instructor's keeps full marks;
- the feedback a student receives shows the failures but not the hidden tests.

Since every function is graded on its own, one submission can carry the k-th wrong variant of
every function at once ("wrong-k"); the isolation itself is checked on submissions with one
wrong function only ("alone-<function>"). That keeps the number of notebooks to grade small.
"""
import importlib.util
import re
import shutil
import subprocess
import sys
from html import unescape

import nbformat
import pytest

from nettrain_lib import i18n
from tests.support.coursetools import (
    HIDDEN_REGION,
    ROOT,
    cell_results,
    fill_notebook,
    lesson_ids,
    make_course,
    nbgrader,
    nbgrader_env,
    portuguese_catalogues,
    read_notebook,
    reference_sources,
)

WORKERS = 2   # nettrain-grade's parallel workers (these machines have 2 cores)


def load_submissions(lesson):
    path = ROOT / "tests" / "support" / "submissions" / f"{lesson}.py"
    spec = importlib.util.spec_from_file_location(f"submissions_{lesson}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG, module.CORRECT


def variants(lesson):
    """(student id, function, kind, description, source, expected words) for every variant:
    the k-th wrong variant of each function is in submission "wrong-k", the k-th correct one in
    "correct-k"."""
    wrong, correct = load_submissions(lesson)
    rows = []
    for function, cases in wrong.items():
        for index, (description, source, words) in enumerate(cases):
            rows.append((f"wrong-{index}", function, "wrong", description, source, words))
    for function, cases in correct.items():
        for index, (description, source) in enumerate(cases):
            rows.append((f"correct-{index}", function, "correct", description, source, None))
    return rows


def submissions_of(lesson):
    """{student id: {function: source}} for every submission built from the variants."""
    wrong, _ = load_submissions(lesson)
    students = {}
    for student, function, _, _, source, _ in variants(lesson):
        students.setdefault(student, {})[function] = source.strip() + "\n"
    for function, cases in wrong.items():
        students[f"alone-{function}"] = {function: cases[0][1].strip() + "\n"}
    return students


@pytest.fixture(scope="module", params=lesson_ids())
def graded(request, tmp_path_factory):
    """Autograde every submission of one lesson once; return (lesson, course, results by student)."""
    lesson = request.param
    course = make_course(tmp_path_factory.mktemp(f"grading-{lesson}"))
    nbgrader(course, "generate_assignment", lesson, "--force")
    student_notebook = read_notebook(course / "lessons" / lesson / f"{lesson}.ipynb")
    solution = reference_sources(lesson)

    submissions = {"solution": fill_notebook(student_notebook, solution),
                   "blank": fill_notebook(student_notebook, {})}
    for student, sources in submissions_of(lesson).items():
        unknown = set(sources) - set(solution)
        assert not unknown, f"{lesson}: submissions name {sorted(unknown)}, which are no solution cells"
        submissions[student] = fill_notebook(student_notebook, {**solution, **sources})

    ids = {student: student for student in submissions}
    return lesson, course, grade_submissions(course, lesson, submissions), ids


def grade_submissions(course, lesson, submissions):
    """Put {student: notebook} into submitted/, grade them all with nettrain-grade, and return
    {student: cell_results}."""
    for student, notebook in submissions.items():
        folder = course / "submitted" / student / lesson
        folder.mkdir(parents=True)
        nbformat.write(notebook, str(folder / f"{lesson}.ipynb"))
    # The sandbox is tested in test_grading_tool.py; here it is used when the machine has it.
    sandbox = [] if shutil.which("bwrap") else ["--unsandboxed"]
    graded = subprocess.run([sys.executable, "-m", "nettrain_grading.cli", "grade", lesson, "--workers",
                             str(WORKERS), *sandbox], cwd=course, env=nbgrader_env(course),
                            capture_output=True, text=True, timeout=1800)
    assert graded.returncode == 0, f"nettrain-grade failed:\n{graded.stdout}\n{graded.stderr}"
    return {student: cell_results(course, lesson, student) for student in submissions}


def test_solution_gets_full_marks(graded):
    lesson, _, results, _ = graded
    cells = results["solution"]
    assert cells, f"{lesson}: no autograded cells were found"
    lost = {cell: (score, max_score, error) for cell, (score, max_score, error) in cells.items() if score != max_score}
    assert not lost, f"{lesson}: the instructor's solution loses marks: {lost}"


def test_blank_notebook_gets_zero_and_is_told_what_is_missing(graded):
    lesson, _, results, _ = graded
    for cell, (score, max_score, error) in results["blank"].items():
        assert max_score > 0, f"{lesson}: test cell {cell} is worth no points"
        assert score == 0, f"{lesson}: the untouched notebook scores {score} on {cell}"
        assert "not implemented yet" in error, f"{lesson}: {cell} fails on a blank notebook with: {error}"


@pytest.mark.parametrize("lesson", lesson_ids())
def test_every_graded_function_has_wrong_and_correct_submissions(lesson):
    """At least 3 typical mistakes and 2 correct variants written differently for every graded function."""
    wrong, correct = load_submissions(lesson)
    functions = set(reference_sources(lesson))
    assert functions <= set(wrong), f"{lesson}: no wrong submissions for {sorted(functions - set(wrong))}"
    assert functions <= set(correct), f"{lesson}: no correct variants for {sorted(functions - set(correct))}"
    few = {name: (len(wrong[name]), len(correct[name])) for name in functions
           if len(wrong[name]) < 3 or len(correct[name]) < 2}
    assert not few, f"{lesson}: fewer than 3 typical mistakes or 2 correct variants (wrong, correct): {few}"


def test_wrong_implementations_lose_their_marks_with_a_message_naming_the_mistake(graded):
    lesson, _, results, _ = graded
    problems = []
    for student, function, kind, description, _, words in variants(lesson):
        if kind != "wrong":
            continue
        score, max_score, error = results[student][f"test_{function}"]
        if score != 0:
            problems.append(f"{function} / {description}: scored {score} of {max_score}")
        elif flat(words) not in flat(error):
            problems.append(f"{function} / {description}: the message does not say {words!r}; it says: {error}")
    assert not problems, f"{lesson}:\n" + "\n".join(problems)


def test_a_mistake_costs_only_its_own_functions_marks(graded):
    """Each function is graded on its own: a wrong mse_loss must not also sink gradient_descent."""
    lesson, _, results, _ = graded
    wrong, _ = load_submissions(lesson)
    problems = []
    for function, cases in wrong.items():
        for cell, (score, max_score, error) in results[f"alone-{function}"].items():
            if cell == f"test_{function}" and score != 0:
                problems.append(f"wrong {function} ({cases[0][0]}) alone keeps {score} of {max_score}")
            if cell != f"test_{function}" and score != max_score:
                problems.append(f"wrong {function} ({cases[0][0]}) also costs {cell}: {error}")
    assert not problems, f"{lesson}:\n" + "\n".join(problems)


def test_correct_variants_keep_full_marks(graded):
    lesson, _, results, _ = graded
    problems = []
    for student, function, kind, description, _, _ in variants(lesson):
        if kind != "correct":
            continue
        score, max_score, error = results[student][f"test_{function}"]
        if score != max_score:
            problems.append(f"{function} / {description}: scored {score} of {max_score}: {error}")
    for student in {row[0] for row in variants(lesson) if row[2] == "correct"}:
        lost = {cell: score for cell, (score, max_score, _) in results[student].items() if score != max_score}
        if lost:
            problems.append(f"{student} (correct variants only) lost marks on {lost}")
    assert not problems, f"{lesson}:\n" + "\n".join(problems)


def test_feedback_hides_the_hidden_tests_but_shows_each_failure(graded):
    """Feedback for every wrong submission: the failure message is there, no line of a hidden
    test is (neither in the cells nor quoted by a traceback)."""
    lesson, course, results, ids = graded
    hidden = hidden_test_lines(lesson)
    problems = []
    for student, function, kind, description, _, words in variants(lesson):
        if kind != "wrong":
            continue
        html = (course / "feedback" / ids[student] / lesson / f"{lesson}.html").read_text(encoding="utf-8")
        text = unescape(re.sub(r"<[^>]+>", "", html))          # drop the tags first, then decode &lt; etc.
        leaked = [line for line in hidden if line in text]
        if leaked:
            problems.append(f"{function} / {description}: feedback shows hidden lines {leaked[:3]}")
        if flat(words) not in flat(text):
            problems.append(f"{function} / {description}: feedback does not show the message {words!r}")
    assert not problems, f"{lesson}:\n" + "\n".join(problems)


def flat(text):
    """Text with its line breaks read as spaces: the checks wrap long messages (nettrain_lib.checks.wrapped)."""
    return " ".join(text.split())


def hidden_test_lines(lesson):
    """Distinctive lines of the hidden tests of a lesson (not also in the student's notebook)."""
    notebook = read_notebook(ROOT / "solutions" / lesson / f"{lesson}.ipynb")
    # Lines a student may legitimately show: the released notebook, the instructor's solution code
    # (students write the same lines) and the submissions' own code.
    shown = [cell.source for cell in read_notebook(ROOT / "lessons" / lesson / f"{lesson}.ipynb").cells]
    shown += [HIDDEN_REGION.sub("", cell.source) for cell in notebook.cells]
    shown += [row[4] for row in variants(lesson)]
    visible = {line.strip() for text in shown for line in text.splitlines()}
    lines = []
    for cell in notebook.cells:
        for region in HIDDEN_REGION.findall(cell.source):
            lines += [line.strip() for line in region.splitlines()]
    return [line for line in lines if len(line) > 25 and not line.startswith("#") and line not in visible]


# ---------------------------------------------------------------------------------------------
# The pt-BR edition: the same submissions get the same marks, and the feedback is in Portuguese.

PORTUGUESE_STUDENTS = ("solution", "blank", "wrong-0", "correct-0")


@pytest.fixture(scope="module")
def graded_in_portuguese(graded, tmp_path_factory):
    """The English round trip's solution, blank, wrong-0 and correct-0 notebooks, put into the
    pt-BR student notebook and graded there; returns (lesson, English results, pt-BR results, course)."""
    lesson, _, english, _ = graded
    course = make_course(tmp_path_factory.mktemp(f"grading-pt_BR-{lesson}"), edition="pt_BR")
    nbgrader(course, "generate_assignment", lesson, "--force")
    release = read_notebook(course / "lessons" / lesson / f"{lesson}.ipynb")
    solution, students = reference_sources(lesson), submissions_of(lesson)
    notebooks = {"solution": fill_notebook(release, solution), "blank": fill_notebook(release, {}),
                 "wrong-0": fill_notebook(release, {**solution, **students["wrong-0"]}),
                 "correct-0": fill_notebook(release, {**solution, **students["correct-0"]})}
    return lesson, english, grade_submissions(course, lesson, notebooks), course


def test_the_portuguese_edition_gives_the_same_marks(graded_in_portuguese):
    lesson, english, portuguese, _ = graded_in_portuguese
    for student in PORTUGUESE_STUDENTS:
        en = {cell: score for cell, (score, *_) in english[student].items()}
        pt = {cell: score for cell, (score, *_) in portuguese[student].items()}
        assert pt == en, f"{lesson} / {student}: English {en}, pt-BR {pt}"


def portuguese_of(lesson, words):
    """What a pt-BR student may read for the English `words` of a mistake: for each catalogue entry
    of code (the lesson's, then the library's) whose English holds them, the longest piece of its
    translation between {fields}. The test cell that fires decides which one it is."""
    found = []
    for catalog in portuguese_catalogues(lesson):
        for message in catalog:
            english = message.id if isinstance(message.id, str) else (message.id or [""])[0]
            in_code = not message.auto_comments or "text in Python code" in message.auto_comments[0]
            if english and in_code and flat(words) in flat(english) and message.string:
                found.append(max(re.split(r"\{[^{}]*\}", message.string), key=len).strip())
    return found


def test_the_portuguese_feedback_names_each_mistake_in_portuguese(graded_in_portuguese):
    """wrong-0 holds the first typical mistake of every graded function: the pt-BR student is told
    what it is, in the words of the pt-BR catalogue, and not in English."""
    lesson, _, portuguese, course = graded_in_portuguese
    wrong, _ = load_submissions(lesson)
    feedback = (course / "feedback" / "wrong-0" / lesson / f"{lesson}.html").read_text(encoding="utf-8")
    page, feedback = feedback, flat(unescape(re.sub(r"<[^>]+>", "", feedback)))
    problems = []
    for function, cases in wrong.items():
        description, _, words = cases[0]
        error = flat(portuguese["wrong-0"][f"test_{function}"][2])
        candidates = portuguese_of(lesson, words)
        told = [text for text in candidates if flat(text) in error]
        if not candidates:
            problems.append(f"{function} / {description}: no pt-BR catalogue entry holds {words!r}")
        elif not told:
            problems.append(f"{function} / {description}: the message says none of {candidates!r}; it says: {error}")
        elif flat(told[0]) not in feedback:
            problems.append(f"{function} / {description}: the feedback does not show {told[0]!r}")
        if flat(words) in error and not any(flat(words) in flat(text) for text in candidates):
            problems.append(f"{function} / {description}: the pt-BR message is still English: {error}")
    # nbgrader's own words on the page are Portuguese too (pt_BR/nbgrader_config.py's template).
    for word in ("Test cell", "Score:"):
        portuguese_word = i18n.catalogue("pt_BR").gettext(word)
        if portuguese_word not in feedback or re.search(rf">\s*\(?{re.escape(word)}", page):
            problems.append(f"the feedback page shows nbgrader's {word!r}, not {portuguese_word!r}")
    assert not problems, f"{lesson}:\n" + "\n".join(problems)


def test_the_portuguese_blank_notebook_is_told_in_portuguese(graded_in_portuguese):
    lesson, _, portuguese, _ = graded_in_portuguese
    english = ("{name} is not implemented yet: replace `raise NotImplementedError()` with your code and run that "
               "cell again before this test")
    told = re.split(r"\{name\}", i18n.catalogue("pt_BR").gettext(english))[1].split(":")[0].strip()
    assert told and told != "is not implemented yet"
    for cell, (score, _, error) in portuguese["blank"].items():
        assert score == 0 and told in error, f"{lesson}: {cell} says {error}"


def test_plain_nbgrader_still_grades_the_course(tmp_path):
    """The README says nbgrader's own commands still work: autograde, feedback, export."""
    lesson = "01_update_rule"
    course = make_course(tmp_path)
    nbgrader(course, "generate_assignment", lesson, "--force")
    release = read_notebook(course / "lessons" / lesson / f"{lesson}.ipynb")
    wrong, _ = load_submissions(lesson)
    submissions = {"solution": fill_notebook(release, reference_sources(lesson)),
                   "blank": release,
                   "wrong": fill_notebook(release, {**reference_sources(lesson),
                                                    "mse_loss": wrong["mse_loss"][0][1]})}
    for student, notebook in submissions.items():
        folder = course / "submitted" / student / lesson
        folder.mkdir(parents=True)
        nbformat.write(notebook, str(folder / f"{lesson}.ipynb"))
    nbgrader(course, "autograde", lesson, "--create")
    nbgrader(course, "generate_feedback", lesson)
    nbgrader(course, "export")
    scores = {student: {cell: score for cell, (score, _, _) in cell_results(course, lesson, student).items()
                        if cell.startswith("test_")} for student in submissions}
    assert all(score > 0 for score in scores["solution"].values())
    assert all(score == 0 for score in scores["blank"].values())
    assert scores["wrong"]["test_mse_loss"] == 0 and scores["wrong"]["test_mse_gradients"] > 0
    feedback = (course / "feedback" / "wrong" / lesson / f"{lesson}.html").read_text(encoding="utf-8")
    assert wrong["mse_loss"][0][2] in feedback and "hidden_rng" not in feedback
    # The lessons' setup cell installs the friendly hints; nbgrader's graded run must not show them
    # (the blank notebook's demo cells raise NotImplementedError, which would get one).
    blank_feedback = (course / "feedback" / "blank" / lesson / f"{lesson}.html").read_text(encoding="utf-8")
    assert "NotImplementedError" in blank_feedback and "nettrain hint" not in blank_feedback
    assert "wrong" in (course / "grades.csv").read_text()


def test_plain_nbgrader_gives_the_same_scores_to_honest_submissions(graded, tmp_path):
    """nettrain-grade runs the test cells outside the sandbox and the student's functions inside it;
    plain `nbgrader autograde` runs both in one kernel. On honest notebooks (the solution, the blank
    notebook, every correct variant, the first wrong variant of every function) every test cell gets
    the same score from both."""
    lesson, course, results, ids = graded
    students = [student for student in results if student in ("solution", "blank", "wrong-0")
                or student.startswith("correct-")]
    plain = make_course(tmp_path)
    nbgrader(plain, "generate_assignment", lesson, "--force")
    for student in students:
        shutil.copytree(course / "submitted" / ids[student] / lesson, plain / "submitted" / student / lesson)
    nbgrader(plain, "autograde", lesson, "--create")
    for student in students:
        ours = {cell: score for cell, (score, *_) in results[student].items() if cell.startswith("test_")}
        theirs = {cell: score for cell, (score, *_) in cell_results(plain, lesson, student).items()
                  if cell.startswith("test_")}
        assert ours == theirs, f"{lesson} / {student}: nettrain-grade {ours}, nbgrader {theirs}"
