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
import contextlib
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
    wire.write_all(1, data)


class Current:
    """The child serving the current run (at most one), and its end."""

    def __init__(self):
        self.pid = self.socket = self.reaped = None
        self.partial = False                      # the last bytes relayed did not end a line

    def end(self, why=None, tell=True):
        """Kill the child and whatever it started, reap it, and (if `tell`) tell the grader it died:
        `why`, or how it ended."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        status = self.reaped if self.reaped is not None else os.waitpid(self.pid, 0)[1]
        self.socket.close()
        if tell:
            write((b"\n" if self.partial else b"") + wire.dumps({"op": "died", "why": why or why_dead(status)}))
        self.pid = self.socket = self.reaped = None
        self.partial = False


def main():
    limits = None
    make_undumpable()
    preload()
    current = Current()
    inbox = []
    while True:
        ready, _, _ = select.select([0] + ([current.socket] if current.socket else []), [], [], 0.25)
        if current.pid is not None and current.reaped is None:
            finished, status = os.waitpid(current.pid, os.WNOHANG)
            if finished:
                current.reaped = status
                if current.socket not in ready:   # gone, and nothing left to relay
                    current.end()
                    continue
        if current.socket is not None and current.socket in ready:
            data = current.socket.recv(1 << 20)
            if data:
                write(data)
                current.partial = not data.endswith(b"\n")
            else:                                 # the child closed its end: it is dying
                current.end()
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
                elif message["op"] == "kill":
                    if current.pid is None:
                        write(wire.dumps({"op": "died", "why": "no run was going on"}))
                    else:
                        current.end("killed by the grader")
                elif message["op"] == "start":
                    if current.pid is not None:
                        current.end(tell=False)   # the last lesson's child: the grader is done with it
                    current.pid, current.socket = fork_child(limits, [0, 1])
                    current.socket.sendall(line + b"\n")
                elif current.socket is not None:
                    current.socket.sendall(line + b"\n")
    if current.pid is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(current.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
