"""A multi-layer perceptron in plain numpy, trained by mini-batch SGD: the capstone's reference answers.

Parameters are a list of (W, b) pairs, one per layer: W (fan_in, fan_out), b (fan_out,). Hidden
layers use ReLU, the last layer softmax, and the loss is the mean cross-entropy over the batch.
Shapes: X (N, D), one-hot Y (N, C), probabilities P (N, C), hidden sizes h1, h2, ...

    params = init_network([D, 64, C], rng)            # one glorot_uniform draw per layer, in order
    P, cache = network_forward(X, params)             # cache: one (A_prev, Z) per layer
    grads = network_backward(P, Y, cache, params)     # one (dW, db) per layer
    params = sgd_update(params, grads, lr)            # new arrays; nothing changed in place

`train_network` is that loop over epochs: one init_network draw from `rng`, then one
rng.permutation(N) per epoch, the same draws `Sequential.fit(shuffle=True)` makes from its own rng,
so the two can be compared run for run.
"""
import numpy as np

from .. import _kernels, _validate
from ..i18n import tr
from .batching import epoch_order
from .softmax import accuracy, cross_entropy_from_logits, one_hot


def glorot_uniform(fan_in, fan_out, rng):
    """(fan_in, fan_out) weights from U(-l, l), l = sqrt(6 / (fan_in + fan_out)): Keras's default for Dense."""
    fan_in = _validate.positive_int(fan_in, "fan_in")
    fan_out = _validate.positive_int(fan_out, "fan_out")
    limit = np.sqrt(6.0 / (fan_in + fan_out))       # keeps the spread of activations and gradients steady
    return _validate.generator(rng).uniform(-limit, limit, size=(fan_in, fan_out))


def init_network(layer_sizes, rng):
    """[(W, b), ...] for consecutive sizes [D, h1, ..., C]: W from glorot_uniform in layer order, b zeros."""
    sizes = list(layer_sizes) if isinstance(layer_sizes, (list, tuple)) else None
    if not sizes or len(sizes) < 2:
        raise ValueError(tr("layer_sizes must list at least two sizes [D, ..., C]; received {layer_sizes!r}",
                            layer_sizes=layer_sizes))
    sizes = [_validate.positive_int(size, "each layer size") for size in sizes]
    rng = _validate.generator(rng)
    return [(glorot_uniform(fan_in, fan_out, rng), np.zeros(fan_out)) for fan_in, fan_out in zip(sizes, sizes[1:])]


def network_forward(X, params):
    """(P, cache): softmax probabilities (N, C), and one (A_prev, Z) per layer in order, Z = A_prev @ W + b."""
    X = _validate.float_array(X, "X", ndim=2)
    params = _checked_params(params, X.shape[1])
    cache, A = [], X
    for index, (W, b) in enumerate(params):
        Z = A @ W + b                                   # (N, fan_out)
        cache.append((A, Z))
        A = np.maximum(Z, 0) if index < len(params) - 1 else _kernels.softmax(Z)
    return A, cache


def network_backward(P, Y, cache, params):
    """[(dW, db), ...] in layer order: the gradient of the mean cross-entropy of P against one-hot Y."""
    P = _validate.float_array(P, "P", ndim=2)
    Y = _validate.float_array(Y, "Y", ndim=2)
    if P.shape != Y.shape:
        raise ValueError(tr("P and Y must have the same shape (N, C); received {P_shape} and {Y_shape}",
                            P_shape=P.shape, Y_shape=Y.shape))
    if len(cache) != len(params):
        raise ValueError(tr("cache and params must have one entry per layer; received {len_cache} and {len_params}",
                            len_cache=len(cache), len_params=len(params)))
    grads = [None] * len(params)
    d_Z = (P - Y) / len(P)                              # softmax + mean cross-entropy, (N, C)
    for index in reversed(range(len(params))):
        A_prev, _ = cache[index]
        W, _ = params[index]
        grads[index] = (A_prev.T @ d_Z, d_Z.sum(axis=0))   # (fan_in, fan_out), (fan_out,)
        if index > 0:
            d_A = d_Z @ W.T                              # (N, fan_in)
            d_Z = d_A * (cache[index - 1][1] > 0)        # through the ReLU of the layer below
    return grads


def sgd_update(params, grads, lr):
    """A new list of (W - lr * dW, b - lr * db); no argument is modified."""
    lr = _validate.positive_scalar(lr, "lr")
    if len(grads) != len(params):
        raise ValueError(tr("grads must have one (dW, db) per layer of params; received {len_grads} for "
                            "{len_params}", len_grads=len(grads), len_params=len(params)))
    return [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]


def train_network(X, labels, num_classes, hidden_sizes, lr, epochs, batch_size, rng):
    """(params, history): mini-batch SGD on a ReLU network with a softmax output.

    params = init_network([D, *hidden_sizes, num_classes], rng) first; then each epoch one
    rng.permutation(N), batches of batch_size in that order (the last may be shorter), one
    sgd_update per batch with that batch's mean gradient. history holds "loss" and "accuracy" on the
    whole training set after every epoch.
    """
    X, labels, num_classes, lr, epochs, batch_size, rng = _validate.classifier_training(
        X, labels, num_classes, lr, epochs, batch_size, rng)
    Y = one_hot(labels, num_classes)
    params = init_network([X.shape[1], *hidden_sizes, num_classes], rng)
    history = {"loss": [], "accuracy": []}
    for _ in range(epochs):
        order = epoch_order(len(X), rng)              # one rng.permutation(N) per epoch
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            P, cache = network_forward(X[rows], params)
            params = sgd_update(params, network_backward(P, Y[rows], cache, params), lr)
        _, cache = network_forward(X, params)
        logits = cache[-1][1]
        history["loss"].append(cross_entropy_from_logits(Y, logits))
        history["accuracy"].append(accuracy(labels, logits))
    return params, history


def _checked_params(params, n_features):
    if not isinstance(params, (list, tuple)) or not params:
        raise ValueError(tr("params must be a non-empty list of (W, b) pairs; received {params}",
                            params=_validate.describe(params)))
    width = n_features
    for index, pair in enumerate(params):
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
            raise ValueError(tr("params[{index}] must be a pair (W, b); received {pair}",
                                index=index, pair=_validate.describe(pair)))
        W, b = np.asarray(pair[0]), np.asarray(pair[1])
        if W.ndim != 2 or W.shape[0] != width or b.shape != (W.shape[1],):
            raise ValueError(tr("params[{index}] must be W ({width}, fan_out) and b (fan_out,); received W {W_shape} "
                                "and b {b_shape}", index=index, width=width, W_shape=W.shape, b_shape=b.shape))
        width = W.shape[1]
    return params
