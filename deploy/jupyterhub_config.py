"""JupyterHub for the nettrain course: one class, several graders (nbgrader's documented pattern).

- Every student logs in and gets their own JupyterLab, run as their own Unix user, in the course's
  student setup: the Assignments tab and Validate, no formgrader (deploy/student + jupyter/student).
- Instructors log in the same way. The hub group formgrade-nettrain lets them open the grader
  service `nettrain`: a JupyterLab with the formgrader, run as the Unix user grader-nettrain in the
  course folder. nettrain-grade runs in that service's terminal.
- The hub group nbgrader-nettrain is the class: nbgrader lists the course's lessons only to its members.
- Lessons go out and submissions come in through the exchange, a folder on this machine.

Set by environment variables (the systemd unit, `make hub` and the end-to-end test set them):
  NETTRAIN_HUB_STATE  the hub's own files: database, cookie secret, passwords (/var/lib/nettrain-hub)
  NETTRAIN_ROSTER     the class, one `student <name>` or `instructor <name>` per line ($STATE/roster.txt)
  NETTRAIN_EXCHANGE   nbgrader's exchange folder (/srv/nbgrader/exchange)
  NETTRAIN_COURSE     the grader's course folder (/home/grader-nettrain/course)
  NETTRAIN_HUB_URL    where the hub listens (http://127.0.0.1:8000; put a TLS proxy in front of it)
  NETTRAIN_IDLE_TIMEOUT  seconds without activity before a user's server is stopped (3600)
The hub checks all of them before it starts and stops with the fix if one is wrong.
"""
import os
import shutil
import sys
from pathlib import Path

from nettrain_grading import hub as checks
from nettrain_grading.exchange import check_exchange_root
from nettrain_grading.hub import GRADER

c = get_config()  # noqa: F821 -- provided by JupyterHub when it loads this file

DEPLOY = Path(__file__).resolve().parent
REPOSITORY = DEPLOY.parent
BIN = Path(sys.executable).parent                   # the virtual environment JupyterHub runs from
STATE = Path(os.environ.get("NETTRAIN_HUB_STATE", "/var/lib/nettrain-hub"))
ROSTER = os.environ.get("NETTRAIN_ROSTER", str(STATE / "roster.txt"))
EXCHANGE = os.environ.get("NETTRAIN_EXCHANGE", "/srv/nbgrader/exchange")
COURSE = os.environ.get("NETTRAIN_COURSE", f"/home/{GRADER}/course")
COURSE_ID = "nettrain"
STUDENTS_GROUP, GRADERS_GROUP = f"nbgrader-{COURSE_ID}", f"formgrade-{COURSE_ID}"
SERVICE_PORT = 9999

# --- Refuse to start with the fix in the message, rather than start half-working -------------------
roster = checks.read_roster(ROSTER)
checks.check_unix_users([*roster.everyone, GRADER])
checks.check_course(COURSE, REPOSITORY)
checks.check_repository(REPOSITORY)
check_exchange_root(EXCHANGE, COURSE_ID)
checks.check_course_exchange(EXCHANGE, COURSE_ID)
STATE.mkdir(parents=True, exist_ok=True)

# --- The hub and its proxy ----------------------------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("NETTRAIN_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = f"sqlite:///{STATE}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
# configurable-http-proxy from npm: `npm ci --prefix deploy` (make hub runs it) or on the PATH.
proxy = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [str(proxy) if proxy.exists() else shutil.which("configurable-http-proxy")
                                   or "configurable-http-proxy"]

# --- Who may log in ----------------------------------------------------------------------------
# FirstUseAuthenticator, with a random first password for every roster user, made here at start and
# listed in $NETTRAIN_HUB_STATE/initial-passwords.txt (root only) for the instructor to hand out.
# Users change it at /hub/auth/change-password. (FirstUse alone lets whoever logs in first with a
# name set its password.) An institution's login (LTI from the LMS, OAuth, LDAP) replaces these
# lines: see the README, "A class on JupyterHub".
c.JupyterHub.authenticator_class = "firstuseauthenticator.FirstUseAuthenticator"
c.FirstUseAuthenticator.dbm_path = str(STATE / "passwords.dbm")
checks.initial_passwords(roster.everyone, STATE / "passwords.dbm", STATE / "initial-passwords.txt")
c.FirstUseAuthenticator.min_password_length = 8
c.Authenticator.allowed_users = set(roster.everyone)
c.Authenticator.admin_users = set(roster.instructors)
# A name that was a hub user once (grader-nettrain is one, for the formgrader) cannot log in unless listed.
c.Authenticator.allow_existing_users = False

# --- Each user's JupyterLab, as their own Unix user ----------------------------------------------------
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
# A whole class logging in at once: 20 servers starting together on 2 cores took up to 34 s, past
# JupyterHub's 30 s default (bench/hub_capacity.py). Wait longer rather than fail the login.
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
# nbgrader runs `alembic` and `jupyter` from PATH: the virtual environment's come first. Terminals
# start bash without -l (deploy/*/jupyter_server_config.json): a login shell would read /etc/profile,
# which sets PATH again without it, and `nettrain-grade` would be "command not found".
environment = {"PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin", "NETTRAIN_EXCHANGE": EXCHANGE}
# One BLAS thread per kernel: on a shared server, a student's matrix product must not take every core
# (lesson 08 alone: 20.4 CPU-s with the default threads, 16.1 with one).
c.Spawner.environment = dict(environment, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
                             JUPYTER_CONFIG_PATH=f"{DEPLOY / 'student'}:{REPOSITORY / 'jupyter' / 'student'}")

# --- The class and its graders, as hub groups and roles ------------------------------------------
c.JupyterHub.load_groups = {
    STUDENTS_GROUP: {"users": roster.students},
    GRADERS_GROUP: {"users": [*roster.instructors, GRADER]},
}
c.JupyterHub.load_roles = [
    # Instructors (and the grader account) may open the grader service.
    {"name": GRADERS_GROUP, "groups": [GRADERS_GROUP],
     "scopes": [f"access:services!service={COURSE_ID}", "list:services", f"read:services!service={COURSE_ID}"]},
    # Every user's server may read its own user's groups: nbgrader's JupyterHubAuthPlugin asks for them.
    {"name": "server", "scopes": ["users:activity!user", "access:servers!server", "read:users:groups!user",
                                  "read:users:name!user", "list:services", "read:services"]},
    # The formgrader asks the hub who is in the class, and adds a student it is told about to the group.
    {"name": f"{COURSE_ID}-grader", "services": [COURSE_ID],
     "scopes": ["list:users", "read:users", "list:groups", "read:groups", "groups", "admin:groups"]},
]

# --- The grader service: the formgrader and nettrain-grade in the course folder ---------------------------
c.JupyterHub.services = [{
    "name": COURSE_ID,
    "url": f"http://127.0.0.1:{SERVICE_PORT}",
    "user": GRADER,
    "cwd": COURSE,
    "command": [str(BIN / "jupyterhub-singleuser"), f"--ServerApp.root_dir={COURSE}"],
    "environment": dict(environment, JUPYTERHUB_DEFAULT_URL="/lab",
                        JUPYTER_CONFIG_PATH=f"{DEPLOY / 'grader'}:{REPOSITORY / 'jupyter' / 'instructor'}"),
    "oauth_no_confirm": True,
}]

# --- Stop servers nobody uses: a forgotten tab must not hold memory all week --------------------------
# Work is saved on disk; the student's next login starts a fresh server.
c.JupyterHub.services.append({
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                f"--timeout={int(os.environ.get('NETTRAIN_IDLE_TIMEOUT', 3600))}"],
})
c.JupyterHub.load_roles.append({"name": "idle-culler", "services": ["idle-culler"],
                                "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]})
