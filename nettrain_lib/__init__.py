"""nettrain_lib: the numpy library behind the nettrain course on training neural networks.

Notebooks import every name from here (`from nettrain_lib import mse_loss, Sequential`), plus three
modules that notebook cells use directly and whose paths never change: `nettrain_lib.checks` (the
assertions of the test cells), `nettrain_lib.friendly` (hints under a traceback) and
`nettrain_lib.explore` (sliders). Where the code lives:

    scratch/   lessons 01-06 in plain numpy: the reference answers of their graded functions, and the
               measurements behind their figures (one module per idea: linear.py, batching.py, ...,
               network.py for the capstone's network)
    nn/        lessons 07-08: the Keras 3 API in numpy (models, layers, activations, losses,
               optimizers, callbacks, regularizers, schedules). The graded functions of lessons 07-08
               have no reference copy here: students write them in the notebook
    data/      synthetic data sets and the bundled 8x8 digits
    plots/     the figures, by lesson
"""
import sys
import types

from . import data, nn, plots, scratch
from .data import load_digits, make_blobs, make_linear_regression, train_val_test_split
from .nn.callbacks import (
    Callback,
    EarlyStopping,
    History,
    LearningRateScheduler,
    ModelCheckpoint,
    TerminateOnNaN,
)
from .nn.layers import Dense, Dropout
from .nn.models import Sequential, load_model
from .nn.optimizers import SGD, Adam, RMSprop
from .nn.regularizers import L2
from .nn.schedules import cosine_decay, exponential_decay, step_decay
from .plots import (
    PALETTE,
    plot_batch_partition,
    plot_confusion_matrix,
    plot_curve_1d,
    plot_decision_regions,
    plot_digit_grid,
    plot_error_vs_step_size,
    plot_feature_strips,
    plot_function_contours,
    plot_functions,
    plot_loss_contours,
    plot_loss_curves,
    plot_method_bars,
    plot_parameter_path,
    plot_pixel_map,
    plot_preactivation_histogram,
    plot_regression_fit,
    plot_softmax_example,
    plot_throughput,
    plot_weight_contours,
    weights_loss_grid,
)
from .scratch.batching import epoch_order, iterate_minibatches, make_batches, steps_per_epoch, total_iterations
from .scratch.conditioning import (
    largest_stable_lr,
    least_squares_fit,
    mse_hessian,
    saturated_fraction,
    sigmoid,
    steps_to_converge,
    weights_descent_path,
)
from .scratch.gradcheck import numerical_gradient, relative_error
from .scratch.linear import (
    gradient_descent,
    gradient_descent_path,
    loss_grid,
    mse_gradients,
    mse_loss,
    train_linear_regression,
)
from .scratch.network import (
    glorot_uniform,
    init_network,
    network_backward,
    network_forward,
    sgd_update,
    train_network,
)
from .scratch.normalization import (
    l2_normalize,
    min_max_fit,
    min_max_transform,
    normalize_splits,
    standardize_fit,
    standardize_transform,
)
from .scratch.softmax import (
    accuracy,
    cross_entropy,
    cross_entropy_from_logits,
    log_softmax,
    one_hot,
    softmax,
    softmax_cross_entropy_grad,
    train_softmax_regression,
)
from .scratch.timing import gradient_throughput, seconds_per_epoch
from .scratch.toy import double_well, double_well_descent, double_well_offsets
from .scratch.update_rule import gradient_descent_step

# By lesson: what each one uses (a name appears under the first lesson that uses it).
__all__ = [
    # 01 the update rule
    "make_linear_regression", "mse_loss", "mse_gradients", "numerical_gradient", "relative_error",
    "gradient_descent_step", "gradient_descent", "gradient_descent_path", "loss_grid",
    "PALETTE", "plot_loss_curves", "plot_loss_contours", "plot_parameter_path", "plot_regression_fit",
    "plot_error_vs_step_size",
    # 02 batch, stochastic and mini-batch gradient descent
    "make_batches", "train_linear_regression", "double_well", "double_well_offsets", "double_well_descent",
    "gradient_throughput", "seconds_per_epoch", "plot_curve_1d", "plot_throughput",
    # 03 epochs, iterations and shuffling
    "steps_per_epoch", "total_iterations", "epoch_order", "iterate_minibatches", "plot_batch_partition",
    # 04 input normalization
    "min_max_fit", "min_max_transform", "standardize_fit", "standardize_transform", "l2_normalize",
    "normalize_splits", "least_squares_fit", "mse_hessian", "largest_stable_lr", "steps_to_converge",
    "weights_descent_path", "sigmoid", "saturated_fraction", "load_digits", "train_val_test_split",
    "weights_loss_grid", "plot_weight_contours", "plot_method_bars", "plot_preactivation_histogram",
    "plot_feature_strips", "plot_pixel_map",
    # 05 softmax and cross-entropy
    "softmax", "log_softmax", "one_hot", "cross_entropy", "cross_entropy_from_logits",
    "softmax_cross_entropy_grad", "accuracy", "train_softmax_regression", "make_blobs",
    "plot_softmax_example", "plot_functions", "plot_decision_regions", "plot_confusion_matrix",
    "plot_digit_grid",
    # 06 the capstone: a network trained by the student's own code
    "glorot_uniform", "init_network", "network_forward", "network_backward", "sgd_update", "train_network",
    # 07 the training flow
    "Sequential", "load_model", "Dense", "Dropout", "Callback", "History", "EarlyStopping",
    "ModelCheckpoint", "TerminateOnNaN",
    # 08 optimizers, regularization, schedules
    "SGD", "RMSprop", "Adam", "L2", "LearningRateScheduler", "step_decay", "exponential_decay",
    "cosine_decay", "plot_function_contours",
]

# The module paths of the flat layout this library had before it was grouped by role. Notebooks
# released before then still import them (in setup cells, and in test cells recorded in an existing
# gradebook), so each old path names its module's new home. Remove this table when no notebook of
# the old layout is in use any more. Two names for one module make nettrain-grade's reference guard
# see that module twice, which changes nothing.
_OLD_PATHS = {
    "activations": nn.activations, "batching": scratch.batching, "callbacks": nn.callbacks,
    "digits": data.digits, "gradcheck": scratch.gradcheck, "layers": nn.layers, "linear": scratch.linear,
    "losses": nn.losses, "models": nn.models, "optim": scratch.update_rule, "optimizers": nn.optimizers,
    "plots_classification": plots.classification, "plots_normalization": plots.normalization,
    "regularizers": nn.regularizers, "schedules": nn.schedules, "softmax": scratch.softmax,
    "timing": scratch.timing, "toy": scratch.toy,
}
# The old normalization module held what is now scratch/normalization.py and scratch/conditioning.py.
_OLD_PATHS["normalization"] = types.ModuleType(f"{__name__}.normalization", "The old path of both modules.")
for _module in (scratch.conditioning, scratch.normalization):
    vars(_OLD_PATHS["normalization"]).update({k: v for k, v in vars(_module).items() if not k.startswith("_")})
for _old_name, _module in _OLD_PATHS.items():
    sys.modules.setdefault(f"{__name__}.{_old_name}", _module)
