"""Tests of nettrain_lib.plots.descent: each helper returns a labelled Axes, draws what it says, never shows."""
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402

from nettrain_lib import (  # noqa: E402
    PALETTE,
    gradient_descent,
    gradient_descent_path,
    make_linear_regression,
    plot_error_vs_step_size,
    plot_loss_contours,
    plot_loss_curves,
    plot_parameter_path,
    plot_regression_fit,
)
from nettrain_lib.plots import LARGEST_DRAWN_LOSS  # noqa: E402
from tests.support.libtools import assert_labelled, legend_labels  # noqa: E402


@pytest.fixture
def data():
    return make_linear_regression(30, np.random.default_rng(0))


# ---------------------------------------------------------------- plot_loss_curves

def test_loss_curves_one_line_per_curve_on_a_log_scale():
    """One line per entry, labelled with its key, on a log y axis by default."""
    curves = {"lr = 0.01": [4.0, 3.0, 2.5], "lr = 0.1": [4.0, 1.0, 0.5, 0.3]}
    ax = plot_loss_curves(curves)
    assert_labelled(ax)
    assert len(ax.get_lines()) == 2
    assert ax.get_yscale() == "log"
    assert "log scale" in ax.get_ylabel()
    assert legend_labels(ax) == ["lr = 0.01", "lr = 0.1"]
    line = ax.get_lines()[1]
    assert np.array_equal(line.get_xdata(), [0, 1, 2, 3])
    assert np.array_equal(line.get_ydata(), [4.0, 1.0, 0.5, 0.3])


def test_loss_curves_use_the_palette_in_order():
    """Curves take the colour-blind-safe palette's colours in order."""
    ax = plot_loss_curves({"a": [1.0, 0.5], "b": [1.0, 0.7], "c": [1.0, 0.9]})
    colours = [matplotlib.colors.to_hex(line.get_color()) for line in ax.get_lines()]
    assert colours == [c.lower() for c in PALETTE[:3]]


def test_loss_curves_linear_scale_on_request():
    """log_scale=False keeps a linear y axis and does not claim a log scale in the label."""
    ax = plot_loss_curves({"run": [3.0, 2.0, 1.0]}, log_scale=False, xlabel="epoch", ylabel="loss")
    assert ax.get_yscale() == "linear"
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"


def test_loss_curves_leave_out_inf_and_say_so_in_the_legend():
    """Non-finite losses of a diverging run are not drawn, and the legend names the first step left out."""
    ax = plot_loss_curves({"too large": [1.0, 10.0, 100.0, np.inf, np.nan], "good": [1.0, 0.5]})
    diverging = ax.get_lines()[0]
    assert np.array_equal(diverging.get_xdata(), [0, 1, 2])
    assert np.array_equal(diverging.get_ydata(), [1.0, 10.0, 100.0])
    assert legend_labels(ax) == ["too large (overflows at step 3)", "good"]


def test_loss_curves_stop_at_the_largest_drawn_loss():
    """Losses above LARGEST_DRAWN_LOSS (1e100) count as overflowed, and so does everything after the
    first of them, even a finite loss that comes back below the limit."""
    assert LARGEST_DRAWN_LOSS == 1e100
    ax = plot_loss_curves({"run": [1.0, 1e100, 1e101, 5.0, np.nan]})
    line = ax.get_lines()[0]
    assert np.array_equal(line.get_xdata(), [0, 1])             # 1e100 itself is drawn
    assert np.array_equal(line.get_ydata(), [1.0, 1e100])
    assert legend_labels(ax) == ["run (overflows at step 2)"]


def test_loss_curves_leave_out_everything_after_a_nan():
    """A NaN in the middle ends the curve there: later finite losses are not drawn either."""
    ax = plot_loss_curves({"run": [3.0, np.nan, 2.0, 1.0]})
    assert np.array_equal(ax.get_lines()[0].get_xdata(), [0])
    assert legend_labels(ax) == ["run (overflows at step 1)"]


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_loss_curves_of_a_real_diverging_run():
    """A real run with a far too large lr is drawn up to its last loss below LARGEST_DRAWN_LOSS."""
    X, y = make_linear_regression(30, np.random.default_rng(1))
    _, _, losses = gradient_descent(X, y, 5.0, 300)
    losses = np.array(losses)
    n_drawn = int(np.argmin(np.isfinite(losses) & (losses <= LARGEST_DRAWN_LOSS)))
    assert 0 < n_drawn < int(np.argmin(np.isfinite(losses))) < len(losses)   # it passes 1e100, then overflows
    ax = plot_loss_curves({"lr = 5": losses})
    line = ax.get_lines()[0]
    assert np.array_equal(line.get_xdata(), np.arange(n_drawn))
    assert np.array_equal(line.get_ydata(), losses[:n_drawn])
    assert legend_labels(ax) == [f"lr = 5 (overflows at step {n_drawn})"]


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("n_steps", [100, 300])
def test_loss_curves_with_a_real_diverging_run_can_be_drawn(n_steps):
    """The good/too-large figure renders and shows both curves when the diverging run nears overflow
    (its losses above LARGEST_DRAWN_LOSS are left out, so the log axis can be autoscaled)."""
    X, y = make_linear_regression(30, np.random.default_rng(1))
    _, _, good = gradient_descent(X, y, 0.1, n_steps)
    _, _, diverging = gradient_descent(X, y, 5.0, n_steps)
    assert max(loss for loss in diverging if np.isfinite(loss)) > 1e250   # near the float64 maximum
    ax = plot_loss_curves({"good": good, "too large": diverging})
    ax.figure.canvas.draw()                       # what savefig or the notebook's display does
    low, high = ax.get_ylim()
    assert low <= min(good) and high >= 1e10      # the good curve and the start of the blow-up are visible
    assert high <= 1e110                          # the axis is not stretched to the float64 maximum
    assert len(ax.get_lines()) == 2


def test_loss_curves_draw_on_a_given_axes():
    """With ax given, the helper draws on it and returns it, without making a new figure."""
    fig, ax = plt.subplots()
    returned = plot_loss_curves({"run": [2.0, 1.0]}, ax=ax, title="Loss")
    assert returned is ax
    assert plt.get_fignums() == [fig.number]
    assert ax.get_title() == "Loss"


@pytest.mark.parametrize("curves", [{}, [1.0, 0.5], None, "loss"])
def test_loss_curves_need_a_non_empty_dict(curves):
    """Anything other than a non-empty dict is refused with a TypeError naming curves."""
    with pytest.raises(TypeError, match=r"curves must be a non-empty dict \{label: losses\}; received"):
        plot_loss_curves(curves)


def test_loss_curves_each_curve_must_be_1d():
    """A curve that is not a 1-D sequence of numbers is refused, naming its label."""
    with pytest.raises(ValueError, match=re.escape("curves['run'] must be a 1-D array; received an array of shape (1, 2)")):
        plot_loss_curves({"run": [[1.0, 0.5]]})
    with pytest.raises(TypeError, match=re.escape("curves['run'] must be an array of numbers; received str")):
        plot_loss_curves({"run": "1, 0.5"})


# ---------------------------------------------------------------- plot_loss_contours

def test_loss_contours(data):
    """The contour plot of J(w, b): w on x, b on y, `levels` contour levels above the grid's minimum."""
    X, y = data
    ax = plot_loss_contours(X, y, (0.0, 6.0), (-1.0, 5.0), levels=12, resolution=40, title="J(w, b)")
    assert_labelled(ax)
    assert ax.get_xlabel() == "weight w" and ax.get_ylabel() == "bias b"
    assert ax.get_title() == "J(w, b)"
    contour_sets = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contour_sets) == 1
    levels = contour_sets[0].levels
    assert len(levels) == 12
    assert np.all(np.diff(levels) > 0)
    assert ax.get_xlim() == pytest.approx((0.0, 6.0)) and ax.get_ylim() == pytest.approx((-1.0, 5.0))


def test_loss_contours_draw_on_a_given_axes(data):
    """With ax given, the contours go on that Axes."""
    X, y = data
    fig, ax = plt.subplots()
    assert plot_loss_contours(X, y, (0.0, 6.0), (-1.0, 5.0), ax=ax, resolution=20) is ax
    assert plt.get_fignums() == [fig.number]


@pytest.mark.parametrize(
    "w_range, b_range, error, message",
    [
        ((1.0,), (0.0, 1.0), ValueError, "w_range must be a (low, high) pair of numbers; received (1.0,)"),
        ((0.0, 1.0), (0.0, 1.0, 2.0), ValueError, "b_range must be a (low, high) pair of numbers; received (0.0, 1.0, 2.0)"),
        (3.0, (0.0, 1.0), ValueError, "w_range must be a (low, high) pair of numbers; received 3.0"),
        ("ab", (0.0, 1.0), ValueError, "w_range must be a (low, high) pair of numbers; received 'ab'"),
        ((0.0, 1.0), (1.0, 1.0), ValueError, "b_range must be (low, high) with low < high; received (1.0, 1.0)"),
        ((2.0, 1.0), (0.0, 1.0), ValueError, "w_range must be (low, high) with low < high; received (2.0, 1.0)"),
        ((0.0, 1.0), ("a", "b"), TypeError, "b_range must be a real number; received str 'a'"),
    ],
)
def test_loss_contours_bad_ranges(data, w_range, b_range, error, message):
    """w_range and b_range must be (low, high) pairs of numbers with low < high."""
    X, y = data
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        plot_loss_contours(X, y, w_range, b_range, resolution=10)
    assert plt.get_fignums() == []                 # refused before a figure is made


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"levels": 1}, ValueError, "levels must be at least 2; received 1"),
        ({"levels": 0}, ValueError, "levels must be a positive integer; received 0"),
        ({"levels": 12.0}, TypeError, "levels must be a positive integer; received float 12.0"),
        ({"levels": True}, TypeError, "levels must be a positive integer; received bool True"),
        ({"resolution": 1}, ValueError, "resolution must be at least 2; received 1"),
        ({"resolution": -5}, ValueError, "resolution must be a positive integer; received -5"),
        ({"resolution": 2.5}, TypeError, "resolution must be a positive integer; received float 2.5"),
    ],
)
def test_loss_contours_bad_levels_and_resolution(data, kwargs, error, message):
    """levels and resolution must be integers >= 2; they are checked before a figure is made."""
    X, y = data
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        plot_loss_contours(X, y, (0.0, 6.0), (-1.0, 5.0), **kwargs)
    assert plt.get_fignums() == []


def test_loss_contours_need_one_feature():
    """Data with two features has no (w, b) surface to draw."""
    X, y = make_linear_regression(10, np.random.default_rng(0), weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="needs exactly one feature; X has 2 columns"):
        plot_loss_contours(X, y, (0.0, 1.0), (0.0, 1.0), resolution=10)


# ---------------------------------------------------------------- plot_parameter_path

def test_parameter_path(data):
    """The path is one line through every (w, b), plus a start marker and an end marker."""
    X, y = data
    path, _ = gradient_descent_path(X, y, 0.1, 15)
    ax = plot_parameter_path(path, label="lr = 0.1")
    lines = ax.get_lines()
    assert len(lines) == 3
    assert np.array_equal(lines[0].get_xdata(), path[:, 0])
    assert np.array_equal(lines[0].get_ydata(), path[:, 1])
    assert np.array_equal(np.ravel(lines[1].get_xydata()), path[0])    # start: a circle
    assert np.array_equal(np.ravel(lines[2].get_xydata()), path[-1])   # end: a star
    assert lines[1].get_marker() == "o" and lines[2].get_marker() == "*"
    assert legend_labels(ax) == ["lr = 0.1"]


def test_parameter_path_on_contours_leaves_out_non_finite_rows(data):
    """Drawn on the contour plot's Axes, a diverging path keeps only its finite rows."""
    X, y = data
    ax = plot_loss_contours(X, y, (0.0, 6.0), (-1.0, 5.0), resolution=20)
    path = np.array([[0.0, 0.0], [1.0, 0.5], [-3.0, 4.0], [np.inf, -np.inf], [np.nan, np.nan]])
    returned = plot_parameter_path(path, ax=ax)
    assert returned is ax
    assert_labelled(ax)                            # the contour plot's labels are kept
    assert ax.get_legend() is None                 # no label, no legend
    lines = ax.get_lines()
    assert len(lines) == 3
    assert np.array_equal(lines[0].get_xydata(), path[:3])
    assert np.array_equal(np.ravel(lines[2].get_xydata()), [-3.0, 4.0])


def test_a_diverging_path_does_not_rescale_the_contour_plot(data):
    """The contours fix the view: a path that runs far away leaves the plot instead of shrinking the bowl."""
    X, y = data
    ax = plot_loss_contours(X, y, (0.0, 6.0), (-1.0, 5.0), resolution=20)
    plot_parameter_path(np.array([[1.0, 1.0], [20.0, -30.0], [-400.0, 500.0]]), ax=ax)
    ax.figure.canvas.draw()
    assert ax.get_xlim() == pytest.approx((0.0, 6.0)) and ax.get_ylim() == pytest.approx((-1.0, 5.0))


@pytest.mark.parametrize(
    "path, message",
    [
        (np.zeros((4, 3)), "path must have two columns (w, b); received shape (4, 3)"),
        (np.zeros(4), "path must be a 2-D array; received an array of shape (4,)"),
    ],
)
def test_parameter_path_bad_shape(path, message):
    """A path from a model with more than one weight, or a 1-D path, is refused."""
    with pytest.raises(ValueError, match=re.escape(message)):
        plot_parameter_path(path)


# ---------------------------------------------------------------- plot_regression_fit

def test_regression_fit(data):
    """The data as a scatter, and one line y = w x + b per fit across the data's x range."""
    X, y = data
    fits = {"true line": (3.0, 2.0), "learned": (np.array([2.5]), 2.25)}
    ax = plot_regression_fit(X, y, fits)
    assert_labelled(ax)
    assert len(ax.collections) == 1                # the scatter of the data
    assert np.array_equal(ax.collections[0].get_offsets(), np.column_stack([X[:, 0], y]))
    lines = ax.get_lines()
    assert len(lines) == 2
    x_ends = [X.min(), X.max()]
    np.testing.assert_allclose(lines[0].get_xdata(), x_ends)
    np.testing.assert_allclose(lines[0].get_ydata(), [3.0 * x + 2.0 for x in x_ends], rtol=1e-14)
    np.testing.assert_allclose(lines[1].get_ydata(), [2.5 * x + 2.25 for x in x_ends], rtol=1e-14)
    assert legend_labels(ax) == ["data", "true line", "learned"]


@pytest.mark.parametrize(
    "X, y, message",
    [
        (np.zeros((5, 2)), np.zeros(5), "X must have exactly one feature to draw a line; received 2 columns"),
        (np.zeros(5), np.zeros(5), "X must be a 2-D array; received an array of shape (5,)"),
        (np.zeros((5, 1)), np.zeros((5, 1)), "y must be a 1-D array; received an array of shape (5, 1)"),
    ],
)
def test_regression_fit_bad_data(X, y, message):
    """Data that cannot be drawn as one line is refused, saying what was received."""
    with pytest.raises(ValueError, match=re.escape(message)):
        plot_regression_fit(X, y, {"line": (1.0, 0.0)})


@pytest.mark.parametrize(
    "fits, received",
    [((3.0, 2.0), "tuple (3.0, 2.0)"), ([(3.0, 2.0)], "list [(3.0, 2.0)]"), (None, "NoneType None")],
)
def test_regression_fit_fits_must_be_a_dict(data, fits, received):
    """fits that is not a dict {label: (w, b)} gets a TypeError naming fits, before a figure is made."""
    X, y = data
    with pytest.raises(TypeError, match="^" + re.escape(f"fits must be a dict {{label: (w, b)}}; received {received}") + "$"):
        plot_regression_fit(X, y, fits)
    assert plt.get_fignums() == []


@pytest.mark.parametrize(
    "fit",
    [(np.array([1.0, 2.0]), 0.5), (np.array([[1.0]]), 0.5)],
    ids=["two weights", "a (1, 1) weight"],
)
def test_regression_fit_each_fit_must_have_one_weight(data, fit):
    """A (w, b) pair whose w is not a single weight gets a ValueError naming its label, before a figure is made."""
    X, y = data
    with pytest.raises(ValueError, match="^" + re.escape(
            f"fits['learned'] must be a pair (w, b) with one weight; received {fit!r}") + "$"):
        plot_regression_fit(X, y, {"learned": fit})
    assert plt.get_fignums() == []


@pytest.mark.parametrize(
    "fit",
    [3.0, None, (3.0,), (3.0, 2.0, 1.0), [np.array([1.0, 2.0]), 0.5]],
    ids=["a number", "None", "one entry", "three entries", "a list with two weights"],
)
def test_regression_fit_each_fit_must_be_a_pair(data, fit):
    """An entry that is not a (w, b) pair gets a ValueError naming its label, before a figure is made."""
    X, y = data
    with pytest.raises(ValueError, match="^" + re.escape(
            f"fits['learned'] must be a pair (w, b) with one weight; received {fit!r}") + "$"):
        plot_regression_fit(X, y, {"learned": fit})
    assert plt.get_fignums() == []


# ---------------------------------------------------------------- plot_error_vs_step_size

def test_error_vs_step_size():
    """Log-log axes, one line per entry, zero errors (exact results) left out."""
    eps = np.array([1e-1, 1e-2, 1e-3, 1e-4])
    errors = {"forward": [1e-1, 1e-2, 1e-3, 1e-4], "central": [1e-2, 1e-4, 0.0, 1e-8]}
    ax = plot_error_vs_step_size(eps, errors, title="finite differences")
    assert_labelled(ax)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    lines = ax.get_lines()
    assert len(lines) == 2
    assert np.array_equal(lines[0].get_xdata(), eps)
    assert np.array_equal(lines[1].get_xdata(), [1e-1, 1e-2, 1e-4])   # the zero at eps = 1e-3 is left out
    assert np.array_equal(lines[1].get_ydata(), [1e-2, 1e-4, 1e-8])
    assert legend_labels(ax) == ["forward", "central"]


@pytest.mark.parametrize(
    "eps_values, errors, error, message",
    [
        ([1e-1, 1e-2], [1.0, 2.0], TypeError, "errors must be a non-empty dict {label: values}; received list"),
        ([1e-1, 1e-2], {}, TypeError, "errors must be a non-empty dict {label: values}; received dict {}"),
        ([1e-1, 1e-2, 1e-3], {"central": [1.0, 2.0]}, ValueError,
         "errors['central'] must have one value per eps: 3 eps values, 2 errors"),
        ([[1e-1, 1e-2]], {"central": [1.0, 2.0]}, ValueError, "eps_values must be a 1-D array; received an array of shape (1, 2)"),
        ([1e-1, 1e-2], {"central": [1.0, np.nan]}, ValueError, "errors['central'] must contain only finite numbers"),
        ([1e-1, 0.0], {"central": [1.0, 2.0]}, ValueError, "eps_values must all be positive to be drawn on a log scale"),
        ([-1e-1, 1e-2], {"central": [1.0, 2.0]}, ValueError, "eps_values must all be positive to be drawn on a log scale"),
    ],
)
def test_error_vs_step_size_bad_input(eps_values, errors, error, message):
    """errors must be a non-empty dict of sequences, one value per eps."""
    with pytest.raises(error, match=re.escape(message)):
        plot_error_vs_step_size(eps_values, errors)


# ---------------------------------------------------------------- every curve is drawn

@pytest.mark.parametrize("helper", ["plot_regression_fit", "plot_error_vs_step_size", "plot_loss_curves"])
def test_every_entry_is_drawn_even_past_the_palette(data, helper):
    """A dict with more entries than the palette has colours still gets one line per entry."""
    X, y = data
    n = 17
    if helper == "plot_regression_fit":
        ax = plot_regression_fit(X, y, {f"after {k} steps": (0.1 * k, 0.1 * k) for k in range(n)})
    elif helper == "plot_error_vs_step_size":
        ax = plot_error_vs_step_size([1e-1, 1e-2], {f"f{k}": [1e-3, 1e-5] for k in range(n)})
    else:
        ax = plot_loss_curves({f"lr = {k}": [1.0, 0.5] for k in range(n)})
    lines = ax.get_lines()
    assert len(lines) == n
    assert legend_labels(ax)[-n:] == [line.get_label() for line in lines]
    # past the palette the colours repeat with another line style, so no two curves look alike
    styles = [(matplotlib.colors.to_hex(line.get_color()), line.get_linestyle()) for line in lines]
    assert len(set(styles)) == n
    assert [colour for colour, _ in styles] == [PALETTE[k % len(PALETTE)].lower() for k in range(n)]
    assert styles[len(PALETTE)][1] != styles[0][1]
