"""The course's figures, by lesson. Each helper takes `ax=None`, labels its axes, returns the Axes
and never calls plt.show() (the shared rules, the palette and the numbering of updates and epochs
are in `_style.py`; where contour labels and legends go, clear of the data, in `_layout.py`).

    descent.py          lessons 01-03: loss curves and surfaces, descent paths, batches, throughput
    normalization.py    lesson 04: weight contours, method bars, saturation, feature strips, pixel maps
    classification.py   lesson 05: softmax outputs, decision regions, confusion matrix, digit grids
"""
from ._style import PALETTE
from .classification import (
    plot_confusion_matrix,
    plot_decision_regions,
    plot_digit_grid,
    plot_functions,
    plot_softmax_example,
)
from .descent import (
    LARGEST_DRAWN_LOSS,
    plot_batch_partition,
    plot_curve_1d,
    plot_error_vs_step_size,
    plot_function_contours,
    plot_loss_contours,
    plot_loss_curves,
    plot_parameter_path,
    plot_regression_fit,
    plot_throughput,
)
from .normalization import (
    plot_feature_strips,
    plot_method_bars,
    plot_pixel_map,
    plot_preactivation_histogram,
    plot_weight_contours,
    weights_loss_grid,
)

__all__ = [
    "LARGEST_DRAWN_LOSS", "PALETTE",
    "plot_batch_partition", "plot_confusion_matrix", "plot_curve_1d", "plot_decision_regions",
    "plot_digit_grid", "plot_error_vs_step_size", "plot_feature_strips", "plot_function_contours",
    "plot_functions", "plot_loss_contours", "plot_loss_curves", "plot_method_bars", "plot_parameter_path",
    "plot_pixel_map", "plot_preactivation_histogram", "plot_regression_fit", "plot_softmax_example",
    "plot_throughput", "plot_weight_contours", "weights_loss_grid",
]
