"""The grading process: runs one student's notebooks inside the sandbox and prints the results.

    python -m nettrain_grading.runner -     < JOB.json      (started by nettrain_grading.grader)

The job says which phase to run: the notebook run, or the clean re-check of the tests that passed in
it; the grader starts each phase in a fresh sandbox. It imports numpy, matplotlib and nettrain_lib
once, then forks a fresh child for every run, so no student code ever runs in this process and
every run starts from the same clean state:

- the *notebook run* executes the student's notebook cell by cell, as nbgrader would, with the
  test cells restored from the gradebook; only an exception fails a cell, never text on stderr.
  It first leaves out the course's demonstration cells that the student did not change, and runs
  the whole notebook only if a name is missing that way (notebook_results);
- the *clean re-check* runs the course's setup cell, then, in notebook order, the student's
  definitions (imports, def, class, NAME = value: never top-level code that does something, such
  as a call or `np.allclose = ...`) and each test cell that passed in the notebook run (the others
  score 0 whatever happens). It undoes and reports any change to numpy, nettrain_lib, builtins or
  the sys hooks (attributes and function code), and the function under test may not call or be
  the library's own version of itself.

A cell that hangs or kills its process is recorded as such, and the run starts again in a new child
that skips it, so a student is graded as far as possible. Children report over a pipe, one JSON line
per cell, signed with a token drawn for that child; this process reads nothing else.

This module is imported inside the sandbox only: it needs the standard library, numpy, matplotlib,
IPython and nettrain_lib, never nbgrader.
"""
import ast
import builtins
import ctypes
import importlib
import io
import json
import os
import pkgutil
import resource
import secrets
import select
import signal
import sys
import time
import traceback
import types
import warnings

STUDENT_FILE = "<student cell {}>"           # code objects compiled from student cells carry this name
MESSAGE_LIMIT = 500                           # longest exception message kept, in characters


class CellTimeout(Exception):
    """Raised by the alarm inside a cell that runs longer than the per-cell limit."""


class ReferenceUsed(AssertionError):
    """The function under test called the course library's version of itself."""


# ---------------------------------------------------------------------------------------------
# Preloading and process hardening (this process: never runs student code)

def preload():
    os.environ.setdefault("MPLBACKEND", "Agg")
    # What nbgrader sets while it autogrades: the lessons' friendly-error hints stay off, so a
    # graded run's output is the error alone, as under plain nbgrader.
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import numpy.fft  # noqa: F401
    import numpy.linalg  # noqa: F401
    import numpy.polynomial  # noqa: F401
    import numpy.random  # noqa: F401
    import numpy.testing  # noqa: F401

    import nettrain_lib
    for module in pkgutil.walk_packages(nettrain_lib.__path__, "nettrain_lib."):   # sub-packages too
        importlib.import_module(module.name)
    from IPython.core.interactiveshell import InteractiveShell  # noqa: F401
    warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")


def make_undumpable():
    """Children run as the same user: without this they could read this process's pipes via /proc."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)   # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


# ---------------------------------------------------------------------------------------------
# Talking to the parent (child side)

class Channel:
    def __init__(self, fd, token):
        self._fd, self._token = fd, token

    def send(self, index, event, **fields):
        line = json.dumps({"token": self._token, "index": index, "event": event, **fields}) + "\n"
        data = line.encode()
        while data:
            data = data[os.write(self._fd, data):]


def short_error(exc):
    """(ename, evalue, traceback text without the runner's own frames) of an exception."""
    evalue = str(exc)
    if len(evalue) > MESSAGE_LIMIT:
        evalue = evalue[:MESSAGE_LIMIT] + " …"
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__)
              if not frame.filename.endswith(("runner.py", "interactiveshell.py"))]
    ename = type(exc).__name__[:200]             # a class name can be megabytes long too
    text = "".join(traceback.format_list(frames))[-MESSAGE_LIMIT * 10:] + f"{ename}: {evalue}"
    return ename, evalue, text


def on_alarm(signum, frame):
    raise CellTimeout("this cell ran longer than the grading time limit (an infinite loop?)")


class Captured:
    """sys.stdout and sys.stderr for one cell, as text."""

    def __enter__(self):
        self.stdout, self.stderr = io.StringIO(), io.StringIO()
        self._saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = self.stdout, self.stderr
        return self

    def __exit__(self, *exc):
        sys.stdout, sys.stderr = self._saved
        return False

    def texts(self, limit=20_000):
        return self.stdout.getvalue()[:limit], self.stderr.getvalue()[:limit]


def guarded(action, limits):
    """Run action() as a cell runs: under the cell's alarm, with stdout and stderr captured.
    Returns (its value, the exception it raised or None, the Captured texts)."""
    value = error = None
    signal.alarm(limits["cell_timeout"])
    with Captured() as captured:
        try:
            value = action()
        except BaseException as exc:              # noqa: BLE001 -- student code may raise anything
            error = exc
        finally:
            signal.alarm(0)
    return value, error, captured


def error_record(exc):
    """The record of a cell or test that raised `exc` (a timeout if the alarm stopped it)."""
    ename, evalue, text = short_error(exc)
    return {"status": "timeout" if isinstance(exc, CellTimeout) else "error", "ename": ename, "evalue": evalue,
            "traceback": text}


def limit_resources(limits):
    memory = limits["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = limits["cpu_seconds"]
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


# ---------------------------------------------------------------------------------------------
# The notebook run (child side)

def notebook_run(lesson, skip, channel, limits):
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    run_cell = InteractiveShell.run_cell          # held before any student code can replace it
    # IPython prints every traceback with the source lines of its frames, hidden tests included:
    # the grader records its own short error instead.
    shell.showtraceback = lambda *args, **kwargs: None
    shell.showsyntaxerror = lambda *args, **kwargs: None
    shell.enable_gui = lambda gui=None: None      # `%matplotlib inline` and friends: nothing to show here
    import matplotlib.pyplot as plt

    for index, cell in enumerate(lesson["cells"]):
        if index in skip:
            continue
        channel.send(index, "start")
        result, error, captured = guarded(
            lambda: run_cell(shell, cell["source"], store_history=False, silent=False), limits)  # noqa: B023 (run now)
        if error is None:
            error = result.error_before_exec or result.error_in_exec
        plt.close("all")
        stdout, stderr = captured.texts()
        record = {"status": "ok", "stdout": stdout, "stderr": stderr}
        if error is not None:
            record.update(error_record(error))
        channel.send(index, "end", result=record)


# ---------------------------------------------------------------------------------------------
# The clean re-check (child side)

def is_main_guard(node):
    """`if __name__ == "__main__":`, a block meant to run, not to define."""
    test = node.test
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__")


def assigns_names_only(target):
    if isinstance(target, ast.Name):
        return True
    if isinstance(target, ast.Starred):
        return assigns_names_only(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(assigns_names_only(element) for element in target.elts)
    return False


def root_name(node):
    """`TABLE` for TABLE["a"].b[0]; None when the chain does not start at a plain name."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def owned(target, own):
    """An item or attribute of something the student's own cells created (not of a module)."""
    return isinstance(target, (ast.Subscript, ast.Attribute)) and root_name(target) in own


def loadable(node, own):
    """True for a statement that defines something: imports, def, class, NAME = value, filling a
    table or list the student's cells created (TABLE["a"] = ..., LIST.append(...), NAME += ...),
    and try/if/for blocks made of those. False for top-level code that does something else:
    printing, plotting, training, or changing a module (np.allclose = ...). `own` holds the
    names the student's cells have bound so far (never imported modules)."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                         ast.Pass)):
        return True
    if isinstance(node, ast.Assign):
        return all(assigns_names_only(target) or owned(target, own) for target in node.targets)
    if isinstance(node, ast.AnnAssign):
        return node.value is not None and (isinstance(node.target, ast.Name) or owned(node.target, own))
    if isinstance(node, ast.AugAssign):
        return (isinstance(node.target, ast.Name) and node.target.id in own) or owned(node.target, own)
    if isinstance(node, ast.Expr):
        value = node.value
        return isinstance(value, ast.Constant) or (                      # a docstring, or LIST.append(...)
            isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and owned(value.func, own))
    if isinstance(node, ast.Try):
        blocks = [node.body, node.orelse, node.finalbody] + [handler.body for handler in node.handlers]
        return all(loadable(child, own) for block in blocks for child in block)
    if isinstance(node, ast.If):
        return not is_main_guard(node) and all(loadable(child, own) for child in node.body + node.orelse)
    if isinstance(node, ast.For):
        inner = own | bound_names(node)
        return assigns_names_only(node.target) and all(loadable(child, inner) for child in node.body + node.orelse)
    return False


def bound_names(node):
    """Names a loadable statement binds by assignment, def or class (imports excluded: a module
    is not the student's to fill)."""
    names = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if assigns_names_only(target):
                names |= {sub.id for sub in ast.walk(target) if isinstance(sub, ast.Name)}
    for field in ("body", "orelse", "finalbody"):
        for child in getattr(node, field, []) if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) else []:
            names |= bound_names(child)
    for handler in getattr(node, "handlers", []):
        for child in handler.body:
            names |= bound_names(child)
    return names


# Cell magics whose body is ordinary Python (the magic only times or captures it).
TRANSPARENT_CELL_MAGICS = {"time", "timeit", "capture", "prun"}


def python_of_cell(source):
    """The Python of a cell for the re-check: cell magics that only time or capture are unwrapped,
    line magics become get_ipython() calls (which are not loaded); None for a non-Python cell."""
    from IPython.core.inputtransformer2 import TransformerManager

    stripped = source.lstrip()
    if stripped.startswith("%%"):
        first, _, rest = stripped.partition("\n")
        magic = first[2:].split()
        if not magic or magic[0] not in TRANSPARENT_CELL_MAGICS:
            return None
        source = rest
    return TransformerManager().transform_cell(source)


def watched_modules():
    """Modules whose attributes a test relies on: numpy (all of it), nettrain_lib, builtins, math."""
    return sorted(name for name, module in sys.modules.items()
                  if module is not None and (name.split(".")[0] in ("numpy", "nettrain_lib")
                                             or name in ("builtins", "math")))


def snapshot_modules(names=None):
    """Every attribute of the watched modules, and the code of every Python function in them, so
    that monkeypatching (f = ..., or f.__code__ = ...) shows up; plus the sys hooks."""
    snapshot = {}
    for name in names or watched_modules():
        for attribute, value in list(vars(sys.modules[name]).items()):
            snapshot[name, attribute] = value
            if isinstance(value, types.FunctionType):
                snapshot[name, attribute, "<code>"] = (value.__code__, value.__defaults__, value.__kwdefaults__)
    for hook in ("excepthook", "displayhook", "stdout", "stderr"):
        snapshot["sys", hook] = getattr(sys, hook)
    snapshot["sys", "<profile>"] = sys.getprofile()
    snapshot["sys", "<trace>"] = sys.gettrace()
    snapshot["sys", "<modules>"] = {name: sys.modules[name] for name in watched_modules()}
    return snapshot


def changes_since(snapshot):
    """Names of watched things that were replaced, added or deleted since `snapshot`; undoes them."""
    changed = []
    for name, module in snapshot["sys", "<modules>"].items():   # modules imported since are not checked
        if sys.modules.get(name) is not module:
            changed.append(f"sys.modules[{name!r}]")
            sys.modules[name] = module
    current = snapshot_modules([name for name in snapshot["sys", "<modules>"] if name in sys.modules])
    for key in snapshot:                          # replaced or deleted; a new name changes nothing
        if key[0] == "sys" and (key[1].startswith("<") or key[1] in ("stdout", "stderr")):
            continue
        before, after = snapshot[key], current.get(key, changed)
        if len(key) == 3:
            if after is not changed and before is not changed and before != after:
                changed.append(f"{key[0]}.{key[1]}.__code__")
                function = vars(sys.modules[key[0]])[key[1]]
                function.__code__, function.__defaults__, function.__kwdefaults__ = before
            continue
        if before is not after:
            changed.append(f"{key[0]}.{key[1]}")
            setattr(sys if key[0] == "sys" else sys.modules[key[0]], key[1], before)
    if sys.getprofile() is not snapshot["sys", "<profile>"]:
        changed.append("sys.setprofile")
        sys.setprofile(snapshot["sys", "<profile>"])
    if sys.gettrace() is not snapshot["sys", "<trace>"]:
        changed.append("sys.settrace")
        sys.settrace(snapshot["sys", "<trace>"])
    return sorted(set(changed))


def code_owner(frame):
    """'student', 'course' (test or setup cell) or None (a library) for the code a frame runs."""
    name = frame.f_code.co_filename
    if name.startswith("<student"):
        return "student"
    if name.startswith(("<test", "<course")):
        return "course"
    return None


class ReferenceGuard:
    """Wraps the library's version of each graded function, wherever the library exposes it, so
    that it refuses to serve student code while that function is the one under test. Installed
    before the setup cell, so the names the course imports are guarded too."""

    def __init__(self, graded):
        self.under_test = None
        modules = {id(module): module for name, module in list(sys.modules.items())
                   if name.split(".")[0] == "nettrain_lib"}     # an old module path names the same module
        for module in modules.values():
            for name in graded:
                original = getattr(module, name, None)
                if isinstance(original, types.FunctionType):
                    setattr(module, name, self._wrap(name, original))

    def _wrap(self, name, original):
        guard = self

        def guarded(*args, **kwargs):
            if guard.under_test == name:
                frame = sys._getframe(1)
                while frame is not None and code_owner(frame) is None:   # through numpy, functools...
                    frame = frame.f_back
                if frame is not None and code_owner(frame) == "student":
                    raise ReferenceUsed(f"{name} calls nettrain_lib's own {name}: the exercise is to "
                                        "write it yourself")
            return original(*args, **kwargs)

        guarded.__name__, guarded.__qualname__, guarded.__doc__ = original.__name__, original.__qualname__, \
            original.__doc__
        return guarded


def imported_names(tree):
    """{name: (module, attribute)} bound by `from M import A [as N]` in a test cell."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
    return names


def load_definitions(entry, namespace, limits, notes, channel, own):
    """Run the defining statements of one student cell, one at a time; note what was left out.
    `own` (the names the student's cells bound) grows as statements are loaded."""
    label, exercise = entry["label"], entry["exercise"]
    python = python_of_cell(entry["source"])
    if python is None:
        notes.append(f"{label}: a cell magic the re-check does not run")
        return
    try:
        tree = ast.parse(python)
    except SyntaxError as exc:
        notes.append(f"{label}: syntax error, line {exc.lineno}: {exc.msg}")
        return
    for node in tree.body:
        if not loadable(node, own):
            if exercise:
                notes.append(f"{label}, line {node.lineno}: `{ast.unparse(node)[:60]}` is not run by the re-check")
            continue
        channel.send(-1, "busy")                  # each statement gets a cell's time, no more
        code = compile(ast.Module(body=[node], type_ignores=[]), STUDENT_FILE.format(label), "exec")
        _, error, _ = guarded(lambda: exec(code, namespace), limits)     # noqa: B023 (run now, in this loop)
        if error is not None and exercise:
            notes.append(f"{label}, line {node.lineno}: {short_error(error)[2].splitlines()[-1]}")
        own |= bound_names(node)


def clean_run(lesson, skip, channel, limits):
    """Items are the tests, in order; each sees the definitions of the student cells above it."""
    clean = lesson["clean"]
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    guard = ReferenceGuard(clean["functions"])
    exec(compile(clean["setup"], "<course setup cell>", "exec"), namespace)
    baseline = snapshot_modules()
    notes, load_tampering, own = [], [], set()
    number = -1
    for entry in clean["sequence"]:
        if entry["kind"] == "cell":
            load_definitions(entry, namespace, limits, notes, channel, own)
            load_tampering += [f"{entry['label']} changed {name}" for name in changes_since(baseline)]
            continue
        number += 1
        if number in skip:
            continue
        channel.send(number, "start")
        record = run_test(entry, namespace, guard, baseline, limits)
        record["notes"] = notes[-20:]
        if load_tampering:
            record["tampered"] = record.get("tampered", []) + load_tampering[:10]
        channel.send(number, "end", result=record)


def written_by_student(candidate):
    """True for a function compiled from the student's cells, also behind a decorator
    (functools.lru_cache and wraps, np.errstate, np.vectorize, functools.partial)."""
    for _ in range(8):
        code = getattr(candidate, "__code__", None)
        if code is not None and code.co_filename.startswith("<student"):
            return True
        inner = getattr(candidate, "__wrapped__", None) or getattr(candidate, "pyfunc", None) or \
            getattr(candidate, "func", None)
        if inner is None or inner is candidate:
            return False
        candidate = inner
    return False


def run_test(test, namespace, guard, baseline, limits):
    function = test["function"]
    candidate = namespace.get(function) if function else None
    if candidate is not None and not written_by_student(candidate):
        return {"status": "error", "ename": "NotYourFunction",
                "evalue": f"{function} is not a function you wrote (it is {candidate!r:.80}): "
                          "define it with def in its exercise cell"}
    tree = ast.parse(test["source"])
    code = compile(tree, f"<test {test['grade_id']}>", "exec")
    guard.under_test = function
    try:
        _, error, _ = guarded(lambda: exec(code, namespace), limits)
    finally:
        guard.under_test = None
    record = {"status": "ok"} if error is None else error_record(error)
    tampered = changes_since(baseline)
    for name, (module, attribute) in imported_names(tree).items():
        if module in sys.modules and name in namespace and namespace[name] is not getattr(
                sys.modules[module], attribute, None):
            tampered.append(f"the test's name {name}")
    if tampered:
        record = {"status": "error", "ename": "Tampering",
                  "evalue": "the code under test replaced " + ", ".join(tampered[:10]), "tampered": tampered[:10]}
    return record


RUNS = {"notebook": notebook_run, "clean": clean_run}


def items_of(kind, lesson):
    if kind == "notebook":
        return len(lesson["cells"])
    return sum(1 for entry in lesson["clean"]["sequence"] if entry["kind"] == "test")


def run_child(kind, lesson, skip, limits):
    """Fork one child for `kind`; return ({index: record}, reason it stopped early or None, index)."""
    token = secrets.token_hex(16)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:                                  # the child: never returns
        code = 0
        try:
            os.close(read_fd)
            os.setpgid(0, 0)
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            limit_resources(limits)
            signal.signal(signal.SIGALRM, on_alarm)
            RUNS[kind](lesson, skip, Channel(write_fd, token), limits)
        except BaseException:                     # noqa: BLE001
            code = 3
        finally:
            os._exit(code)
    os.close(write_fd)
    records, started, stop, status = {}, None, None, None
    buffer = b""
    allowance = limits["cell_timeout"] + limits["kill_grace"]
    deadline = time.monotonic() + allowance
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while stop is None:
            ready, _, _ = select.select([pipe], [], [], min(0.25, max(0.0, deadline - time.monotonic())))
            if not ready:
                # The child's exit ends the run, not the pipe's EOF: a process the student's code
                # forked may hold the pipe open for ever.
                finished, child_status = os.waitpid(pid, os.WNOHANG)
                if finished:
                    status = child_status
                    if not select.select([pipe], [], [], 0)[0]:
                        break
                elif time.monotonic() > deadline:
                    stop = "timeout"
                    break
                continue
            chunk = pipe.read(65536)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                try:
                    message = json.loads(line)
                    valid = message.get("token") == token and isinstance(message.get("index"), int)
                except (ValueError, AttributeError):
                    valid = False
                if valid and message["event"] == "busy":
                    deadline = time.monotonic() + allowance
                    continue
                if not valid or (message["event"] == "end" and message["index"] != started) \
                        or message["index"] in records:
                    stop = "forged"
                    break
                deadline = time.monotonic() + allowance
                if message["event"] == "start":
                    started = message["index"]
                else:
                    records[started] = message["result"]
                    started = None
    try:
        os.killpg(pid, signal.SIGKILL)            # the child, if still there, and what it started
    except (ProcessLookupError, PermissionError):
        pass
    if status is None:
        _, status = os.waitpid(pid, 0)
    if stop is None and (started is not None or len(records) < items_of(kind, lesson) - len(skip)):
        if os.WIFSIGNALED(status):
            stop = f"signal {signal.Signals(os.WTERMSIG(status)).name}"
        else:
            stop = f"exit {os.WEXITSTATUS(status)}"
    return records, stop, started


def explain_stop(stop, limits):
    if stop == "timeout":
        return ("Timeout", f"this cell was still running after {limits['cell_timeout']} s and could not be "
                           "interrupted (an infinite loop inside try/except?): the grader stopped it")
    if stop == "forged":
        return ("Tampering", "the grader received results it did not send: the submission wrote to the "
                             "grader's channel")
    if stop == "signal SIGXCPU":
        return ("CPULimit", f"this cell used more than {limits['cpu_seconds']} s of CPU time")
    if stop in ("signal SIGKILL", "signal SIGSEGV") :
        return ("ProcessKilled", f"the process running this cell died ({stop}): too much memory, "
                                 "or the code killed its own process")
    return ("ProcessExited", f"the process running this cell stopped ({stop}): did the code call exit()?")


def run_with_restarts(kind, lesson, limits, skipped=()):
    """Every item of the run, each graded as far as possible even if some hang or crash.

    After a crash the run starts again in a new child that replays the items that worked (the
    notebook's state needs them) and skips the ones that hung or crashed."""
    total = items_of(kind, lesson)
    results = {index: {"status": "skipped"} for index in skipped}
    broken = set()
    while True:
        records, stop, started = run_child(kind, lesson, broken | set(skipped), limits)
        for index, record in records.items():
            results.setdefault(index, record)
        if stop is None:
            break
        if started is None:
            started = min(set(range(total)) - set(results), default=None)
        if started is None or started in broken:
            break
        ename, evalue = explain_stop(stop, limits)
        results[started] = {"status": "crashed", "ename": ename, "evalue": evalue}
        broken.add(started)
    return [results.get(index, {"status": "error", "ename": "NotRun",
                                "evalue": "the grader could not run this cell"})
            for index in range(total)]


def notebook_results(lesson, limits):
    """The notebook run: first without the course's own demonstration cells that the student left
    unchanged (they take most of a notebook's time and grade nothing); if any test fails that way,
    the whole notebook again, every cell in order, exactly as nbgrader would run it."""
    fast = [index for index, cell in enumerate(lesson["cells"]) if cell.get("course_demo")]
    if fast:
        results = run_with_restarts("notebook", lesson, limits, skipped=fast)
        # A name that a skipped cell would have defined is the one way skipping can change a
        # result; a wrong value, a timeout or a crash would be the same in the full run.
        if not any(record.get("ename") == "NameError" for record in results):
            return results
    return run_with_restarts("notebook", lesson, limits)


def clean_results(lesson, passed, limits):
    """The clean re-check of the tests that passed in the notebook run (a failed one scores 0 anyway)."""
    tests = [entry for entry in lesson["clean"]["sequence"] if entry["kind"] == "test"]
    skipped = [number for number, test in enumerate(tests) if test["grade_id"] not in passed]
    if len(skipped) == len(tests):
        return [{"status": "skipped"}] * len(tests)
    return run_with_restarts("clean", lesson, limits, skipped=skipped)


def main():
    # The job (every cell, the hidden tests too) comes on standard input, which is then closed: no
    # file in the sandbox holds it for a student's cell to open and print into their own feedback.
    job = json.load(sys.stdin)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    make_undumpable()
    preload()
    limits = job["limits"]
    output = {}
    # job["phase"]: "notebook" (the notebook run) or "clean" (the re-check of the tests that passed,
    # listed by the grader in lesson["passed"]). The grader runs each phase in a sandbox of its own, so
    # nothing the notebook run wrote (in /tmp, say) is there for the re-check to find.
    for lesson in job["lessons"]:
        started = time.perf_counter()
        if job["phase"] == "notebook":
            record = {"notebook": notebook_results(lesson, limits)}
        else:
            record = {"clean": clean_results(lesson, set(lesson["passed"]), limits)}
        output[lesson["lesson"]] = dict(record, seconds=round(time.perf_counter() - started, 3))
    sys.stdout.write(json.dumps(output))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
