"""Limits that hold for a whole sandbox, not per process: memory and the number of processes.

prlimit's limits are per process (2 GB of address space each: eight processes take 16 GB) and the
process limit is not enforced for root. A control group (cgroup) counts every process of the
sandbox together, its files in /tmp, /grading and /dev/shm included. The grader makes one per
sandbox when the machine lets it (as root, or in a delegated cgroup v2 subtree), and falls back to
prlimit alone otherwise (`nettrain-grade check-sandbox` says which).

    group = Cgroup.create("nettrain-123-1", memory_bytes=3 * 2**30, pids=256)   # None if unavailable
    subprocess.Popen(argv, preexec_fn=group.enter)                              # before exec: no escape
    group.remove()                                                              # kills what is left
"""
import contextlib
import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")


def own_paths():
    """{controller: path of this process's cgroup} from /proc/self/cgroup ("" for cgroup v2)."""
    paths = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                paths[controller] = path
    return paths


class Cgroup:
    def __init__(self, folders):
        self.folders = folders                   # one per hierarchy (v1: memory and pids; v2: one)

    @classmethod
    def create(cls, name, memory_bytes, pids):
        for make in (cls._v2, cls._v1):
            try:
                group = make(name, memory_bytes, pids)
            except OSError:
                group = None
            if group is not None:
                return group
        return None

    @classmethod
    def _v2(cls, name, memory_bytes, pids):
        if not (ROOT / "cgroup.controllers").exists():
            return None
        parent = ROOT / own_paths().get("", "/").lstrip("/")
        enabled = (parent / "cgroup.subtree_control").read_text().split()
        if not {"memory", "pids"} <= set(enabled):
            return None
        sweep(parent)
        folder = parent / name
        folder.mkdir()
        (folder / "memory.max").write_text(str(memory_bytes))
        with contextlib.suppress(OSError):
            (folder / "memory.swap.max").write_text("0")
        (folder / "pids.max").write_text(str(pids))
        return cls([folder])

    @classmethod
    def _v1(cls, name, memory_bytes, pids):
        paths = own_paths()
        memory = ROOT / "memory" / paths.get("memory", "/").lstrip("/")
        processes = ROOT / "pids" / paths.get("pids", "/").lstrip("/")
        if not (memory / "cgroup.procs").exists() or not (processes / "cgroup.procs").exists():
            return None
        folders = []
        try:
            for parent in (memory, processes):
                sweep(parent)
                folder = parent / name
                folder.mkdir()
                folders.append(folder)
            (folders[0] / "memory.limit_in_bytes").write_text(str(memory_bytes))
            with contextlib.suppress(OSError):
                (folders[0] / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
            (folders[1] / "pids.max").write_text(str(pids))
        except OSError:
            cls(folders).remove()
            raise
        return cls(folders)

    def enter(self):
        """Move the calling process in (Popen's preexec_fn: before exec, so all its children follow)."""
        for folder in self.folders:
            with open(folder / "cgroup.procs", "w") as handle:
                handle.write(str(os.getpid()))

    def remove(self):
        """Kill every process still in the group, then delete it."""
        for folder in self.folders:
            for _ in range(50):
                try:
                    pids = [int(pid) for pid in (folder / "cgroup.procs").read_text().split()]
                except OSError:
                    break
                for pid in pids:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
                try:
                    folder.rmdir()
                    break
                except OSError:
                    time.sleep(0.05)


def sweep(parent):
    """Remove the empty groups that an earlier grader left behind when it was killed (their names
    carry the pid of the worker that made them, and that process is gone)."""
    for folder in parent.glob("nettrain-*"):
        owner = folder.name.split("-")[1]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            with contextlib.suppress(OSError):
                if not (folder / "cgroup.procs").read_text().split():
                    folder.rmdir()
