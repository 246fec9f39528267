"""nbgrader configuration for the pt-BR edition of nettrain (run nbgrader and nettrain-grade from here).

Everything is the English course's configuration (../nbgrader_config.py); only the course folder
differs: pt_BR/solutions/ holds the Portuguese instructor notebooks, generated from solutions/ and
pt_BR/translations/ by `make lessons`, and `nbgrader generate_assignment <lesson> --force` writes
the student versions to pt_BR/lessons/. The gradebook, submissions and feedback of a Portuguese
class live here too. Never edit pt_BR/solutions/ or pt_BR/lessons/ by hand.
"""
import os

c = get_config()  # noqa: F821 -- provided by nbgrader when it loads this file

here = os.path.dirname(os.path.abspath(__file__))


def english_config():
    """The English course's nbgrader_config.py: in the folder above this one (the repository), or,
    for a copy of this folder elsewhere (a JupyterHub grader's course folder), in the checkout the
    course is installed from. Never silently without it: it holds the feedback's hidden-test filter."""
    import nettrain_grading

    for folder in (os.path.join(here, ".."), os.path.join(os.path.dirname(nettrain_grading.__file__), "..")):
        path = os.path.abspath(os.path.join(folder, "nbgrader_config.py"))
        if os.path.isfile(path) and path != os.path.abspath(__file__):
            return path
    raise SystemExit(f"{__file__} extends the English course's nbgrader_config.py, found neither in {here}/.. "
                     "nor in the nettrain checkout: copy the repository's nbgrader_config.py into the folder "
                     "above this one")


load_subconfig(english_config())  # noqa: F821 -- provided by traitlets
c.CourseDirectory.root = here

# The feedback page's own words (nbgrader's "Score:", "Test cell", ...) in Portuguese too: nbgrader's
# feedback template with them translated, written to pt_BR/.templates/ (not kept in git).
from nettrain_grading.feedback import use_template  # noqa: E402 -- after the configuration it extends

use_template(c, "pt_BR", os.path.join(here, ".templates"))
