"""Tests of nettrain_lib.nn.models: Sequential.fit's Keras 3 semantics redone by hand, parity with stored
Keras 3.15 results, bad input, diverging runs, summary, weights, and save / load_model."""
import copy
import inspect
import json
import math
import os
import re
import warnings

import numpy as np
import pytest

from nettrain_lib import SGD, Adam, Dense, Dropout, History, Sequential, load_model
from nettrain_lib.nn import models
from tests.support import keras_parity_cases as PARITY
from tests.support.libtools import load_keras_results


def classification_data(n=60, seed=0):
    """n examples, 4 features, 3 classes (the same rule as tests/support/keras_parity_cases.py)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.5)
    return X, labels


def classifier(seed=0, dtype="float32", optimizer="adam", loss="sparse_categorical_crossentropy", metrics=("accuracy",)):
    model = Sequential([Dense(8, activation="relu"), Dense(3, activation="softmax")], seed=seed, dtype=dtype)
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return model


# A 5-example regression small enough to redo by hand; each row is different, so a wrong row shows.
X5 = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0], [0.0, 2.0]])
Y5 = np.array([1.0, 2.0, 3.0, 2.0, -1.0])
W5 = [np.array([[0.5], [-0.5]]), np.array([0.1])]


def linear_model(weights=W5, lr=0.1, seed=0, input_dim=2):
    """Dense(1), mse, plain SGD, float64, starting from the given weights."""
    model = Sequential([Dense(1)], seed=seed, dtype="float64")
    model.build(input_dim)
    model.set_weights(weights)
    model.compile(optimizer=SGD(learning_rate=lr), loss="mse")
    return model


def hand_epochs(weights, X, y, orders, batch_size, lr):
    """Mini-batch SGD on a linear model with mse, redone with plain numpy on copies of the weights.

    Returns the final (W, b) and each epoch's loss: the batch-size-weighted mean of the batch losses
    computed before each update."""
    W, b = weights[0].copy(), weights[1].copy()
    epoch_losses = []
    for order in orders:
        batch_losses, sizes = [], []
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            r = X[rows] @ W + b - y[rows][:, None]          # residuals (n, 1)
            batch_losses.append(np.mean(r ** 2))
            sizes.append(len(rows))
            d_pred = 2 * r / len(rows)                        # d(mean r^2) / d(prediction)
            W = W - lr * X[rows].T @ d_pred
            b = b - lr * d_pred.sum(axis=0)
        epoch_losses.append(np.dot(batch_losses, sizes) / sum(sizes))
    return W, b, epoch_losses


def record_batch_sizes(model, monkeypatch):
    """Wrap model._step to record the size of every batch it is given."""
    sizes = []
    original = model._step

    def spy(x, y, params):
        sizes.append(len(x))
        return original(x, y, params)

    monkeypatch.setattr(model, "_step", spy)
    return sizes


# ---------------------------------------------------------------- the epoch loop, by hand

def test_epoch_loss_is_the_weighted_mean_of_batch_losses_before_each_update():
    """Two epochs without shuffling, batch_size 2 on 5 rows (batches of 2, 2, 1), redone by hand."""
    model = linear_model()
    history = model.fit(X5, Y5, batch_size=2, epochs=2, shuffle=False, verbose=0)
    W, b, expected = hand_epochs(W5, X5, Y5, [np.arange(5)] * 2, batch_size=2, lr=0.1)
    np.testing.assert_allclose(history.history["loss"], expected, rtol=1e-12)
    np.testing.assert_allclose(model.get_weights()[0], W, rtol=1e-12)
    np.testing.assert_allclose(model.get_weights()[1], b, rtol=1e-12)


def test_first_batch_by_hand():
    """The first batch's loss and update, with the arithmetic written out."""
    model = linear_model()
    history = model.fit(X5[:2], Y5[:2], batch_size=2, epochs=1, shuffle=False, verbose=0)
    # predictions: [0.5 + 0.1, -0.5 + 0.1] = [0.6, -0.4]; residuals r = [0.6 - 1, -0.4 - 2] = [-0.4, -2.4]
    # loss = (0.16 + 5.76) / 2 = 2.96 (before the update)
    assert history.history["loss"] == [pytest.approx(2.96, rel=1e-14)]
    # d_pred = 2 r / 2 = [-0.4, -2.4]; dW = X.T @ d_pred = [[-0.4], [-2.4]]; db = -2.8
    # W = [[0.5 + 0.04], [-0.5 + 0.24]] = [[0.54], [-0.26]]; b = 0.1 + 0.28 = 0.38
    np.testing.assert_allclose(model.get_weights()[0], [[0.54], [-0.26]], rtol=1e-14)
    np.testing.assert_allclose(model.get_weights()[1], [0.38], rtol=1e-14)


def test_epoch_loss_is_not_the_plain_mean_of_batch_losses():
    """The hand-run's weighted mean differs from the unweighted mean of the three batch losses here,
    so the test above tells the two apart."""
    W, b = W5[0], W5[1]
    batch_losses = []
    for rows in ([0, 1], [2, 3], [4]):
        r = X5[rows] @ W + b - Y5[rows][:, None]
        batch_losses.append(np.mean(r ** 2))
        W, b = W - 0.1 * X5[rows].T @ (2 * r / len(rows)), b - 0.1 * (2 * r / len(rows)).sum(axis=0)
    model = linear_model()
    loss = model.fit(X5, Y5, batch_size=2, epochs=1, shuffle=False, verbose=0).history["loss"][0]
    assert loss == pytest.approx(np.dot(batch_losses, [2, 2, 1]) / 5, rel=1e-12)
    assert abs(loss - np.mean(batch_losses)) > 1e-3


def test_loss_and_accuracy_of_one_batch_are_taken_before_the_update():
    """With one batch per epoch, the epoch's loss and accuracy are those of the initial weights."""
    X, labels = classification_data(40)
    model = classifier(optimizer=SGD(learning_rate=0.5))
    model.build(4)
    before_loss, before_accuracy = model.evaluate(X, labels, batch_size=40)
    history = model.fit(X, labels, batch_size=40, epochs=1, verbose=0)
    assert history.history["loss"][0] == pytest.approx(before_loss, rel=1e-6)
    assert history.history["accuracy"][0] == before_accuracy
    assert model.evaluate(X, labels, batch_size=40)[0] != pytest.approx(before_loss, rel=1e-3)


def test_shuffle_draws_a_fresh_permutation_every_epoch_from_the_model_rng():
    """shuffle=True: epoch e visits the rows in the order of the model's rng.permutation(N), drawn anew
    each epoch; redone by hand with a copy of the generator."""
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(7, 2)), rng.normal(size=7)
    model = linear_model(seed=3)
    generator = copy.deepcopy(model.rng)                          # its state after building the weights
    history = model.fit(X, y, batch_size=3, epochs=3, shuffle=True, verbose=0)
    orders = [generator.permutation(7) for _ in range(3)]
    assert not all(np.array_equal(orders[0], order) for order in orders[1:])   # different each epoch
    W, b, expected = hand_epochs(W5, X, y, orders, batch_size=3, lr=0.1)
    np.testing.assert_allclose(history.history["loss"], expected, rtol=1e-12)
    np.testing.assert_allclose(model.get_weights()[0], W, rtol=1e-12)
    # and not the unshuffled run
    _, _, unshuffled = hand_epochs(W5, X, y, [np.arange(7)] * 3, batch_size=3, lr=0.1)
    assert not np.allclose(history.history["loss"], unshuffled, rtol=1e-6)


def test_same_seed_same_run_and_another_seed_another_run():
    """Same seed: identical History and weights. Another seed (from the same initial weights): the
    shuffling differs, and so does the run."""
    X, labels = classification_data(50)

    def run(seed, weights=None):
        model = classifier(seed=seed)
        model.build(4)
        if weights is not None:
            model.set_weights(weights)
        history = model.fit(X, labels, batch_size=8, epochs=3, verbose=0)
        return model, history.history

    model_a, history_a = run(5)
    model_b, history_b = run(5)
    assert history_a == history_b
    assert all(np.array_equal(a, b) for a, b in zip(model_a.get_weights(), model_b.get_weights()))
    start = classifier(seed=5)
    start.build(4)
    model_c, history_c = run(6, weights=start.get_weights())
    assert history_c["loss"] != history_a["loss"]
    assert not np.array_equal(model_c.get_weights()[0], model_a.get_weights()[0])


def test_fit_leaves_numpy_global_random_state_alone():
    """Building, shuffling and fitting never touch np.random's global state."""
    X, labels = classification_data(30)
    np.random.seed(1234)
    state = np.random.get_state()
    model = classifier(seed=None)                    # even without a seed: a fresh Generator, not np.random
    model.fit(X, labels, batch_size=4, epochs=2, validation_split=0.2, verbose=0)
    after = np.random.get_state()
    assert state[0] == after[0] and np.array_equal(state[1], after[1]) and state[2:] == after[2:]


def test_rng_argument_is_used():
    """Sequential(rng=generator) draws from that generator."""
    model = Sequential([Dense(2)], rng=np.random.default_rng(9))
    model.build(3)
    other = Sequential([Dense(2)], seed=9)
    other.build(3)
    np.testing.assert_array_equal(model.get_weights()[0], other.get_weights()[0])


# ---------------------------------------------------------------- steps per epoch

@pytest.mark.parametrize("batch_size, sizes", [(4, [4, 4, 2]), (5, [5, 5]), (10, [10]), (64, [10]), (1, [1] * 10)])
def test_steps_per_epoch_keep_the_last_partial_batch(batch_size, sizes, monkeypatch):
    """ceil(N / batch_size) steps per epoch, the last one smaller: counted by optimizer.iterations."""
    X, labels = classification_data(10)
    model = classifier()
    seen = record_batch_sizes(model, monkeypatch)
    model.fit(X, labels, batch_size=batch_size, epochs=3, verbose=0)
    assert model.optimizer.iterations == 3 * math.ceil(10 / batch_size)
    assert seen == sizes * 3


def test_default_batch_size_is_32(monkeypatch):
    """fit's batch_size defaults to 32, as in Keras: 70 rows are 3 steps of 32, 32 and 6."""
    assert inspect.signature(Sequential.fit).parameters["batch_size"].default == 32
    X, labels = classification_data(70)
    model = classifier()
    seen = record_batch_sizes(model, monkeypatch)
    model.fit(X, labels, epochs=1, verbose=0)
    assert model.optimizer.iterations == 3
    assert seen == [32, 32, 6]


# ---------------------------------------------------------------- validation

def identified_rows(n=10):
    """Row i is [i, i^2 / 10] with target 2 i - 3: any other set of rows gives another loss."""
    i = np.arange(n, dtype=float)
    return np.column_stack([i, i ** 2 / 10]), 2 * i - 3


@pytest.mark.parametrize("shuffle", [False, True])
def test_validation_split_holds_out_the_last_rows_before_shuffling(shuffle, monkeypatch):
    """validation_split=0.25 of 10 rows: floor(10 * 0.75) = 7 training rows, the last 10 - 7 = 3
    (rows 7, 8, 9) for validation, also with shuffle=True."""
    X, y = identified_rows(10)
    model = linear_model(weights=[np.array([[0.1], [0.0]]), np.array([0.0])], lr=0.001)
    seen = record_batch_sizes(model, monkeypatch)
    history = model.fit(X, y, batch_size=4, epochs=1, validation_split=0.25, shuffle=shuffle, verbose=0)
    assert seen == [4, 3]                                    # 7 training rows
    assert model.optimizer.iterations == math.ceil(7 / 4)
    val_loss = history.history["val_loss"][0]
    assert val_loss == pytest.approx(model.evaluate(X[7:], y[7:], batch_size=4), rel=1e-14)
    assert val_loss != pytest.approx(model.evaluate(X[8:], y[8:], batch_size=4), rel=1e-3)  # not round(N v) = 2 rows
    assert val_loss != pytest.approx(model.evaluate(X[:3], y[:3], batch_size=4), rel=1e-3)  # not the first rows


def test_validation_split_trains_on_the_first_rows_only():
    """The training part of a validation_split run equals a run on X[:7] alone, redone by hand."""
    X, y = identified_rows(10)
    start = [np.array([[0.1], [0.0]]), np.array([0.0])]
    model = linear_model(weights=start, lr=0.001)
    history = model.fit(X, y, batch_size=4, epochs=2, validation_split=0.25, shuffle=False, verbose=0)
    W, b, expected = hand_epochs(start, X[:7], y[:7], [np.arange(7)] * 2, batch_size=4, lr=0.001)
    np.testing.assert_allclose(history.history["loss"], expected, rtol=1e-12)
    np.testing.assert_allclose(model.get_weights()[0], W, rtol=1e-12)


@pytest.mark.parametrize("epochs", [1, 3])
def test_val_values_use_the_weights_at_the_end_of_the_epoch(epochs):
    """val_loss and val_accuracy of the last epoch equal model.evaluate on the validation rows after fit."""
    X, labels = classification_data(60)
    model = classifier(dtype="float64")
    history = model.fit(X, labels, batch_size=8, epochs=epochs, validation_split=0.2, verbose=0)
    # floor(60 * 0.8) = 48 training rows; validation rows 48..59
    loss, accuracy = model.evaluate(X[48:], labels[48:], batch_size=8)
    assert history.history["val_loss"][-1] == pytest.approx(loss, rel=1e-14)
    assert history.history["val_accuracy"][-1] == accuracy


def test_validation_data_is_used_as_given():
    """validation_data=(x_val, y_val) is evaluated as it is, and takes precedence over validation_split."""
    X, labels = classification_data(60)
    model = classifier(dtype="float64")
    history = model.fit(X[:40], labels[:40], batch_size=8, epochs=2, validation_data=(X[40:], labels[40:]),
                        validation_split=0.5, verbose=0)
    assert model.optimizer.iterations == 2 * 5                 # all 40 rows trained on
    loss, accuracy = model.evaluate(X[40:], labels[40:], batch_size=8)
    assert history.history["val_loss"][-1] == pytest.approx(loss, rel=1e-14)
    assert history.history["val_accuracy"][-1] == accuracy


# ---------------------------------------------------------------- History and verbose

def test_history_keys_in_keras_order():
    """History keys: accuracy, loss, val_accuracy, val_loss; one float per epoch; epoch numbers from 0."""
    X, labels = classification_data(40)
    history = classifier().fit(X, labels, batch_size=8, epochs=3, validation_split=0.25, verbose=0)
    assert isinstance(history, History)
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert all(len(v) == 3 and all(isinstance(x, float) for x in v) for v in history.history.values())
    assert history.epoch == [0, 1, 2]
    assert repr(history) == "History(epochs=3, keys=['accuracy', 'loss', 'val_accuracy', 'val_loss'])"


def test_history_keys_without_metrics_or_validation():
    """Without metrics only losses are kept; without validation no val_* keys."""
    X, labels = classification_data(40)
    assert list(classifier(metrics=()).fit(X, labels, epochs=1, validation_split=0.25, verbose=0).history) == [
        "loss", "val_loss"]
    assert list(classifier().fit(X, labels, epochs=1, verbose=0).history) == ["accuracy", "loss"]


def test_zero_epochs_returns_an_empty_history():
    """epochs=0 trains nothing."""
    X, labels = classification_data(20)
    model = classifier()
    history = model.fit(X, labels, epochs=0, verbose=0)
    assert history.history == {} and history.epoch == [] and model.optimizer.iterations == 0


def test_verbose_0_prints_nothing(capsys):
    """verbose=0 is silent."""
    X, labels = classification_data(20)
    classifier().fit(X, labels, batch_size=8, epochs=2, validation_split=0.2, verbose=0)
    assert capsys.readouterr().out == ""


def test_verbose_1_prints_one_block_per_epoch(capsys):
    """verbose=1 prints "Epoch i/n" and then one line with the steps and every logged value."""
    X, labels = classification_data(20)
    # floor(20 * 0.8) = 16 training rows, batch_size 8: 2 steps
    history = classifier().fit(X, labels, batch_size=8, epochs=3, validation_split=0.2, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6
    assert lines[0::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    for epoch, line in enumerate(lines[1::2]):
        assert line.startswith("2/2 " + "━" * 20 + " ") and "ms/step - " in line
        assert line.endswith(f"accuracy: {history.history['accuracy'][epoch]:.4f} - loss: "
                             f"{history.history['loss'][epoch]:.4f} - val_accuracy: "
                             f"{history.history['val_accuracy'][epoch]:.4f} - val_loss: "
                             f"{history.history['val_loss'][epoch]:.4f}")


# ---------------------------------------------------------------- Keras parity


@pytest.fixture(scope="module")
def keras_results():
    return load_keras_results()


def test_parity_fixture_covers_every_case(keras_results):
    """The fixture was made by Keras 3.15 and holds every case of the bench in both dtypes."""
    assert str(keras_results["keras_version"]).startswith("3.15.")
    for dtype in ("float32", "float64"):
        for case in PARITY.CASES:
            assert f"{dtype}/{case}/history/loss" in keras_results
            assert f"{dtype}/{case}/weight/3" in keras_results
        for case in PARITY.DIGITS_CASES:
            assert f"{dtype}/{case}/history/loss" in keras_results
            assert f"{dtype}/{case}/weight/5" in keras_results
        assert f"{dtype}/digits_dropout_eval/predict" in keras_results


def assert_matches_keras(keras_results, label, history, weights, count):
    """History (same keys in the same order) and final weights within 1e-6 of Keras's."""
    prefix = f"{label}/history/"
    keras_keys = [name[len(prefix):] for name in keras_results if name.startswith(prefix)]
    assert list(history) == keras_keys
    for key in keras_keys:
        np.testing.assert_allclose(history[key], keras_results[prefix + key], rtol=0, atol=1e-6, err_msg=key)
    assert len(weights) == count
    dtype = label.split("/")[0]
    for i, w in enumerate(weights):
        assert w.dtype == np.dtype(dtype)
        np.testing.assert_allclose(w, keras_results[f"{label}/weight/{i}"], rtol=0, atol=1e-6, err_msg=f"weight {i}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", list(PARITY.CASES))
def test_keras_parity(case, dtype, keras_results):
    """The same runs in nettrain_lib give Keras's History (same keys, same order) and final weights
    within 1e-6."""
    assert_matches_keras(keras_results, f"{dtype}/{case}", *PARITY.run_nettrain(case, dtype), 4)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", list(PARITY.DIGITS_CASES))
def test_keras_parity_on_the_lessons_digits_model(case, dtype, keras_results):
    """The lessons' model on all the digits, 5 epochs, each optimizer with Keras's defaults, with and
    without validation_split, with L2 and with a schedule: History and weights within 1e-6 of Keras."""
    assert_matches_keras(keras_results, f"{dtype}/{case}", *PARITY.run_nettrain_digits(case, dtype), 6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_keras_parity_of_a_model_with_dropout_at_inference(dtype, keras_results):
    """predict and evaluate run with training=False: Dropout passes its input through, as in Keras."""
    probs, scores = PARITY.run_nettrain_dropout_evaluation(dtype)
    np.testing.assert_allclose(probs, keras_results[f"{dtype}/digits_dropout_eval/predict"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(scores, keras_results[f"{dtype}/digits_dropout_eval/evaluate"], rtol=0, atol=1e-6)


class RoundedInFloat32Adam(Adam):
    """Adam with 1 - beta formed after rounding beta to float32 (0.100000024 instead of float32(0.1)):
    what nettrain_lib did before it formed the constants as Keras does."""

    def _step_scalars(self, f):
        alpha, _, _, epsilon = super()._step_scalars(f)
        return alpha, 1 - f(self.beta_1), 1 - f(self.beta_2), epsilon


def test_the_digits_adam_case_detects_a_one_ulp_difference_in_a_constant(keras_results, monkeypatch):
    """float32 Adam amplifies a 1-ulp difference in 1 - beta_1 far beyond the 1e-6 tolerance within 5
    epochs: the parity test above could not pass with the constants rounded the old way."""
    assert np.float32(1) - np.float32(0.9) != np.float32(1 - 0.9)
    monkeypatch.setattr(PARITY, "digits_optimizer", lambda name: RoundedInFloat32Adam())
    _, weights = PARITY.run_nettrain_digits("digits_adam", "float32")
    worst = max(np.max(np.abs(w - keras_results[f"float32/digits_adam/weight/{i}"])) for i, w in enumerate(weights))
    assert worst > 1e-4


def test_parity_fixture_float64_runs_are_float64(keras_results):
    """The float64 fixtures come from a float64 Keras model."""
    for case in PARITY.CASES:
        for i in range(4):
            assert keras_results[f"float64/{case}/weight/{i}"].dtype == np.float64, (case, i)


# ---------------------------------------------------------------- bad input

def fit_error(**changes):
    """fit a fresh classifier on good data, with one argument changed."""
    X, labels = classification_data(12)
    arguments = dict(x=X, y=labels, batch_size=4, epochs=1, verbose=0)
    arguments.update(changes)
    model = classifier()
    return lambda: model.fit(**arguments)


X12, LABELS12 = classification_data(12)


@pytest.mark.parametrize(
    "changes, error, message",
    [
        (dict(validation_split=1.0), ValueError, "validation_split must be in [0, 1); received 1.0"),
        (dict(validation_split=-0.1), ValueError, "validation_split must be in [0, 1); received -0.1"),
        (dict(validation_split="0.2"), TypeError, "validation_split must be a real number; received str '0.2'"),
        (dict(validation_split=1e-17), ValueError,
         "validation_split=1e-17 of 12 examples leaves an empty training or validation set"),
        (dict(batch_size=0), ValueError, "batch_size must be a positive integer; received 0"),
        (dict(batch_size=-4), ValueError, "batch_size must be a positive integer; received -4"),
        (dict(batch_size=2.5), TypeError, "batch_size must be a positive integer; received float 2.5"),
        (dict(epochs=-1), ValueError, "epochs must be a non-negative integer; received -1"),
        (dict(x=np.where(np.arange(48).reshape(12, 4) == 5, np.nan, X12)), ValueError,
         "x must contain only finite numbers; received NaN or inf"),
        (dict(x=np.full((12, 4), np.inf)), ValueError, "x must contain only finite numbers; received NaN or inf"),
        (dict(x=X12[:11]), ValueError, "x and y must have one row per example: x has 11 rows, y has 12 entries"),
        (dict(y=LABELS12[:10]), ValueError, "x and y must have one row per example: x has 12 rows, y has 10 entries"),
        (dict(x=X12[:, 0]), ValueError, "x must be a 2-D array; received an array of shape (12,) and dtype float64"),
        (dict(x="X"), TypeError, "x must be an array of numbers; received str 'X'"),
        (dict(y=LABELS12 + 0.0), ValueError,
         "sparse_categorical_crossentropy needs integer labels of shape (N,); received y of shape (12,) and dtype float64"),
        (dict(validation_data=(X12, LABELS12, None)), ValueError, "validation_data must be a pair (x_val, y_val)"),
        (dict(validation_data=(X12[:, :3], LABELS12)), ValueError, "x_val has 3 features, but the model was built for 4"),
        (dict(validation_data=(X12[:5], LABELS12)), ValueError,
         "x_val and y_val must have one row per example: x_val has 5 rows, y_val has 12 entries"),
    ],
)
def test_fit_bad_arguments(changes, error, message):
    """Each bad argument to fit raises an error naming it and what was received."""
    with pytest.raises(error, match=re.escape(message)):
        fit_error(**changes)()


def test_fit_needs_one_hot_targets_for_categorical_crossentropy():
    """Integer labels with categorical_crossentropy: the message suggests one_hot or the sparse loss."""
    model = classifier(loss="categorical_crossentropy")
    with pytest.raises(ValueError, match=re.escape(
            "categorical_crossentropy needs one-hot targets of shape (N, 3); received y of shape (12,). "
            "Convert labels with one_hot(y, 3), or use loss='sparse_categorical_crossentropy' for integer labels")):
        model.fit(X12, LABELS12, verbose=0)


def test_fit_and_evaluate_before_compile():
    """fit and evaluate on a model that was never compiled say to compile it first."""
    model = Sequential([Dense(3, activation="softmax")])
    message = "compile the model first: model.compile(optimizer=..., loss=..., metrics=[...])"
    with pytest.raises(ValueError, match=re.escape(message)):
        model.fit(X12, LABELS12, verbose=0)
    with pytest.raises(ValueError, match=re.escape(message)):
        model.evaluate(X12, LABELS12)


@pytest.mark.parametrize(
    "compile_arguments, message",
    [
        (dict(optimizer="adagrad", loss="mse"), "optimizer must be one of 'sgd', 'adam', 'rmsprop' or an optimizer object"),
        (dict(optimizer="adam", loss="hinge"),
         "loss must be one of 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'mse', "
         "'mean_squared_error'; received 'hinge'"),
        (dict(optimizer="adam"), "compile needs a loss, such as loss='categorical_crossentropy'"),
        (dict(optimizer="adam", loss="mse", metrics=["mae"]), "metrics may hold 'accuracy'; received 'mae'"),
    ],
)
def test_compile_bad_arguments(compile_arguments, message):
    """Unknown optimizer, loss or metric names, and a missing loss, are refused by compile."""
    with pytest.raises(ValueError, match=re.escape(message)):
        Sequential([Dense(2)]).compile(**compile_arguments)


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: Sequential([Dense(2, activation="gelu")]), ValueError, "activation must be one of"),
        (lambda: Sequential(["Dense(2)"]), TypeError,
         "Sequential.add takes a layer such as Dense(64, activation='relu'); received 'Dense(2)'"),
        (lambda: Sequential(dtype="float16"), ValueError, "dtype must be 'float32' or 'float64'; received 'float16'"),
        (lambda: Sequential(seed=0, rng=np.random.default_rng(0)), ValueError, "give seed or rng, not both"),
        (lambda: Sequential(rng=np.random.RandomState(0)), TypeError, "rng must be a numpy Generator"),
        (lambda: Sequential().build(3), ValueError, "the model has no layers: add some with model.add(Dense(...))"),
    ],
)
def test_sequential_bad_arguments(make, error, message):
    """Bad layers, dtype, seed and rng are refused with a message naming them."""
    with pytest.raises(error, match=re.escape(message)):
        make()


def test_set_weights_checks_count_and_shapes():
    """set_weights wants one kernel and one bias per layer, each of the layer's shape."""
    model = classifier()
    model.build(4)
    weights = model.get_weights()
    with pytest.raises(ValueError, match=re.escape("set_weights needs 4 arrays (kernel and bias per layer); received 3")):
        model.set_weights(weights[:3])
    with pytest.raises(ValueError, match=re.escape("set_weights needs 4 arrays (kernel and bias per layer); received 5")):
        model.set_weights(weights + [weights[-1]])
    wrong = [weights[0].T] + weights[1:]
    with pytest.raises(ValueError, match=re.escape("dense_0 kernel has shape (4, 8); received (8, 4)")):
        model.set_weights(wrong)
    wrong = weights[:3] + [np.zeros(4)]
    with pytest.raises(ValueError, match=re.escape("dense_1 bias has shape (3,); received (4,)")):
        model.set_weights(wrong)


def test_set_weights_before_build():
    """set_weights on a model without weights yet says to build it."""
    message = "the model is not built yet: call fit, predict or build(input_dim) first"
    with pytest.raises(ValueError, match=re.escape(message)):
        classifier().set_weights([])


def test_summary_before_build():
    """summary needs the shapes, so it refuses an unbuilt model."""
    with pytest.raises(ValueError, match=re.escape("the model is not built yet, so its shapes are unknown")):
        classifier().summary()


def test_compile_metrics_given_as_a_string():
    """metrics="accuracy" instead of ["accuracy"] is refused with a message quoting what was passed."""
    with pytest.raises((TypeError, ValueError), match=r"metrics.*received (str )?'accuracy'"):
        Sequential([Dense(2)]).compile(optimizer="adam", loss="mse", metrics="accuracy")


def test_fit_on_empty_data_names_x():
    """fit on 0 rows raises a ValueError that names x."""
    model = classifier()
    with pytest.raises(ValueError, match="x"):
        model.fit(np.zeros((0, 4)), np.zeros(0, dtype=int), verbose=0)


# ---------------------------------------------------------------- a diverging run

def test_nan_or_inf_loss_stops_training_with_a_warning():
    """mse with SGD at a huge learning rate: once the epoch loss is inf or NaN, fit warns (suggesting a
    smaller learning rate) and stops; History holds only the epochs that ran."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    y = X @ np.array([1.0, 2.0, 3.0])
    model = Sequential([Dense(1)], seed=0)
    model.compile(optimizer=SGD(learning_rate=10.0), loss="mse")
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning, match="smaller learning rate") as record:
        history = model.fit(X, y, batch_size=5, epochs=50, verbose=0)
    epochs_run = len(history.history["loss"])
    assert 1 <= epochs_run < 50
    assert history.epoch == list(range(epochs_run))
    assert all(math.isfinite(v) for v in history.history["loss"][:-1])
    assert not math.isfinite(history.history["loss"][-1])
    assert model.optimizer.iterations == epochs_run * 4
    message = [str(w.message) for w in record if "smaller learning rate" in str(w.message)]
    assert len(message) == 1 and message[0].startswith(f"training stopped at epoch {epochs_run}: the loss became")


def test_finite_runs_do_not_warn():
    """A healthy run emits no warning at all."""
    X, labels = classification_data(30)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        classifier().fit(X, labels, batch_size=8, epochs=2, validation_split=0.2, verbose=0)


# ---------------------------------------------------------------- summary

def test_summary_prints_names_shapes_and_counts(capsys):
    """summary: a line per layer with its name, (None, units) and parameter count, then the total."""
    model = Sequential([Dense(64, activation="relu"), Dense(64, activation="relu"), Dense(10, activation="softmax")],
                       name="mlp")
    model.build(20)
    model.summary()
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == 'Model: "mlp"'
    assert any(line.split() == ["Layer", "(type)", "Output", "Shape", "Param", "#"] for line in lines)
    rows = [line.split() for line in lines if line.startswith("dense_")]
    # 20*64 + 64 = 1,344; 64*64 + 64 = 4,160; 64*10 + 10 = 650; total 6,154
    assert rows == [["dense_0", "(Dense)", "(None,", "64)", "1,344"],
                    ["dense_1", "(Dense)", "(None,", "64)", "4,160"],
                    ["dense_2", "(Dense)", "(None,", "10)", "650"]]
    assert lines[-1] == " Total params: 6,154"
    assert model.count_params() == 6154


def test_summary_uses_given_layer_names(capsys):
    """A layer's own name is shown instead of dense_i."""
    model = Sequential([Dense(3, name="output")])
    model.build(2)
    model.summary()
    assert "output (Dense)" in capsys.readouterr().out


# ---------------------------------------------------------------- weights

def test_get_weights_returns_copies_in_keras_order():
    """[kernel_0, bias_0, kernel_1, bias_1], as copies: changing them changes nothing in the model."""
    model = classifier()
    model.build(4)
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(4, 8), (8,), (8, 3), (3,)]
    assert all(w.dtype == np.float32 for w in weights)
    weights[0][...] = 99.0
    assert not np.any(model.get_weights()[0] == 99.0)
    assert model.get_weights()[0] is not model.layers[0].params["kernel"]


def test_set_weights_copies_and_casts():
    """set_weights copies: later changes to the caller's arrays, or training, leave the other untouched."""
    model = classifier()
    model.build(4)
    arrays = [np.full(w.shape, 0.1) for w in model.get_weights()]       # float64 arrays
    model.set_weights(arrays)
    assert all(w.dtype == np.float32 for w in model.get_weights())
    arrays[0][...] = 7.0
    np.testing.assert_array_equal(model.get_weights()[0], np.full((4, 8), 0.1, dtype=np.float32))
    kept = [a.copy() for a in arrays]
    model.fit(X12, LABELS12, epochs=1, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(arrays, kept))
    same_dtype = [np.zeros(w.shape, dtype=np.float32) for w in model.get_weights()]
    model.set_weights(same_dtype)
    model.fit(X12, LABELS12, epochs=1, verbose=0)
    assert all(not np.any(w) for w in same_dtype)


def test_get_weights_of_an_unbuilt_model_is_empty():
    """An unbuilt model has no weights: get_weights() is []."""
    assert classifier().get_weights() == []


# ---------------------------------------------------------------- save and load_model

def trained_model(dtype="float32"):
    X, labels = classification_data(40)
    model = classifier(dtype=dtype, optimizer=Adam(learning_rate=0.003, beta_1=0.8))
    model.fit(X, labels, batch_size=8, epochs=2, verbose=0)
    return model, X, labels


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_save_and_load_round_trip(tmp_path, dtype):
    """load_model gives the same layers, weights, loss, metrics and optimizer settings, and identical
    predictions."""
    model, X, labels = trained_model(dtype)
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = load_model(path)
    assert loaded.get_config() == model.get_config()
    assert [(layer.units, layer.activation, layer.name) for layer in loaded.layers] == [
        (8, "relu", "dense_0"), (3, "softmax", "dense_1")]
    assert loaded.dtype == np.dtype(dtype)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert loaded.loss.name == "sparse_categorical_crossentropy" and loaded.metrics == ["accuracy"]
    assert isinstance(loaded.optimizer, Adam)
    assert loaded.optimizer.get_config() == {"name": "adam", "learning_rate": 0.003, "beta_1": 0.8,
                                             "beta_2": 0.999, "epsilon": 1e-7}
    assert np.array_equal(loaded.predict(X), model.predict(X))
    assert loaded.evaluate(X, labels) == model.evaluate(X, labels)
    loaded.fit(X, labels, epochs=1, verbose=0)                      # and it can go on training


def test_saved_file_is_a_plain_npz(tmp_path):
    """The file is an .npz that np.load opens with allow_pickle=False: a JSON config and the weights."""
    model, _, _ = trained_model()
    path = tmp_path / "model.npz"
    model.save(str(path))
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["config", "weight_0", "weight_1", "weight_2", "weight_3"]
        config = json.loads(str(archive["config"]))
        weights = [archive[f"weight_{i}"] for i in range(4)]
    assert config["loss"] == "sparse_categorical_crossentropy" and config["input_dim"] == 4
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.get_weights()))


def test_load_an_uncompiled_model(tmp_path):
    """A built but uncompiled model is saved and loaded uncompiled, with its weights."""
    model = Sequential([Dense(3, activation="tanh")], seed=0)
    model.build(2)
    model.save(tmp_path / "plain.npz")
    loaded = load_model(tmp_path / "plain.npz")
    assert loaded.loss is None and loaded.optimizer is None
    np.testing.assert_array_equal(loaded.predict(np.ones((2, 2))), model.predict(np.ones((2, 2))))


@pytest.mark.parametrize("interruption", [OSError("disk full"), KeyboardInterrupt()])
def test_interrupted_save_keeps_the_previous_file(tmp_path, monkeypatch, interruption):
    """A save that fails half-way (numpy.savez writes a few bytes, then raises) leaves the earlier good
    file as it was and no temporary file behind."""
    model, X, labels = trained_model()
    path = tmp_path / "model.npz"
    model.save(path)
    good_bytes = path.read_bytes()
    good_weights = model.get_weights()
    model.fit(X, labels, epochs=1, verbose=0)                        # new weights, then a failing save

    def broken_savez(file, *args, **kwargs):
        file.write(b"PK\x03\x04 half a zip")
        raise interruption

    monkeypatch.setattr(models.np, "savez", broken_savez)
    with pytest.raises(type(interruption)):
        model.save(path)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["model.npz"]
    assert path.read_bytes() == good_bytes
    assert all(np.array_equal(a, b) for a, b in zip(load_model(path).get_weights(), good_weights))


@pytest.mark.parametrize("name", ["model.keras", "model.h5", "model", "model.npz.tmp"])
def test_save_refuses_other_extensions(tmp_path, name):
    """save writes .npz files only, and says so; nothing is written."""
    model, _, _ = trained_model()
    with pytest.raises(ValueError, match=re.escape(f"filepath must end in .npz; received {str(tmp_path / name)!r}")):
        model.save(tmp_path / name)
    assert os.listdir(tmp_path) == []


def test_save_and_load_an_unbuilt_model(tmp_path):
    """A compiled model that has not seen data yet can be saved and loaded, still unbuilt."""
    model = classifier()
    model.save(tmp_path / "unbuilt.npz")
    loaded = load_model(tmp_path / "unbuilt.npz")
    assert not loaded.built and loaded.get_config() == model.get_config()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_saved_file_has_the_usual_permissions(tmp_path):
    """A saved model has the permissions of any other new file in that folder."""
    (tmp_path / "other.npz").write_bytes(b"")
    if (tmp_path / "other.npz").stat().st_mode & 0o077 == 0:
        pytest.skip("this umask makes every new file private anyway")
    model, _, _ = trained_model()
    model.save(tmp_path / "model.npz")
    assert (tmp_path / "model.npz").stat().st_mode == (tmp_path / "other.npz").stat().st_mode


# ---------------------------------------------------------------- Keras's meaning of "accuracy" with mse

def test_mse_accuracy_with_one_hot_targets_is_categorical_accuracy():
    """mse on one-hot targets with metrics=["accuracy"]: accuracy is the fraction of argmax matches."""
    model = Sequential([Dense(3)], dtype="float64")
    model.compile(optimizer="sgd", loss="mse", metrics=["accuracy"])
    model.build(2)
    model.set_weights([np.zeros((2, 3)), np.array([0.9, 0.1, 0.0])])   # every prediction is [0.9, 0.1, 0]
    Y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    # argmax matches: row 0 yes (class 0), row 1 no: accuracy 1/2
    assert model.evaluate(np.zeros((2, 2)), Y)[1] == 0.5


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fit_and_predict_leave_the_callers_data_unchanged(dtype):
    """Data already in the model's dtype is used without a copy (no float64 round trip), so fit must
    never write into it: x, y and the validation rows are exactly as they were after training."""
    X, labels = classification_data(40)
    X = X.astype(dtype)
    X_before, labels_before = X.copy(), labels.copy()
    model = classifier(dtype=dtype)
    model.fit(X, labels, batch_size=8, epochs=3, validation_split=0.25, verbose=0)
    model.predict(X)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(labels, labels_before)


def test_float64_data_beyond_float32_range_is_refused_by_a_float32_model():
    """A value too large for float32 would silently become inf in training; fit refuses it instead."""
    X, labels = classification_data(10)
    X[3, 1] = 1e40
    with pytest.raises(ValueError, match=r"x holds numbers too large for float32 \(largest 3.4e\+38\); received numbers up to 1e\+40"):
        classifier().fit(X, labels, epochs=1, verbose=0)


def test_dropout_may_be_the_last_layer():
    """Keras allows Dropout after the output layer (odd, but legal): fit must train, not crash in backward."""
    X, labels = classification_data(20)
    model = Sequential([Dense(1), Dropout(0.5)], seed=0)             # a regression, whose outputs may be 0
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(X, labels.astype(float), batch_size=5, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and all(np.isfinite(history.history["loss"]))


def test_backward_skips_only_the_gradient_with_respect_to_the_data(monkeypatch):
    """The first layer's input gradient (d loss / d x, as costly as its forward product) is never used,
    so fit asks no layer but the first to skip it; Dense then returns None instead of (N, D)."""
    X, labels = classification_data(12)
    model = Sequential([Dense(5, activation="relu"), Dropout(0.2), Dense(3, activation="softmax")], seed=0)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.build(X.shape[1])
    asked = []
    for index, layer in enumerate(model.layers):
        original = layer.backward

        def spy(d_out, *, d_z=None, input_grad=True, index=index, original=original):
            asked.append((index, input_grad))
            return original(d_out, d_z=d_z, input_grad=input_grad)

        monkeypatch.setattr(layer, "backward", spy)
    model.fit(X, labels, batch_size=12, epochs=1, verbose=0)
    assert asked == [(2, True), (1, True), (0, False)]
    model.layers[0].forward(X.astype(np.float32))
    assert Dense.backward(model.layers[0], np.ones((12, 5), np.float32), input_grad=False) is None
