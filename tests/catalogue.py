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
}
