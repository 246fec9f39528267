"""Optimizers by Keras name or as objects with Keras's argument names and defaults.

SGD(learning_rate=0.01, momentum=0.0, nesterov=False), in Keras's form:
    velocity = momentum * velocity - learning_rate * grad
    param += velocity          (nesterov: param -= learning_rate * grad, then param += momentum * velocity)
RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7): see the class.
Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7), in Keras's form, t counting from 1:
    m += (1 - beta_1) * (grad - m);  v += (1 - beta_2) * (grad**2 - v)
    alpha = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)
    param -= alpha * m / (sqrt(v) + epsilon)
`apply(params, grads)` updates the arrays of `params` (a dict name -> array) in place; the state
(velocities, moments) is kept per name. `iterations` counts the calls, like Keras's.

Speed: an update runs once per batch, so at batch size 1 its fixed costs dominate training. The
state arrays are created once, on a parameter's first update, and the scalars every parameter
shares (Adam's step size alpha, 1 - beta_1, ...) are computed once per step for each parameter
dtype, rounded as Keras rounds them: alpha from float32 powers of beta in a float32 model, but
1 - beta_1, 1 - beta_2 and 1 - rho formed in double (Python) and then rounded once. The difference
is one ulp (1 - float32(0.9) is 0.100000024), and float32 Adam amplifies it to ~1e-2 in the weights
within 5 epochs on the digits (tests/support/keras_parity_cases.py).

Subnormal floats: where a gradient entry stays exactly 0 (a pixel that is blank in most images, a
ReLU unit that is off), its state decays geometrically, times 0.9 per step for Adam's m, into the
subnormal range (below 1.2e-38 in float32) after about 800 steps, and then stays there: once
m * 0.1 is below half of the smallest step between floats it rounds to 0 and m stops changing.
Arithmetic on subnormal numbers is several times slower on x86 CPUs (3x for an array with 5% of
them, measured), and at batch size 1 about 6% of Adam's m is subnormal after the first epoch.
Every FLUSH_EVERY steps the state arrays' subnormal entries are set to 0, as the CPU itself does in
flush-to-zero mode (TensorFlow's default). A flushed entry was below 1.2e-38; Adam divides m by
sqrt(v) + epsilon, so the update it feeds changes by at most 1.2e-38 * alpha / epsilon, about
1e-34 at the defaults: far below the resolution of any float32 weight.
"""
import numpy as np

from .. import _validate
from ..i18n import tr

FLUSH_EVERY = 32        # steps between two flushes of subnormal state entries to 0 (measured: 8 and 32
                        # remove the slowdown alike; 32 costs less)


class Optimizer:
    def __init__(self, learning_rate):
        self.learning_rate = _validate.positive_scalar(learning_rate, "learning_rate")
        self.iterations = 0

    def apply(self, params, grads):
        self.iterations += 1
        self._scalars_by_dtype = {}
        for name, param in params.items():
            self._update(name, param, grads[name].astype(param.dtype, copy=False))
        if self.iterations % FLUSH_EVERY == 0:
            for state in self._state_arrays():
                flush_subnormals(state)

    def _scalars(self, dtype):
        """This step's constants in the precision of `dtype`, computed once per step and dtype."""
        if dtype not in self._scalars_by_dtype:
            self._scalars_by_dtype[dtype] = self._step_scalars(dtype.type)
        return self._scalars_by_dtype[dtype]

    def _step_scalars(self, f):
        """The constants every parameter of one dtype shares this step; `f` converts to that dtype."""
        return ()

    def _state_arrays(self):
        """Every state array kept between steps (velocities, moments)."""
        return []

    @staticmethod
    def _state(store, name, param):
        """The state array kept for `name` (zeros like `param` on its first use)."""
        if name not in store:
            store[name] = np.zeros_like(param)
        return store[name]

    def get_config(self):
        raise NotImplementedError


class SGD(Optimizer):
    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        super().__init__(learning_rate)
        self.momentum = _validate.real_scalar(momentum, "momentum")
        if not 0 <= self.momentum <= 1:
            raise ValueError(tr("momentum must be between 0 and 1; received {momentum!r}", momentum=momentum))
        self.nesterov = bool(nesterov)
        self._velocities = {}

    def _state_arrays(self):
        return list(self._velocities.values())

    def _update(self, name, param, grad):
        lr = self.learning_rate
        if self.momentum == 0:
            param -= lr * grad
            return
        velocity = self._state(self._velocities, name, param)
        velocity *= self.momentum
        velocity -= lr * grad
        if self.nesterov:                 # two steps, rounded as Keras rounds them
            param -= lr * grad
            param += self.momentum * velocity
        else:
            param += velocity

    def get_config(self):
        return {"name": "sgd", "learning_rate": self.learning_rate, "momentum": self.momentum,
                "nesterov": self.nesterov}


class Adam(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(learning_rate)
        self.beta_1 = _validate.real_scalar(beta_1, "beta_1")
        self.beta_2 = _validate.real_scalar(beta_2, "beta_2")
        self.epsilon = _validate.positive_scalar(epsilon, "epsilon")
        for name, value in (("beta_1", self.beta_1), ("beta_2", self.beta_2)):
            if not 0 <= value < 1:
                raise ValueError(tr("{name} must be in [0, 1); received {value!r}", name=name, value=value))
        self._m, self._v = {}, {}

    def _state_arrays(self):
        return [*self._m.values(), *self._v.values()]

    def _step_scalars(self, f):
        t, beta_1, beta_2 = f(self.iterations), f(self.beta_1), f(self.beta_2)     # t is 1 at the first step
        alpha = f(self.learning_rate) * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        # 1 - beta is formed in double precision and then rounded, as Keras forms it (a Python float
        # multiplied into a tensor): f(1 - 0.9) is float32(0.1), but 1 - f(0.9) is 0.100000024.
        return alpha, f(1 - self.beta_1), f(1 - self.beta_2), f(self.epsilon)

    def _update(self, name, param, grad):
        alpha, one_minus_beta_1, one_minus_beta_2, epsilon = self._scalars(param.dtype)
        m = self._state(self._m, name, param)           # running mean of the gradient
        v = self._state(self._v, name, param)           # running mean of its square
        m += (grad - m) * one_minus_beta_1
        v += (grad * grad - v) * one_minus_beta_2
        param -= m * alpha / (np.sqrt(v) + epsilon)

    def get_config(self):
        return {"name": "adam", "learning_rate": self.learning_rate, "beta_1": self.beta_1,
                "beta_2": self.beta_2, "epsilon": self.epsilon}


class RMSprop(Optimizer):
    """RMSprop in Keras's form (epsilon inside the square root, as Keras writes it):
    velocity = rho * velocity + (1 - rho) * grad**2;  param -= learning_rate * grad / sqrt(velocity + epsilon).
    With momentum > 0 the increments are accumulated: m = momentum * m + increment; param -= m."""

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7):
        super().__init__(learning_rate)
        self.rho = _validate.real_scalar(rho, "rho")
        if not 0 <= self.rho < 1:
            raise ValueError(tr("rho must be in [0, 1); received {rho!r}", rho=rho))
        self.momentum = _validate.real_scalar(momentum, "momentum")
        if not 0 <= self.momentum <= 1:
            raise ValueError(tr("momentum must be between 0 and 1; received {momentum!r}", momentum=momentum))
        self.epsilon = _validate.positive_scalar(epsilon, "epsilon")
        self._velocities, self._momentums = {}, {}

    def _state_arrays(self):
        return [*self._velocities.values(), *self._momentums.values()]

    def _step_scalars(self, f):
        # Each constant rounded once from its double value, as Keras does (1 - rho formed in double first).
        return f(self.rho), f(1 - self.rho), f(self.learning_rate), f(self.epsilon), f(self.momentum)

    def _update(self, name, param, grad):
        rho, one_minus_rho, lr, epsilon, momentum = self._scalars(param.dtype)
        velocity = self._state(self._velocities, name, param)
        velocity *= rho
        velocity += one_minus_rho * grad * grad
        increment = lr * grad / np.sqrt(velocity + epsilon)
        if self.momentum > 0:
            accumulated = self._state(self._momentums, name, param)
            accumulated *= momentum
            accumulated += increment
            increment = accumulated
        param -= increment

    def get_config(self):
        return {"name": "rmsprop", "learning_rate": self.learning_rate, "rho": self.rho,
                "momentum": self.momentum, "epsilon": self.epsilon}


def flush_subnormals(array):
    """Set the subnormal entries of a float array to 0, in place (see the module docstring)."""
    np.copyto(array, 0, where=np.abs(array) < np.finfo(array.dtype).tiny)


OPTIMIZERS = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop}


def get(optimizer):
    """An optimizer object from a name ("sgd", "adam", "rmsprop", with Keras's defaults) or the object itself."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if not isinstance(optimizer, str) or optimizer.lower() not in OPTIMIZERS:
        raise ValueError(tr("optimizer must be one of {join_repr_k_for_k_in_OPTIMIZERS} or an optimizer object "
                            "such as Adam(learning_rate=0.001); received {optimizer!r}",
                            join_repr_k_for_k_in_OPTIMIZERS=', '.join(repr(k) for k in OPTIMIZERS),
                            optimizer=optimizer))
    return OPTIMIZERS[optimizer.lower()]()


def from_config(config):
    config = dict(config)
    return OPTIMIZERS[config.pop("name")](**config)
