"""Plotting helpers for classification: softmax outputs, decision regions, confusion matrices, digits.

Same rules as every plot helper (see `_style.py`): `ax=None` makes a new figure, axes are labelled, the Axes are
returned, plt.show() is never called, colours come from the colour-blind-safe PALETTE.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from .. import _validate
from ..i18n import N_, tr
from ..scratch.softmax import softmax
from ._style import PALETTE, curve_style, new_axes, series_on


def plot_softmax_example(logits, axes=None, *, class_names=None):
    """The slides' "Exemplo Visual": logits (left) -> softmax probabilities (right), argmax marked.

    `axes` is a pair of Axes (a new figure when None); returns the pair.
    """
    logits = _validate.float_array(logits, "logits", ndim=1)
    names = list(class_names) if class_names is not None else [tr("class {k}", k=k) for k in range(len(logits))]
    if len(names) != len(logits):
        raise ValueError(tr("class_names must name each of the {len_logits} classes; received {len_names} names",
                            len_logits=len(logits), len_names=len(names)))
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
    ax_logits, ax_probs = axes
    probs = softmax(logits)
    winner = int(np.argmax(probs))
    colors = [PALETTE[1] if k == winner else PALETTE[0] for k in range(len(logits))]
    ax_logits.bar(names, logits, color=PALETTE[5])
    ax_logits.axhline(0, color="0.3", linewidth=0.8)
    ax_logits.set_xlabel(tr("class"))
    ax_logits.set_ylabel(tr("logit z (any real number)"))
    ax_logits.set_title(tr("Logits: the network's raw outputs"))
    bars = ax_probs.bar(names, probs, color=colors)
    for bar, p in zip(bars, probs):
        ax_probs.text(bar.get_x() + bar.get_width() / 2, p + 0.01, f"{p:.2f}", ha="center", va="bottom", fontsize=9)
    ax_probs.set_ylim(0, 1.12)
    ax_probs.set_xlabel(tr("class"))
    ax_probs.set_ylabel(tr("probability softmax(z)"))
    ax_probs.set_title(tr("Probabilities (sum = {total:.2f}); argmax = {winner}", total=probs.sum(),
                          winner=names[winner]))
    return axes


def plot_functions(x, curves, ax=None, *, xlabel="z", ylabel=N_("value"), title=None):
    """Draw several functions of one variable, `curves` = {label: values on x}; dashed after the first."""
    x = _validate.float_array(x, "x", ndim=1)
    checked = series_on(x, curves, "curves", "x")
    ax = new_axes(ax)
    for index, (label, values) in enumerate(checked.items()):
        color, _ = curve_style(index)
        ax.plot(x, values, color=color, linewidth=3 if index == 0 else 2,
                linestyle="-" if index == 0 else "--", label=label)
    ax.set_xlabel(tr(xlabel))
    ax.set_ylabel(tr(ylabel))
    if title:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


def plot_decision_regions(predict, X, labels, ax=None, *, resolution=250, title=None):
    """Colour the plane by the class `predict` gives each point, with the examples on top.

    `predict` maps an (M, 2) array of points to (M,) integer labels; X is (N, 2), labels (N,).
    """
    if not callable(predict):
        raise TypeError(tr("predict must be a function of an (M, 2) array; received {predict}",
                           predict=_validate.describe(predict)))
    X = _validate.float_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(tr("decision regions are drawn in 2-D: X must have 2 columns; received {X_shape_1}",
                            X_shape_1=X.shape[1]))
    labels = np.asarray(labels)
    if labels.shape != (len(X),):
        raise ValueError(tr("labels must have one entry per row of X ({len_X}); received shape {labels_shape}",
                            len_X=len(X), labels_shape=labels.shape))
    margin = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 0.5
    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin
    g1, g2 = np.meshgrid(np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution))
    grid = np.column_stack([g1.ravel(), g2.ravel()])                     # (resolution**2, 2)
    regions = np.asarray(predict(grid)).reshape(g1.shape)
    n_classes = int(max(labels.max(), regions.max())) + 1   # a class may be predicted but absent from labels
    ax = new_axes(ax, figsize=(6.4, 5.2))
    colors = [PALETTE[k % len(PALETTE)] for k in range(n_classes)]
    ax.contourf(g1, g2, regions, levels=np.arange(n_classes + 1) - 0.5, cmap=ListedColormap(colors), alpha=0.25)
    markers = "osD^vP*X"
    for k in range(n_classes):
        points = X[labels == k]
        ax.scatter(points[:, 0], points[:, 1], s=22, color=colors[k], marker=markers[k % len(markers)],
                   edgecolor="black", linewidth=0.5, label=tr("class {k}", k=k))
    ax.set_xlabel(tr("feature x1"))
    ax.set_ylabel(tr("feature x2"))
    if title:
        ax.set_title(title)
    ax.legend(loc="best")
    return ax


def plot_confusion_matrix(labels, predicted, num_classes, ax=None, *, title=None):
    """Counts of (true label, predicted label) pairs; the diagonal holds the correct predictions."""
    num_classes = _validate.positive_int(num_classes, "num_classes")
    labels = _validate.class_labels(labels, num_classes, "labels")
    predicted = _validate.class_labels(predicted, num_classes, "predicted")
    if labels.shape != predicted.shape:
        raise ValueError(tr("labels and predicted must have the same length; received {len_labels} and "
                            "{len_predicted}", len_labels=len(labels), len_predicted=len(predicted)))
    counts = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(counts, (labels, predicted), 1)
    ax = new_axes(ax, figsize=(6.0, 5.2))
    image = ax.imshow(counts, cmap="Blues")
    for i in range(num_classes):
        for j in range(num_classes):
            if counts[i, j]:
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=9,
                        color="white" if counts[i, j] > counts.max() / 2 else "black")
    ax.set_xticks(range(num_classes))
    ax.set_yticks(range(num_classes))
    ax.set_xlabel(tr("predicted label"))
    ax.set_ylabel(tr("true label"))
    if title:
        ax.set_title(title)
    plt.colorbar(image, ax=ax, label=tr("number of examples"))
    return ax


def plot_digit_grid(X, labels, *, n_columns=10, n_rows=2, predicted=None, fig=None):
    """Show the first n_rows * n_columns digits of X (rows of 64 pixels) with their labels.

    With `predicted`, each title shows "label -> prediction", red where they differ. Returns the figure.
    """
    X = _validate.float_array(X, "X", ndim=2)
    if X.shape[1] != 64:
        raise ValueError(tr("digits have 64 pixels (8 x 8); X has {X_shape_1} columns", X_shape_1=X.shape[1]))
    n_columns = _validate.positive_int(n_columns, "n_columns")
    n_rows = _validate.positive_int(n_rows, "n_rows")
    count = min(len(X), n_columns * n_rows)
    if len(labels) < count or (predicted is not None and len(predicted) < count):
        raise ValueError(
            tr("labels (and predicted) must cover the {count} digits shown; received {labels} labels", count=count,
               labels=len(labels))
            + ("" if predicted is None else tr(" and {predicted} predictions", predicted=len(predicted)))
        )
    vmax = 16.0 if X.max() > 1.0 else 1.0          # pixel counts 0..16, or pixels scaled to [0, 1]
    if fig is None:
        fig = plt.figure(figsize=(1.1 * n_columns, 1.3 * n_rows), layout="constrained")
    axes = fig.subplots(n_rows, n_columns, squeeze=False)
    for index, ax in enumerate(axes.ravel()):
        ax.set_axis_off()
        if index >= count:
            continue
        ax.imshow(X[index].reshape(8, 8), cmap="gray_r", vmin=0, vmax=vmax)
        if predicted is None:
            ax.set_title(str(labels[index]), fontsize=10)
        else:
            wrong = predicted[index] != labels[index]
            ax.set_title(f"{labels[index]} -> {predicted[index]}", fontsize=9, color=PALETTE[1] if wrong else "black")
    return fig
