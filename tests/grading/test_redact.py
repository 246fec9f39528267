"""nettrain_grading.redact: the copy of nettrain_lib in which nothing computes a graded answer.

The copy is imported in a subprocess (the grader mounts it over the real package; here it comes first on
the path, and the editable install's finder, which maps nettrain_lib to this repository, is removed).
The same subprocess runs this module's `in_subprocess`, so the cases below are built with numpy only.
"""
import contextlib
import inspect
import io
import itertools
import json
import os
import pickle
import re
import signal
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from nettrain_grading import redact

REPO = Path(__file__).resolve().parents[2]

# ../shared/curriculum.md: lessons 01-05, 07_training_flow, 08_optimizers and the capstone 06_network_from_scratch.
GRADED = (
    "mse_loss", "mse_gradients", "gradient_descent_step", "numerical_gradient", "gradient_descent",
    "make_batches", "train_linear_regression",
    "steps_per_epoch", "total_iterations", "iterate_minibatches",
    "min_max_fit", "min_max_transform", "standardize_fit", "standardize_transform", "l2_normalize",
    "normalize_splits",
    "softmax", "one_hot", "cross_entropy", "softmax_cross_entropy_grad", "accuracy", "train_softmax_regression",
    "relu", "relu_backward", "dense_forward", "dense_backward", "validation_split_indices", "early_stopping_epoch",
    "momentum_step", "rmsprop_step", "adam_step", "step_decay", "l2_penalty_grad", "dropout_forward",
    "dropout_backward",
    "glorot_uniform", "init_network", "network_forward", "network_backward", "sgd_update", "train_network",
)

# ---- one representative call of each graded function (numpy only; fresh arrays on every call) ----------


def _regression(d=2, n=5):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(n, d))
    return X, X @ np.linspace(1.5, -0.7, d) + 0.4 + 0.3 * rng.normal(size=n)


def _logits():
    return np.array([[2.0, -1.0, 0.5], [0.1, 0.3, -2.0], [1.0, 4.0, 0.0], [-0.5, 0.2, 0.9], [3.0, 2.5, -1.0]])


def _probs():
    z = _logits()
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


LABELS = [2, 1, 1, 0, 0]          # argmax of _logits() is [0, 1, 1, 2, 0]: accuracy 0.4


def _one_hot(labels, c=3):
    return np.eye(c)[np.asarray(labels)]


def _network(sizes=(4, 5, 3), seed=11):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(i, o)), rng.normal(size=o)) for i, o in zip(sizes[:-1], sizes[1:])]


def _digits_like():
    rng = np.random.default_rng(3)
    return rng.normal(size=(7, 4)), np.array([0, 1, 2, 1, 0, 2, 2])


CASES = {
    "mse_loss": lambda: (*_regression(d=1), np.array([1.3]), 0.25),      # one feature, as the lesson's test
    "mse_gradients": lambda: (*_regression(), np.array([0.5, -0.2]), 0.25),
    "gradient_descent_step": lambda: (np.array([1.0, -2.0, 0.5]), np.array([0.3, 0.7, -1.1]), 0.1),
    "numerical_gradient": lambda: (lambda x: float(np.sum(x ** 3) + x[0] * x[1]), np.array([0.7, -1.2, 2.0])),
    "gradient_descent": lambda: (*_regression(), 0.05, 3),
    "make_batches": lambda: (23, 4),
    "train_linear_regression": lambda: (*_regression(), 2, 0.05, 2),
    "steps_per_epoch": lambda: (23, 4),
    "total_iterations": lambda: (23, 4, 3),
    "iterate_minibatches": lambda: (*_regression(), 2),
    "min_max_fit": lambda: (_regression()[0],),
    "min_max_transform": lambda: (_regression()[0], np.array([-3.0, -2.0]), np.array([2.0, 4.0])),
    "standardize_fit": lambda: (_regression()[0],),
    "standardize_transform": lambda: (_regression()[0], np.array([0.5, -0.5]), np.array([2.0, 0.5])),
    "l2_normalize": lambda: (_regression()[0],),
    "normalize_splits": lambda: (_regression()[0], _regression(n=3)[0] * 2 + 1, "standard"),
    "softmax": lambda: (_logits(),),
    "one_hot": lambda: (np.array(LABELS), 4),
    "cross_entropy": lambda: (_one_hot(LABELS), _probs()),
    "softmax_cross_entropy_grad": lambda: (_logits(), _one_hot(LABELS)),
    "accuracy": lambda: (np.array(LABELS), _probs()),
    "train_softmax_regression": lambda: (*_digits_like(), 3, 0.1, 2, 3, np.random.default_rng(0)),
    "relu": lambda: (_logits(),),
    "relu_backward": lambda: (_logits()[::-1] * 0.5, _logits()),
    "dense_forward": lambda: (_logits(), *_network((3, 2))[0]),
    "dense_backward": lambda: (_logits()[:, :2] + 1, _logits(), _network((3, 2))[0][0]),
    "validation_split_indices": lambda: (11, 0.3),
    "early_stopping_epoch": lambda: ([1.0, 0.8, 0.85, 0.9, 0.7], 2),
    "momentum_step": lambda: (np.array([1.0, -2.0]), np.array([0.3, -0.6]), np.array([0.05, 0.1]), 0.1, 0.8),
    "rmsprop_step": lambda: (np.array([1.0, -2.0]), np.array([0.3, -0.6]), np.array([0.2, 0.5]), 0.01),
    "adam_step": lambda: (np.array([1.0, -2.0]), np.array([0.3, -0.6]), np.array([0.1, -0.2]),
                          np.array([0.04, 0.3]), 3, 0.01),
    "step_decay": lambda: (0.1, 25, 0.6, 10),
    "l2_penalty_grad": lambda: (np.array([[0.3, -0.6], [0.2, 0.1]]), np.array([[1.0, 2.0], [-1.0, 0.5]]), 0.1),
    "dropout_forward": lambda: (_logits(), 0.25, np.random.default_rng(5)),
    "dropout_backward": lambda: (_logits(), np.where(_logits() > 0.4, 4 / 3, 0.0)),
    "glorot_uniform": lambda: (4, 3, np.random.default_rng(2)),
    "init_network": lambda: ([4, 5, 3], np.random.default_rng(2)),
    "network_forward": lambda: (_digits_like()[0], _network()),
    "network_backward": lambda: _backward_case(),
    "sgd_update": lambda: (_network(), _network(seed=12), 0.1),
    "train_network": lambda: (*_digits_like(), 3, [5], 0.1, 2, 3, np.random.default_rng(0)),
}

# ---- the contract of the graded functions that have no module-level reference (../shared/curriculum.md) --


def _backward_case():
    X, labels = _digits_like()
    P, cache = _network_forward(X, _network())
    return P, _one_hot(labels), cache, _network()


def _network_forward(X, params):
    cache, A = [], X
    for index, (W, b) in enumerate(params):
        Z = A @ W + b
        cache.append((A, Z))
        if index < len(params) - 1:
            A = np.maximum(Z, 0)
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True), cache


def _network_backward(P, Y, cache, params):
    grads, d_z = [], (P - Y) / len(P)
    for index in range(len(params) - 1, -1, -1):
        A_prev, _ = cache[index]
        grads.append((A_prev.T @ d_z, d_z.sum(axis=0)))
        if index:
            d_z = (d_z @ params[index][0].T) * (cache[index - 1][1] > 0)
    return grads[::-1]


def _glorot(fan_in, fan_out, rng):
    limit = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def _init_network(sizes, rng):
    return [(_glorot(i, o, rng), np.zeros(o)) for i, o in zip(sizes[:-1], sizes[1:])]


def _sgd_update(params, grads, lr):
    return [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]


def _train_network(X, labels, num_classes, hidden_sizes, lr, epochs, batch_size, rng):
    params = _init_network([X.shape[1], *hidden_sizes, num_classes], rng)
    Y = _one_hot(labels, num_classes)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            P, cache = _network_forward(X[rows], params)
            params = _sgd_update(params, _network_backward(P, Y[rows], cache, params), lr)
    return params, None            # (params, history): the history is not needed here


def _early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, wait = None, 0
    for epoch, loss in enumerate(val_losses):
        wait += 1
        if best is None or loss < best - min_delta:
            best, wait = loss, 0
        elif wait >= patience and epoch > 0:
            return epoch
    return None


def _adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return param - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v


def _dropout_forward(X, rate, rng, training=True):
    if not training:
        return X, np.ones_like(X)
    mask = (rng.random(X.shape) < 1 - rate) / (1 - rate)
    return X * mask, mask


CONTRACTS = {
    "relu": lambda z: np.maximum(z, 0),
    "relu_backward": lambda d_out, x: d_out * (x > 0),
    "dense_forward": lambda X, W, b: X @ W + b,
    "dense_backward": lambda d_out, X, W: (d_out @ W.T, X.T @ d_out, d_out.sum(axis=0)),
    "validation_split_indices": lambda n, v: (np.arange(int(np.floor(n * (1 - v)))),
                                              np.arange(int(np.floor(n * (1 - v))), n)),
    "early_stopping_epoch": _early_stopping_epoch,
    "momentum_step": lambda p, g, vel, lr, mom=0.9: (p + (mom * vel - lr * g), mom * vel - lr * g),
    "rmsprop_step": lambda p, g, s, lr=0.001, rho=0.9, eps=1e-7: (
        p - lr * g / (np.sqrt(rho * s + (1 - rho) * g ** 2) + eps), rho * s + (1 - rho) * g ** 2),
    "adam_step": _adam_step,
    "l2_penalty_grad": lambda g, W, lam: g + 2 * lam * W,
    "dropout_forward": _dropout_forward,
    "dropout_backward": lambda d_out, mask: d_out * mask,
    "glorot_uniform": _glorot,
    "init_network": _init_network,
    "network_forward": _network_forward,
    "network_backward": _network_backward,
    "sgd_update": _sgd_update,
    "train_network": _train_network,
}


def reference(name, *args):
    """The answer of a graded function: the real library's own function where it has one, else the contract."""
    import nettrain_lib

    function = getattr(nettrain_lib, name, None)
    return (function or CONTRACTS[name])(*args)


def _materialized(value):
    if isinstance(value, types.GeneratorType):
        return [_materialized(v) for v in itertools.islice(value, 10_000)]
    if isinstance(value, tuple):
        return tuple(_materialized(v) for v in value)
    if isinstance(value, list):
        return [_materialized(v) for v in value]
    return value


def same(value, expected):
    """Equal as numbers: the same nested structure, every array of the same shape and np.allclose."""
    if isinstance(expected, dict):
        return isinstance(value, dict) and value.keys() == expected.keys() and all(
            same(value[k], expected[k]) for k in expected)
    if expected is None or value is None:
        return value is expected
    if isinstance(value, (bool, np.bool_)) != isinstance(expected, (bool, np.bool_)):
        return False
    try:
        with np.errstate(all="ignore"):
            a, b = np.asarray(value, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        if isinstance(value, (list, tuple)) and isinstance(expected, (list, tuple)) and len(value) == len(expected):
            return all(same(v, e) for v, e in zip(value, expected))
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))


# ---- recipes: each EQUIVALENTS entry computing its graded function's answer -----------------------------


def _linear_model(nl, weights, bias, optimizer, loss="mse", activation=None):
    model = nl.Sequential(dtype="float64", seed=0)
    model.add(nl.Dense(len(bias), activation=activation))
    model.build(len(weights))
    model.set_weights([weights, bias])
    model.compile(optimizer=optimizer, loss=loss)
    return model


def _layers(nl, params):
    layers = []
    for index, (W, b) in enumerate(params):
        layer = nl.Dense(W.shape[1], activation="softmax" if index == len(params) - 1 else "relu")
        layer.input_dim, layer.params = W.shape[0], {"kernel": W, "bias": b}
        layers.append(layer)
    return layers


def _dense(nl, W, b):
    layer = nl.Dense(W.shape[1])
    layer.input_dim, layer.params = W.shape[0], {"kernel": W, "bias": b}
    return layer


def _dense_backward(nl, d_out, X, W):
    layer = _dense(nl, W, np.zeros(W.shape[1]))
    layer._X = X
    dX = layer.backward(None, d_z=d_out)
    return dX, layer.grads["kernel"], layer.grads["bias"]


def _sgd_via_optimizer(nl, params, grads, lr):
    arrays = {f"{i}/{k}": np.array(a) for i, pair in enumerate(params) for k, a in zip("Wb", pair)}
    nl.SGD(lr).apply(arrays, {f"{i}/{k}": np.asarray(g) for i, pair in enumerate(grads) for k, g in zip("Wb", pair)})
    return _pairs(list(arrays.values()))


def _sequential(nl, params):
    model = nl.Sequential(dtype="float64", seed=0)
    for layer in _layers(nl, params):
        model.add(layer)
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    return model


def _optimizer_step(optimizer, param, grad, **state):
    param = param.copy()
    for store, value in state.items():
        getattr(optimizer, store)["p"] = value.copy()
    optimizer.apply({"p": param}, {"p": grad})
    return (param, *(getattr(optimizer, store)["p"] for store in state))


def _stopping_epoch(nl, val_losses, patience, min_delta=0.0):
    callback, model = nl.EarlyStopping(patience=patience, min_delta=min_delta), types.SimpleNamespace()
    model.stop_training = False
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, loss in enumerate(val_losses):
        callback.on_epoch_end(epoch, {"val_loss": loss})
        if model.stop_training:
            return epoch
    return None


def _fit_linear(nl, X, y, lr, batch_size, epochs):
    model = _linear_model(nl, np.zeros((X.shape[1], 1)), np.zeros(1), nl.SGD(lr))
    history = model.fit(X, y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0)
    W, b = model.get_weights()
    return W[:, 0], float(b[0]), history.history["loss"] + [model.evaluate(X, y)]


def _network_via_layers(nl, X, params):
    layers = _layers(nl, params)
    A = X
    for layer in layers:
        A = layer.forward(A)
    return A, [(layer._X, layer._z) for layer in layers]


def _backward_via_layers(nl, P, Y, cache, params):
    layers, d_z = _layers(nl, params), (P - Y) / len(P)
    for layer, (A_prev, Z) in zip(layers, cache):
        layer._X, layer._z, layer._out = A_prev, Z, np.maximum(Z, 0)
    for index in range(len(layers) - 1, -1, -1):
        d_out = layers[index].backward(None, d_z=d_z)
        d_z = None if index == 0 else layers[index - 1]._backward_act(d_out, cache[index - 1][1],
                                                                        layers[index - 1]._out)
    return [(layer.grads["kernel"], layer.grads["bias"]) for layer in layers]


def _backward_via_model(nl, P, Y, cache, params):
    model = _sequential(nl, params)
    for layer, (A_prev, Z) in zip(model.layers, cache):
        layer._X, layer._z, layer._out = A_prev, Z, np.maximum(Z, 0)
    model._backward(Y, P)
    return [(layer.grads["kernel"], layer.grads["bias"]) for layer in model.layers]


def _forward_via_model(nl, X, params):
    model = _sequential(nl, params)
    return model._forward(X), [(layer._X, layer._z) for layer in model.layers]


def _pairs(weights):
    return list(zip(weights[::2], weights[1::2]))


def _sequential_init(nl, sizes, rng):
    model = nl.Sequential(rng=rng, dtype="float64")
    for units in sizes[1:]:
        model.add(nl.Dense(units))
    model.build(sizes[0])
    return _pairs(model.get_weights())


def _fit_classifier(nl, X, labels, num_classes, hidden_sizes, lr, epochs, batch_size, rng, zero_start):
    model = nl.Sequential(dtype="float64", seed=1 if zero_start else None, rng=None if zero_start else rng)
    for units in hidden_sizes:
        model.add(nl.Dense(units, activation="relu"))
    model.add(nl.Dense(num_classes, activation="softmax"))
    model.build(X.shape[1])
    if zero_start:                       # train_softmax_regression starts from zeros, then shuffles with rng
        model.set_weights([np.zeros_like(w) for w in model.get_weights()])
        model.rng = rng
    model.compile(optimizer=nl.SGD(lr), loss="sparse_categorical_crossentropy")
    model.fit(X, labels, batch_size=batch_size, epochs=epochs, verbose=0)
    return _pairs(model.get_weights())


def _first(pairs):
    return pairs[0]


# (graded name, place) -> (arguments, what the place computes from them, the graded answer); the graded
# answer comes from `reference` unless given. Every EQUIVALENTS entry has one.
RECIPES = {
    ("mse_loss", "nettrain_lib.scratch.linear:gradient_descent_path"):
        (CASES["mse_loss"], lambda nl, X, y, w, b: nl.gradient_descent_path(X, y, 1.0, 0, w0=w, b0=b)[1][0], None),
    ("mse_loss", "nettrain_lib.scratch.linear:loss_grid"):
        (CASES["mse_loss"], lambda nl, X, y, w, b: nl.loss_grid(X, y, w, [b])[0, 0], None),
    ("mse_loss", "nettrain_lib.scratch.conditioning:weights_descent_path"):
        (CASES["mse_loss"], lambda nl, X, y, w, b: nl.weights_descent_path(X, y, 1.0, 0, b=b, w0=w)[1][0], None),
    ("mse_loss", "nettrain_lib.plots.normalization:weights_loss_grid"):
        (CASES["mse_loss"], lambda nl, X, y, w, b: nl.weights_loss_grid(
            np.column_stack([X, np.zeros(len(X))]), y, w, [0.0], b=b)[0, 0], None),
    ("mse_loss", "nettrain_lib.nn.losses:MeanSquaredError.per_example"):
        (CASES["mse_loss"], lambda nl, X, y, w, b: nl.nn.losses.MeanSquaredError().per_example(
            y[:, None], (X @ w + b)[:, None]).mean(), None),
    ("mse_gradients", "nettrain_lib.scratch.linear:mse_gradients_unchecked"):
        (CASES["mse_gradients"], lambda nl, *args: nl.scratch.linear.mse_gradients_unchecked(*args), None),
    ("mse_gradients", "nettrain_lib.scratch.linear:gradient_descent_path"):
        (CASES["mse_gradients"], lambda nl, X, y, w, b: (
            lambda path: (w - path[1, :-1], b - path[1, -1]))(nl.gradient_descent_path(X, y, 1.0, 1, w, b)[0]), None),
    ("mse_gradients", "nettrain_lib.scratch.conditioning:weights_descent_path"):
        (CASES["mse_gradients"], lambda nl, X, y, w, b: w - nl.weights_descent_path(X, y, 1.0, 1, b=b, w0=w)[0][1],
         lambda X, y, w, b: reference("mse_gradients", X, y, w, b)[0]),
    ("gradient_descent_step", "nettrain_lib.nn.optimizers:SGD._update"):
        (CASES["gradient_descent_step"], lambda nl, p, g, lr: _optimizer_step(nl.SGD(lr), p, g)[0], None),
    ("gradient_descent", "nettrain_lib.scratch.linear:gradient_descent_path"):
        (CASES["gradient_descent"], lambda nl, X, y, lr, n: (lambda path, losses: (
            path[-1, :-1], path[-1, -1], list(losses)))(*nl.gradient_descent_path(X, y, lr, n)), None),
    ("gradient_descent", "nettrain_lib.scratch.linear:train_linear_regression"):
        (CASES["gradient_descent"], lambda nl, X, y, lr, n: (lambda run: (
            run["w"], run["b"], [float(np.mean(y ** 2)), *run["epoch_loss"]]))(
            nl.train_linear_regression(X, y, len(X), lr, n)), None),
    ("gradient_descent", "nettrain_lib.nn.models:Sequential.fit"):
        (CASES["gradient_descent"], lambda nl, X, y, lr, n: _fit_linear(nl, X, y, lr, len(X), n), None),
    ("train_linear_regression", "nettrain_lib.scratch.linear:gradient_descent_path"):
        (lambda: (*_regression(), 5, 0.05, 3), lambda nl, X, y, bs, lr, epochs: (lambda path: (
            path[-1, :-1], path[-1, -1]))(nl.gradient_descent_path(X, y, lr, epochs)[0]),
         lambda *args: (lambda run: (run["w"], run["b"]))(reference("train_linear_regression", *args))),
    ("train_linear_regression", "nettrain_lib.nn.models:Sequential.fit"):
        (CASES["train_linear_regression"], lambda nl, X, y, bs, lr, epochs: _fit_linear(nl, X, y, lr, bs, epochs)[:2],
         lambda *args: (lambda run: (run["w"], run["b"]))(reference("train_linear_regression", *args))),
    ("iterate_minibatches", "nettrain_lib.scratch.batching:_minibatches"):
        (CASES["iterate_minibatches"], lambda nl, X, y, bs: nl.scratch.batching._minibatches(X, y, bs, None), None),
    ("softmax", "nettrain_lib.scratch.softmax:log_softmax"):
        (CASES["softmax"], lambda nl, z: np.exp(nl.log_softmax(z)), None),
    ("one_hot", "nettrain_lib.nn.losses:SparseCategoricalCrossentropy.one_hot"):
        (CASES["one_hot"], lambda nl, labels, c: nl.nn.losses.SparseCategoricalCrossentropy().one_hot(
            labels, c, np.float64), None),
    ("cross_entropy", "nettrain_lib.scratch.softmax:cross_entropy_from_logits"):
        (CASES["cross_entropy"], lambda nl, Y, P: nl.cross_entropy_from_logits(Y, np.log(P)), None),
    ("cross_entropy", "nettrain_lib.nn.losses:CategoricalCrossentropy.per_example"):
        (CASES["cross_entropy"], lambda nl, Y, P: nl.nn.losses.CategoricalCrossentropy().per_example(Y, P).mean(),
         None),
    ("cross_entropy", "nettrain_lib.nn.losses:SparseCategoricalCrossentropy.per_example"):
        (CASES["cross_entropy"], lambda nl, Y, P: nl.nn.losses.SparseCategoricalCrossentropy().per_example(
            Y.argmax(axis=1), P).mean(), None),
    ("accuracy", "nettrain_lib.nn.losses:CategoricalCrossentropy.accuracy"):
        (CASES["accuracy"], lambda nl, labels, P: nl.nn.losses.CategoricalCrossentropy().accuracy(
            _one_hot(labels), P).mean(), None),
    ("accuracy", "nettrain_lib.nn.losses:SparseCategoricalCrossentropy.accuracy"):
        (CASES["accuracy"], lambda nl, labels, P: nl.nn.losses.SparseCategoricalCrossentropy().accuracy(
            labels, P).mean(), None),
    ("accuracy", "nettrain_lib.nn.losses:MeanSquaredError.accuracy"):
        (CASES["accuracy"], lambda nl, labels, P: nl.nn.losses.MeanSquaredError().accuracy(
            _one_hot(labels), P).mean(), None),
    ("train_softmax_regression", "nettrain_lib.nn.models:Sequential.fit"):
        (CASES["train_softmax_regression"], lambda nl, X, labels, c, lr, epochs, bs, rng: _first(_fit_classifier(
            nl, X, labels, c, [], lr, epochs, bs, rng, zero_start=True)),
         lambda *args: reference("train_softmax_regression", *args)[:2]),
    ("dense_forward", "nettrain_lib.nn.layers:Dense.forward"):
        (CASES["dense_forward"], lambda nl, X, W, b: _dense(nl, W, b).forward(X), None),
    ("dense_backward", "nettrain_lib.nn.layers:Dense.backward"):
        (CASES["dense_backward"], _dense_backward, None),
    ("early_stopping_epoch", "nettrain_lib.nn.callbacks:EarlyStopping.on_epoch_end"):
        (CASES["early_stopping_epoch"], _stopping_epoch, None),
    ("momentum_step", "nettrain_lib.nn.optimizers:SGD._update"):
        (CASES["momentum_step"], lambda nl, p, g, vel, lr, mom: _optimizer_step(
            nl.SGD(lr, momentum=mom), p, g, _velocities=vel), None),
    ("rmsprop_step", "nettrain_lib.nn.optimizers:RMSprop._update"):
        (CASES["rmsprop_step"], lambda nl, p, g, s, lr: _optimizer_step(nl.RMSprop(lr), p, g, _velocities=s), None),
    ("adam_step", "nettrain_lib.nn.optimizers:Adam._update"):
        (CASES["adam_step"], lambda nl, p, g, m, v, t, lr: (lambda opt: (
            opt.__setattr__("iterations", t - 1), *_optimizer_step(opt, p, g, _m=m, _v=v))[1:])(nl.Adam(lr)), None),
    ("step_decay", "nettrain_lib.nn.schedules:exponential_decay"):
        (CASES["step_decay"], lambda nl, lr0, epoch, drop, every: nl.exponential_decay(lr0, epoch // every, drop),
         None),
    ("l2_penalty_grad", "nettrain_lib.nn.regularizers:L2.gradient"):
        (CASES["l2_penalty_grad"], lambda nl, g, W, lam: g + nl.L2(lam).gradient(W), None),
    ("dropout_forward", "nettrain_lib.nn.layers:Dropout.forward"):
        (CASES["dropout_forward"], lambda nl, X, rate, rng: (lambda layer: (
            layer.build(X.shape[1], rng, X.dtype), layer.forward(X, training=True), layer._mask)
            )(nl.Dropout(rate))[1:], None),
    ("dropout_backward", "nettrain_lib.nn.layers:Dropout.backward"):
        (CASES["dropout_backward"], lambda nl, d_out, mask: (lambda layer: (
            layer.__setattr__("_mask", mask), layer.backward(d_out)))(nl.Dropout(0.25))[1], None),
    ("glorot_uniform", "nettrain_lib.nn.layers:Dense.build"):
        (CASES["glorot_uniform"], lambda nl, fan_in, fan_out, rng: (lambda layer: (
            layer.build(fan_in, rng, np.float64), layer.params["kernel"]))(nl.Dense(fan_out))[1], None),
    ("init_network", "nettrain_lib.nn.layers:Dense.build"):
        (CASES["init_network"], lambda nl, sizes, rng: [(lambda layer: (
            layer.build(i, rng, np.float64), (layer.params["kernel"], layer.params["bias"])))(nl.Dense(o))[1]
            for i, o in zip(sizes[:-1], sizes[1:])], None),
    ("init_network", "nettrain_lib.nn.models:Sequential.build"):
        (CASES["init_network"], _sequential_init, None),
    ("network_forward", "nettrain_lib.nn.layers:Dense.forward"):
        (CASES["network_forward"], _network_via_layers, None),
    ("network_forward", "nettrain_lib.nn.models:Sequential._forward"):
        (CASES["network_forward"], _forward_via_model, None),
    ("network_backward", "nettrain_lib.nn.layers:Dense.backward"):
        (CASES["network_backward"], _backward_via_layers, None),
    ("network_backward", "nettrain_lib.nn.models:Sequential._backward"):
        (CASES["network_backward"], _backward_via_model, None),
    ("sgd_update", "nettrain_lib.nn.optimizers:SGD._update"):
        (CASES["sgd_update"], _sgd_via_optimizer, None),
    ("gradient_descent_step", "nettrain_lib.scratch.network:sgd_update"):
        (CASES["gradient_descent_step"], lambda nl, p, g, lr: nl.sgd_update([(p, 0.0)], [(g, 0.0)], lr)[0][0], None),
    ("softmax", "nettrain_lib.scratch.network:network_forward"):
        (CASES["softmax"], lambda nl, z: nl.network_forward(z, [(np.eye(z.shape[1]), np.zeros(z.shape[1]))])[0],
         None),
    ("dense_forward", "nettrain_lib.scratch.network:network_forward"):
        (CASES["dense_forward"], lambda nl, X, W, b: nl.network_forward(X, [(W, b)])[1][0][1], None),
    ("softmax_cross_entropy_grad", "nettrain_lib.scratch.network:network_backward"):
        (CASES["softmax_cross_entropy_grad"], lambda nl, logits, Y: nl.network_backward(
            np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True), Y, [(np.eye(len(Y)), None)],
            [(np.zeros((len(Y), Y.shape[1])), np.zeros(Y.shape[1]))])[0][0], None),
    ("train_network", "nettrain_lib.nn.models:Sequential.fit"):            # the trained weights, params
        (CASES["train_network"], lambda nl, *args: _fit_classifier(nl, *args, zero_start=False),
         lambda *args: reference("train_network", *args)[0]),
}

# ---- what runs in the subprocess ---------------------------------------------------------------------


class _Slow(Exception):
    pass


def _alarm(signum, frame):
    raise _Slow


def _call(function, args, seconds=0.5):
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return _materialized(function(*args))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _callables(nl):
    """Every function defined in nettrain_lib (public or not) and, for each class that can be made without
    arguments, the methods of such an instance: (name, factory of the callable)."""
    import pkgutil

    modules = [nl] + [__import__(info.name, fromlist=["_"]) for info in
                      pkgutil.walk_packages(nl.__path__, prefix="nettrain_lib.")]
    found, seen = [], set()
    for module in modules:
        for value in list(vars(module).values()):
            if id(value) in seen or not getattr(value, "__module__", "").startswith("nettrain_lib"):
                continue
            seen.add(id(value))
            if isinstance(value, types.FunctionType):
                found.append((f"{value.__module__}.{value.__qualname__}", lambda value=value: value))
            elif isinstance(value, type):
                try:
                    value()
                except Exception:   # noqa: BLE001 -- needs arguments
                    continue
                for name, member in inspect.getmembers(value):
                    function = getattr(member, "__func__", member)
                    if isinstance(function, types.FunctionType) and function.__module__.startswith("nettrain_lib") \
                            and (not name.startswith("__") or name == "__call__"):
                        found.append((f"{value.__module__}.{value.__qualname__}.{name}",
                                      lambda cls=value, name=name: getattr(cls(), name)))
    return found


def _search(nl, references):
    """Every callable of the library with each case's arguments in every order (up to 4 of them): which
    return the graded answer (whole, or one of its array parts that is not an argument)."""
    import matplotlib.pyplot as plt

    found = []
    callables = _callables(nl)
    for name, expected in references.items():
        orders = list(itertools.permutations(range(len(CASES[name]()))))
        if len(orders) > 24:
            orders = orders[:1]
        parts = []
        if isinstance(expected, (tuple, list, dict)):
            values = expected.values() if isinstance(expected, dict) else expected
            parts = [(k, p) for k, p in enumerate(values) if isinstance(p, np.ndarray) and p.size > 1
                     and not any(same(p, a) for a in CASES[name]())]
        for label, factory in callables:
            for order in orders:
                args = CASES[name]()
                args = [args[i] for i in order]
                try:
                    value = _call(factory(), args)
                except BaseException:   # noqa: BLE001 -- anything at all: not the answer
                    continue
                how = "same answer" if same(value, expected) else next(
                    (f"part {k} of the answer" for k, p in parts if same(value, p)), None)
                if how:
                    found.append([name, label, list(order), how])
            plt.close("all")
    return found


def in_subprocess(task, inputs, output):
    """Run `task` against the nettrain_lib on the path; write its JSON result to `output`."""
    import warnings

    import nettrain_lib as nl

    with open(inputs, "rb") as handle:
        data = pickle.load(handle)
    signal.signal(signal.SIGALRM, _alarm)
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    result = {"file": nl.__file__}
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        if task == "search":
            result["found"] = _search(nl, data)
        elif task == "places":
            result["places"] = {place: _raises(_place(place), nl) for place in data}
            result["facade"] = {name: _raises(lambda name=name: getattr(nl, name), nl) for name in dir(nl)
                                if callable(getattr(nl, name)) and _is_redacted(getattr(nl, name), data)}
        elif task == "recipes":
            result["recipes"] = {f"{name} {place}": _raises(lambda case=case, recipe=recipe: (
                lambda *args: recipe(nl, *args)), nl, case())
                for (name, place), (case, recipe, _) in RECIPES.items()}
        elif task == "working":
            result["working"] = _still_working(nl)
    with open(output, "w") as handle:
        json.dump(result, handle)


def _place(place):
    module, qualname = place.split(":")
    target = __import__(module, fromlist=["_"])
    *classes, function = qualname.split(".")
    for name in classes:
        target = getattr(target, name)
    raw = vars(target)[function] if classes else getattr(target, function)
    return lambda: getattr(raw, "__func__", raw)


def _is_redacted(function, places):
    return isinstance(function, types.FunctionType) and f"{function.__module__}:{function.__qualname__}" in places


def _raises(get, nl, args=None):
    """The exception calling the function raises ("ReferenceUnavailable: message"), or what it returned."""
    function = get()
    if args is None:       # any arguments will do: a redacted body raises before it reads them
        parameters = inspect.signature(function).parameters.values()
        args = [None for p in parameters if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
        kwargs = {p.name: None for p in parameters if p.default is p.empty and p.kind is p.KEYWORD_ONLY}
    else:
        kwargs = {}
    try:
        value = _materialized(function(*args, **kwargs))
    except Exception as error:   # noqa: BLE001 -- reported, and checked by the test
        return f"{type(error).__module__}.{type(error).__name__}: {error}"
    return f"returned {type(value).__name__}"


def _still_working(nl):
    """Library functions that compute no graded answer, run against the copy."""
    import importlib

    checks, old_path = (importlib.import_module(f"nettrain_lib.{name}") for name in ("checks", "normalization"))
    rng = np.random.default_rng(0)
    X, y = nl.make_linear_regression(20, rng, weights=(1.0, 2.0))
    digits, labels = nl.load_digits()
    model = nl.Sequential([nl.Dense(8, activation="relu"), nl.Dense(3, activation="softmax")], seed=0)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    split = nl.train_val_test_split(X, y, rng)
    return {
        "make_linear_regression": list(X.shape), "load_digits": [list(digits.shape), int(labels.sum())],
        "Sequential": repr(model.layers), "make_blobs": list(nl.make_blobs(4, [[0, 0], [3, 3]], rng)[0].shape),
        "train_val_test_split": [len(part) for part in split], "relative_error": nl.relative_error(X, X + 1e-9),
        "epoch_order": nl.epoch_order(5).tolist(), "sigmoid": nl.sigmoid(np.zeros(2)).tolist(),
        "least_squares_fit": round(nl.least_squares_fit(X, y)[1], 6), "largest_stable_lr": nl.largest_stable_lr(X),
        "cosine_decay": nl.cosine_decay(0.1, 5, 10), "L2": nl.L2(0.1)(np.ones(3)),
        "tanh": nl.nn.activations.tanh(np.zeros(2)).tolist(), "double_well": float(nl.double_well(1.0)),
        "check_close": repr(checks.check_close(1.0, 1.0, "x")), "old_paths": old_path.__name__,
        "History": repr(nl.History()), "plot_functions": type(nl.plot_functions(
            np.linspace(-1, 1, 5), {"line": np.linspace(-1, 1, 5)})).__name__,
    }


# ---- the tests -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    return redact.build(tmp_path_factory.mktemp("redacted"), GRADED)


def run(task, data, folder, library=None):
    """in_subprocess(task) with the redacted copy at `library` (None: the real library) first on the path."""
    inputs, output = folder / f"{task}.pickle", folder / f"{task}.json"
    inputs.write_bytes(pickle.dumps(data))
    code = ("import sys\n"
            "library, repo, task, inputs, output = sys.argv[1:]\n"
            "if library:\n"
            "    sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, '__module__', '')"
            ".startswith('__editable__')]\n"
            "sys.path[:0] = [p for p in (library, repo) if p]\n"
            "from tests.grading import test_redact\n"
            "test_redact.in_subprocess(task, inputs, output)\n")
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=os.pathsep.join(filter(None, [library, str(REPO)])))
    subprocess.run([sys.executable, "-c", code, library or "", str(REPO), task, str(inputs), str(output)],
                   cwd=folder, env=env, check=True, timeout=120)
    result = json.loads(output.read_text())
    expected = Path(library or REPO) / "nettrain_lib" / "__init__.py"
    assert Path(result["file"]) == expected, f"the subprocess imported {result['file']}, not {expected}"
    return result


def test_every_redacted_place_raises_and_says_which(copy, tmp_path):
    places = redact.redacted_places(GRADED)
    result = run("places", places, tmp_path, str(copy.parent))
    for place, outcome in result["places"].items():
        qualname = place.split(":")[1]
        assert outcome.startswith("nettrain_lib._unavailable.ReferenceUnavailable: nettrain_lib's own "
                                  f"{qualname} is switched off"), (place, outcome)
        assert "must compute their answers themselves" in outcome
    assert set(result["places"]) == set(places)
    # the names notebooks import: from nettrain_lib import mse_loss, softmax, step_decay, ...
    assert {"mse_loss", "softmax", "step_decay", "iterate_minibatches", "gradient_descent_path", "log_softmax",
            "exponential_decay", "loss_grid", "weights_loss_grid"} <= set(result["facade"])
    assert all("ReferenceUnavailable" in outcome for outcome in result["facade"].values()), result["facade"]


def test_what_computes_no_graded_answer_still_works(copy, tmp_path):
    working = run("working", None, tmp_path, str(copy.parent))["working"]
    assert working["make_linear_regression"] == [20, 2] and working["load_digits"][0] == [1797, 64]
    assert working["Sequential"] == "[Dense(8, activation='relu'), Dense(3, activation='softmax')]"
    assert working["train_val_test_split"] == [12, 12, 4, 4, 4, 4]
    assert working["old_paths"] == "nettrain_lib.normalization"


def test_the_copy_holds_no_redacted_body_and_no_stale_bytecode(copy):
    source = redact.package_directory()
    text = {path.relative_to(copy).as_posix(): path.read_text() for path in copy.rglob("*.py")}
    assert "dw = 2.0 / n_samples * (X.T @ residuals)" in (source / "scratch/linear.py").read_text()
    assert "dw = 2.0 / n_samples" not in text["scratch/linear.py"]
    assert "shifted = z - z.max(" not in text["_kernels.py"] + text["scratch/softmax.py"]
    assert "m += (grad - m) * one_minus_beta_1" not in text["nn/optimizers.py"]
    assert "self.rng.permutation" not in text["nn/models.py"]
    # each redacted definition is its docstring and one raise; every other definition is unchanged
    import ast

    places = set(redact.redacted_places(GRADED))
    for relative, copied in text.items():
        if relative == "_unavailable.py":
            continue
        original = (source / relative).read_text()
        if not any(place.split(":")[0] == _module_of(relative) for place in places):
            assert copied == original, relative          # byte for byte
            continue
        before, after = _definitions_by_qualname(ast.parse(original)), _definitions_by_qualname(ast.parse(copied))
        assert before.keys() == after.keys(), relative
        for qualname, node in after.items():
            if f"{_module_of(relative)}:{qualname}" in places:
                body = node.body[1:] if ast.get_docstring(node) is not None else node.body
                assert len(body) == 1 and isinstance(body[0], ast.Raise), qualname
                assert ast.get_docstring(node) == ast.get_docstring(before[qualname])
                assert ast.dump(node.args) == ast.dump(before[qualname].args)
            elif not any(qualname.startswith(place.split(":")[1] + ".") for place in places):
                assert ast.dump(node) == ast.dump(before[qualname]), qualname
    # no bytecode of the real package: every .pyc was compiled from the copy's own (redacted) source
    assert not list(copy.rglob("*.pyc")) or all(p.parent.name == "__pycache__" for p in copy.rglob("*.pyc"))
    for source_file in copy.rglob("*.py"):
        compiled = source_file.parent / "__pycache__" / f"{source_file.stem}.{sys.implementation.cache_tag}.pyc"
        header = compiled.read_bytes()[:16]
        assert int.from_bytes(header[12:16], "little") == source_file.stat().st_size, compiled
    pyc = {p.relative_to(copy).as_posix() for p in copy.rglob("*.pyc")}
    assert len(pyc) == len(text)
    assert (copy / "data" / "digits.npz").read_bytes() == (source / "data" / "digits.npz").read_bytes()


def _module_of(relative):
    parts = relative.removesuffix(".py").split("/")
    return ".".join(["nettrain_lib", *(parts[:-1] if parts[-1] == "__init__" else parts)])


def _definitions_by_qualname(tree):
    import ast

    found = {}

    def visit(body, prefix):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found[prefix + node.name] = node
            elif isinstance(node, ast.ClassDef):
                visit(node.body, prefix + node.name + ".")
    visit(tree.body, "")
    return found


def references():
    return {name: _materialized(reference(name, *case())) for name, case in CASES.items()}


def test_each_equivalent_computes_its_graded_answer_and_is_switched_off(copy, tmp_path):
    import nettrain_lib as nl

    listed = {(name, place) for name, places in redact.EQUIVALENTS.items() for place in places}
    assert listed == set(RECIPES), "every EQUIVALENTS entry needs a recipe here, showing what it computes"
    for (name, place), (case, recipe, expected) in RECIPES.items():
        got = _materialized(recipe(nl, *case()))
        answer = _materialized(expected(*case()) if expected else reference(name, *case()))
        assert same(got, answer), f"{place} does not compute {name}'s answer: {got!r} != {answer!r}"
    outcomes = run("recipes", None, tmp_path, str(copy.parent))["recipes"]
    assert {k: v for k, v in outcomes.items() if "ReferenceUnavailable" not in v} == {}


def test_no_library_function_returns_a_graded_answer(copy, tmp_path):
    """The delegation search: every function of the redacted copy (and every method of a class that can be
    made without arguments), with each graded function's arguments in every order."""
    answers = references()
    # the search does find delegation: against the real library it finds the reference functions
    (tmp_path / "real").mkdir()
    found = run("search", answers, tmp_path / "real")["found"]
    whole = {(name, label) for name, label, _, how in found if how == "same answer"}
    for name in ("mse_loss", "mse_gradients", "softmax", "step_decay", "one_hot", "accuracy", "make_batches"):
        assert any(n == name and label.endswith(f".{name}") for n, label in whole), (name, sorted(whole))
    assert ("mse_gradients", "nettrain_lib.scratch.linear.mse_gradients_unchecked") in whole
    # and finds nothing in the redacted copy
    found = run("search", answers, tmp_path, str(copy.parent))["found"]
    assert found == [], "library functions that return a graded answer:\n" + "\n".join(
        f"  {name}: {label} with the arguments in order {order} ({how})" for name, label, order, how in found)


def test_a_place_that_does_not_exist_is_refused(tmp_path, monkeypatch):
    monkeypatch.setitem(redact.EQUIVALENTS, "mse_loss", ("nettrain_lib.scratch.linear:mse_loss_of_nothing",))
    with pytest.raises(ValueError, match=re.escape("mse_loss_of_nothing")):
        redact.build(tmp_path, ["relu"])
    monkeypatch.setitem(redact.EQUIVALENTS, "mse_loss", ("nettrain_lib.scratch.nowhere:mse_loss",))
    with pytest.raises(ValueError, match="has no module 'nettrain_lib.scratch.nowhere'"):
        redact.redacted_places(["relu"])
    monkeypatch.setitem(redact.EQUIVALENTS, "mse_loss", ("nettrain_lib.nn.layers:Dense.call",))
    with pytest.raises(ValueError, match=re.escape("defines no function or method 'Dense.call'")):
        redact.build(tmp_path, ["mse_loss"])
    assert not (tmp_path / "nettrain_lib").exists()


def test_places_are_the_graded_names_and_their_equivalents():
    assert redact.redacted_places(["step_decay"]) == ["nettrain_lib.nn.schedules:exponential_decay",
                                                      "nettrain_lib.nn.schedules:step_decay"]
    assert "nettrain_lib._kernels:softmax" in redact.redacted_places(["softmax"])
    assert redact.redacted_places(["validation_split_indices"]) == []
    with pytest.raises(TypeError, match="collection of function names"):
        redact.redacted_places("mse_loss")


def test_the_grader_redacts_every_lessons_graded_names_released_or_not():
    """nettrain-grade builds the re-check's library with the graded names of every lesson in
    solutions/, so the capstone's sgd_update cannot call lesson 01's gradient_descent_step even when
    only the capstone is released."""
    from nettrain_grading.course import graded_names, load_config
    from tests.support.catalogue import CATALOGUE

    root = Path(__file__).resolve().parents[2]
    names = graded_names(root, load_config(root))
    assert names == sorted(name for functions in CATALOGUE.values() for name in functions)
    assert {"gradient_descent_step", "softmax", "numerical_gradient", "sgd_update"} <= set(names)
