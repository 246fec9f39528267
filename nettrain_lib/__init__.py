"""nettrain_lib: the numpy helpers behind the nettrain course on training neural networks.

Each lesson's graded functions have a reference version here, so that later lessons can build on
what earlier ones taught. `nettrain_lib.checks` holds the helpers the notebooks' test cells use.
"""
from .data import make_linear_regression
from .gradcheck import numerical_gradient, relative_error
from .linear import gradient_descent, gradient_descent_path, loss_grid, mse_gradients, mse_loss
from .optim import gradient_descent_step
from .plots import (
    PALETTE,
    plot_loss_contours,
    plot_loss_curves,
    plot_error_vs_step_size,
    plot_parameter_path,
    plot_regression_fit,
)

__all__ = [
    "PALETTE",
    "gradient_descent",
    "gradient_descent_path",
    "gradient_descent_step",
    "loss_grid",
    "make_linear_regression",
    "mse_gradients",
    "mse_loss",
    "numerical_gradient",
    "plot_error_vs_step_size",
    "plot_loss_contours",
    "plot_loss_curves",
    "plot_parameter_path",
    "plot_regression_fit",
    "relative_error",
]
