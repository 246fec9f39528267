"""Submissions for the grading round trip of lesson 05 (see tests/support/submissions/01_update_rule.py)."""

_TRAIN_BODY = """
def train_softmax_regression(X, labels, num_classes, lr, epochs, batch_size, rng):
    n, d = X.shape
    Y = one_hot(labels, num_classes)
    W, b = np.zeros((d, num_classes)), np.zeros(num_classes)
    history = {"loss": [], "accuracy": []}
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            grad = softmax_cross_entropy_grad(X[rows] @ W + b, Y[rows])
            W = W {sign} lr * X[rows].T @ grad
            b = b {sign} lr * grad.sum(axis=0)
            {per_step}
        {per_epoch}
    return W, b, history
"""
_RECORD = ('probs = softmax(X @ W + b)\n            history["loss"].append(cross_entropy(Y, probs))\n'
           '            history["accuracy"].append(accuracy(labels, probs))')
_RECORD_EPOCH = _RECORD.replace("\n            ", "\n        ")
# The contract's loop, as the instructor wrote it; a mistake is one replaced line.
_CONTRACT_LOOP = _TRAIN_BODY.replace("{sign}", "-").replace("{per_step}", "pass").replace("{per_epoch}", _RECORD_EPOCH)

WRONG = {
    "softmax": [
        ("naive: no max shift", """
def softmax(z):
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)
""", "exp(1000) overflows"),
        ("normalises the whole array", """
def softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)
""", "each row on its own"),
        ("normalises the columns", """
def softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=0)
""", "each column sums to 1"),
        ("shifts by the global maximum", """
def softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=-1, keepdims=True)
""", "each row's own maximum"),
        ("shifts in place", """
def softmax(z):
    z -= np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)
""", "changed its input"),
        ("axis=1 (fails on a 1-D z)", """
def softmax(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)
""", "along the last axis (axis=-1)"),
        ("no keepdims", """
def softmax(z):
    e = np.exp(z - np.max(z, axis=-1))
    return e / np.sum(e, axis=-1)
""", "use keepdims=True"),
    ],
    "one_hot": [
        ("transposed", """
def one_hot(labels, num_classes):
    return np.eye(num_classes)[labels].T
""", "transposed"),
        ("integer dtype", """
def one_hot(labels, num_classes):
    Y = np.zeros((len(labels), num_classes), dtype=int)
    Y[np.arange(len(labels)), labels] = 1
    return Y
""", "should return floats"),
        ("infers the classes from the labels", """
def one_hot(labels, num_classes):
    return np.eye(labels.max() + 1)[labels]
""", "use num_classes"),
    ],
    "cross_entropy": [
        ("sum over the examples", """
def cross_entropy(Y, probs, eps=1e-12):
    return -np.sum(Y * np.log(np.clip(probs, eps, 1.0)))
""", "take the mean over the rows"),
        ("mean over every entry", """
def cross_entropy(Y, probs, eps=1e-12):
    return -np.mean(Y * np.log(np.clip(probs, eps, 1.0)))
""", "all N * C entries"),
        ("no clipping", """
def cross_entropy(Y, probs, eps=1e-12):
    return -np.mean(np.sum(Y * np.log(probs), axis=1))
""", "clip probs"),
        ("minus sign missing", """
def cross_entropy(Y, probs, eps=1e-12):
    return np.mean(np.sum(Y * np.log(np.clip(probs, eps, 1.0)), axis=1))
""", "minus sign is missing"),
        ("clips with a fixed 1e-12", """
def cross_entropy(Y, probs, eps=1e-12):
    return -np.mean(np.sum(Y * np.log(np.clip(probs, 1e-12, 1.0)), axis=1))
""", "eps argument is ignored"),
        ("adds eps instead of clipping", """
def cross_entropy(Y, probs, eps=1e-12):
    return -np.mean(np.sum(Y * np.log(probs + eps), axis=1))
""", "eps is added to the probabilities"),
    ],
    "softmax_cross_entropy_grad": [
        ("not divided by N", """
def softmax_cross_entropy_grad(logits, Y):
    return softmax(logits) - Y
""", "not divided by N"),
        ("sign flipped", """
def softmax_cross_entropy_grad(logits, Y):
    return (Y - softmax(logits)) / len(logits)
""", "sign is flipped"),
        ("softmax forgotten", """
def softmax_cross_entropy_grad(logits, Y):
    return (logits - Y) / len(logits)
""", "softmax is missing"),
    ],
    "accuracy": [
        ("counts instead of a fraction", """
def accuracy(labels, probs):
    return np.sum(np.argmax(probs, axis=1) == labels)
""", "number of right predictions"),
        ("percentage", """
def accuracy(labels, probs):
    return 100 * np.mean(np.argmax(probs, axis=1) == labels)
""", "percentage"),
        ("argmax over the wrong axis", """
def accuracy(labels, probs):
    return np.mean(np.argmax(probs, axis=0) == labels)
""", "take the argmax of each row (axis=1)"),
        ("argmax over the whole array", """
def accuracy(labels, probs):
    return float(np.mean(np.argmax(probs) == labels))
""", "take the argmax of each row (axis=1)"),
    ],
    "train_softmax_regression": [
        ("adds the gradient", _TRAIN_BODY.replace("{sign}", "+").replace("{per_step}", "pass").replace("{per_epoch}", _RECORD_EPOCH),
         "training loss should fall"),
        ("records after every batch", _TRAIN_BODY.replace("{sign}", "-").replace("{per_step}", _RECORD).replace("{per_epoch}", "pass"),
         "One value per update"),
        ("never updates the bias",
         _CONTRACT_LOOP
         .replace("b = b - lr * grad.sum(axis=0)", "pass"), "b never changes"),
        ("records the last batch's loss",
         _CONTRACT_LOOP
         .replace("probs = softmax(X @ W + b)", "probs = softmax(X[rows] @ W + b)")
         .replace("cross_entropy(Y, probs)", "cross_entropy(Y[rows], probs)")
         .replace("accuracy(labels, probs)", "accuracy(labels[rows], probs)"), "on the whole training set"),
        ("one permutation for all epochs",
         _CONTRACT_LOOP
         .replace("    for _ in range(epochs):\n        order = rng.permutation(n)", "    order = rng.permutation(n)\n    for _ in range(epochs):"),
         "one per epoch"),
        ("shuffles with np.random",
         _CONTRACT_LOOP
         .replace("rng.permutation(n)", "np.random.permutation(n)"), "not from np.random"),
        ("drops the last, smaller batch",
         _CONTRACT_LOOP
         .replace("range(0, n, batch_size)", "range(0, n - batch_size + 1, batch_size)"), "the last, smaller one too"),
        ("shuffles X in place",
         _CONTRACT_LOOP
         .replace("        order = rng.permutation(n)\n",
                  "        order = rng.permutation(n)\n        X[:], labels[:], Y = X[order], labels[order], Y[order]\n"
                  "        order = np.arange(n)\n"), "changed its input"),
    ],
}

CORRECT = {
    "softmax": [
        ("copies z, then shifts the copy in place", """
def softmax(z):
    shifted = np.array(z, dtype=float)
    shifted -= shifted.max(axis=-1, keepdims=True)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=-1, keepdims=True)
    return shifted
"""),
        ("log-sum-exp then exp", """
def softmax(z):
    m = z.max(axis=-1, keepdims=True)
    log_sum = m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True))
    return np.exp(z - log_sum)
"""),
        ("row by row with a loop for 2-D", """
def softmax(z):
    if z.ndim == 1:
        e = np.exp(z - z.max())
        return e / e.sum()
    return np.array([softmax(row) for row in z])
"""),
    ],
    "one_hot": [
        ("rows of the identity", """
def one_hot(labels, num_classes):
    return np.eye(num_classes)[labels]
"""),
        ("comparison with arange", """
def one_hot(labels, num_classes):
    return (np.asarray(labels)[:, None] == np.arange(num_classes)).astype(float)
"""),
    ],
    "cross_entropy": [
        ("picks the true-class probability", """
def cross_entropy(Y, probs, eps=1e-12):
    p_true = np.sum(Y * np.clip(probs, eps, 1.0), axis=1)
    return float(-np.mean(np.log(p_true)))
"""),
        ("np.where for the clip", """
def cross_entropy(Y, probs, eps=1e-12):
    safe = np.where(probs < eps, eps, np.where(probs > 1, 1.0, probs))
    return float(np.mean(-(Y * np.log(safe)).sum(axis=1)))
"""),
        ("np.maximum and a sum divided by N", """
def cross_entropy(Y, probs, eps=1e-12):
    return -(Y * np.log(np.minimum(np.maximum(probs, eps), 1))).sum() / Y.shape[0]
"""),
    ],
    "softmax_cross_entropy_grad": [
        ("own stable softmax inline", """
def softmax_cross_entropy_grad(logits, Y):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True) - Y) / len(Y)
"""),
        ("np.subtract and np.divide", """
def softmax_cross_entropy_grad(logits, Y):
    return np.divide(np.subtract(softmax(logits), Y), Y.shape[0])
"""),
    ],
    "accuracy": [
        ("counts and divides", """
def accuracy(labels, probs):
    right = 0
    for row, label in zip(probs, labels):
        right += int(np.argmax(row) == label)
    return right / len(labels)
"""),
        ("np.argmax(axis=-1) and np.average", """
def accuracy(labels, probs):
    return float(np.average(np.argmax(probs, axis=-1) == np.asarray(labels)))
"""),
        ("np.count_nonzero", """
def accuracy(labels, probs):
    return np.count_nonzero(probs.argmax(-1) == labels) / labels.size
"""),
    ],
    "train_softmax_regression": [
        ("own formulas, a parameter dict", """
def train_softmax_regression(X, labels, num_classes, lr, epochs, batch_size, rng):
    params = {"W": np.zeros((X.shape[1], num_classes)), "b": np.zeros(num_classes)}
    Y = np.eye(num_classes)[labels]
    history = {"loss": [], "accuracy": []}
    for epoch in range(epochs):
        idx = rng.permutation(len(X))
        for rows in np.array_split(idx, range(batch_size, len(X), batch_size)):
            z = X[rows] @ params["W"] + params["b"]
            e = np.exp(z - z.max(axis=1, keepdims=True))
            g = (e / e.sum(axis=1, keepdims=True) - Y[rows]) / len(rows)
            params["W"] -= lr * X[rows].T @ g
            params["b"] -= lr * g.sum(axis=0)
        z = X @ params["W"] + params["b"]
        log_p = z - z.max(axis=1, keepdims=True)
        log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
        history["loss"].append(float(-np.mean(log_p[np.arange(len(X)), labels])))
        history["accuracy"].append(float(np.mean(z.argmax(axis=1) == labels)))
    return params["W"], params["b"], history
"""),
        ("rng.shuffle of an index array, batches from a list of slices", """
def train_softmax_regression(X, labels, num_classes, lr, epochs, batch_size, rng):
    n = len(X)
    Y = one_hot(labels, num_classes)
    W = np.zeros((X.shape[1], num_classes))
    b = np.zeros(num_classes)
    history = {"loss": [], "accuracy": []}
    for epoch in range(epochs):
        index = np.arange(n)
        rng.shuffle(index)
        for batch in [index[i:i + batch_size] for i in range(0, n, batch_size)]:
            g = softmax_cross_entropy_grad(X[batch] @ W + b, Y[batch])
            W = W - lr * (X[batch].T @ g)
            b = b - lr * np.sum(g, axis=0)
        probs = softmax(X @ W + b)
        history["loss"].append(cross_entropy(Y, probs))
        history["accuracy"].append(accuracy(labels, probs))
    return W, b, history
"""),
        ("rng.choice without replacement, a while loop", """
def train_softmax_regression(X, labels, num_classes, lr, epochs, batch_size, rng):
    Y = one_hot(labels, num_classes)
    W, b = np.zeros((X.shape[1], num_classes)), np.zeros(num_classes)
    history = {"loss": [], "accuracy": []}
    for _ in range(epochs):
        order = rng.choice(len(X), len(X), replace=False)
        start = 0
        while start < len(X):
            rows = order[start:start + batch_size]
            grad = softmax_cross_entropy_grad(X[rows] @ W + b, Y[rows])
            W, b = W - lr * X[rows].T @ grad, b - lr * grad.sum(axis=0)
            start += batch_size
        probs = softmax(X @ W + b)
        history["loss"].append(float(cross_entropy(Y, probs)))
        history["accuracy"].append(float(accuracy(labels, probs)))
    return W, b, history
"""),
        ("the lesson's functions, loss as numpy floats", _CONTRACT_LOOP),
    ],
}

# An adversarial read of the grader: a fixed order written into the generator's record by hand, and
# an extra draw in every epoch, are not the one permutation per epoch that the contract asks for.
WRONG["train_softmax_regression"] += [
    ("a fixed order written into rng's record by hand", _CONTRACT_LOOP.replace(
        "for _ in range(epochs):\n        order = rng.permutation(n)",
        "for epoch in range(epochs):\n        order = np.roll(np.arange(n), 7 * epoch + 3)\n"
        "        if hasattr(rng, \"_keep\"):\n            rng._keep(order)"),
     "is not the next draw from rng"),
    ("an extra draw from rng in every epoch", _CONTRACT_LOOP.replace(
        "order = rng.permutation(n)", "order = rng.permutation(n)\n        rng.random()"),
     "is not the next draw from rng"),
]
