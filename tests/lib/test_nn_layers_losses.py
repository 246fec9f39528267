"""Tests of nettrain_lib.nn.activations, nn.layers (Dense) and nn.losses: every
backward and every loss gradient checked by central differences, Keras's Dense defaults, and the
fused softmax + cross-entropy gradient of Sequential._backward against the plain chain rule."""
import math
import re
import warnings

import numpy as np
import pytest

from nettrain_lib import Dense, Sequential, numerical_gradient, relative_error
from nettrain_lib.nn import activations, losses

ACTIVATION_NAMES = ["relu", "sigmoid", "tanh", "softmax", "linear"]


def away_from_zero(rng, shape, low=0.1, high=2.0):
    """Random numbers with |z| in [low, high]: relu's kink at 0 is never within eps of them."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, high, size=shape)


def built_dense(units, activation, input_dim, seed=0):
    layer = Dense(units, activation=activation)
    layer.build(input_dim, np.random.default_rng(seed), np.float64)
    return layer


# ---------------------------------------------------------------- activations: values

def test_activation_values_by_hand():
    """Each activation on a small input, worked by hand."""
    z = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_array_equal(activations.relu(z), [[0.0, 0.0, 3.0]])
    # sigmoid(0) = 1/2; sigmoid(-2) = 1 / (1 + e^2); sigmoid(3) = 1 / (1 + e^-3)
    np.testing.assert_allclose(activations.sigmoid(z), [[1 / (1 + math.e**2), 0.5, 1 / (1 + math.e**-3)]], rtol=1e-15)
    np.testing.assert_allclose(activations.tanh(z), [[math.tanh(-2.0), 0.0, math.tanh(3.0)]], rtol=1e-15)
    # softmax: e^z / sum e^z with sum = e^-2 + 1 + e^3
    total = math.e**-2 + 1 + math.e**3
    np.testing.assert_allclose(activations.softmax(z), [[math.e**-2 / total, 1 / total, math.e**3 / total]], rtol=1e-14)
    np.testing.assert_array_equal(activations.linear(z), z)


def test_activations_are_finite_for_huge_inputs():
    """sigmoid(+-1000) is 1 and 0, softmax of [1000, 0] is [1, 0]: no overflow warning, no NaN."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(activations.sigmoid(np.array([[1000.0, -1000.0]])), [[1.0, 0.0]])
        np.testing.assert_array_equal(activations.softmax(np.array([[1000.0, 0.0]])), [[1.0, 0.0]])


def test_softmax_rows_sum_to_one():
    """softmax works row by row: each row of the output sums to 1."""
    z = np.random.default_rng(0).normal(size=(6, 4)) * 5
    np.testing.assert_allclose(activations.softmax(z).sum(axis=1), np.ones(6), rtol=1e-14)


def test_activations_get_by_name_and_none():
    """get(name) gives the (forward, backward) pair; None means linear, as in Keras."""
    for name in ACTIVATION_NAMES:
        assert activations.get(name) == activations.ACTIVATIONS[name]
    assert activations.get(None) == (activations.linear, activations.linear_backward)


@pytest.mark.parametrize("name", ["gelu", "ReLU", "", 3])
def test_unknown_activation_is_refused(name):
    """An unknown activation name raises a ValueError naming the argument and the value received."""
    message = f"activation must be one of 'relu', 'sigmoid', 'tanh', 'softmax', 'linear' or None; received {name!r}"
    with pytest.raises(ValueError, match=re.escape(message)):
        activations.get(name)
    with pytest.raises(ValueError, match=re.escape(message)):
        Dense(3, activation=name)


# ---------------------------------------------------------------- activations: gradients

@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_activation_backward_matches_central_differences(name):
    """backward(d_out, z, out) is the gradient of sum(forward(z) * d_out) w.r.t. z (relu away from 0)."""
    forward, backward = activations.get(name)
    rng = np.random.default_rng(1)
    z = away_from_zero(rng, (4, 5))
    d_out = rng.normal(size=(4, 5))
    analytic = backward(d_out, z, forward(z))
    numerical = numerical_gradient(lambda z_: np.sum(forward(z_) * d_out), z.copy())
    assert analytic.shape == z.shape
    assert relative_error(analytic, numerical) < 1e-6


def test_relu_backward_is_the_step_function():
    """relu's slope is 1 where z > 0 and 0 elsewhere (0 at z = 0 itself, as in Keras)."""
    z = np.array([[-1.0, 0.0, 2.0]])
    d_out = np.array([[5.0, 6.0, 7.0]])
    np.testing.assert_array_equal(activations.relu_backward(d_out, z, activations.relu(z)), [[0.0, 0.0, 7.0]])


# ---------------------------------------------------------------- Dense: gradients

@pytest.mark.parametrize("n", [1, 5])      # batch size 1 takes another path inside numpy (an outer product)
@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_dense_backward_matches_central_differences(name, n):
    """Dense.backward gives the kernel, bias and input gradients of sum(out * d_out), for one example and for several."""
    rng = np.random.default_rng(2)
    layer = built_dense(3, name, 4, seed=3)
    layer.params["bias"][:] = rng.normal(size=3) * 0.1       # a non-zero bias, so its gradient matters
    X = rng.normal(size=(n, 4))
    d_out = rng.normal(size=(n, 3))
    if name == "relu":
        assert np.abs(X @ layer.params["kernel"] + layer.params["bias"]).min() > 1e-4   # away from the kink

    layer.forward(X)
    dX = layer.backward(d_out)
    dW, db = layer.grads["kernel"].copy(), layer.grads["bias"].copy()
    assert dX.shape == (n, 4) and dW.shape == (4, 3) and db.shape == (3,)

    def scalar():
        return np.sum(layer.forward(X) * d_out)

    # numerical_gradient perturbs the layer's own arrays in place, so forward sees each change
    assert relative_error(dW, numerical_gradient(lambda _: scalar(), layer.params["kernel"])) < 1e-6
    assert relative_error(db, numerical_gradient(lambda _: scalar(), layer.params["bias"])) < 1e-6
    numerical_dX = numerical_gradient(lambda x: np.sum(layer.forward(x) * d_out), X.copy())
    assert relative_error(dX, numerical_dX) < 1e-6


def test_dense_backward_by_hand():
    """A linear Dense layer on two examples: dW = X.T @ d_out, db = column sums, dX = d_out @ W.T."""
    layer = Dense(2)
    layer.build(2, np.random.default_rng(0), np.float64)
    layer.params["kernel"][:] = [[1.0, 2.0], [3.0, 4.0]]
    layer.params["bias"][:] = [0.5, -0.5]
    X = np.array([[1.0, 0.0], [2.0, 1.0]])
    # out = X @ W + b = [[1 + 0.5, 2 - 0.5], [2 + 3 + 0.5, 4 + 4 - 0.5]] = [[1.5, 1.5], [5.5, 7.5]]
    np.testing.assert_allclose(layer.forward(X), [[1.5, 1.5], [5.5, 7.5]], rtol=1e-15)
    d_out = np.array([[1.0, -1.0], [0.5, 2.0]])
    dX = layer.backward(d_out)
    # dW = X.T @ d_out = [[1*1 + 2*0.5, 1*(-1) + 2*2], [0*1 + 1*0.5, 0*(-1) + 1*2]] = [[2, 3], [0.5, 2]]
    np.testing.assert_allclose(layer.grads["kernel"], [[2.0, 3.0], [0.5, 2.0]], rtol=1e-15)
    # db = [1 + 0.5, -1 + 2] = [1.5, 1]
    np.testing.assert_allclose(layer.grads["bias"], [1.5, 1.0], rtol=1e-15)
    # dX = d_out @ W.T = [[1 - 2, 3 - 4], [0.5 + 4, 1.5 + 8]] = [[-1, -1], [4.5, 9.5]]
    np.testing.assert_allclose(dX, [[-1.0, -1.0], [4.5, 9.5]], rtol=1e-15)


# ---------------------------------------------------------------- Dense: Keras's defaults

def test_dense_glorot_uniform_limits_small_layer():
    """A 2 -> 3 kernel lies within sqrt(6 / (2 + 3)) = sqrt(1.2); the bias is zero."""
    layer = built_dense(3, None, 2)
    limit = math.sqrt(6.0 / (2 + 3))
    assert layer.params["kernel"].shape == (2, 3)
    assert np.all(np.abs(layer.params["kernel"]) <= limit)
    np.testing.assert_array_equal(layer.params["bias"], np.zeros(3))


def test_dense_glorot_uniform_spread_large_layer():
    """A 300 -> 200 kernel fills [-limit, limit], limit = sqrt(6 / 500), with a uniform's spread."""
    layer = built_dense(200, "relu", 300)
    W = layer.params["kernel"]
    limit = math.sqrt(6.0 / (300 + 200))                     # about 0.1095
    assert np.all(np.abs(W) <= limit)
    assert W.max() > 0.99 * limit and W.min() < -0.99 * limit
    # a uniform on [-limit, limit] has standard deviation limit / sqrt(3) and mean 0
    assert W.std() == pytest.approx(limit / math.sqrt(3), rel=0.02)
    assert abs(W.mean()) < 0.01 * limit
    # and not, say, a normal of that standard deviation: a quarter of the values in each quarter of the range
    counts, _ = np.histogram(W, bins=4, range=(-limit, limit))
    np.testing.assert_allclose(counts / W.size, 0.25, atol=0.01)
    np.testing.assert_array_equal(layer.params["bias"], np.zeros(200))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dense_build_uses_the_dtype(dtype):
    """build creates the kernel and bias in the dtype it is given."""
    layer = Dense(4)
    layer.build(3, np.random.default_rng(0), dtype)
    assert layer.params["kernel"].dtype == dtype and layer.params["bias"].dtype == dtype


def test_dense_builds_lazily_from_the_first_input():
    """A Dense layer has no weights until the model sees its first input, which fixes input_dim."""
    model = Sequential([Dense(4, activation="relu"), Dense(2)], seed=0)
    assert not model.built and not model.layers[0].built
    assert model.layers[0].params == {} and model.count_params() == 0
    out = model.predict(np.ones((3, 5)))
    assert out.shape == (3, 2)
    assert model.layers[0].input_dim == 5 and model.layers[1].input_dim == 4
    assert model.layers[0].params["kernel"].shape == (5, 4)
    assert model.layers[1].params["kernel"].shape == (4, 2)
    # (5 + 1) * 4 + (4 + 1) * 2 = 24 + 10 = 34
    assert model.count_params() == 34


def test_dense_refuses_a_changed_feature_count():
    """After building for 5 features, an input with 6 raises a ValueError naming both counts."""
    model = Sequential([Dense(4), Dense(2)], seed=0)
    model.predict(np.ones((3, 5)))
    with pytest.raises(ValueError, match=re.escape("x has 6 features, but the model was built for 5")):
        model.predict(np.ones((3, 6)))
    with pytest.raises(ValueError, match=re.escape("dense_0 was built for 5 input features; received an input with 6")):
        model.layers[0].forward(np.ones((3, 6)))


def test_dense_same_seed_same_weights():
    """The initial weights come from the model's generator: same seed, same weights; another seed, others."""
    def weights(seed):
        model = Sequential([Dense(4), Dense(2)], seed=seed)
        model.build(3)
        return model.get_weights()

    assert all(np.array_equal(a, b) for a, b in zip(weights(5), weights(5)))
    assert not np.array_equal(weights(5)[0], weights(6)[0])


def test_dense_repr_config_and_count():
    """repr, get_config and count_params of a Dense layer."""
    layer = Dense(64, activation="relu", name="hidden")
    assert repr(layer) == "Dense(64, activation='relu')"
    assert layer.count_params() == 0
    layer.build(64, np.random.default_rng(0), np.float32)
    assert layer.count_params() == 64 * 64 + 64 == 4160
    assert layer.get_config() == {"class_name": "Dense", "units": 64, "activation": "relu", "name": "hidden",
                                  "kernel_regularizer": None}
    assert Dense(3).activation == "linear"


@pytest.mark.parametrize(
    "units, error, message",
    [
        (0, ValueError, "units must be a positive integer; received 0"),
        (-3, ValueError, "units must be a positive integer; received -3"),
        (2.0, TypeError, "units must be a positive integer; received float 2.0"),
        ("64", TypeError, "units must be a positive integer; received str '64'"),
    ],
)
def test_dense_bad_units(units, error, message):
    """Dense refuses units that are not positive integers, naming the argument."""
    with pytest.raises(error, match=re.escape(message)):
        Dense(units)


# ---------------------------------------------------------------- losses: values

def test_categorical_crossentropy_by_hand():
    """Mean over the batch of -log(probability of the true class)."""
    loss = losses.get("categorical_crossentropy")
    Y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    P = np.array([[0.7, 0.2, 0.1], [0.25, 0.25, 0.5]])
    # per example: -log 0.7 and -log 0.5; mean = (-log 0.7 - log 0.5) / 2
    np.testing.assert_allclose(loss.per_example(Y, P), [-math.log(0.7), -math.log(0.5)], rtol=1e-14)
    assert loss(Y, P) == pytest.approx((-math.log(0.7) - math.log(0.5)) / 2, rel=1e-14)


def test_categorical_crossentropy_normalizes_and_clips_like_keras():
    """Rows are divided by their sum, then clipped to [1e-7, 1 - 1e-7], before the log."""
    loss = losses.get("categorical_crossentropy")
    # [2, 1, 1] / 4 = [0.5, 0.25, 0.25]: the true class 0 gives -log 0.5
    assert loss(np.array([[1.0, 0.0, 0.0]]), np.array([[2.0, 1.0, 1.0]])) == pytest.approx(math.log(2), rel=1e-14)
    # a probability of exactly 0 for the true class is clipped to 1e-7: -log 1e-7 = 7 log 10, about 16.118
    assert loss(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])) == pytest.approx(7 * math.log(10), rel=1e-9)
    # a probability of 1 is clipped to 1 - 1e-7: -log(1 - 1e-7), about 1e-7, not 0
    assert loss(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])) == pytest.approx(-math.log1p(-1e-7), rel=1e-6)


def test_sparse_categorical_crossentropy_equals_the_one_hot_version():
    """Integer labels give the same loss as their one-hot rows; (N, 1) labels are accepted too."""
    rng = np.random.default_rng(0)
    P = activations.softmax(rng.normal(size=(6, 4)))
    labels = np.array([0, 3, 1, 1, 2, 3])
    Y = np.eye(4)[labels]
    sparse, dense = losses.get("sparse_categorical_crossentropy"), losses.get("categorical_crossentropy")
    assert sparse(labels, P) == pytest.approx(dense(Y, P), rel=1e-15)
    np.testing.assert_array_equal(sparse.target(labels[:, None], 4, np.float32), labels)


def test_mse_by_hand():
    """mse: the mean over the outputs of the squared error, then the mean over the batch."""
    loss = losses.get("mse")
    Y = np.array([[0.0, 0.0], [1.0, 1.0]])
    P = np.array([[1.0, 2.0], [1.0, 4.0]])
    # per example: (1 + 4) / 2 = 2.5 and (0 + 9) / 2 = 4.5; mean = 3.5
    np.testing.assert_allclose(loss.per_example(Y, P), [2.5, 4.5], rtol=1e-15)
    assert loss(Y, P) == 3.5
    assert isinstance(losses.get("mean_squared_error"), losses.MeanSquaredError)


def test_initial_cross_entropy_is_near_log_c():
    """A freshly built softmax classifier with small inputs predicts about 1/C: loss near log(C)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 10)) * 0.1
    labels = rng.integers(0, 5, size=200)
    model = Sequential([Dense(16, activation="relu"), Dense(5, activation="softmax")], seed=0, dtype="float64")
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert model.evaluate(X, labels) == pytest.approx(math.log(5), rel=0.02)


def test_loss_get_returns_loss_objects_unchanged():
    """get accepts a Loss object as it is."""
    loss = losses.MeanSquaredError()
    assert losses.get(loss) is loss


@pytest.mark.parametrize("name", ["hinge", "crossentropy", "MSE", None, 3])
def test_unknown_loss_is_refused(name):
    """An unknown loss name raises a ValueError listing the known ones and the value received."""
    message = ("loss must be one of 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'mse', "
               f"'mean_squared_error'; received {name!r}")
    with pytest.raises(ValueError, match=re.escape(message)):
        losses.get(name)


def test_categorical_targets_must_be_one_hot():
    """Integer labels for categorical_crossentropy: the message says one_hot(y, C) or the sparse loss."""
    loss = losses.get("categorical_crossentropy")
    with pytest.raises(ValueError, match=re.escape(
        "categorical_crossentropy needs one-hot targets of shape (N, 3); received y of shape (4,). "
        "Convert labels with one_hot(y, 3), or use loss='sparse_categorical_crossentropy' for integer labels"
    )):
        loss.target(np.array([0, 1, 2, 1]), 3, np.float32)


SPARSE_NEEDS = "sparse_categorical_crossentropy needs integer labels of shape (N,); "


@pytest.mark.parametrize(
    "y, message",
    [
        (np.array([0.0, 1.0]), SPARSE_NEEDS + "received y of shape (2,) and dtype float64"),
        (np.eye(3, dtype=int), SPARSE_NEEDS + "received y of shape (3, 3)"),
        (np.array([0, 3]), "labels must lie in 0..2; received values from 0 to 3"),
        (np.array([-1, 2]), "labels must lie in 0..2; received values from -1 to 2"),
    ],
)
def test_sparse_targets_are_checked(y, message):
    """sparse_categorical_crossentropy wants integer labels in 0..C-1, and says what it received."""
    with pytest.raises(ValueError, match=re.escape(message)):
        losses.get("sparse_categorical_crossentropy").target(y, 3, np.float32)


@pytest.mark.parametrize(
    "loss, y, num_outputs, message",
    [
        ("mse", np.zeros((4, 3)), 2, "mse needs targets of shape (N, 2); received y of shape (4, 3)"),
        ("mse", np.zeros(4), 2, "mse needs targets of shape (N, 2); received y of shape (4,)"),
        ("mse", np.array([0.0, np.nan]), 1, "y must contain only finite numbers; received NaN or inf"),
        ("categorical_crossentropy", np.array([[1.0, np.inf]]), 2,
         "y must contain only finite numbers; received NaN or inf"),
    ],
)
def test_targets_shape_and_finiteness(loss, y, num_outputs, message):
    """Targets of the wrong width, or with NaN or inf, are refused."""
    with pytest.raises(ValueError, match=re.escape(message)):
        losses.get(loss).target(y, num_outputs, np.float64)


def test_mse_accepts_1d_targets_for_one_output():
    """For a single output, mse accepts y of shape (N,) and makes it (N, 1)."""
    y = losses.get("mse").target([1.0, 2.0], 1, np.float32)
    assert y.shape == (2, 1) and y.dtype == np.float32


# ---------------------------------------------------------------- losses: gradients

def test_categorical_crossentropy_gradient_unnormalized_predictions():
    """gradient(Y, P) is d(mean loss)/dP, through the row normalization, for P that does not sum to 1."""
    rng = np.random.default_rng(4)
    P = rng.uniform(0.2, 3.0, size=(5, 4))                   # positive, rows summing to anything
    Y = np.eye(4)[rng.integers(0, 4, size=5)]
    loss = losses.get("categorical_crossentropy")
    numerical = numerical_gradient(lambda p: loss(Y, p), P.copy())
    analytic = loss.gradient(Y, P)
    assert analytic.shape == P.shape
    assert relative_error(analytic, numerical) < 1e-6


def test_categorical_crossentropy_gradient_soft_targets():
    """The gradient also holds for targets that are not one-hot (label smoothing, say)."""
    rng = np.random.default_rng(5)
    P = rng.uniform(0.2, 3.0, size=(3, 4))
    Y = activations.softmax(rng.normal(size=(3, 4)))
    loss = losses.get("categorical_crossentropy")
    assert relative_error(loss.gradient(Y, P), numerical_gradient(lambda p: loss(Y, p), P.copy())) < 1e-6


def test_sparse_categorical_crossentropy_gradient():
    """The sparse loss's gradient, from integer labels, matches central differences."""
    rng = np.random.default_rng(6)
    P = activations.softmax(rng.normal(size=(5, 3)))
    labels = np.array([0, 2, 1, 2, 0])
    loss = losses.get("sparse_categorical_crossentropy")
    assert relative_error(loss.gradient(labels, P), numerical_gradient(lambda p: loss(labels, p), P.copy())) < 1e-6


def test_mse_gradient():
    """mse's gradient 2 (P - Y) / (N * M) matches central differences."""
    rng = np.random.default_rng(7)
    P, Y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    loss = losses.get("mse")
    assert relative_error(loss.gradient(Y, P), numerical_gradient(lambda p: loss(Y, p), P.copy())) < 1e-6


def test_mse_gradient_by_hand():
    """mse on one example with two outputs: d/dp of ((p1 - y1)^2 + (p2 - y2)^2) / 2 is (p - y)."""
    # P - Y = [1, 2]; 2 * [1, 2] / (1 * 2) = [1, 2]
    np.testing.assert_allclose(losses.get("mse").gradient(np.array([[0.0, 0.0]]), np.array([[1.0, 2.0]])), [[1.0, 2.0]])


# ---------------------------------------------------------------- the fused softmax + cross-entropy gradient

def small_classifier(loss, seed=0):
    model = Sequential([Dense(5, activation="tanh"), Dense(3, activation="softmax")], seed=seed, dtype="float64")
    model.compile(optimizer="sgd", loss=loss)
    model.build(4)
    return model


def model_targets(loss, labels):
    return labels if loss == "sparse_categorical_crossentropy" else np.eye(3)[labels]


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "sparse_categorical_crossentropy"])
def test_fused_gradient_equals_the_chain_rule(loss):
    """With nothing clipped, (P - Y) / N w.r.t. the logits gives the same gradients as the loss's
    gradient w.r.t. P followed by softmax's backward."""
    rng = np.random.default_rng(8)
    X = rng.normal(size=(6, 4))
    y = model_targets(loss, rng.integers(0, 3, size=6))
    model = small_classifier(loss)
    assert model._fused()
    P = model._forward(X)
    assert P.min() > 1e-3 and P.max() < 1 - 1e-3                 # nothing near the clip
    model._backward(model.loss.target(y, 3, model.dtype), P)
    fused = [dict((k, v.copy()) for k, v in layer.grads.items()) for layer in model.layers]

    d_x = model.layers[1].backward(model.loss.gradient(model.loss.target(y, 3, model.dtype), P))   # through softmax
    model.layers[0].backward(d_x)
    for layer, grads in zip(model.layers, fused):
        for key in ("kernel", "bias"):
            np.testing.assert_allclose(grads[key], layer.grads[key], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "sparse_categorical_crossentropy", "mse"])
def test_model_backward_matches_central_differences(loss):
    """Sequential._backward gives the gradient of the mean loss w.r.t. every weight of the model."""
    rng = np.random.default_rng(9)
    X = rng.normal(size=(6, 4))
    labels = rng.integers(0, 3, size=6)
    y = rng.normal(size=(6, 3)) if loss == "mse" else model_targets(loss, labels)
    model = small_classifier(loss)
    y = model.loss.target(y, 3, model.dtype)
    model._backward(y, model._forward(X))
    for layer in model.layers:
        for key in ("kernel", "bias"):
            analytic = layer.grads[key].copy()
            numerical = numerical_gradient(lambda _: model.loss(y, model._forward(X)), layer.params[key])
            # a norm-based relative error: a few entries are near 1e-6, where rounding in the differences
            # (about 1e-10) is a relative 1e-5 entry by entry
            error = np.linalg.norm(analytic - numerical) / np.linalg.norm(analytic + numerical)
            assert error < 1e-6, (layer.name, key, error)


def test_fused_gradient_differs_from_keras_when_the_true_class_is_clipped():
    """The documented difference: for a true-class probability below 1e-7, Keras's gradient through the
    clip is 0, while the fused gradient (P - Y) / N still pushes the true class up."""
    model = Sequential([Dense(3, activation="softmax")], dtype="float64")
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    model.build(2)
    model.set_weights([np.zeros((2, 3)), np.array([-30.0, 0.0, 0.0])])   # P = about [1e-13, 0.5, 0.5]
    X, Y = np.zeros((1, 2)), np.array([[1.0, 0.0, 0.0]])
    P = model._forward(X)
    assert P[0, 0] < 1e-7
    model._backward(Y, P)
    # fused: db = P - Y = [1e-13 - 1, 0.5, 0.5]
    np.testing.assert_allclose(model.layers[0].grads["bias"], [-1.0, 0.5, 0.5], atol=1e-12)
    # the chain rule through the clip, as Keras differentiates it: all zero
    model.layers[0].backward(model.loss.gradient(Y, P))
    np.testing.assert_array_equal(model.layers[0].grads["bias"], [0.0, 0.0, 0.0])
