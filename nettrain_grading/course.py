"""The course's side: its configuration, its lessons, and each lesson's spec (setup, graded functions, tests).

The spec is derived once, from the gradebook (gradebook.lesson_spec) or, for `validate`, from a
notebook's own cells; `function_of` is the one place that knows a test cell `test_<function>` grades
`<function>`.
"""
from dataclasses import dataclass


@dataclass
class LessonSpec:
    """The course's side of a lesson, read once by the main process."""
    lesson: str
    notebook: str
    setup: str                                     # the course's first code cell
    functions: list                                # graded function names
    tests: dict                                    # test grade_id -> points
    demos: frozenset = frozenset()                 # sources of the course's other code cells
    version: str = ""                              # changes when the tests change: regrade everyone
    language: str = "en"                           # the edition: what the grader's own messages are in


def edition_of(notebook):
    """The language of a lesson notebook: what the translation build wrote in its metadata ("pt_BR"),
    or "en" for the English source and anything unknown."""
    from nettrain_lib.i18n import LANGUAGES

    nettrain = notebook.metadata.get("nettrain")
    language = nettrain.get("language", "en") if isinstance(nettrain, dict) else "en"
    return language if language in LANGUAGES else "en"


def function_of(grade_id, spec):
    name = grade_id[len("test_"):] if grade_id.startswith("test_") else None
    return name if name in spec.functions else None


def load_config(course):
    from traitlets.config.loader import PyFileConfigLoader

    if not (course / "nbgrader_config.py").exists():
        raise SystemExit(f"{course} has no nbgrader_config.py: run nettrain-grade in the course folder "
                         "or pass --course")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    if "course_id" not in config.CourseDirectory:
        config.CourseDirectory.course_id = "nettrain"
    return config


def all_lessons(course, config):
    source = course / config.CourseDirectory.get("source_directory", "source")
    return sorted(path.name for path in source.iterdir() if (path / f"{path.name}.ipynb").is_file())


def graded_names(course, config):
    """The graded function names of every lesson in the source directory, released or not: a graded
    solution cell's grade_id that names a function and has a test cell test_<name>."""
    import nbformat

    source = course / config.CourseDirectory.get("source_directory", "source")
    names = set()
    for lesson in all_lessons(course, config):
        notebook = nbformat.read(str(source / lesson / f"{lesson}.ipynb"), as_version=4)
        ids = {cell.metadata.get("nbgrader", {}).get("grade_id", ""): cell for cell in notebook.cells}
        names.update(name for name, cell in ids.items()
                     if name.isidentifier() and cell.cell_type == "code" and f"test_{name}" in ids
                     and cell.metadata["nbgrader"].get("solution"))
    return sorted(names)


def released_lessons(course, config):
    """Lessons in the gradebook, i.e. those `nbgrader generate_assignment` has run for."""
    from nbgrader.api import Gradebook

    from .gradebook import db_url

    with Gradebook(db_url(course), course_id=config.CourseDirectory.course_id) as book:
        return sorted(assignment.name for assignment in book.assignments)


def resolve_lessons(names, course, config):
    known = all_lessons(course, config)
    if names == ["all"]:
        released = [lesson for lesson in known if lesson in released_lessons(course, config)]
        if not released:
            raise SystemExit("no lesson is in the gradebook yet: run `nbgrader generate_assignment LESSON "
                             "--force` for each lesson you release")
        return released
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"unknown lesson(s) {', '.join(unknown)}; the lessons are: {', '.join(known)}")
    return names
