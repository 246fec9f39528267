"""nettrain_grading.exchange: private submissions, a message for students not in the course, the root check.

The submission test switches uids (ada 2001, grace 2002, the grader 3000) in forked children of the
test process: the venv's python lives under /root (0700), so a fresh process run by another uid
could not even start. Everything is imported before the fork.
"""
import glob
import logging
import os
import pickle
import shutil
import stat
import tempfile
import traceback
import types

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.auth import Authenticator
from nbgrader.auth.base import BaseAuthPlugin
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeError, ExchangeFactory
from nbgrader.exchange.default.list import ExchangeList
from nbgrader.server_extensions.assignment_list.handlers import AssignmentList
from traitlets.config import Application, Config, Configurable

from nettrain_grading import exchange
from nettrain_grading.exchange import EnrolledList, NotEnrolled, check_exchange_root

ADA, GRACE, GRADER = 2001, 2002, 3000
LESSON = "01_x"


def as_user(uid, groups, work):
    """Run work() as uid (primary group = uid, extra groups) in a forked child; return its result."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:                                    # the child: never returns to pytest
        os.close(read)
        try:
            os.setgroups(groups)
            os.setgid(uid)
            os.setuid(uid)
            result = ("ok", work())
        except BaseException as error:              # noqa: BLE001 - everything goes back to the test
            result = ("error", "".join(traceback.format_exception(error)))
        with os.fdopen(write, "wb") as pipe:
            pickle.dump(result, pipe)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        status, value = pickle.load(pipe)
    os.waitpid(pid, 0)
    assert status == "ok", "as uid {}:\n{}".format(uid, value)
    return value


def exchange_app(kind, root, home, student=None, **options):
    """An nbgrader exchange app as the students' and grader's configs make it (our plug-ins selected)."""
    config = Config()
    config.Exchange.root = root
    config.Exchange.assignment_dir = home
    config.Exchange.cache = os.path.join(home, "cache")
    config.CourseDirectory.root = home
    config.CourseDirectory.course_id = "nettrain"
    config.CourseDirectory.assignment_id = options.pop("assignment_id", LESSON)
    if student:
        config.CourseDirectory.student_id = student    # the uids have no /etc/passwd entry
    config.ExchangeFactory.submit = "nettrain_grading.exchange.PrivateSubmit"
    config.ExchangeFactory.list = "nettrain_grading.exchange.EnrolledList"
    for name, value in options.items():
        setattr(config.ExchangeList, name, value)
    factory = ExchangeFactory(config=config)
    return getattr(factory, kind)(coursedir=CourseDirectory(config=config),
                                  authenticator=Authenticator(config=config), config=config)


def as_grader(kind, root, course, **plugins):
    """Run nbgrader's exchange app `kind` (ReleaseAssignment, Collect) as the grader, with `plugins`
    (ExchangeFactory settings, e.g. collect=...) or nbgrader's own classes."""
    def run():
        config = Config()
        config.Exchange.root, config.CourseDirectory.root = root, course
        config.CourseDirectory.course_id, config.CourseDirectory.assignment_id = "nettrain", LESSON
        for name, value in plugins.items():
            setattr(config.ExchangeFactory, name, value)
        getattr(ExchangeFactory(config=config), kind)(
            coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config),
            config=config).start()
    as_user(GRADER, [GRADER], run)


@pytest.fixture
def shared():
    """A folder every uid can enter (pytest's tmp_path is 0700 root), removed afterwards."""
    folder = tempfile.mkdtemp(prefix="nettrain-exchange-", dir="/tmp")
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to the students' uids needs root")
def test_a_submission_is_readable_by_its_student_and_the_grader_only(shared):
    root = os.path.join(shared, "exchange")
    os.mkdir(root)
    os.chmod(root, 0o1777)
    course, ada_home, grace_home = (os.path.join(shared, name) for name in ("course", "ada", "grace"))
    os.makedirs(os.path.join(course, "release", LESSON))
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("answer = 42")]),
                   os.path.join(course, "release", LESSON, LESSON + ".ipynb"))
    with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db"), "nettrain"):
        pass                        # made as root: a new gradebook runs `alembic`, which the uids cannot start
    for folder, uid in ((course, GRADER), (ada_home, ADA), (grace_home, GRACE)):
        os.makedirs(folder, exist_ok=True)
        for path in [folder] + glob.glob(folder + "/**", recursive=True):
            os.chown(path, uid, uid)

    # the grader releases with nbgrader's own app: it makes inbound/ 2733 with the grader's group
    as_grader("ReleaseAssignment", root, course)
    inbound = os.path.join(root, "nettrain", "inbound")
    assert stat.S_IMODE(os.stat(inbound).st_mode) == 0o2733
    assert os.stat(inbound).st_gid == GRADER

    # ada fetches and submits with a strict umask: the modes must not depend on it
    def fetch_and_submit():
        os.umask(0o077)
        exchange_app("FetchAssignment", root, ada_home).start()
        submit = exchange_app("Submit", root, ada_home, student="ada")
        submit.start()
        return os.path.join(inbound, submit.assignment_filename)
    submission = as_user(ADA, [ADA], fetch_and_submit)

    assert sorted(os.listdir(submission)) == [LESSON + ".ipynb", "submission_secret.txt", "timestamp.txt"]
    assert not [name for name in os.listdir(inbound) if name.startswith(".")], "the staging folder stayed"
    for folder, _, files in os.walk(submission):
        info = os.stat(folder)
        # 0750: the kernel drops our setgid bit (ada is not in the grader's group); the group stays
        assert (stat.S_IMODE(info.st_mode) & 0o777, info.st_gid) == (0o750, GRADER), folder
        for name in files:
            info = os.stat(os.path.join(folder, name))
            assert (stat.S_IMODE(info.st_mode), info.st_gid) == (0o640, GRADER), name

    notebook = os.path.join(submission, LESSON + ".ipynb")

    def other_student_reads():
        refused = []
        for attempt in (lambda: open(notebook).read(), lambda: os.listdir(submission)):
            try:
                attempt()
            except PermissionError:
                refused.append(True)
        return refused
    assert as_user(GRACE, [GRACE], other_student_reads) == [True, True]

    def grader_reads():             # the grader's uid, in the grader's group: collect can copy it
        return open(notebook).read(), open(os.path.join(submission, "timestamp.txt")).read()
    text, timestamp = as_user(GRADER, [GRADER], grader_reads)
    assert "answer = 42" in text and timestamp

    as_grader("Collect", root, course)        # nbgrader's own collect reads what PrivateSubmit wrote
    assert sorted(os.listdir(os.path.join(course, "submitted", "ada", LESSON))) == [
        LESSON + ".ipynb", "submission_secret.txt", "timestamp.txt"]

    # ada's cache copy, as nbgrader's submit makes it: `nbgrader list --cached` (the Lab's "submitted"
    # list) sees it, and the same secret names her feedback file
    def cached_list():
        return exchange_app("List", root, ada_home, cached=True).start()
    listed = as_user(ADA, [ADA], cached_list)
    assert [(item["course_id"], item["student_id"], item["assignment_id"]) for item in listed] == \
        [("nettrain", "ada", LESSON)]
    cached = listed[0]["submissions"][0]["path"]
    for name in ("timestamp.txt", "submission_secret.txt", LESSON + ".ipynb"):
        assert open(os.path.join(cached, name)).read() == open(os.path.join(submission, name)).read()


class NotInCourse(BaseAuthPlugin):
    """JupyterHubAuthPlugin's answer for a user in no nbgrader-*/formgrade-* hub group."""

    def get_student_courses(self, student_id):
        return []


class InCourse(BaseAuthPlugin):
    def get_student_courses(self, student_id):
        return ["nettrain"]


def released_exchange(tmp_path):
    root = tmp_path / "exchange"
    (root / "nettrain" / "outbound" / LESSON).mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), root / "nettrain" / "outbound" / LESSON / (LESSON + ".ipynb"))
    return str(root)


def lister(cls, root, home, plugin, parent=None, **options):
    config = Config()
    config.Exchange.root, config.Exchange.assignment_dir = root, home
    config.Exchange.cache = os.path.join(home, "cache")
    config.CourseDirectory.course_id = "nettrain"
    config.Authenticator.plugin_class = plugin
    for name, value in options.items():
        setattr(config.ExchangeList, name, value)
    return cls(coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config), config=config,
               parent=parent)


def test_a_student_not_in_the_course_is_told_why_the_list_is_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "eve")
    root, home = released_exchange(tmp_path), str(tmp_path)
    assert lister(ExchangeList, root, home, NotInCourse).start() == []      # nbgrader: empty, silent
    with pytest.raises(NotEnrolled) as error:
        lister(EnrolledList, root, home, NotInCourse).start()
    assert str(error.value) == ("You are not enrolled in the course 'nettrain' on this JupyterHub: ask your "
                                "instructor to add you to the group nbgrader-nettrain. (Your user name: eve.)")
    # `nbgrader list` (a parent app) gets an ExchangeError: its ListApp logs, then exits 1, no traceback
    with pytest.raises(ExchangeError, match=r"not enrolled in the course 'nettrain'"):
        lister(EnrolledList, root, home, NotInCourse, parent=Application()).start()
    # the submitted list (--cached) stays as nbgrader's
    assert lister(EnrolledList, root, home, NotInCourse, cached=True).start() == []
    # an enrolled student gets exactly nbgrader's list
    ours, theirs = (lister(cls, root, home, InCourse).start() for cls in (EnrolledList, ExchangeList))
    assert ours == theirs and [item["assignment_id"] for item in ours] == [LESSON]


def test_the_lab_assignments_tab_gets_the_message(tmp_path, monkeypatch):
    """What nbgrader's server extension sends to the Lab tab (GET /courses and /assignments)."""
    monkeypatch.setenv("JUPYTERHUB_USER", "eve")
    root = released_exchange(tmp_path)
    config_dir, home = tmp_path / "config", tmp_path / "home"
    config_dir.mkdir()
    home.mkdir()
    (config_dir / "nbgrader_config.py").write_text(
        "from nbgrader.auth.base import BaseAuthPlugin\n"
        "class NotInCourse(BaseAuthPlugin):\n"
        "    def get_student_courses(self, student_id):\n"
        "        return []\n"
        "c.Authenticator.plugin_class = NotInCourse\n"
        "c.CourseDirectory.course_id = 'nettrain'\n"
        f"c.Exchange.root = {root!r}\n"
        "c.ExchangeFactory.list = 'nettrain_grading.exchange.EnrolledList'\n")
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(config_dir))
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "nowhere"))
    monkeypatch.chdir(home)
    manager = AssignmentList()
    manager.root_dir = str(home)
    message = ("You are not enrolled in the course 'nettrain' on this JupyterHub: ask your instructor to add "
               "you to the group nbgrader-nettrain. (Your user name: eve.)")
    for answer in (manager.list_courses(), manager.list_assignments(course_id="nettrain")):
        assert answer["success"] is False
        # the lab puts `value` as text in each of its three lists: the traceback ends with our message
        assert answer["value"].startswith("Traceback") and answer["value"].rstrip().endswith(message)

    # with our server extension enabled, the value is the message alone
    server = Configurable()
    server.web_app = types.SimpleNamespace(settings={"assignment_list_manager": manager})
    exchange._load_jupyter_server_extension(server)
    manager = server.web_app.settings["assignment_list_manager"]
    assert manager.root_dir == str(home)
    for answer in (manager.list_courses(), manager.list_assignments(course_id="nettrain")):
        assert answer == {"success": False, "value": message}


def test_the_exchange_root_check_says_what_to_run(tmp_path):
    root = tmp_path / "exchange"
    with pytest.raises(SystemExit, match=r"does not exist\. Create it: sudo install -d -m 1777 .*/exchange$"):
        check_exchange_root(str(root))
    root.write_text("")
    with pytest.raises(SystemExit, match=r"is not a folder\. .* sudo install -d -m 1777"):
        check_exchange_root(str(root))
    root.unlink()
    root.mkdir()
    for mode in (0o755, 0o777, 0o1775):
        os.chmod(root, mode)
        with pytest.raises(SystemExit, match=r"has mode {:04o}; expected 1777 .* Fix: sudo chmod 1777 ".format(mode)):
            check_exchange_root(str(root))
    os.chmod(root, 0o1777)
    assert check_exchange_root(str(root)) is None
    inbound = root / "nettrain" / "inbound"
    inbound.mkdir(parents=True)
    os.chmod(inbound, 0o733)
    with pytest.raises(SystemExit, match=r"inbound has mode 0733; expected 2733 .* Fix: sudo chmod 2733 "):
        check_exchange_root(str(root))
    os.chmod(inbound, 0o2733)
    assert check_exchange_root(str(root)) is None


@pytest.mark.skipif(os.geteuid() != 0, reason="submissions owned by the students' uids need root")
def test_collect_takes_what_each_student_handed_in_and_never_follows_a_link(shared, monkeypatch):
    """A student owns her folder in inbound/: she can name it for a classmate, put a link to the
    solutions in it, a file the grader cannot read, or a name without a time. None of it may reach
    the grade, and the rest of the class is collected as usual."""
    monkeypatch.setattr(exchange, "_uid_of", {"ada": ADA, "grace": GRACE}.get)   # the uids have no passwd entry
    root, course = os.path.join(shared, "exchange"), os.path.join(shared, "course")
    inbound = os.path.join(root, "nettrain", "inbound")
    os.makedirs(inbound)
    os.makedirs(course)
    with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db"), "nettrain"):
        pass
    for path in [course] + glob.glob(course + "/**", recursive=True) + [inbound]:
        os.chown(path, GRADER, GRADER)
    os.chmod(inbound, 0o2733)
    os.chmod(root, 0o1777)
    solutions = os.path.join(shared, "solution.ipynb")              # what grace wants graded as hers
    with open(solutions, "w") as handle:
        handle.write("THE SOLUTION")

    def hand_in(owner, name, files, secret="ab" * 64):
        folder = os.path.join(inbound, name)
        os.mkdir(folder)
        files = dict(files, **({"submission_secret.txt": secret} if secret else {}))
        for file_name, text in files.items():
            path = os.path.join(folder, file_name)
            if text is None:
                os.symlink(solutions, path)
            else:
                with open(path, "w") as handle:
                    handle.write(text)
                os.chown(path, owner, GRADER)
                os.chmod(path, 0o000 if file_name == "locked.txt" else 0o640)
        os.chown(folder, owner, GRADER)
        os.chmod(folder, 0o750)

    notebook = LESSON + ".ipynb"
    hand_in(ADA, "ada+{}+2026-03-01 10:00:00.000000 UTC+aaaa".format(LESSON), {notebook: "ada's work"})
    hand_in(GRACE, "ada+{}+2099-01-01 10:00:00.000000 UTC+zzzz".format(LESSON), {notebook: "forged by grace"})
    hand_in(GRACE, "grace+{}+2026-03-01 11:00:00.000000 UTC+bbbb".format(LESSON),
            {notebook: None, "notes.txt": "grace's notes", "locked.txt": "unreadable"})
    hand_in(GRACE, "grace+{}+next week+cccc".format(LESSON), {notebook: "no time"})
    # newer than ada's real one, but hand-made: no secret, or an empty one (release_feedback would crash)
    hand_in(ADA, "ada+{}+2097-01-01 10:00:00.000000 UTC+eeee".format(LESSON), {notebook: "no secret"}, secret=None)
    hand_in(ADA, "ada+{}+2096-01-01 10:00:00.000000 UTC+ffff".format(LESSON), {notebook: "empty"}, secret="")
    hand_in(ADA, "ada+{}+2098-01-01 10:00:00.000000 UTC+dddd".format(LESSON), {notebook: "closed"})
    os.chmod(os.path.join(inbound, "ada+{}+2098-01-01 10:00:00.000000 UTC+dddd".format(LESSON)), 0o000)

    as_grader("Collect", root, course, collect="nettrain_grading.exchange.OwnedCollect")

    submitted = os.path.join(course, "submitted")
    with open(os.path.join(submitted, "ada", LESSON, notebook)) as handle:
        assert handle.read() == "ada's work"                          # not the newer forged folder
    grace = os.path.join(submitted, "grace", LESSON)
    assert sorted(os.listdir(grace)) == ["notes.txt", "submission_secret.txt"]   # no link followed, no locked file
    for folder, _, files in os.walk(submitted):
        for name in files:
            with open(os.path.join(folder, name)) as handle:
                assert "THE SOLUTION" not in handle.read(), os.path.join(folder, name)


def owned_copy(src, dest, caplog):
    """OwnedCollect's copy of one submission folder; returns the warnings it logged."""
    config = Config()
    config.CourseDirectory.root = str(dest.parent)
    collector = exchange.OwnedCollect(coursedir=CourseDirectory(config=config),
                                      authenticator=Authenticator(config=config), config=config)
    collector.log = logging.getLogger("nettrain-test-owned-collect")
    with caplog.at_level(logging.WARNING, logger=collector.log.name):
        collector.do_copy(str(src), str(dest))
    return [record.getMessage() for record in caplog.records]


def test_collect_copies_through_folder_handles_so_a_swapped_in_link_is_not_followed(tmp_path, caplog):
    """The race: the student replaces a file with a link after any check. The copy opens every name
    relative to an open folder with O_NOFOLLOW, so the link is refused at the moment of opening."""
    src, secret = tmp_path / "submission", tmp_path / "secret.txt"
    (src / "sub").mkdir(parents=True)
    secret.write_text("THE SOLUTION")
    (src / "answer.ipynb").symlink_to(secret)
    (src / "sub" / "data.txt").write_text("kept")
    (tmp_path / "outside").mkdir()
    os.symlink(tmp_path / "outside", src / "linked-folder")
    warnings = owned_copy(src, tmp_path / "copy", caplog)
    assert sorted(os.listdir(tmp_path / "copy")) == ["sub"]
    assert (tmp_path / "copy" / "sub" / "data.txt").read_text() == "kept"
    assert len(warnings) == 2 and all("is a link, a special file or too large" in w for w in warnings), warnings


@pytest.mark.parametrize("make, words", [
    (lambda src: [(src / f"f{i}.txt").write_text("x") for i in range(exchange.MAX_FILES + 1)], "more than 200 files"),
    (lambda src: src.joinpath(*["a"] * (exchange.MAX_DEPTH + 2)).mkdir(parents=True),
     "nested more than 10 deep"),
    (lambda src: (src / "big.ipynb").touch() or os.truncate(src / "big.ipynb", exchange.MAX_BYTES + 1),
     "more than 50 MB"),
])
def test_a_submission_too_big_deep_or_full_is_refused_for_its_student_only(tmp_path, caplog, make, words):
    """A few kilobytes from a student (sparse files, many files, deep folders) must not fill the grader's
    disk or crash the class's collect: the copy stops, nothing of that submission stays, it is logged."""
    src = tmp_path / "submission"
    src.mkdir()
    make(src)
    warnings = owned_copy(src, tmp_path / "copy", caplog)        # no exception: the next student goes on
    assert not (tmp_path / "copy").exists()
    assert any(words in warning for warning in warnings), warnings
