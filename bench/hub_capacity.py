"""How many students does one machine hold? Memory and CPU of the course's JupyterHub, measured.

    sudo .venv/bin/python -m bench.hub_capacity                       # from the repository root: 5, 10, 20 students
    sudo .venv/bin/python -m bench.hub_capacity --users 10 --lesson 08_optimizers --timeout 600
    sudo .venv/bin/python -m bench.hub_capacity --users 40 --start-batch 10    # logins spread out, 10 at a time

For each class size N it starts deploy/localhub.py (deploy/jupyterhub_config.py, unchanged, in private
namespaces with its own network; state in a temporary folder) with students s01..sNN and one instructor,
and then:
1. starts all N servers at once (or --start-batch at a time) through the hub's REST API (an admin
   token for the instructor) and records the seconds until each one is ready, and the failures (the
   hub gives up on a server that does not answer within Spawner.http_timeout: JupyterHub's default
   is 30 s, which a whole class logging in at the same second on a small machine hits; the course's
   configuration sets 120 s);
2. measures the machine idle with N servers: PSS memory (/proc/<pid>/smaps_rollup, which splits shared
   pages between the processes that share them, so the sums add up) and CPU (/proc/<pid>/stat), per
   Unix user, every 0.5 s for 10 s;
3. makes every student "Run All" the lesson at the same moment: each student runs
   `jupyter nbconvert --execute` on the lesson's solution notebook in their home, as their own Unix
   user, all in parallel. This costs what a student's Run All costs: one kernel running every cell.
   Memory is sampled every 0.5 s during the runs; CPU seconds per run come from the run's rusage
   (kernel + nbconvert: nbconvert's ~2 s stands in for the server's work relaying the outputs; the
   kernels' own CPU, sampled, is shown next to it).
The memory of a student is their server + their kernel; nbconvert's own process is left out
(a browser does not cost the server that). The fixed overhead is the hub, its proxy, the idle culler
and the grader service (the formgrader's JupyterLab). Processes are told apart by their pid namespace
(only the hub's own count: another hub on the machine does not), Unix user and command line.

How to read it: a table per N, then the sizing table for the README, with the rule used to get it.
The load average before each run is printed: another program running at the same time inflates the
times and CPU figures (not the memory). Every loop is bounded in count and in time; --timeout bounds
the whole run; the hub is stopped at the end whatever happens. Nothing is asserted: it prints figures.
"""
import argparse
import json
import math
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from deploy.localhub import LocalHub, problem

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
INSTRUCTOR = "turing"
MAX_USERS = 60
SAMPLE_SECONDS = 0.5
IDLE_SETTLE_SECONDS, IDLE_WINDOW_SECONDS = 10, 10
TICKS = os.sysconf("SC_CLK_TCK")
OS_ALLOWANCE_MB = 1024          # the operating system, sshd, journald, page cache for the venv
HEADROOM = 1.5                  # on the measured peak memory per student
HTTP_TIMEOUT = 30               # JupyterHub's default Spawner.http_timeout: a started server must answer by then
LOGIN_SECONDS = 20              # for the sizing rule: everyone's server answers within 2/3 of HTTP_TIMEOUT
MACHINE_GB = (2, 4, 8, 16, 32, 48, 64, 96, 128, 192, 256)
MACHINE_CORES = (2, 4, 8, 16, 32, 48, 64, 96, 128)


# --- What the processes cost, read from the machine's /proc -------------------------------------------------
def read_pss_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def read_cpu_ticks(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])          # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def machine_cpu_ticks():
    """(busy, total) jiffies of all cores since boot."""
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]                           # idle + iowait
    return sum(values) - idle, sum(values)


def machine_used_mb():
    info = {line.split(":")[0]: int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()}
    return (info["MemTotal"] - info["MemAvailable"]) / 1024


class Sampler:
    """Every SAMPLE_SECONDS, each process of the hub's namespace: (role, student, PSS kB, CPU ticks).

    Roles: server, kernel and runner (nbconvert) for students; grader; hub, proxy and culler (root); other.
    It samples in a process of its own, at a higher priority, and appends each sample to a file (one JSON
    line): a thread of this process next to 40 busy threads waited for the GIL up to a minute per sample.
    Stops when asked, or after max_samples samples.
    """

    def __init__(self, hub, students, max_samples, path):
        self.path, self.process, self._cache = Path(path), None, (-1, [])
        self.stopping = multiprocessing.get_context("fork").Event()
        self.namespace = os.readlink(f"/proc/{hub.init_pid}/ns/pid")
        self.uids = {hub.uids[name]: name for name in students}
        self.grader_uid = hub.uids["grader-nettrain"]
        self.max_samples = max_samples

    def role(self, pid):
        """(role, student or None) of a process of the hub's namespace; None for any other process."""
        try:
            if os.readlink(f"/proc/{pid}/ns/pid") != self.namespace:
                return None
            uid = os.stat(f"/proc/{pid}").st_uid
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return None
        if not command:                      # a zombie or a kernel thread: nothing to count yet
            return None
        if uid in self.uids:
            role = "runner" if "nbconvert" in command else "kernel" if "ipykernel" in command else "server"
            found = (role, self.uids[uid])
        elif uid == self.grader_uid:
            found = ("grader", None)
        elif uid == 0 and "jupyterhub " in command + " " and "singleuser" not in command and " token " not in command:
            found = ("hub", None)
        elif uid == 0 and ("configurable-http-proxy" in command or command.startswith("node ")):
            found = ("proxy", None)
        elif uid == 0 and "jupyterhub_idle_culler" in command:
            found = ("culler", None)
        else:
            found = ("other", None)
        return found

    def sample(self):
        processes = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            pid = int(entry)
            found = self.role(pid)
            if found is None:
                continue
            processes[pid] = (*found, read_pss_kb(pid), read_cpu_ticks(pid))
        busy, total = machine_cpu_ticks()
        return [time.monotonic(), processes, busy, total, machine_used_mb()]

    def run(self):
        """The sampling process: one JSON line per sample."""
        try:
            os.setpriority(os.PRIO_PROCESS, 0, -10)
        except OSError:
            pass
        with open(self.path, "w") as out:
            for _ in range(self.max_samples):
                if self.stopping.is_set():
                    return
                started = time.monotonic()
                out.write(json.dumps(self.sample()) + "\n")
                out.flush()
                self.stopping.wait(max(0.0, SAMPLE_SECONDS - (time.monotonic() - started)))

    def start(self):
        self.process = multiprocessing.get_context("fork").Process(target=self.run, daemon=True)
        self.process.start()

    def stop(self):
        self.stopping.set()
        if self.process is not None:
            self.process.join(timeout=10)
            if self.process.is_alive():
                self.process.kill()

    @property
    def samples(self):
        """Each: [time, {pid: [role, student, pss_kb, ticks]}, machine busy, machine total, machine used MB]."""
        size = self.path.stat().st_size if self.path.exists() else 0
        if size != self._cache[0]:
            loaded = []
            for line in self.path.read_text().splitlines() if size else []:
                try:
                    loaded.append(json.loads(line))
                except ValueError:                  # the line being written
                    break
            self._cache = (size, loaded)
        return self._cache[1]

    def mark(self):
        return len(self.samples)

    # --- figures over a window of samples [start, end) ---
    def memory_mb(self, start, end, roles, per_user=False):
        """Per sample: the PSS of the given roles, in MB (a list), or per user ({user: [MB per sample]})."""
        totals, users = [], {}
        for _, processes, *_ in self.samples[start:end]:
            total, by_user = 0, {}
            for role, user, pss, _ in processes.values():
                if role in roles:
                    total += pss
                    by_user[user] = by_user.get(user, 0) + pss
            totals.append(total / 1024)
            for user, pss in by_user.items():
                users.setdefault(user, []).append(pss / 1024)
        return users if per_user else totals

    def cpu_seconds(self, start, end, roles):
        """CPU seconds used by the given roles between two samples (a process born in between counts from 0)."""
        window = self.samples[start:end]
        if len(window) < 2:
            return 0.0
        baseline, last = window[0][1], {}
        for sample in window[1:]:
            for pid, (role, _, _, ticks) in sample[1].items():
                if role in roles:
                    last[pid] = ticks
        used = sum(ticks - (baseline[pid][3] if pid in baseline else 0) for pid, ticks in last.items())
        return used / TICKS

    def machine_busy(self, start, end):
        """Fraction of all cores busy between two samples (every program on the machine)."""
        window = self.samples[start:end]
        if len(window) < 2:
            return 0.0
        busy = window[-1][2] - window[0][2]
        total = window[-1][3] - window[0][3]
        return busy / total if total else 0.0

    def seconds(self, start, end):
        window = self.samples[start:end]
        return window[-1][0] - window[0][0] if len(window) >= 2 else 0.0


# --- Inside the hub's network: start the servers ---------------------------------------------------------
START_SERVERS = r"""
import json, sys, threading, time, urllib.error, urllib.request as u
url, token, users = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
timeout, batch = float(sys.argv[4]), int(sys.argv[5])
began = time.monotonic()
def call(method, path):
    request = u.Request(url + "/hub/api" + path, method=method, headers={"Authorization": "token " + token})
    try:
        with u.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")[:300]
    except Exception as error:
        return 0, repr(error)[:300]
result = {user: {} for user in users}
def start(user, since):
    status, body = call("POST", f"/users/{user}/server")
    result[user].update(post=status, post_s=round(time.monotonic() - since, 2))
    if status not in (201, 202):
        result[user]["failed"] = f"POST answered {status}: {body}"
for first in range(0, len(users), batch):          # a batch at a time; each waits for the one before
    group, since = users[first:first + batch], time.monotonic()
    threads = [threading.Thread(target=start, args=(user, since)) for user in group]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, timeout - (time.monotonic() - began)))
    waiting = {user for user in group if "failed" not in result[user] and "post" in result[user]}
    for user in set(group) - waiting:
        result[user].setdefault("failed", "POST did not answer in time")
    for _ in range(int(timeout / 0.5) + 1):
        if not waiting or time.monotonic() - began > timeout:
            break
        for user in sorted(waiting):
            status, body = call("GET", f"/users/{user}")
            if status != 200:
                continue
            server = (body.get("servers") or {}).get("")
            if server and server.get("ready"):
                result[user]["ready_s"] = round(time.monotonic() - since, 2)
                waiting.discard(user)
            elif not server and not body.get("pending"):
                result[user]["failed"] = "the spawn failed (see the hub's log)"
                waiting.discard(user)
        time.sleep(0.5)
    for user in waiting:
        result[user]["failed"] = f"not ready after {timeout:.0f} s"
print(json.dumps(result))
"""

# As the student: run the notebook, report the wall time and CPU seconds of the run and its kernel.
RUN_LESSON = r"""
import json, resource, subprocess, sys, time
timeout = float(sys.argv[1])
began = time.monotonic()
try:
    done = subprocess.run(sys.argv[2:], capture_output=True, text=True, timeout=timeout)
    code, error = done.returncode, done.stderr[-600:]
except subprocess.TimeoutExpired:
    code, error = -1, f"stopped after {timeout:.0f} s"
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "wall": time.monotonic() - began, "cpu": usage.ru_utime + usage.ru_stime,
                  "error": error if code else ""}))
"""


def median_max(values, digits=1):
    if not values:
        return "-"
    return f"{statistics.median(values):.{digits}f} / {max(values):.{digits}f}"


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- One class size ---------------------------------------------------------------------------------------
def measure(n, lessons, deadline, log_folder, batch=None):
    """Start a hub with n students, start their servers (`batch` at a time; all at once when None), measure
    idle, run each lesson; a dict of figures."""
    students = [f"s{i:02d}" for i in range(1, n + 1)]
    figures = {"n": n, "load_before": load_average(), "lessons": {}, "notes": [],
               "batch": f"{batch} at a time" if batch and batch < n else "all at once"}
    print(f"\n=== {n} students (load average before: {figures['load_before']}) ===", flush=True)
    state = Path(tempfile.mkdtemp(prefix=f"hub-capacity-{n}-"))
    log_path = log_folder / f"hub-{n}.log"
    hub = LocalHub(state / "root", students, [INSTRUCTOR], private_network=True)
    sampler = None
    try:
        with open(log_path, "w") as log:
            began = time.monotonic()
            hub.start(log=log, timeout=min(120, max(10, deadline - time.monotonic())))
            print(f"hub up in {time.monotonic() - began:.1f} s (its log: {log_path})", flush=True)
            sampler = Sampler(hub, students, int(max(0, deadline - time.monotonic()) / SAMPLE_SECONDS) + 1,
                              log_folder / f"samples-{n}.jsonl")
            sampler.start()

            # 1. every server at once
            token = hub.run(["jupyterhub", "token", INSTRUCTOR, "-f", str(CONFIG)],
                            cwd=hub.settings()["NETTRAIN_HUB_STATE"]).stdout.strip().splitlines()[-1]
            budget = max(10, min(300, deadline - time.monotonic() - 60))
            started_at = sampler.mark()
            answer = hub.run(["python3", "-c", START_SERVERS, hub.url, token, ",".join(students), str(budget),
                              str(batch or n)], timeout=budget + 60)
            starts = json.loads(answer.stdout.strip().splitlines()[-1])
            ready = [user for user in students if "ready_s" in starts[user]]
            failed = {user: starts[user]["failed"] for user in students if "failed" in starts[user]}
            figures.update(ready=len(ready), failed=len(failed), start_s=[starts[u]["ready_s"] for u in ready])
            print(f"servers ready: {len(ready)}/{n}, started {figures['batch']} (seconds to ready, median / max: "
                  f"{median_max(figures['start_s'])})", flush=True)
            for user, why in sorted(failed.items())[:5]:
                print(f"  {user} failed: {why}", flush=True)
            if not ready:
                figures["notes"].append("no server started")
                return figures

            # 2. idle
            time.sleep(min(IDLE_SETTLE_SECONDS, max(0, deadline - time.monotonic())))
            idle_from = sampler.mark()
            time.sleep(min(IDLE_WINDOW_SECONDS, max(0, deadline - time.monotonic())))
            idle_to = sampler.mark()
            servers = statistics.median(sampler.memory_mb(idle_from, idle_to, {"server"}) or [0])
            figures.update(
                idle_mb=servers / len(ready),
                fixed_mb={role: statistics.median(sampler.memory_mb(idle_from, idle_to, {role}) or [0])
                          for role in ("hub", "proxy", "culler", "grader")},
                start_cpu_s=sampler.cpu_seconds(started_at, idle_to, {"server"}) / n,
                idle_cpu_pct=100 * sampler.cpu_seconds(idle_from, idle_to, {"server"})
                / max(sampler.seconds(idle_from, idle_to), 1e-9) / len(ready),
                idle_machine_mb=statistics.median([s[4] for s in sampler.samples[idle_from:idle_to]] or [0]))

            # 3. every student runs the lesson at once
            for lesson in lessons:
                source = ROOT / "solutions" / lesson / f"{lesson}.ipynb"
                remaining = deadline - time.monotonic() - 15
                if remaining < 30:
                    figures["notes"].append(f"{lesson}: not run, the --timeout was used up")
                    print(f"{lesson}: not run, only {remaining:.0f} s of --timeout left", flush=True)
                    continue
                for user in ready:
                    home = hub.state / "home" / user
                    shutil.copy(source, home / f"{lesson}.ipynb")
                    os.chown(home / f"{lesson}.ipynb", hub.uids[user], hub.uids[user])
                run_timeout = remaining - 10
                argv = ["python3", "-c", RUN_LESSON, str(run_timeout), "jupyter", "nbconvert", "--to", "notebook",
                        "--execute", f"--ExecutePreprocessor.timeout={int(run_timeout)}",
                        "--output", f"{lesson}.run.ipynb", f"{lesson}.ipynb"]
                print(f"{lesson}: {len(ready)} students press Run All (load average: {load_average()}) ...",
                      flush=True)
                lesson_from = sampler.mark()

                def run(user, argv=argv, run_timeout=run_timeout):
                    done = hub.run(argv, user=user, check=False, timeout=run_timeout + 30)
                    lines = done.stdout.strip().splitlines()
                    return json.loads(lines[-1]) if lines else {"code": done.returncode, "error": done.stderr[-600:]}

                with ThreadPoolExecutor(max_workers=len(ready)) as pool:
                    runs = list(pool.map(run, ready))
                lesson_to = sampler.mark() + 1
                time.sleep(SAMPLE_SECONDS * 2)          # one more sample after the last run
                good = [r for r in runs if r.get("code") == 0]
                for user, r in zip(ready, runs):
                    if r.get("code") != 0:
                        print(f"  {user}'s run failed: {r.get('error', '')[-300:]}", flush=True)
                totals = sampler.memory_mb(lesson_from, lesson_to, {"server", "kernel"})
                per_user = sampler.memory_mb(lesson_from, lesson_to, {"server", "kernel"}, per_user=True)
                seconds = sampler.seconds(lesson_from, lesson_to)
                times = [sample[0] for sample in sampler.samples[lesson_from:lesson_to]]
                figures["lessons"][lesson] = {
                    "ok": len(good), "runs": len(runs),
                    "wall_s": [r["wall"] for r in good], "cpu_s": [r["cpu"] for r in good],
                    "peak_total_mb": max(totals or [0]),
                    "peak_one_mb": max((max(v) for v in per_user.values()), default=0),
                    "kernel_cpu_s": sampler.cpu_seconds(lesson_from, lesson_to, {"kernel"}) / len(runs),
                    "server_cpu_s": sampler.cpu_seconds(lesson_from, lesson_to, {"server"}) / len(runs),
                    "busy": sampler.machine_busy(lesson_from, lesson_to), "seconds": seconds,
                    "samples": len(times), "gap_s": max((b - a for a, b in zip(times, times[1:])), default=0),
                    "peak_machine_mb": max([s[4] for s in sampler.samples[lesson_from:lesson_to]] or [0]),
                }
                done = figures["lessons"][lesson]
                print(f"{lesson}: {done['ok']}/{done['runs']} runs finished, wall s median / max "
                      f"{median_max(done['wall_s'])}, CPU s per run {median_max(done['cpu_s'])}, peak "
                      f"{done['peak_total_mb']:.0f} MB for all students ({done['samples']} memory samples in "
                      f"{done['seconds']:.0f} s, longest gap {done['gap_s']:.1f} s)", flush=True)
            return figures
    except Exception as error:                          # a figure table is still printed for what was measured
        figures["notes"].append(f"stopped early: {type(error).__name__}: {str(error)[:300]}")
        print(f"stopped early: {error}\n(the hub's log: {log_path})", flush=True)
        return figures
    finally:
        if sampler is not None:
            sampler.stop()
        hub.stop()
        shutil.rmtree(state, ignore_errors=True)


# --- The tables ----------------------------------------------------------------------------------------------
def print_tables(results, lessons, target_seconds):
    print("\n=== Measured, per class size ===")
    print("start s = seconds from the request to a ready server; start CPU s = CPU of the servers from the requests "
          "to the end of the idle window, per server asked for; memory is PSS; idle CPU is % of one core per student; "
          "fixed = hub + proxy + idle culler + grader service; CPU s per run = kernel + nbconvert (rusage); "
          "kernel CPU s = the kernels' alone (sampled); busy = all cores, whole machine, every program")
    header = (f"{'N':>3} {'load before':>15} {'servers ok/failed':>17} {'started':>13} {'start s med/max':>15} "
              f"{'start CPU s':>11} {'idle MB/student':>15} {'idle CPU %':>10} {'fixed MB':>9}")
    print(header)
    for r in results:
        if "idle_mb" not in r:
            print(f"{r['n']:>3} {r['load_before']:>15} {r.get('ready', 0):>8}/{r.get('failed', r['n']):<8} "
                  f"{'; '.join(r['notes'])}")
            continue
        fixed = r["fixed_mb"]
        print(f"{r['n']:>3} {r['load_before']:>15} {r['ready']:>8}/{r['failed']:<8} {r['batch']:>13} "
              f"{median_max(r['start_s']):>15} {r['start_cpu_s']:>11.1f} {r['idle_mb']:>15.0f} "
              f"{r['idle_cpu_pct']:>10.2f} {sum(fixed.values()):>9.0f} "
              f"({' + '.join(f'{role} {mb:.0f}' for role, mb in fixed.items())})")
    print(f"\n{'N':>3} {'lesson':<16} {'runs ok':>8} {'wall s med/max':>15} {'CPU s/run med/max':>17} "
          f"{'kernel CPU s':>12} {'peak MB total':>13} {'peak MB/student':>15} {'peak MB one':>11} {'busy':>5}")
    for r in results:
        for lesson, f in r["lessons"].items():
            print(f"{r['n']:>3} {lesson:<16} {f['ok']:>4}/{f['runs']:<3} {median_max(f['wall_s']):>15} "
                  f"{median_max(f['cpu_s']):>17} {f['kernel_cpu_s']:>12.1f} {f['peak_total_mb']:>13.0f} "
                  f"{f['peak_total_mb'] / f['runs']:>15.0f} {f['peak_one_mb']:>11.0f} {100 * f['busy']:>4.0f}%")
        for note in r["notes"]:
            print(f"    N={r['n']}: {note}")

    measured = [r for r in results if r["lessons"]]
    if not measured:
        print("\nNo lesson was measured: no sizing table.")
        return
    fixed = max(sum(r["fixed_mb"].values()) for r in measured)
    all_at_once = [r for r in measured if r["batch"] == "all at once"] or measured
    per_student = max(f["peak_one_mb"] for r in measured for f in r["lessons"].values())
    heaviest = max((f for r in measured for f in r["lessons"].items()), key=lambda item: statistics.median(
        item[1]["cpu_s"] or [0]))
    cpu_run = statistics.median(heaviest[1]["cpu_s"] or [0])
    start_cpu = min(r["start_cpu_s"] for r in all_at_once)      # failed starts waste CPU: the cleanest run
    largest = max(r["n"] for r in measured)
    print("\n=== For the README: a machine for a class ===")
    print(f"Rule: memory = {OS_ALLOWANCE_MB} MB for the system + {fixed:.0f} MB fixed (hub, proxy, culler, grader "
          f"service) + N x {per_student:.0f} MB (the largest one student's server + kernel reached while "
          f"everyone ran the lesson) x {HEADROOM} headroom, rounded up to a usual size;")
    print(f"      cores = enough that N students pressing Run All on {heaviest[0]} at the same moment "
          f"({cpu_run:.1f} CPU s each) all finish within {target_seconds} s: N x {cpu_run:.1f} / {target_seconds}, "
          f"and that N students logging in at once ({start_cpu:.1f} CPU s per server start) are all ready within "
          f"{LOGIN_SECONDS} s (the hub gives up on a server that does not answer within Spawner.http_timeout, "
          f"{HTTP_TIMEOUT} s by default): N x {start_cpu:.1f} / {LOGIN_SECONDS}; the larger, rounded up to a usual "
          f"size (at least 2).")
    print(f"Measured up to N = {largest} on this machine ({os.cpu_count()} cores); larger classes are extrapolated "
          f"linearly: check with --users before a large class.")
    print("\n| class of N students | memory | cores |\n| ---: | ---: | ---: |")
    for n in sorted({10, 20, 30, 50, 100, 200, *(r["n"] for r in measured)}):
        memory_gb = (OS_ALLOWANCE_MB + fixed + n * per_student * HEADROOM) / 1024
        cores = max(n * cpu_run / target_seconds, n * start_cpu / LOGIN_SECONDS, 2)
        gb = next((size for size in MACHINE_GB if size >= memory_gb), math.ceil(memory_gb))
        cpus = next((size for size in MACHINE_CORES if size >= cores), math.ceil(cores))
        print(f"| {n}{'' if n <= largest else ' (extrapolated)'} | {gb} GB ({memory_gb:.1f} needed) "
              f"| {cpus} ({cores:.1f} needed) |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="5,10,20",
                        help=f"class sizes to measure, comma-separated, each 1..{MAX_USERS}")
    parser.add_argument("--lesson", default="01_update_rule", help="lesson(s) every student runs, comma-separated")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for the whole run (all class sizes)")
    parser.add_argument("--target-seconds", type=int, default=60,
                        help="for the sizing rule: Run All of the heaviest lesson by everyone finishes within this")
    parser.add_argument("--start-batch", type=int, default=None,
                        help="start the servers this many at a time (default: all at once, as a class logging in)")
    parser.add_argument("--logs", default=None, help="folder for the hubs' logs (default: a temporary folder)")
    args = parser.parse_args(argv)
    try:
        sizes = [int(x) for x in args.users.split(",")]
    except ValueError:
        raise SystemExit(f"--users takes class sizes separated by commas, like 5,10,20; "
                         f"received {args.users!r}") from None
    if not sizes or any(not 1 <= n <= MAX_USERS for n in sizes):
        raise SystemExit(f"--users: each class size must be 1..{MAX_USERS}; received {args.users!r}")
    lessons = args.lesson.split(",")
    missing = [x for x in lessons if not (ROOT / "solutions" / x / f"{x}.ipynb").exists()]
    if missing:
        raise SystemExit(f"--lesson: no solutions/<lesson>/<lesson>.ipynb for {missing}; "
                         f"the lessons are {sorted(p.name for p in (ROOT / 'solutions').iterdir() if p.is_dir())}")
    if args.start_batch is not None and args.start_batch < 1:
        raise SystemExit(f"--start-batch must be a positive number of servers; received {args.start_batch}")
    if not 30 <= args.timeout <= 3600:
        raise SystemExit(f"--timeout must be 30..3600 seconds; received {args.timeout}")
    why = problem()
    if why:
        raise SystemExit(f"bench.hub_capacity cannot run here: {why}")
    logs = Path(args.logs or tempfile.mkdtemp(prefix="hub-capacity-logs-"))
    logs.mkdir(parents=True, exist_ok=True)
    memory_gb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    print(f"Machine: {os.cpu_count()} cores, {memory_gb:.1f} GB; "
          f"Python {sys.version.split()[0]}; class sizes {sizes}; lessons {lessons}; --timeout {args.timeout:.0f} s",
          flush=True)
    deadline = time.monotonic() + args.timeout
    results = []
    for n in sizes:
        if deadline - time.monotonic() < 60:
            print(f"\n=== {n} students: not run, the --timeout was used up ===", flush=True)
            break
        results.append(measure(n, lessons, deadline, logs, args.start_batch))
    print_tables(results, lessons, args.target_seconds)


if __name__ == "__main__":
    main()
