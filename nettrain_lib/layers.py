"""Dense: the fully connected layer, built lazily from its first input like Keras's.

Shapes: X (N, D) in, kernel W (D, M), bias b (M,), out (N, M). Defaults as in Keras: a
Glorot-uniform kernel, uniform in [-limit, limit] with limit = sqrt(6 / (D + M)), and a zero bias.
Forward keeps what backward needs (its input, pre-activation and output).
"""
import numpy as np

from . import _validate, activations


class Dense:
    def __init__(self, units, activation=None, name=None):
        self.units = _validate.positive_int(units, "units")
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

    def forward(self, X):                          # X: (N, D)
        if X.shape[1] != self.input_dim:
            raise ValueError(
                f"{self.name or 'this Dense layer'} was built for {self.input_dim} input features; "
                f"received an input with {X.shape[1]}"
            )
        self._X = X
        self._z = X @ self.params["kernel"] + self.params["bias"]    # (N, M)
        self._out = self._forward_act(self._z)
        return self._out

    def backward(self, d_out, *, d_z=None):
        """Gradients of the loss; `d_z` (the gradient w.r.t. the pre-activation) skips the activation."""
        if d_z is None:
            d_z = self._backward_act(d_out, self._z, self._out)      # (N, M)
        self.grads["kernel"] = self._X.T @ d_z                        # (D, M)
        self.grads["bias"] = d_z.sum(axis=0)                          # (M,)
        return d_z @ self.params["kernel"].T                          # (N, D)

    def count_params(self):
        return 0 if not self.built else (self.input_dim + 1) * self.units

    def get_config(self):
        return {"class_name": "Dense", "units": self.units, "activation": self.activation, "name": self.name}
