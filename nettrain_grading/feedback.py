"""What students see in their feedback.

nbgrader's ClearHiddenTests removes the hidden tests from the feedback notebook, but the error
output of a failing test cell still holds IPython's traceback, which quotes the source lines around
the failure: hidden test code, reference calls and expected values. ShortTestTracebacks keeps only
the last line of each error in a test cell, "AssertionError: <the message>", which is written for
the student and never reveals a hidden expected value.
"""
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor


class ShortTestTracebacks(NbGraderPreprocessor):
    """Replace the traceback of every error in an autograded test cell by its one-line message."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
