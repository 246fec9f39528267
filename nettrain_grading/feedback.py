"""What students see in their feedback.

nbgrader's ClearHiddenTests removes the hidden tests from the feedback notebook, but the error
output of a failing test cell still holds IPython's traceback, which quotes the source lines around
the failure: hidden test code, reference calls and expected values. ShortTestTracebacks keeps only
the last line of each error in a test cell, "AssertionError: <the message>", which is written for
the student and never reveals a hidden expected value.

A translated edition's feedback page also has nbgrader's own words in its language (use_template).
"""
import re
from pathlib import Path

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

from nettrain_lib.i18n import N_, catalogue


class ShortTestTracebacks(NbGraderPreprocessor):
    """Replace the traceback of every error in an autograded test cell by its one-line message."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources


# nbgrader's feedback page (its template "feedback") has its own English words around the student's
# notebook. For a translated edition, the course folder's nbgrader_config.py calls use_template():
# the same template with those words translated, from the library's catalogue.
TEMPLATE_WORDS = (N_("Test cell"), N_("Coding free-response"), N_("Written response"), N_("Task"), N_("Comment"),
                  N_("Late submission penalty"), N_("Student's answer"), N_("Student's task"), N_("Grade cell:"),
                  N_("Task:"), N_("Comments:"), N_("Score:"), N_("(Top)"))
NO_RESPONSE = N_("No response.")            # what nbgrader writes as the comment of an empty answer


def _nbgrader_templates():
    """The folder of nbgrader's own templates (its feedback template is feedback/ in it)."""
    import nbgrader

    return Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates"


def translated_template(language):
    """The text of nbgrader's feedback template with its words in `language`."""
    translate = catalogue(language).gettext
    text = (_nbgrader_templates() / "feedback" / "index.html.j2").read_text(encoding="utf-8")
    for word in sorted(TEMPLATE_WORDS, key=len, reverse=True):       # "Task:" before "Task"
        pattern = re.compile(rf"(?<=[>(\s]){re.escape(word)}(?=[<\s)])" if word[-1] not in ":)" else
                             rf"(?<=[>(\s]){re.escape(word)}")
        text, count = pattern.subn(lambda _, word=word: translate(word), text)
        if not count:
            raise RuntimeError(f"nbgrader's feedback template no longer has {word!r}: update TEMPLATE_WORDS")
    comment = "cell.metadata.nbgrader.comment | markdown2html"
    if comment not in text:
        raise RuntimeError("nbgrader's feedback template no longer shows the comment as expected")
    return text.replace(comment, f"cell.metadata.nbgrader.comment | replace({NO_RESPONSE!r}, "
                                 f"{translate(NO_RESPONSE)!r}) | markdown2html")


def use_template(config, language, folder):
    """Point nbgrader's feedback at the template translated to `language`, written under `folder`
    (made again at each load, so it follows the installed nbgrader and the catalogue; a file is
    written only when its text changed)."""
    # Named "feedback", like nbgrader's, and found first: nbgrader's API (the formgrader's button,
    # nettrain-grade) always asks for the template "feedback" by name.
    target = Path(folder) / "feedback"
    target.mkdir(parents=True, exist_ok=True)
    files = {"conf.json": (_nbgrader_templates() / "feedback" / "conf.json").read_text(encoding="utf-8"),
             "index.html.j2": translated_template(language)}
    for name, text in files.items():
        if not (target / name).is_file() or (target / name).read_text(encoding="utf-8") != text:
            (target / name).write_text(text, encoding="utf-8")
    config.HTMLExporter.extra_template_basedirs = [str(Path(folder)), str(_nbgrader_templates())]
