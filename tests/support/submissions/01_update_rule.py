"""Submissions for the grading round trip of lesson 01.

WRONG[function] lists the mistakes students really make, each as (name, source, words that the
failure message must contain); the test checks that the function's test cell scores 0 and that
the message names the mistake. CORRECT[function] lists correct implementations written differently
from the instructor's, which must keep full marks. The other graded cells of each submission hold
the instructor's solution.
"""

WRONG = {
    "mse_loss": [
        ("sum instead of mean", """
def mse_loss(X, y, w, b):
    return float(np.sum((X @ w + b - y) ** 2))
""", "summed instead of averaged"),
        ("factor one half", """
def mse_loss(X, y, w, b):
    return 0.5 * np.mean((X @ w + b - y) ** 2)
""", "no factor 1/2"),
        ("bias forgotten", """
def mse_loss(X, y, w, b):
    return np.mean((X @ w - y) ** 2)
""", "bias b is missing"),
        ("squared residuals not averaged", """
def mse_loss(X, y, w, b):
    return (X @ w + b - y) ** 2
""", "Did you forget to average"),
        ("mean absolute error", """
def mse_loss(X, y, w, b):
    return np.mean(np.abs(X @ w + b - y))
""", "absolute residuals"),
    ],
    "mse_gradients": [
        ("factor 2 missing", """
def mse_gradients(X, y, w, b):
    r = X @ w + b - y
    return X.T @ r / len(y), np.sum(r) / len(y)
""", "factor 2"),
        ("sum instead of mean", """
def mse_gradients(X, y, w, b):
    r = X @ w + b - y
    return 2 * X.T @ r, 2 * np.sum(r)
""", "not divided by N"),
        ("sign flipped", """
def mse_gradients(X, y, w, b):
    r = y - (X @ w + b)
    return 2 * X.T @ r / len(y), 2 * np.sum(r) / len(y)
""", "sign is flipped"),
        ("one mean over all entries", """
def mse_gradients(X, y, w, b):
    r = X @ w + b - y
    return 2 * np.mean(X * r[:, None]), 2 * np.mean(r)
""", "numpy array of shape (1,)"),
        ("sums over the features (axis=1) instead of the examples", """
def mse_gradients(X, y, w, b):
    r = X @ w + b - y
    return 2 * np.sum(X * r[:, None], axis=1) / len(X), 2 * np.sum(r) / len(X)
""", "should have shape (1,)"),
        ("column vector instead of (D,)", """
def mse_gradients(X, y, w, b):
    r = (X @ w + b - y).reshape(-1, 1)
    return 2 * X.T @ r / len(X), 2 * float(np.sum(r)) / len(X)
""", "should have shape (1,)"),
    ],
    "numerical_gradient": [
        ("forward difference", """
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        grad[i] = (f(x) - fx) / eps
        x[i] = old
    return grad
""", "forward difference"),
        ("divides by eps instead of 2 eps", """
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / eps
    return grad
""", "instead of 2 * eps"),
        ("restores x by adding and subtracting eps", """
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += eps
        up = f(x)
        x[i] -= 2 * eps
        down = f(x)
        x[i] += eps
        grad[i] = (up - down) / (2 * eps)
    return grad
""", "changed its input"),
        ("loops over rows only", """
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad
""", "whole row at once"),
        ("nudges a reshaped copy, which is a copy for a transposed x", """
def numerical_gradient(f, x, eps=1e-6):
    flat = x.reshape(-1)
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f(x)
        flat[i] = old - eps
        down = f(x)
        flat[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad.reshape(x.shape)
""", "all zeros"),
        ("ignores the eps argument", """
def numerical_gradient(f, x, eps=1e-6):
    h = 1e-5
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad
""", "eps argument is ignored"),
        ("divides by 2 and then multiplies by eps: `/ 2 * eps`", """
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / 2 * eps
    return grad
""", "multiplies by eps"),
        ("never puts the entry back", """
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        grad[i] = (up - down) / (2 * eps)
    return grad
""", "changed its input"),
    ],
    "gradient_descent_step": [
        ("sign error", """
def gradient_descent_step(param, grad, lr):
    return param + lr * grad
""", "you add lr * grad"),
        ("updates in place", """
def gradient_descent_step(param, grad, lr):
    param -= lr * grad
    return param
""", "changed its input"),
        ("returns the step", """
def gradient_descent_step(param, grad, lr):
    return lr * grad
""", "return the step"),
        ("copies with .copy(), which floats do not have", """
def gradient_descent_step(param, grad, lr):
    new_param = param.copy()
    new_param -= lr * grad
    return new_param
""", "has no attribute 'copy'"),
    ],
    "gradient_descent": [
        ("starting loss missing", """
def gradient_descent(X, y, lr, n_steps, w0=None, b0=0.0):
    w = np.zeros(X.shape[1]) if w0 is None else w0.copy()
    b = b0
    losses = []
    for _ in range(n_steps):
        dw, db = mse_gradients(X, y, w, b)
        w = w - lr * dw
        b = b - lr * db
        losses.append(mse_loss(X, y, w, b))
    return w, b, losses
""", "One short"),
        ("modifies w0 in place", """
def gradient_descent(X, y, lr, n_steps, w0=None, b0=0.0):
    w = np.zeros(X.shape[1]) if w0 is None else w0
    b = b0
    losses = [mse_loss(X, y, w, b)]
    for _ in range(n_steps):
        dw, db = mse_gradients(X, y, w, b)
        w -= lr * dw
        b -= lr * db
        losses.append(mse_loss(X, y, w, b))
    return w, b, losses
""", "changed its input"),
        ("bias never updated", """
def gradient_descent(X, y, lr, n_steps, w0=None, b0=0.0):
    w = np.zeros(X.shape[1]) if w0 is None else w0.copy()
    b = b0
    losses = [mse_loss(X, y, w, b)]
    for _ in range(n_steps):
        dw, db = mse_gradients(X, y, w, b)
        w = w - lr * dw
        losses.append(mse_loss(X, y, w, b))
    return w, b, losses
""", "b never changes"),
        ("w0=None always gives one weight", """
def gradient_descent(X, y, lr, n_steps, w0=None, b0=0.0):
    w = np.zeros(1) if w0 is None else w0.copy()
    b = b0
    losses = [mse_loss(X, y, w, b)]
    for _ in range(n_steps):
        dw, db = mse_gradients(X, y, w, b)
        w = w - lr * dw
        b = b - lr * db
        losses.append(mse_loss(X, y, w, b))
    return w, b, losses
""", "one zero per feature"),
        ("db computed after w was updated", """
def gradient_descent(X, y, lr, n_steps, w0=None, b0=0.0):
    w = np.zeros(X.shape[1]) if w0 is None else w0.copy()
    b = b0
    losses = [mse_loss(X, y, w, b)]
    for _ in range(n_steps):
        w = w - lr * mse_gradients(X, y, w, b)[0]
        b = b - lr * mse_gradients(X, y, w, b)[1]
        losses.append(mse_loss(X, y, w, b))
    return w, b, losses
""", "db is computed after w was already updated"),
        ("one update too many", """
def gradient_descent(X, y, lr, n_steps, w0=None, b0=0.0):
    w = np.zeros(X.shape[1]) if w0 is None else w0.copy()
    b = b0
    losses = [mse_loss(X, y, w, b)]
    for _ in range(n_steps + 1):
        dw, db = mse_gradients(X, y, w, b)
        w = w - lr * dw
        b = b - lr * db
        losses.append(mse_loss(X, y, w, b))
    return w, b, losses
""", "One too many"),
        ("ignores w0 and b0", """
def gradient_descent(X, y, lr, n_steps, w0=None, b0=0.0):
    w = np.zeros(X.shape[1])
    b = 0.0
    losses = [mse_loss(X, y, w, b)]
    for _ in range(n_steps):
        dw, db = mse_gradients(X, y, w, b)
        w = w - lr * dw
        b = b - lr * db
        losses.append(mse_loss(X, y, w, b))
    return w, b, losses
""", "w0 and b0 are ignored"),
        ("ignores b0 (starts from b = 0)", """
def gradient_descent(X, y, lr, n_steps, w0=None, b0=0.0):
    w = np.zeros(X.shape[1]) if w0 is None else w0.copy()
    b = 0.0
    losses = [mse_loss(X, y, w, b)]
    for _ in range(n_steps):
        dw, db = mse_gradients(X, y, w, b)
        w = w - lr * dw
        b = b - lr * db
        losses.append(mse_loss(X, y, w, b))
    return w, b, losses
""", "b0 is ignored"),
        ("w0=None gives one zero per example (X.shape[0])", """
def gradient_descent(X, y, lr, n_steps, w0=None, b0=0.0):
    w = np.zeros(X.shape[0]) if w0 is None else w0.copy()
    b = b0
    losses = [mse_loss(X, y, w, b)]
    for _ in range(n_steps):
        dw, db = mse_gradients(X, y, w, b)
        w = w - lr * dw
        b = b - lr * db
        losses.append(mse_loss(X, y, w, b))
    return w, b, losses
""", "one zero per feature"),
    ],
}

CORRECT = {
    "mse_loss": [
        ("loop over examples", """
def mse_loss(X, y, w, b):
    total = 0.0
    for x_i, y_i in zip(X, y):
        total += (x_i @ w + b - y_i) ** 2
    return total / len(y)
"""),
        ("dot product of the residual with itself, returned as a numpy float", """
def mse_loss(X, y, w, b):
    error = y - (np.dot(X, w) + b)
    return np.dot(error, error) / error.shape[0]
"""),
    ],
    "mse_gradients": [
        ("loop over examples", """
def mse_gradients(X, y, w, b):
    n, d = X.shape
    dw = np.zeros(d)
    db = 0.0
    for i in range(n):
        r = X[i] @ w + b - y[i]
        dw += 2 * r * X[i] / n
        db += 2 * r / n
    return dw, db
"""),
        ("returns a list [dw, db] computed with an augmented X", """
def mse_gradients(X, y, w, b):
    X1 = np.hstack([X, np.ones((len(X), 1))])
    theta = np.append(w, b)
    g = 2 * X1.T @ (X1 @ theta - y) / len(X)
    return [g[:-1], g[-1]]
"""),
        ("broadcasting and np.mean, db as a numpy float", """
def mse_gradients(X, y, w, b):
    r = np.dot(X, w) + b - y
    return np.mean(2 * r[:, np.newaxis] * X, axis=0), np.mean(2 * r)
"""),
    ],
    "numerical_gradient": [
        ("perturbed copies and a flat index", """
def numerical_gradient(f, x, eps=1e-6):
    grad = np.empty(x.size)
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = eps
        step = step.reshape(x.shape)
        grad[k] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad.reshape(x.shape)
"""),
        ("np.nditer with multi_index", """
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        idx = it.multi_index
        saved = x[idx]
        x[idx] = saved + eps
        plus = f(x)
        x[idx] = saved - eps
        minus = f(x)
        x[idx] = saved
        grad[idx] = (plus - minus) / (2 * eps)
        it.iternext()
    return grad
"""),
        ("nudges a copy of x, flat index through np.unravel_index", """
def numerical_gradient(f, x, eps=1e-6):
    work = x.copy()
    grad = np.zeros(x.shape)
    for k in range(x.size):
        idx = np.unravel_index(k, x.shape)
        work[idx] = x[idx] + eps
        plus = f(work)
        work[idx] = x[idx] - eps
        minus = f(work)
        work[idx] = x[idx]
        grad[idx] = (plus - minus) / (2 * eps)
    return grad
"""),
    ],
    "gradient_descent_step": [
        ("np.subtract", """
def gradient_descent_step(param, grad, lr):
    return np.subtract(param, np.multiply(lr, grad))
"""),
        ("adds the negative step", """
def gradient_descent_step(param, grad, lr):
    step = -lr * grad
    return param + step
"""),
        ("np.copy, then subtract in the copy (a 0-d array for a float)", """
def gradient_descent_step(param, grad, lr):
    new_param = np.copy(param)
    new_param -= lr * np.asarray(grad)
    return new_param
"""),
    ],
    "gradient_descent": [
        ("own formulas, no helper calls, losses as an array", """
def gradient_descent(X, y, lr, n_steps, w0=None, b0=0.0):
    n, d = X.shape
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=float, copy=True)
    b = float(b0)
    losses = np.empty(n_steps + 1)
    for step in range(n_steps + 1):
        r = X @ w + b - y
        losses[step] = np.mean(r ** 2)
        if step < n_steps:
            w = w - lr * 2 / n * (X.T @ r)
            b = b - lr * 2 / n * r.sum()
    return w, b, losses
"""),
        ("while loop with the lesson's functions", """
def gradient_descent(X, y, lr, n_steps, w0=None, b0=0.0):
    if w0 is None:
        w0 = np.zeros(X.shape[1])
    w, b = w0.copy(), b0
    history = [mse_loss(X, y, w, b)]
    k = 0
    while k < n_steps:
        grad_w, grad_b = mse_gradients(X, y, w, b)
        w, b = gradient_descent_step(w, grad_w, lr), gradient_descent_step(b, grad_b, lr)
        history.append(mse_loss(X, y, w, b))
        k += 1
    return w, b, history
"""),
        ("zeros_like(X[0]) for w0=None, w0 + 0.0 as the copy", """
def gradient_descent(X, y, lr, n_steps, w0=None, b0=0.0):
    w = np.zeros_like(X[0], dtype=float) if w0 is None else w0 + 0.0
    b = b0
    losses = []
    for step in range(n_steps + 1):
        losses.append(mse_loss(X, y, w, b))
        if step == n_steps:
            break
        dw, db = mse_gradients(X, y, w, b)
        w, b = w - lr * dw, b - lr * db
    return w, b, losses
"""),
    ],
}
