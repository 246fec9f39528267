"""Bringing submissions into submitted/<student>/<lesson>/<notebook>.ipynb, where nbgrader expects them.

From nbgrader's exchange (`nbgrader collect`), or from the files an LMS lets an instructor download
(a zip or a folder), matched to students by a file-name pattern.
"""
import datetime
import errno
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

# Moodle's "Download all submissions" names files like
#   "Ada Lovelace_1234_assignsubmission_file_01_update_rule.ipynb"; Canvas like
#   "lovelaceada_1234_5678_01_update_rule.ipynb". The default takes the student id from the text before
# the first underscore; pass --pattern with a (?P<student>...) group for any other naming.
DEFAULT_PATTERN = r"(?P<student>[^_/\\]+)_.*\.ipynb$"
# What `nbgrader collect` logs, and still collects, when a submission's folder in the exchange is not
# owned by the student whose name it carries.
FOREIGN = re.compile(r"(?P<source>\S+) claims to be submitted by (?P<student>\S+) but is owned by "
                     r"(?P<owner>.+?); cheating attempt\?")
STUDENT_ID = re.compile(r"[^A-Za-z0-9.@-]+")


@dataclass
class Collected:
    copied: list = field(default_factory=list)            # (student, lesson)
    skipped: list = field(default_factory=list)           # (file name, reason)


def nbgrader_env():
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def from_exchange(course, lesson):
    """`nbgrader collect LESSON --update`: the newest submission of every student, with its timestamp."""
    result = subprocess.run([sys.executable, "-m", "nbgrader", "collect", lesson, "--update"],
                            cwd=course, env=nbgrader_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"`nbgrader collect {lesson}` failed:\n{result.stdout}{result.stderr}")
    return result.stderr


def owner_name(path):
    import pwd

    uid = os.lstat(path).st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def screen_inbound(inbound, lesson, quarantine, trusted=None):
    """Take out of the exchange's inbound folder, before `nbgrader collect` reads it, every submission of
    `lesson` that collect would crash on or would follow out of the exchange: a name without a time
    ("ada+01_update_rule+next week+x" stops collect for the whole class), a link instead of a folder,
    or a folder holding a link or a special file (collect copies what a link points at, such as the
    instructor's solutions), and, when `trusted` (the instructor's user name) is given, a folder owned
    by someone other than the student it names or the instructor: collect takes the newest submission
    under each name, so a forged one would push the student's own aside. Each is moved to
    `quarantine`; returns [(student, reason)]."""
    from nbgrader.utils import parse_utc

    refused = []
    inbound = Path(inbound)
    if not inbound.is_dir():
        return refused
    for entry in sorted(inbound.glob(f"*+{lesson}+*")):
        parts = entry.name.rsplit("+", 3)
        student = parts[0]
        reason = None
        try:
            parse_utc(parts[2])
        except Exception:                          # noqa: BLE001 -- an IndexError, or dateutil's errors
            reason = f"its name {entry.name!r} holds no submission time"
        if reason is None and (entry.is_symlink() or not entry.is_dir()):
            reason = "it is a link or a file, not a folder"
        if reason is None and trusted is not None and owner_name(entry) not in (student, trusted):
            reason = (f"it belongs to the user {owner_name(entry)}, not to {student} (the student's own "
                      "submissions, if any, are collected as usual)")
        if reason is None:
            try:
                odd = [path for path in entry.rglob("*") if path.is_symlink()
                       or not (path.is_file() or path.is_dir())]
                if odd:
                    reason = f"it holds a link or a special file ({odd[0].relative_to(entry)})"
            except (OSError, RecursionError):                 # closed or absurdly deep folders
                reason = "its folder tree cannot be read"
        if reason is None:
            continue
        destination = Path(quarantine) / entry.name
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            if destination.is_dir() and not destination.is_symlink():
                shutil.rmtree(destination)                 # the same name refused by an earlier run
            elif os.path.lexists(destination):
                destination.unlink()
            if not os.access(entry, os.W_OK):
                # another user's folder cannot be renamed; shutil.move would copy it first (any size)
                raise OSError(errno.EACCES, "it belongs to another user")
            shutil.move(str(entry), str(destination))
            where = f"moved to {destination}"
        except OSError as exc:
            where = f"and could not be moved out of the exchange ({exc.strerror}): remove it by hand"
        refused.append((student, f"the exchange holds a submission of {lesson} under the name {student} that "
                                 f"was not collected: {reason}; {where}"))
    return refused


def foreign_submissions(log, trusted):
    """[(student, owner, exchange folder)] of the submissions `nbgrader collect` found owned by someone
    else than the student they name, except those owned by `trusted` (the instructor, who may hand
    work in for a student, or test a course on one account)."""
    return [(match["student"], match["owner"], match["source"]) for match in FOREIGN.finditer(log)
            if match["owner"] != trusted]


def student_id(raw):
    """A folder-safe student id: 'Ada Lovelace' -> 'Ada_Lovelace'."""
    return STUDENT_ID.sub("_", raw.strip()).strip("_")


def from_files(course, source, notebooks, pattern=DEFAULT_PATTERN):
    """Copy LMS files (a .zip or a folder) into submitted/; `notebooks` maps notebook name -> lesson.

    A file belongs to the lesson whose notebook name appears in its file name; the student id comes
    from the pattern's `student` group. When a student has several files for one lesson the newest
    wins and the others are reported."""
    regex = re.compile(pattern)
    if "student" not in regex.groupindex:
        raise SystemExit(f"--pattern {pattern!r} has no (?P<student>...) group to read the student id from")
    entries = list(_entries(Path(source)))
    chosen, collected = {}, Collected()
    for name, modified, read in entries:
        base = os.path.basename(name)
        if not base.endswith(".ipynb") or base.startswith("."):
            continue
        match = regex.search(base)
        if match is None or not student_id(match.group("student")):
            collected.skipped.append((name, f"file name does not match the pattern {pattern!r}"))
            continue
        lessons = [lesson for notebook, lesson in notebooks.items() if notebook in base]
        if len(lessons) != 1:
            collected.skipped.append((name, "file name names no lesson notebook (expected one of "
                                            f"{', '.join(sorted(notebooks))})"))
            continue
        key = (student_id(match.group("student")), lessons[0])
        if key in chosen:
            older = min(chosen[key], (modified, name, read), key=lambda item: item[0])
            collected.skipped.append((older[1], f"a newer file of {key[0]} for {key[1]} was used instead"))
            if older is chosen[key]:
                chosen[key] = (modified, name, read)
        else:
            chosen[key] = (modified, name, read)
    for (student, lesson), (modified, _name, read) in sorted(chosen.items()):
        notebook = next(nb for nb, les in notebooks.items() if les == lesson)
        folder = Path(course) / "submitted" / student / lesson
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{notebook}.ipynb").write_bytes(read())
        stamp = datetime.datetime.fromtimestamp(modified, datetime.timezone.utc)
        (folder / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
        collected.copied.append((student, lesson))
    return collected


def _entries(source):
    """(name, modification time, reader) for every file in a zip or under a folder."""
    if source.is_file() and zipfile.is_zipfile(source):
        archive = zipfile.ZipFile(source)
        for info in archive.infolist():
            if not info.is_dir():
                modified = datetime.datetime(*info.date_time).timestamp()
                yield info.filename, modified, (lambda info=info: archive.read(info))
    elif source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file():
                yield str(path.relative_to(source)), path.stat().st_mtime, path.read_bytes
    else:
        raise SystemExit(f"--from {source}: expected a .zip file or a folder of submissions, "
                         "and this is neither")
