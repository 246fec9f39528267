"""The Keras parity cases: data, initial weights and nettrain_lib's side of each run.

bench/keras_parity.py runs the same cases in Keras 3 and records Keras's results in
fixtures/keras_parity.npz (next to this file); tests/lib/test_nn_models.py and
test_nn_regularization.py compare nettrain_lib against that fixture without needing Keras.
"""
from pathlib import Path

import numpy as np

from nettrain_lib import L2, SGD, Dense, Sequential

FIXTURE_PATH = Path(__file__).resolve().parent / "fixtures" / "keras_parity.npz"

CASES = {
    # name: (optimizer, loss, last activation, validation_split, epochs, batch_size)
    "adam_cce": ("adam", "categorical_crossentropy", "softmax", 0.2, 4, 32),
    "sgd_cce": ("sgd", "categorical_crossentropy", "softmax", 0.2, 4, 16),
    "sgdm_sparse": ("sgd_momentum", "sparse_categorical_crossentropy", "softmax", 0.25, 3, 20),
    "adam_mse": ("adam", "mse", "linear", 0.0, 3, 32),
    "rmsprop_cce": ("rmsprop", "categorical_crossentropy", "softmax", 0.2, 3, 32),
    "adam_l2_cce": ("adam_l2", "categorical_crossentropy", "softmax", 0.2, 3, 32),
}


def data(dtype):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 8)).astype(dtype)
    labels = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.5)
    Y = np.eye(3, dtype=dtype)[labels]
    return X, labels, Y


def initial_weights(dtype):
    rng = np.random.default_rng(1)
    shapes = [(8, 16), (16,), (16, 3), (3,)]
    return [(rng.normal(size=s) * (0.3 if len(s) == 2 else 0.1)).astype(dtype) for s in shapes]


def targets(loss, labels, Y):
    return labels if loss.startswith("sparse") else Y


def run_nettrain(case, dtype):
    optimizer, loss, last, split, epochs, batch = CASES[case]
    X, labels, Y = data(dtype)
    regularizer = L2(0.01) if optimizer == "adam_l2" else None
    model = Sequential([Dense(16, activation="relu", kernel_regularizer=regularizer), Dense(3, activation=last)],
                       seed=0, dtype=dtype)
    model.build(8)
    model.set_weights(initial_weights(dtype))
    opt = {"sgd_momentum": SGD(learning_rate=0.05, momentum=0.9), "adam_l2": "adam"}.get(optimizer, optimizer)
    model.compile(optimizer=opt, loss=loss, metrics=["accuracy"] if loss != "mse" else [])
    history = model.fit(X, targets(loss, labels, Y), batch_size=batch, epochs=epochs,
                        validation_split=split, shuffle=False, verbose=0)
    return {k: np.array(v) for k, v in history.history.items()}, model.get_weights()
