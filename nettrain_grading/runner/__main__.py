"""The process at the root of the sandbox: imports the libraries once, then forks one child per run.

    python -m nettrain_grading.runner          (started by nettrain_grading.session, in the sandbox)

It never runs student code. It reads the grader's requests on standard input and writes the
answers on standard output, one JSON line each (nettrain_grading.wire), and relays them to and from
the child that runs the current lesson. `start` forks a fresh child (a new lesson, or a new try
after a crash); `kill` ends the child and its processes. When a child dies, this process says so
(`died`, with the signal or exit code), so the grader can start again from the next cell.

It decides nothing: verdicts are made outside, from plain values. Its only jobs are speed (numpy,
matplotlib, IPython and the course library are imported once per sandbox, not once per lesson) and
telling the grader when a child died.
"""
import ctypes
import importlib
import os
import pkgutil
import resource
import select
import signal
import socket
import warnings

from .. import wire


def preload():
    os.environ.setdefault("MPLBACKEND", "Agg")
    # What nbgrader sets while it autogrades: the lessons' friendly-error hints stay off.
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import numpy.linalg  # noqa: F401
    import numpy.random  # noqa: F401

    import nettrain_lib
    for module in pkgutil.walk_packages(nettrain_lib.__path__, "nettrain_lib."):
        importlib.import_module(module.name)
    from IPython.core.inputtransformer2 import TransformerManager  # noqa: F401
    from IPython.core.interactiveshell import InteractiveShell  # noqa: F401
    warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")


def make_undumpable():
    """Children run as the same user: without this they could read this process's pipes via /proc."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)   # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


def limit_resources(limits):
    memory = limits["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = limits["cpu_seconds"]
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def fork_child(limits, keep):
    """(pid, socket) of a new child serving requests; `keep` are this process's fds to close there."""
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            ours.close()
            for fd in keep:
                os.close(fd)
            os.setpgid(0, 0)
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            limit_resources(limits)
            from .cells import on_alarm
            from .child import Child
            signal.signal(signal.SIGALRM, on_alarm)
            wfd = os.dup(theirs.fileno())
            Child(theirs.makefile("rb"), wfd, limits).serve()
        except BaseException:                     # noqa: BLE001
            code = 3
        finally:
            os._exit(code)
    theirs.close()
    return pid, ours


def why_dead(status):
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit {os.WEXITSTATUS(status)}"


def write(data):
    while data:
        data = data[os.write(1, data):]


def main():
    limits = None
    make_undumpable()
    preload()
    pid, child, reaped = None, None, None
    inbox = []
    pending_newline = False
    while True:
        sources = [0] + ([child] if child is not None else [])
        ready, _, _ = select.select(sources, [], [], 0.25)
        if child is not None and pid is not None and reaped is None:
            finished, status = os.waitpid(pid, os.WNOHANG)
            if finished:
                reaped = status
            if finished and (child not in ready):
                child.close()
                write((b"\n" if pending_newline else b"") + wire.dumps({"op": "died", "why": why_dead(status)}))
                pid, child, pending_newline = None, None, False
                continue
        if child is not None and child in ready:
            data = child.recv(1 << 20)
            if data:
                write(data)
                pending_newline = not data.endswith(b"\n")
            else:                                 # the child closed its end: it is dying
                try:
                    os.killpg(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                status = reaped if reaped is not None else os.waitpid(pid, 0)[1]
                child.close()
                write((b"\n" if pending_newline else b"") + wire.dumps({"op": "died", "why": why_dead(status)}))
                pid, child, pending_newline = None, None, False
        if 0 in ready:
            chunk = os.read(0, 1 << 20)
            if not chunk:
                break                             # the grader closed the channel: end
            inbox.append(chunk)
            if b"\n" not in chunk:               # a long message: join the pieces once it is whole
                continue
            *lines, rest = b"".join(inbox).split(b"\n")
            inbox = [rest]
            for line in lines:
                message = wire.loads(line)
                if message["op"] == "limits":
                    limits = message["limits"]
                    continue
                if message["op"] == "kill" and pid is None:
                    write(wire.dumps({"op": "died", "why": "no run was going on"}))
                    continue
                if message["op"] in ("start", "kill") and pid is not None:
                    try:
                        os.killpg(pid, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
                    if reaped is None:
                        os.waitpid(pid, 0)
                    child.close()
                    if message["op"] == "kill":
                        write((b"\n" if pending_newline else b"") +
                              wire.dumps({"op": "died", "why": "killed by the grader"}))
                    pid, child, pending_newline = None, None, False
                if message["op"] == "start":
                    pid, child = fork_child(limits, [0, 1])
                    reaped = None
                if message["op"] != "kill" and child is not None:
                    child.sendall(line + b"\n")
    if pid is not None:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


if __name__ == "__main__":
    main()
