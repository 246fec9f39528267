"""The grading process: runs one student's notebooks inside the sandbox and prints the results.

    python -m nettrain_grading.runner JOB.json      (started by nettrain_grading.sandbox)

It imports numpy, matplotlib and nettrain_lib once, then forks a fresh child for every run, so no
student code ever runs in this process and every run starts from the same clean state:

- the *notebook run* executes the student's notebook cell by cell, as nbgrader would, with the
  test cells restored from the gradebook; only an exception fails a cell, never text on stderr.
  It first leaves out the course's demonstration cells that the student did not change, and runs
  the whole notebook only if a name is missing that way (notebook_results);
- the *clean re-check* runs the course's setup cell, then only the student's definitions (imports,
  `def`, constants: never their top-level code), then every test cell that passed in the notebook
  run (the others score 0 whatever happens), and checks after each test
  that nothing was monkeypatched and that the function under test did not call the library's own
  version of itself.

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
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import nettrain_lib
    for module in pkgutil.iter_modules(nettrain_lib.__path__):
        importlib.import_module(f"nettrain_lib.{module.name}")
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
    text = "".join(traceback.format_list(frames)) + f"{type(exc).__name__}: {evalue}"
    return type(exc).__name__, evalue, text


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
    import matplotlib.pyplot as plt

    for index, cell in enumerate(lesson["cells"]):
        if index in skip:
            continue
        channel.send(index, "start")
        signal.alarm(limits["cell_timeout"])
        with Captured() as captured:
            try:
                result = run_cell(shell, cell["source"], store_history=False, silent=False)
                error = result.error_before_exec or result.error_in_exec
            except BaseException as exc:          # noqa: BLE001 -- a cell may raise anything
                error = exc
            finally:
                signal.alarm(0)
        plt.close("all")
        stdout, stderr = captured.texts()
        record = {"status": "ok", "stdout": stdout, "stderr": stderr}
        if error is not None:
            ename, evalue, text = short_error(error)
            status = "timeout" if isinstance(error, CellTimeout) else "error"
            record.update(status=status, ename=ename, evalue=evalue, traceback=text)
        channel.send(index, "end", result=record)


# ---------------------------------------------------------------------------------------------
# The clean re-check (child side)

def is_harmless(node):
    """True for an expression whose evaluation runs no student code: no calls, no walrus, no await."""
    forbidden = (ast.Call, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom, ast.ListComp,
                 ast.SetComp, ast.DictComp, ast.GeneratorExp)
    for sub in ast.walk(node):
        if isinstance(sub, ast.Lambda):
            continue
        if isinstance(sub, forbidden):
            return False
    return True


def definitions_only(statements):
    """The statements of a cell that define things without running student code; and what was dropped."""
    kept, dropped = [], []
    for node in statements:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Pass)):
            kept.append(node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defaults = node.args.defaults + [d for d in node.args.kw_defaults if d is not None]
            if node.decorator_list or not all(is_harmless(d) for d in defaults):
                dropped.append(f"line {node.lineno}: def {node.name} with decorators or computed defaults")
            else:
                kept.append(node)
        elif isinstance(node, ast.ClassDef):
            body, inner = definitions_only(node.body)
            if node.decorator_list or node.keywords or inner or not all(is_harmless(b) for b in node.bases):
                dropped.append(f"line {node.lineno}: class {node.name}")
            else:
                kept.append(node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if all(isinstance(t, ast.Name) for t in targets) and is_harmless(node.value):
                kept.append(node)
            else:
                dropped.append(f"line {node.lineno}: {ast.unparse(node)[:60]}")
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            kept.append(node)                     # a docstring or a stray literal
        else:
            dropped.append(f"line {node.lineno}: {ast.unparse(node)[:60]}")
    return kept, dropped


def transform_magics(source):
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(source)


def snapshot_modules():
    """{(module name, attribute): object} of everything a test relies on, to spot monkeypatching."""
    names = ["builtins", "sys", "math", "numpy", "numpy.linalg", "numpy.random", "numpy.testing",
             "matplotlib.pyplot"] + sorted(m for m in sys.modules if m.startswith("nettrain_lib"))
    snapshot = {}
    for name in names:
        module = sys.modules.get(name)
        if module is None:
            continue
        for attribute, value in list(vars(module).items()):
            if name == "sys" and attribute not in ("excepthook", "displayhook", "settrace", "setprofile",
                                                   "gettrace", "getprofile", "exit", "modules"):
                continue
            snapshot[name, attribute] = value
    snapshot["sys", "<profile>"] = sys.getprofile()
    snapshot["sys", "<trace>"] = sys.gettrace()
    return snapshot


def changes_since(snapshot):
    """Names of snapshotted attributes that were replaced, added or deleted; restores them."""
    changed = []
    current = snapshot_modules()
    for key in set(snapshot) | set(current):
        module, attribute = key
        if attribute.startswith("<") or (module, attribute) == ("sys", "modules"):
            continue
        if key not in snapshot and attribute.startswith("__"):
            continue                                  # Python's own bookkeeping (__warningregistry__)
        if snapshot.get(key, changed) is not current.get(key, changed):
            changed.append(f"{module}.{attribute}")
            if key in snapshot:
                setattr(sys.modules[module], attribute, snapshot[key])
            else:
                delattr(sys.modules[module], attribute)
    if current["sys", "<profile>"] is not snapshot["sys", "<profile>"]:
        changed.append("sys.setprofile")
        sys.setprofile(snapshot["sys", "<profile>"])
    if current["sys", "<trace>"] is not snapshot["sys", "<trace>"]:
        changed.append("sys.settrace")
        sys.settrace(snapshot["sys", "<trace>"])
    return sorted(changed)


class ReferenceGuard:
    """Replaces the library's version of each graded function by a wrapper that refuses to be called
    directly from student code while that function is the one under test."""

    def __init__(self, graded):
        self.under_test = None
        self.originals = {}
        for module_name, module in list(sys.modules.items()):
            if not module_name.startswith("nettrain_lib") or module is None:
                continue
            for name in graded:
                original = getattr(module, name, None)
                if isinstance(original, types.FunctionType):
                    setattr(module, name, self._wrap(name, original))

    def _wrap(self, name, original):
        guard = self

        def guarded(*args, **kwargs):
            caller = sys._getframe(1)
            if guard.under_test == name and caller.f_code.co_filename.startswith("<student"):
                raise ReferenceUsed(
                    f"{name} calls nettrain_lib's own {name}: the exercise is to write it yourself")
            return original(*args, **kwargs)

        guarded.__name__, guarded.__doc__ = original.__name__, original.__doc__
        return guarded


def imported_names(tree):
    """{name: (module, attribute)} bound by `from M import A [as N]` at the top of a test cell."""
    names = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
    return names


def clean_run(lesson, skip, channel, limits):
    clean = lesson["clean"]
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    exec(compile(clean["setup"], "<course setup cell>", "exec"), namespace)

    index = 0                                      # items: 0 = loading the definitions, then one per test
    if index not in skip:
        channel.send(index, "start")
        notes, defined = [], set()
        for label, source, is_exercise in clean["student_cells"]:
            try:
                tree = ast.parse(transform_magics(source))
            except SyntaxError as exc:
                notes.append(f"{label}: syntax error, line {exc.lineno}: {exc.msg}")
                continue
            kept, dropped = definitions_only(tree.body)
            if is_exercise:
                notes.extend(f"{label}, {text}: not run by the re-check" for text in dropped)
            for node in kept:                     # one by one: a failing import must not lose the defs after it
                signal.alarm(limits["cell_timeout"])
                try:
                    with Captured():
                        exec(compile(ast.Module(body=[node], type_ignores=[]), STUDENT_FILE.format(label),
                                     "exec"), namespace)
                except BaseException as exc:      # noqa: BLE001 -- an import may fail
                    if is_exercise:
                        notes.append(f"{label}, line {node.lineno}: {short_error(exc)[2].splitlines()[-1]}")
                finally:
                    signal.alarm(0)
        channel.send(index, "end", result={"status": "ok", "notes": notes[:50]})

    guard = ReferenceGuard(clean["functions"])
    baseline = snapshot_modules()
    for number, test in enumerate(clean["tests"], start=1):
        if number in skip:
            continue
        channel.send(number, "start")
        function = test["function"]
        guard.under_test = function
        record = {"status": "ok"}
        candidate = namespace.get(function)
        code = getattr(candidate, "__code__", None)
        if function and candidate is not None and (code is None or not code.co_filename.startswith("<student")):
            record = {"status": "error", "ename": "NotYourFunction",
                      "evalue": f"{function} is not a function you wrote (it is {candidate!r:.80}): "
                                "define it with def in its exercise cell"}
            channel.send(number, "end", result=record)
            continue
        tree = ast.parse(test["source"])
        signal.alarm(limits["cell_timeout"])
        try:
            with Captured():
                exec(compile(tree, f"<test {test['grade_id']}>", "exec"), namespace)
        except BaseException as exc:              # noqa: BLE001 -- a test may fail in any way
            ename, evalue, _ = short_error(exc)
            status = "timeout" if isinstance(exc, CellTimeout) else "error"
            record = {"status": status, "ename": ename, "evalue": evalue}
        finally:
            signal.alarm(0)
            guard.under_test = None
        tampered = changes_since(baseline)
        for name, (module, attribute) in imported_names(tree).items():
            expected = getattr(sys.modules.get(module), attribute, None)
            if module in sys.modules and name in namespace and namespace[name] is not expected:
                tampered.append(f"the test's name {name}")
        if tampered:
            record = {"status": "error", "ename": "Tampering",
                      "evalue": "the code under test replaced " + ", ".join(tampered[:10]),
                      "tampered": tampered[:10]}
        channel.send(number, "end", result=record)


# ---------------------------------------------------------------------------------------------
# Running children with restarts (parent side)

RUNS = {"notebook": notebook_run, "clean": clean_run}


def items_of(kind, lesson):
    if kind == "notebook":
        return len(lesson["cells"])
    return 1 + len(lesson["clean"]["tests"])


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
    records, started, stop = {}, None, None
    buffer = b""
    deadline = None
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while True:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([pipe], [], [], timeout)
            if not ready:
                stop = "timeout"
                break
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
                if not valid or (message["event"] == "end" and message["index"] != started) \
                        or message["index"] in records:
                    stop = "forged"
                    break
                if message["event"] == "start":
                    started = message["index"]
                    deadline = time.monotonic() + limits["cell_timeout"] + limits["kill_grace"]
                else:
                    records[started] = message["result"]
                    started, deadline = None, None
            if stop:
                break
    if stop:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _, status = os.waitpid(pid, 0)
    try:
        os.killpg(pid, signal.SIGKILL)            # anything the student's code started
    except (ProcessLookupError, PermissionError):
        pass
    if stop is None and started is not None:
        if os.WIFSIGNALED(status):
            signame = signal.Signals(os.WTERMSIG(status)).name
            stop = f"signal {signame}"
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


def clean_results(lesson, notebook, limits):
    """The clean re-check of the tests that passed in the notebook run (a failed one scores 0 anyway)."""
    passed = {cell["grade_id"] for cell, record in zip(lesson["cells"], notebook)
              if cell["test"] and record["status"] == "ok"}
    skipped = [number for number, test in enumerate(lesson["clean"]["tests"], start=1)
               if test["grade_id"] not in passed]
    if len(skipped) == len(lesson["clean"]["tests"]):
        return [{"status": "ok", "notes": []}] + [{"status": "skipped"}] * len(skipped)
    return run_with_restarts("clean", lesson, limits, skipped=skipped)


def main(argv):
    job_path = argv[1]
    with open(job_path) as handle:
        job = json.load(handle)
    make_undumpable()
    preload()
    limits = job["limits"]
    output = {}
    for lesson in job["lessons"]:
        started = time.perf_counter()
        notebook = notebook_results(lesson, limits)
        output[lesson["lesson"]] = {
            "notebook": notebook,
            "clean": clean_results(lesson, notebook, limits),
            "seconds": round(time.perf_counter() - started, 3),
        }
    sys.stdout.write(json.dumps(output))
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv)
