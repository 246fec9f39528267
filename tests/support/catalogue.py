"""The graded functions of each lesson, as ../shared/curriculum.md names them: the contract between
the notebooks, their autograder tests and the instructors. A lesson's solution cells must define
exactly these signatures (names, argument order and defaults)."""

CATALOGUE = {
    "01_update_rule": {
        "mse_loss": "(X, y, w, b)",
        "mse_gradients": "(X, y, w, b)",
        "gradient_descent_step": "(param, grad, lr)",
        "numerical_gradient": "(f, x, eps=1e-06)",
        "gradient_descent": "(X, y, lr, n_steps, w0=None, b0=0.0)",
    },
    "02_batch_strategies": {
        "make_batches": "(n_samples, batch_size)",
        "train_linear_regression": "(X, y, batch_size, lr, epochs, rng=None)",
    },
    "03_epochs_iterations": {
        "steps_per_epoch": "(n_samples, batch_size)",
        "total_iterations": "(n_samples, batch_size, epochs)",
        "iterate_minibatches": "(X, y, batch_size, rng=None)",
    },
    "04_normalization": {
        "min_max_fit": "(X)",
        "min_max_transform": "(X, x_min, x_max, feature_range=(0.0, 1.0))",
        "standardize_fit": "(X)",
        "standardize_transform": "(X, mean, std)",
        "l2_normalize": "(X)",
        "normalize_splits": "(X_train, X_test, method)",
    },
    "05_softmax_cross_entropy": {
        "softmax": "(z)",
        "one_hot": "(labels, num_classes)",
        "cross_entropy": "(Y, probs, eps=1e-12)",
        "softmax_cross_entropy_grad": "(logits, Y)",
        "accuracy": "(labels, probs)",
        "train_softmax_regression": "(X, labels, num_classes, lr, epochs, batch_size, rng)",
    },
    "06_network_from_scratch": {
        "relu": "(x)",
        "relu_backward": "(d_out, x)",
        "dense_forward": "(X, W, b)",
        "dense_backward": "(d_out, X, W)",
        "glorot_uniform": "(fan_in, fan_out, rng)",
        "init_network": "(layer_sizes, rng)",
        "network_forward": "(X, params)",
        "network_backward": "(P, Y, cache, params)",
        "sgd_update": "(params, grads, lr)",
        "train_network": "(X, labels, num_classes, hidden_sizes, lr, epochs, batch_size, rng)",
    },
    "07_training_flow": {
        "validation_split_indices": "(n_samples, validation_split)",
        "early_stopping_epoch": "(val_losses, patience, min_delta=0.0)",
    },
    "08_optimizers": {
        "momentum_step": "(param, grad, velocity, lr, momentum=0.9)",
        "rmsprop_step": "(param, grad, sq_avg, lr=0.001, rho=0.9, eps=1e-07)",
        "adam_step": "(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-07)",
        "step_decay": "(lr0, epoch, drop=0.5, epochs_per_drop=10)",
        "l2_penalty_grad": "(grad, W, lam)",
        "dropout_forward": "(X, rate, rng, training=True)",
        "dropout_backward": "(d_out, mask)",
    },
}
