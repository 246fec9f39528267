"""Tests of the plotting helpers of lessons 02 and 03: the batch partition, throughput, a 1-D loss curve,
and plot_loss_curves's x_values."""
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from nettrain_lib import (  # noqa: E402
    PALETTE,
    double_well,
    plot_batch_partition,
    plot_curve_1d,
    plot_loss_curves,
    plot_throughput,
)
from tests.support.libtools import assert_labelled, legend_labels  # noqa: E402


def partition_rows(ax):
    """The example indices written in each row of plot_batch_partition, top row first, left to right."""
    rows = {}
    for text in ax.texts:
        if text.get_text().isdigit():
            x, y = text.get_position()
            rows.setdefault(y, []).append((x, int(text.get_text())))
    return [[index for _, index in sorted(rows[y])] for y in sorted(rows, reverse=True)]


def partition_colours(ax):
    """The colour of each rectangle of plot_batch_partition, as rows (top first) of hex strings, left to right."""
    rows = {}
    for patch in ax.patches:
        if isinstance(patch, Rectangle):
            x, y = patch.get_xy()
            rows.setdefault(y, []).append((x, matplotlib.colors.to_hex(patch.get_facecolor())))
    return [[colour for _, colour in sorted(rows[y])] for y in sorted(rows, reverse=True)]


# ---------------------------------------------------------------- plot_batch_partition

def test_batch_partition_rows_and_labels():
    """Three labelled rows (the data set, then one per epoch) of N rectangles each."""
    ax = plot_batch_partition(10, 4)
    assert isinstance(ax, Axes)
    assert [label.get_text() for label in ax.get_yticklabels()] == ["full data set", "epoch 1", "epoch 2"]
    assert len([p for p in ax.patches if isinstance(p, Rectangle)]) == 10 * 3    # N * (epochs + 1)
    assert ax.get_xlabel().strip()


@pytest.mark.parametrize("n_samples, batch_size, epochs", [(10, 4, 2), (7, 7, 1), (12, 1, 3), (20, 6, 4)])
def test_batch_partition_one_rectangle_per_example_per_row(n_samples, batch_size, epochs):
    """N * (epochs + 1) rectangles, and one row label per row."""
    ax = plot_batch_partition(n_samples, batch_size, np.random.default_rng(0), epochs=epochs)
    assert len([p for p in ax.patches if isinstance(p, Rectangle)]) == n_samples * (epochs + 1)
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert labels == ["full data set"] + [f"epoch {e + 1}" for e in range(epochs)]


def test_batch_partition_without_rng_is_in_order():
    """Without rng every row reads 0..N-1 from left to right."""
    ax = plot_batch_partition(10, 4)
    assert partition_rows(ax) == [list(range(10))] * 3


def test_batch_partition_with_rng_reshuffles_each_epoch():
    """With rng the data set row stays 0..N-1, each epoch row is a permutation, and the two epochs differ."""
    ax = plot_batch_partition(12, 5, np.random.default_rng(0))
    full, epoch1, epoch2 = partition_rows(ax)
    assert full == list(range(12))
    assert sorted(epoch1) == list(range(12)) and sorted(epoch2) == list(range(12))
    assert epoch1 != epoch2
    assert epoch1 != list(range(12))


def test_batch_partition_colours_follow_the_batches():
    """The data set row is grey; in an epoch row, position p belongs to batch p // batch_size and takes
    that batch's palette colour: 10 examples by 4 are batches of 4, 4 and 2."""
    ax = plot_batch_partition(10, 4, np.random.default_rng(1))
    full, epoch1, epoch2 = partition_colours(ax)
    assert len(set(full)) == 1 and full[0] not in [c.lower() for c in PALETTE]
    expected = [PALETTE[0].lower()] * 4 + [PALETTE[1].lower()] * 4 + [PALETTE[2].lower()] * 2
    assert epoch1 == expected and epoch2 == expected


def test_batch_partition_names_the_batches():
    """The batches are labelled "batch 1" ... "batch k", k = ceil(N / batch_size)."""
    ax = plot_batch_partition(10, 4)
    names = {text.get_text() for text in ax.texts if text.get_text().startswith("batch")}
    assert names == {"batch 1", "batch 2", "batch 3"}                  # ceil(10 / 4) = 3


def test_batch_partition_batch_and_sgd():
    """batch_size = N is one batch (one colour per epoch row); batch_size = 1 is N batches."""
    ax = plot_batch_partition(6, 6, epochs=1)
    assert len(set(partition_colours(ax)[1])) == 1
    plt.close("all")
    ax = plot_batch_partition(6, 1, epochs=1)
    assert len(set(partition_colours(ax)[1])) == 6


def test_batch_partition_same_seed_same_picture():
    """The same seed draws the same epoch orders."""
    first = partition_rows(plot_batch_partition(9, 2, np.random.default_rng(3)))
    second = partition_rows(plot_batch_partition(9, 2, np.random.default_rng(3)))
    assert first == second


def test_batch_partition_draws_on_a_given_axes():
    """With ax given, the helper draws on it and returns it, without making a new figure."""
    fig, ax = plt.subplots()
    assert plot_batch_partition(5, 2, ax=ax) is ax
    assert plt.get_fignums() == [fig.number]


@pytest.mark.parametrize(
    "args, kwargs, error, message",
    [
        ((5, 6), {}, ValueError, "batch_size must be at most the number of examples (5); received 6"),
        ((5, 0), {}, ValueError, "batch_size must be a positive integer; received 0"),
        ((5, 2.0), {}, TypeError, "batch_size must be a positive integer; received float 2.0"),
        ((0, 1), {}, ValueError, "n_samples must be a positive integer; received 0"),
        ((5, 2), {"epochs": 0}, ValueError, "epochs must be a positive integer; received 0"),
    ],
)
def test_batch_partition_bad_input(args, kwargs, error, message):
    """Bad sizes are refused before a figure is made."""
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        plot_batch_partition(*args, **kwargs)
    assert plt.get_fignums() == []


def test_batch_partition_bad_rng():
    """An rng that is not a Generator gets a TypeError naming rng."""
    with pytest.raises(TypeError, match=re.escape("rng must be a numpy Generator such as np.random.default_rng(0); received int 0")):
        plot_batch_partition(5, 2, 0)


def test_batch_partition_bad_rng_makes_no_figure():
    """A bad rng is refused before a figure is made, like the other bad arguments."""
    with pytest.raises(TypeError, match="rng"):
        plot_batch_partition(5, 2, 0)
    assert plt.get_fignums() == []


# ---------------------------------------------------------------- plot_throughput

def test_throughput_on_log_log_axes():
    """One line through (batch size, examples per second) on log-log axes, with labelled axes."""
    batch_sizes = [1, 8, 64, 512]
    throughputs = [2e4, 1.5e5, 9e5, 3e6]
    ax = plot_throughput(batch_sizes, throughputs, title="gradient throughput")
    assert_labelled(ax)
    assert "batch size" in ax.get_xlabel()
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_title() == "gradient throughput"
    (line,) = ax.get_lines()
    assert np.array_equal(line.get_xdata(), batch_sizes)
    assert np.array_equal(line.get_ydata(), throughputs)


def test_throughput_draws_on_a_given_axes():
    """With ax given, the line goes on that Axes."""
    fig, ax = plt.subplots()
    assert plot_throughput(np.array([1, 2]), np.array([10.0, 20.0]), ax=ax) is ax
    assert plt.get_fignums() == [fig.number]


@pytest.mark.parametrize(
    "batch_sizes, throughputs, message",
    [
        ([1, 2, 4], [10.0, 20.0], "batch_sizes and examples_per_second must have the same length; received 3 and 2"),
        ([0, 2], [10.0, 20.0], "batch sizes and throughputs must be positive to be drawn on a log scale"),
        ([1, 2], [10.0, -1.0], "batch sizes and throughputs must be positive to be drawn on a log scale"),
        ([1, 2], [10.0, 0.0], "batch sizes and throughputs must be positive to be drawn on a log scale"),
        ([[1, 2]], [10.0, 20.0], "batch_sizes must be a 1-D array; received an array of shape (1, 2)"),
        ([1, 2], [10.0, np.inf], "examples_per_second must contain only finite numbers"),
    ],
)
def test_throughput_bad_input(batch_sizes, throughputs, message):
    """Mismatched lengths and values that a log scale cannot show are refused before a figure is made."""
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        plot_throughput(batch_sizes, throughputs)
    assert plt.get_fignums() == []


# ---------------------------------------------------------------- plot_curve_1d

def test_curve_1d_draws_the_curve_and_labels():
    """The loss curve as one line, with the default labels or the ones given."""
    theta = np.linspace(-2.0, 2.0, 41)
    ax = plot_curve_1d(theta, double_well(theta), title="double well")
    assert_labelled(ax)
    assert ax.get_xlabel() == "parameter θ" and ax.get_ylabel() == "loss J(θ)"
    assert ax.get_title() == "double well"
    (line,) = ax.get_lines()
    assert np.array_equal(line.get_xdata(), theta)
    np.testing.assert_allclose(line.get_ydata(), double_well(theta), rtol=1e-14)
    assert ax.get_legend() is None                  # no marks, no legend
    plt.close("all")
    ax = plot_curve_1d(theta, double_well(theta), xlabel="w", ylabel="J(w)")
    assert ax.get_xlabel() == "w" and ax.get_ylabel() == "J(w)"


def test_curve_1d_marks_are_points_on_the_curve():
    """Each entry of marks is drawn as points (no connecting line) at its θ values, on the curve, in the legend."""
    theta = np.linspace(-2.0, 2.0, 41)                # step 0.1: -1.5, 1.3 and 1.8 are grid points
    ax = plot_curve_1d(theta, double_well(theta), marks={"start": 1.8, "ends": [1.3, -1.5]})
    curve, start, ends = ax.get_lines()
    for line in (start, ends):
        assert line.get_marker() == "o"
        assert line.get_linestyle() == "None"
    np.testing.assert_allclose(start.get_xdata(), [1.8])
    np.testing.assert_allclose(start.get_ydata(), double_well(1.8), rtol=1e-12)
    np.testing.assert_allclose(ends.get_xdata(), [1.3, -1.5])
    np.testing.assert_allclose(ends.get_ydata(), double_well([1.3, -1.5]), rtol=1e-12)
    assert legend_labels(ax) == ["start", "ends"]


def test_curve_1d_draws_on_a_given_axes():
    """With ax given, the curve goes on that Axes."""
    fig, ax = plt.subplots()
    assert plot_curve_1d([0.0, 1.0], [1.0, 0.0], ax=ax) is ax
    assert plt.get_fignums() == [fig.number]


@pytest.mark.parametrize(
    "theta, loss, message",
    [
        ([0.0, 1.0, 2.0], [1.0, 0.0], "theta and loss must have the same length; received 3 and 2"),
        ([[0.0, 1.0]], [1.0, 0.0], "theta must be a 1-D array; received an array of shape (1, 2)"),
        ([0.0, 1.0], [1.0, np.nan], "loss must contain only finite numbers"),
    ],
)
def test_curve_1d_bad_input(theta, loss, message):
    """Mismatched lengths and non-1-D data are refused before a figure is made."""
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        plot_curve_1d(theta, loss)
    assert plt.get_fignums() == []


def test_curve_1d_marks_on_a_decreasing_grid():
    """A grid from right to left is still a curve: marks must lie on it."""
    theta = np.linspace(2.0, -2.0, 41)
    ax = plot_curve_1d(theta, double_well(theta), marks={"start": [1.8]})
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), double_well([1.8]), rtol=1e-12)


def test_curve_1d_marks_must_be_a_dict():
    """marks given as a list gets a TypeError naming marks, before a figure is made."""
    with pytest.raises(TypeError, match="marks"):
        plot_curve_1d([0.0, 1.0], [1.0, 0.0], marks=[0.5])
    assert plt.get_fignums() == []


# ---------------------------------------------------------------- plot_loss_curves with x_values

def test_loss_curves_x_values_are_used():
    """A curve with an entry in x_values is drawn against it (examples seen, say); the others against 0, 1, 2, ..."""
    curves = {"batch": [4.0, 2.0, 1.0], "sgd": [4.0, 3.0, 1.5, 0.5]}
    ax = plot_loss_curves(curves, x_values={"batch": [0, 100, 200]}, xlabel="examples seen")
    batch, sgd = ax.get_lines()
    assert np.array_equal(batch.get_xdata(), [0.0, 100.0, 200.0])
    assert np.array_equal(batch.get_ydata(), [4.0, 2.0, 1.0])
    assert np.array_equal(sgd.get_xdata(), [0, 1, 2, 3])
    assert ax.get_xlabel() == "examples seen"
    assert legend_labels(ax) == ["batch", "sgd"]


def test_loss_curves_x_values_for_every_curve():
    """x_values for all curves: each uses its own coordinates."""
    ax = plot_loss_curves({"a": [1.0, 0.5], "b": [1.0, 0.7, 0.2]}, x_values={"a": [0.0, 32.0], "b": [0.0, 1.0, 2.0]})
    assert np.array_equal(ax.get_lines()[0].get_xdata(), [0.0, 32.0])
    assert np.array_equal(ax.get_lines()[1].get_xdata(), [0.0, 1.0, 2.0])


@pytest.mark.parametrize(
    "x_values, message",
    [
        ({"sdg": [0.0, 1.0]}, "x_values has an entry 'sdg' that is not in curves"),
        ({"sgd": [0.0, 1.0, 2.0]}, "x_values['sgd'] must have one value per loss: 2 losses, 3 x values"),
        ({"sgd": [[0.0, 1.0]]}, "x_values['sgd'] must be a 1-D array; received an array of shape (1, 2)"),
    ],
)
def test_loss_curves_bad_x_values(x_values, message):
    """An unknown label or x values of the wrong length are refused, naming the entry, before a figure is made."""
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        plot_loss_curves({"sgd": [1.0, 0.5]}, x_values=x_values)
    assert plt.get_fignums() == []


def test_loss_curves_x_values_of_a_diverging_curve():
    """A diverging curve with x values is drawn against them, up to the step where it overflows."""
    ax = plot_loss_curves({"run": [1.0, 2.0, np.inf]}, x_values={"run": [10.0, 20.0, 30.0]})
    line = ax.get_lines()[0]
    assert legend_labels(ax) == ["run (overflows at step 2)"]
    assert np.array_equal(line.get_xdata(), [10.0, 20.0])
