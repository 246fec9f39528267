"""Submissions for the grading round trip of lesson 06 (see tests/support/submissions/01_update_rule.py)."""

WRONG = {
    "relu": [
        ("returns the mask", """
def relu(x):
    return (x > 0).astype(float)
""", "you return the mask"),
        ("absolute value", """
def relu(x):
    return np.abs(x)
""", "absolute value"),
        ("zeroes the input in place", """
def relu(x):
    x[x < 0] = 0
    return x
""", "changed its input"),
    ],
    "relu_backward": [
        ("divides by x (passes the visible test)", """
def relu_backward(d_out, x):
    return d_out * np.maximum(x, 0) / x
""", "no division by x"),
        ("the mask only", """
def relu_backward(d_out, x):
    return (x > 0).astype(float)
""", "multiply it by d_out"),
        ("d_out unchanged", """
def relu_backward(d_out, x):
    return d_out
""", "zero it where x < 0"),
        ("relu of x", """
def relu_backward(d_out, x):
    return np.maximum(x, 0)
""", "you return relu(x)"),
    ],
    "dense_forward": [
        ("bias forgotten", """
def dense_forward(X, W, b):
    return X @ W
""", "bias b is not added"),
        ("W @ X", """
def dense_forward(X, W, b):
    return W @ X + b
""", "could not be broadcast"),
    ],
    "dense_backward": [
        ("db summed over the units (passes the visible test with a diagonal d_out)", """
def dense_backward(d_out, X, W):
    return d_out @ W.T, X.T @ d_out, d_out.sum(axis=1)
""", "axis=0, one value per unit"),
        ("returns (dW, dX, db)", """
def dense_backward(d_out, X, W):
    return X.T @ d_out, d_out @ W.T, d_out.sum(axis=0)
""", "the order is (dX, dW, db)"),
        ("db as a mean", """
def dense_backward(d_out, X, W):
    return d_out @ W.T, X.T @ d_out, d_out.mean(axis=0)
""", "db is the mean over the batch"),
        ("divides dW by N", """
def dense_backward(d_out, X, W):
    return d_out @ W.T, X.T @ d_out / len(X), d_out.sum(axis=0)
""", "dW is divided by N"),
        ("dW transposed", """
def dense_backward(d_out, X, W):
    return d_out @ W.T, d_out.T @ X, d_out.sum(axis=0)
""", "transposed"),
    ],
    "validation_split_indices": [
        ("the first rows", """
def validation_split_indices(n_samples, validation_split):
    n_val = n_samples - math.floor(n_samples * (1 - validation_split))
    return np.arange(n_val, n_samples), np.arange(n_val)
""", "the LAST rows"),
        ("int(n * split) validation rows", """
def validation_split_indices(n_samples, validation_split):
    n_val = int(n_samples * validation_split)
    return np.arange(n_samples - n_val), np.arange(n_samples - n_val, n_samples)
""", "int(10 * 0.25) = 2"),
        ("shuffled", """
def validation_split_indices(n_samples, validation_split):
    n_train = math.floor(n_samples * (1 - validation_split))
    order = np.random.default_rng(0).permutation(n_samples)
    return order[:n_train], order[n_train:]
""", "in order"),
    ],
    "early_stopping_epoch": [
        ("one epoch too late", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, wait = None, 0
    for epoch, loss in enumerate(val_losses):
        if best is None or loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait > patience:
                return epoch
    return None
""", "expected 3"),
        ("compares with the previous epoch (passes the visible test)", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    wait = 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[epoch - 1] - min_delta:
            wait = 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return None
""", "BEST loss so far"),
        ("patience 0 also stops on an improving epoch (passes the visible test)", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, best_epoch = val_losses[0], 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] + min_delta < best:
            best, best_epoch = val_losses[epoch], epoch
        if epoch - best_epoch >= patience:
            return epoch
    return None
""", "epochs that improve never stop training"),
        ("ignores min_delta", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, wait = None, 0
    for epoch, loss in enumerate(val_losses):
        if best is None or loss < best:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience and epoch > 0:
                return epoch
    return None
""", "with min_delta=0.05"),
    ],
}

CORRECT = {
    "relu": [
        ("np.where", """
def relu(x):
    return np.where(x > 0, x, 0)
"""),
        ("multiplies by the mask", """
def relu(x):
    return x * (x > 0)
"""),
    ],
    "relu_backward": [
        ("np.where", """
def relu_backward(d_out, x):
    return np.where(x > 0, d_out, 0.0)
"""),
        ("copy and zero", """
def relu_backward(d_out, x):
    d_x = d_out.copy()
    d_x[x <= 0] = 0
    return d_x
"""),
    ],
    "dense_forward": [
        ("np.dot and broadcasting", """
def dense_forward(X, W, b):
    return np.dot(X, W) + b[np.newaxis, :]
"""),
        ("einsum", """
def dense_forward(X, W, b):
    return np.einsum("nd,dm->nm", X, W) + b
"""),
    ],
    "dense_backward": [
        ("einsum and a list", """
def dense_backward(d_out, X, W):
    return [np.einsum("nm,dm->nd", d_out, W), np.einsum("nd,nm->dm", X, d_out), np.einsum("nm->m", d_out)]
"""),
        ("loops over examples", """
def dense_backward(d_out, X, W):
    dW = np.zeros(W.shape)
    db = np.zeros(W.shape[1])
    for n in range(len(X)):
        dW += np.outer(X[n], d_out[n])
        db += d_out[n]
    return d_out @ W.T, dW, db
"""),
    ],
    "validation_split_indices": [
        ("int of the product", """
def validation_split_indices(n_samples, validation_split):
    n_train = int(n_samples * (1 - validation_split))
    indices = np.arange(n_samples)
    return indices[:n_train], indices[n_train:]
"""),
        ("np.split", """
def validation_split_indices(n_samples, validation_split):
    train, val = np.split(np.arange(n_samples), [math.floor(n_samples * (1.0 - validation_split))])
    return train, val
"""),
    ],
    "early_stopping_epoch": [
        ("counts epochs since the best", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best_epoch = 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best_epoch] - min_delta:
            best_epoch = epoch
        elif epoch - best_epoch >= patience:
            return epoch
    return None
"""),
        ("numpy running minimum", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    losses = np.asarray(val_losses, dtype=float)
    best = losses[0]
    since = 0
    for epoch in range(1, len(losses)):
        if losses[epoch] < best - min_delta:
            best, since = losses[epoch], 0
        else:
            since += 1
            if since >= patience:
                return int(epoch)
    return None
"""),
    ],
}
