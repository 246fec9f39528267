"""nbgrader exchange plug-ins for a JupyterHub class (nbgrader 0.9.6, its default file-system exchange).

The students' nbgrader_config.py selects them:
    c.ExchangeFactory.submit = 'nettrain_grading.exchange.PrivateSubmit'
    c.ExchangeFactory.list = 'nettrain_grading.exchange.EnrolledList'
and the hub calls check_exchange_root() when it starts.

The exchange, as `nbgrader release_assignment` makes it (group = the grader's group):
    <root>/                     1777 (nbgrader asks for 0777; the sticky bit stops a student renaming
                                a course folder that is not theirs)
    <root>/<course>/outbound/   0755, what students fetch
    <root>/<course>/inbound/    2733, submissions: students can create, not list; setgid gives new
                                folders and files the grader's group
"""
import glob
import os
import pwd
import secrets
import shutil
import stat
import tempfile

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange import ExchangeError
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.exchange.default.list import ExchangeList
from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.utils import get_username, parse_utc
from traitlets.config import Application

GROUP_ONLY_FILE = 0o640     # the student reads and writes, the grader's group reads, nobody else
GROUP_ONLY_FOLDER = 0o2750
# What one collected submission may hold (a lesson is one notebook): more is refused for that student.
MAX_FILES, MAX_BYTES, MAX_DEPTH = 200, 50 * 10**6, 10


class PrivateSubmit(ExchangeSubmit):
    """nbgrader's submit, but only the student and the grader's group can read the submission.

    nbgrader's own copy_files makes the files 0644 in a 0777 folder: hidden only by a random name,
    readable by any student who learns the path. Everything else is as nbgrader does it: the same
    folder name, timestamp.txt and submission_secret.txt, the ignore/include/size limits of do_copy,
    and the same copy in the student's cache (nbgrader list --cached and fetch_feedback read it).
    """

    def copy_files(self):
        self.init_release()
        submission_secret = secrets.token_hex(64)
        dest_path = os.path.join(self.inbound_path, self.assignment_filename)
        if self.add_random_string:
            cache_path = os.path.join(self.cache_path, self.assignment_filename.rsplit('+', 1)[0])
        else:
            cache_path = os.path.join(self.cache_path, self.assignment_filename)
        self.log.info("Source: {}".format(self.src_path))
        self.log.info("Destination: {}".format(dest_path))
        self.check_filename_diff()

        # Without the setgid bit the files would get the student's own group and the grader could
        # not read them: refuse rather than lose the submission.
        if not os.stat(self.inbound_path).st_mode & stat.S_ISGID:
            self.fail("The inbound folder {} has no setgid bit, so the grader could not read your submission. "
                      "Ask your instructor to run: sudo chmod 2733 {}".format(self.inbound_path, self.inbound_path))

        # Copy into a private (0700) folder first and move it into place when its modes are right,
        # so no other student can ever open a file in it, whatever the umask or copytree's copystat do.
        # Created under inbound/, the copies take inbound's group (setgid) and the move is atomic.
        staging = tempfile.mkdtemp(prefix=".submit-", dir=self.inbound_path)
        try:
            copy = os.path.join(staging, "copy")
            self.do_copy(self.src_path, copy)
            # copytree's copystat has cleared the setgid bit of `copy`: files written in it now would get
            # the student's group. Written in staging (still setgid) and moved, they keep the grader's.
            self._write_secrets(staging, submission_secret)
            for name in ("timestamp.txt", "submission_secret.txt"):
                os.rename(os.path.join(staging, name), os.path.join(copy, name))
            # The kernel drops the setgid bit from our chmod (the student is not in the grader's
            # group); the group itself stays. Explicit modes: the umask plays no part.
            self.set_perms(copy, fileperms=GROUP_ONLY_FILE, dirperms=GROUP_ONLY_FOLDER)
            os.rename(copy, dest_path)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

        # also copy to the cache, exactly as nbgrader does
        if not os.path.isdir(self.cache_path):
            os.makedirs(self.cache_path)
        self.do_copy(self.src_path, cache_path)
        self._write_secrets(cache_path, submission_secret)
        self.log.info("Submitted as: {} {} {}".format(
            self.coursedir.course_id, self.coursedir.assignment_id, str(self.timestamp)))

    def _write_secrets(self, folder, submission_secret):
        # the secret names the feedback file: the same one in inbound and in the cache
        with open(os.path.join(folder, "timestamp.txt"), "w") as fh:
            fh.write(self.timestamp)
        with open(os.path.join(folder, "submission_secret.txt"), "w") as fh:
            fh.write(submission_secret)


class OwnedCollect(ExchangeCollect):
    """nbgrader's collect, for an exchange where each student owns their submission folder.

    A student can make any folder in inbound/ and change it at any time; the grader cannot move it.
    nbgrader's collect trusts the folder's name and follows links, so a student could hand in a link
    to the solutions, or a folder named for a classmate that pushes the classmate's work aside. Here:
    - a submission counts only if it is a real folder owned by the student it names (others are
      logged and left alone: the named student's own submissions are collected as usual);
    - a name without a submission time is skipped, not a crash of the whole class's collect;
    - files are copied through open folder handles, never following a link (also one swapped in
      while collect runs), regular files only; a file the grader cannot read is skipped and logged.
    """

    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail("Course not found: {}".format(self.inbound_path))
        student_id = self.coursedir.student_id if self.coursedir.student_id else "*"
        pattern = os.path.join(self.inbound_path, "{}+{}+*".format(student_id, self.coursedir.assignment_id))
        records = [record for record in map(self._owned_record, sorted(glob.glob(pattern))) if record]
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for group in groupby(records, lambda item: item["username"]).values():
            group = self._sort_by_timestamp(group)
            if self.duedate is not None and self.before_duedate:
                group = [r for r in group if r["timestamp"] <= self.duedate] or group
            self.src_records.append(group[0])

    def _owned_record(self, path):
        """nbgrader's record of `path`, or None (logged) when it is not a submission of the student it names."""
        name = os.path.basename(path)
        parts = name.rsplit("+", 3)
        try:
            record = {"username": parts[0], "filename": name, "timestamp": parse_utc(parts[2])}
        except Exception:                            # noqa: BLE001 -- an IndexError, or dateutil's errors
            self.log.warning("Not collected: %s has no submission time in its name", path)
            return None
        try:
            info = os.lstat(path)                    # gone already: renamed by its owner during collect
        except OSError as error:
            self.log.warning("Not collected: %s (%s)", path, error)
            return None
        if not stat.S_ISDIR(info.st_mode):
            self.log.warning("Not collected: %s is a link or a file, not a folder", path)
            return None
        if not os.access(path, os.R_OK | os.X_OK):       # a folder its owner closed: not the class's problem
            self.log.warning("Not collected: %s cannot be read by the grader", path)
            return None
        if not _has_secret(path):
            # nbgrader's release_feedback needs it, and stops for the whole class on a missing or bad one
            self.log.warning("Not collected: %s has no valid submission_secret.txt (not made by nbgrader submit)",
                             path)
            return None
        if info.st_uid != _uid_of(record["username"]):
            self.log.warning("Not collected: %s is named for %s but belongs to uid %d; %s's own submissions "
                             "are collected as usual", path, record["username"], info.st_uid, record["username"])
            return None
        return record

    def do_copy(self, src, dest, log=None):
        """Copy one submission; whatever goes wrong stays that student's: logged, nothing copied."""
        self._budget = {"files": MAX_FILES, "bytes": MAX_BYTES}
        try:
            folder = os.open(src, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            try:
                self._copy_folder(folder, src, dest, depth=0)
            finally:
                os.close(folder)
        except Exception as error:                   # noqa: BLE001 -- one student must not stop the class
            self.log.warning("Not collected: %s (%s)", src, error)
            shutil.rmtree(dest, ignore_errors=True)

    def _copy_folder(self, folder, shown, dest, depth):
        if depth > MAX_DEPTH:
            raise ValueError("its folders are nested more than {} deep".format(MAX_DEPTH))
        os.makedirs(dest, exist_ok=True)
        names = os.listdir(folder)
        ignored = shutil.ignore_patterns(*self.coursedir.ignore)(shown, names)
        for name in names:
            path = os.path.join(shown, name)
            if name in ignored:
                continue
            self._budget["files"] -= 1
            if self._budget["files"] < 0:
                raise ValueError("it holds more than {} files".format(MAX_FILES))
            try:
                info = os.stat(name, dir_fd=folder, follow_symlinks=False)
                if stat.S_ISDIR(info.st_mode):
                    inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=folder)
                    try:
                        self._copy_folder(inner, path, os.path.join(dest, name), depth + 1)
                    finally:
                        os.close(inner)
                elif stat.S_ISREG(info.st_mode) and info.st_size <= 1000 * self.coursedir.max_file_size:
                    # O_NONBLOCK: a FIFO swapped in after the stat must not block the whole collect
                    source = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
                    with os.fdopen(source, "rb") as reader:
                        if not stat.S_ISREG(os.fstat(reader.fileno()).st_mode):
                            raise OSError("it is no longer a regular file")
                        # read at most what is left of the budget: the file may grow while we read
                        data = reader.read(self._budget["bytes"] + 1)
                    self._budget["bytes"] -= len(data)
                    if self._budget["bytes"] < 0:
                        raise ValueError("it holds more than {} MB".format(MAX_BYTES // 10**6))
                    with open(os.path.join(dest, name), "wb") as writer:
                        writer.write(data)
                else:
                    self.log.warning("Not collected: %s is a link, a special file or too large", path)
            except OSError as error:
                self.log.warning("Not collected: %s (%s)", path, error)


def _has_secret(folder):
    """submission_secret.txt in `folder` is what nbgrader submit writes: 128 hex digits."""
    try:
        handle = os.open(os.path.join(folder, "submission_secret.txt"), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(handle, "rb") as reader:
            text = reader.read(200) if stat.S_ISREG(os.fstat(reader.fileno()).st_mode) else b""
    except OSError:
        return False
    return len(text) == 128 and all(c in b"0123456789abcdef" for c in text)


def _uid_of(user_name):
    try:
        return pwd.getpwnam(user_name).pw_uid
    except KeyError:
        return None


class NotEnrolled(Exception):
    """Not an ExchangeError on purpose: nbgrader's Lab handler replaces an ExchangeError's text with
    "The exchange directory does not exist ...", but shows any other exception's traceback, whose
    last line is this message."""


class EnrolledList(ExchangeList):
    """nbgrader's list, but a student who is not in the course gets a message instead of an empty list.

    With JupyterHubAuthPlugin, nbgrader keeps only the courses of the student's hub groups
    `nbgrader-<course>` / `formgrade-<course>` (ExchangeList.parse_assignments), so a student missing
    from the group sees no assignments and no reason. Only the list of released assignments is
    checked, and only when course_id is set; --inbound, --cached and --remove work as in nbgrader.
    """

    def start(self):
        course_id = self.coursedir.course_id
        student_id = self.coursedir.student_id or "*"
        if course_id and not (self.inbound or self.cached or self.remove):
            if not self.authenticator.has_access(student_id, course_id):
                if student_id == "*":       # "*" means the user running this (JupyterHubAuthPlugin too)
                    student_id = os.environ.get("JUPYTERHUB_USER") or get_username()
                message = ("You are not enrolled in the course '{0}' on this JupyterHub: ask your instructor "
                           "to add you to the group nbgrader-{0}. (Your user name: {1}.)".format(course_id, student_id))
                self.log.fatal(message)
                # `nbgrader list` (its ListApp is our parent) logs an ExchangeError and exits 1; in the Lab
                # (parent: an ExchangeFactory) nbgrader's handler would hide an ExchangeError's text
                if isinstance(self.parent, Application):
                    raise ExchangeError(message)
                raise NotEnrolled(message)
        return super().start()


def _load_jupyter_server_extension(serverapp):
    """Optional, for the students' servers: the Lab's Assignments tab shows NotEnrolled's message alone.

    Enable with `c.ServerApp.jpserver_extensions = {"nettrain_grading.exchange": True}`. Extensions load
    in name order, so nbgrader's assignment_list (which this replaces) is already there.
    """
    from nbgrader.server_extensions.assignment_list.handlers import AssignmentList

    class PlainMessages(AssignmentList):
        def list_assignments(self, course_id=None):    # behind GET /courses and /assignments
            answer = super().list_assignments(course_id=course_id)
            marker = NotEnrolled.__name__ + ": "          # the last line of the traceback nbgrader sends
            if not answer["success"] and marker in answer["value"]:
                answer["value"] = answer["value"].rsplit(marker, 1)[1].strip()
            return answer

    settings = serverapp.web_app.settings
    if "assignment_list_manager" in settings:
        manager = PlainMessages(parent=serverapp)
        manager.root_dir = settings["assignment_list_manager"].root_dir
        settings["assignment_list_manager"] = manager


def _jupyter_server_extension_points():
    return [{"module": "nettrain_grading.exchange"}]


def check_exchange_root(root, course_id="nettrain"):
    """Stop the hub with the fix if students could not use the exchange `root` (None when it is fine).

    nbgrader needs: every student can create and enter folders in root (Exchange.ensure_root checks
    write and execute for each list/fetch/submit), and root's permission bits are exactly 0777, or the
    grader's `release_assignment` tries to chmod it and fails when root is not the grader's. We also
    want the sticky bit (1777), so that a student cannot rename the course folder and put a fake one
    in its place (tried: with 0777, `mv <root>/nettrain <root>/x` works as any student).
    """
    fix = "sudo install -d -m 1777 {}".format(root)
    if not os.path.exists(root):
        raise SystemExit("The nbgrader exchange folder {} does not exist. Create it: {}".format(root, fix))
    if not os.path.isdir(root):
        raise SystemExit("The nbgrader exchange {} is not a folder. "
                         "Move it away, then create the folder: {}".format(root, fix))
    mode = stat.S_IMODE(os.stat(root).st_mode)
    if mode & 0o777 != 0o777 or not mode & stat.S_ISVTX:
        raise SystemExit("The nbgrader exchange folder {} has mode {:04o}; expected 1777 (every user creates "
                         "and opens folders in it, only their owner renames them). Fix: sudo chmod 1777 {}"
                         .format(root, mode, root))
    inbound = os.path.join(root, course_id, "inbound")
    if os.path.isdir(inbound) and not os.stat(inbound).st_mode & stat.S_ISGID:
        raise SystemExit("The submission folder {} has mode {:04o}; expected 2733 (setgid, so submissions "
                         "take the grader's group). Fix: sudo chmod 2733 {}"
                         .format(inbound, stat.S_IMODE(os.stat(inbound).st_mode), inbound))
    return None
