"""Tests of what the figures' readers see: contour labels off the descent paths, legends over no
data and with the plotted markers, and one numbering of updates (0 = the start) and epochs (from 1)
on every axis. Positions are checked on the drawn figure, in display coordinates."""
import gc
import weakref

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.patches import FancyBboxPatch, Rectangle  # noqa: E402

from nettrain_lib import (  # noqa: E402
    gradient_descent_path,
    make_linear_regression,
    plot_batch_partition,
    plot_curve_1d,
    plot_feature_strips,
    plot_function_contours,
    plot_loss_contours,
    plot_loss_curves,
    plot_parameter_path,
    plot_preactivation_histogram,
    plot_softmax_example,
    plot_weight_contours,
    weights_descent_path,
)


@pytest.fixture
def lesson01():
    """Lesson 01's data and start: 50 examples of y = 3x + 2, descent from w = 6.5, b = -3."""
    X, y = make_linear_regression(50, np.random.default_rng(0), weights=[3.0], bias=2.0, noise=0.5)
    return X, y, {"w0": np.array([6.5]), "b0": -3.0}


def drawn(ax):
    ax.figure.canvas.draw()
    return ax.figure.canvas.get_renderer()


def line_points(line, step=1.0):
    """The display points of a drawn line, one every `step` pixels along it, its markers included."""
    xy = line.get_transform().transform(line.get_xydata())
    xy = xy[np.all(np.isfinite(xy), axis=1)]
    pieces = [xy]
    for start, end in zip(xy[:-1], xy[1:]):
        n = max(2, int(np.hypot(*(end - start)) / step))
        pieces.append(start + np.linspace(0, 1, n)[:, None] * (end - start))
    return np.vstack(pieces)


def covered(box, points, pad=0.0):
    """How many of the points lie inside the box grown by `pad` pixels."""
    return int(np.sum((points[:, 0] > box.x0 - pad) & (points[:, 0] < box.x1 + pad)
                      & (points[:, 1] > box.y0 - pad) & (points[:, 1] < box.y1 + pad)))


def contour_labels(ax):
    return [text for text in ax.texts if text.get_text()]


# ---------------------------------------------------------------- contour labels and paths

@pytest.mark.parametrize("lr", [0.02, 0.3, 0.45])
def test_contour_labels_stay_off_the_descent_path(lesson01, lr):
    """Lesson 01's figure: every contour label is clear of the path, its start and its end, and
    inside the Axes; there are a few of them (2 to 4), at a readable size."""
    X, y, start = lesson01
    fig, ax = plt.subplots(figsize=(5, 4.8), layout="constrained")
    path, _ = gradient_descent_path(X, y, lr=lr, n_steps=25, **start)
    plot_loss_contours(X, y, (-2, 8), (-4, 8), ax=ax)
    plot_parameter_path(path, ax=ax)
    renderer = drawn(ax)
    labels = contour_labels(ax)
    assert 2 <= len(labels) <= 4
    path_points = np.vstack([line_points(line) for line in ax.get_lines()])    # the path and both markers
    for label in labels:
        box = label.get_window_extent(renderer)
        assert label.get_fontsize() >= 9
        assert covered(box, path_points, pad=2) == 0, f"the label {label.get_text()} covers the path"
        assert ax.bbox.x0 <= box.x0 and box.x1 <= ax.bbox.x1 and ax.bbox.y0 <= box.y0 and box.y1 <= ax.bbox.y1


def test_contour_labels_do_not_overlap_each_other(lesson01):
    """No two labels share any pixel."""
    X, y, _ = lesson01
    ax = plot_loss_contours(X, y, (-2, 8), (-4, 8))
    renderer = drawn(ax)
    boxes = [label.get_window_extent(renderer) for label in contour_labels(ax)]
    assert len(boxes) >= 2
    for i, first in enumerate(boxes):
        for second in boxes[i + 1:]:
            assert not first.overlaps(second)


def test_contour_labels_name_levels_and_sit_on_their_line(lesson01):
    """Each label writes one of the drawn levels, and its centre lies on that level's line."""
    X, y, _ = lesson01
    ax = plot_loss_contours(X, y, (-2, 8), (-4, 8), resolution=100)
    contours = ax.collections[0]
    drawn(ax)
    written = {f"{level:.3g}": index for index, level in enumerate(contours.levels)}
    for label in contour_labels(ax):
        assert label.get_text() in written
        vertices = ax.transData.transform(contours.get_paths()[written[label.get_text()]].vertices)
        line = np.vstack([a + np.linspace(0, 1, 20)[:, None] * (b - a) for a, b in zip(vertices[:-1], vertices[1:])
                          if np.hypot(*(b - a)) < 50])             # the pieces' segments, finely sampled
        centre = ax.transData.transform([label.get_position()])[0]
        assert np.min(np.hypot(*(line - centre).T)) < 1.0          # pixels


def test_contour_labels_move_when_a_path_covers_them(lesson01):
    """A path drawn straight through where a label was: that label moves (or goes), and no label
    is left under the path."""
    X, y, _ = lesson01
    fig, ax = plt.subplots(figsize=(5, 4.8), layout="constrained")
    plot_loss_contours(X, y, (-2, 8), (-4, 8), ax=ax)
    renderer = drawn(ax)
    before = {label.get_text(): label.get_position() for label in contour_labels(ax)}
    first = contour_labels(ax)[0]
    through = np.array([first.get_position()]) + [[-1.5, 0.0], [1.5, 0.0]]   # through the first label
    plot_parameter_path(np.array([through[0], first.get_position(), through[1]]), ax=ax)
    renderer = drawn(ax)
    path_points = np.vstack([line_points(line) for line in ax.get_lines()])
    for label in contour_labels(ax):
        assert covered(label.get_window_extent(renderer), path_points, pad=2) == 0
    after = {label.get_text(): label.get_position() for label in contour_labels(ax)}
    assert after.get(first.get_text()) != before[first.get_text()]


def test_n_labels_sets_how_many_levels_are_labelled(lesson01):
    """n_labels=0: no label; n_labels=2: at most 2; the default: at most 4."""
    X, y, _ = lesson01
    assert contour_labels(plot_loss_contours(X, y, (-2, 8), (-4, 8), n_labels=0)) == []
    assert 1 <= len(contour_labels(plot_loss_contours(X, y, (-2, 8), (-4, 8), n_labels=2))) <= 2
    with pytest.raises(ValueError, match="n_labels must be a non-negative integer; received -1"):
        plot_loss_contours(X, y, (-2, 8), (-4, 8), n_labels=-1)


def test_function_contours_are_labelled_off_the_path():
    """Lesson 08's saddle: plot_function_contours labels a few levels, none under the path."""
    fig, ax = plt.subplots(figsize=(4.2, 4.2), layout="constrained")
    plot_function_contours(lambda a, b: a ** 2 - b ** 2 + b ** 4 / 4, (-2, 2), (-2.2, 2.2), ax=ax)
    path = [np.array([1.5, 0.01])]
    for _ in range(60):
        p = path[-1]
        path.append(p - 0.05 * np.array([2 * p[0], -2 * p[1] + p[1] ** 3]))
    plot_parameter_path(np.array(path), ax=ax)
    renderer = drawn(ax)
    labels = contour_labels(ax)
    assert 2 <= len(labels) <= 4
    path_points = np.vstack([line_points(line) for line in ax.get_lines()])
    assert all(covered(label.get_window_extent(renderer), path_points, pad=2) == 0 for label in labels)


def test_labels_do_not_keep_a_closed_figure_alive(lesson01):
    """The labels' bookkeeping holds only weak references: a closed figure is freed."""
    X, y, _ = lesson01
    ax = plot_loss_contours(X, y, (-2, 8), (-4, 8), resolution=30)
    figure = weakref.ref(ax.figure)
    plt.close("all")
    del ax
    gc.collect()
    assert figure() is None


# ---------------------------------------------------------------- legends

def test_a_legend_never_covers_the_start_in_a_corner(lesson01):
    """A labelled path that starts in the upper right corner (where loc="best" put the legend,
    over the start): the legend covers neither the start, the end nor the path."""
    X, y, _ = lesson01
    ax = plot_loss_contours(X, y, (-2, 8), (-4, 8))
    path, _ = gradient_descent_path(X, y, 0.3, 25, w0=np.array([7.5]), b0=7.0)
    plot_parameter_path(path, ax=ax, label="lr = 0.3")
    renderer = drawn(ax)
    box = ax.get_legend().get_window_extent(renderer)
    path_line, start, end = ax.get_lines()
    for marker in (start, end):
        assert covered(box, line_points(marker), pad=8) == 0      # a marker is about 8 pixels across
    assert covered(box, line_points(path_line)) == 0


@pytest.mark.parametrize("method", ["minmax", "standard", "l2"])
def test_weight_contours_legend_covers_no_marker(method):
    """Lesson 04's panels (cell 38): the legend of the minimum's marker covers neither that marker
    nor the path's start and end."""
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.uniform(0, 1, 200), rng.uniform(0, 100, 200)])
    y = X @ np.array([3.0, 0.03]) + 2.0 + 0.5 * rng.standard_normal(200)
    X = {"minmax": (X - X.min(0)) / (X.max(0) - X.min(0)), "standard": (X - X.mean(0)) / X.std(0),
         "l2": X / np.linalg.norm(X, axis=1, keepdims=True)}[method]
    w_best, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), y, rcond=None)
    lr = 0.9 * 2 / np.linalg.eigvalsh(2 * np.cov(X.T, bias=True) + 2 * np.outer(X.mean(0), X.mean(0)))[-1]
    path, _ = weights_descent_path(X, y, lr, 100, b=w_best[2])
    shown = np.vstack([path, w_best[:2], np.zeros(2)])
    centre, half = (shown.min(0) + shown.max(0)) / 2, (shown.max(0) - shown.min(0)).max() / 2 + 0.5
    fig, ax = plt.subplots(figsize=(4.6, 3.7), layout="constrained")
    plot_weight_contours(X, y, (centre[0] - half, centre[0] + half), (centre[1] - half, centre[1] + half), ax=ax,
                         b=w_best[2], minimum=w_best[:2])
    plot_parameter_path(path, ax=ax, markevery=10)
    renderer = drawn(ax)
    box = ax.get_legend().get_window_extent(renderer)
    markers = [line for line in ax.get_lines() if line.get_marker() in ("P", "o", "*")]
    assert len(markers) == 3
    for marker in markers:
        assert covered(box, line_points(marker), pad=6) == 0


def test_feature_strips_legend_shows_the_plotted_diamonds():
    """Lesson 04 cell 50: the legend's markers are the highlighted diamonds as drawn, in each
    feature's colour (not a grey stand-in), and the legend covers no point."""
    X = np.random.default_rng(0).normal(size=(40, 3))
    mask = np.zeros(X.shape, dtype=bool)
    mask[0, 1] = mask[3, 2] = True
    X[0, 1] = 9.0
    ax = plot_feature_strips(X, ["a", "b", "c"], highlight=mask)
    drawn_diamonds = {(tuple(np.round(c.get_facecolor()[0], 3)), c.get_sizes()[0])
                      for c in ax.collections if len(c.get_offsets()) and c.get_sizes()[0] == 90}
    legend = ax.get_legend()
    in_legend = set()
    stack = list(legend.get_children())
    while stack:
        artist = stack.pop()
        if isinstance(artist, PathCollection):
            in_legend.add((tuple(np.round(artist.get_facecolor()[0], 3)), artist.get_sizes()[0]))
        stack.extend(artist.get_children())
    assert len(drawn_diamonds) == 2 and in_legend == drawn_diamonds
    renderer = drawn(ax)
    box = legend.get_window_extent(renderer)
    for points in ax.collections:
        assert covered(box, points.get_offset_transform().transform(points.get_offsets())) == 0


def test_histogram_legend_covers_no_bar():
    """Lesson 04 cell 41, standardized pixels: one tall narrow peak; the legend avoids every bar."""
    z = np.random.default_rng(0).normal(0.0, 0.9, size=20_000)
    fig, ax = plt.subplots(figsize=(6.5, 4.4), layout="constrained")
    plot_preactivation_histogram(z, ax=ax, z_limit=30)
    renderer = drawn(ax)
    box = ax.get_legend().get_window_extent(renderer)
    bars = [patch for patch in ax.patches if isinstance(patch, Rectangle) and 0 < patch.get_width() < 5]
    assert bars and not any(bar.get_window_extent(renderer).overlaps(box) for bar in bars if bar.get_height() > 0)


def test_curve_1d_legend_covers_no_mark():
    """A single-point mark (the start) is seen: the legend covers no mark and not the curve."""
    theta = np.linspace(-2.3, 2.3, 200)
    loss = theta ** 4 / 4 - theta ** 2 + 0.3 * theta
    ax = plot_curve_1d(theta, loss, marks={"start": [-2.2], "ends": [-1.5, 1.3]})
    renderer = drawn(ax)
    box = ax.get_legend().get_window_extent(renderer)
    for line in ax.get_lines():
        assert covered(box, line_points(line), pad=5) == 0


# ---------------------------------------------------------------- numbering of updates and epochs

def visible_ticks(ax):
    low, high = ax.get_xlim()
    return [tick for tick in ax.get_xticks() if low <= tick <= high]


def test_epochs_are_numbered_from_1_with_integer_ticks():
    """xlabel "epoch": the first value is epoch 1, the ticks are whole numbers from 1, 1 among them."""
    losses = np.linspace(2.0, 0.1, 30)
    ax = plot_loss_curves({"run": losses}, xlabel="epoch", ylabel="loss")
    drawn(ax)
    assert np.array_equal(ax.get_lines()[0].get_xdata(), np.arange(1, 31))
    ticks = visible_ticks(ax)
    assert ticks[0] == 1 and all(float(tick).is_integer() and tick >= 1 for tick in ticks)


@pytest.mark.parametrize("n_epochs", [2, 3, 5, 7, 12, 150])
def test_epoch_ticks_are_never_fractions_nor_0(n_epochs):
    """However few or many epochs, never a tick at 0.5 or 0."""
    ax = plot_loss_curves({"run": np.ones(n_epochs)}, unit="epoch", xlabel="epoch number", log_scale=False)
    drawn(ax)
    ticks = visible_ticks(ax)
    assert ticks and all(float(tick).is_integer() and tick >= 1 for tick in ticks)


def test_epoch_x_values_are_kept():
    """x_values already numbered 1..E (lessons 05-07) are drawn as given, on integer ticks."""
    ax = plot_loss_curves({"training": [1.0, 0.5, 0.4]}, x_values={"training": [1, 2, 3]}, xlabel="epoch")
    drawn(ax)
    assert np.array_equal(ax.get_lines()[0].get_xdata(), [1, 2, 3])
    assert visible_ticks(ax) == [1, 2, 3]


def test_updates_start_at_0_with_integer_ticks_and_first_moves_them():
    """The default x axis is updates: 0 is the start; first=1 draws losses recorded after each update."""
    ax = plot_loss_curves({"run": [4.0, 2.0, 1.0]})
    drawn(ax)
    assert ax.get_xlabel() == "updates done (0 = the start)"
    assert np.array_equal(ax.get_lines()[0].get_xdata(), [0, 1, 2])
    assert all(float(tick).is_integer() for tick in visible_ticks(ax))
    ax = plot_loss_curves({"run": [2.0, 1.0]}, first=1)
    assert np.array_equal(ax.get_lines()[0].get_xdata(), [1, 2])
    with pytest.raises(ValueError, match="first must be a non-negative integer; received -1"):
        plot_loss_curves({"run": [2.0, 1.0]}, first=-1)
    with pytest.raises(ValueError, match=r"unit must be one of \('update', 'epoch'\) or None; received 'epochs'"):
        plot_loss_curves({"run": [2.0, 1.0]}, unit="epochs")


def test_an_other_x_axis_is_left_as_it_was():
    """An x label that names neither updates nor epochs (examples seen) keeps matplotlib's ticks."""
    ax = plot_loss_curves({"run": [4.0, 2.0]}, x_values={"run": [0.5, 1.5]}, xlabel="examples seen")
    assert type(ax.xaxis.get_major_locator()).__name__ == "AutoLocator"


def test_overflow_is_named_by_its_epoch():
    """A run that overflows in its 3rd epoch says "at epoch 3", in the axis's own numbering."""
    ax = plot_loss_curves({"run": [1.0, 5.0, np.inf]}, xlabel="epoch")
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["run (overflows at epoch 3)"]


def test_log_x_is_symlog_and_shows_the_start():
    """log_x: a "symlog" axis (linear below 1) on which x = 0, the start, is drawn and in view; the
    label says so. A "log" axis would drop it."""
    ax = plot_loss_curves({"run": [4.0, 2.0, 1.0, 0.9, 0.8] * 20}, log_x=True)
    drawn(ax)
    assert ax.get_xscale() == "symlog"
    assert "symlog" in ax.get_xlabel()
    low, high = ax.get_xlim()
    assert low <= 0 < high and low > -0.5                  # the start in view, no empty negative half
    line = ax.get_lines()[0]
    assert line.get_xdata()[0] == 0
    x_pixel = ax.transData.transform([[0, 4.0]])[0, 0]
    assert ax.bbox.x0 <= x_pixel <= ax.bbox.x1
    assert 0 in visible_ticks(ax)


def test_steps_per_epoch_marks_and_names_the_epochs():
    """Lesson 03: 3 epochs of 20 updates; dashed lines after updates 20 and 40 (not light grid
    lines), and "epoch 1", "epoch 2", "epoch 3" above the middle of each epoch."""
    ax = plot_loss_curves({"run": np.linspace(3, 1, 60)}, first=1, steps_per_epoch=20)
    drawn(ax)
    boundaries = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert [line.get_xdata()[0] for line in boundaries] == [20, 40]
    assert all(line.get_linewidth() > 1 and matplotlib.colors.to_rgb(line.get_color())[0] < 0.5
               for line in boundaries)
    labels = [(tick.get_loc(), tick.label2.get_text()) for tick in ax.xaxis.get_minor_ticks() if tick.label2.get_visible()]
    assert labels == [(10.0, "epoch 1"), (30.0, "epoch 2"), (50.0, "epoch 3")]


def test_many_epochs_are_numbered_without_overlap():
    """15 epochs on a narrow plot: the epoch numbers above it do not overlap."""
    fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    plot_loss_curves({"run": np.linspace(3, 1, 300)}, ax=ax, first=1, steps_per_epoch=20)
    renderer = drawn(ax)
    boxes = [tick.label2.get_window_extent(renderer) for tick in ax.xaxis.get_minor_ticks()
             if tick.label2.get_visible() and tick.label2.get_text()]
    assert boxes[0] and len(boxes) >= 3
    assert all(not a.overlaps(b) for a, b in zip(boxes[:-1], boxes[1:]))


# ---------------------------------------------------------------- the batch partition

def test_each_epoch_row_is_framed():
    """Lesson 03: one black frame per epoch around that row's N examples, thicker than a line of
    the grid; the data set row has none; epochs are numbered from 1."""
    ax = plot_batch_partition(20, 4, np.random.default_rng(0), epochs=3)
    frames = [patch for patch in ax.patches if isinstance(patch, FancyBboxPatch)]
    assert len(frames) == 3
    rows = {}
    for patch in ax.patches:
        if isinstance(patch, Rectangle):
            rows.setdefault(patch.get_y(), []).append(patch)
    for frame in frames:
        assert matplotlib.colors.to_hex(frame.get_edgecolor()) == "#000000" and frame.get_linewidth() >= 2
        inside = [y for y in rows if frame.get_y() <= y and y + 0.8 <= frame.get_y() + frame.get_height()]
        assert len(inside) == 1 and len(rows[inside[0]]) == 20
    assert [label.get_text() for label in ax.get_yticklabels()] == ["full data set", "epoch 1", "epoch 2", "epoch 3"]


def test_batch_labels_do_not_touch_the_frames():
    """The "batch k" labels sit between the rows, clear of every frame."""
    ax = plot_batch_partition(20, 4, np.random.default_rng(0), epochs=2)
    renderer = drawn(ax)
    frames = [patch.get_window_extent(renderer) for patch in ax.patches if isinstance(patch, FancyBboxPatch)]
    for text in ax.texts:
        if text.get_text().startswith("batch"):
            box = text.get_window_extent(renderer)
            assert not any(box.overlaps(frame) and box.y0 < frame.y1 - 1 for frame in frames)


# ---------------------------------------------------------------- every axis labelled

def test_softmax_example_labels_both_x_axes():
    """Both panels say what is on x (the class) as well as on y."""
    for ax in plot_softmax_example([1.0, 2.0, 0.5]):
        assert ax.get_xlabel() == "class" and ax.get_ylabel()


def test_a_cleared_axes_keeps_no_label_of_its_old_contours(lesson01):
    """ax.clear(), then a new contour plot and a path: only the new plot's labels are drawn."""
    X, y, start = lesson01
    ax = plot_loss_contours(X, y, (-2, 8), (-4, 8), resolution=60)
    ax.clear()
    plot_loss_contours(X, y, (0, 6), (-1, 5), ax=ax, resolution=60, n_labels=2)
    plot_parameter_path(gradient_descent_path(X, y, lr=0.1, n_steps=10, **start)[0], ax=ax)
    drawn(ax)
    assert 1 <= len(contour_labels(ax)) <= 2


@pytest.mark.parametrize("xlabel, unit", [("epoch", "epoch"), ("Epoch (Keras numbering)", "epoch"),
                                          ("updates done (0 = the start)", "update"), ("step t", "update"),
                                          ("epochs completed (20 updates per epoch)", None),
                                          ("examples seen", None), ("", None)])
def test_the_unit_is_read_from_the_first_word_of_the_label(xlabel, unit):
    """Only an axis of single epochs is numbered from 1: "epochs completed" counts from 0 (the start)."""
    ax = plot_loss_curves({"run": [3.0, 2.0, 1.0]}, xlabel=xlabel)
    assert ax.get_lines()[0].get_xdata()[0] == (1 if unit == "epoch" else 0)
    locator = type(ax.xaxis.get_major_locator()).__name__
    assert locator == {"epoch": "EpochLocator", "update": "MaxNLocator", None: "AutoLocator"}[unit]
