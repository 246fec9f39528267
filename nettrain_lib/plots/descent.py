"""Figures of lessons 01-03: loss curves and surfaces, descent paths, batches, throughput.

The rules every plot helper follows are in `_style.py`.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyBboxPatch

from .. import _validate
from ..i18n import N_, tr
from ..scratch.batching import epoch_order
from ..scratch.linear import loss_grid
from ._layout import LABEL_FONTSIZE, label_contours, place_legend, relabel_contours
from ._style import PALETTE, axis_unit, curve_style, new_axes, number_axis, series_on

# Losses above this are drawn as "overflowed": matplotlib cannot place ticks on a log axis that
# reaches the end of the float range, and a diverging run reaches it within a few hundred steps.
LARGEST_DRAWN_LOSS = 1e100
# Curve names the lessons use as keys: the legend shows them translated (each line keeps its key as
# its gid, for code that looks a curve up).
CURVE_NAMES = (N_("training"), N_("validation"))


def plot_loss_curves(curves, ax=None, *, log_scale=True, xlabel=N_("updates done (0 = the start)"),
                     ylabel=N_("training loss J (MSE)"), title=None, x_values=None, unit=None, first=None,
                     log_x=False, steps_per_epoch=None):
    """Draw one loss curve per entry of `curves`, a dict {label: sequence of losses}.

    The y axis is logarithmic by default, so a converging run (loss shrinking by factors) and a
    diverging one (loss growing by factors) are both readable on one plot. Losses that are
    infinite, NaN or above LARGEST_DRAWN_LOSS, reached by a diverging run, are left out of the
    line and noted in the legend.

    The x axis follows the course's numbering (`unit`, read from `xlabel` when None): "update",
    where x = k is the state after k updates and 0 the start; "epoch", numbered from 1 like
    Keras's "Epoch 1/5". Both get integer ticks. A curve is drawn against first, first + 1, ...
    where `first` defaults to 1 for epochs and 0 otherwise: pass first=1 for losses recorded
    after each update (the start not included). `x_values` optionally maps some labels to their
    own x coordinates (examples seen, seconds...). `log_x` makes the x axis "symlog" (linear
    from 0 to 1, logarithmic above), so that the start x = 0 stays on a log-like axis.
    `steps_per_epoch` draws the epoch boundaries (dashed, at x = e * steps_per_epoch) and
    writes "epoch 1", "epoch 2", ... above the plot.
    """
    if not isinstance(curves, dict) or not curves:
        raise TypeError(tr("curves must be a non-empty dict {{label: losses}}; received {curves}",
                           curves=_validate.describe(curves)))
    checked = {label: _validate.float_array(losses, f"curves[{label!r}]", ndim=1, finite=False)
               for label, losses in curves.items()}
    x_values = dict(x_values or {})
    for label, xs in x_values.items():
        if label not in checked:
            raise ValueError(tr("x_values has an entry {label!r} that is not in curves", label=label))
        x_values[label] = _validate.float_array(xs, f"x_values[{label!r}]", ndim=1)
        if x_values[label].shape != checked[label].shape:
            raise ValueError(
                tr("x_values[{label!r}] must have one value per loss: {len_checked_label} losses, "
                   "{len_x_values_label} x values",
                   label=label, len_checked_label=len(checked[label]), len_x_values_label=len(x_values[label]))
            )
    unit = axis_unit(unit, xlabel)
    xlabel, ylabel = (tr(label) if label else label for label in (xlabel, ylabel))   # "" stays ""
    first = (1 if unit == "epoch" else 0) if first is None else _validate.non_negative_int(first, "first")
    if steps_per_epoch is not None:
        steps_per_epoch = _validate.positive_int(steps_per_epoch, "steps_per_epoch")
    ax = new_axes(ax)
    last_x, smallest_x = first, first
    for index, (key, losses) in enumerate(checked.items()):
        label = tr(key)
        color, linestyle = curve_style(index)
        steps = x_values[key] if key in x_values else first + np.arange(len(losses))
        drawn = np.isfinite(losses) & (np.abs(losses) <= LARGEST_DRAWN_LOSS)
        if not drawn.all():
            first_bad = int(np.argmin(drawn))
            where = (tr("epoch {epoch:g}", epoch=steps[first_bad]) if unit == "epoch"
                     else tr("step {step}", step=first_bad + (0 if key in x_values else first)))
            label = tr("{label} (overflows at {where})", label=label, where=where)
            drawn[first_bad:] = False
        ax.plot(steps[drawn], losses[drawn], color=color, linestyle=linestyle, linewidth=2, label=label, gid=key)
        last_x = max(last_x, float(np.max(steps, initial=first)))
        smallest_x = min(smallest_x, float(np.min(steps, initial=first)))
    if log_scale:
        ax.set_yscale("log")
    if log_x:
        ax.set_xscale("symlog", linthresh=1)           # 0 (the start) stays on the axis, unlike "log"
        if smallest_x >= 0:
            ax.set_xlim(left=0)                        # the margin would add an empty negative half
        if xlabel:
            xlabel = xlabel[:-1] + tr("; symlog scale)") if xlabel.endswith(")") else xlabel + tr(" (symlog scale)")
    else:
        number_axis(ax, unit)
    if steps_per_epoch is not None:
        _mark_epochs(ax, steps_per_epoch, last_x)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel + (tr(" (log scale)") if log_scale and ylabel else ""))   # an empty label stays empty
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return ax


def _mark_epochs(ax, steps_per_epoch, last_update):
    """Dashed lines where epochs end (after e * steps_per_epoch updates) and "epoch 1", "2", ...
    above each epoch's stretch of the x axis (the labels of minor ticks), every k-th epoch when
    the stretches are too narrow for their numbers."""
    n_epochs = max(1, int(np.ceil(last_update / steps_per_epoch)))
    for epoch in range(1, n_epochs):
        ax.axvline(epoch * steps_per_epoch, color="0.25", linestyle="--", linewidth=1.2, zorder=1)
    centres = (np.arange(1, n_epochs + 1) - 0.5) * steps_per_epoch
    ax.get_xlim()                                      # settles the view before measuring it
    inches = ax.transData.transform(np.column_stack([centres, np.ones(n_epochs)]))[:, 0] / ax.figure.dpi
    every = next(k for k in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, n_epochs)
                 if k >= n_epochs or np.min(np.diff(inches[::k])) >= 0.4)
    shown = range(1, n_epochs + 1, every)
    ax.set_xticks([(epoch - 0.5) * steps_per_epoch for epoch in shown],
                  [tr("epoch {epoch:g}", epoch=epoch) if epoch == 1 or n_epochs <= 6 else str(epoch)
                   for epoch in shown], minor=True)
    ax.tick_params(axis="x", which="minor", bottom=False, top=False, labelbottom=False, labeltop=True,
                   labelsize=LABEL_FONTSIZE)
    ax.xaxis.remove_overlapping_locs = False           # a label at update 10 stays, even if 10 is a tick below


def plot_loss_contours(X, y, w_range, b_range, ax=None, *, levels=20, resolution=200, title=None, n_labels=4):
    """Contour plot of the loss J(w, b) of a one-feature linear regression.

    `w_range` and `b_range` are (low, high) pairs. Levels are spaced logarithmically above the
    minimum on the grid, so the rings near the bottom of the bowl are visible as well as the walls.
    About `n_labels` levels carry their value (0: none), each where its line is farthest from the
    minimum and clear of whatever is drawn; plot_parameter_path moves them off the path it draws.
    """
    w_values = np.linspace(*_validate.range_pair(w_range, "w_range"), _validate.at_least(resolution, 2, "resolution"))
    b_values = np.linspace(*_validate.range_pair(b_range, "b_range"), resolution)
    levels = _validate.at_least(levels, 2, "levels")
    n_labels = _validate.non_negative_int(n_labels, "n_labels")
    J = loss_grid(X, y, w_values, b_values)        # (len(b_values), len(w_values))
    ax = new_axes(ax, figsize=(6.4, 5.2))
    low, high = J.min(), J.max()
    spaced = low + np.geomspace(1e-3, 1.0, levels) * (high - low)
    contours = ax.contour(w_values, b_values, J, levels=spaced, cmap="viridis", linewidths=1)
    ax.set_xlabel(tr("weight w"))
    ax.set_ylabel(tr("bias b"))
    # The contours fix the view: a diverging path drawn afterwards leaves the plot instead of
    # shrinking the bowl to a dot.
    ax.set_xlim(w_values[0], w_values[-1])
    ax.set_ylim(b_values[0], b_values[-1])
    ax.autoscale(False)
    row, column = np.unravel_index(np.argmin(J), J.shape)
    label_contours(ax, contours, count=n_labels, minimum=(w_values[column], b_values[row]))
    if title:
        ax.set_title(title)
    return ax


def plot_parameter_path(path, ax=None, *, label=None, color=PALETTE[1], markevery=1):
    """Draw the path of (w, b) during training: `path` is (steps + 1, 2), one row per update.

    A circle marks the start and a star the end, so the direction of travel is clear. On a
    contour plot of this course, the contour labels move off the path; a legend (the path's
    `label`, the minimum's marker) goes where it covers neither the path nor its markers.
    """
    path = _validate.float_array(path, "path", ndim=2, finite=False)
    if path.shape[1] != 2:
        raise ValueError(tr("path must have two columns (w, b); received shape {path_shape}", path_shape=path.shape))
    ax = new_axes(ax)
    path = path[np.all(np.isfinite(path), axis=1)]
    ax.plot(path[:, 0], path[:, 1], "-", color=color, linewidth=1.5, marker=".",
            markersize=5, markevery=markevery, label=label)
    ax.plot(*path[0], "o", color=color, markersize=8, markeredgecolor="black")
    ax.plot(*path[-1], "*", color=color, markersize=14, markeredgecolor="black")
    relabel_contours(ax)
    if label or ax.get_legend() is not None:
        place_legend(ax)
    return ax


def plot_regression_fit(X, y, fits, ax=None, *, xlabel=N_("feature x"), ylabel=N_("target y")):
    """Scatter one-feature data and draw the line y = w x + b for each entry of `fits`,
    a dict {label: (w, b)} where w is a float or a length-1 array."""
    X = _validate.float_array(X, "X", ndim=2)
    y = _validate.float_array(y, "y", ndim=1)
    if X.shape[1] != 1:
        raise ValueError(tr("X must have exactly one feature to draw a line; received {X_shape_1} columns",
                            X_shape_1=X.shape[1]))
    if not isinstance(fits, dict):
        raise TypeError(tr("fits must be a dict {{label: (w, b)}}; received {fits}", fits=_validate.describe(fits)))
    lines = {}
    for label, fit in fits.items():
        if not isinstance(fit, (tuple, list)) or len(fit) != 2 or np.shape(fit[0]) not in ((), (1,)):
            raise ValueError(tr("fits[{label!r}] must be a pair (w, b) with one weight; received {fit!r}",
                                label=label, fit=fit))
        w = _validate.float_array(fit[0], tr("the w of fits[{label!r}]", label=label))
        b = _validate.real_scalar(fit[1], tr("the b of fits[{label!r}]", label=label))
        lines[label] = (float(w.reshape(-1)[0]), b)
    ax = new_axes(ax)
    ax.scatter(X[:, 0], y, s=14, color="0.55", label=tr("data"))
    x_line = np.linspace(X.min(), X.max(), 2)
    for index, (label, (w, b)) in enumerate(lines.items()):
        color, linestyle = curve_style(index)
        ax.plot(x_line, w * x_line + b, color=color, linestyle=linestyle, linewidth=2, label=label)
    ax.set_xlabel(tr(xlabel))
    ax.set_ylabel(tr(ylabel))
    ax.legend()
    return ax


def plot_error_vs_step_size(eps_values, errors, ax=None, *, title=None):
    """Log-log plot of the error of finite-difference derivatives against the step size eps.

    `errors` is a dict {label: errors}, one error per entry of `eps_values`. Zero errors (an
    exact result) cannot be drawn on a log scale and are left out.
    """
    eps_values = _validate.float_array(eps_values, "eps_values", ndim=1)
    if np.any(eps_values <= 0):
        raise ValueError(tr("eps_values must all be positive to be drawn on a log scale"))
    checked = series_on(eps_values, errors, "errors", "eps")
    ax = new_axes(ax)
    for index, (label, values) in enumerate(checked.items()):
        color, linestyle = curve_style(index)
        drawn = values > 0
        ax.loglog(eps_values[drawn], values[drawn], marker="o", color=color, linestyle=linestyle,
                  linewidth=2, label=label)
    ax.set_xlabel(tr("step size eps (log scale)"))
    ax.set_ylabel(tr("|numerical - exact derivative| (log scale)"))
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return ax


def plot_batch_partition(n_samples, batch_size, rng=None, *, epochs=2, ax=None):
    """Draw how the examples are cut into batches: the slides' "Dataset completo -> Batch 1 ... Batch k".

    The top row is the full data set in its stored order; below it, one row per epoch shows the
    order in which that epoch visits the examples (numbered 0..N-1), coloured by batch. With `rng`,
    each epoch is a fresh permutation, so the rows differ; without it every epoch is the same.
    Meant for small N (up to about 40) so that every example can be read. Each epoch's row is
    framed in black, so that where one epoch ends and the next begins stands out from the thin
    gaps between examples; epochs are numbered from 1, as Keras prints them.
    """
    batch_size = _validate.batch_size_for(n_samples, batch_size)
    epochs = _validate.positive_int(epochs, "epochs")
    if rng is not None:
        _validate.generator(rng)
    pitch = 1.4                          # rows 1.4 apart: room for the batch labels between the frames
    ax = new_axes(ax, figsize=(max(6.4, 0.42 * n_samples + 1.5), 1.0 + 0.75 * pitch * (epochs + 1)))
    rows = [(tr("full data set"), np.arange(n_samples), None)]
    rows += [(tr("epoch {epoch:g}", epoch=e + 1), epoch_order(n_samples, rng), batch_size) for e in range(epochs)]
    n_batches = -(-n_samples // batch_size)
    for row, (_label, order, size) in enumerate(rows):
        y = (len(rows) - 1 - row) * pitch
        for position, example in enumerate(order):
            batch = position // size if size else None
            color = "0.85" if batch is None else PALETTE[batch % len(PALETTE)]
            ax.add_patch(plt.Rectangle((position, y + 0.1), 0.92, 0.8, color=color))
            ax.text(position + 0.46, y + 0.5, str(example), ha="center", va="center", fontsize=LABEL_FONTSIZE,
                    color="black" if batch is None or batch % len(PALETTE) in (3, 5, 6) else "white")
        if size:
            # the epoch: one frame around all its batches (a FancyBboxPatch, not a Rectangle: the
            # rectangles are the examples)
            ax.add_patch(FancyBboxPatch((-0.04, y + 0.06), n_samples, 0.88, boxstyle="round,pad=0.02",
                                        fill=False, edgecolor="black", linewidth=2.2, zorder=3))
            for batch in range(n_batches):   # batch labels above each epoch's row
                start = batch * size
                ax.text(start + min(size, n_samples - start) / 2, y + 1.0, tr("batch {batch}", batch=batch + 1),
                        ha="center", va="bottom", fontsize=LABEL_FONTSIZE)
    ax.set_xlim(-0.1, n_samples + 0.06)
    ax.set_ylim(0, (len(rows) - 1) * pitch + 1.0)
    ax.set_yticks([(len(rows) - 1 - r) * pitch + 0.5 for r in range(len(rows))], [label for label, _, _ in rows])
    for tick in ax.get_yticklabels()[1:]:
        tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.set_xticks([])
    ax.set_xlabel(tr("position in the epoch ({n_samples} examples, batch_size = {batch_size}, {n_batches} "
                     "steps per epoch; numbers are example indices)",
                     n_samples=n_samples, batch_size=batch_size, n_batches=n_batches))
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    return ax


def plot_throughput(batch_sizes, examples_per_second, ax=None, *, title=None):
    """Log-log plot of measured throughput (examples per second) against batch size."""
    batch_sizes = _validate.float_array(batch_sizes, "batch_sizes", ndim=1)
    examples_per_second = _validate.float_array(examples_per_second, "examples_per_second", ndim=1)
    if batch_sizes.shape != examples_per_second.shape:
        raise ValueError(
            tr("batch_sizes and examples_per_second must have the same length; received "
               "{len_batch_sizes} and {len_examples_per_second}",
               len_batch_sizes=len(batch_sizes), len_examples_per_second=len(examples_per_second))
        )
    if np.any(batch_sizes <= 0) or np.any(examples_per_second <= 0):
        raise ValueError(tr("batch sizes and throughputs must be positive to be drawn on a log scale"))
    ax = new_axes(ax)
    ax.loglog(batch_sizes, examples_per_second, "o-", color=PALETTE[0], linewidth=2)
    ax.set_xlabel(tr("batch size (log scale)"))
    ax.set_ylabel(tr("gradient throughput, examples / second (log scale)"))
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    return ax


def plot_curve_1d(theta, loss, ax=None, *, marks=None, xlabel=N_("parameter θ"), ylabel=N_("loss J(θ)"), title=None):
    """Draw a loss of one parameter, J(θ) on a grid, with optional labelled points
    `marks` = {label: θ values} (for example where runs started and ended)."""
    theta = _validate.float_array(theta, "theta", ndim=1)
    loss = _validate.float_array(loss, "loss", ndim=1)
    if theta.shape != loss.shape:
        raise ValueError(tr("theta and loss must have the same length; received {len_theta} and {len_loss}",
                            len_theta=len(theta), len_loss=len(loss)))
    if marks is not None and not isinstance(marks, dict):
        raise TypeError(tr("marks must be a dict {{label: theta values}}; received {marks}",
                           marks=_validate.describe(marks)))
    marks = {label: _validate.float_array(points, f"marks[{label!r}]").reshape(-1)
             for label, points in (marks or {}).items()}
    increasing = np.argsort(theta)                 # np.interp needs an increasing grid
    ax = new_axes(ax)
    ax.plot(theta, loss, color="0.3", linewidth=2)
    for index, (label, points) in enumerate(marks.items()):
        color, _ = curve_style(index)
        ax.plot(points, np.interp(points, theta[increasing], loss[increasing]), "o", color=color, markersize=9,
                markeredgecolor="black", label=label, alpha=0.8)
    ax.set_xlabel(tr(xlabel))
    ax.set_ylabel(tr(ylabel))
    if title:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    if marks:
        place_legend(ax)                   # loc="best" would not see a one-point mark such as the start
    return ax


def plot_function_contours(f, x_range, y_range, ax=None, *, levels=25, resolution=200, title=None,
                           xlabel=N_("parameter θ1"), ylabel=N_("parameter θ2"), n_labels=4):
    """Contour plot of a function of two parameters, f(theta1, theta2) evaluated on numpy grids.

    Levels are spaced evenly in value between the grid's minimum and maximum, so a saddle (values
    below and above the start) and a valley are drawn alike. The axes keep the given ranges.
    About `n_labels` levels carry their value (0: none), placed as in plot_loss_contours.
    """
    if not callable(f):
        raise TypeError(tr("f must be a function f(theta1, theta2) of two arrays; received {f}",
                           f=_validate.describe(f)))
    x_values = np.linspace(*_validate.range_pair(x_range, "x_range"), _validate.at_least(resolution, 2, "resolution"))
    y_values = np.linspace(*_validate.range_pair(y_range, "y_range"), resolution)
    levels = _validate.at_least(levels, 2, "levels")
    n_labels = _validate.non_negative_int(n_labels, "n_labels")
    grid_x, grid_y = np.meshgrid(x_values, y_values)
    values = np.asarray(f(grid_x, grid_y), dtype=float)
    if values.shape != grid_x.shape:
        raise ValueError(tr("f must return one value per grid point, shape {grid_x_shape}; it returned "
                            "{values_shape}", grid_x_shape=grid_x.shape, values_shape=values.shape))
    ax = new_axes(ax, figsize=(6.4, 5.2))
    contours = ax.contour(grid_x, grid_y, values, levels=levels, cmap="viridis", linewidths=0.8)
    ax.set_xlim(x_values[0], x_values[-1])
    ax.set_ylim(y_values[0], y_values[-1])
    ax.autoscale(False)
    row, column = np.unravel_index(np.argmin(values), values.shape)
    label_contours(ax, contours, count=n_labels, minimum=(x_values[column], y_values[row]))
    ax.set_xlabel(tr(xlabel))
    ax.set_ylabel(tr(ylabel))
    if title:
        ax.set_title(title)
    return ax
