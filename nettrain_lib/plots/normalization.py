"""Plotting helpers for lesson 04 (input normalization).

Same rules as every plot helper (see `_style.py`): `ax=None` makes a new figure, axes are labelled, the Axes are
returned, plt.show() is never called, colours come from the colour-blind-safe PALETTE.
"""
import numpy as np
from matplotlib.legend_handler import HandlerTuple

from .. import _validate
from ..i18n import N_, tr
from ..scratch.conditioning import saturated_fraction
from ._layout import label_contours, place_legend
from ._style import PALETTE, new_axes


def weights_loss_grid(X, y, w1_values, w2_values, *, b=0.0):
    """J(w1, w2) = mean((X @ [w1, w2] + b - y) ** 2) of a two-feature regression, the bias fixed at b.

    Returns (len(w2_values), len(w1_values)): rows follow w2, columns w1, as contour() expects.
    """
    X, y = _validate.regression_arrays(X, y)
    if X.shape[1] != 2:
        raise ValueError(tr("a loss surface over two weights needs exactly two features; X has {X_shape_1} columns",
                            X_shape_1=X.shape[1]))
    w1_values = _validate.float_array(w1_values, "w1_values", ndim=1)
    w2_values = _validate.float_array(w2_values, "w2_values", ndim=1)
    b = _validate.real_scalar(b, "b")
    # Expand the mean of squares into moments of the data (O(grid) instead of O(grid * N)), centred
    # so that features far from the origin (x2 in [0, 100]) lose no digits to cancellation:
    # J = w^T C w - 2 w^T c + var(y) + (w . mean(x) + b - mean(y))^2.
    x_mean, y_mean = X.mean(axis=0), y.mean()
    X_c, y_c = X - x_mean, y - y_mean
    C = X_c.T @ X_c / len(X)                       # (2, 2) covariance of the features
    c = X_c.T @ y_c / len(X)                       # (2,) covariance with the target
    w1, w2 = np.meshgrid(w1_values, w2_values)     # each (len(w2_values), len(w1_values))
    quadratic = C[0, 0] * w1 * w1 + 2 * C[0, 1] * w1 * w2 + C[1, 1] * w2 * w2
    offset = w1 * x_mean[0] + w2 * x_mean[1] + b - y_mean
    return np.maximum(quadratic - 2 * (c[0] * w1 + c[1] * w2) + np.mean(y_c * y_c) + offset * offset, 0.0)


def plot_weight_contours(X, y, w1_range, w2_range, ax=None, *, b=0.0, minimum=None, equal_aspect=True,
                         levels=15, lowest=1e-3, resolution=200, title=None,
                         xlabel=N_("weight w1 (of feature x1)"), ylabel=N_("weight w2 (of feature x2)"), n_labels=4):
    """Contour plot of the loss over the two weights of a two-feature regression, the bias fixed at b.

    `w1_range` and `w2_range` are (low, high) pairs. Levels are spaced logarithmically above the
    minimum on the grid, from `lowest` times the loss range on the grid up to its top, so the rings
    near the bottom are visible as well as the walls (a very elongated bowl needs a smaller
    `lowest` to show its floor). `minimum`
    (w1, w2) is marked with a black plus. With `equal_aspect` one unit of w1 is as long as one
    unit of w2, the view in which a gradient step (the same lr for both) has its true shape. Draw
    a path on top with nettrain_lib.plots.plot_parameter_path: the labels of about `n_labels`
    levels (0: none) and the legend move off it.
    """
    resolution = _validate.at_least(resolution, 2, "resolution")
    levels = _validate.at_least(levels, 2, "levels")
    n_labels = _validate.non_negative_int(n_labels, "n_labels")
    lowest = _validate.positive_scalar(lowest, "lowest")
    if lowest >= 1:
        raise ValueError(tr("lowest must be a fraction below 1 of the loss range; received {lowest!r}", lowest=lowest))
    w1_values = np.linspace(*_validate.range_pair(w1_range, "w1_range"), resolution)
    w2_values = np.linspace(*_validate.range_pair(w2_range, "w2_range"), resolution)
    J = weights_loss_grid(X, y, w1_values, w2_values, b=b)
    ax = new_axes(ax, figsize=(6.4, 5.2))
    low, high = J.min(), J.max()
    spaced = low + np.geomspace(lowest, 1.0, levels) * (high - low)
    contours = ax.contour(w1_values, w2_values, J, levels=spaced, cmap="viridis", linewidths=1)
    ax.set_xlabel(tr(xlabel))
    ax.set_ylabel(tr(ylabel))
    # The contours fix the view: a path drawn afterwards cannot rescale it.
    ax.set_xlim(w1_values[0], w1_values[-1])
    ax.set_ylim(w2_values[0], w2_values[-1])
    ax.autoscale(False)
    if equal_aspect:
        ax.set_aspect("equal")
    row, column = np.unravel_index(np.argmin(J), J.shape)
    lowest_point = (w1_values[column], w2_values[row])
    if minimum is not None:
        point = _validate.float_array(minimum, "minimum", ndim=1)
        if point.shape != (2,):
            raise ValueError(tr("minimum must be a pair (w1, w2); received {minimum!r}", minimum=minimum))
        ax.plot(*point, "P", color="black", markersize=11, linestyle="none", label=tr("minimum of the loss"), zorder=4)
        lowest_point = point
    label_contours(ax, contours, count=n_labels, minimum=lowest_point)
    if minimum is not None:
        place_legend(ax)
    if title:
        ax.set_title(title)
    return ax


def plot_method_bars(values, ax=None, *, ylabel, log_scale=False, title=None, value_format="{:.3g}",
                     missing_text=N_("not reached")):
    """One bar per method, `values` = {method: number or None}, each bar labelled with its value.

    None (a run that never converged, say) draws no bar but writes `missing_text` in its place.
    """
    if not isinstance(values, dict) or not values:
        raise TypeError(tr("values must be a non-empty dict {{method: number}}; received {values}",
                           values=_validate.describe(values)))
    checked = {}
    for label, value in values.items():
        checked[label] = None if value is None else _validate.real_scalar(value, f"values[{label!r}]")
        if checked[label] is not None and log_scale and checked[label] <= 0:
            raise ValueError(tr("values[{label!r}] must be positive to be drawn on a log scale; received {value!r}",
                                label=label, value=value))
    if not isinstance(ylabel, str) or not ylabel.strip():
        raise ValueError(tr("ylabel must be a non-empty string; received {ylabel!r}", ylabel=ylabel))
    ax = new_axes(ax)
    names = list(checked)
    drawn = [v for v in checked.values() if v is not None]
    floor = min(drawn) if drawn else 1.0
    for index, value in enumerate(checked.values()):
        if value is None:
            ax.text(index, floor, tr(missing_text), ha="center", va="bottom", fontsize=9, color="0.3")
            continue
        ax.bar(index, value, color=PALETTE[index % len(PALETTE)], width=0.6)
        ax.text(index, value, value_format.format(value), ha="center", va="bottom", fontsize=10)
    ax.set_xticks(range(len(names)), names)
    if log_scale:
        ax.set_yscale("log")
        if drawn:
            ax.set_ylim(min(drawn) / 3, max(drawn) * 5)   # room for the labels above the bars
    elif drawn:
        ax.set_ylim(min(0.0, min(drawn)), max(drawn) * 1.15)
    ax.set_xlabel(tr("normalization method"))
    ax.set_ylabel(tr(ylabel) + (tr(" (log scale)") if log_scale else ""))
    if title:
        ax.set_title(title)
    ax.grid(True, axis="y", which="major", alpha=0.3)
    return ax


def plot_preactivation_histogram(z, ax=None, *, threshold=0.01, z_limit=None, bins=80, title=None,
                                 color=PALETTE[0]):
    """Histogram of sigmoid pre-activations z, with the saturated zones shaded.

    The zones are where the sigmoid's slope s(z) (1 - s(z)) is below `threshold` (|z| > 4.6 for
    0.01): a unit there passes back almost no gradient. The legend gives the fraction of z in them.
    `z_limit` fixes the x axis to [-z_limit, z_limit] (the same on panels to be compared).
    """
    z = _validate.float_array(z, "z").reshape(-1)
    fraction = saturated_fraction(z, threshold)
    threshold = _validate.positive_scalar(threshold, "threshold")
    if threshold >= 0.25:
        raise ValueError(tr("threshold must be below 0.25, the sigmoid's largest slope; received {threshold!r}",
                            threshold=threshold))
    bins = _validate.at_least(bins, 1, "bins")
    # s (1 - s) = threshold  <=>  s = (1 + sqrt(1 - 4 threshold)) / 2  <=>  z = log(s / (1 - s))
    s_edge = (1 + np.sqrt(1 - 4 * threshold)) / 2
    z_edge = float(np.log(s_edge / (1 - s_edge)))
    if z_limit is None:
        z_limit = max(float(np.abs(z).max()), 2 * z_edge) * 1.05
    z_limit = _validate.positive_scalar(z_limit, "z_limit")
    ax = new_axes(ax)
    weights = np.full(len(z), 100.0 / len(z))          # bar heights in % of all pre-activations
    _, _, bars = ax.hist(np.clip(z, -z_limit, z_limit), bins=np.linspace(-z_limit, z_limit, bins + 1),
                         weights=weights, color=color, alpha=0.85,
                         label=tr("pre-activations\n({fraction:.1%} saturated)", fraction=fraction))
    ax.axvspan(-z_limit, -z_edge, color=PALETTE[1], alpha=0.12,
               label=tr("saturated: sigmoid'(z) < {threshold:g}\n(|z| > {z_edge:.1f})", threshold=threshold,
                        z_edge=z_edge))
    ax.axvspan(z_edge, z_limit, color=PALETTE[1], alpha=0.12)
    for edge in (-z_edge, z_edge):
        ax.axvline(edge, color=PALETTE[1], linestyle="--", linewidth=1)
    ax.set_xlim(-z_limit, z_limit)
    ax.set_xlabel(tr("pre-activation z = x · w (values beyond the axis are drawn at its edge)"))
    ax.set_ylabel(tr("% of pre-activations"))
    if title:
        ax.set_title(title)
    place_legend(ax, patches=bars, lines=False, outside=False)    # over the shaded zones, not the bars
    return ax


def plot_feature_strips(X, feature_names, ax=None, *, xlabel=N_("feature value"), title=None, highlight=None):
    """One horizontal strip of points per feature (column of X), to compare where the values lie.

    Points are spread vertically by a fixed pattern (no randomness) so that repeated values stay
    visible. `highlight` is an optional boolean mask shaped like X: the entries it marks (outliers,
    say) are drawn as large diamonds.
    """
    X = _validate.float_array(X, "X", ndim=2)
    names = list(feature_names) if not isinstance(feature_names, str) else None
    if names is None or len(names) != X.shape[1]:
        raise ValueError(tr("feature_names must name each of the {X_shape_1} columns of X; received "
                            "{feature_names!r}", X_shape_1=X.shape[1], feature_names=feature_names))
    if highlight is None:
        mask = np.zeros(X.shape, dtype=bool)
    else:
        mask = np.asarray(highlight)
        if mask.dtype != bool or mask.shape != X.shape:
            raise ValueError(
                tr("highlight must be a boolean mask shaped like X {X_shape}; received {mask}",
                   X_shape=X.shape, mask=_validate.describe(mask)))
    ax = new_axes(ax, figsize=(6.4, 1.2 + 0.9 * X.shape[1]))
    spread = ((np.arange(len(X)) * 0.6180339887) % 1.0 - 0.5) * 0.5    # golden-ratio offsets in [-0.25, 0.25)
    highlighted = []
    for column in range(len(names)):
        level = X.shape[1] - 1 - column                   # the first feature on top
        color = PALETTE[column % len(PALETTE)]
        marked = mask[:, column]
        ax.scatter(X[~marked, column], level + spread[~marked], s=10, color=color, alpha=0.6)
        if marked.any():
            highlighted.append(ax.scatter(X[marked, column], level + spread[marked], s=90, marker="D", color=color,
                                          edgecolor="black", zorder=3))
    if highlighted:
        # the legend shows the very markers drawn: one diamond per colour used
        place_legend(ax, handles=[tuple(highlighted)], labels=[tr("highlighted (outlier)")],
                     handler_map={tuple: HandlerTuple(ndivide=None)})
    ax.set_yticks(range(X.shape[1]), names[::-1])
    ax.set_ylim(-0.6, X.shape[1] - 0.4)
    ax.set_xlabel(tr(xlabel))
    ax.set_ylabel(tr("feature"))
    if title:
        ax.set_title(title)
    ax.grid(True, axis="x", alpha=0.3)
    return ax


def plot_pixel_map(values, ax=None, *, title=None, colorbar_label=N_("value"), mark_zero=True):
    """Show one number per pixel of the 8x8 digits (64 values) as an image, with a colour bar.

    With `mark_zero`, pixels whose value is exactly 0 (a standard deviation of 0, say) are crossed.
    """
    values = _validate.float_array(values, "values", ndim=1)
    if values.shape != (64,):
        raise ValueError(tr("values must hold one number per pixel of an 8x8 image (64); received {values_shape}",
                            values_shape=values.shape))
    ax = new_axes(ax, figsize=(5.2, 4.4))
    image = ax.imshow(values.reshape(8, 8), cmap="viridis")
    ax.figure.colorbar(image, ax=ax, label=tr(colorbar_label))
    if mark_zero:
        rows, columns = np.nonzero(values.reshape(8, 8) == 0)
        if len(rows):
            ax.plot(columns, rows, "x", color=PALETTE[1], markersize=12, markeredgewidth=3, linestyle="none",
                    label=tr("exactly 0"))
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=9)
    ax.set_xticks(range(8))
    ax.set_yticks(range(8))
    ax.set_xlabel(tr("pixel column"))
    ax.set_ylabel(tr("pixel row"))
    if title:
        ax.set_title(title)
    return ax
