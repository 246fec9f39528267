"""The instructor's report of a lesson: who scored what, and which mistakes the class makes.

reports/<lesson>/grades.csv      one row per student: a column per graded function, written answers, total
reports/<lesson>/tests.csv       per test cell: failure rate and the most frequent failure messages
reports/<lesson>/flags.csv       what needs a human look: re-check disagreements, tampering, unreadable files
reports/<lesson>/histogram.png   totals of the class
reports/<lesson>/failures.png    failure rate of every test cell
reports/<lesson>/index.html      all of the above on one page (plots embedded)
"""
import base64
import collections
import csv
import html
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from nettrain_lib import PALETTE  # noqa: E402


def build(course, spec, scores, states, written_max):
    """Write the report of `spec.lesson`; `scores` from the gradebook, `states` {student: saved result}."""
    folder = Path(course) / "reports" / spec.lesson
    folder.mkdir(parents=True, exist_ok=True)
    tests = list(spec.tests)
    students = sorted(set(scores) | set(states))     # a student the grader failed on has no grades yet
    rows = []
    for student in students:
        cells = scores.get(student, {})
        row = {"student": student}
        for grade_id in tests:
            row[grade_id[len("test_"):]] = _number(cells.get(grade_id, (0.0, 0.0, False))[0])
        written = [cells[name] for name in cells if name not in spec.tests]
        if any(needs_human for _, _, needs_human in written):
            row["written (manual)"] = "to grade"
        else:
            row["written (manual)"] = _number(sum(score or 0.0 for score, _, _ in written)) if written else ""
        row["total"] = _number(sum(score or 0.0 for score, _, _ in cells.values()))
        row["max"] = _number(sum(maximum for _, maximum, _ in cells.values()))
        state = states.get(student, {})
        row["status"] = state.get("status", "")
        row["flags"] = len(state.get("flags", []))
        rows.append(row)
    _write_csv(folder / "grades.csv", rows, ["student"] + [t[len("test_"):] for t in tests]
               + ["written (manual)", "total", "max", "status", "flags"])

    failures = []
    for grade_id in tests:
        graded = [s for s in students if states.get(s, {}).get("status") == "graded"]
        messages = [states[s]["messages"].get(grade_id, "") for s in graded]
        failed = [m for m in messages if m]
        common = collections.Counter(_summary(m) for m in failed).most_common(3)
        failures.append({"test": grade_id, "points": _number(spec.tests[grade_id]),
                         "graded": len(graded), "failed": len(failed),
                         "failure rate": f"{len(failed) / len(graded):.0%}" if graded else "",
                         "most frequent failures": " | ".join(f"{n}× {m}" for m, n in common)})
    _write_csv(folder / "tests.csv", failures, list(failures[0]) if failures else ["test"])

    flags = [{"student": s, "status": states[s].get("status", ""), "flag": text}
             for s in students for text in ([states[s]["reason"]] if states.get(s, {}).get("reason") else [])
             + states.get(s, {}).get("flags", [])]
    _write_csv(folder / "flags.csv", flags, ["student", "status", "flag"])

    totals = [float(row["total"]) for row in rows]
    maximum = max((float(row["max"]) for row in rows), default=sum(spec.tests.values()) + written_max)
    histogram = _histogram(totals, maximum, spec.lesson)
    failure_plot = _failure_plot(failures, spec.lesson)
    _save(histogram, folder / "histogram.png")
    _save(failure_plot, folder / "failures.png")
    (folder / "index.html").write_text(_html(spec, rows, failures, flags, folder), encoding="utf-8")
    return folder


def _number(value):
    value = float(value or 0.0)
    return int(value) if value.is_integer() else round(value, 2)


def _summary(message):
    """The start of a failure message, its line breaks read as spaces: the course's checks wrap long
    messages (nettrain_lib.checks.wrapped), so the first line alone may stop before the cause."""
    return " ".join(message.split())[:160]


def _write_csv(path, rows, columns):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _histogram(totals, maximum, lesson):
    fig, ax = plt.subplots(figsize=(6.4, 3.8), layout="constrained")
    bins = [x - 0.5 for x in range(int(maximum) + 2)]
    ax.hist(totals, bins=bins, color=PALETTE[0], edgecolor="white")
    ax.set_xlabel(f"total points (of {_number(maximum)})")
    ax.set_ylabel("students")
    ax.set_title(f"{lesson}: totals of {len(totals)} students")
    ax.set_xlim(-0.5, maximum + 0.5)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return fig


def _failure_plot(failures, lesson):
    fig, ax = plt.subplots(figsize=(6.4, 0.5 * len(failures) + 1.5), layout="constrained")
    names = [row["test"] for row in failures][::-1]
    rates = [row["failed"] / row["graded"] * 100 if row["graded"] else 0.0 for row in failures][::-1]
    bars = ax.barh(names, rates, color=PALETTE[1])
    ax.bar_label(bars, labels=[f"{rate:.0f} %" for rate in rates], padding=3)
    ax.set_xlim(0, 115)
    ax.set_xlabel("students whose submission fails this test (%)")
    ax.set_title(f"{lesson}: failure rate per test cell")
    return fig


def _save(fig, path):
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _table(rows, columns):
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(row.get(c, '')))}</td>" for c in columns) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _embedded(path):
    data = base64.b64encode(Path(path).read_bytes()).decode()
    return f'<img alt="{html.escape(Path(path).stem)}" src="data:image/png;base64,{data}">'


def _html(spec, rows, failures, flags, folder):
    grade_columns = list(rows[0]) if rows else ["student"]
    style = ("body{font-family:sans-serif;max-width:70em;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .5em;"
             "text-align:left}th{background:#f3f3f3}img{max-width:100%}")
    out = io.StringIO()
    out.write(f"<!doctype html><html><head><meta charset='utf-8'><title>{spec.lesson} report</title>"
              f"<style>{style}</style></head><body><h1>{html.escape(spec.lesson)}: grading report</h1>")
    out.write(f"<p>{len(rows)} students. Files next to this page: grades.csv, tests.csv, flags.csv.</p>")
    out.write("<h2>Totals</h2>" + _embedded(folder / "histogram.png"))
    out.write("<h2>Which tests the class fails</h2>" + _embedded(folder / "failures.png"))
    out.write(_table(failures, ["test", "points", "graded", "failed", "failure rate", "most frequent failures"]))
    out.write(f"<h2>Needs a look ({len(flags)})</h2>")
    out.write(_table(flags, ["student", "status", "flag"]) if flags else "<p>Nothing flagged.</p>")
    out.write("<h2>Grades</h2>" + _table(rows, grade_columns))
    out.write("</body></html>")
    return out.getvalue()
