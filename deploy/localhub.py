"""The course's JupyterHub on this machine, for an instructor to try and for the end-to-end test.

    sudo make hub                    # = python -m deploy.localhub: http://127.0.0.1:8000, Ctrl+C stops it

The hub runs deploy/jupyterhub_config.py, unchanged, inside private Linux namespaces (unshare):
- its own /etc/passwd and /etc/group, with demo users (students ada, grace, alan; instructor turing;
  the grader account grader-nettrain) that exist only in there;
- its own /home (kept in the state folder, .hub/ by default) and its own /srv with the exchange;
- its own process tree: stopping the hub stops every server and kernel it started;
- optionally its own network (`private_network=True`, what the test uses): nothing listens on the
  machine's ports. `make hub` shares the machine's network so that a browser can reach the hub.
The machine's users, files and ports outside the state folder are not touched. Creating users
needs root (the spawner switches to each user); a server for real students does not use this file:
see the README, "A class on JupyterHub".
"""
import argparse
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

from nettrain_grading.hub import EXCHANGE_FOLDERS, GRADER

DEPLOY = Path(__file__).resolve().parent
REPOSITORY = DEPLOY.parent
BIN = Path(sys.executable).parent
EXCHANGE = "/srv/nbgrader/exchange"
FIRST_UID = 42001                          # demo users' ids: far from a normal machine's 1000…
DEMO_STUDENTS, DEMO_INSTRUCTORS = ("ada", "grace", "alan"), ("turing",)


def _needed():
    """What every user's server runs: Python, the virtual environment, the course."""
    return sorted({Path(os.path.realpath(p)) for p in (sys.base_prefix, sys.prefix, REPOSITORY)})


def _tops(base, also=()):
    """The folders directly under /<base> that hold something _needed() (or in `also`)."""
    paths = [*_needed(), *also]
    return sorted({Path(*path.parts[:3]) for path in paths if path.parts[1:2] == (base,) and len(path.parts) > 2})


def problem():
    """Why this machine cannot run the local hub, or None."""
    if not sys.platform.startswith("linux"):
        return "the local hub uses Linux namespaces; this is " + sys.platform
    if os.geteuid() != 0:
        return ("the local hub creates demo Unix users in a private namespace, which needs root: "
                "run `sudo make hub`")
    for tool in ("unshare", "nsenter", "setpriv", "ip"):
        if shutil.which(tool) is None:
            return f"`{tool}` is missing (Debian: sudo apt-get install util-linux iproute2)"
    if not (DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy").exists():
        return "JupyterHub's proxy is not installed: npm ci --prefix deploy (make hub runs it)"
    for path in _needed():
        for folder in [*reversed(path.parents[:-1]), path]:
            if str(folder) not in ("/root", "/home") and not os.stat(folder).st_mode & stat.S_IXOTH:
                return (f"the demo users could not reach {path}: {folder} is closed to other users "
                        f"(mode {os.stat(folder).st_mode & 0o777:04o}). Clone the course under /opt or /srv, "
                        f"or open the folder: chmod o+x {folder}")
    probe = subprocess.run(["unshare", "--mount", "--pid", "--net", "--fork", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"this machine does not allow new namespaces (unshare said: {probe.stderr.strip()})"
    return None


class LocalHub:
    """deploy/jupyterhub_config.py in private namespaces, with the state kept in `state`."""

    def __init__(self, state, students=DEMO_STUDENTS, instructors=DEMO_INSTRUCTORS, *, port=8000,
                 private_network=True):
        self.state, self.port, self.private_network = Path(state).resolve(), port, private_network
        self.url = f"http://127.0.0.1:{port}"
        self.students, self.instructors = list(students), list(instructors)
        self.uids = {name: FIRST_UID + i for i, name in enumerate([GRADER, *self.instructors, *self.students])}
        self.process = None
        self.init_pid = None

    # --- files the namespace sees ------------------------------------------------------------------------
    def prepare(self):
        """passwd, group, homes, the grader's course folder, the roster and the exchange, in the state folder."""
        for folder in ("etc", "home", "exchange", "hub"):
            (self.state / folder).mkdir(parents=True, exist_ok=True)
        self.state.chmod(0o755)
        (self.state / "hub").chmod(0o700)            # the hub's database, passwords and roster: root only
        passwd = [line for line in Path("/etc/passwd").read_text().splitlines()
                  if line.split(":")[0] not in self.uids]
        group = [line for line in Path("/etc/group").read_text().splitlines() if line.split(":")[0] not in self.uids]
        for name, uid in self.uids.items():
            passwd.append(f"{name}:x:{uid}:{uid}:nettrain demo:/home/{name}:/bin/bash")
            group.append(f"{name}:x:{uid}:")
            home = self.state / "home" / name
            if not home.exists():
                home.mkdir(mode=0o700)
                os.chown(home, uid, uid)
        (self.state / "etc" / "passwd").write_text("\n".join(passwd) + "\n")
        (self.state / "etc" / "group").write_text("\n".join(group) + "\n")
        course = self.state / "home" / GRADER / "course"
        if not course.exists():
            course.mkdir()
            shutil.copy(REPOSITORY / "nbgrader_config.py", course)
            for folder in ("solutions", "lessons"):
                shutil.copytree(REPOSITORY / folder, course / folder,
                                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
            for path in [course, *course.rglob("*")]:
                os.chown(path, self.uids[GRADER], self.uids[GRADER], follow_symlinks=False)
            course.chmod(0o700)                      # the solutions and the gradebook: graders only
        (self.state / "exchange").chmod(0o1777)      # every user may create in it; only owners rename (sticky)
        for name, mode in EXCHANGE_FOLDERS:          # the course's own folders: the grader's, made first
            folder = self.state / "exchange" / "nettrain" / name
            folder.mkdir(exist_ok=True)
            os.chown(folder, self.uids[GRADER], self.uids[GRADER])
            folder.chmod(mode)
        roster = [f"instructor {name}" for name in self.instructors] + [f"student {name}" for name in self.students]
        (self.state / "hub" / "roster.txt").write_text("\n".join(roster) + "\n")

    def _inside_script(self):
        """The shell script the namespace's first process runs: mounts, then the hub."""
        lines = ["set -eu"]
        if self.private_network:
            lines.append("ip link set lo up")
        # Servers run as other users: Python, the virtual environment and the course must stay visible.
        # /home is replaced by the demo users' homes, and /root is usually closed (0700): a folder
        # under either that holds one of them (/home/you/nettrain, /root/.pyenv) is moved back in.
        # /tmp is replaced too (students must not see this machine's /tmp): the state folder or the
        # checkout may live there (CI, pytest), and are moved back the same way.
        tops = _tops("home") + _tops("root") + _tops("tmp", also=[self.state])
        # They wait in /srv, a tmpfs of the namespace's own (the exchange goes there later).
        lines.append("mount -t tmpfs -o mode=755 tmpfs /srv")
        moved = [(top, f"/srv/.moved/{top.parent.name}-{top.name}") for top in tops]
        for top, stash in moved:
            lines.append(f"mkdir -p {stash} && mount --bind {top} {stash}")
        lines += [f"mount --bind {self.state}/etc/passwd /etc/passwd",
                  f"mount --bind {self.state}/etc/group /etc/group",
                  f"mount --bind {self.state}/home /home"]
        if _tops("root"):
            lines.append("mount -t tmpfs -o mode=755 tmpfs /root")
        lines += [f"mount -t tmpfs -o mode=1777 tmpfs {folder}" for folder in ("/tmp", "/var/tmp", "/dev/shm")]
        for top, stash in moved:
            lines.append(f"mkdir -p {top} && mount --move {stash} {top}")
        # The checkout's instructor files (solutions, tests with correct answers, history) are hidden
        # from every server in here; the hub refuses to start where students could read them.
        for name in ("solutions", "pt_BR/solutions", "pt_BR/translations", "tests", ".git"):
            if (REPOSITORY / name).exists():
                lines.append(f"mount -t tmpfs -o mode=700 tmpfs {REPOSITORY / name}")
        # Students see only their own processes.
        lines += ["mount -o remount,hidepid=invisible /proc"]
        lines += [f"mkdir -p {EXCHANGE} && mount --bind {self.state}/exchange {EXCHANGE}",
                  f"cd {self.state}/hub",
                  # bash stays the namespace's first process: it reaps orphans and ignores stray signals.
                  f"{BIN}/jupyterhub -f {DEPLOY}/jupyterhub_config.py &",
                  "wait $!"]
        return "\n".join(lines) + "\n"

    def passwords(self):
        """{user: first password}, as the hub made them at its first start."""
        return dict(line.split(" ", 1) for line in self.passwords_text().splitlines())

    def passwords_text(self):
        return (self.state / "hub" / "initial-passwords.txt").read_text()

    def settings(self):
        """The environment variables deploy/jupyterhub_config.py reads."""
        hub = self.state / "hub"
        return {"NETTRAIN_HUB_STATE": str(hub), "NETTRAIN_ROSTER": str(hub / "roster.txt"),
                "NETTRAIN_EXCHANGE": EXCHANGE,
                "NETTRAIN_COURSE": f"/home/{GRADER}/course", "NETTRAIN_HUB_URL": self.url}

    # --- start, use, stop ----------------------------------------------------------------------------------
    def start(self, log=None, timeout=120):
        self.prepare()
        script = self.state / "inside.sh"
        script.write_text(self._inside_script())
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("JUPYTER", "JPY_", "NETTRAIN", "NBGRADER"))}
        env.update(self.settings(), HOME="/root", PATH=f"{BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}")
        flags = ["--mount", "--pid", "--fork", "--kill-child", "--mount-proc", "--propagation", "private"]
        if self.private_network:
            flags.append("--net")
        self.process = subprocess.Popen(["unshare", *flags, "bash", str(script)], env=env,
                                        stdout=log, stderr=subprocess.STDOUT if log else None)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub stopped with exit code {self.process.returncode}"
                                   + (f"; see {log.name}" if log else ""))
            if self.init_pid is None:
                children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
                pids = children.read_text().split() if children.exists() else []
                self.init_pid = int(pids[0]) if pids else None
            if self.init_pid and self.answers("/hub/api"):
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the hub did not answer at {self.url}/hub/api within {timeout} s")

    def answers(self, path):
        """The hub answers 200 at `path` (asked from inside its network)."""
        probe = (f"import urllib.request as u\ntry:\n u.urlopen({self.url + path!r}, timeout=5)\n"
                 f"except Exception:\n raise SystemExit(1)")
        return self.run(["python3", "-c", probe], check=False).returncode == 0

    def enter(self):
        """The command prefix that runs a program inside the hub's namespaces, as root."""
        network = ["--net"] if self.private_network else []
        return ["nsenter", "--target", str(self.init_pid), "--mount", "--pid", *network]

    def run(self, argv, user=None, cwd=None, check=True, timeout=600):
        """Run `argv` inside the namespaces, as `user` (their home, the hub's PATH) or as root (both
        with the hub's settings, so that `jupyterhub token <user> -f deploy/jupyterhub_config.py` works)."""
        env = {"PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", **self.settings()}
        prefix = self.enter() + ["--"]
        if user is not None:
            home = f"/home/{user}"
            env.update(HOME=home, USER=user)
            grader = user == GRADER
            env["JUPYTER_CONFIG_PATH"] = (f"{DEPLOY / ('grader' if grader else 'student')}:"
                                          f"{REPOSITORY / 'jupyter' / ('instructor' if grader else 'student')}")
            prefix += ["setpriv", "--reuid", user, "--regid", user, "--init-groups"]
            cwd = cwd or home
        return subprocess.run([*prefix, "env", "-i", "-C", cwd or "/", *[f"{k}={v}" for k, v in env.items()], *argv],
                              capture_output=True, text=True, check=check, timeout=timeout)

    def stop(self):
        """Stop the hub and everything it started (the namespace's first process takes them all along)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGKILL)       # --kill-child: the namespace dies with unshare
        self.process.wait(timeout=30)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--state", default=str(REPOSITORY / ".hub"), help="where homes, exchange and hub files live")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--students", default=",".join(DEMO_STUDENTS))
    parser.add_argument("--instructors", default=",".join(DEMO_INSTRUCTORS))
    args = parser.parse_args(argv)
    why = problem()
    if why:
        raise SystemExit(f"make hub: {why}")
    hub = LocalHub(args.state, args.students.split(","), args.instructors.split(","), port=args.port,
                   private_network=False)
    print(f"Starting the course's JupyterHub at {hub.url} (state in {hub.state}) ...", flush=True)
    hub.start()
    print(f"\nThe hub is up: open {hub.url} in a browser.\n"
          f"  instructors: {', '.join(hub.instructors)} (open {hub.url}/services/nettrain/formgrader)\n"
          f"  students:    {', '.join(hub.students)}\n"
          f"Passwords (user, password), also in {hub.state / 'hub' / 'initial-passwords.txt'}:\n"
          f"{hub.passwords_text()}Ctrl+C stops the hub.", flush=True)
    # Ctrl+C lets JupyterHub stop every server cleanly; a kill (SIGTERM, SIGHUP: a closed terminal) stops
    # the namespace at once. Either way nothing of the hub is left running.
    for stop_signal in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, lambda number, frame: sys.exit(f"make hub: stopped by signal {number}"))
    try:
        hub.process.wait()
    except KeyboardInterrupt:
        print("\nStopping the hub ...", flush=True)
        try:
            hub.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    finally:
        hub.stop()


if __name__ == "__main__":
    main()
