"""What the tool keeps between runs: grading/<lesson>/<student>.json, and what makes it resumable.

A student's lesson is graded again only when its submission, its timestamp or the tests changed
(`fingerprint`), or when the last try gave no verdict for a reason that was the grader's (`retried`).
Submissions come from students: nothing here follows a link or opens a special file.
"""
import dataclasses
import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .phases import WALL_TIMEOUT

STATE_DIR = "grading"
# A notebook whose last grading ended in one of these is graded again by the next run, changed or not:
# "failed", the sandboxed run gave no verdict (a crash, a time-out, a machine under load); "error",
# the grader itself failed outside the sandbox (reading, recording, a full disk). Not retried: a
# notebook that used up its lesson's whole time (--lesson-timeout), which would only do it again.
RETRY_STATUSES = ("failed", "error")


@dataclass
class LessonResult:
    """What the main process needs to record one student's lesson."""
    lesson: str
    notebook: str
    status: str                                    # graded | missing | unreadable | failed
    reason: str = ""
    fingerprint: str = ""
    timestamp: str = ""
    scores: dict = field(default_factory=dict)     # test grade_id -> (score, max_score)
    messages: dict = field(default_factory=dict)   # test grade_id -> failure message ("" when passed)
    flags: list = field(default_factory=list)      # sentences for the instructor
    notebook_json: str = ""                        # the autograded notebook, outputs included
    seconds: float = 0.0


MAX_TIMESTAMP_BYTES = 200


def regular_file(path):
    """True for a plain file that is not a symbolic link. Submissions come from students: a link
    (to solutions/, to /etc/...) or a FIFO (which blocks whoever reads it) is never opened."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode) and not os.path.islink(Path(path).parent)
    except OSError:
        return False


def fingerprint(path, version=""):
    """Identifies what was graded: the submission, its timestamp and the version of the tests."""
    if not regular_file(path):
        return "not-a-regular-file"
    digest = hashlib.sha256(Path(path).read_bytes())
    digest.update(version.encode())
    timestamp = Path(path).parent / "timestamp.txt"
    if regular_file(timestamp):
        digest.update(timestamp.read_bytes()[:MAX_TIMESTAMP_BYTES])
    return digest.hexdigest()[:20]


def read_timestamp(folder):
    """(timestamp text or "", problem or None) from the submission's timestamp.txt, as nbgrader
    parses it. A missing, linked, huge or unparsable file is the submission's problem, not the run's."""
    from nbgrader.utils import parse_utc

    path = Path(folder) / "timestamp.txt"
    if not os.path.lexists(path):
        return "", None
    if not regular_file(path):
        return "", "timestamp.txt is a link or a special file; it was not read"
    text = path.read_bytes()[:MAX_TIMESTAMP_BYTES].decode("utf-8", errors="replace").strip()
    try:
        parse_utc(text)
    except Exception:                             # noqa: BLE001 -- dateutil raises several kinds
        return "", f"timestamp.txt holds {text[:40]!r}, which is not a time; the submission time is unknown"
    return text, None


def state_path(course, lesson, student):
    return course / STATE_DIR / lesson / f"{student}.json"


def load_states(course, lesson):
    folder = course / STATE_DIR / lesson
    states = {}
    for path in sorted(folder.glob("*.json")) if folder.exists() else []:
        try:
            states[path.stem] = json.loads(path.read_text())
        except ValueError:
            continue                              # a state file cut short by a crash: graded again
    return states


def save_state(course, student, result):
    state = dataclasses.asdict(result)
    del state["notebook_json"]
    write_state(state_path(course, result.lesson, student), state)


def write_state(path, state):
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=1))
    os.replace(temporary, path)                   # a state file is whole or absent, never half-written


def retried(previous):
    """Is a notebook graded before to be graded again although it did not change? Yes when the grader
    gave no verdict, unless the notebook itself used up the whole time of its lesson."""
    return previous.get("status") in RETRY_STATUSES and WALL_TIMEOUT not in previous.get("reason", "")


def add_flag(course, spec, student, flag):
    """Add a sentence to a student's flags in grading/ (the report shows it). A student with no state
    yet gets a "refused" one: nothing of theirs was graded, and the report says why."""
    path = state_path(course, spec.lesson, student)
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        save_state(course, student, LessonResult(lesson=spec.lesson, notebook=spec.notebook, status="refused",
                                                 reason=flag, flags=[flag]))
        return
    if flag not in state.get("flags", []):
        state["flags"] = state.get("flags", []) + [flag]
        write_state(path, state)
