"""Activations by name, as Keras names them: "relu", "sigmoid", "tanh", "softmax", "linear".

Each has a forward function of the pre-activation z and a backward function that turns the
gradient with respect to the output, d_out, into the gradient with respect to z. Shapes: z, out
and d_out are (N, M), one row per example. Backward receives the forward's input and output, so no
layer has to store more than it already has.
"""
import numpy as np

from .._kernels import sigmoid, softmax  # shared with lesson 05's checked softmax
from ..i18n import tr


def relu(z):
    return np.maximum(z, 0)


def relu_backward(d_out, z, out):
    return d_out * (z > 0)                        # the slope is 1 where z > 0, else 0


def sigmoid_backward(d_out, z, out):
    return d_out * out * (1 - out)


def tanh(z):
    return np.tanh(z)


def tanh_backward(d_out, z, out):
    return d_out * (1 - out * out)


def softmax_backward(d_out, z, out):
    # Jacobian-vector product of softmax: dz_i = p_i (d_i - sum_j d_j p_j), row by row.
    return out * (d_out - (d_out * out).sum(axis=-1, keepdims=True))


def linear(z):
    return z


def linear_backward(d_out, z, out):
    return d_out


ACTIVATIONS = {
    "relu": (relu, relu_backward),
    "sigmoid": (sigmoid, sigmoid_backward),
    "tanh": (tanh, tanh_backward),
    "softmax": (softmax, softmax_backward),
    "linear": (linear, linear_backward),
}


def get(name):
    """(forward, backward) for an activation name; None means "linear", as in Keras."""
    if name is None:
        name = "linear"
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(
            tr("activation must be one of {join_repr_k_for_k_in_ACTIVATIONS} or None; received "
               "{name!r}", join_repr_k_for_k_in_ACTIVATIONS=', '.join(repr(k) for k in ACTIVATIONS), name=name)
        )
    return ACTIVATIONS[name]
