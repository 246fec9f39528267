"""What every figure of the course shares: the palette, curve styles, a new Axes, checked series.

Plot helpers take `ax=None` (a new figure when None), label their axes, return the Axes and never
call plt.show(). Colours come from the Okabe-Ito palette, which stays distinct for colour-blind readers.
"""
import matplotlib.pyplot as plt

from .. import _validate

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
        raise TypeError(f"{name} must be a non-empty dict {{label: values}}; received {_validate.describe(curves)}")
    checked = {}
    for label, values in curves.items():
        values = _validate.float_array(values, f"{name}[{label!r}]", ndim=1)
        if values.shape != x.shape:
            raise ValueError(
                f"{name}[{label!r}] must have one value per {x_name}: {len(x)} {x_name} values, "
                f"{len(values)} {name} values"
            )
        checked[label] = values
    return checked
