"""The hub's start-up checks (nettrain_grading.hub, nettrain_grading.exchange.check_exchange_root):
each wrong set-up stops the hub with what is wrong and the command that fixes it."""
import os

import pytest

from nettrain_grading.hub import GRADER, check_course, check_private, check_unix_users, read_roster


def roster(tmp_path, text):
    path = tmp_path / "roster.txt"
    path.write_text(text)
    return path


def test_roster_reads_students_and_instructors_with_comments(tmp_path):
    read = read_roster(roster(tmp_path, "# the class\ninstructor turing\n\nstudent ada   # first row\nstudent grace\n"))
    assert read.students == ["ada", "grace"] and read.instructors == ["turing"]
    assert read.everyone == ["ada", "grace", "turing"]


@pytest.mark.parametrize("text, words", [
    ("instructor turing\nteacher hopper\n", ["line 2", "expected `student <name>` or `instructor <name>`",
                                            "'teacher hopper'"]),
    ("instructor turing\nstudent Ada Lovelace\n", ["line 2", "'student Ada Lovelace'"]),
    ("instructor turing\nstudent Ada\n", ["'Ada' is not a valid user name", "lower-case"]),
    ("instructor turing\nstudent ada\nstudent ada\n", ["line 3", "ada is already listed on line 2"]),
    (f"instructor turing\nstudent {GRADER}\n", [f"{GRADER} is the grader service's account"]),
    ("student ada\n", ["lists no instructor", "instructor <name>"]),
])
def test_roster_mistakes_name_the_line_and_the_expected_form(tmp_path, text, words):
    with pytest.raises(SystemExit) as stop:
        read_roster(roster(tmp_path, text))
    for word in words:
        assert word in str(stop.value), str(stop.value)


def test_missing_roster_shows_an_example(tmp_path):
    with pytest.raises(SystemExit, match="(?s)does not exist. Create it .*instructor turing"):
        read_roster(tmp_path / "nowhere.txt")


def test_users_missing_on_the_machine_get_the_useradd_commands():
    with pytest.raises(SystemExit) as stop:
        check_unix_users(["root", "nettrain-nobody-1", "nettrain-nobody-2"])
    message = str(stop.value)
    assert "nettrain-nobody-1, nettrain-nobody-2" in message and "root" not in message.split(":")[0]
    assert "sudo useradd --create-home nettrain-nobody-1 && sudo chmod 0700 /home/nettrain-nobody-1" in message


def test_a_folder_students_can_read_is_refused_with_chmod(tmp_path):
    folder = tmp_path / "course"
    folder.mkdir()
    folder.chmod(0o755)
    with pytest.raises(SystemExit, match=r"(?s)open to every user \(mode 0755\).*sudo chmod 0700"):
        check_private(folder, "the grader's course folder")
    folder.chmod(0o700)
    check_private(folder, "the grader's course folder")


def test_course_without_nbgrader_config_says_how_to_copy_it(tmp_path):
    with pytest.raises(SystemExit, match=f"has no nbgrader_config.py. Fix: sudo install -d -o {GRADER}"):
        check_course(tmp_path / "course", "/opt/nettrain")


@pytest.mark.skipif(os.geteuid() != 0, reason="chmod checks on the exchange root are only meaningful with owners")
@pytest.mark.parametrize("mode, words", [(None, "does not exist. Create it: sudo install -d -m 1777"),
                                         (0o755, "has mode 0755; expected 1777"),
                                         (0o777, "has mode 0777; expected 1777")])
def test_exchange_root_problems_stop_the_hub_with_the_fix(tmp_path, mode, words):
    from nettrain_grading.exchange import check_exchange_root
    root = tmp_path / "exchange"
    if mode is not None:
        root.mkdir()
        root.chmod(mode)
    with pytest.raises(SystemExit, match=words.replace("(", r"\(")):
        check_exchange_root(str(root))


@pytest.mark.skipif(os.geteuid() != 0, reason="folders owned by the grader's uid need root")
def test_course_folders_in_the_exchange_must_be_the_graders_made_before_students_can(tmp_path, monkeypatch):
    import pwd

    from nettrain_grading import hub
    monkeypatch.setattr(hub.pwd, "getpwnam", lambda name: pwd.struct_passwd((name, "x", 4242, 4242, "", "/", "/bin/sh")))
    root = tmp_path / "exchange"
    with pytest.raises(SystemExit, match=f"(?s)does not exist.*sudo install -d -o {GRADER} -g {GRADER} -m 2733"):
        hub.check_course_exchange(root, "nettrain")
    for name, mode in hub.EXCHANGE_FOLDERS:
        folder = root / "nettrain" / name
        folder.mkdir(parents=True, exist_ok=True)
        os.chown(folder, 4242, 4242)
        folder.chmod(mode)
    hub.check_course_exchange(root, "nettrain")                       # all four right: no complaint
    os.chown(root / "nettrain" / "outbound", 5151, 5151)               # a student made it first
    with pytest.raises(SystemExit, match="outbound belongs to uid 5151 with mode 0755; expected grader-nettrain"):
        hub.check_course_exchange(root, "nettrain")
    os.chown(root / "nettrain" / "outbound", 4242, 4242)
    (root / "nettrain" / "inbound").chmod(0o733)                       # setgid lost
    with pytest.raises(SystemExit, match="mode 0733; expected grader-nettrain with 2733"):
        hub.check_course_exchange(root, "nettrain")


def test_every_roster_name_gets_a_first_password_once_so_nobody_can_claim_it(tmp_path):
    """FirstUseAuthenticator's database holds a bcrypt hash per name; the hand-out file the passwords."""
    import dbm

    import bcrypt

    from nettrain_grading.hub import initial_passwords
    database, handout = tmp_path / "passwords.dbm", tmp_path / "initial-passwords.txt"
    first = initial_passwords(["ada", "turing"], database, handout)
    assert sorted(first) == ["ada", "turing"] and all(len(p) == 12 for p in first.values())
    assert oct(handout.stat().st_mode & 0o777) == "0o600"
    with dbm.open(str(database), "r") as db:
        assert bcrypt.checkpw(first["ada"].encode(), db[b"ada"])
        assert not bcrypt.checkpw(b"mallory-was-here", db[b"ada"])
    again = initial_passwords(["ada", "turing", "grace"], database, handout)      # a restart, one new name
    assert list(again) == ["grace"]
    assert handout.read_text().splitlines() == [f"{name} {password}" for name, password in {**first, **again}.items()]
