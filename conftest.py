"""Per-notebook run times, printed at the end of every test run.

nbval runs each solution notebook as one pytest item per cell; the report adds the cells' times
(setup, call and teardown, so the kernel's start is included) per notebook.
"""
import collections
import os

# Lessons' sliders (nettrain_lib.explore) draw their static panels under test: nbval compares stored
# outputs, which must not depend on a widget. Kernels started by nbval inherit this environment.
os.environ["NETTRAIN_STATIC"] = "1"

_seconds = collections.defaultdict(float)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _seconds[path] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    terminalreporter.section("notebook run times (nbval)")
    for path, seconds in sorted(_seconds.items()):
        terminalreporter.write_line(f"{seconds:6.1f} s  {path}")
    terminalreporter.write_line(f"{sum(_seconds.values()):6.1f} s  all {len(_seconds)} notebooks, one after the other")
