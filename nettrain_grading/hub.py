"""What deploy/jupyterhub_config.py needs to check before a hub for the course starts.

A roster file names the class, one person per line:

    # role        user name
    instructor    turing
    student       ada
    student       grace

Every name must be a Unix user on the hub machine (JupyterHub's LocalProcessSpawner runs each
server as its user), and so must the grader account, `grader-nettrain`, whose home holds the course
folder the formgrader works in. Each check raises SystemExit with what is wrong and the command
that fixes it: the hub refuses to start rather than start half-working.
"""
import dbm
import os
import pwd
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

GRADER = "grader-nettrain"
ROLES = ("student", "instructor")
# What JupyterHub and useradd both accept, in lower case (JupyterHub lowers names at login).
USER_NAME = re.compile(r"[a-z_][a-z0-9_.-]{0,31}")


@dataclass
class Roster:
    students: list = field(default_factory=list)
    instructors: list = field(default_factory=list)

    @property
    def everyone(self):
        return self.students + self.instructors


def read_roster(path):
    """The roster at `path`: lines `student <name>` or `instructor <name>`; # starts a comment."""
    path = Path(path)
    if not path.is_file():
        raise SystemExit(f"The class roster {path} does not exist. Create it with one line per person, "
                         f"for example:\n  instructor turing\n  student ada\n(see deploy/roster.example.txt)")
    roster, seen = Roster(), {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        where = f"{path}, line {number}"
        if len(words) != 2 or words[0] not in ROLES:
            raise SystemExit(f"{where}: expected `student <name>` or `instructor <name>`; received {line.strip()!r}")
        role, name = words
        if not USER_NAME.fullmatch(name):
            raise SystemExit(f"{where}: {name!r} is not a valid user name. Use lower-case letters, digits, "
                             f"'_', '.' or '-', starting with a letter, at most 32 characters.")
        if name == GRADER:
            raise SystemExit(f"{where}: {GRADER} is the grader service's account, not a person in the class.")
        if name in seen:
            raise SystemExit(f"{where}: {name} is already listed on line {seen[name]}.")
        seen[name] = number
        (roster.students if role == "student" else roster.instructors).append(name)
    if not roster.instructors:
        raise SystemExit(f"{path} lists no instructor: add a line `instructor <name>`, or nobody can "
                         f"reach the formgrader.")
    return roster


def initial_passwords(names, dbm_path, handout):
    """A random first password for every name that has none yet, in FirstUseAuthenticator's own
    database (a bcrypt hash per name), and in plain text at the end of `handout` (mode 0600, root's)
    for the instructor to hand out. Without it the first person to log in with a name sets its
    password: a student could take a classmate's account. Returns {name: password} of the new ones."""
    # FirstUseAuthenticator's own dependency, imported here: the grading tool never needs it
    import bcrypt

    new = {}
    with dbm.open(str(dbm_path), "c", 0o600) as db:
        for name in names:
            if name.encode() not in db:
                new[name] = secrets.token_urlsafe(9)             # 12 characters, 72 random bits
                db[name] = bcrypt.hashpw(new[name].encode(), bcrypt.gensalt())
    if new:
        with os.fdopen(os.open(handout, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a") as out:
            out.writelines(f"{name} {password}\n" for name, password in new.items())
    return new


def check_unix_users(names):
    """Every name is a Unix user with a home folder (the spawner runs each server there)."""
    missing = []
    for name in names:
        try:
            home = pwd.getpwnam(name).pw_dir
        except KeyError:
            missing.append(name)
            continue
        if not os.path.isdir(home):
            raise SystemExit(f"The home folder of {name}, {home}, does not exist. Fix: "
                             f"sudo install -d -o {name} -g {name} -m 0700 {home}")
    if missing:
        # Debian's useradd makes homes 0755: every student could read every other student's work.
        commands = "\n".join(f"  sudo useradd --create-home {name} && sudo chmod 0700 /home/{name}"
                              for name in missing)
        raise SystemExit(f"These users are on the roster but not Unix users on this machine: "
                         f"{', '.join(missing)}. Create them:\n{commands}")


def check_course(course, repository):
    """The grader's course folder exists, belongs to the grader and has the course's nbgrader_config.py."""
    course = Path(course)
    copy = (f"sudo install -d -o {GRADER} -g {GRADER} -m 0700 {course} && sudo -u {GRADER} cp -r "
            f"{repository}/nbgrader_config.py {repository}/solutions {repository}/lessons {course}/")
    if not (course / "nbgrader_config.py").is_file():
        raise SystemExit(f"The grader's course folder {course} has no nbgrader_config.py. Fix: {copy}")
    owner = course.stat().st_uid
    if owner != pwd.getpwnam(GRADER).pw_uid:
        raise SystemExit(f"The course folder {course} belongs to uid {owner}, not to {GRADER}: the formgrader "
                         f"could not write its gradebook there. Fix: sudo chown -R {GRADER}: {course}")
    check_private(course, "the grader's course folder (solutions, gradebook with the hidden tests)")


# The course's folders in the exchange, made by root before the hub starts, so that no student can
# make them first (the exchange root is open to all) and hand classmates a lesson of their own.
EXCHANGE_FOLDERS = (("", 0o755), ("outbound", 0o755), ("inbound", 0o2733), ("feedback", 0o711))


def check_course_exchange(root, course_id):
    """<root>/<course_id> and its outbound, inbound and feedback folders exist, belong to the grader
    and have nbgrader's modes (inbound: setgid, so that submissions take the grader's group)."""
    grader = pwd.getpwnam(GRADER).pw_uid
    fix = " && ".join(f"sudo install -d -o {GRADER} -g {GRADER} -m {mode:04o} {Path(root, course_id, name)}"
                      for name, mode in EXCHANGE_FOLDERS)
    for name, mode in EXCHANGE_FOLDERS:
        folder = Path(root, course_id, name)
        if folder.is_symlink() or not folder.is_dir():
            raise SystemExit(f"The course's exchange folder {folder} does not exist (or is not a folder). "
                             f"Make all four, owned by {GRADER}, before students can:\n  {fix}")
        info = folder.stat()
        if info.st_uid != grader or info.st_mode & 0o7777 != mode:
            raise SystemExit(f"{folder} belongs to uid {info.st_uid} with mode {info.st_mode & 0o7777:04o}; expected "
                             f"{GRADER} with {mode:04o}. If a student made it, look inside before you remove it. "
                             f"Then:\n  {fix}")


def check_private(folder, what):
    """Students must not read `folder` or the folders above it that hold it open: refuse if they can."""
    mode = Path(folder).stat().st_mode
    if mode & 0o007:
        raise SystemExit(f"{folder}, {what}, is open to every user (mode {mode & 0o7777:04o}): students could "
                         f"read it. Fix: sudo chmod 0700 {folder}")


def check_repository(repository):
    """The checkout the hub runs from is readable by every server, but its instructor files must not be."""
    for name, what in (("solutions", "the lessons with their solutions and hidden tests"),
                       ("pt_BR/solutions", "the pt-BR lessons with their solutions and hidden tests"),
                       ("pt_BR/translations", "the pt-BR translations, with the solutions' texts and hidden tests"),
                       ("tests", "the course's tests, with correct answers"), (".git", "the history of both")):
        if (Path(repository) / name).exists():
            check_private(Path(repository) / name, what)
