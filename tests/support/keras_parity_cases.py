"""The Keras parity cases: data, initial weights and nettrain_lib's side of each run.

bench/keras_parity.py runs the same cases in Keras 3 and records Keras's results in
fixtures/keras_parity.npz (next to this file); tests/lib/test_nn_models.py and
test_nn_regularization.py compare nettrain_lib against that fixture without needing Keras.

Two families of cases:
- CASES: a small synthetic problem (150 x 8, 3 classes), each loss and optimizer, a few epochs;
- DIGITS_CASES: the lessons' model on the digits (all 1,797 images, pixels / 16; Dense(64, relu),
  Dense(32, relu), Dense(10, softmax); categorical cross-entropy; batch_size=32; 5 epochs,
  shuffle=False): every optimizer with Keras's defaults, with and without validation_split, with L2,
  with a learning-rate schedule, and a model with Dropout evaluated with training=False. Adam's
  chaotic float32 dynamics amplify a 1-ulp difference in a constant (1 - beta_1 rounded in float32
  instead of in double) to ~5e-3 in the weights within 5 epochs, so these runs hold every constant
  to Keras's rounding.
"""
from pathlib import Path

import numpy as np

from nettrain_lib import L2, SGD, Dense, Dropout, LearningRateScheduler, Sequential, load_digits, step_decay

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


# ---------------------------------------------------------------- the digits, the lessons' model

DIGITS_CASES = {
    # name: (optimizer, validation_split, L2 factor or None, schedule?)
    "digits_sgd": ("sgd", 0.2, None, False),
    "digits_sgd_nosplit": ("sgd", 0.0, None, False),
    "digits_nesterov": ("sgd_nesterov", 0.2, None, False),
    "digits_rmsprop": ("rmsprop", 0.2, None, False),
    "digits_rmsprop_nosplit": ("rmsprop", 0.0, None, False),
    "digits_adam": ("adam", 0.2, None, False),
    "digits_adam_nosplit": ("adam", 0.0, None, False),
    "digits_adam_l2": ("adam", 0.2, 1e-3, False),
    "digits_adam_schedule": ("adam", 0.2, None, True),
}
DIGITS_EPOCHS, DIGITS_BATCH = 5, 32
DIGITS_SHAPES = [(64, 64), (64,), (64, 32), (32,), (32, 10), (10,)]
DROPOUT_RATE = 0.3          # the Dropout case: evaluated with training=False, where dropout is the identity


def digits_data(dtype):
    X, labels = load_digits()
    X = (X / 16.0).astype(dtype)
    return X, labels, np.eye(10, dtype=dtype)[labels]


def digits_initial_weights(dtype):
    """Glorot-uniform-like kernels and small biases, drawn once with numpy, set in both libraries."""
    rng = np.random.default_rng(2)
    weights = []
    for shape in DIGITS_SHAPES:
        if len(shape) == 2:
            limit = np.sqrt(6 / sum(shape))
            weights.append(rng.uniform(-limit, limit, size=shape).astype(dtype))
        else:
            weights.append((rng.normal(size=shape) * 0.01).astype(dtype))
    return weights


def digits_schedule(epoch, lr):
    """Keras calls schedule(epoch, lr); the lessons' step decay, halving every 2 epochs from 0.002."""
    return step_decay(0.002, epoch, drop=0.5, epochs_per_drop=2)


def digits_optimizer(name):
    return {"sgd_nesterov": SGD(learning_rate=0.01, momentum=0.9, nesterov=True)}.get(name, name)


def run_nettrain_digits(case, dtype):
    optimizer, split, l2, schedule = DIGITS_CASES[case]
    X, _, Y = digits_data(dtype)
    regularizer = L2(l2) if l2 else None
    model = Sequential([Dense(64, activation="relu", kernel_regularizer=regularizer),
                        Dense(32, activation="relu", kernel_regularizer=regularizer),
                        Dense(10, activation="softmax")], seed=0, dtype=dtype)
    model.build(64)
    model.set_weights(digits_initial_weights(dtype))
    model.compile(optimizer=digits_optimizer(optimizer), loss="categorical_crossentropy", metrics=["accuracy"])
    callbacks = [LearningRateScheduler(digits_schedule)] if schedule else None
    history = model.fit(X, Y, batch_size=DIGITS_BATCH, epochs=DIGITS_EPOCHS, validation_split=split,
                        shuffle=False, verbose=0, callbacks=callbacks)
    return {k: np.array(v) for k, v in history.history.items()}, model.get_weights()


def run_nettrain_dropout_evaluation(dtype):
    """(predict, [loss, accuracy] from evaluate) of the digits model with Dropout after each hidden
    layer, with the initial weights: inference runs with training=False, where Dropout does nothing."""
    X, _, Y = digits_data(dtype)
    model = Sequential([Dense(64, activation="relu"), Dropout(DROPOUT_RATE), Dense(32, activation="relu"),
                        Dropout(DROPOUT_RATE), Dense(10, activation="softmax")], seed=0, dtype=dtype)
    model.build(64)
    model.set_weights(digits_initial_weights(dtype))
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model.predict(X), np.array(model.evaluate(X, Y), dtype=float)
