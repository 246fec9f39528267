"""Tests of nettrain_lib.nn.optimizers: SGD (plain, momentum, Nesterov) and Adam, each step worked by
hand in Keras's form, their defaults, and lookup by name."""
import math
import re

import numpy as np
import pytest

from nettrain_lib import SGD, Adam, Dense, RMSprop, Sequential
from nettrain_lib.nn import optimizers


def step(optimizer, param, grad, name="w"):
    """Apply one update to a single named parameter array, in place."""
    optimizer.apply({name: param}, {name: np.asarray(grad, dtype=param.dtype)})


# ---------------------------------------------------------------- SGD

def test_sgd_one_step_by_hand():
    """SGD without momentum: param -= learning_rate * grad."""
    w = np.array([1.0, -2.0])
    step(SGD(learning_rate=0.1), w, [0.5, 1.0])
    # [1 - 0.1 * 0.5, -2 - 0.1 * 1] = [0.95, -2.1]
    np.testing.assert_allclose(w, [0.95, -2.1], rtol=1e-15)


def test_sgd_momentum_two_steps_by_hand():
    """velocity = momentum * velocity - lr * grad; param += velocity, over two steps."""
    opt = SGD(learning_rate=0.1, momentum=0.9)
    w = np.array([1.0, -2.0])
    step(opt, w, [0.5, 1.0])
    # v1 = 0.9 * 0 - 0.1 * [0.5, 1] = [-0.05, -0.1];  w1 = [1 - 0.05, -2 - 0.1] = [0.95, -2.1]
    np.testing.assert_allclose(w, [0.95, -2.1], rtol=1e-15)
    step(opt, w, [1.0, -1.0])
    # v2 = 0.9 * [-0.05, -0.1] - 0.1 * [1, -1] = [-0.045 - 0.1, -0.09 + 0.1] = [-0.145, 0.01]
    # w2 = [0.95 - 0.145, -2.1 + 0.01] = [0.805, -2.09]
    np.testing.assert_allclose(w, [0.805, -2.09], rtol=1e-14)
    np.testing.assert_allclose(opt._velocities["w"], [-0.145, 0.01], rtol=1e-14)


def test_sgd_nesterov_two_steps_by_hand():
    """Nesterov: the velocity as above, then param += momentum * velocity - lr * grad."""
    opt = SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    w = np.array([1.0, -2.0])
    step(opt, w, [0.5, 1.0])
    # v1 = [-0.05, -0.1]; w1 = w0 + 0.9 * v1 - 0.1 * g1 = [1 - 0.045 - 0.05, -2 - 0.09 - 0.1] = [0.905, -2.19]
    np.testing.assert_allclose(w, [0.905, -2.19], rtol=1e-14)
    step(opt, w, [1.0, -1.0])
    # v2 = [-0.145, 0.01]; w2 = w1 + 0.9 * v2 - 0.1 * g2 = [0.905 - 0.1305 - 0.1, -2.19 + 0.009 + 0.1]
    #    = [0.6745, -2.081]
    np.testing.assert_allclose(w, [0.6745, -2.081], rtol=1e-14)


def test_sgd_nesterov_without_momentum_is_plain_sgd():
    """With momentum 0, nesterov changes nothing (Keras keeps no velocity then)."""
    w = np.array([1.0])
    step(SGD(learning_rate=0.1, nesterov=True), w, [2.0])
    np.testing.assert_allclose(w, [0.8], rtol=1e-15)


def test_sgd_keeps_one_velocity_per_name():
    """Two parameters with different gradients have separate velocities."""
    opt = SGD(learning_rate=1.0, momentum=0.5)
    params = {"a": np.array([0.0]), "b": np.array([0.0])}
    opt.apply(params, {"a": np.array([1.0]), "b": np.array([-2.0])})
    opt.apply(params, {"a": np.array([1.0]), "b": np.array([0.0])})
    # a: v = -1, then 0.5 * (-1) - 1 = -1.5; a = -1 - 1.5 = -2.5
    # b: v = 2, then 0.5 * 2 - 0 = 1;        b = 2 + 1 = 3
    np.testing.assert_allclose(params["a"], [-2.5])
    np.testing.assert_allclose(params["b"], [3.0])
    assert opt.iterations == 2


def test_sgd_defaults():
    """SGD's defaults are Keras's: learning_rate 0.01, momentum 0, nesterov False."""
    opt = SGD()
    assert (opt.learning_rate, opt.momentum, opt.nesterov, opt.iterations) == (0.01, 0.0, False, 0)
    w = np.array([1.0])
    step(opt, w, [1.0])
    np.testing.assert_allclose(w, [0.99], rtol=1e-15)


# ---------------------------------------------------------------- Adam

def test_adam_two_steps_by_hand():
    """Adam in Keras's form, t counting from 1, over two steps."""
    opt = Adam(learning_rate=0.1)
    w = np.array([1.0])
    step(opt, w, [0.5])
    # t = 1: m1 = 0 + (1 - 0.9) * (0.5 - 0) = 0.05;  v1 = 0 + (1 - 0.999) * (0.25 - 0) = 0.00025
    #        alpha1 = 0.1 * sqrt(1 - 0.999) / (1 - 0.9) = sqrt(0.001)
    #        w1 = 1 - sqrt(0.001) * 0.05 / (sqrt(0.00025) + 1e-7), about 1 - 0.1 = 0.9
    w1 = 1.0 - math.sqrt(0.001) * 0.05 / (math.sqrt(0.00025) + 1e-7)
    np.testing.assert_allclose(w, [w1], rtol=1e-14)
    assert w1 == pytest.approx(0.9, abs=1e-6)         # the first step is about lr * sign(grad)
    step(opt, w, [-1.0])
    # t = 2: m2 = 0.05 + 0.1 * (-1 - 0.05) = 0.05 - 0.105 = -0.055
    #        v2 = 0.00025 + 0.001 * (1 - 0.00025) = 0.00025 + 0.00099975 = 0.00124975
    #        alpha2 = 0.1 * sqrt(1 - 0.999^2) / (1 - 0.9^2) = 0.1 * sqrt(0.001999) / 0.19
    #        w2 = w1 - alpha2 * (-0.055) / (sqrt(0.00124975) + 1e-7)
    alpha2 = 0.1 * math.sqrt(0.001999) / 0.19
    w2 = w1 + alpha2 * 0.055 / (math.sqrt(0.00124975) + 1e-7)
    np.testing.assert_allclose(w, [w2], rtol=1e-13)
    np.testing.assert_allclose(opt._m["w"], [-0.055], rtol=1e-13)
    np.testing.assert_allclose(opt._v["w"], [0.00124975], rtol=1e-13)
    assert opt.iterations == 2


def test_adam_epsilon_is_added_to_sqrt_v_not_to_sqrt_v_hat():
    """Keras's form adds epsilon to sqrt(v) and folds the bias corrections into alpha; with a large
    epsilon this differs from the paper's m_hat / (sqrt(v_hat) + epsilon)."""
    opt = Adam(learning_rate=0.1, epsilon=0.01)
    w = np.array([1.0])
    step(opt, w, [0.5])
    # Keras: 1 - sqrt(0.001) * 0.05 / (sqrt(0.00025) + 0.01), about 1 - 0.0613 = 0.9387
    keras_form = 1.0 - math.sqrt(0.001) * 0.05 / (math.sqrt(0.00025) + 0.01)
    # paper: m_hat = 0.05 / 0.1 = 0.5, v_hat = 0.00025 / 0.001 = 0.25; 1 - 0.1 * 0.5 / (0.5 + 0.01) = 0.90196...
    paper_form = 1.0 - 0.1 * 0.5 / (0.5 + 0.01)
    np.testing.assert_allclose(w, [keras_form], rtol=1e-14)
    assert abs(w[0] - paper_form) > 0.03


def test_adam_keeps_moments_per_name_and_counts_steps_once_per_apply():
    """Each parameter has its own m and v; t counts calls to apply, not parameters."""
    opt = Adam(learning_rate=0.1)
    params = {"a": np.array([0.0]), "b": np.array([0.0, 0.0])}
    opt.apply(params, {"a": np.array([1.0]), "b": np.array([-2.0, 0.0])})
    assert opt.iterations == 1
    np.testing.assert_allclose(opt._m["a"], [0.1])           # 0.1 * 1
    np.testing.assert_allclose(opt._m["b"], [-0.2, 0.0])     # 0.1 * [-2, 0]
    # at t = 1 every non-zero gradient moves its parameter by about lr, whatever its size
    np.testing.assert_allclose(params["a"], [-0.1], atol=1e-5)
    np.testing.assert_allclose(params["b"], [0.1, 0.0], atol=1e-5)


def test_adam_defaults():
    """Adam's defaults are Keras's: 0.001, 0.9, 0.999, 1e-7."""
    opt = Adam()
    assert (opt.learning_rate, opt.beta_1, opt.beta_2, opt.epsilon) == (0.001, 0.9, 0.999, 1e-7)


@pytest.mark.parametrize("make", [lambda: SGD(learning_rate=0.1, momentum=0.9), lambda: Adam(learning_rate=0.1)])
def test_updates_keep_float32_parameters_float32(make):
    """A float32 parameter stays float32 (and is updated in place) whatever the gradient's dtype."""
    w = np.array([1.0, 2.0], dtype=np.float32)
    original = w
    opt = make()
    opt.apply({"w": w}, {"w": np.array([0.5, -0.5])})          # a float64 gradient
    assert w is original and w.dtype == np.float32
    assert not np.array_equal(w, [1.0, 2.0])


def test_float32_adam_forms_its_constants_as_keras_does():
    """Keras computes alpha in the variables' precision (beta ** t on float32 tensors) but forms
    1 - beta_1 and 1 - beta_2 in Python (double) and only then rounds them to float32. Two float32
    steps redone by hand that way give exactly the same weights; rounding beta first, 1 - f32(0.9) =
    0.100000024, does not (and 5 epochs of Adam on the digits amplify that to ~1e-2 in the weights:
    test_nn_models.test_the_digits_adam_case_detects_a_one_ulp_difference_in_a_constant)."""
    f = np.float32
    w, g = np.array([0.5, -1.5], f), np.array([0.1, -0.2], f)
    opt = Adam(learning_rate=0.01)
    step(opt, w, g)
    step(opt, w, g)

    def by_hand(one_minus_beta_1, one_minus_beta_2):
        x, m, v = np.array([0.5, -1.5], f), np.zeros(2, f), np.zeros(2, f)
        for t in (1, 2):
            alpha = f(0.01) * np.sqrt(1 - f(0.999) ** f(t)) / (1 - f(0.9) ** f(t))
            m = m + (g - m) * one_minus_beta_1
            v = v + (g * g - v) * one_minus_beta_2
            x = x - m * alpha / (np.sqrt(v) + f(1e-7))
        return x

    np.testing.assert_array_equal(w, by_hand(f(1 - 0.9), f(1 - 0.999)))
    assert not np.array_equal(w, by_hand(1 - f(0.9), 1 - f(0.999)))


def test_float32_rmsprop_forms_one_minus_rho_as_keras_does():
    """1 - rho is formed in double and rounded once, as Keras forms it. (For this gradient the
    other rounding, 1 - f32(0.9), changes the first weight by one ulp.)"""
    f = np.float32
    w, g = np.array([0.5, -1.5], f), np.array([-0.6538286209106445, -0.12961363792419434], f)
    opt = RMSprop(learning_rate=0.01, rho=0.9)
    step(opt, w, g)

    def by_hand(one_minus_rho):
        velocity = f(0.9) * np.zeros(2, f) + one_minus_rho * (g * g)
        return np.array([0.5, -1.5], f) - f(0.01) * g / np.sqrt(velocity + f(1e-7))

    np.testing.assert_array_equal(w, by_hand(f(1 - 0.9)))
    assert not np.array_equal(w, by_hand(1 - f(0.9)))


# ---------------------------------------------------------------- subnormal floats

def test_flush_subnormals_zeroes_only_the_subnormal_entries():
    """flush_subnormals sets entries below float32's smallest normal number (1.18e-38) to 0, in place, and
    leaves every other entry, including the smallest normal numbers and zeros, as it was."""
    tiny = np.finfo(np.float32).tiny
    array = np.array([1e-40, -1e-44, tiny, -tiny, 0.0, 1e-3, -2.5], dtype=np.float32)
    original = array
    optimizers.flush_subnormals(array)
    assert array is original
    np.testing.assert_array_equal(array, np.array([0, 0, tiny, -tiny, 0, 1e-3, -2.5], dtype=np.float32))


@pytest.mark.parametrize("make, state", [
    (lambda: Adam(), lambda opt: opt._m["w"]),
    (lambda: SGD(learning_rate=0.1, momentum=0.9), lambda opt: opt._velocities["w"]),
    (lambda: optimizers.RMSprop(), lambda opt: opt._velocities["w"]),
])
def test_state_that_decays_does_not_stay_subnormal(make, state):
    """A state entry whose gradient is 0 from some step on decays geometrically through the subnormal
    range, where CPU arithmetic is slow; the optimizer sets it to 0 within FLUSH_EVERY steps of entering
    it, and the entries that still carry information are untouched."""
    opt = make()
    w = np.zeros(2, dtype=np.float32)
    step(opt, w, [1.0, 1.0])
    entered = None
    for t in range(2, 4000):
        step(opt, w, [0.0, 1.0])                   # entry 0 only decays from now on; entry 1 stays busy
        decaying = state(opt)[0]
        if entered is None and 0 < abs(decaying) < np.finfo(np.float32).tiny:
            entered = t
        if entered is not None and t - entered >= optimizers.FLUSH_EVERY:
            break
    assert entered is not None, "the test should drive the state into the subnormal range"
    assert state(opt)[0] == 0
    assert abs(state(opt)[1]) > 1e-3


# ---------------------------------------------------------------- by name, configs, bad arguments

def test_optimizers_by_name():
    """"sgd" and "adam" give the optimizers with Keras's defaults; an object is returned as it is."""
    sgd, adam = optimizers.get("sgd"), optimizers.get("adam")
    assert isinstance(sgd, SGD) and sgd.learning_rate == 0.01
    assert isinstance(adam, Adam) and adam.learning_rate == 0.001
    opt = Adam(learning_rate=0.5)
    assert optimizers.get(opt) is opt


def test_compile_by_name_uses_the_defaults():
    """compile(optimizer="adam") makes a fresh Adam with Keras's defaults."""
    model = Sequential([Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    assert isinstance(model.optimizer, Adam) and model.optimizer.get_config() == Adam().get_config()
    model.compile(optimizer="sgd", loss="mse")
    assert isinstance(model.optimizer, SGD) and model.optimizer.learning_rate == 0.01


@pytest.mark.parametrize("name", ["adagrad", "nadam", "", None, 0.01])
def test_unknown_optimizer_names_are_refused(name):
    """An unknown name raises a ValueError naming the argument and the value received."""
    message = ("optimizer must be one of 'sgd', 'adam', 'rmsprop' or an optimizer object such as Adam(learning_rate=0.001); "
               f"received {name!r}")
    with pytest.raises(ValueError, match=re.escape(message)):
        optimizers.get(name)


@pytest.mark.parametrize("name", ["adagrad", "nadam"])
def test_compile_refuses_unknown_optimizers(name):
    """compile passes on the ValueError, naming the optimizer argument."""
    model = Sequential([Dense(2)])
    with pytest.raises(ValueError, match="^optimizer must be"):
        model.compile(optimizer=name, loss="mse")


@pytest.mark.parametrize("opt", [SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
                                 Adam(learning_rate=0.003, beta_1=0.8)])
def test_from_config_round_trip(opt):
    """from_config(get_config()) rebuilds an optimizer with the same settings."""
    rebuilt = optimizers.from_config(opt.get_config())
    assert type(rebuilt) is type(opt) and rebuilt.get_config() == opt.get_config()


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: SGD(learning_rate=0), ValueError, "learning_rate must be positive; received 0.0"),
        (lambda: SGD(learning_rate=-0.1), ValueError, "learning_rate must be positive; received -0.1"),
        (lambda: SGD(learning_rate="0.1"), TypeError, "learning_rate must be a real number; received str '0.1'"),
        (lambda: SGD(momentum=1.5), ValueError, "momentum must be between 0 and 1; received 1.5"),
        (lambda: SGD(momentum=-0.1), ValueError, "momentum must be between 0 and 1; received -0.1"),
        (lambda: Adam(learning_rate=float("nan")), ValueError, "learning_rate must be finite; received nan"),
        (lambda: Adam(beta_1=1.0), ValueError, "beta_1 must be in [0, 1); received 1.0"),
        (lambda: Adam(beta_2=-0.5), ValueError, "beta_2 must be in [0, 1); received -0.5"),
        (lambda: Adam(epsilon=0), ValueError, "epsilon must be positive; received 0.0"),
    ],
)
def test_bad_optimizer_arguments(make, error, message):
    """Bad hyperparameters raise errors that name the argument and what was received."""
    with pytest.raises(error, match=re.escape(message)):
        make()
