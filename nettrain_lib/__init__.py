"""nettrain_lib: the numpy helpers behind the nettrain course on training neural networks.

Each lesson's graded functions have a reference version here, so that later lessons can build on
what earlier ones taught. `nettrain_lib.checks` holds the helpers the notebooks' test cells use.
"""
from .batching import iterate_minibatches, make_batches, steps_per_epoch, total_iterations
from .callbacks import EarlyStopping, LearningRateScheduler, ModelCheckpoint
from .data import make_linear_regression
from .gradcheck import numerical_gradient, relative_error
from .layers import Dense, Dropout
from .linear import (
    gradient_descent,
    gradient_descent_path,
    loss_grid,
    mse_gradients,
    mse_loss,
    train_linear_regression,
)
from .models import History, Sequential, load_model
from .normalization import (
    l2_normalize,
    largest_stable_lr,
    least_squares_fit,
    min_max_fit,
    min_max_transform,
    mse_hessian,
    normalize_splits,
    saturated_fraction,
    standardize_fit,
    standardize_transform,
    steps_to_converge,
    weights_descent_path,
)
from .optim import gradient_descent_step
from .optimizers import SGD, Adam, RMSprop
from .plots import (
    PALETTE,
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
from .plots_normalization import (
    plot_feature_strips,
    plot_method_bars,
    plot_pixel_map,
    plot_preactivation_histogram,
    plot_weight_contours,
    weights_loss_grid,
)
from .regularizers import L2
from .schedules import cosine_decay, exponential_decay, step_decay
from .timing import gradient_throughput, seconds_per_epoch
from .toy import double_well, double_well_descent, double_well_offsets

__all__ = [
    "Adam",
    "cosine_decay",
    "Dense",
    "double_well",
    "double_well_descent",
    "double_well_offsets",
    "Dropout",
    "EarlyStopping",
    "exponential_decay",
    "gradient_descent",
    "gradient_descent_path",
    "gradient_descent_step",
    "gradient_throughput",
    "History",
    "iterate_minibatches",
    "L2",
    "l2_normalize",
    "largest_stable_lr",
    "LearningRateScheduler",
    "least_squares_fit",
    "load_model",
    "loss_grid",
    "make_batches",
    "make_linear_regression",
    "min_max_fit",
    "min_max_transform",
    "ModelCheckpoint",
    "mse_gradients",
    "mse_hessian",
    "mse_loss",
    "normalize_splits",
    "numerical_gradient",
    "PALETTE",
    "plot_batch_partition",
    "plot_curve_1d",
    "plot_error_vs_step_size",
    "plot_function_contours",
    "plot_feature_strips",
    "plot_loss_contours",
    "plot_loss_curves",
    "plot_method_bars",
    "plot_parameter_path",
    "plot_pixel_map",
    "plot_preactivation_histogram",
    "plot_regression_fit",
    "plot_throughput",
    "plot_weight_contours",
    "relative_error",
    "RMSprop",
    "saturated_fraction",
    "seconds_per_epoch",
    "Sequential",
    "SGD",
    "standardize_fit",
    "standardize_transform",
    "step_decay",
    "steps_per_epoch",
    "steps_to_converge",
    "total_iterations",
    "train_linear_regression",
    "weights_descent_path",
    "weights_loss_grid",
]
