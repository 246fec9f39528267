"""Tests of nettrain_lib.scratch.normalization, scratch.conditioning and plots.normalization (lesson 04).

Hand-worked values with the arithmetic in comments, the edge cases of the contract (a constant
feature, an all-zero row: finite results and no numpy warning), statistics from the training split
only, the learning-rate limit 2 / lambda_max checked by real runs, errors that name the argument,
and the plot helpers on the Agg backend.
"""
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nettrain_lib import (  # noqa: E402  # noqa: E402  # noqa: E402
    PALETTE,
    gradient_descent_path,
    l2_normalize,
    largest_stable_lr,
    least_squares_fit,
    min_max_fit,
    min_max_transform,
    mse_gradients,
    mse_hessian,
    normalize_splits,
    numerical_gradient,
    plot_feature_strips,
    plot_method_bars,
    plot_pixel_map,
    plot_preactivation_histogram,
    plot_weight_contours,
    saturated_fraction,
    sigmoid,
    standardize_fit,
    standardize_transform,
    steps_to_converge,
    weights_descent_path,
    weights_loss_grid,
)
from tests.support.libtools import assert_labelled  # noqa: E402


def without_warnings(function, *args, **kwargs):
    """Call function and fail if numpy (or anything else) warns: nbgrader would see the stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return function(*args, **kwargs)


# The worked example of the lesson's tests: three rows, the last feature constant.
X_HAND = np.array([[1.0, 200.0, 5.0],
                   [3.0, 100.0, 5.0],
                   [2.0, 400.0, 5.0]])


# ---------------------------------------------------------------- min-max

def test_min_max_fit_per_feature():
    """One minimum and one maximum per column: [1, 100, 5] and [3, 400, 5]."""
    x_min, x_max = min_max_fit(X_HAND)
    assert x_min.shape == x_max.shape == (3,)
    assert np.array_equal(x_min, [1.0, 100.0, 5.0])
    assert np.array_equal(x_max, [3.0, 400.0, 5.0])


def test_min_max_transform_by_hand():
    """(x - x_min) / (x_max - x_min) per column; the constant column maps to low = 0."""
    scaled = without_warnings(min_max_transform, X_HAND, *min_max_fit(X_HAND))
    # column 0: [0, 2, 1] / 2; column 1: [100, 0, 300] / 300; column 2: constant -> 0
    assert np.allclose(scaled, [[0.0, 1 / 3, 0.0], [1.0, 0.0, 0.0], [0.5, 1.0, 0.0]])


def test_min_max_transform_to_minus_one_one():
    """To [-1, 1]: -1 + 2 * unit; the constant column maps to low = -1."""
    scaled = without_warnings(min_max_transform, X_HAND, *min_max_fit(X_HAND), feature_range=(-1.0, 1.0))
    assert np.allclose(scaled, [[-1.0, -1 / 3, -1.0], [1.0, -1.0, -1.0], [0.0, 1.0, -1.0]])


def test_min_max_transform_does_not_clip_new_values_and_keeps_constants_low():
    """A new row beyond the fitted range maps beyond [0, 1]; a training-constant feature stays at low."""
    x_min, x_max = min_max_fit(X_HAND)
    scaled = without_warnings(min_max_transform, np.array([[5.0, 50.0, 7.0]]), x_min, x_max)
    # (5 - 1) / 2 = 2;  (50 - 100) / 300 = -1/6;  constant in training -> 0 although 7 != 5
    assert np.allclose(scaled, [[2.0, -1 / 6, 0.0]])


def test_min_max_transform_leaves_its_inputs_unchanged():
    X = X_HAND.copy()
    x_min, x_max = min_max_fit(X)
    copies = X.copy(), x_min.copy(), x_max.copy()
    result = min_max_transform(X, x_min, x_max)
    assert result is not X
    for after, before in zip((X, x_min, x_max), copies):
        assert np.array_equal(after, before)


def test_min_max_errors_name_the_argument():
    x_min, x_max = min_max_fit(X_HAND)
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        min_max_fit(np.arange(3.0))
    with pytest.raises(ValueError, match="at least one row"):
        min_max_fit(np.zeros((0, 3)))
    with pytest.raises(TypeError, match="X must be an array of numbers"):
        min_max_fit("data")
    with pytest.raises(ValueError, match="x_min must have one value per feature"):
        min_max_transform(X_HAND, x_min[:2], x_max)
    with pytest.raises(ValueError, match=r"x_max must be >= x_min.*swapped"):
        min_max_transform(X_HAND, x_max, x_min)
    with pytest.raises(ValueError, match="feature_range must be"):
        min_max_transform(X_HAND, x_min, x_max, feature_range=(1.0, 0.0))
    with pytest.raises(ValueError, match="feature_range must be a \\(low, high\\) pair"):
        min_max_transform(X_HAND, x_min, x_max, feature_range=1.0)
    with pytest.raises(ValueError, match="X must contain only finite numbers"):
        min_max_transform(np.array([[np.nan, 1.0, 5.0]]), x_min, x_max)


# ---------------------------------------------------------------- standardization

X_STD = np.array([[1.0, 10.0, 7.0],
                  [1.0, 14.0, 7.0],
                  [3.0, 10.0, 7.0],
                  [3.0, 14.0, 7.0]])


def test_standardize_fit_uses_the_population_std():
    """mean [2, 12, 7]; deviations ±1 and ±2 -> std [1, 2, 0] with ddof=0 (not sqrt(4/3), sqrt(16/3))."""
    mean, std = standardize_fit(X_STD)
    assert np.allclose(mean, [2.0, 12.0, 7.0])
    assert np.allclose(std, [1.0, 2.0, 0.0])
    assert np.allclose(std, X_STD.std(axis=0, ddof=0))


def test_standardize_fit_constant_feature_has_exactly_zero_std():
    """0.1 + 0.1 + 0.1 rounds, so np.std of a constant column can be 1e-17; the fit returns exactly 0."""
    X = np.array([[0.1, 1.0], [0.1, 2.0], [0.1, 4.0]])
    assert X.std(axis=0)[0] != 0.0          # the rounding this guards against
    _, std = standardize_fit(X)
    assert std[0] == 0.0
    assert np.array_equal(standardize_transform(X, *standardize_fit(X))[:, 0], [0.0, 0.0, 0.0])


def test_standardize_fit_far_from_zero():
    """Values near 1e9 keep their digits (a one-pass sqrt(E[x^2] - E[x]^2) would not)."""
    X = 1e9 + np.array([[1.0], [3.0], [5.0]])
    _, std = standardize_fit(X)
    assert np.isclose(std[0], np.sqrt(8 / 3), rtol=1e-9)      # deviations [-2, 0, 2]: 8 / 3


def test_standardize_transform_by_hand():
    """(x - mean) / std; the zero-std feature becomes 0."""
    scaled = without_warnings(standardize_transform, X_STD, *standardize_fit(X_STD))
    assert np.allclose(scaled, [[-1.0, -1.0, 0.0], [-1.0, 1.0, 0.0], [1.0, -1.0, 0.0], [1.0, 1.0, 0.0]])


def test_standardize_transform_zero_std_new_value_is_zero():
    """A new value 9 in a feature that was constant 7 in training becomes 0, not inf (nor 2 / eps)."""
    mean, std = standardize_fit(X_STD)
    scaled = without_warnings(standardize_transform, np.array([[4.0, 8.0, 9.0]]), mean, std)
    assert np.allclose(scaled, [[2.0, -2.0, 0.0]])           # (4 - 2) / 1, (8 - 12) / 2, 0


def test_standardized_training_data_have_mean_zero_and_std_one():
    rng = np.random.default_rng(3)
    X = rng.normal(loc=[5.0, -100.0, 0.0], scale=[0.1, 30.0, 2.0], size=(50, 3))
    scaled = standardize_transform(X, *standardize_fit(X))
    assert np.allclose(scaled.mean(axis=0), 0.0, atol=1e-12)
    assert np.allclose(scaled.std(axis=0), 1.0)


def test_standardize_errors_name_the_argument():
    mean, std = standardize_fit(X_STD)
    with pytest.raises(ValueError, match="std must be >= 0"):
        standardize_transform(X_STD, mean, -std)
    with pytest.raises(ValueError, match="mean must have one value per feature"):
        standardize_transform(X_STD, mean[:2], std)
    with pytest.raises(ValueError, match="std must be a 1-D array"):
        standardize_transform(X_STD, mean, std[None, :])
    with pytest.raises(ValueError, match="at least one row"):
        standardize_fit(np.zeros((0, 2)))


# ---------------------------------------------------------------- L2

def test_l2_normalize_by_hand():
    """Row norms 5, 0, 1, 10: [3, 4] -> [0.6, 0.8]; the all-zero row stays zero."""
    X = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0], [-6.0, 8.0]])
    unit = without_warnings(l2_normalize, X)
    assert np.allclose(unit, [[0.6, 0.8], [0.0, 0.0], [1.0, 0.0], [-0.6, 0.8]])
    assert np.array_equal(X, [[3.0, 4.0], [0.0, 0.0], [1.0, 0.0], [-6.0, 8.0]])     # unchanged


def test_l2_normalize_gives_unit_rows_and_keeps_directions():
    rng = np.random.default_rng(4)
    X = rng.normal(scale=7.0, size=(20, 5))
    unit = l2_normalize(X)
    assert np.allclose(np.linalg.norm(unit, axis=1), 1.0)
    assert np.allclose(unit * np.linalg.norm(X, axis=1, keepdims=True), X)   # same direction, rescaled
    assert np.allclose(l2_normalize(3.0 * X), unit)                            # the length is discarded


# ---------------------------------------------------------------- normalize_splits

def test_normalize_splits_by_hand():
    """Statistics of X_train = [[1, 0], [3, 4]] only, applied to X_test = [[6, 8], [2, 0]]."""
    X_train = np.array([[1.0, 0.0], [3.0, 4.0]])
    X_test = np.array([[6.0, 8.0], [2.0, 0.0]])
    expected = {"minmax": ([[0, 0], [1, 1]], [[2.5, 2.0], [0.5, 0.0]]),       # min [1, 0], max [3, 4]
                "standard": ([[-1, -1], [1, 1]], [[4.0, 3.0], [0.0, -1.0]]),  # mean [2, 2], std [1, 2]
                "l2": ([[1, 0], [0.6, 0.8]], [[0.6, 0.8], [1.0, 0.0]])}
    for method, (train_expected, test_expected) in expected.items():
        train_n, test_n = normalize_splits(X_train, X_test, method)
        assert np.allclose(train_n, train_expected), method
        assert np.allclose(test_n, test_expected), method


@pytest.mark.parametrize("method", ["minmax", "standard", "l2"])
def test_normalize_splits_training_part_never_depends_on_the_test_split(method):
    """Changing the test split (an extreme value, a different size) leaves the training part as it was."""
    rng = np.random.default_rng(5)
    X_train = rng.normal(size=(10, 3))
    X_test = rng.normal(size=(4, 3))
    train_a, test_a = normalize_splits(X_train, X_test, method)
    train_b, _ = normalize_splits(X_train, np.vstack([X_test, [[1e6, -1e6, 0.0]]]), method)
    assert np.array_equal(train_a, train_b)
    # and a single test example is scaled exactly as it is inside a larger test split
    _, test_one = normalize_splits(X_train, X_test[:1], method)
    assert np.allclose(test_one, test_a[:1])


def test_normalize_splits_errors_name_the_argument():
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="method must be one of 'minmax', 'standard', 'l2'; received 'zscore'"):
        normalize_splits(X, X, "zscore")
    with pytest.raises(ValueError, match="X_test must have the features of X_train"):
        normalize_splits(X, np.ones((3, 3)), "standard")
    with pytest.raises(ValueError, match="X_train must be a 2-D array"):
        normalize_splits(np.ones(3), X, "l2")


# ---------------------------------------------------------------- Hessian, learning-rate limit, convergence

def test_least_squares_fit_recovers_noise_free_weights():
    rng = np.random.default_rng(6)
    X = rng.uniform(0, 100, size=(30, 2))
    w, b = least_squares_fit(X, X @ np.array([3.0, -0.5]) + 2.0)
    assert np.allclose(w, [3.0, -0.5]) and np.isclose(b, 2.0)


def test_mse_hessian_by_hand():
    """X = [[1], [3]]: A = [[1, 1], [3, 1]], A.T A = [[10, 4], [4, 2]], H = 2/2 * that."""
    assert np.allclose(mse_hessian(np.array([[1.0], [3.0]])), [[10.0, 4.0], [4.0, 2.0]])
    # without the bias, H = 2/N X.T X = 10
    assert np.allclose(mse_hessian(np.array([[1.0], [3.0]]), fit_bias=False), [[10.0]])


def test_mse_hessian_matches_central_differences_of_the_gradient():
    """Each column of H is the derivative of the gradient (dw, db) along one parameter."""
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(12, 3)), rng.normal(size=12)
    theta = rng.normal(size=4)                           # [w..., b]

    def gradient_entry(k):
        return lambda t: float(np.append(*mse_gradients(X, y, t[:-1], t[-1]))[k])

    numeric = np.array([numerical_gradient(gradient_entry(k), theta.copy(), 1e-4) for k in range(4)])
    assert np.allclose(numeric, mse_hessian(X), rtol=1e-6, atol=1e-8)


def test_largest_stable_lr_is_a_sharp_edge_in_real_runs():
    """Just below 2 / lambda_max gradient descent converges; just above, it diverges."""
    rng = np.random.default_rng(8)
    X = np.column_stack([rng.uniform(0, 1, 100), rng.uniform(0, 100, 100)])
    y = X @ np.array([3.0, 0.03]) + 2.0 + 0.5 * rng.standard_normal(100)
    limit = largest_stable_lr(X)
    assert np.isclose(limit, 2 / np.linalg.eigvalsh(mse_hessian(X))[-1])
    _, below = gradient_descent_path(X, y, 0.97 * limit, 400)
    _, above = gradient_descent_path(X, y, 1.03 * limit, 400)
    assert below[-1] < below[0]
    assert above[-1] > 1e3 * above[0]


def test_steps_to_converge():
    """Standardized features converge in a few steps, raw ones in thousands; too large an lr never does."""
    rng = np.random.default_rng(9)
    X = np.column_stack([rng.uniform(0, 1, 100), rng.uniform(0, 100, 100)])
    y = X @ np.array([3.0, 0.03]) + 2.0 + 0.5 * rng.standard_normal(100)
    X_std = standardize_transform(X, *standardize_fit(X))
    fast = steps_to_converge(X_std, y, 0.9 * largest_stable_lr(X_std))
    slow = steps_to_converge(X, y, 0.9 * largest_stable_lr(X), max_steps=200_000)
    assert isinstance(fast, int) and fast < 30
    assert isinstance(slow, int) and slow > 1000
    assert steps_to_converge(X, y, 0.9 * largest_stable_lr(X), max_steps=100) is None          # too few steps
    assert steps_to_converge(X_std, y, 1.1 * largest_stable_lr(X_std)) is None                 # diverges
    # an exact fit converges too (its best loss is 0)
    assert isinstance(steps_to_converge(X_std, X_std @ np.array([1.0, -1.0]) + 0.5, 0.5), int)


def test_weights_descent_path_one_step_by_hand():
    """X = [[1, 0], [0, 2]], y = [1, 2], b = 0, w = 0: residuals [-1, -2]; dw = 2/2 X.T r = [-1, -4]."""
    X, y = np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([1.0, 2.0])
    w0 = np.zeros(2)
    path, losses = weights_descent_path(X, y, 0.1, 1, w0=w0)
    assert path.shape == (2, 2) and losses.shape == (2,)
    assert np.allclose(path[1], [0.1, 0.4])                  # 0 - 0.1 * [-1, -4]
    assert np.isclose(losses[0], 2.5)                        # (1 + 4) / 2
    assert np.array_equal(w0, [0.0, 0.0])                    # the caller's start is not modified
    with pytest.raises(ValueError, match="w0 must have one value per feature"):
        weights_descent_path(X, y, 0.1, 1, w0=np.zeros(3))


# ---------------------------------------------------------------- sigmoid and saturation

def test_sigmoid_values_and_no_overflow():
    assert np.allclose(sigmoid(np.array([0.0, np.log(3.0), -np.log(3.0)])), [0.5, 0.75, 0.25])
    extreme = without_warnings(sigmoid, np.array([-1000.0, 1000.0]))
    assert np.array_equal(extreme, [0.0, 1.0])


def test_saturated_fraction_by_hand():
    """slope(4) = 0.0177 > 0.01, slope(5) = 0.0066 < 0.01: two of [0, 4, 5, -5] are saturated."""
    assert saturated_fraction(np.array([0.0, 4.0, 5.0, -5.0])) == 0.5
    assert saturated_fraction(np.array([[0.0, 4.0], [5.0, -5.0]]), threshold=0.02) == 0.75   # 4 too, now
    with pytest.raises(ValueError, match="at least one pre-activation"):
        saturated_fraction(np.zeros(0))
    with pytest.raises(ValueError, match="threshold must be positive"):
        saturated_fraction(np.zeros(3), threshold=0.0)


# ---------------------------------------------------------------- plots

def test_weights_loss_grid_matches_the_loss_point_by_point():
    rng = np.random.default_rng(10)
    X = np.column_stack([rng.uniform(0, 1, 20), rng.uniform(0, 100, 20)])
    y = rng.normal(size=20)
    w1_values, w2_values = np.array([-1.0, 0.5, 2.0]), np.array([0.0, 0.03])
    J = weights_loss_grid(X, y, w1_values, w2_values, b=1.5)
    assert J.shape == (2, 3)                                  # rows follow w2, columns w1
    for i, w2 in enumerate(w2_values):
        for j, w1 in enumerate(w1_values):
            assert np.isclose(J[i, j], np.mean((X @ [w1, w2] + 1.5 - y) ** 2), rtol=1e-10)
    with pytest.raises(ValueError, match="exactly two features"):
        weights_loss_grid(np.ones((3, 3)), np.ones(3), w1_values, w2_values)
    with pytest.raises(ValueError, match=re.escape("X and y must have one row per example: X has 3 rows, y has 2 entries")):
        weights_loss_grid(np.ones((3, 2)), np.ones(2), w1_values, w2_values)
    with pytest.raises(ValueError, match=re.escape("X must have at least one row (example); received 0 rows")):
        weights_loss_grid(np.ones((0, 2)), np.ones(0), w1_values, w2_values)


def test_plot_weight_contours_draws_a_labelled_bowl_with_its_minimum():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(30, 2))
    y = X @ np.array([1.0, -0.5]) + 0.2
    ax = plot_weight_contours(X, y, (-1, 3), (-2, 1), b=0.2, minimum=(1.0, -0.5), title="bowl")
    assert_labelled(ax)
    assert ax.get_title() == "bowl"
    assert ax.get_xlim() == (-1.0, 3.0) and ax.get_ylim() == (-2.0, 1.0)
    assert ax.get_aspect() == 1.0                             # equal scales by default
    assert ax.collections, "no contour lines were drawn"
    marker = [line for line in ax.get_lines() if line.get_label() == "minimum of the loss"]
    assert len(marker) == 1 and np.allclose(marker[0].get_xydata(), [[1.0, -0.5]])
    ax2 = plot_weight_contours(X, y, (-1, 3), (-2, 1), equal_aspect=False)
    assert ax2.get_aspect() == "auto"
    with pytest.raises(ValueError, match="w1_range must be"):
        plot_weight_contours(X, y, (3, -1), (-2, 1))
    with pytest.raises(ValueError, match="lowest must be a fraction"):
        plot_weight_contours(X, y, (-1, 3), (-2, 1), lowest=2.0)
    with pytest.raises(ValueError, match="minimum must be a pair"):
        plot_weight_contours(X, y, (-1, 3), (-2, 1), minimum=(1.0, 2.0, 3.0))


def test_plot_method_bars_one_labelled_bar_per_method():
    ax = plot_method_bars({"raw": 0.0003, "standard": 0.95, "l2": None}, ylabel="lr limit", log_scale=True,
                          title="limits")
    assert_labelled(ax)
    assert ax.get_yscale() == "log" and "log scale" in ax.get_ylabel()
    assert len(ax.patches) == 2                               # None draws no bar ...
    texts = [text.get_text() for text in ax.texts]
    assert texts == ["0.0003", "0.95", "not reached"]        # ... but says so
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["raw", "standard", "l2"]
    colours = [matplotlib.colors.to_hex(patch.get_facecolor()) for patch in ax.patches]
    assert colours == [c.lower() for c in PALETTE[:2]]
    with pytest.raises(ValueError, match="positive to be drawn on a log scale"):
        plot_method_bars({"a": 0.0}, ylabel="x", log_scale=True)
    with pytest.raises(TypeError, match="values must be a non-empty dict"):
        plot_method_bars([1, 2], ylabel="x")
    with pytest.raises(ValueError, match="ylabel must be a non-empty string"):
        plot_method_bars({"a": 1.0}, ylabel="")


def test_plot_preactivation_histogram_shades_the_saturated_zones():
    z = np.array([-10.0, -1.0, 0.0, 1.0, 10.0, 20.0])          # 3 of 6 beyond |z| = 4.6
    ax = plot_preactivation_histogram(z, z_limit=30, title="raw")
    assert_labelled(ax)
    assert ax.get_xlim() == (-30.0, 30.0)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any("50.0% saturated" in label for label in labels)
    assert any(re.search(r"\|z\| > 4\.6", label) for label in labels)
    heights = [patch.get_height() for patch in ax.patches if patch.get_height() > 0 and patch.get_width() < 5]
    assert np.isclose(sum(heights), 100.0)                    # bars in % of all pre-activations
    with pytest.raises(ValueError, match="threshold must be below 0.25"):
        plot_preactivation_histogram(z, threshold=0.3)


def test_plot_feature_strips_one_strip_per_feature_and_highlighted_entries():
    X = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 500.0]])
    mask = np.zeros(X.shape, dtype=bool)
    mask[2, 1] = True
    ax = plot_feature_strips(X, ["a", "b"], highlight=mask, xlabel="value", title="strips")
    assert_labelled(ax)
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["b", "a"]   # the first feature on top
    offsets = [collection.get_offsets() for collection in ax.collections]
    diamonds = [o for o in offsets if len(o) == 1]
    assert len(diamonds) == 1 and diamonds[0][0, 0] == 500.0
    with pytest.raises(ValueError, match="feature_names must name each"):
        plot_feature_strips(X, ["a"])
    with pytest.raises(ValueError, match="highlight must be a boolean mask"):
        plot_feature_strips(X, ["a", "b"], highlight=[2])


def test_plot_pixel_map_marks_the_zero_pixels():
    values = np.arange(64, dtype=float)
    values[[0, 7, 63]] = 0.0
    ax = plot_pixel_map(values, title="std", colorbar_label="std")
    assert_labelled(ax)
    crosses = [line for line in ax.get_lines() if line.get_label() == "exactly 0"]
    assert len(crosses) == 1 and len(crosses[0].get_xdata()) == 3
    assert np.array_equal(ax.images[0].get_array(), values.reshape(8, 8))
    with pytest.raises(ValueError, match="one number per pixel"):
        plot_pixel_map(np.zeros(63))
