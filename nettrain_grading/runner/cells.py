"""Running student code the way a notebook cell runs: under an alarm, with its output captured.

Used inside the sandbox only (runner/child.py): a cell of the notebook run, a definition of the clean
re-check, or one call of a student's function.
"""
import io
import sys
import traceback
import warnings

from .. import wire

OUTPUT_LIMIT = 20_000


class CellTimeout(Exception):
    """Raised by the alarm inside a cell or call that runs longer than its time."""


def on_alarm(signum, frame):
    raise CellTimeout("this ran longer than the grading time limit (an infinite loop?): the grader stopped it")


def student_traceback(exc):
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if not frame.filename.endswith(("child.py", "interactiveshell.py"))]
    return "".join(traceback.format_list(frames))[-5_000:]


class Captured:
    """sys.stdout and sys.stderr for one cell or call, as text; warnings recorded."""

    def __enter__(self):
        self.stdout, self.stderr = io.StringIO(), io.StringIO()
        self._saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = self.stdout, self.stderr
        self._warnings = warnings.catch_warnings(record=True)
        self.caught = self._warnings.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self._warnings.__exit__(*exc)
        sys.stdout, sys.stderr = self._saved
        return False

    def fields(self):
        caught = [{"category": wire.cut(w.category.__name__, 100), "message": wire.cut(str(w.message), 1_000)}
                  for w in self.caught[:50]]
        return {"stdout": self.stdout.getvalue()[:OUTPUT_LIMIT], "stderr": self.stderr.getvalue()[:OUTPUT_LIMIT],
                "warnings": caught}


def error_record(exc):
    evalue = wire.cut(str(exc), 500)
    ename = wire.cut(type(exc).__name__, 200)
    return {"status": "timeout" if isinstance(exc, CellTimeout) else "error", "ename": ename, "evalue": evalue,
            "traceback": student_traceback(exc) + f"{ename}: {evalue}"}


def notebook_shell():
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    # IPython prints tracebacks with source lines; the grader records its own short error instead.
    shell.showtraceback = lambda *args, **kwargs: None
    shell.showsyntaxerror = lambda *args, **kwargs: None
    shell.enable_gui = lambda gui=None: None
    return shell
