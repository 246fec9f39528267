"""The sandbox around student code: bubblewrap for the filesystem and network, prlimit for resources.

Inside, the grading process sees the operating system and Python read-only, the course library
read-only, and one scratch folder that holds the student's own notebooks; nothing else of the
course: not solutions/, not the gradebook, not other students' files, no network. Every process in
the sandbox has the same limits on address space, CPU time and open files.
"""
import os
import shutil
import subprocess
import sys

import nettrain_grading
import nettrain_lib

INSTALL_HINT = "install it with `sudo apt-get install bubblewrap` (Debian/Ubuntu) or `sudo dnf install bubblewrap`"

# Pin one BLAS/OpenMP thread: on small machines several threaded workers fight over the cores.
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                      "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}


# Shared memory inside the sandbox (multiprocessing's locks need a little). Without a size of its
# own, /dev/shm is a tmpfs as large as half the host's memory, outside every per-process limit.
SHM_BYTES = 64 * 1024 * 1024
GRADING_BYTES = 256 * 1024 * 1024               # the working folder /grading, in memory


class SandboxUnavailable(RuntimeError):
    pass


def read_only_paths():
    """What the grading process needs to see: system, interpreter, virtual environment, course code."""
    paths = {"/usr", "/etc/fonts", "/etc/alternatives", "/etc/ld.so.cache", "/etc/localtime",
             sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable)),
             os.path.dirname(nettrain_lib.__file__), os.path.dirname(nettrain_grading.__file__)}
    return sorted(path for path in paths if os.path.exists(path))


def bwrap_command(limits, library=None):
    """argv that runs `python -m nettrain_grading.runner` in the sandbox (the grader's requests on
    its standard input), in a fresh, empty, size-capped /grading. `library`: a redacted copy of
    nettrain_lib (nettrain_grading.redact) mounted over the real one, for the clean re-check."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed: {INSTALL_HINT}")
    memory = limits["memory_mb"] * 1024 * 1024
    uid = sandbox_uid()
    argv = [shutil.which("prlimit") or "prlimit",
            f"--as={memory * 2}",                            # children set their own, lower limit
            f"--cpu={limits['sandbox_cpu_seconds']}", "--nofile=256", "--core=0",
            f"--fsize={256 * 1024 * 1024}",                  # no file over 256 MB (a notebook needs none)
            f"--nproc={processes_of_user(os.getuid() if uid is None else uid) + SANDBOX_PROCESSES}",
            "--", bwrap]
    if uid is None:
        # An ordinary user: a user namespace, in which the code is uid 65534 without capabilities.
        argv += ["--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL"]
    else:
        # Root: bwrap (as root) builds the mounts, then setpriv (below) drops to an unprivileged uid of
        # this worker's own before Python starts. In a user namespace the code would stay uid 0 on the
        # host, where Linux enforces no process limit.
        argv += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    argv += ["--die-with-parent", "--new-session", "--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm",   # else sized from host memory
             "--perms", "1777", "--size", str(256 * 1024 * 1024), "--tmpfs", "/tmp"]  # /tmp in RAM: small
    paths = read_only_paths()
    for folder in ancestors(paths):
        argv += ["--perms", "0755", "--dir", folder]
    for path in paths:
        argv += ["--ro-bind", path, path]
    if library is not None:                               # after the real one: this bind hides it
        argv += ["--ro-bind", str(library), os.path.dirname(nettrain_lib.__file__)]
    for name in ("lib", "lib64", "bin", "sbin"):          # merged /usr: these are symlinks into /usr
        target = os.path.join("/", name)
        if os.path.islink(target):
            argv += ["--symlink", os.readlink(target), target]
        elif os.path.isdir(target):
            argv += ["--ro-bind", target, target]
    # The student's working folder is a size-capped tmpfs: what a notebook writes there never reaches the
    # host's disk (where the gradebook is). Nothing of the host's is in it: requests come on stdin.
    argv += ["--perms", "1777", "--size", str(GRADING_BYTES), "--tmpfs", "/grading", "--chdir", "/grading",
             "--clearenv", "--setenv", "HOME", "/tmp", "--setenv", "PATH", "/usr/bin:/bin",
             "--setenv", "MPLBACKEND", "Agg", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
             "--setenv", "PYTHONHASHSEED", "0", "--setenv", "LANG", "C.UTF-8"]
    for name, value in ONE_THREAD.items():
        argv += ["--setenv", name, value]
    if uid is not None:
        argv += [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                 "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    argv += [sys.executable, "-m", "nettrain_grading.runner"]
    return argv


def ancestors(paths):
    """Every folder above `paths`, parents first. The sandbox makes each one itself, open to all (the
    host's may be closed: a Python under /root, say), so that the unprivileged uid reaches the binds."""
    folders = set()
    for path in paths:
        parent = os.path.dirname(path)
        while parent not in ("/", ""):
            folders.add(parent)
            parent = os.path.dirname(parent)
    return sorted(folders, key=lambda folder: (folder.count("/"), folder))


SANDBOX_UID_BASE = 200_000          # unused by any account; one uid per grading worker process
SANDBOX_PROCESSES = 256             # a fork bomb stops here (RLIMIT_NPROC, and the cgroup's pids.max)


def sandbox_uid():
    """The host uid student code runs as when the grader is root (None otherwise: then it is yours)."""
    return SANDBOX_UID_BASE + os.getpid() % 100_000 if os.geteuid() == 0 else None


def sandbox_memory_bytes(limits):
    """The whole sandbox's memory (cgroup): one run's limit, plus its in-memory folders."""
    return limits["memory_mb"] * 2**20 + SHM_BYTES + GRADING_BYTES + 256 * 2**20 + 256 * 2**20


def processes_of_user(uid):
    """How many processes `uid` runs now: RLIMIT_NPROC counts them all, not only the sandbox's."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                pass
    return count


def unsandboxed_command():
    """The same grading process without isolation (only when the instructor asked for it); run it in
    a scratch folder, which is then the notebook's working folder."""
    return [sys.executable, "-m", "nettrain_grading.runner"]


def unsandboxed_env(library=None):
    """Without a sandbox the redacted library comes first on the path instead of being mounted."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("JPY_", "JUPYTER"))}
    env.update(ONE_THREAD, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")
    if library is not None:
        paths = [os.path.dirname(str(library))] + env.get("PYTHONPATH", "").split(os.pathsep)
        env["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    return env


def check_sandbox():
    """None if the sandbox works here; otherwise a sentence saying why not and what to do."""
    if shutil.which("bwrap") is None:
        return f"bubblewrap (bwrap) is not installed: {INSTALL_HINT}"
    if shutil.which("prlimit") is None or (os.geteuid() == 0 and shutil.which("setpriv") is None):
        return ("prlimit or setpriv is not installed: they come with util-linux "
                "(`sudo apt-get install util-linux`)")
    probe = [shutil.which("bwrap"), "--unshare-all", "--unshare-user", "--die-with-parent",
             "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
             "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev", "true"]
    uid = sandbox_uid()
    if uid is not None:                       # as root, bwrap runs as an unprivileged uid: try that too
        probe = [shutil.which("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--"] + probe
    result = subprocess.run(probe, capture_output=True, text=True)
    if result.returncode != 0:
        return ("bubblewrap is installed but cannot create a sandbox here (unprivileged user namespaces "
                f"disabled?): {result.stderr.strip()[:300]}")
    return None
