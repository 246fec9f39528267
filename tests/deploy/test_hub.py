"""A class on the course's JupyterHub, end to end, in a real browser.

deploy/localhub.py starts deploy/jupyterhub_config.py in private namespaces (own users, /home, /srv
and network; nothing of this machine outside the test's temporary folder changes), with three
students (ada, grace, alan) and one instructor (turing). Playwright drives Debian's Chromium, which
joins the hub's network namespace, through what each person does:

0. someone who guesses a name cannot take the account (every name has a random first password);
1. each user logs in at the hub's login page with the password the instructor handed out;
2. the instructor opens the formgrader, generates and releases lesson 01;
3. each student fetches it from the Assignments tab, writes mse_loss (ada correctly, grace and alan
   with typical mistakes), validates and submits;
4. grace, in a terminal of her JupyterLab, tries to list the exchange's inbound folder and to read
   ada's submission by its exact path: both refused; nor can she read the checkout's solutions/ or
   the grader's gradebook;
5. the instructor, in a terminal of the grader service (its course folder, as grader-nettrain), runs
   `nettrain-grade grade 01_update_rule --from-exchange --release-feedback`, and sees the scores in
   the formgrader;
6. each student fetches their feedback and sees their own messages only;
7. alan is taken out of the class's hub group: his Assignments tab says he is not enrolled.

Screenshots of every step go to test-artifacts/hub/ (or $NETTRAIN_ARTIFACTS/hub). The test is skipped,
with the reason, only where the machine cannot create the namespaces (not root, no unshare) or the
browser or proxy is missing; `make test` installs them, and CI here runs it.
"""
import os
import re
from pathlib import Path

import pytest

from deploy.localhub import GRADER, LocalHub, problem
from tests.course.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MSE_LOSS,
    code_cell,
    menu,
    outputs,
    sync_api,
    type_into,
    validate,
    wait_until_idle,
)
from tests.course.test_browser import shot as browser_shot

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("NETTRAIN_ARTIFACTS", ROOT / "test-artifacts")) / "hub"
LESSON = "01_update_rule"
# What each student types into mse_loss, and the failure message their test, Validate and feedback
# must show (and the others' feedback must not). The test cell's source lists every mistake's
# explanation; only the failure says "returned what you get when".
ANSWERS = {
    "ada": (MSE_LOSS, None),
    "grace": (MSE_LOSS.replace("np.mean(", "np.sum("),
              "returned what you get when the squared residuals are summed instead of averaged"),
    "alan": (MSE_LOSS.replace("X @ w + b - y", "X @ w - y"), "returned what you get when the bias b is missing"),
}
STUDENTS, INSTRUCTOR = list(ANSWERS), "turing"
DONE = ('echo "== $((6 * 7)) =="', "== 42 ==")      # typed in a terminal; the screen shows the second when it ran

why = problem()
if why:
    pytest.skip(f"the JupyterHub test cannot run here: {why}", allow_module_level=True)
if CHROMIUM is None:
    pytest.skip("no Chromium to drive (sudo apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    state = tmp_path_factory.mktemp("hub")
    with open(state / "namespace.log", "w") as log:
        hub = LocalHub(state / "root", STUDENTS, [INSTRUCTOR])
        try:
            hub.start(log=log)
        except RuntimeError as error:
            pytest.fail(f"{error}:\n{(state / 'namespace.log').read_text()[-4000:]}")
        yield hub
        hub.stop()


@pytest.fixture(scope="module")
def browser(hub, tmp_path_factory):
    # Chromium joins the hub's network namespace, so 127.0.0.1:8000 is the hub's; Playwright talks to it
    # over a pipe, which the namespace does not affect.
    wrapper = tmp_path_factory.mktemp("chromium") / "chromium-in-hub-network"
    wrapper.write_text(f'#!/bin/sh\nexec nsenter --target {hub.init_pid} --net -- {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(wrapper), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def shot(page, name, element=None):
    browser_shot(page, name, element, folder=ARTIFACTS)


def log_in(browser, hub, user):
    """A browser context of its own for `user`, logged in at the hub's login page, at their JupyterLab."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.passwords()[user])
    if user == INSTRUCTOR:
        shot(page, "01-login-page")
    page.click("#login_submit")
    page.wait_for_url(re.compile(f"/user/{user}/lab"), timeout=120_000)
    page.wait_for_selector(".lm-MenuBar-itemLabel:text-is('Nbgrader')")
    return page


def assignment_list(page):
    menu(page, "Nbgrader", "Assignment List")
    return page.locator(".jp-NbgraderAssignmentList, #assignment-list").first


def formgrader_row(page, lesson):
    return page.locator("tr", has=page.locator("td.name", has_text=lesson)).first


def formgrader_action(page, button, expected, screenshot=None):
    """Click a formgrader action; its result dialog must say `expected`; close the dialog."""
    button.click()
    modal = page.locator(".modal-dialog:visible")
    modal.wait_for(timeout=180_000)
    text = modal.inner_text()
    assert expected in text, text[:2000]
    if screenshot:
        page.wait_for_timeout(800)                         # Bootstrap's fade-in, so the dialog is readable
        shot(page, screenshot)
    modal.locator(".modal-footer button:has-text('OK')").click()
    modal.wait_for(state="detached")


def readable_terminals(hub, user):
    """JupyterLab draws terminals on a canvas; its screen-reader mode also puts the text in the page."""
    folder = f"/home/{user}/.jupyter/lab/user-settings/@jupyterlab/terminal-extension"
    hub.run(["mkdir", "-p", folder], user=user)
    hub.run(["sh", "-c", f"echo '{{\"screenReaderMode\": true}}' > {folder}/plugin.jupyterlab-settings"], user=user)


def terminal(page, lab_url, commands, until, seconds=120):
    """Open a terminal in the JupyterLab at `lab_url`, type `commands`, wait until the screen shows `until`."""
    page.goto(f"{lab_url}?reset")
    page.wait_for_selector(".lm-MenuBar-itemLabel:text-is('File')")
    menu(page, "File", "New")
    page.click(".lm-Menu-itemLabel:text-is('Terminal')")
    screen = page.locator(".jp-Terminal").first
    screen.wait_for()
    page.wait_for_selector(".jp-Terminal .xterm-accessibility-tree")
    screen.click()
    for command in commands:
        page.keyboard.type(command + "\n")
    page.wait_for_function("([el, text]) => el.innerText.replace(/\\s+/g, ' ').includes(text)",
                           arg=[screen.element_handle(), until], timeout=seconds * 1000)
    return " ".join(screen.inner_text().split())


def grace_probes(hub):
    """What grace's terminal would show when she looks for ada's work in the exchange."""
    inbound = "/srv/nbgrader/exchange/nettrain/inbound"
    listing = hub.run(["ls", inbound], user="grace", check=False)
    submissions = hub.run(["find", inbound, "-maxdepth", "1", "-name", "ada+*"], check=True).stdout.splitlines()
    assert submissions, "ada's submission is not in the exchange"
    reading = hub.run(["cat", f"{submissions[0]}/{LESSON}.ipynb"], user="grace", check=False)
    return listing, reading


def test_a_class_releases_submits_grades_and_gets_feedback_on_the_hub(hub, browser):
    for user in ("grace", GRADER):
        readable_terminals(hub, user)
    # Nobody can take a classmate's account by logging in first: every name has a password already.
    context = browser.new_context()
    thief = context.new_page()
    thief.goto(f"{hub.url}/hub/login")
    thief.fill("#username_input", "ada")
    thief.fill("#password_input", "mallory-was-here")
    thief.click("#login_submit")
    thief.locator("text=Invalid username or password").wait_for()
    shot(thief, "00-someone-else-cannot-claim-ada")
    context.close()
    pages = {user: log_in(browser, hub, user) for user in [INSTRUCTOR, *STUDENTS]}
    shot(pages["ada"], "02-student-lab-after-login")

    # 2. The instructor: formgrader as its own page (JupyterHub forbids it inside an iframe), generate, release.
    teacher = pages[INSTRUCTOR]
    teacher.goto(f"{hub.url}/services/nettrain/formgrader/manage_assignments")
    row = formgrader_row(teacher, LESSON)
    row.wait_for()
    shot(teacher, "03-formgrader-lessons")
    formgrader_action(teacher, row.locator("td.assign a"), f"Successfully created the student version of '{LESSON}'")
    formgrader_action(teacher, formgrader_row(teacher, LESSON).locator("td.release a"),
                      f"Successfully released '{LESSON}'", screenshot="04-formgrader-released")
    sync_api.expect(formgrader_row(teacher, LESSON).locator("td.status")).to_have_text("released")

    # 3. Each student: fetch, write mse_loss, validate, submit.
    for user, (source, message) in ANSWERS.items():
        page = pages[user]
        menu(page, "Nbgrader", "Assignment List")
        released = page.locator("#released_assignments_list")
        released.locator(f"text={LESSON}").first.wait_for()
        if user == "ada":
            shot(page, "05-student-assignments-released")
        released.locator("button:has-text('Fetch')").click()
        page.locator(f"#fetched_assignments_list >> text={LESSON}").first.wait_for()
        assert hub.run(["test", "-f", f"/home/{user}/{LESSON}/{LESSON}.ipynb"], user=user, check=False).returncode == 0
        page.goto(f"{hub.url}/user/{user}/lab/tree/{LESSON}/{LESSON}.ipynb?reset")
        page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden)")
        wait_until_idle(page)
        type_into(page, "def mse_loss", source)
        test_output = outputs(code_cell(page, "Checks mse_loss on small examples"))
        if message is None:
            assert "Error" not in test_output, test_output
        else:
            assert message in " ".join(test_output.split()), test_output
        dialog, result = validate(page)
        if message is None:
            assert "Checks mse_gradients" in result and "Checks mse_loss" not in result, result[:2000]
        else:
            assert message in " ".join(result.split()), result[:2000]
        shot(page, f"06-{user}-validate")
        dialog.locator("button:has-text('Ok')").click()
        menu(page, "Nbgrader", "Assignment List")
        page.locator("#fetched_assignments_list button:has-text('Submit')").click()
        page.locator(f"#submitted_assignments_list >> text={LESSON}").first.wait_for(timeout=60_000)
        shot(page, f"07-{user}-submitted")

    # 4. grace looks for ada's submission in a terminal: the inbound listing is refused, and so is the
    # notebook even when she knows its exact path (here taken from the exchange as root).
    inbound = "/srv/nbgrader/exchange/nettrain/inbound"
    ada = hub.run(["find", inbound, "-maxdepth", "1", "-name", "ada+*"]).stdout.strip()
    screen = terminal(pages["grace"], f"{hub.url}/user/grace/lab",
                      [f"ls {inbound}", f"head -c 300 '{ada}/{LESSON}.ipynb'", DONE[0]], until=DONE[1])
    shot(pages["grace"], "08-grace-refused-in-a-terminal")
    assert "cannot open directory" in screen and screen.count("Permission denied") >= 2, screen
    listing, reading = grace_probes(hub)
    assert listing.returncode != 0 and "Permission denied" in listing.stderr, listing
    assert reading.returncode != 0 and "Permission denied" in reading.stderr, reading
    assert hub.run(["head", "-c", "1", "/dev/null"], user="grace").returncode == 0    # the probe itself works
    processes = hub.run(["ps", "-eo", "user="], user="grace").stdout.split()
    assert processes and set(processes) == {"grace"}, f"grace sees other users' processes: {set(processes)}"
    marker = Path(f"/tmp/nettrain-hub-test-{os.getpid()}")          # on this machine's /tmp, not the hub's
    marker.write_text("machine")
    try:
        assert marker.name not in hub.run(["ls", "-A", "/tmp"], user="grace").stdout.split(), "grace sees /tmp"
    finally:
        marker.unlink()
    for secret in [ROOT / "solutions" / LESSON / f"{LESSON}.ipynb", f"/home/{GRADER}/course/gradebook.db",
                   hub.settings()["NETTRAIN_ROSTER"]]:
        peek = hub.run(["cat", str(secret)], user="grace", check=False)
        assert peek.returncode != 0 and peek.stdout == "", f"grace could read {secret}"

    # 5. The instructor grades in a terminal of the grader service (its course folder, as grader-nettrain).
    screen = terminal(teacher, f"{hub.url}/services/nettrain/lab",
                      [f"nettrain-grade grade {LESSON} --from-exchange --release-feedback; {DONE[0]}"],
                      until=DONE[1], seconds=900)
    shot(teacher, "09-instructor-grades-in-the-grader-terminal")
    assert "3 graded" in screen and "2 workers (sandboxed)" in screen, screen[-3000:]
    teacher.goto(f"{hub.url}/services/nettrain/formgrader/manage_submissions/{LESSON}")
    for user in STUDENTS:
        teacher.locator("tr", has=teacher.locator(f"text={user}")).locator("text=graded").first.wait_for()
    shot(teacher, "10-formgrader-submissions-graded")

    # 6. Each student fetches their feedback and sees their own messages only.
    for user, (_, message) in ANSWERS.items():
        page = pages[user]
        menu(page, "Nbgrader", "Assignment List")
        submitted = page.locator("#submitted_assignments_list")
        submitted.locator("button:has-text('Fetch Feedback')").first.click()
        submitted.locator("text=view feedback").first.wait_for(timeout=60_000)
        shot(page, f"11-{user}-feedback-fetched")
        found = hub.run(["find", f"/home/{user}/{LESSON}/feedback", "-name", f"{LESSON}.html"], user=user)
        files = found.stdout.splitlines()
        assert len(files) == 1, found
        html = " ".join(hub.run(["cat", files[0]], user=user).stdout.split())
        others = [other for other, (_, text) in ANSWERS.items() if other != user and text]
        for other in others:
            assert ANSWERS[other][1] not in html, f"{user}'s feedback shows {other}'s message"
        if message:
            assert message in html, f"{user}'s feedback does not name their mistake ({message!r})"
        page.goto(f"{hub.url}/user/{user}/files/{files[0].removeprefix(f'/home/{user}/')}")
        mine = page.locator(f"text={message or 'Checks mse_loss'}").first
        mine.wait_for()
        mine.scroll_into_view_if_needed()
        shot(page, f"12-{user}-feedback-page")

    # 7. alan leaves the class: the instructor removes him from its hub group (REST API, with a token
    # for the instructor). His Assignments tab then says why it is empty.
    token = hub.run(["jupyterhub", "token", INSTRUCTOR, "-f", str(ROOT / "deploy" / "jupyterhub_config.py")],
                    cwd=hub.settings()["NETTRAIN_HUB_STATE"]).stdout.strip().splitlines()[-1]
    remove = (f"import json, urllib.request as u\n"
              f"r = u.Request({hub.url + '/hub/api/groups/nbgrader-nettrain/users'!r}, method='DELETE',\n"
              f"    data=json.dumps({{'users': ['alan']}}).encode(), headers={{'Authorization': 'token {token}'}})\n"
              f"print(u.urlopen(r).status)")
    assert hub.run(["python3", "-c", remove]).stdout.strip() == "200"
    page = pages["alan"]
    page.goto(f"{hub.url}/user/alan/lab?reset")
    menu(page, "Nbgrader", "Assignment List")
    message = "You are not enrolled in the course 'nettrain' on this JupyterHub: ask your instructor"
    page.locator(f"#released_assignments_list >> text={message}").first.wait_for()
    shot(page, "13-alan-not-enrolled")


class HubWithClosedExchange(LocalHub):
    """A set-up mistake: the exchange folder made without the mode students need."""

    def prepare(self):
        super().prepare()
        (self.state / "exchange").chmod(0o755)


def test_a_hub_whose_exchange_students_cannot_write_refuses_to_start_with_the_fix(tmp_path):
    log_path = tmp_path / "namespace.log"
    with open(log_path, "w") as log, pytest.raises(RuntimeError, match="the hub stopped with exit code"):
        HubWithClosedExchange(tmp_path / "root", ["ada"], [INSTRUCTOR]).start(log=log, timeout=60)
    log = log_path.read_text()
    assert "The nbgrader exchange folder /srv/nbgrader/exchange has mode 0755; expected 1777" in log, log[-3000:]
    assert "Fix: sudo chmod 1777 /srv/nbgrader/exchange" in log
    assert "JupyterHub is now running" not in log
