"""Submissions for the grading round trip of lesson 03 (see tests/support/submissions/01_update_rule.py)."""

WRONG = {
    "steps_per_epoch": [
        ("rounds down", """
def steps_per_epoch(n_samples, batch_size):
    return n_samples // batch_size
""", "round up, not down"),
        ("returns a float", """
def steps_per_epoch(n_samples, batch_size):
    return n_samples / batch_size
""", "should be a whole number"),
        ("always adds one", """
def steps_per_epoch(n_samples, batch_size):
    return n_samples // batch_size + 1
""", "batch gradient descent: one step per epoch"),
        ("np.ceil, a float", """
def steps_per_epoch(n_samples, batch_size):
    return np.ceil(n_samples / batch_size)
""", "Round up with math.ceil"),
        ("rounds to the nearest (round)", """
def steps_per_epoch(n_samples, batch_size):
    return round(n_samples / batch_size)
""", "round up, not down"),
    ],
    "total_iterations": [
        ("epochs * N / B", """
def total_iterations(n_samples, batch_size, epochs):
    return epochs * n_samples / batch_size
""", "Every epoch takes a whole number of steps"),
        ("ignores the last, smaller batch", """
def total_iterations(n_samples, batch_size, epochs):
    return epochs * (n_samples // batch_size)
""", "last, smaller batch of every epoch is missing"),
        ("ceil over the whole run", """
def total_iterations(n_samples, batch_size, epochs):
    return math.ceil(epochs * n_samples / batch_size)
""", "rounded up once over the whole run"),
        ("returns a float", """
def total_iterations(n_samples, batch_size, epochs):
    return float(epochs * math.ceil(n_samples / batch_size))
""", "return an int"),
        ("adds one to the floor in every epoch", """
def total_iterations(n_samples, batch_size, epochs):
    return epochs * (n_samples // batch_size + 1)
""", "there is no extra batch"),
        ("adds epochs to the steps", """
def total_iterations(n_samples, batch_size, epochs):
    return epochs + math.ceil(n_samples / batch_size)
""", "expected 3 steps per epoch * 5 epochs = 15"),
    ],
    "iterate_minibatches": [
        ("shuffles the caller's arrays in place", """
def iterate_minibatches(X, y, batch_size, rng=None):
    if rng is not None:
        order = rng.permutation(len(X))
        X[:] = X[order]
        y[:] = y[order]
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]
""", "changed its input"),
        ("shuffles X and y with different permutations", """
def iterate_minibatches(X, y, batch_size, rng=None):
    if rng is not None:
        X = X[rng.permutation(len(X))]
        y = y[rng.permutation(len(y))]
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]
""", "rows of X and y were separated"),
        ("drops the last, smaller batch", """
def iterate_minibatches(X, y, batch_size, rng=None):
    order = rng.permutation(len(X)) if rng is not None else np.arange(len(X))
    for k in range(len(X) // batch_size):
        rows = order[k * batch_size:(k + 1) * batch_size]
        yield X[rows], y[rows]
""", "last, smaller batch"),
        ("draws rows with replacement", """
def iterate_minibatches(X, y, batch_size, rng=None):
    order = rng.integers(0, len(X), size=len(X)) if rng is not None else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]
""", "exactly once per epoch"),
        ("y batches as columns", """
def iterate_minibatches(X, y, batch_size, rng=None):
    order = rng.permutation(len(X)) if rng is not None else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows].reshape(-1, 1)
""", "y_batch 1-D"),
        ("yields the row indices", """
def iterate_minibatches(X, y, batch_size, rng=None):
    order = rng.permutation(len(X)) if rng is not None else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        yield order[start:start + batch_size]
""", "should yield pairs"),
        ("one permutation kept between calls", """
_CACHED_ORDER = {}
def iterate_minibatches(X, y, batch_size, rng=None):
    if rng is None:
        order = np.arange(len(X))
    else:
        order = _CACHED_ORDER.setdefault(len(X), rng.permutation(len(X)))
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]
""", "two epochs came in the same order"),
        ("uses np.random instead of the rng", """
def iterate_minibatches(X, y, batch_size, rng=None):
    order = np.random.permutation(len(X)) if rng is not None else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]
""", "not from np.random"),
        ("copies X and y, then rng.shuffle of each (rows no longer paired)", """
def iterate_minibatches(X, y, batch_size, rng=None):
    X, y = X.copy(), y.copy()
    if rng is not None:
        rng.shuffle(X)
        rng.shuffle(y)
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]
""", "rows of X and y were separated"),
        ("rng.shuffle(X) on the caller's arrays (Nielsen style)", """
def iterate_minibatches(X, y, batch_size, rng=None):
    if rng is not None:
        state = rng.bit_generator.state
        rng.shuffle(X)
        rng.bit_generator.state = state
        rng.shuffle(y)
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]
""", "changed its input"),
        ("draws each batch at random (CS231n style)", """
def iterate_minibatches(X, y, batch_size, rng=None):
    for start in range(0, len(X), batch_size):
        if rng is None:
            rows = np.arange(start, min(start + batch_size, len(X)))
        else:
            rows = rng.choice(len(X), min(batch_size, len(X) - start), replace=False)
        yield X[rows], y[rows]
""", "exactly once per epoch"),
        ("a new permutation for every batch", """
def iterate_minibatches(X, y, batch_size, rng=None):
    for start in range(0, len(X), batch_size):
        order = rng.permutation(len(X)) if rng is not None else np.arange(len(X))
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]
""", "exactly once per epoch"),
        ("a generator with a fixed seed inside, not the rng given", """
def iterate_minibatches(X, y, batch_size, rng=None):
    order = np.random.default_rng(0).permutation(len(X)) if rng is not None else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]
""", "two epochs came in the same order"),
        ("shuffles even without an rng", """
def iterate_minibatches(X, y, batch_size, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]
""", "Without rng, the order should be 0, 1, 2"),
    ],
}

CORRECT = {
    "steps_per_epoch": [
        ("negative floor division", """
def steps_per_epoch(n_samples, batch_size):
    return -(-n_samples // batch_size)
"""),
        ("int of np.ceil", """
def steps_per_epoch(n_samples, batch_size):
    return int(np.ceil(n_samples / batch_size))
"""),
        ("logs a warning to stderr for a batch larger than the data", """
import logging
def steps_per_epoch(n_samples, batch_size):
    logging.warning("steps_per_epoch(%s, %s)", n_samples, batch_size)
    return (n_samples + batch_size - 1) // batch_size
"""),
    ],
    "total_iterations": [
        ("adds up the steps of every epoch", """
def total_iterations(n_samples, batch_size, epochs):
    total = 0
    for _ in range(epochs):
        total += (n_samples + batch_size - 1) // batch_size
    return total
"""),
        ("math.ceil inline", """
def total_iterations(n_samples, batch_size, epochs):
    return epochs * math.ceil(n_samples / batch_size)
"""),
    ],
    "iterate_minibatches": [
        ("np.array_split of the permutation, np.take", """
def iterate_minibatches(X, y, batch_size, rng=None):
    idx = np.arange(len(X)) if rng is None else rng.permutation(len(X))
    for rows in np.array_split(idx, range(batch_size, len(X), batch_size)):
        yield np.take(X, rows, axis=0), np.take(y, rows, axis=0)
"""),
        ("returns an iterator over a list (not a generator function)", """
def iterate_minibatches(X, y, batch_size, rng=None):
    order = list(range(len(X)))
    if rng is not None:
        order = list(rng.permutation(len(X)))
    batches = []
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        batches.append((X[rows], y[rows]))
    return iter(batches)
"""),
        ("rng.shuffle of an index array", """
def iterate_minibatches(X, y, batch_size, rng=None):
    rows = np.arange(len(X))
    if rng is not None:
        rng.shuffle(rows)
    for start in range(0, len(rows), batch_size):
        batch = rows[start:start + batch_size]
        yield X[batch], y[batch]
"""),
        ("rng.choice(n, n, replace=False)", """
def iterate_minibatches(X, y, batch_size, rng=None):
    n = X.shape[0]
    order = rng.choice(n, n, replace=False) if rng is not None else range(n)
    order = list(order)
    while order:
        rows, order = order[:batch_size], order[batch_size:]
        yield X[rows], y[rows]
"""),
        ("argsort of rng.random, batches as lists of rows", """
def iterate_minibatches(X, y, batch_size, rng=None):
    n = len(y)
    order = np.argsort(rng.random(n)) if rng is not None else np.arange(n)
    for k in range(-(-n // batch_size)):
        rows = order[k * batch_size:(k + 1) * batch_size]
        yield X[rows], y[rows]
"""),
    ],
}
