"""Submissions for the grading round trip of lesson 06 (see tests/support/submissions/01_update_rule.py).

relu, relu_backward, dense_forward and dense_backward moved here from the old lesson 06 (now 07_training_flow)."""

_TRAIN = """
def train_network(X, labels, num_classes, hidden_sizes, lr, epochs, batch_size, rng):
    n, d = X.shape
    Y = np.eye(num_classes)[labels]
    params = init_network([d, *hidden_sizes, num_classes], rng)
    history = {{"loss": [], "accuracy": []}}
    {once}for epoch in range({epochs}):
        {order}
        for start in range(0, {stop}, batch_size):
            rows = order[start:start + batch_size]
            P, cache = network_forward(X[rows], params)
            params = sgd_update(params, network_backward(P, Y[rows], cache, params), lr)
        {record}
    return params, history
"""
_WHOLE = ('P, _ = network_forward(X, params)\n'
          '        history["loss"].append(-np.mean(np.log(P[np.arange(n), labels])))\n'
          '        history["accuracy"].append({scale}np.mean(P.argmax(axis=1) == labels))')


def _train(once="", epochs="epochs", order="order = rng.permutation(n)", stop="n", scale="",
           record=None):
    return _TRAIN.format(once=once, epochs=epochs, order=order, stop=stop,
                         record=record or _WHOLE.format(scale=scale))

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
""", "`x[x < 0] = 0` changes the caller's x"),
        ("np.max instead of np.maximum", """
def relu(x):
    return np.max(x, 0)
""", "np.maximum(x, 0) compares entry by entry"),
    ],
    "relu_backward": [
        ("divides by x", """
def relu_backward(d_out, x):
    return d_out * np.maximum(x, 0) / x
""", "nan or inf where x == 0: no division by x"),
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
        ("multiplies d_out by relu(x)", """
def relu_backward(d_out, x):
    return d_out * np.maximum(x, 0)
""", "you multiply d_out by relu(x)"),
        ("zeroes d_out in place", """
def relu_backward(d_out, x):
    d_out[x <= 0] = 0
    return d_out
""", "`d_out[x < 0] = 0` changes the caller's d_out"),
    ],
    "dense_forward": [
        ("bias forgotten", """
def dense_forward(X, W, b):
    return X @ W
""", "bias b is not added"),
        ("W @ X", """
def dense_forward(X, W, b):
    return W @ X + b
""", "the shapes do not fit"),
        ("b added as a column", """
def dense_forward(X, W, b):
    return X @ W + b.reshape(-1, 1)
""", "the shapes do not fit"),
    ],
    "dense_backward": [
        ("db summed over the units", """
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
    "glorot_uniform": [
        ("limit from fan_in only", """
def glorot_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(6 / fan_in)
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))
""", "the limit uses fan_in only"),
        ("a normal distribution", """
def glorot_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(6 / (fan_in + fan_out))
    return rng.normal(0, limit, size=(fan_in, fan_out))
""", "normal distribution"),
        ("shape (fan_out, fan_in)", """
def glorot_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_out, fan_in))
""", "looks transposed"),
        ("drawn transposed, then transposed back", """
def glorot_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_out, fan_in)).T
""", "transpose it"),
        ("the square root forgotten", """
def glorot_uniform(fan_in, fan_out, rng):
    limit = 6 / (fan_in + fan_out)
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))
""", "the square root is missing"),
        ("float32 weights", """
def glorot_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32)
""", "return float64"),
        ("np.random instead of rng", """
def glorot_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(6 / (fan_in + fan_out))
    return np.random.uniform(-limit, limit, size=(fan_in, fan_out))
""", "drew nothing from rng"),
        ("a new generator inside", """
def glorot_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(6 / (fan_in + fan_out))
    return np.random.default_rng(0).uniform(-limit, limit, size=(fan_in, fan_out))
""", "drew nothing from rng"),
    ],
    "init_network": [
        ("random biases", """
def init_network(layer_sizes, rng):
    params = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        params.append((glorot_uniform(fan_in, fan_out, rng), glorot_uniform(1, fan_out, rng)[0]))
    return params
""", "the biases start at 0"),
        ("layers drawn in reverse order", """
def init_network(layer_sizes, rng):
    params = []
    for fan_in, fan_out in reversed(list(zip(layer_sizes[:-1], layer_sizes[1:]))):
        params.insert(0, (glorot_uniform(fan_in, fan_out, rng), np.zeros(fan_out)))
    return params
""", "drawn in reverse order"),
        ("W drawn (fan_out, fan_in)", """
def init_network(layer_sizes, rng):
    return [(glorot_uniform(layer_sizes[i + 1], layer_sizes[i], rng), np.zeros(layer_sizes[i + 1]))
            for i in range(len(layer_sizes) - 1)]
""", "looks transposed"),
        ("the last layer forgotten", """
def init_network(layer_sizes, rng):
    params = []
    for i in range(len(layer_sizes) - 2):
        params.append((glorot_uniform(layer_sizes[i], layer_sizes[i + 1], rng), np.zeros(layer_sizes[i + 1])))
    return params
""", "one per layer"),
        ("a new generator for every layer", """
def init_network(layer_sizes, rng):
    return [(glorot_uniform(a, b, np.random.default_rng(0)), np.zeros(b))
            for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]
""", "drew nothing from rng"),
    ],
    "network_forward": [
        ("ReLU on the last layer too", """
def network_forward(X, params):
    cache, A = [], X
    for W, b in params:
        Z = dense_forward(A, W, b)
        cache.append((A, Z))
        A = relu(Z)
    exp = np.exp(A - A.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True), cache
""", "ReLU is applied to the last layer too"),
        ("the cache holds relu(Z)", """
def network_forward(X, params):
    cache, A = [], X
    for index, (W, b) in enumerate(params):
        Z = dense_forward(A, W, b)
        if index < len(params) - 1:
            A_next = relu(Z)
            cache.append((A, A_next))
            A = A_next
        else:
            cache.append((A, Z))
    exp = np.exp(Z - Z.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True), cache
""", "the cache holds relu(Z)"),
        ("softmax without the max shift", """
def network_forward(X, params):
    cache, A = [], X
    for index, (W, b) in enumerate(params):
        Z = dense_forward(A, W, b)
        cache.append((A, Z))
        if index < len(params) - 1:
            A = relu(Z)
    exp = np.exp(Z)
    return exp / exp.sum(axis=1, keepdims=True), cache
""", "subtract each row's maximum"),
        ("no ReLU on the hidden layers", """
def network_forward(X, params):
    cache, A = [], X
    for W, b in params:
        Z = dense_forward(A, W, b)
        cache.append((A, Z))
        A = Z
    exp = np.exp(Z - Z.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True), cache
""", "the hidden layer has no ReLU"),
        ("softmax down the columns", """
def network_forward(X, params):
    cache, A = [], X
    for index, (W, b) in enumerate(params):
        Z = dense_forward(A, W, b)
        cache.append((A, Z))
        if index < len(params) - 1:
            A = relu(Z)
    exp = np.exp(Z - Z.max())
    return exp / exp.sum(axis=0), cache
""", "down the columns"),
    ],
    "network_backward": [
        ("not averaged over the batch", """
def network_backward(P, Y, cache, params):
    grads = []
    dZ = P - Y
    for index in reversed(range(len(params))):
        dA_prev, dW, db = dense_backward(dZ, cache[index][0], params[index][0])
        grads.append((dW, db))
        if index > 0:
            dZ = relu_backward(dA_prev, cache[index - 1][1])
    return grads[::-1]
""", "not divided by N"),
        ("the ReLU mask of the wrong layer", """
def network_backward(P, Y, cache, params):
    grads = []
    dZ = (P - Y) / len(P)
    for index in reversed(range(len(params))):
        A_prev, Z = cache[index]
        dA_prev, dW, db = dense_backward(dZ, A_prev, params[index][0])
        grads.append((dW, db))
        if index > 0:
            dZ = relu_backward(dA_prev, Z)
    return grads[::-1]
""", "the ReLU mask"),
        ("gradients in reversed order", """
def network_backward(P, Y, cache, params):
    grads = []
    dZ = (P - Y) / len(P)
    for index in reversed(range(len(params))):
        dA_prev, dW, db = dense_backward(dZ, cache[index][0], params[index][0])
        grads.append((dW, db))
        if index > 0:
            dZ = relu_backward(dA_prev, cache[index - 1][1])
    return grads
""", "reversed order"),
        ("no ReLU mask", """
def network_backward(P, Y, cache, params):
    grads = []
    dZ = (P - Y) / len(P)
    for index in reversed(range(len(params))):
        dA_prev, dW, db = dense_backward(dZ, cache[index][0], params[index][0])
        grads.append((dW, db))
        dZ = dA_prev
    return grads[::-1]
""", "ReLU's slope is missing"),
        ("dW transposed", """
def network_backward(P, Y, cache, params):
    grads = []
    dZ = (P - Y) / len(P)
    for index in reversed(range(len(params))):
        A_prev, _ = cache[index]
        grads.insert(0, (dZ.T @ A_prev, dZ.sum(axis=0)))
        if index > 0:
            dZ = relu_backward(dZ @ params[index][0].T, cache[index - 1][1])
    return grads
""", "A_prev.T @ dZ"),
        ("P -= Y changes P", """
def network_backward(P, Y, cache, params):
    grads = []
    P -= Y
    dZ = P / len(P)
    for index in reversed(range(len(params))):
        dA_prev, dW, db = dense_backward(dZ, cache[index][0], params[index][0])
        grads.insert(0, (dW, db))
        if index > 0:
            dZ = relu_backward(dA_prev, cache[index - 1][1])
    return grads
""", "not `P -= Y`"),
    ],
    "sgd_update": [
        ("updates in place", """
def sgd_update(params, grads, lr):
    for (W, b), (dW, db) in zip(params, grads):
        W -= lr * dW
        b -= lr * db
    return params
""", "changed params in place"),
        ("adds the gradient", """
def sgd_update(params, grads, lr):
    return [(W + lr * dW, b + lr * db) for (W, b), (dW, db) in zip(params, grads)]
""", "the gradient is added"),
        ("the biases forgotten", """
def sgd_update(params, grads, lr):
    return [(W - lr * dW, b) for (W, b), (dW, db) in zip(params, grads)]
""", "b is not updated"),
        ("rewrites the caller's list", """
def sgd_update(params, grads, lr):
    for i, ((W, b), (dW, db)) in enumerate(zip(params, grads)):
        params[i] = (W - lr * dW, b - lr * db)
    return params
""", "replaced the pairs inside the caller's list"),
        ("lr forgotten", """
def sgd_update(params, grads, lr):
    return [(W - dW, b - db) for (W, b), (dW, db) in zip(params, grads)]
""", "lr is not used"),
        ("a generator instead of a list", """
def sgd_update(params, grads, lr):
    return ((W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads))
""", "returned a generator"),
    ],
    "train_network": [
        ("shuffles once", _train(once="order = rng.permutation(n)\n    ", order="pass"),
         "one per epoch"),
        ("drops the last, shorter batch", _train(stop="n - batch_size + 1"), "the last, shorter batch"),
        ("history from the last batch", _train(record=(
            'history["loss"].append(-np.mean(np.log(P[np.arange(len(rows)), labels[rows]])))\n'
            '        history["accuracy"].append(np.mean(P.argmax(axis=1) == labels[rows]))')),
         "last batch loss"),
        ("np.random instead of rng", _train(order="order = np.random.permutation(n)"), "not with np.random"),
        ("accuracy in percent", _train(scale="100 * "), "percentage"),
        ("shuffles before init_network", _TRAIN.replace(
            "    params = init_network([d, *hidden_sizes, num_classes], rng)\n", "").format(
            once="", epochs="epochs", stop="n", record=_WHOLE.format(scale=""),
            order="order = rng.permutation(n)\n        if epoch == 0:\n"
                  "            params = init_network([d, *hidden_sizes, num_classes], rng)"),
         "came before init_network"),
        ("init_network with a new generator", _TRAIN.replace(
            "init_network([d, *hidden_sizes, num_classes], rng)",
            "init_network([d, *hidden_sizes, num_classes], np.random.default_rng(0))").format(
            once="", epochs="epochs", order="order = rng.permutation(n)", stop="n", record=_WHOLE.format(scale="")),
         "with this same rng"),
        ("accuracy of the last batch", _train(record=(
            'P_all, _ = network_forward(X, params)\n'
            '        history["loss"].append(-np.mean(np.log(P_all[np.arange(n), labels])))\n'
            '        history["accuracy"].append(np.mean(P.argmax(axis=1) == labels[rows]))')),
         "last batch accuracy"),
        ("accuracy always 1.0", _train(record=(
            'P, _ = network_forward(X, params)\n'
            '        history["loss"].append(-np.mean(np.log(P[np.arange(n), labels])))\n'
            '        history["accuracy"].append(1.0)')),
         "history['accuracy'] (3 clusters"),
        ("accuracy as confident predictions", _train(record=(
            'P, _ = network_forward(X, params)\n'
            '        history["loss"].append(-np.mean(np.log(P[np.arange(n), labels])))\n'
            '        history["accuracy"].append(np.mean(P.max(axis=1) > 0.5))')),
         "history['accuracy'] (3 clusters"),
        ("Keras-style mean of the batch losses", _TRAIN.replace(
            "            P, cache = network_forward(X[rows], params)\n",
            "            P, cache = network_forward(X[rows], params)\n"
            "            batch_losses.append(-np.mean(np.log(P[np.arange(len(rows)), labels[rows]])))\n"
            "            batch_accuracies.append(np.mean(P.argmax(axis=1) == labels[rows]))\n").format(
            once="", epochs="epochs", stop="n",
            order="order = rng.permutation(n)\n        batch_losses, batch_accuracies = [], []",
            record='history["loss"].append(np.mean(batch_losses))\n'
                   '        history["accuracy"].append(np.mean(batch_accuracies))'),
         "Keras style"),
        ("history recorded before the updates", _train(
            order=('P, _ = network_forward(X, params)\n'
                   '        history["loss"].append(-np.mean(np.log(P[np.arange(n), labels])))\n'
                   '        history["accuracy"].append(np.mean(P.argmax(axis=1) == labels))\n'
                   '        order = rng.permutation(n)'),
            record="pass"),
         "before the epoch's updates"),
        ("a fixed order reported to the recorder as a permutation", _train(
            order=("order = np.roll(np.arange(n), 7 * epoch + 3)\n"
                   "        if hasattr(rng, '_keep'):\n"
                   "            rng._keep(order)")),
         "is not the next draw from rng"),
        ("np.random orders appended to rng.orders", _train(
            order=("order = np.random.default_rng(epoch).permutation(n)\n"
                   "        if hasattr(rng, 'orders'):\n"
                   "            rng.orders.append(order)")),
         "is not the next draw from rng"),
        ("a leftover rng.random() in every epoch", _train(
            order="order = rng.permutation(n)\n        lr_epoch = lr * (0.9 + 0.2 * rng.random())"),
         "is not the next draw from rng"),
        ("an extra draw after the training loop", _TRAIN.replace(
            "    return params, history", "    history[\"seed\"] = int(rng.integers(1000))\n    return params, history"
        ).format(once="", epochs="epochs", order="order = rng.permutation(n)", stop="n", record=_WHOLE.format(scale="")),
         "drew more from rng than init_network"),
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
        ("zeroes a copy", """
def relu(x):
    out = x.copy()
    out[out < 0] = 0
    return out
"""),
        ("np.clip", """
def relu(x):
    return np.clip(x, 0, None)
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
        ("slope 1 at x == 0", """
def relu_backward(d_out, x):
    return d_out * (x >= 0)
"""),
        ("np.heaviside, slope 0.5 at x == 0", """
def relu_backward(d_out, x):
    return d_out * np.heaviside(x, 0.5)
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
    "glorot_uniform": [
        ("scaled rng.random", """
def glorot_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return (2.0 * rng.random((fan_in, fan_out)) - 1.0) * limit
"""),
        ("keyword arguments and a list shape", """
def glorot_uniform(fan_in, fan_out, rng):
    variance = 2.0 / (fan_in + fan_out)
    return rng.uniform(low=-np.sqrt(3 * variance), high=np.sqrt(3 * variance), size=[fan_in, fan_out])
"""),
    ],
    "init_network": [
        ("a comprehension", """
def init_network(layer_sizes, rng):
    return [(glorot_uniform(a, b, rng), np.zeros(b)) for a, b in zip(layer_sizes, layer_sizes[1:])]
"""),
        ("indices and a while loop", """
def init_network(layer_sizes, rng):
    params, i = [], 0
    while i + 1 < len(layer_sizes):
        W = glorot_uniform(layer_sizes[i], layer_sizes[i + 1], rng)
        params.append((W, np.zeros(W.shape[1])))
        i += 1
    return params
"""),
    ],
    "network_forward": [
        ("np.maximum and log-sum-exp", """
def network_forward(X, params):
    cache, A = [], X
    for W, b in params[:-1]:
        Z = A @ W + b
        cache.append((A, Z))
        A = np.maximum(Z, 0)
    W, b = params[-1]
    Z = A @ W + b
    cache.append((A, Z))
    m = Z.max(axis=1, keepdims=True)
    log_P = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    return np.exp(log_P), cache
"""),
        ("np.where and a tuple cache", """
def network_forward(X, params):
    cache = []
    A = X
    last = len(params) - 1
    for index, (W, b) in enumerate(params):
        Z = dense_forward(A, W, b)
        cache.append((A, Z))
        A = np.where(Z > 0, Z, 0.0) if index < last else Z - Z.max(axis=-1, keepdims=True)
    e = np.exp(A)
    return e / e.sum(axis=-1, keepdims=True), tuple(cache)
"""),
    ],
    "network_backward": [
        ("the mask from A_prev > 0", """
def network_backward(P, Y, cache, params):
    grads = [None] * len(params)
    dZ = (P - Y) / P.shape[0]
    for index in range(len(params) - 1, -1, -1):
        A_prev, _ = cache[index]
        grads[index] = (A_prev.T @ dZ, dZ.sum(axis=0))
        dZ = (dZ @ params[index][0].T) * (A_prev > 0)
    return grads
"""),
        ("insert at the front, with zip", """
def network_backward(P, Y, cache, params):
    grads = []
    dZ = (P - Y) / len(Y)
    layers = list(zip(cache, params))
    for position, ((A_prev, Z), (W, b)) in reversed(list(enumerate(layers))):
        dA_prev, dW, db = dense_backward(dZ, A_prev, W)
        grads.insert(0, (dW, db))
        if position:
            dZ = relu_backward(dA_prev, cache[position - 1][1])
    return grads
"""),
    ],
    "sgd_update": [
        ("a loop and append", """
def sgd_update(params, grads, lr):
    new = []
    for layer in range(len(params)):
        W, b = params[layer]
        dW, db = grads[layer]
        new.append((W - lr * dW, b - lr * db))
    return new
"""),
        ("np.subtract on copies", """
def sgd_update(params, grads, lr):
    out = []
    for (W, b), (dW, db) in zip(params, grads):
        W_new, b_new = W.copy(), b.copy()
        W_new -= lr * dW
        b_new -= lr * db
        out.append([W_new, b_new])
    return out
"""),
    ],
    "train_network": [
        ("rng.shuffle of the indices", _train(order="order = np.arange(n)\n        rng.shuffle(order)")),
        ("one index array, shuffled again in every epoch", _train(
            once="order = np.arange(n)\n    ", order="rng.shuffle(order)")),
        ("a while loop and the loss from the logits", """
def train_network(X, labels, num_classes, hidden_sizes, lr, epochs, batch_size, rng):
    Y = np.zeros((len(X), num_classes))
    Y[np.arange(len(X)), labels] = 1.0
    params = init_network([X.shape[1]] + list(hidden_sizes) + [num_classes], rng)
    history = {"loss": [], "accuracy": []}
    for _ in range(epochs):
        order = rng.permutation(len(X))
        start = 0
        while start < len(X):
            batch = order[start:start + batch_size]
            P, cache = network_forward(X[batch], params)
            params = sgd_update(params, network_backward(P, Y[batch], cache, params), lr)
            start += batch_size
        _, cache = network_forward(X, params)
        Z = cache[-1][1]
        m = Z.max(axis=1, keepdims=True)
        log_P = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
        history["loss"].append(float(-np.mean(np.sum(Y * log_P, axis=1))))
        history["accuracy"].append(float(np.mean(np.argmax(Z, axis=1) == labels)))
    return params, history
"""),
        ("Glorot drawn inline with rng.uniform, rng.choice for the order", """
def train_network(X, labels, num_classes, hidden_sizes, lr, epochs, batch_size, rng):
    sizes = [X.shape[1]] + list(hidden_sizes) + [num_classes]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        params.append((rng.uniform(-limit, limit, size=(fan_in, fan_out)), np.zeros(fan_out)))
    Y = np.eye(num_classes)[labels]
    history = {"loss": [], "accuracy": []}
    for _ in range(epochs):
        order = rng.choice(len(X), size=len(X), replace=False)
        for rows in np.array_split(order, range(batch_size, len(X), batch_size)):
            P, cache = network_forward(X[rows], params)
            params = sgd_update(params, network_backward(P, Y[rows], cache, params), lr)
        P, _ = network_forward(X, params)
        history["loss"].append(float(-np.mean(np.log(P[np.arange(len(X)), labels]))))
        history["accuracy"].append(float(np.mean(P.argmax(axis=1) == labels)))
    return params, history
"""),
        ("one glorot_uniform per layer, then the loop", """
def train_network(X, labels, num_classes, hidden_sizes, lr, epochs, batch_size, rng):
    sizes = [X.shape[1], *hidden_sizes, num_classes]
    params = [(glorot_uniform(a, b, rng), np.zeros(b)) for a, b in zip(sizes, sizes[1:])]
    Y = np.eye(num_classes)[labels]
    history = {"loss": [], "accuracy": []}
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            P, cache = network_forward(X[rows], params)
            params = sgd_update(params, network_backward(P, Y[rows], cache, params), lr)
        P, _ = network_forward(X, params)
        history["loss"].append(-np.log(P[np.arange(len(X)), labels]).mean())
        history["accuracy"].append((P.argmax(axis=1) == labels).mean())
    return params, history
"""),
    ],
}

# An adversarial read of the grader: emptying the test's own lists made its checks loop over nothing.
WRONG["sgd_update"].append(("empties the caller's grads list", """
def sgd_update(params, grads, lr):
    grads.clear()
    return [(W.copy(), b.copy()) for W, b in params]
""", "changed grads"))
WRONG["network_backward"].append(("empties the caller's cache and params", """
def network_backward(P, Y, cache, params):
    cache.clear()
    params.clear()
    return []
""", "in place: a list"))
WRONG["init_network"].append(("shortens the caller's layer sizes", """
def init_network(layer_sizes, rng):
    del layer_sizes[2:]
    return [(glorot_uniform(layer_sizes[0], layer_sizes[1], rng), np.zeros(layer_sizes[1]))]
""", "in place: a list"))
