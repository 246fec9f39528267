"""What every figure of the course shares: the palette, curve styles, a new Axes, checked series,
and one numbering of updates (0 = the start) and epochs (from 1) on every x axis.

Plot helpers take `ax=None` (a new figure when None), label their axes, return the Axes and never
call plt.show(). Colours come from the Okabe-Ito palette, which stays distinct for colour-blind readers.
Contour labels and legends go where they cover no data (`_layout.py`).
"""
import re

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import _validate
from ..i18n import tr

# Okabe & Ito (2008): blue, vermillion, bluish green, orange, reddish purple, sky blue, yellow, black.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


def curve_style(index):
    """Colour and line style of the index-th curve: 8 colours, then the same colours dashed, ..."""
    return PALETTE[index % len(PALETTE)], ("-", "--", ":", "-.")[(index // len(PALETTE)) % 4]


def new_axes(ax, figsize=(6.4, 4.4)):
    """`ax` itself, or the Axes of a new figure of `figsize` inches when ax is None."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def series_on(x, curves, name, x_name):
    """Check {label: values} against the x values they are drawn on; return {label: float array}."""
    if not isinstance(curves, dict) or not curves:
        raise TypeError(tr("{name} must be a non-empty dict {{label: values}}; received {curves}",
                           name=name, curves=_validate.describe(curves)))
    checked = {}
    for label, values in curves.items():
        values = _validate.float_array(values, f"{name}[{label!r}]", ndim=1)
        if values.shape != x.shape:
            raise ValueError(
                tr("{name}[{label!r}] must have one value per {x_name}: {len_x} {x_name} values, "
                   "{len_values} {name} values",
                   name=name, label=label, x_name=x_name, len_x=len(x), len_values=len(values))
            )
        checked[label] = values
    return checked


# ---------------------------------------------------------------- numbering of updates and epochs
# One convention on every axis of the course: update k is the state after k updates (0 = the start,
# before any update); epoch e is the e-th pass over the data, from 1 (Keras prints "Epoch 1/5").
UNITS = ("update", "epoch")
INTEGER_TICKS = {"nbins": "auto", "steps": [1, 2, 2.5, 5, 10], "integer": True}    # matplotlib's default ticks, whole


def axis_unit(unit, xlabel):
    """`unit` checked, or read from the x label's first word when None: "epoch" -> "epoch";
    "update(s)" or "step(s)" -> "update"; anything else ("epochs completed", "examples seen") ->
    None, and the x values are drawn as they are. The Portuguese words count too (época, atualizações,
    passos), so a translated label keeps its axis."""
    if unit is None:
        words = re.findall(r"[^\W\d_]+", (xlabel or "").lower())
        first_word = words[0] if words else ""
        return "epoch" if first_word in ("epoch", "época") else "update" if first_word in (
            "update", "updates", "step", "steps", "atualização", "atualizações", "passo", "passos") else None
    if unit not in UNITS:
        raise ValueError(tr("unit must be one of {UNITS} or None; received {unit!r}", UNITS=UNITS, unit=unit))
    return unit


class EpochLocator(MaxNLocator):
    """Integer ticks from 1 (never epoch 0 or 0.5); 1 itself is a tick unless it would crowd the next one."""

    def __init__(self):
        super().__init__(**INTEGER_TICKS)

    def tick_values(self, vmin, vmax):
        ticks = super().tick_values(vmin, vmax)
        step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
        ticks = ticks[ticks >= 1]
        if len(ticks) and ticks[0] > 1 and ticks[0] - 1 >= 0.6 * step:
            ticks = np.concatenate([[1.0], ticks])
        return ticks


def number_axis(ax, unit):
    """Integer ticks on the x axis of updates (from 0) or epochs (from 1); other axes are left alone."""
    if unit == "epoch":
        ax.xaxis.set_major_locator(EpochLocator())
    elif unit == "update":
        ax.xaxis.set_major_locator(MaxNLocator(**INTEGER_TICKS))
