"""Layers: Dense, the fully connected layer built lazily from its first input like Keras's, and
Dropout.

Shapes: X (N, D) in, kernel W (D, M), bias b (M,), out (N, M). Defaults as in Keras: a
Glorot-uniform kernel, uniform in [-limit, limit] with limit = sqrt(6 / (D + M)), and a zero bias.
Forward keeps what backward needs (its input, pre-activation and output).
"""
import numpy as np

from .. import _validate
from ..i18n import tr
from . import activations, regularizers


class Dense:
    def __init__(self, units, activation=None, name=None, kernel_regularizer=None):
        self.units = _validate.positive_int(units, "units")
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.activation = "linear" if activation is None else activation
        self._forward_act, self._backward_act = activations.get(activation)
        self.name = name
        self.params, self.grads = {}, {}
        self.input_dim = None

    def __repr__(self):
        return f"Dense({self.units}, activation={self.activation!r})"

    @property
    def built(self):
        return self.input_dim is not None

    def build(self, input_dim, rng, dtype):
        """Create the kernel (input_dim, units), Glorot-uniform from `rng`, and a zero bias."""
        self.input_dim = _validate.positive_int(input_dim, "input_dim")
        limit = np.sqrt(6.0 / (self.input_dim + self.units))
        self.params = {
            "kernel": rng.uniform(-limit, limit, size=(self.input_dim, self.units)).astype(dtype),
            "bias": np.zeros(self.units, dtype=dtype),
        }

    def forward(self, X, training=False):          # X: (N, D); `training` matters to Dropout only
        if X.shape[1] != self.input_dim:
            raise ValueError(
                tr("{self_name_or_this_Dense_layer} was built for {self_input_dim} input features; "
                   "received an input with {X_shape_1}",
                   self_name_or_this_Dense_layer=self.name or tr("this Dense layer"),
                   self_input_dim=self.input_dim,
                   X_shape_1=X.shape[1])
            )
        self._X = X
        self._z = X @ self.params["kernel"] + self.params["bias"]    # (N, M)
        self._out = self._forward_act(self._z)
        return self._out

    def backward(self, d_out, *, d_z=None, input_grad=True):
        """Gradients of the loss; `d_z` (the gradient w.r.t. the pre-activation) skips the activation.
        Returns the gradient w.r.t. the input, unless input_grad=False (the first layer: nothing
        needs the gradient w.r.t. the data, and it costs as much as the forward product)."""
        if d_z is None:
            d_z = self._backward_act(d_out, self._z, self._out)      # (N, M)
        # (D, N) @ (N, M). np.dot, not @: at batch size 1 this is an outer product, which numpy's
        # matmul computes without BLAS, 5x slower than np.dot (numpy 2.4: 59 us vs 12 us for 784 x 64).
        self.grads["kernel"] = np.dot(self._X.T, d_z)                 # (D, M)
        if self.kernel_regularizer is not None:                        # + d(penalty)/dW
            self.grads["kernel"] = self.grads["kernel"] + self.kernel_regularizer.gradient(self.params["kernel"])
        self.grads["bias"] = d_z.sum(axis=0)                          # (M,)
        return d_z @ self.params["kernel"].T if input_grad else None  # (N, D)

    def count_params(self):
        return 0 if not self.built else (self.input_dim + 1) * self.units

    def regularization_loss(self):
        if self.kernel_regularizer is None or not self.built:
            return 0.0
        return self.kernel_regularizer(self.params["kernel"])

    def get_config(self):
        return {"class_name": "Dense", "units": self.units, "activation": self.activation, "name": self.name,
                "kernel_regularizer": None if self.kernel_regularizer is None else self.kernel_regularizer.get_config()}


class Dropout:
    """Inverted dropout: while training, each input unit is set to 0 with probability `rate` and
    the kept ones are scaled by 1 / (1 - rate), so that the expected output equals the input; at
    prediction time (training=False) the layer passes its input through unchanged. The random mask
    comes from the model's Generator."""

    def __init__(self, rate, name=None):
        self.rate = _validate.real_scalar(rate, "rate")
        if not 0 <= self.rate < 1:
            raise ValueError(tr("rate must be in [0, 1); received {rate!r}", rate=rate))
        self.name = name
        self.params, self.grads = {}, {}
        self.input_dim = self.units = None
        self.activation = None

    def __repr__(self):
        return f"Dropout({self.rate})"

    @property
    def built(self):
        return self.input_dim is not None

    def build(self, input_dim, rng, dtype):
        self.input_dim = self.units = _validate.positive_int(input_dim, "input_dim")
        self._rng = rng

    def forward(self, X, training=False):
        if not training or self.rate == 0:
            self._mask = None
            return X
        keep = 1 - self.rate
        self._mask = (self._rng.random(X.shape) < keep).astype(X.dtype) / X.dtype.type(keep)   # (N, D)
        return X * self._mask

    def backward(self, d_out, *, d_z=None, input_grad=True):     # the same call as Dense.backward
        return d_out if self._mask is None else d_out * self._mask

    def count_params(self):
        return 0

    def regularization_loss(self):
        return 0.0

    def get_config(self):
        return {"class_name": "Dropout", "rate": self.rate, "name": self.name}
