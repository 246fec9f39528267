"""Tests of nettrain_lib.explore: the static panels (what nbval and a rendered notebook show), the live
sliders (each move redraws with the new value), when each is chosen, and bad arguments."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from nettrain_lib import explore as explore_module  # noqa: E402
from nettrain_lib.explore import explore  # noqa: E402

CONTROLS = {"lr": ([0.01, 0.1, 0.3], 0.1), "steps": ([10, 20], 10)}


class Recorder:
    """A draw function that remembers what it was asked to draw, and draws it."""

    def __init__(self):
        self.calls = []

    def __call__(self, ax, **values):
        self.calls.append(values)
        ax.plot([0, 1], [0, values["lr"]])
        ax.set_title(f"lr = {values['lr']}")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_static_draws_one_panel_per_setting_in_order(monkeypatch):
    monkeypatch.setattr(explore_module, "live", lambda: False)
    draw = Recorder()
    static = [{"lr": 0.01, "steps": 10}, {"lr": 0.3, "steps": 20}]
    assert explore(draw, CONTROLS, static=static) is None
    assert draw.calls == static
    fig = plt.gcf()
    assert [ax.get_title() for ax in fig.axes] == ["lr = 0.01", "lr = 0.3"]


def test_live_shows_one_slider_per_control_and_redraws_on_every_move(monkeypatch):
    ipywidgets = pytest.importorskip("ipywidgets")
    monkeypatch.setattr(explore_module, "live", lambda: True)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objects: shown.extend(objects))
    draw = Recorder()
    explore(draw, CONTROLS, static=[{"lr": 0.01, "steps": 10}])
    (box,) = [shown_object for shown_object in shown if isinstance(shown_object, ipywidgets.Widget)]
    assert isinstance(box, ipywidgets.VBox)
    assert [type(shown_object).__name__ for shown_object in shown].count("Figure") == 1   # the first drawing
    sliders = box.sliders
    assert list(sliders) == ["lr", "steps"]
    assert [label for label, _ in sliders["lr"].options] == ["0.01", "0.1", "0.3"]
    assert draw.calls == [{"lr": 0.1, "steps": 10}]                  # drawn once at the start values
    sliders["lr"].value = 0.3
    sliders["steps"].value = 20
    assert draw.calls[1:] == [{"lr": 0.3, "steps": 10}, {"lr": 0.3, "steps": 20}]


def test_live_only_in_a_kernel_and_never_under_test_or_grading(monkeypatch):
    monkeypatch.delenv("NETTRAIN_STATIC", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    for name in explore_module.FRONT_ENDS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JPY_SESSION_NAME", "lessons/01_update_rule/01_update_rule.ipynb")
    assert explore_module.live() is False                            # pytest is not a Jupyter kernel

    class FakeKernelShell:
        kernel = object()

    monkeypatch.setattr("IPython.get_ipython", lambda: FakeKernelShell())
    assert explore_module.live() is True
    monkeypatch.setenv("NETTRAIN_STATIC", "1")
    assert explore_module.live() is False
    monkeypatch.delenv("NETTRAIN_STATIC")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert explore_module.live() is False


def test_a_headless_kernel_draws_the_static_panels(monkeypatch):
    """nbconvert --execute and nbclient start a kernel without a front end that draws widgets: the
    notebook they save must hold the figure, not a widget view. A front end's marker (or NETTRAIN_LIVE)
    turns the sliders on."""
    monkeypatch.delenv("NETTRAIN_STATIC", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    for name in explore_module.FRONT_ENDS:
        monkeypatch.delenv(name, raising=False)

    class FakeKernelShell:
        kernel = object()

    monkeypatch.setattr("IPython.get_ipython", lambda: FakeKernelShell())
    assert explore_module.live() is False
    for name in explore_module.FRONT_ENDS:
        monkeypatch.setenv(name, "1")
        assert explore_module.live() is True, name
        monkeypatch.delenv(name)


@pytest.mark.parametrize("controls, static, error, message", [
    ([0.1, 0.3], [{"lr": 0.1}], TypeError, "controls must be a dict"),
    ({"lr": [0.1, 0.3]}, [{"lr": 0.1}], TypeError, "must be \\(values, start\\)"),
    ({"lr": ([0.1, 0.3], 0.2)}, [{"lr": 0.1}], ValueError, "starts at 0.2, which is not one of its values"),
    ({"lr": ([0.1, 0.3], 0.1)}, [], TypeError, "static must be a non-empty list"),
    ({"lr": ([0.1, 0.3], 0.1)}, [{"learning_rate": 0.1}], ValueError, "a value for each control \\['lr'\\]"),
])
def test_bad_arguments_say_what_was_expected(controls, static, error, message):
    with pytest.raises(error, match=message):
        explore(Recorder(), controls, static=static)


def unfinished(ax, **values):
    """A draw function that calls a student's exercise not written yet."""
    raise NotImplementedError()


@pytest.mark.parametrize("is_live", [False, True], ids=["static", "live"])
def test_an_error_in_draw_fails_the_cell_and_leaves_no_empty_figure(monkeypatch, is_live):
    """The student's unfinished function must fail the cell with its traceback (and its hint), not hide
    inside the widget's output area, and no blank axes may be left for Jupyter to show."""
    pytest.importorskip("ipywidgets")
    monkeypatch.setattr(explore_module, "live", lambda: is_live)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objects: shown.extend(objects))
    with pytest.raises(NotImplementedError):
        explore(unfinished, CONTROLS, static=[{"lr": 0.01, "steps": 10}])
    assert plt.get_fignums() == [] and shown == []


def test_a_notebook_executed_by_nbconvert_saves_the_figure(tmp_path):
    """`jupyter nbconvert --execute` (no browser, a live kernel, ipywidgets installed) stores the static
    panels as a PNG, not a widget view: what the README promises for headless runs."""
    import os
    import subprocess
    import sys

    import nbformat
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from nettrain_lib.explore import explore\n"
        "explore(lambda ax, lr: ax.plot([0, 1], [0, lr]), {'lr': ([0.1, 0.3], 0.1)}, static=[{'lr': 0.1}])")])
    path = tmp_path / "headless.ipynb"
    nbformat.write(notebook, str(path))
    env = {key: value for key, value in os.environ.items()
           if key not in ("NETTRAIN_STATIC", "NBGRADER_EXECUTION", *explore_module.FRONT_ENDS)}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["JUPYTER_DATA_DIR"] = str(tmp_path / "jupyter-data")        # no kernel registered by the user
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                    str(path)], env=env, check=True, capture_output=True, timeout=300)
    outputs = nbformat.read(str(path), as_version=4).cells[0].outputs
    kinds = [kind for output in outputs for kind in output.get("data", {})]
    assert "image/png" in kinds, kinds
    assert "application/vnd.jupyter.widget-view+json" not in kinds, kinds
