"""The sandbox process seen from the grader: one JSON line per message each way, and a deadline on
every read and write, so that a sandbox that stops, stalls or floods costs only its own student.
"""
import contextlib
import os
import select
import signal
import subprocess
import tempfile
import time

from . import wire


class Stopped(BaseException):
    """The run inside cannot go on (time limit, crash, broken channel). A BaseException, so that no
    `except Exception` in a test cell can catch it."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind                # "timeout" | "timeout-inside" | "crashed" | "broken" | "flood"


class Channel:
    """One sandbox process and its JSON-lines channel; every read and write has a deadline."""

    def __init__(self, argv, env, cwd, limits, deadline, group=None):
        self.deadline = deadline        # the phase's wall-clock end (time.monotonic())
        self.group = group              # a cgroup.Cgroup for the whole sandbox, or None
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                        cwd=cwd, env=env, start_new_session=True,
                                        preexec_fn=group.enter if group is not None else None)
        for stream in (self.process.stdin, self.process.stdout):
            os.set_blocking(stream.fileno(), False)
        self._buffer = b""
        self.received = 0               # bytes of messages read so far
        self.send({"op": "limits", "limits": limits})

    def send(self, message, deadline=None):
        data = memoryview(wire.dumps(message))          # sliced without copying
        fd = self.process.stdin.fileno()
        while data:
            left = min(deadline or self.deadline, self.deadline) - time.monotonic()
            if left <= 0 or not select.select([], [fd], [], left)[1]:
                raise Stopped("timeout", "the sandbox stopped reading")
            try:
                data = data[os.write(fd, data):]
            except BlockingIOError:
                continue
            except (BrokenPipeError, OSError):
                raise Stopped("broken", f"the sandbox is gone ({self.tail()})") from None

    def receive(self, deadline):
        """The next message. Chunks are kept in a list and only the newest is searched for the end
        of line, so a 60 MB message costs one copy, not one per megabyte."""
        fd = self.process.stdout.fileno()
        pieces, size = [self._buffer], len(self._buffer)
        end = self._buffer.find(b"\n")
        while end < 0:
            left = min(deadline, self.deadline) - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self._buffer = b"".join(pieces)
                raise Stopped("timeout", "no answer in time")
            try:
                chunk = os.read(fd, 1 << 22)
            except BlockingIOError:
                continue
            if not chunk:
                raise Stopped("broken", f"the sandbox ended ({self.tail()})")
            newline = chunk.find(b"\n")
            if newline >= 0:
                end = size + newline
            pieces.append(chunk)
            size += len(chunk)
            if end < 0 and size > wire.MAX_LINE_BYTES:
                raise Stopped("broken", f"the sandbox sent more than {wire.MAX_LINE_BYTES // 2**20} MB at once")
        data = b"".join(pieces)
        line, self._buffer = data[:end], data[end + 1:]
        self.received += len(line)
        try:
            return wire.loads(line)
        except wire.ProtocolError as exc:
            raise Stopped("broken", f"the sandbox sent something that is not a message ({exc})") from None

    def tail(self):
        try:
            self._stderr.seek(max(0, self._stderr.seek(0, os.SEEK_END) - 1_000))
            return " / ".join(self._stderr.read().decode(errors="replace").strip().splitlines()[-3:])[:300]
        except (OSError, ValueError):
            return ""

    def close(self):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        self.process.wait()
        self.process.stdout.close()
        self._stderr.close()
        if self.group is not None:
            self.group.remove()

    @property
    def alive(self):
        return self.process.poll() is None
