"""Tests of the regularization and learning-rate pieces of nettrain_lib: RMSprop worked by hand in
Keras's form, Dropout (mask statistics, identity at prediction time, backward through the same
mask), the L2 kernel_regularizer (penalty, gradient by central differences, the loss fit and
evaluate report), the schedules and LearningRateScheduler, Sequential models with Dropout (summary,
weights, save / load_model), and parity with stored Keras 3.15 results for RMSprop and L2."""
import json
import math
import re

import numpy as np
import pytest

from nettrain_lib import (
    L2,
    SGD,
    Callback,
    Dense,
    Dropout,
    LearningRateScheduler,
    RMSprop,
    Sequential,
    cosine_decay,
    exponential_decay,
    load_model,
    numerical_gradient,
    relative_error,
    step_decay,
)
from nettrain_lib.nn import optimizers, regularizers
from tests.support import keras_parity_cases as PARITY
from tests.support.libtools import load_keras_results


def step(optimizer, param, grad, name="w"):
    """Apply one update to a single named parameter array, in place."""
    optimizer.apply({name: param}, {name: np.asarray(grad, dtype=param.dtype)})


def classification_data(n=60, seed=0):
    """n examples, 4 features, 3 classes (the same rule as tests/support/keras_parity_cases.py)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.5)
    return X, labels


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def dropout_classifier(seed=0, dtype="float32", rate=0.5, optimizer="adam"):
    model = Sequential([Dense(8, activation="relu"), Dropout(rate), Dense(3, activation="softmax")],
                       seed=seed, dtype=dtype)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def l2_model(l2_hidden=0.05, l2_output=0.1, seed=0, optimizer=None):
    """A float64 tanh / softmax network with L2 on both kernels, built for 4 features (smooth: no ReLU kinks)."""
    model = Sequential([Dense(5, activation="tanh", kernel_regularizer=L2(l2_hidden)),
                        Dense(3, activation="softmax", kernel_regularizer=L2(l2_output))], seed=seed, dtype="float64")
    model.build(4)
    model.compile(optimizer=optimizer or SGD(learning_rate=0.5), loss="categorical_crossentropy")
    return model


X20, LABELS20 = classification_data(20)
Y20 = np.eye(3)[LABELS20]


# ---------------------------------------------------------------- RMSprop

def test_rmsprop_two_steps_by_hand_with_injected_velocity():
    """velocity = rho * velocity + (1 - rho) * g^2; param -= lr * g / sqrt(velocity + epsilon), from a
    velocity put in by hand."""
    opt = RMSprop(learning_rate=0.1, rho=0.5)
    w = np.array([1.0, -2.0])
    opt._velocities["w"] = np.array([7.0, 1.0])
    step(opt, w, [1.0, -1.0])
    # v1 = 0.5 * [7, 1] + 0.5 * [1, 1] = [4, 1]
    # w1 = [1 - 0.1 * 1 / sqrt(4 + 1e-7), -2 + 0.1 * 1 / sqrt(1 + 1e-7)], about [0.95, -1.9]
    w1 = np.array([1.0 - 0.1 / math.sqrt(4 + 1e-7), -2.0 + 0.1 / math.sqrt(1 + 1e-7)])
    np.testing.assert_allclose(opt._velocities["w"], [4.0, 1.0], rtol=1e-15)
    np.testing.assert_allclose(w, w1, rtol=1e-15)
    np.testing.assert_allclose(w, [0.95, -1.9], atol=1e-7)
    step(opt, w, [2.0, 1.0])
    # v2 = 0.5 * [4, 1] + 0.5 * [4, 1] = [4, 1]
    # w2 = w1 - 0.1 * [2 / sqrt(4 + 1e-7), 1 / sqrt(1 + 1e-7)], about [0.95 - 0.1, -1.9 - 0.1] = [0.85, -2.0]
    w2 = w1 - 0.1 * np.array([2 / math.sqrt(4 + 1e-7), 1 / math.sqrt(1 + 1e-7)])
    np.testing.assert_allclose(opt._velocities["w"], [4.0, 1.0], rtol=1e-15)
    np.testing.assert_allclose(w, w2, rtol=1e-14)
    np.testing.assert_allclose(w, [0.85, -2.0], atol=1e-7)
    assert opt.iterations == 2 and opt._momentums == {}       # no momentum: no accumulator kept


def test_rmsprop_momentum_two_steps_by_hand_with_injected_state():
    """With momentum: m = momentum * m + increment; param -= m, from a velocity and m put in by hand."""
    opt = RMSprop(learning_rate=0.1, rho=0.5, momentum=0.5)
    w = np.array([1.0, -2.0])
    opt._velocities["w"] = np.array([7.0, 1.0])
    opt._momentums["w"] = np.array([0.2, 0.0])
    step(opt, w, [1.0, -1.0])
    # v1 = [4, 1] (as above); increment1 = 0.1 * [1 / sqrt(4 + 1e-7), -1 / sqrt(1 + 1e-7)], about [0.05, -0.1]
    # m1 = 0.5 * [0.2, 0] + increment1, about [0.15, -0.1];  w1 = w0 - m1, about [0.85, -1.9]
    inc1 = 0.1 * np.array([1 / math.sqrt(4 + 1e-7), -1 / math.sqrt(1 + 1e-7)])
    m1 = np.array([0.1, 0.0]) + inc1
    w1 = np.array([1.0, -2.0]) - m1
    np.testing.assert_allclose(opt._momentums["w"], m1, rtol=1e-15)
    np.testing.assert_allclose(w, w1, rtol=1e-15)
    np.testing.assert_allclose(w, [0.85, -1.9], atol=1e-7)
    step(opt, w, [2.0, 1.0])
    # v2 = [4, 1]; increment2 = 0.1 * [2 / sqrt(4 + 1e-7), 1 / sqrt(1 + 1e-7)], about [0.1, 0.1]
    # m2 = 0.5 * m1 + increment2, about [0.075 + 0.1, -0.05 + 0.1] = [0.175, 0.05]
    # w2 = w1 - m2, about [0.85 - 0.175, -1.9 - 0.05] = [0.675, -1.95]
    inc2 = 0.1 * np.array([2 / math.sqrt(4 + 1e-7), 1 / math.sqrt(1 + 1e-7)])
    m2 = 0.5 * m1 + inc2
    np.testing.assert_allclose(opt._momentums["w"], m2, rtol=1e-15)
    np.testing.assert_allclose(w, w1 - m2, rtol=1e-14)
    np.testing.assert_allclose(w, [0.675, -1.95], atol=1e-7)
    np.testing.assert_allclose(opt._velocities["w"], [4.0, 1.0], rtol=1e-15)


def test_rmsprop_epsilon_is_inside_the_square_root():
    """Keras's RMSprop divides by sqrt(velocity + epsilon), not sqrt(velocity) + epsilon: with a large
    epsilon the two differ."""
    opt = RMSprop(learning_rate=0.1, rho=0.5, epsilon=5.0)
    w = np.array([1.0])
    opt._velocities["w"] = np.array([7.0])
    step(opt, w, [1.0])
    # v1 = 0.5 * 7 + 0.5 * 1 = 4;  inside: 1 - 0.1 / sqrt(4 + 5) = 1 - 0.1 / 3;  outside: 1 - 0.1 / (2 + 5)
    np.testing.assert_allclose(w, [1.0 - 0.1 / 3], rtol=1e-15)
    assert abs(w[0] - (1.0 - 0.1 / 7)) > 0.015


def test_rmsprop_defaults_and_first_step_from_zero():
    """The defaults are Keras's (0.001, rho 0.9, momentum 0, epsilon 1e-7); from a zero velocity the first
    step is lr / sqrt(1 - rho), about 3.16 times the learning rate, whatever the gradient's size."""
    opt = RMSprop()
    assert (opt.learning_rate, opt.rho, opt.momentum, opt.epsilon, opt.iterations) == (0.001, 0.9, 0.0, 1e-7, 0)
    w = np.array([0.0, 0.0])
    step(opt, w, [1.0, -100.0])
    # v1 = 0.1 * [1, 10000] = [0.1, 1000];  w1 = -0.001 * [1 / sqrt(0.1 + 1e-7), -100 / sqrt(1000 + 1e-7)]
    np.testing.assert_allclose(opt._velocities["w"], [0.1, 1000.0], rtol=1e-15)
    np.testing.assert_allclose(w, [-0.001 / math.sqrt(0.1 + 1e-7), 0.1 / math.sqrt(1000 + 1e-7)], rtol=1e-14)
    np.testing.assert_allclose(np.abs(w), 0.001 / math.sqrt(0.1), rtol=1e-5)     # 0.0031623 for both


def test_rmsprop_keeps_state_per_name_and_float32():
    """Each parameter has its own velocity; a float32 parameter is updated in place and stays float32."""
    opt = RMSprop(learning_rate=0.1, momentum=0.9)
    params = {"a": np.array([1.0], dtype=np.float32), "b": np.array([1.0, 1.0], dtype=np.float32)}
    original = params["a"]
    opt.apply(params, {"a": np.array([2.0]), "b": np.array([0.0, -1.0])})     # float64 gradients
    assert params["a"] is original and params["a"].dtype == np.float32
    # v_a = 0.1 * 4 = 0.4; v_b = 0.1 * [0, 1] = [0, 0.1]
    np.testing.assert_allclose(opt._velocities["a"], [0.4], rtol=1e-6)
    np.testing.assert_allclose(opt._velocities["b"], [0.0, 0.1], rtol=1e-6)
    assert all(v.dtype == np.float32 for v in (*opt._velocities.values(), *opt._momentums.values()))
    assert params["b"][0] == 1.0                         # a zero gradient does not move its parameter


def test_rmsprop_by_name_and_as_the_compile_default():
    """"rmsprop" (any case) gives RMSprop with Keras's defaults; compile's default optimizer is "rmsprop",
    as in Keras."""
    opt = optimizers.get("rmsprop")
    assert isinstance(opt, RMSprop) and opt.get_config() == RMSprop().get_config() == {
        "name": "rmsprop", "learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7}
    assert isinstance(optimizers.get("RMSprop"), RMSprop)
    model = Sequential([Dense(2)])
    model.compile(loss="mse")
    assert isinstance(model.optimizer, RMSprop) and model.optimizer.learning_rate == 0.001


def test_rmsprop_from_config_round_trip():
    """from_config(get_config()) rebuilds an RMSprop with the same settings."""
    opt = RMSprop(learning_rate=0.002, rho=0.8, momentum=0.5, epsilon=1e-6)
    rebuilt = optimizers.from_config(opt.get_config())
    assert type(rebuilt) is RMSprop and rebuilt.get_config() == opt.get_config()


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: RMSprop(learning_rate=0), ValueError, "learning_rate must be positive; received 0.0"),
        (lambda: RMSprop(rho=1.0), ValueError, "rho must be in [0, 1); received 1.0"),
        (lambda: RMSprop(rho=-0.1), ValueError, "rho must be in [0, 1); received -0.1"),
        (lambda: RMSprop(rho="0.9"), TypeError, "rho must be a real number; received str '0.9'"),
        (lambda: RMSprop(momentum=1.5), ValueError, "momentum must be between 0 and 1; received 1.5"),
        (lambda: RMSprop(momentum=-0.5), ValueError, "momentum must be between 0 and 1; received -0.5"),
        (lambda: RMSprop(epsilon=0), ValueError, "epsilon must be positive; received 0.0"),
    ],
)
def test_bad_rmsprop_arguments(make, error, message):
    """Bad hyperparameters raise errors that name the argument and what was received."""
    with pytest.raises(error, match=re.escape(message)):
        make()


# ---------------------------------------------------------------- Dropout, the layer alone

def built_dropout(rate, width=500, seed=0, dtype=np.float64):
    layer = Dropout(rate)
    layer.build(width, np.random.default_rng(seed), dtype)
    return layer


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rate", [0.2, 0.5, 0.75])
def test_dropout_mask_statistics(rate, dtype):
    """Over 200 x 500 = 100,000 units: the fraction kept is about 1 - rate, each kept value is the input
    times 1 / (1 - rate), the rest are 0, and the mean is about the input's."""
    layer = built_dropout(rate, dtype=dtype)
    X = np.random.default_rng(1).uniform(1.0, 2.0, size=(200, 500)).astype(dtype)    # no zeros in X
    out = layer.forward(X, training=True)
    assert out.dtype == dtype and out.shape == X.shape
    kept = out != 0
    # standard deviation of the kept fraction: sqrt(rate * (1 - rate) / 100000) <= 0.0016
    assert kept.mean() == pytest.approx(1 - rate, abs=0.01)
    # 1 / 0.8 = 1.25, 1 / 0.5 = 2, 1 / 0.25 = 4: exact in binary, so exact in both dtypes
    np.testing.assert_array_equal(out[kept], X[kept] * dtype(1 / (1 - rate)))
    assert np.all(out[~kept] == 0)
    assert out.mean() == pytest.approx(X.mean(), rel=0.02)


def test_dropout_is_the_identity_when_not_training():
    """training=False (the default) returns the input itself, and backward then passes d_out through."""
    layer = built_dropout(0.5, width=3)
    X = np.arange(6.0).reshape(2, 3)
    assert layer.forward(X) is X and layer.forward(X, training=False) is X
    G = np.ones((2, 3))
    assert layer.backward(G) is G


def test_dropout_rate_0_is_the_identity_while_training():
    """rate 0 keeps everything and draws no random numbers (Keras skips the mask too)."""
    layer = built_dropout(0.0, width=3)
    state = layer._rng.bit_generator.state
    X = np.arange(6.0).reshape(2, 3)
    assert layer.forward(X, training=True) is X
    assert layer._rng.bit_generator.state == state


def test_dropout_backward_uses_the_forward_mask():
    """backward multiplies by the same mask as the last forward: forward on ones returns the mask itself."""
    layer = built_dropout(0.25, width=40)
    mask = layer.forward(np.ones((30, 40)), training=True)
    assert set(np.unique(mask)) == {0.0, 1 / 0.75}
    G = np.random.default_rng(2).normal(size=(30, 40))
    np.testing.assert_array_equal(layer.backward(G), G * mask)
    second = layer.forward(np.ones((30, 40)), training=True)        # a fresh mask for every call
    assert not np.array_equal(second, mask)
    np.testing.assert_array_equal(layer.backward(G), G * second)


def test_dropout_same_generator_same_mask():
    """The mask comes from the generator the layer was built with: the same seed gives the same masks."""
    X = np.ones((10, 20))
    a, b, c = built_dropout(0.5, 20, seed=3), built_dropout(0.5, 20, seed=3), built_dropout(0.5, 20, seed=4)
    first_a, first_b = a.forward(X, training=True), b.forward(X, training=True)
    np.testing.assert_array_equal(first_a, first_b)
    np.testing.assert_array_equal(a.forward(X, training=True), b.forward(X, training=True))
    assert not np.array_equal(first_a, c.forward(X, training=True))


def test_dropout_repr_config_and_count():
    """repr, get_config (no regularizer, no weights) and count_params of a Dropout layer; its width is its input's."""
    layer = Dropout(0.3, name="drop")
    assert repr(layer) == "Dropout(0.3)"
    assert layer.get_config() == {"class_name": "Dropout", "rate": 0.3, "name": "drop"}
    layer.build(7, np.random.default_rng(0), np.float32)
    assert layer.units == layer.input_dim == 7 and layer.count_params() == 0
    assert layer.params == {} and layer.regularization_loss() == 0.0


@pytest.mark.parametrize(
    "rate, error, message",
    [
        (1, ValueError, "rate must be in [0, 1); received 1"),
        (1.0, ValueError, "rate must be in [0, 1); received 1.0"),
        (1.5, ValueError, "rate must be in [0, 1); received 1.5"),
        (-0.1, ValueError, "rate must be in [0, 1); received -0.1"),
        (float("nan"), ValueError, "rate must be finite; received nan"),
        ("0.5", TypeError, "rate must be a real number; received str '0.5'"),
        (True, TypeError, "rate must be a real number; received bool True"),
    ],
)
def test_dropout_bad_rates(rate, error, message):
    """Dropout refuses rates outside [0, 1), naming the argument."""
    with pytest.raises(error, match=re.escape(message)):
        Dropout(rate)


# ---------------------------------------------------------------- Dropout in a Sequential model

def test_gradients_through_a_fixed_dropout_mask_match_central_differences():
    """With the mask held fixed (the layer's generator reset before each forward), the model's backward
    pass agrees with central differences of the training-mode loss, for the weights before and after
    the Dropout layer."""
    model = Sequential([Dense(6, activation="tanh"), Dropout(0.5), Dense(3, activation="softmax")], seed=0,
                       dtype="float64")
    model.build(4)
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    dropout = model.layers[1]

    def training_forward():
        dropout._rng = np.random.default_rng(7)            # the same mask every time
        return model._forward(X20, training=True)

    def loss(_):
        return model.loss(Y20, training_forward())

    model._backward(Y20, training_forward())
    mask = dropout._mask
    assert 0 < np.count_nonzero(mask) < mask.size            # some units dropped, some kept
    for layer, key in [(model.layers[0], "kernel"), (model.layers[0], "bias"), (model.layers[2], "kernel")]:
        numeric = numerical_gradient(loss, layer.params[key])
        assert relative_error(layer.grads[key], numeric) < 1e-7, (layer.name, key)
    # the hidden units dropped in every row get no gradient at all
    dropped_everywhere = np.all(mask == 0, axis=0)
    np.testing.assert_array_equal(model.layers[0].grads["bias"][dropped_everywhere], 0.0)


def test_predict_and_evaluate_never_drop():
    """predict and evaluate run the Dropout layers as the identity: the output is the network without
    them, computed by hand, the same on every call, and no random numbers are drawn."""
    model = dropout_classifier(dtype="float64", rate=0.5)
    model.fit(X20, LABELS20, epochs=2, verbose=0)
    W1, b1, W2, b2 = model.get_weights()
    expected = softmax(np.maximum(X20 @ W1 + b1, 0) @ W2 + b2)
    state = model.rng.bit_generator.state
    np.testing.assert_allclose(model.predict(X20), expected, rtol=1e-12)
    np.testing.assert_array_equal(model.predict(X20), model.predict(X20, batch_size=7))
    loss, accuracy = model.evaluate(X20, LABELS20)
    assert [loss, accuracy] == model.evaluate(X20, LABELS20)
    assert loss == pytest.approx(np.mean(-np.log(expected[np.arange(20), LABELS20])), rel=1e-12)
    assert accuracy == np.mean(np.argmax(expected, axis=1) == LABELS20)
    assert model.rng.bit_generator.state == state


def test_validation_values_are_computed_without_dropout():
    """val_loss and val_accuracy are evaluate's values on the held-out rows with the end-of-epoch weights,
    without dropout."""
    X, labels = classification_data(50)
    model = dropout_classifier(dtype="float64", rate=0.5)
    history = model.fit(X, labels, batch_size=40, epochs=1, validation_split=0.2, shuffle=False, verbose=0)
    # floor(50 * 0.8) = 40 training rows; the last 10 are the validation set
    val_loss, val_accuracy = model.evaluate(X[40:], labels[40:])
    assert history.history["val_loss"][0] == pytest.approx(val_loss, rel=1e-12)
    assert history.history["val_accuracy"][0] == val_accuracy == model.evaluate(X[40:], labels[40:], batch_size=3)[1]


def test_dropout_changes_training_but_rate_0_changes_nothing():
    """The same seed with Dropout(0.0) trains exactly as without the layer; Dropout(0.5) trains differently."""
    def run(layers):
        model = Sequential([Dense(8, activation="relu"), *layers, Dense(3, activation="softmax")], seed=4)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        history = model.fit(X20, LABELS20, batch_size=5, epochs=2, verbose=0)
        return history.history["loss"], model.get_weights()

    plain_loss, plain_weights = run([])
    zero_loss, zero_weights = run([Dropout(0.0)])
    half_loss, half_weights = run([Dropout(0.5)])
    assert zero_loss == plain_loss
    assert all(np.array_equal(a, b) for a, b in zip(zero_weights, plain_weights))
    assert half_loss != plain_loss
    assert not np.array_equal(half_weights[0], plain_weights[0])


def test_training_with_dropout_is_reproducible_with_the_model_seed():
    """The masks come from the model's generator: the same seed gives the same History and weights,
    another seed other ones."""
    def run(seed):
        model = dropout_classifier(seed=seed, rate=0.3)
        history = model.fit(X20, LABELS20, batch_size=6, epochs=3, verbose=0)
        return history.history, model.get_weights()

    (h1, w1), (h2, w2), (h3, _) = run(5), run(5), run(6)
    assert h1 == h2 and all(np.array_equal(a, b) for a, b in zip(w1, w2))
    assert h1 != h3


def test_summary_with_dropout(capsys):
    """summary lists the Dropout layer with its output width (its input's) and 0 parameters."""
    model = Sequential([Dense(8, activation="relu"), Dropout(0.5), Dense(3, activation="softmax")])
    model.build(4)
    model.summary()
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split() for line in lines if line.startswith(("dense_", "dropout_"))]
    # 4*8 + 8 = 40; Dropout 0; 8*3 + 3 = 27; total 67
    assert rows == [["dense_0", "(Dense)", "(None,", "8)", "40"],
                    ["dropout_1", "(Dropout)", "(None,", "8)", "0"],
                    ["dense_2", "(Dense)", "(None,", "3)", "27"]]
    assert lines[-1] == " Total params: 67"
    assert model.count_params() == 67


def test_get_and_set_weights_skip_dropout():
    """get_weights lists only the Dense kernels and biases; set_weights wants exactly those."""
    model = dropout_classifier()
    model.build(4)
    weights = model.get_weights()
    assert [w.shape for w in weights] == [(4, 8), (8,), (8, 3), (3,)]
    new = [np.full(w.shape, 0.25) for w in weights]
    model.set_weights(new)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), new))
    with pytest.raises(ValueError, match=re.escape("set_weights needs 4 arrays (kernel and bias per layer); received 5")):
        model.set_weights(new + [np.zeros(3)])


# ---------------------------------------------------------------- L2

def test_l2_penalty_and_gradient_by_hand():
    """L2(0.01): penalty 0.01 * sum(W^2), gradient 2 * 0.01 * W."""
    W = np.array([[1.0, -2.0], [3.0, 0.5]])
    # 0.01 * (1 + 4 + 9 + 0.25) = 0.01 * 14.25 = 0.1425
    assert L2(0.01)(W) == pytest.approx(0.1425, rel=1e-15)
    # 0.02 * W = [[0.02, -0.04], [0.06, 0.01]]
    np.testing.assert_allclose(L2(0.01).gradient(W), [[0.02, -0.04], [0.06, 0.01]], rtol=1e-15)
    assert L2(0)(W) == 0.0
    assert repr(L2(0.5)) == "L2(l2=0.5)" and L2(0.5).get_config() == {"name": "l2", "l2": 0.5}
    assert L2().l2 == 0.01


def test_l2_gradient_of_a_float32_kernel_stays_float32():
    """2 * l2 * W keeps a float32 kernel's dtype, so the update stays float32."""
    W = np.ones((2, 2), dtype=np.float32)
    assert L2(0.01).gradient(W).dtype == np.float32


def test_kernel_regularizer_by_name_object_and_config():
    """"l2" means L2(0.01), Keras's default; an L2 object is kept as it is; a config dict rebuilds it."""
    assert Dense(2).kernel_regularizer is None
    by_name = Dense(2, kernel_regularizer="l2").kernel_regularizer
    assert isinstance(by_name, L2) and by_name.l2 == 0.01
    reg = L2(0.3)
    assert Dense(2, kernel_regularizer=reg).kernel_regularizer is reg
    rebuilt = regularizers.get({"name": "l2", "l2": 0.3})
    assert isinstance(rebuilt, L2) and rebuilt.l2 == 0.3
    assert Dense(2, kernel_regularizer=reg).get_config()["kernel_regularizer"] == {"name": "l2", "l2": 0.3}


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: L2(-0.01), ValueError, "l2 must be >= 0; received -0.01"),
        (lambda: L2("0.01"), TypeError, "l2 must be a real number; received str '0.01'"),
        (lambda: L2(float("inf")), ValueError, "l2 must be finite; received inf"),
        (lambda: Dense(2, kernel_regularizer="l1"), ValueError,
         "kernel_regularizer must be None, 'l2' or L2(l2=...); received 'l1'"),
        (lambda: Dense(2, kernel_regularizer=0.01), ValueError,
         "kernel_regularizer must be None, 'l2' or L2(l2=...); received 0.01"),
    ],
)
def test_bad_regularizers(make, error, message):
    """Bad strengths and unknown regularizers are refused with a message naming the argument."""
    with pytest.raises(error, match=re.escape(message)):
        make()


def test_l2_gradient_through_the_whole_model_matches_central_differences():
    """The kernel gradients the model trains with (read off one full-batch SGD step at learning rate 1:
    W0 - W1) match central differences of evaluate's loss, which includes the penalty; they differ from
    the penalty-free gradients by exactly 2 * l2 * W."""
    model = l2_model(optimizer=SGD(learning_rate=1.0))
    before = model.get_weights()
    kernels = [model.layers[0].params["kernel"], model.layers[1].params["kernel"]]

    def loss(_):
        return model.evaluate(X20, Y20, batch_size=20)

    numeric = [numerical_gradient(loss, W) for W in kernels]
    for layer in model.layers:                                  # the same loss without the penalty
        layer.kernel_regularizer, layer.saved = None, layer.kernel_regularizer
    numeric_plain = [numerical_gradient(loss, W) for W in kernels]
    for layer in model.layers:
        layer.kernel_regularizer = layer.saved
    np.testing.assert_allclose(numeric[0] - numeric_plain[0], 2 * 0.05 * before[0], atol=1e-8)
    np.testing.assert_allclose(numeric[1] - numeric_plain[1], 2 * 0.1 * before[2], atol=1e-8)

    model.fit(X20, Y20, batch_size=20, epochs=1, shuffle=False, verbose=0)
    after = model.get_weights()
    trained = [before[0] - after[0], before[2] - after[2]]     # SGD at lr 1: W1 = W0 - gradient
    assert relative_error(trained[0], numeric[0]) < 1e-7
    assert relative_error(trained[1], numeric[1]) < 1e-7
    assert relative_error(trained[1], numeric_plain[1]) > 1e-3     # the penalty's share is not negligible


def test_fit_loss_is_cross_entropy_plus_penalty_before_the_update():
    """A 1-epoch full-batch fit reports the mean cross-entropy plus the penalty, both with the weights
    before the update; evaluate afterwards reports the same sum with the updated weights."""
    model = l2_model()
    W1, b1, W2, b2 = model.get_weights()
    P = softmax(np.tanh(X20 @ W1 + b1) @ W2 + b2)
    cross_entropy = np.mean(-np.sum(Y20 * np.log(P), axis=1))
    penalty = 0.05 * np.sum(W1 ** 2) + 0.1 * np.sum(W2 ** 2)
    assert penalty > 0.05                                         # large enough to be seen
    history = model.fit(X20, Y20, batch_size=20, epochs=1, shuffle=False, verbose=0)
    assert history.history["loss"] == [pytest.approx(cross_entropy + penalty, rel=1e-12)]

    W1, b1, W2, b2 = model.get_weights()
    P = softmax(np.tanh(X20 @ W1 + b1) @ W2 + b2)
    expected = np.mean(-np.sum(Y20 * np.log(P), axis=1)) + 0.05 * np.sum(W1 ** 2) + 0.1 * np.sum(W2 ** 2)
    assert model.evaluate(X20, Y20) == pytest.approx(expected, rel=1e-12)
    assert model.evaluate(X20, Y20, batch_size=3) == pytest.approx(expected, rel=1e-12)   # added once, not per batch


def linear_l2_model(l2=0.5, lr=0.1):
    """Dense(1) with L2(l2), mse, plain SGD, float64, from W = [[1], [-2]], b = 0."""
    model = Sequential([Dense(1, kernel_regularizer=L2(l2))], dtype="float64")
    model.build(2)
    model.set_weights([np.array([[1.0], [-2.0]]), np.array([0.0])])
    model.compile(optimizer=SGD(learning_rate=lr), loss="mse")
    return model


def test_evaluate_includes_the_penalty_by_hand():
    """A model that fits its data exactly: the mse is 0, so evaluate's loss is the penalty alone."""
    model = linear_l2_model()
    X, y = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, -2.0])
    # predictions [1, -2] = y: mse 0; penalty 0.5 * (1 + 4) = 2.5
    assert model.evaluate(X, y) == 2.5
    assert model.evaluate(X, y, batch_size=1) == 2.5
    model.layers[0].kernel_regularizer = None
    assert model.evaluate(X, y) == 0.0


def test_fit_adds_each_batch_penalty_before_its_update_by_hand():
    """Two batches of one row: each batch's loss has the penalty of the weights before that batch's update,
    and the penalty's gradient shrinks the kernel."""
    model = linear_l2_model(l2=0.5, lr=0.1)
    X, y = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, -2.0])
    history = model.fit(X, y, batch_size=1, epochs=1, shuffle=False, verbose=0)
    # batch 1, row [1, 0]: prediction 1 = y, mse 0; penalty 0.5 * (1 + 4) = 2.5; loss 2.5
    #   gradient: mse part 0, penalty part 2 * 0.5 * W = W; W -= 0.1 * W -> [[0.9], [-1.8]]; b stays 0
    # batch 2, row [0, 1]: prediction -1.8, error 0.2, mse 0.04; penalty 0.5 * (0.81 + 3.24) = 2.025
    #   loss 2.065; epoch loss (2.5 + 2.065) / 2 = 2.2825
    assert history.history["loss"] == [pytest.approx(2.2825, rel=1e-14)]
    # batch 2 update: d_pred = 2 * 0.2 = 0.4; dW = [[0], [0.4]] + [[0.9], [-1.8]] = [[0.9], [-1.4]]; db = 0.4
    # W = [[0.9 - 0.09], [-1.8 + 0.14]] = [[0.81], [-1.66]]; b = -0.04
    np.testing.assert_allclose(model.get_weights()[0], [[0.81], [-1.66]], rtol=1e-14)
    np.testing.assert_allclose(model.get_weights()[1], [-0.04], rtol=1e-14)


# ---------------------------------------------------------------- schedules

def test_step_decay_by_hand():
    """lr0 * drop ** floor(epoch / epochs_per_drop): halve every 10 epochs by default."""
    assert step_decay(0.1, 0) == 0.1
    assert step_decay(0.1, 9) == 0.1
    assert step_decay(0.1, 10) == 0.05
    assert step_decay(0.1, 25) == pytest.approx(0.025, rel=1e-15)      # 0.1 * 0.5^2
    assert step_decay(0.1, 7, drop=0.1, epochs_per_drop=3) == pytest.approx(0.001, rel=1e-14)   # 0.1 * 0.1^2
    assert step_decay(0.1, np.int64(25)) == pytest.approx(0.025, rel=1e-15)


def test_exponential_decay_by_hand():
    """lr0 * decay_rate ** epoch."""
    assert exponential_decay(0.1, 0) == 0.1
    assert exponential_decay(0.1, 3) == pytest.approx(0.0729, rel=1e-14)          # 0.1 * 0.9^3
    assert exponential_decay(0.2, 2, decay_rate=0.5) == pytest.approx(0.05, rel=1e-15)   # 0.2 * 0.25


def test_cosine_decay_endpoints_and_midpoint():
    """lr0 at epoch 0, alpha * lr0 at total_epochs (and after), (1 + alpha) / 2 * lr0 half way."""
    assert cosine_decay(0.1, 0, 10) == pytest.approx(0.1, rel=1e-15)
    assert cosine_decay(0.1, 10, 10) == pytest.approx(0.0, abs=1e-17)
    assert cosine_decay(0.1, 10, 10, alpha=0.2) == pytest.approx(0.02, rel=1e-14)
    assert cosine_decay(0.1, 25, 10, alpha=0.2) == pytest.approx(0.02, rel=1e-14)    # held at the end
    # epoch 5 of 10: cos(pi / 2) = 0 -> lr0 * ((1 - 0.2) * 0.5 + 0.2) = 0.1 * 0.6 = 0.06
    assert cosine_decay(0.1, 5, 10, alpha=0.2) == pytest.approx(0.06, rel=1e-14)
    assert cosine_decay(0.1, 5, 10) == pytest.approx(0.05, rel=1e-14)
    # epoch 2 of 6: cos(pi / 3) = 0.5 -> 0.1 * 0.5 * 1.5 = 0.075
    assert cosine_decay(0.1, 2, 6) == pytest.approx(0.075, rel=1e-14)
    values = [cosine_decay(0.1, e, 10) for e in range(11)]
    assert all(a > b for a, b in zip(values, values[1:]))


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: step_decay(0, 1), ValueError, "lr0 must be positive; received 0.0"),
        (lambda: step_decay(-0.1, 1), ValueError, "lr0 must be positive; received -0.1"),
        (lambda: step_decay(0.1, -1), ValueError, "epoch must be a non-negative integer; received -1"),
        (lambda: step_decay(0.1, 2.5), TypeError, "epoch must be a non-negative integer; received float 2.5"),
        (lambda: step_decay(0.1, 1, drop=0), ValueError, "drop must be positive; received 0.0"),
        (lambda: step_decay(0.1, 1, epochs_per_drop=0), ValueError,
         "epochs_per_drop must be a positive integer; received 0"),
        (lambda: step_decay(0.1, 1, epochs_per_drop=2.0), TypeError,
         "epochs_per_drop must be a positive integer; received float 2.0"),
        (lambda: exponential_decay("0.1", 1), TypeError, "lr0 must be a real number; received str '0.1'"),
        (lambda: exponential_decay(0.1, -2), ValueError, "epoch must be a non-negative integer; received -2"),
        (lambda: exponential_decay(0.1, 1, decay_rate=-0.9), ValueError, "decay_rate must be positive; received -0.9"),
        (lambda: cosine_decay(0.1, 1, 0), ValueError, "total_epochs must be a positive integer; received 0"),
        (lambda: cosine_decay(0.1, True, 10), TypeError, "epoch must be a non-negative integer; received bool True"),
        (lambda: cosine_decay(0.1, 1, 10, alpha="0"), TypeError, "alpha must be a real number; received str '0'"),
        (lambda: cosine_decay(float("nan"), 1, 10), ValueError, "lr0 must be finite; received nan"),
    ],
)
def test_schedules_bad_arguments(call, error, message):
    """Bad arguments to the schedules raise errors naming them."""
    with pytest.raises(error, match=re.escape(message)):
        call()


# ---------------------------------------------------------------- LearningRateScheduler

class RecordRate(Callback):
    """Records the optimizer's learning rate at the start of every epoch (after the scheduler ran)."""

    def __init__(self):
        self.rates = []

    def on_epoch_begin(self, epoch, logs=None):
        self.rates.append(self.model.optimizer.learning_rate)


def sgd_classifier(lr=0.1):
    model = Sequential([Dense(8, activation="relu"), Dense(3, activation="softmax")], seed=2, dtype="float64")
    model.compile(optimizer=SGD(learning_rate=lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_scheduler_sets_the_rate_each_epoch_and_logs_it():
    """step_decay(0.1, epoch, epochs_per_drop=2) over 5 epochs: the optimizer runs each epoch at
    [0.1, 0.1, 0.05, 0.05, 0.025], which History["learning_rate"] holds."""
    model = sgd_classifier(lr=0.7)
    recorder = RecordRate()
    scheduler = LearningRateScheduler(lambda epoch, lr: step_decay(0.1, epoch, epochs_per_drop=2))
    history = model.fit(X20, LABELS20, batch_size=5, epochs=5, validation_split=0.2, verbose=0,
                        callbacks=[scheduler, recorder])
    expected = [0.1, 0.1, 0.05, 0.05, 0.025]
    assert recorder.rates == pytest.approx(expected, rel=1e-15)
    assert history.history["learning_rate"] == pytest.approx(expected, rel=1e-15)
    assert model.optimizer.learning_rate == pytest.approx(0.025, rel=1e-15)
    assert set(history.history) == {"accuracy", "learning_rate", "loss", "val_accuracy", "val_loss"}
    assert all(len(values) == 5 for values in history.history.values())


def test_scheduler_passes_the_current_rate():
    """schedule(epoch, lr) receives the rate in use, so lr * 0.5 halves it every epoch from the compiled 0.2."""
    calls = []

    def schedule(epoch, lr):
        calls.append((epoch, lr))
        return lr * 0.5

    model = sgd_classifier(lr=0.2)
    history = model.fit(X20, LABELS20, epochs=3, verbose=0, callbacks=[LearningRateScheduler(schedule)])
    # epoch 0 sees 0.2 -> 0.1; epoch 1 sees 0.1 -> 0.05; epoch 2 sees 0.05 -> 0.025
    assert calls == [(0, 0.2), (1, 0.1), (2, 0.05)]
    assert history.history["learning_rate"] == [0.1, 0.05, 0.025]


def test_scheduled_rates_drive_the_updates():
    """Training 3 epochs under a schedule gives exactly the weights of 3 one-epoch fits with the rate set by hand."""
    schedule = [0.3, 0.1, 0.02]
    scheduled = sgd_classifier()
    scheduled.fit(X20, LABELS20, batch_size=4, epochs=3, shuffle=False, verbose=0,
                  callbacks=[LearningRateScheduler(lambda epoch, lr: schedule[epoch])])
    by_hand = sgd_classifier()
    for lr in schedule:
        by_hand.optimizer.learning_rate = lr
        by_hand.fit(X20, LABELS20, batch_size=4, epochs=1, shuffle=False, verbose=0)
    constant = sgd_classifier(lr=0.3)
    constant.fit(X20, LABELS20, batch_size=4, epochs=3, shuffle=False, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(scheduled.get_weights(), by_hand.get_weights()))
    assert not np.array_equal(scheduled.get_weights()[0], constant.get_weights()[0])


def test_scheduler_verbose_prints_the_new_rate(capsys):
    """verbose=1 prints Keras's message at the start of every epoch."""
    model = sgd_classifier()
    model.fit(X20, LABELS20, epochs=2, verbose=0,
              callbacks=[LearningRateScheduler(lambda epoch, lr: exponential_decay(0.1, epoch, 0.5), verbose=1)])
    assert capsys.readouterr().out.splitlines() == [
        "Epoch 1: LearningRateScheduler setting learning rate to 0.1.",
        "Epoch 2: LearningRateScheduler setting learning rate to 0.05."]


@pytest.mark.parametrize(
    "value, shown",
    [(0, "0.0"), (0.0, "0.0"), (-0.01, "-0.01"), (float("nan"), "nan"), (float("inf"), "inf")],
)
def test_scheduler_refuses_a_rate_that_is_not_positive(value, shown):
    """A schedule that returns 0, a negative number, NaN or inf stops fit with an error naming the epoch."""
    model = sgd_classifier()
    scheduler = LearningRateScheduler(lambda epoch, lr: 0.1 if epoch < 2 else value)
    message = f"the schedule returned learning rate {shown} for epoch 2; it must be positive"
    with pytest.raises(ValueError, match=re.escape(message)):
        model.fit(X20, LABELS20, epochs=4, verbose=0, callbacks=[scheduler])
    assert model.optimizer.learning_rate == 0.1


@pytest.mark.parametrize("schedule", [0.1, None, "step_decay"])
def test_scheduler_needs_a_function(schedule):
    """A schedule that cannot be called is refused at once, naming the argument."""
    with pytest.raises(TypeError, match=re.escape(f"schedule must be a function schedule(epoch, lr) -> lr; "
                                                  f"received {schedule!r}")):
        LearningRateScheduler(schedule)


def test_scheduler_accepts_a_one_argument_schedule_as_keras_does():
    """Keras 3 still accepts schedule(epoch), as in many tutorials."""
    model = sgd_classifier()
    history = model.fit(X20, LABELS20, epochs=2, verbose=0,
                        callbacks=[LearningRateScheduler(lambda epoch: 0.1 * 0.5 ** epoch)])
    assert history.history["learning_rate"] == [0.1, 0.05]


# ---------------------------------------------------------------- save and load_model

def test_save_and_load_keep_dropout_and_l2(tmp_path):
    """A trained model with Dropout, L2 kernels and RMSprop: load_model gives the same layers, rate,
    regularizers, weights, optimizer settings, predictions and evaluate (penalty included)."""
    X, labels = classification_data(40)
    model = Sequential([Dense(8, activation="relu", kernel_regularizer=L2(0.003)), Dropout(0.25),
                        Dense(3, activation="softmax", kernel_regularizer="l2")], seed=0)
    model.compile(optimizer=RMSprop(learning_rate=0.002, rho=0.8, momentum=0.5),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X, labels, batch_size=8, epochs=2, verbose=0)
    path = tmp_path / "model.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as archive:
        assert sorted(archive.files) == ["config", "weight_0", "weight_1", "weight_2", "weight_3"]
        config = json.loads(str(archive["config"]))
    assert [layer["class_name"] for layer in config["layers"]] == ["Dense", "Dropout", "Dense"]

    loaded = load_model(path)
    assert loaded.get_config() == model.get_config()
    dense_0, dropout, dense_2 = loaded.layers
    assert isinstance(dropout, Dropout) and dropout.rate == 0.25 and dropout.name == "dropout_1"
    assert isinstance(dense_0.kernel_regularizer, L2) and dense_0.kernel_regularizer.l2 == 0.003
    assert isinstance(dense_2.kernel_regularizer, L2) and dense_2.kernel_regularizer.l2 == 0.01
    assert isinstance(loaded.optimizer, RMSprop)
    assert loaded.optimizer.get_config() == {"name": "rmsprop", "learning_rate": 0.002, "rho": 0.8,
                                             "momentum": 0.5, "epsilon": 1e-7}
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert np.array_equal(loaded.predict(X), model.predict(X))
    assert loaded.evaluate(X, labels) == model.evaluate(X, labels)
    assert loaded._penalty() == model._penalty() > 0
    loaded.fit(X, labels, epochs=1, verbose=0)                    # and it can go on training, with dropout


# ---------------------------------------------------------------- Keras parity: RMSprop and L2
# (test_lib_models.test_keras_parity runs every bench case, these two included)

NEW_CASES = ["rmsprop_cce", "adam_l2_cce"]


@pytest.fixture(scope="module")
def keras_results():
    return load_keras_results()


def test_parity_fixture_holds_the_new_cases(keras_results):
    """The bench defines the RMSprop and L2 cases and the Keras 3.15 fixture holds them in both dtypes."""
    assert str(keras_results["keras_version"]).startswith("3.15.")
    assert PARITY.CASES["rmsprop_cce"][0] == "rmsprop" and PARITY.CASES["adam_l2_cce"][0] == "adam_l2"
    for dtype in ("float32", "float64"):
        for case in NEW_CASES:
            for key in ("accuracy", "loss", "val_accuracy", "val_loss"):
                assert f"{dtype}/{case}/history/{key}" in keras_results
            for i in range(4):
                assert keras_results[f"{dtype}/{case}/weight/{i}"].dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_l2_parity_case_is_sensitive_to_the_penalty(dtype, keras_results):
    """adam_l2_cce and adam_cce share data, split, batch size and initial weights: Keras's first-epoch
    losses differ by about the penalty 0.01 * sum(W0^2) (about 0.01 * 128 * 0.09 = 0.12), so a
    1e-6 parity check could not pass with the penalty left out."""
    assert PARITY.CASES["adam_l2_cce"][1:4] == PARITY.CASES["adam_cce"][1:4]
    assert PARITY.CASES["adam_l2_cce"][5] == PARITY.CASES["adam_cce"][5]
    penalty = 0.01 * float(np.sum(PARITY.initial_weights("float64")[0] ** 2))
    gap = keras_results[f"{dtype}/adam_l2_cce/history/loss"][0] - keras_results[f"{dtype}/adam_cce/history/loss"][0]
    assert gap == pytest.approx(penalty, rel=0.1)
    assert gap > 0.05
