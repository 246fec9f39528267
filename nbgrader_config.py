"""nbgrader configuration for the nettrain course (read by every nbgrader command run from here).

solutions/<lesson>/ holds the instructor notebooks; `nbgrader generate_assignment <lesson> --force`
writes the student versions to lessons/<lesson>/. Never edit lessons/ by hand.
"""
import os

c = get_config()  # noqa: F821 -- provided by nbgrader when it loads this file

root = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "nettrain"
c.CourseDirectory.root = root
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"
# Only notebooks belong in a lesson folder; leave caches and checkpoints behind.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.egg-info", ".DS_Store"]

# Per cell (not per notebook): generous for a student's slow loop, short enough that an
# infinite loop does not hold up a whole class. c.Execute.timeout wins over ExecutePreprocessor.timeout.
c.Execute.timeout = 60

# A test cell that a student deleted is put back at grading time instead of silently scoring 0.
c.OverwriteCells.add_missing_cells = True

# Warnings (a numpy RuntimeWarning, say) go to stderr, and nbgrader scores a test cell 0 when it
# writes to stderr, even if every assert passes. Drop stderr output that is a warning (numpy
# RuntimeWarning, warnings.warn, logging.warning: any case).
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(?i)warn"

# Feedback goes to students: keep the hidden tests out of it (nbgrader shows them by default),
# and cut each failing test's traceback to its message, since a traceback quotes hidden lines.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nettrain_grading.feedback.ShortTestTracebacks",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
