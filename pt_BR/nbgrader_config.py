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
load_subconfig(os.path.join(here, "..", "nbgrader_config.py"))  # noqa: F821 -- provided by traitlets
c.CourseDirectory.root = here

# The feedback page's own words (nbgrader's "Score:", "Test cell", ...) in Portuguese too: nbgrader's
# feedback template with them translated, written to pt_BR/.templates/ (not kept in git).
from nettrain_grading.feedback import use_template  # noqa: E402 -- after the configuration it extends

use_template(c, "pt_BR", os.path.join(here, ".templates"))
