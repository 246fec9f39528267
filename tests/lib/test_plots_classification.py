"""Tests of nettrain_lib.plots.classification: each helper draws what it says, labels it, never shows."""
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.colors import to_hex, to_rgb  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from nettrain_lib import (  # noqa: E402  # noqa: E402
    PALETTE,
    plot_confusion_matrix,
    plot_decision_regions,
    plot_digit_grid,
    plot_functions,
    plot_softmax_example,
    softmax,
)
from tests.support.libtools import assert_labelled, legend_labels  # noqa: E402


def bar_heights(ax):
    return [patch.get_height() for patch in ax.patches]


def tick_labels(ax):
    ax.figure.canvas.draw()                                # category tick labels exist once drawn
    return [text.get_text() for text in ax.get_xticklabels()]


# ---------------------------------------------------------------- plot_softmax_example

def test_softmax_example_returns_two_labelled_axes():
    """A pair of Axes, logits on the left and probabilities on the right, each with a y label and title."""
    axes = plot_softmax_example([2.0, 1.0, 0.1])
    assert len(axes) == 2
    for ax in axes:
        assert isinstance(ax, Axes)
        assert ax.get_ylabel().strip() and ax.get_title().strip()
    assert "logit" in axes[0].get_ylabel() and "probability" in axes[1].get_ylabel()


def test_softmax_example_bar_heights():
    """Left bars are the logits; right bars are softmax(logits), which sum to 1."""
    logits = np.array([2.0, 1.0, 0.1, -1.5])
    ax_logits, ax_probs = plot_softmax_example(logits)
    assert bar_heights(ax_logits) == logits.tolist()
    np.testing.assert_allclose(bar_heights(ax_probs), softmax(logits), rtol=1e-15)
    assert sum(bar_heights(ax_probs)) == pytest.approx(1.0, rel=1e-14)
    # the printed values are the probabilities rounded to 2 decimals: 0.66, 0.24, 0.10, 0.02 ...
    assert [text.get_text() for text in ax_probs.texts] == [f"{p:.2f}" for p in softmax(logits)]


def test_softmax_example_marks_the_argmax():
    """The largest probability's bar has its own colour, and the title names its class."""
    ax_logits, ax_probs = plot_softmax_example([0.5, 3.0, 1.0], class_names=["cat", "dog", "bird"])
    colours = [to_hex(patch.get_facecolor()) for patch in ax_probs.patches]
    assert colours[1] != colours[0] and colours[0] == colours[2]
    assert colours == [PALETTE[0].lower(), PALETTE[1].lower(), PALETTE[0].lower()]
    assert "argmax = dog" in ax_probs.get_title()
    assert tick_labels(ax_probs) == ["cat", "dog", "bird"]
    assert tick_labels(ax_logits) == ["cat", "dog", "bird"]


def test_softmax_example_default_class_names():
    """Without class_names the bars are called class 0, class 1, ...; the title names the argmax class."""
    _, ax_probs = plot_softmax_example([0.1, 0.2, 5.0])
    assert tick_labels(ax_probs) == ["class 0", "class 1", "class 2"]
    assert ax_probs.get_title().endswith("argmax = class 2")


def test_softmax_example_draws_on_given_axes():
    """Given a pair of Axes, it draws on them and returns them."""
    fig, given = plt.subplots(1, 2)
    returned = plot_softmax_example([1.0, 2.0], axes=given)
    assert returned[0] is given[0] and returned[1] is given[1]
    assert len(given[0].patches) == 2 and len(given[1].patches) == 2
    assert plt.get_fignums() == [fig.number]


def test_softmax_example_huge_logits_stay_finite():
    """Logits [1000, 0] give bars of exactly 1 and 0 (the stable softmax)."""
    _, ax_probs = plot_softmax_example([1000.0, 0.0])
    assert bar_heights(ax_probs) == [1.0, 0.0]


@pytest.mark.parametrize(
    "logits, class_names, message",
    [
        ([1.0, 2.0, 3.0], ["a", "b"], "class_names must name each of the 3 classes; received 2 names"),
        ([1.0, 2.0], ["a", "b", "c"], "class_names must name each of the 2 classes; received 3 names"),
        ([[1.0, 2.0]], None, "logits must be a 1-D array; received an array of shape (1, 2)"),
        ([1.0, np.nan], None, "logits must contain only finite numbers"),
    ],
)
def test_softmax_example_bad_input(logits, class_names, message):
    """Too few or too many class names, or logits that are not a finite 1-D array, are refused."""
    with pytest.raises(ValueError, match=re.escape(message)):
        plot_softmax_example(logits, class_names=class_names)


# ---------------------------------------------------------------- plot_functions

def test_functions_one_line_per_curve():
    """One line per entry, on x, labelled with its key; the first solid and thicker, the others dashed."""
    x = np.linspace(-3.0, 3.0, 7)
    curves = {"sigmoid": 1 / (1 + np.exp(-x)), "tanh": np.tanh(x), "relu": np.maximum(x, 0.0)}
    ax = plot_functions(x, curves, xlabel="z", ylabel="activation", title="Activations")
    assert_labelled(ax)
    assert ax.get_xlabel() == "z" and ax.get_ylabel() == "activation" and ax.get_title() == "Activations"
    lines = ax.get_lines()
    assert len(lines) == 3
    for line, values in zip(lines, curves.values()):
        assert np.array_equal(line.get_xdata(), x)
        assert np.array_equal(line.get_ydata(), values)
    assert legend_labels(ax) == ["sigmoid", "tanh", "relu"]
    assert [line.get_linestyle() for line in lines] == ["-", "--", "--"]
    assert lines[0].get_linewidth() > lines[1].get_linewidth()
    assert [to_hex(line.get_color()) for line in lines] == [c.lower() for c in PALETTE[:3]]


def test_functions_draws_on_a_given_axes():
    """Given an Axes, it draws there and returns it."""
    _, given = plt.subplots()
    assert plot_functions([0.0, 1.0], {"f": [1.0, 2.0]}, ax=given) is given
    assert len(given.get_lines()) == 1


@pytest.mark.parametrize(
    "x, curves, error, message",
    [
        ([0.0, 1.0], [[1.0, 2.0]], TypeError, "curves must be a non-empty dict {label: values}; received list"),
        ([0.0, 1.0], {}, TypeError, "curves must be a non-empty dict {label: values}; received dict {}"),
        ([0.0, 1.0, 2.0], {"f": [1.0, 2.0]}, ValueError, "curves['f'] must have one value per x: 3 x values, 2 curves values"),
        ([[0.0, 1.0]], {"f": [1.0, 2.0]}, ValueError, "x must be a 1-D array; received an array of shape (1, 2)"),
        ([0.0, 1.0], {"f": [[1.0, 2.0]]}, ValueError, "curves['f'] must be a 1-D array"),
        ([0.0, 1.0], {"f": [1.0, np.inf]}, ValueError, "curves['f'] must contain only finite numbers"),
    ],
)
def test_functions_bad_input(x, curves, error, message):
    """curves that is not a non-empty dict of 1-D values, one per x, is refused, naming the entry."""
    with pytest.raises(error, match=re.escape(message)):
        plot_functions(x, curves)


# ---------------------------------------------------------------- plot_decision_regions

X_REGIONS = np.array([[-1.0, 0.0], [-2.0, 1.0], [1.0, 0.0], [2.0, 1.0], [0.5, 3.0], [-0.5, 3.5]])
LABELS_REGIONS = np.array([0, 0, 1, 1, 2, 2])


def by_quadrant(points):
    """Class 2 above y = 2, else class 0 left of x = 0 and class 1 right of it."""
    return np.where(points[:, 1] > 2.0, 2, np.where(points[:, 0] < 0.0, 0, 1))


def test_decision_regions_calls_predict_on_a_grid_around_the_data():
    """predict gets one (resolution**2, 2) array of points that covers the data with a margin."""
    calls = []

    def predict(points):
        calls.append(points.copy())
        return by_quadrant(points)

    ax = plot_decision_regions(predict, X_REGIONS, LABELS_REGIONS, resolution=30)
    assert_labelled(ax)
    assert len(calls) == 1
    grid = calls[0]
    assert grid.shape == (900, 2)
    assert np.all(grid.min(axis=0) < X_REGIONS.min(axis=0))
    assert np.all(grid.max(axis=0) > X_REGIONS.max(axis=0))
    assert len(np.unique(grid[:, 0])) == 30 and len(np.unique(grid[:, 1])) == 30


def test_decision_regions_fill_one_level_per_class():
    """The regions are a filled contour with one band per class, centred on the class numbers."""
    ax = plot_decision_regions(by_quadrant, X_REGIONS, LABELS_REGIONS, resolution=30)
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contours) == 1 and contours[0].filled
    np.testing.assert_array_equal(contours[0].levels, [-0.5, 0.5, 1.5, 2.5])


def test_decision_regions_are_coloured_by_the_prediction():
    """A point in each region is tinted with its predicted class's colour (alpha 0.25 over white)."""
    ax = plot_decision_regions(by_quadrant, X_REGIONS, LABELS_REGIONS, resolution=60)
    fig = ax.figure
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())
    height = pixels.shape[0]
    # points far from every example, well inside one region each
    for point, k in [((-2.0, -0.8), 0), ((1.8, -0.8), 1), ((1.8, 3.8), 2)]:
        px, py = ax.transData.transform(point)
        colour = pixels[int(round(height - py)), int(round(px)), :3] / 255.0
        expected = 0.75 * np.ones(3) + 0.25 * np.array(to_rgb(PALETTE[k]))   # alpha 0.25 over white
        np.testing.assert_allclose(colour, expected, atol=3 / 255, err_msg=f"region of class {k} at {point}")


def test_decision_regions_scatter_each_class_with_a_legend_entry():
    """One scatter per class holding exactly that class's examples, and one legend entry per class."""
    ax = plot_decision_regions(by_quadrant, X_REGIONS, LABELS_REGIONS, resolution=20, title="three classes")
    scatters = [c for c in ax.collections if not isinstance(c, ContourSet)]
    assert len(scatters) == 3
    for k, scatter in enumerate(scatters):
        np.testing.assert_array_equal(scatter.get_offsets(), X_REGIONS[LABELS_REGIONS == k])
    assert legend_labels(ax) == ["class 0", "class 1", "class 2"]
    assert ax.get_title() == "three classes"


def test_decision_regions_draw_on_a_given_axes():
    """Given an Axes, it draws there and returns it."""
    _, given = plt.subplots()
    assert plot_decision_regions(by_quadrant, X_REGIONS, LABELS_REGIONS, ax=given, resolution=10) is given


@pytest.mark.parametrize(
    "predict, X, labels, error, message",
    [
        (3, X_REGIONS, LABELS_REGIONS, TypeError, "predict must be a function of an (M, 2) array; received int 3"),
        (None, X_REGIONS, LABELS_REGIONS, TypeError, "predict must be a function of an (M, 2) array; received NoneType None"),
        (by_quadrant, np.zeros((6, 3)), LABELS_REGIONS, ValueError,
         "decision regions are drawn in 2-D: X must have 2 columns; received 3"),
        (by_quadrant, np.zeros((6, 1)), LABELS_REGIONS, ValueError,
         "decision regions are drawn in 2-D: X must have 2 columns; received 1"),
        (by_quadrant, np.zeros(6), LABELS_REGIONS, ValueError, "X must be a 2-D array; received an array of shape (6,)"),
        (by_quadrant, X_REGIONS, LABELS_REGIONS[:5], ValueError, "labels must have one entry per row of X (6); received shape (5,)"),
    ],
)
def test_decision_regions_bad_input(predict, X, labels, error, message):
    """A predict that is not callable, X that is not (N, 2), or mismatched labels are refused, before a figure is made."""
    with pytest.raises(error, match=re.escape(message)):
        plot_decision_regions(predict, X, labels)
    assert plt.get_fignums() == []


# ---------------------------------------------------------------- plot_confusion_matrix

# true      [0, 0, 1, 2, 2, 2]
# predicted [0, 1, 1, 2, 0, 2]
# pairs (true, predicted): (0,0) (0,1) (1,1) (2,2) (2,0) (2,2)
# counts: row 0 = [1, 1, 0]; row 1 = [0, 1, 0]; row 2 = [1, 0, 2]
CM_LABELS = [0, 0, 1, 2, 2, 2]
CM_PREDICTED = [0, 1, 1, 2, 0, 2]
CM_COUNTS = [[1, 1, 0], [0, 1, 0], [1, 0, 2]]


def test_confusion_matrix_image_holds_the_counts():
    """The image is the matrix of counts, rows the true label and columns the prediction."""
    ax = plot_confusion_matrix(CM_LABELS, CM_PREDICTED, 3, title="small example")
    assert_labelled(ax)
    assert ax.get_xlabel() == "predicted label" and ax.get_ylabel() == "true label"
    assert ax.get_title() == "small example"
    assert len(ax.images) == 1
    np.testing.assert_array_equal(ax.images[0].get_array(), CM_COUNTS)


def test_confusion_matrix_writes_each_non_zero_count():
    """Each non-zero cell carries its count as text at (column = predicted, row = true)."""
    ax = plot_confusion_matrix(CM_LABELS, CM_PREDICTED, 3)
    written = sorted((text.get_position(), text.get_text()) for text in ax.texts)
    assert written == [((0, 0), "1"), ((0, 2), "1"), ((1, 0), "1"), ((1, 1), "1"), ((2, 2), "2")]


def test_confusion_matrix_has_a_cell_for_every_class():
    """Classes that never occur still get a row and a column of zeros."""
    ax = plot_confusion_matrix([0, 1], [1, 1], 4)
    # pairs (0,1) and (1,1)
    np.testing.assert_array_equal(ax.images[0].get_array(),
                                  [[0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    assert list(ax.get_xticks()) == [0, 1, 2, 3] and list(ax.get_yticks()) == [0, 1, 2, 3]


def test_confusion_matrix_total_is_the_number_of_examples_and_the_diagonal_the_right_ones():
    """The counts add up to N and the diagonal to the number of correct predictions."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, size=200)
    predicted = np.where(rng.random(200) < 0.8, labels, rng.integers(0, 10, size=200))
    counts = np.asarray(plot_confusion_matrix(labels, predicted, 10).images[0].get_array())
    assert counts.sum() == 200
    assert np.trace(counts) == np.sum(labels == predicted)


@pytest.mark.parametrize(
    "labels, predicted, num_classes, error, message",
    [
        ([0, 1, 2], [0, 1], 3, ValueError, "labels and predicted must have the same length; received 3 and 2"),
        ([[0, 1]], [[0, 1]], 3, ValueError, "labels must be a 1-D array of integer class labels; received an array of shape (1, 2) and dtype int64"),
        ([0, 1], [0, 1], 0, ValueError, "num_classes must be a positive integer; received 0"),
        ([0, 1], [0, 1], 2.0, TypeError, "num_classes must be a positive integer; received float 2.0"),
    ],
)
def test_confusion_matrix_bad_input(labels, predicted, num_classes, error, message):
    """Mismatched or 2-D label arrays and a bad num_classes are refused, before a figure is made."""
    with pytest.raises(error, match=re.escape(message)):
        plot_confusion_matrix(labels, predicted, num_classes)
    assert plt.get_fignums() == []


@pytest.mark.parametrize(
    "labels, predicted",
    [
        ([0, -1, 2], [0, 1, 2]),          # counted silently as true label 2
        ([0, 1, 2], [0, 1, -1]),          # counted silently as prediction 2
        ([0, 1.7, 2], [0, 1, 2]),         # truncated silently to 1
        ([0, 3, 2], [0, 1, 2]),           # IndexError, not a ValueError naming labels
        ([0, 1, 2], [0, 1, 3]),           # IndexError, not a ValueError naming predicted
    ],
    ids=["negative label", "negative prediction", "fractional label", "label too large", "prediction too large"],
)
def test_confusion_matrix_refuses_labels_that_are_not_classes(labels, predicted):
    """Labels or predictions outside 0..num_classes-1, or not integers, are refused with a ValueError naming them."""
    with pytest.raises(ValueError, match="labels|predicted"):
        plot_confusion_matrix(labels, predicted, 3)


# ---------------------------------------------------------------- plot_digit_grid

def digit_rows(n):
    """n fake 8x8 digits: digit i has every pixel equal to i, so each picture says which row it came from."""
    return np.repeat(np.arange(n, dtype=float)[:, None], 64, axis=1)


def test_digit_grid_returns_a_figure_with_one_axes_per_cell():
    """A Figure with n_rows * n_columns axes, each picture the 8x8 reshaping of its row, title its label."""
    X, labels = digit_rows(12), np.arange(12) % 10
    fig = plot_digit_grid(X, labels, n_columns=5, n_rows=2)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 10
    for index, ax in enumerate(fig.axes):
        assert len(ax.images) == 1
        np.testing.assert_array_equal(ax.images[0].get_array(), X[index].reshape(8, 8))
        assert ax.get_title() == str(labels[index])
        assert not ax.axison                               # pictures, not plots: no axes drawn


def test_digit_grid_pictures_are_rows_of_the_image():
    """X[i].reshape(8, 8) row by row: pixel k of the row lands at (k // 8, k % 8)."""
    X = np.arange(64, dtype=float)[None, :] / 4            # 0, 0.25, ..., 15.75
    fig = plot_digit_grid(X, [7], n_columns=1, n_rows=1)
    picture = np.asarray(fig.axes[0].images[0].get_array())
    assert picture[0, 7] == 7 / 4 and picture[1, 0] == 8 / 4 and picture[7, 7] == 63 / 4


def test_digit_grid_titles_show_label_and_prediction():
    """With predicted, titles read 'label -> prediction', the wrong ones in another colour."""
    X = digit_rows(4)
    fig = plot_digit_grid(X, [1, 2, 3, 4], predicted=[1, 5, 3, 0], n_columns=2, n_rows=2)
    assert [ax.get_title() for ax in fig.axes] == ["1 -> 1", "2 -> 5", "3 -> 3", "4 -> 0"]
    colours = [to_hex(ax.title.get_color()) for ax in fig.axes]
    assert colours[0] == colours[2] == "#000000"
    assert colours[1] == colours[3] == PALETTE[1].lower()


def test_digit_grid_with_fewer_digits_than_cells():
    """Cells past the last digit stay empty, without a picture or a title."""
    fig = plot_digit_grid(digit_rows(3), [0, 1, 2], n_columns=4, n_rows=2)
    assert len(fig.axes) == 8
    assert [len(ax.images) for ax in fig.axes] == [1, 1, 1, 0, 0, 0, 0, 0]
    assert [ax.get_title() for ax in fig.axes[3:]] == [""] * 5


def test_digit_grid_draws_on_a_given_figure():
    """Given a Figure, it fills that figure and returns it, without making another."""
    given = plt.figure()
    assert plot_digit_grid(digit_rows(2), [0, 1], n_columns=2, n_rows=1, fig=given) is given
    assert len(given.axes) == 2
    assert plt.get_fignums() == [given.number]


def test_digit_grid_default_is_two_rows_of_ten():
    """The defaults show 20 digits, enough to see each class about twice."""
    fig = plot_digit_grid(digit_rows(25), np.arange(25) % 10)
    assert len(fig.axes) == 20


@pytest.mark.parametrize(
    "X, message",
    [
        (np.zeros((3, 63)), "digits have 64 pixels (8 x 8); X has 63 columns"),
        (np.zeros((3, 8, 8)), "X must be a 2-D array; received an array of shape (3, 8, 8)"),
        (np.zeros(64), "X must be a 2-D array; received an array of shape (64,)"),
    ],
)
def test_digit_grid_X_must_have_64_columns(X, message):
    """X that is not (N, 64) is refused, saying what it had, before a figure is made."""
    with pytest.raises(ValueError, match=re.escape(message)):
        plot_digit_grid(X, [0, 1, 2])
    assert plt.get_fignums() == []


@pytest.mark.parametrize(
    "labels, predicted",
    [([0, 1], None), ([0, 1, 2], [0, 1])],
    ids=["labels too short", "predicted too short"],
)
def test_digit_grid_refuses_labels_of_the_wrong_length(labels, predicted):
    """labels or predicted with fewer entries than the digits shown are refused with a ValueError naming them."""
    with pytest.raises(ValueError, match="labels|predicted"):
        plot_digit_grid(digit_rows(3), labels, predicted=predicted, n_columns=3, n_rows=1)
