"""The student's and the instructor's JupyterLab in a real browser: Playwright drives Debian's Chromium,
headless, against a JupyterLab server that each test starts on localhost with a temporary home.

Student (the `make lab` setup, jupyter/student/): the Assignments tab lists lesson 01 as released; Fetch
downloads it; Run All stops at the first exercise with the course's "not implemented yet" message;
mse_loss is typed into its cell through the page and its test passes; Validate reports the next
unfinished function; the friendly hints appear under a NotImplementedError and a shape mismatch; Submit
hands it in. The instructor-only parts (formgrader, course list, create assignment) are absent, and
the formgrader URL answers 404. Then each lesson's slider (01, 02, 04, 05) is moved with the keyboard
and must redraw its figure.

Instructor (the `make instructor` setup, jupyter/instructor/): the Nbgrader menu has the formgrader and
create-assignment, the create-assignment sidebar exists, and the formgrader lists the lessons.

Screenshots of every step go to test-artifacts/browser/ (or $NETTRAIN_ARTIFACTS). The tests are skipped,
with a message saying what to install, only where Playwright or Chromium is missing; `make test`
installs both (Chromium when run as root with apt).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.coursetools import lesson_ids, portuguese_catalogues

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("NETTRAIN_ARTIFACTS", ROOT / "test-artifacts")) / "browser"
# Chromium as root in a container needs --no-sandbox; the rest keep it off this machine's closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed: `make test` installs it (requirements-test.txt)")
if CHROMIUM is None:
    pytest.skip("no Chromium to drive: install Debian's package (sudo apt-get install chromium); "
                "`make test` installs it when run as root", allow_module_level=True)

MSE_LOSS = '''def mse_loss(X, y, w, b):
    """Mean squared error of the predictions X @ w + b."""
    return float(np.mean((X @ w + b - y) ** 2))
'''


# ---------------------------------------------------------------------------------------------
# A JupyterLab server and a browser page

class Lab:
    """`jupyter lab` on a free localhost port, with its own home and one of the course's setups."""

    def __init__(self, root_dir, home, setup, cwd):
        self.port, self.token = free_port(), "nettrain-test"
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("JUPYTER", "JPY_", "NETTRAIN_STATIC", "NBGRADER"))}
        env.update(HOME=str(home), JUPYTER_CONFIG_PATH=str(ROOT / "jupyter" / setup),
                   JUPYTER_RUNTIME_DIR=str(home / ".runtime"),
                   PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""))
        self.log_path = home / f"jupyter-{setup}.log"
        argv = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0", f"--ServerApp.token={self.token}", f"--ServerApp.root_dir={root_dir}"]
        if os.geteuid() == 0:
            argv.append("--allow-root")
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_up()

    def url(self, path):
        separator = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path}{separator}token={self.token}"

    def status(self, path):
        try:
            with urllib.request.urlopen(self.url(path), timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def _wait_until_up(self, seconds=90):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"jupyter lab exited with {self.process.returncode}:\n{self.log_path.read_text()[-3000:]}")
            try:
                if self.status("api/status") == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        pytest.fail(f"jupyter lab did not answer within {seconds} s:\n{self.log_path.read_text()[-3000:]}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def shot(page, name, element=None, folder=ARTIFACTS):
    folder.mkdir(parents=True, exist_ok=True)
    (element or page).screenshot(path=str(folder / f"{name}.png"))


def open_notebook(page, lab, path):
    page.goto(lab.url(f"lab/tree/{path}?reset"))          # ?reset: no tabs restored from another session
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden)")
    wait_until_idle(page)


def wait_until_idle(page, seconds=300):
    """The kernel is idle and no cell is queued or running ([*])."""
    page.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=seconds * 1000)
    page.wait_for_function("() => ![...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'))",
                           timeout=seconds * 1000)


def menu(page, top, item=None):
    """Open a top-level menu; click `item` in it, or return its item labels and close it."""
    page.click(f".lm-MenuBar-itemLabel:text-is('{top}')")
    if item is not None:
        page.click(f".lm-Menu-itemLabel:text-is('{item}')")
        return None
    labels = [label for label in page.locator(".lm-Menu:visible .lm-Menu-itemLabel").all_inner_texts() if label.strip()]
    page.keyboard.press("Escape")
    return labels


def run_all(page):
    menu(page, "Run", "Run All Cells")
    time.sleep(0.5)
    wait_until_idle(page)


def save(page):
    """Save the notebook (Ctrl+S) and wait until its tab no longer shows unsaved changes."""
    page.keyboard.press("Control+S")
    page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.jp-mod-dirty')", timeout=30_000)


def validate(page):
    """Save the open notebook and press Validate; return nbgrader's result dialog and its text."""
    save(page)
    page.click(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar >> text=Validate")
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=180_000)
    page.wait_for_function("() => !document.querySelector('.jp-Dialog').innerText.includes('Validating')",
                           timeout=180_000)
    return dialog, dialog.inner_text()


def code_cell(page, text):
    """The code cell whose source contains `text`."""
    return page.locator(f".jp-CodeCell:has(.cm-content:has-text({json.dumps(text, ensure_ascii=False)}))").first


def outputs(cell):
    return cell.locator(".jp-OutputArea").text_content() or ""


def right_sidebar_titles(page):
    return page.locator(".jp-SideBar.jp-mod-right .lm-TabBar-tab").evaluate_all(
        "tabs => tabs.map(tab => tab.getAttribute('title') || tab.innerText)")


# ---------------------------------------------------------------------------------------------
# Student

def student_home(base, released):
    """A student's home and an nbgrader exchange holding the lesson folder `released` as released."""
    home, exchange = base / "home", base / "exchange"
    home.mkdir()
    for folder in ("outbound", "inbound", "feedback"):
        (exchange / "nettrain" / folder).mkdir(parents=True)
    for folder in [exchange, *exchange.rglob("*")]:
        folder.chmod(0o777)
    # What `nbgrader release_assignment <lesson>` puts in the exchange: the student version.
    shutil.copytree(released, exchange / "nettrain" / "outbound" / released.name)
    (home / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'nettrain'\n"
        f"c.Exchange.root = {str(exchange)!r}\n")
    return home, exchange


def type_into(page, text, source, keys=("Shift+Enter", "Shift+Enter")):
    """Replace the code of the cell that contains `text` by `source`, then press `keys` (by default:
    run it and the test cell below it) and wait for the kernel."""
    page_cell = code_cell(page, text)
    page_cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(source)
    for key in keys:
        page.keyboard.press(key)
    wait_until_idle(page)


@pytest.fixture(scope="module")
def student_lab(tmp_path_factory):
    """A student's home with nbgrader's exchange holding lesson 01 as released, and the sliders' lessons."""
    home, exchange = student_home(tmp_path_factory.mktemp("student"), ROOT / "lessons" / "01_update_rule")
    explore = home / "explore"
    explore.mkdir()
    for lesson in ("01_update_rule", "02_batch_strategies", "04_normalization", "05_softmax_cross_entropy"):
        shutil.copy(ROOT / "solutions" / lesson / f"{lesson}.ipynb", explore)
    lab = Lab(root_dir=home, home=home, setup="student", cwd=home)
    yield lab, home, exchange
    lab.stop()


def test_student_fetches_runs_fills_validates_and_submits_lesson_01(student_lab, page):
    lab, home, exchange = student_lab
    page.goto(lab.url("lab?reset"))
    page.wait_for_selector(".lm-MenuBar-itemLabel:text-is('Nbgrader')")

    # Instructor-only parts are absent from the student's setup.
    assert menu(page, "Nbgrader") == ["Assignment List"]
    assert "Nbgrader Create Assignment" not in right_sidebar_titles(page)
    assert lab.status("formgrader") == 404

    # The Assignments tab: lesson 01 released; Fetch downloads it into the home folder.
    menu(page, "Nbgrader", "Assignment List")
    released = page.locator("#released_assignments_list")
    released.locator("text=01_update_rule").first.wait_for()
    shot(page, "01-assignment-list-released")
    released.locator("button:has-text('Fetch')").click()
    page.locator("#fetched_assignments_list >> text=01_update_rule").first.wait_for()
    assert (home / "01_update_rule" / "01_update_rule.ipynb").is_file()
    shot(page, "02-assignment-fetched")

    # Run All: the first exercise's test stops the run with the course's message.
    open_notebook(page, lab, "01_update_rule/01_update_rule.ipynb")
    run_all(page)
    failing = page.locator(".jp-CodeCell:has(.jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'])")
    assert failing.count() == 1
    message = " ".join(outputs(failing.first).split())      # the course wraps its messages at 83 characters
    assert "mse_loss is not implemented yet: replace `raise NotImplementedError()`" in message
    failing.first.locator(".jp-InputPrompt").click()            # the failing cell becomes the active one
    page.set_viewport_size({"width": 1400, "height": 1800})      # tall enough for its code and traceback
    page.wait_for_timeout(1000)
    shot(page, "03-run-all-stops-at-the-first-stub", failing.first)
    page.set_viewport_size({"width": 1400, "height": 900})

    # Fill mse_loss by typing into its cell, run it and its test: the test passes.
    type_into(page, "def mse_loss", MSE_LOSS)                # runs the definition, then its test
    test_cell = code_cell(page, "Checks mse_loss on small examples")
    assert "Error" not in outputs(test_cell), outputs(test_cell)
    test_cell.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    shot(page, "04-mse-loss-filled-and-passing")

    # Validate: saved, run by nbgrader; the first failure is now the next exercise (mse_gradients).
    dialog, result = validate(page)
    assert "Checks mse_gradients" in result and "Checks mse_loss" not in result, result[:2000]
    shot(page, "05-validate-reports-the-next-exercise")
    dialog.locator("button:has-text('Ok')").click()

    # Friendly hints: calling an unfinished function, and a shape mismatch in @. Run All stopped before
    # mse_gradients was defined: select its cell and run it, then add cells below it.
    code_cell(page, "def mse_gradients").locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+Enter")
    wait_until_idle(page)
    for source, hint in [("mse_gradients(X_train, y_train, np.zeros(1), 0.0)", "`mse_gradients` is not written yet"),
                         ("X_train @ np.ones(3)", "(for matrices: the columns of A and the rows of B), but they are 1 and 3")]:
        page.keyboard.press("Escape")                          # command mode
        page.keyboard.press("b")                               # a new cell below, selected
        page.keyboard.press("Enter")                           # edit it
        page.keyboard.insert_text(source)
        page.keyboard.press("Control+Enter")
        wait_until_idle(page)
        cell = code_cell(page, source)
        text = outputs(cell)
        assert "Traceback" in text and "nettrain hint: " in text and hint in text, text[-1500:]
        assert text.index("Traceback") < text.index("nettrain hint")            # under the untouched traceback
    cell.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    shot(page, "06-friendly-hints-under-tracebacks")

    # Submit from the Assignments tab.
    save(page)
    menu(page, "Nbgrader", "Assignment List")
    page.locator("#fetched_assignments_list button:has-text('Submit')").click()
    page.locator("#submitted_assignments_list >> text=01_update_rule").first.wait_for(timeout=60_000)
    assert list((exchange / "nettrain" / "inbound").iterdir())
    shot(page, "07-submitted")


# ---------------------------------------------------------------------------------------------
# The same student flow in the pt-BR edition: every message the student reads is Portuguese,
# taken from the pt-BR catalogues (so the test follows the translators' words).

SUMMED_MSE_LOSS = '''def mse_loss(X, y, w, b):
    return float(np.sum((X @ w + b - y) ** 2))
'''


def portuguese(english, lesson="01_update_rule"):
    """The pt-BR translation of `english`, from the lesson's catalogue or the library's."""
    for catalog in portuguese_catalogues(lesson):
        if english in catalog and catalog[english].string:
            return catalog[english].string
    raise AssertionError(f"no pt-BR translation of {english!r}")


@pytest.fixture(scope="module")
def student_lab_pt(tmp_path_factory):
    """A pt-BR student's home; the exchange holds the pt-BR lesson 01 as released."""
    home, exchange = student_home(tmp_path_factory.mktemp("student-pt"), ROOT / "pt_BR" / "lessons" / "01_update_rule")
    lab = Lab(root_dir=home, home=home, setup="student", cwd=home)
    yield lab, home, exchange
    lab.stop()


def test_student_flow_in_portuguese(student_lab_pt, page):
    lab, home, exchange = student_lab_pt
    folder = ARTIFACTS.parent / "browser-pt_BR"
    page.goto(lab.url("lab?reset"))
    page.wait_for_selector(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
    menu(page, "Nbgrader", "Assignment List")
    page.locator("#released_assignments_list button:has-text('Fetch')").click()
    page.locator("#fetched_assignments_list >> text=01_update_rule").first.wait_for()

    # The lesson is in Portuguese; Run All stops at the first stub, with the library's message in Portuguese.
    open_notebook(page, lab, "01_update_rule/01_update_rule.ipynb")
    title = portuguese("# Lesson 01 — The update rule: how the weights are updated").lstrip("# ")
    page.locator(f".jp-MarkdownCell h1:has-text({json.dumps(title[:30], ensure_ascii=False)})").first.wait_for()
    shot(page, "01-lesson-in-portuguese", folder=folder)
    run_all(page)
    failing = page.locator(".jp-CodeCell:has(.jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'])")
    message = " ".join(outputs(failing.first).split())
    stub = portuguese("{name} is not implemented yet: replace `raise NotImplementedError()` with your code "
                      "and run that cell again before this test").format(name="mse_loss")
    assert " ".join(stub.split()) in message, message

    # A typical mistake (the squared residuals summed): its test names it, in Portuguese.
    type_into(page, "def mse_loss", SUMMED_MSE_LOSS)
    mistake = portuguese("the squared residuals are summed instead of averaged: divide by N (np.mean)")
    test_cell = code_cell(page, "check_close(loss, 2.0")
    text = " ".join(outputs(test_cell).split())
    assert " ".join(mistake.split()) in text, text[-1500:]
    test_cell.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    shot(page, "02-mistake-named-in-portuguese", folder=folder)

    # Validate says the same; then the right mse_loss, and a hint under a traceback in Portuguese.
    dialog, result = validate(page)
    assert " ".join(mistake.split())[:60] in " ".join(result.split()), result[:2000]
    shot(page, "03-validate-in-portuguese", folder=folder)
    dialog.locator("button:has-text('Ok')").click()
    type_into(page, "def mse_loss", MSE_LOSS, keys=("Control+Enter",))
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.insert_text("X_train @ np.ones(3)")
    page.keyboard.press("Control+Enter")
    wait_until_idle(page)
    text = outputs(code_cell(page, "X_train @ np.ones(3)"))
    assert "Traceback" in text and portuguese("nettrain hint: ") in text, text[-1500:]
    shot(page, "04-hint-in-portuguese", folder=folder)

    save(page)
    menu(page, "Nbgrader", "Assignment List")
    page.locator("#fetched_assignments_list button:has-text('Submit')").click()
    page.locator("#submitted_assignments_list >> text=01_update_rule").first.wait_for(timeout=60_000)
    assert list((exchange / "nettrain" / "inbound").iterdir())
    shot(page, "05-submitted", folder=folder)


SLIDERS = [("01_update_rule", "explore-lr", "0.3"), ("02_batch_strategies", "explore-batch", "32"),
           ("04_normalization", "explore-method", "standard"), ("05_softmax_cross_entropy", "explore-softmax", "3.1")]


@pytest.mark.parametrize("lesson, cell_id, start", SLIDERS, ids=[lesson for lesson, _, _ in SLIDERS])
def test_each_slider_redraws_its_figure_when_moved(student_lab, page, lesson, cell_id, start):
    lab = student_lab[0]
    open_notebook(page, lab, f"explore/{lesson}.ipynb")
    run_all(page)
    widget = page.locator(".jp-OutputArea-output:has(.widget-slider)").first
    widget.wait_for()
    widget.scroll_into_view_if_needed()
    readouts = widget.locator(".widget-readout")
    sync_api.expect(readouts.first).to_have_text(start)
    figure = widget.locator("img").first
    figure.wait_for()
    before = figure.get_attribute("src")
    shot(page, f"08-{lesson}-slider-start", widget)
    widget.locator(".noUi-handle, .ui-slider-handle").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("([el, old]) => { const img = el.querySelector('img'); return img && img.src !== old; }",
                           arg=[widget.element_handle(), before], timeout=30_000)
    sync_api.expect(readouts.first).not_to_have_text(start)
    time.sleep(0.5)                                            # let the new image paint before the screenshot
    shot(page, f"09-{lesson}-slider-moved", widget)


# ---------------------------------------------------------------------------------------------
# Instructor

def test_instructor_setup_has_formgrader_and_create_assignment(tmp_path, page):
    course, home = tmp_path / "course", tmp_path / "home"
    home.mkdir()
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions", course / "solutions")
    lab = Lab(root_dir=course, home=home, setup="instructor", cwd=course)
    try:
        open_notebook(page, lab, "solutions/01_update_rule/01_update_rule.ipynb")
        items = menu(page, "Nbgrader")
        assert {"Assignment List", "Course List", "Formgrader", "Create assignment"} <= set(items), items
        assert "Nbgrader Create Assignment" in right_sidebar_titles(page)
        shot(page, "10-instructor-lab")
        menu(page, "Nbgrader", "Formgrader")
        formgrader = page.frame_locator("iframe")
        formgrader.locator("text=01_update_rule").first.wait_for(timeout=60_000)
        for lesson in lesson_ids():                            # all eight lessons, the capstone included
            formgrader.locator(f"text={lesson}").first.wait_for(timeout=10_000)
        shot(page, "11-instructor-formgrader")
    finally:
        lab.stop()
