"""Interactive exploration: a slider that redraws a figure, with a static fallback.

    explore(draw, {"lr": ([0.01, 0.1, 0.3, 0.45], 0.3)}, static=[{"lr": 0.02}, {"lr": 0.3}, {"lr": 0.45}])

`draw(ax, **values)` draws one picture for one setting of the controls. `controls` maps each
control's name to (the values it can take, its starting value); names become the sliders' labels.

- Live (in a Jupyter kernel, with ipywidgets): one slider per control; moving one redraws the figure.
- Static (ipywidgets missing, outside a kernel, no front end that shows widgets, NETTRAIN_STATIC set,
  or a graded run): one panel per setting in `static`, side by side, so that the notebook reads the
  same without widgets, in a rendered notebook, and under nbval, whose stored outputs must not depend
  on a slider. The test suite sets NETTRAIN_STATIC=1.

A kernel alone does not mean someone sees the sliders: `jupyter nbconvert --execute` and nbclient run
one too, and would save a widget view nobody can move instead of the figure. Sliders are shown when a
front end that draws widgets started the kernel: JupyterLab, Notebook 7 and JupyterHub start it
through jupyter_server, which sets JPY_SESSION_NAME; VS Code sets VSCODE_PID. NETTRAIN_LIVE=1 asks for
sliders anywhere else.
"""
import os

import matplotlib.pyplot as plt

from .i18n import tr

PANEL_SIZE = (4.6, 3.7)          # inches per panel
# Environment variables that say a front end drawing widgets started the kernel (see above).
FRONT_ENDS = ("NETTRAIN_LIVE", "JPY_SESSION_NAME", "VSCODE_PID")


def explore(draw, controls, *, static, panel_size=PANEL_SIZE):
    """Show sliders over `controls` that redraw `draw` (live), or the panels of `static` (otherwise).

    Returns nothing, so that a cell ending with it shows the widgets or the figure once."""
    controls = _checked_controls(controls)
    static = _checked_settings(static, controls)
    if live():
        _sliders(draw, controls, panel_size)
    else:
        _figure(draw, static, panel_size)       # shown by Jupyter at the end of the cell, like any figure


def live():
    """Whether sliders can be shown: a Jupyter kernel with ipywidgets, started by a front end that draws
    widgets (or NETTRAIN_LIVE set); not a headless run, a test run or a graded run."""
    if os.environ.get("NETTRAIN_STATIC") or os.environ.get("NBGRADER_EXECUTION"):
        return False
    if not any(os.environ.get(name) for name in FRONT_ENDS):
        return False
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _sliders(draw, controls, panel_size):
    import ipywidgets as widgets
    from IPython.display import display

    sliders = {
        name: widgets.SelectionSlider(options=[(_label(v), v) for v in values], value=start, description=name,
                                      continuous_update=True, style={"description_width": "90px"},
                                      layout=widgets.Layout(width="460px"))
        for name, (values, start) in controls.items()
    }
    output = widgets.Output()

    def figure():
        return _figure(draw, [{name: slider.value for name, slider in sliders.items()}], panel_size)

    def redraw(change=None):
        with output:
            output.clear_output(wait=True)
            fig = figure()
            display(fig)
            plt.close(fig)                    # shown once, inside the output area; not again at the cell's end

    # The first drawing happens here, outside the output area: an error in `draw` (an exercise not
    # written yet, say) fails the cell with its traceback, instead of hiding inside the widget.
    first = figure()
    for slider in sliders.values():
        slider.observe(redraw, names="value")
    box = widgets.VBox([*sliders.values(), output])
    box.sliders, box.redraw = sliders, redraw          # for tests, and for a student who wants to script it
    with output:
        display(first)
    plt.close(first)
    display(box)
    return box


def _figure(draw, settings, panel_size):
    """One panel per setting, side by side; if `draw` fails, no half-drawn figure is left behind."""
    width, height = panel_size
    fig, axes = plt.subplots(1, len(settings), figsize=(width * len(settings), height), layout="constrained",
                             squeeze=False)
    try:
        for ax, values in zip(axes[0], settings):
            draw(ax, **values)
    except BaseException:
        plt.close(fig)
        raise
    return fig


def _label(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def _checked_controls(controls):
    if not isinstance(controls, dict) or not controls:
        raise TypeError(tr("controls must be a dict such as {{'lr': ([0.1, 0.3], 0.3)}}; received {controls!r}",
                           controls=controls))
    checked = {}
    for name, spec in controls.items():
        if not isinstance(spec, tuple) or len(spec) != 2:
            raise TypeError(tr("control {name!r} must be (values, start); received {spec!r}", name=name, spec=spec))
        values, start = list(spec[0]), spec[1]
        if start not in values:
            raise ValueError(tr("control {name!r} starts at {start!r}, which is not one of its values {values}",
                                name=name, start=start, values=values))
        checked[name] = (values, start)
    return checked


def _checked_settings(static, controls):
    if not isinstance(static, (list, tuple)) or not static:
        raise TypeError(tr("static must be a non-empty list of settings such as [{{'lr': 0.3}}]; received "
                           "{static!r}", static=static))
    for setting in static:
        if not isinstance(setting, dict) or set(setting) != set(controls):
            raise ValueError(tr("each static setting must give a value for each control {sorted_controls}; received "
                                "{setting!r}", sorted_controls=sorted(controls), setting=setting))
    return list(static)
