"""Optimizers by Keras name or as objects with Keras's argument names and defaults.

SGD(learning_rate=0.01, momentum=0.0, nesterov=False), in Keras's form:
    velocity = momentum * velocity - learning_rate * grad
    param += velocity                                   (nesterov: param += momentum * velocity - learning_rate * grad)
RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7): see the class.
Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7), in Keras's form, t counting from 1:
    m += (1 - beta_1) * (grad - m);  v += (1 - beta_2) * (grad**2 - v)
    alpha = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)
    param -= alpha * m / (sqrt(v) + epsilon)
`apply(params, grads)` updates the arrays of `params` (a dict name -> array) in place; the state
(velocities, moments) is kept per name. `iterations` counts the calls, like Keras's.
"""
import numpy as np

from . import _validate


class Optimizer:
    def __init__(self, learning_rate):
        self.learning_rate = _validate.positive_scalar(learning_rate, "learning_rate")
        self.iterations = 0

    def apply(self, params, grads):
        self.iterations += 1
        for name, param in params.items():
            self._update(name, param, grads[name].astype(param.dtype, copy=False))

    def get_config(self):
        raise NotImplementedError


class SGD(Optimizer):
    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        super().__init__(learning_rate)
        self.momentum = _validate.real_scalar(momentum, "momentum")
        if not 0 <= self.momentum <= 1:
            raise ValueError(f"momentum must be between 0 and 1; received {momentum!r}")
        self.nesterov = bool(nesterov)
        self._velocities = {}

    def _update(self, name, param, grad):
        lr = param.dtype.type(self.learning_rate)
        if self.momentum == 0:
            param -= lr * grad
            return
        momentum = param.dtype.type(self.momentum)
        velocity = self._velocities.setdefault(name, np.zeros_like(param))
        velocity *= momentum
        velocity -= lr * grad
        if self.nesterov:
            param += momentum * velocity - lr * grad
        else:
            param += velocity

    def get_config(self):
        return {"name": "sgd", "learning_rate": self.learning_rate, "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(learning_rate)
        self.beta_1 = _validate.real_scalar(beta_1, "beta_1")
        self.beta_2 = _validate.real_scalar(beta_2, "beta_2")
        self.epsilon = _validate.positive_scalar(epsilon, "epsilon")
        for name, value in (("beta_1", self.beta_1), ("beta_2", self.beta_2)):
            if not 0 <= value < 1:
                raise ValueError(f"{name} must be in [0, 1); received {value!r}")
        self._m, self._v = {}, {}

    def _update(self, name, param, grad):
        dtype = param.dtype.type
        t = dtype(self.iterations)
        beta_1, beta_2 = dtype(self.beta_1), dtype(self.beta_2)
        alpha = dtype(self.learning_rate) * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        m = self._m.setdefault(name, np.zeros_like(param))
        v = self._v.setdefault(name, np.zeros_like(param))
        m += (grad - m) * (1 - beta_1)
        v += (grad * grad - v) * (1 - beta_2)
        param -= m * alpha / (np.sqrt(v) + dtype(self.epsilon))

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
            raise ValueError(f"rho must be in [0, 1); received {rho!r}")
        self.momentum = _validate.real_scalar(momentum, "momentum")
        if not 0 <= self.momentum <= 1:
            raise ValueError(f"momentum must be between 0 and 1; received {momentum!r}")
        self.epsilon = _validate.positive_scalar(epsilon, "epsilon")
        self._velocities, self._momentums = {}, {}

    def _update(self, name, param, grad):
        dtype = param.dtype.type
        rho = dtype(self.rho)
        velocity = self._velocities.setdefault(name, np.zeros_like(param))
        velocity *= rho
        velocity += (1 - rho) * grad * grad
        increment = dtype(self.learning_rate) * grad / np.sqrt(velocity + dtype(self.epsilon))
        if self.momentum > 0:
            accumulated = self._momentums.setdefault(name, np.zeros_like(param))
            accumulated *= dtype(self.momentum)
            accumulated += increment
            increment = accumulated
        param -= increment

    def get_config(self):
        return {"name": "rmsprop", "learning_rate": self.learning_rate, "rho": self.rho,
                "momentum": self.momentum, "epsilon": self.epsilon}


OPTIMIZERS = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop}


def get(optimizer):
    """An optimizer object from a name ("sgd", "adam", "rmsprop", with Keras's defaults) or the object itself."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if not isinstance(optimizer, str) or optimizer.lower() not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(repr(k) for k in OPTIMIZERS)} or an optimizer "
                         f"object such as Adam(learning_rate=0.001); received {optimizer!r}")
    return OPTIMIZERS[optimizer.lower()]()


def from_config(config):
    config = dict(config)
    return OPTIMIZERS[config.pop("name")](**config)
