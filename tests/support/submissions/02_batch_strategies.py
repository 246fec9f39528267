"""Submissions for the grading round trip of lesson 02 (see tests/support/submissions/01_update_rule.py)."""

WRONG = {
    "make_batches": [
        ("drops the last, shorter batch", """
def make_batches(n_samples, batch_size):
    return [np.arange(k * batch_size, (k + 1) * batch_size) for k in range(n_samples // batch_size)]
""", "dropped the last, shorter batch"),
        ("fills the last batch up from the start", """
def make_batches(n_samples, batch_size):
    count = -(-n_samples // batch_size)
    return [np.arange(k * batch_size, (k + 1) * batch_size) % n_samples for k in range(count)]
""", "filled the last batch up"),
        ("np.array_split into n // batch_size pieces", """
def make_batches(n_samples, batch_size):
    return np.array_split(np.arange(n_samples), n_samples // batch_size)
""", "should give ceil(10 / 4) = 3 batches"),
        ("overlapping slices", """
def make_batches(n_samples, batch_size):
    return [np.arange(start, min(start + batch_size + 1, n_samples)) for start in range(0, n_samples, batch_size)]
""", "but the batches are"),
        ("float index arrays (np.arange of a float start)", """
def make_batches(n_samples, batch_size):
    return [np.arange(k * batch_size, min((k + 1) * batch_size, n_samples))
            for k in np.arange(np.ceil(n_samples / batch_size))]
""", "indices must be integers"),
        ("yields the batches (a generator, not a list)", """
def make_batches(n_samples, batch_size):
    for start in range(0, n_samples, batch_size):
        yield np.arange(start, min(start + batch_size, n_samples))
""", "not a list"),
        ("n // batch_size + 1 batches: an empty one when batch_size divides n_samples", """
def make_batches(n_samples, batch_size):
    return [np.arange(k * batch_size, min((k + 1) * batch_size, n_samples)) for k in range(n_samples // batch_size + 1)]
""", "gave an empty batch"),
    ],
    "train_linear_regression": [
        ("sums the batch's gradients", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = rng.permutation(n) if rng is not None else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            r = X[rows] @ w + b - y[rows]
            w, b = w - lr * 2 * X[rows].T @ r, b - lr * 2 * r.sum()
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "summed, not averaged"),
        ("divides by N instead of the batch size", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = rng.permutation(n) if rng is not None else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            r = X[rows] @ w + b - y[rows]
            w, b = w - lr * 2 / n * X[rows].T @ r, b - lr * 2 / n * r.sum()
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "divided by N = 3"),
        ("records the batch's loss", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = rng.permutation(n) if rng is not None else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X[rows], y[rows], w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "each batch's own loss"),
        ("skips the last, smaller batch", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = rng.permutation(n) if rng is not None else np.arange(n)
        for k in range(n // batch_size):
            rows = order[k * batch_size:(k + 1) * batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "last, smaller batch skipped"),
        ("one permutation for all epochs", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    order = rng.permutation(n) if rng is not None else np.arange(n)
    for _ in range(epochs):
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "epochs used the same batches"),
        ("draws batches with replacement", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = rng.integers(0, n, size=n) if rng is not None else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "exactly once per epoch"),
        ("shuffles X but not y", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        Xe = X[rng.permutation(n)] if rng is not None else X
        for start in range(0, n, batch_size):
            dw, db = mse_gradients(Xe[start:start + batch_size], y[start:start + batch_size], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "each row keeps its target"),
        ("shuffles after each epoch, so the first is in order", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    order = np.arange(n)
    for _ in range(epochs):
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
        if rng is not None:
            order = rng.permutation(n)
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "the first one included"),
        ("divides the last, smaller batch by batch_size", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = rng.permutation(n) if rng is not None else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            r = X[rows] @ w + b - y[rows]
            w, b = w - lr * 2 * X[rows].T @ r / batch_size, b - lr * 2 * r.sum() / batch_size
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "divide by the batch's own size"),
        ("shuffles with np.random instead of rng", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = np.random.permutation(n) if rng is not None else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "not from np.random"),
        ("returns step_loss and epoch_loss as Python lists", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = rng.permutation(n) if rng is not None else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": step_loss, "epoch_loss": epoch_loss, "path": np.array(path)}
""", "not a numpy array"),
        ("returns path as a list of arrays", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = rng.permutation(n) if rng is not None else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": path}
""", "path is a list, not a numpy array"),
        ("records the loss before each update", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = rng.permutation(n) if rng is not None else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            step_loss.append(mse_loss(X, y, w, b))
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "before each update"),
        ("epoch_loss is the mean of the epoch's step losses", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = rng.permutation(n) if rng is not None else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(np.mean(step_loss[-((n + batch_size - 1) // batch_size):]))
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "mean of the epoch's step losses"),
        ("ignores rng: always the natural order", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "every epoch came in the natural order"),
        ("makes its own generator instead of using rng", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = np.random.default_rng().permutation(n) if rng is not None else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "not from np.random or a new generator"),
        ("shuffles X and y in place with rng.shuffle", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        if rng is not None:
            rng.shuffle(X)
            rng.shuffle(y)
        order = np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "changed its input"),
        ("shuffles X and y with two different permutations", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        Xe = X[rng.permutation(n)] if rng is not None else X
        ye = y[rng.permutation(n)] if rng is not None else y
        for start in range(0, n, batch_size):
            dw, db = mse_gradients(Xe[start:start + batch_size], ye[start:start + batch_size], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
""", "each row keeps its target"),
    ],
}

CORRECT = {
    "make_batches": [
        ("np.array_split at multiples of the batch size", """
def make_batches(n_samples, batch_size):
    return np.array_split(np.arange(n_samples), range(batch_size, n_samples, batch_size))
"""),
        ("plain Python lists", """
def make_batches(n_samples, batch_size):
    batches, current = [], []
    for i in range(n_samples):
        current.append(i)
        if len(current) == batch_size:
            batches.append(current)
            current = []
    if current:
        batches.append(current)
    return batches
"""),
    ],
    "train_linear_regression": [
        ("own gradient formulas, preallocated path, lists turned into arrays at the end", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    steps = -(-n // batch_size)
    path = np.zeros((epochs * steps + 1, d + 1))
    w, b = np.zeros(d), 0.0
    step_loss, epoch_loss, k = [], [], 0
    for epoch in range(epochs):
        idx = np.arange(n) if rng is None else rng.permutation(n)
        for batch in np.array_split(idx, range(batch_size, n, batch_size)):
            r = X[batch] @ w + b - y[batch]
            grad_w = 2 * X[batch].T @ r / len(batch)
            grad_b = 2 * np.mean(r)
            w = w - lr * grad_w
            b = b - lr * grad_b
            k += 1
            path[k, :d], path[k, d] = w, b
            step_loss.append(float(np.mean((X @ w + b - y) ** 2)))
        epoch_loss.append(step_loss[-1])
    return dict(w=w, b=b, step_loss=np.array(step_loss), epoch_loss=np.array(epoch_loss), path=path)
"""),
        ("uses make_batches and reorders with the permutation", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    theta = np.zeros(X.shape[1] + 1)
    history = [theta.copy()]
    step_loss, epoch_loss = [], []
    for _ in range(epochs):
        perm = np.arange(len(X)) if rng is None else rng.permutation(len(X))
        Xp, yp = X[perm], y[perm]
        for rows in make_batches(len(X), batch_size):
            dw, db = mse_gradients(Xp[rows], yp[rows], theta[:-1], theta[-1])
            theta = theta - lr * np.append(dw, db)
            history.append(theta.copy())
            step_loss.append(mse_loss(X, y, theta[:-1], theta[-1]))
        epoch_loss.append(step_loss[-1])
    return {"w": theta[:-1], "b": theta[-1], "path": np.vstack(history),
            "step_loss": np.asarray(step_loss), "epoch_loss": np.asarray(epoch_loss)}
"""),
        ("rng.shuffle of an index array, batches sliced from reordered copies", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n = len(X)
    w, b = np.zeros(X.shape[1]), 0.0
    path, step_loss, epoch_loss = [np.r_[w, b]], [], []
    for _ in range(epochs):
        idx = np.arange(n)
        if rng is not None:
            rng.shuffle(idx)
        Xs, ys = X[idx], y[idx]
        for i in range(0, n, batch_size):
            xb, yb = Xs[i:i + batch_size], ys[i:i + batch_size]
            err = xb @ w + b - yb
            w = w - lr * (2 / len(yb)) * (xb.T @ err)
            b = b - lr * (2 / len(yb)) * err.sum()
            path.append(np.r_[w, b])
            step_loss.append(np.mean((X @ w + b - y) ** 2))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": float(b), "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss),
            "path": np.array(path)}
"""),
        ("rng.choice(n, n, replace=False)", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = rng.choice(n, n, replace=False) if rng is not None else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
"""),
        ("rng.permuted of an index array", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = rng.permuted(np.arange(n)) if rng is not None else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
"""),
        ("argsort of rng.random(n)", """
def train_linear_regression(X, y, batch_size, lr, epochs, rng=None):
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    path, step_loss, epoch_loss = [np.append(w, b)], [], []
    for _ in range(epochs):
        order = np.argsort(rng.random(n)) if rng is not None else np.arange(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
            path.append(np.append(w, b))
            step_loss.append(mse_loss(X, y, w, b))
        epoch_loss.append(step_loss[-1])
    return {"w": w, "b": b, "step_loss": np.array(step_loss), "epoch_loss": np.array(epoch_loss), "path": np.array(path)}
"""),
    ],
}
