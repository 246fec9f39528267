"""A non-convex loss of one parameter, to show what gradient noise does near a shallow minimum.

The loss of example i is L_i(theta) = g(theta) + a_i * theta, where g is a tilted double well,
g(theta) = theta**4 / 4 - theta**2 + tilt * theta, and the offsets a_i average to zero. So the mean
loss over all examples is exactly g, with a shallow minimum near theta = 1.3 and a deeper one near
theta = -1.5, while the gradient of a batch, g'(theta) + mean(a_batch), is noisy: the smaller the
batch, the noisier. The same structure as a real training set, in one dimension.
"""
import numpy as np

from .. import _validate
from ..i18n import tr
from .batching import epoch_order

TILT = 0.4


def double_well(theta, tilt=TILT):
    """The mean loss g(theta) = theta**4 / 4 - theta**2 + tilt * theta (array or float)."""
    theta = np.asarray(theta, dtype=float)
    return theta ** 4 / 4 - theta ** 2 + tilt * theta


def double_well_offsets(n_samples, rng, noise=4.0):
    """Per-example offsets a_i: Gaussian with standard deviation `noise`, shifted to mean exactly 0."""
    n_samples = _validate.positive_int(n_samples, "n_samples")
    rng = _validate.generator(rng)
    noise = _validate.real_scalar(noise, "noise")
    if noise < 0:
        raise ValueError(tr("noise must be a standard deviation >= 0; received {noise!r}", noise=noise))
    offsets = noise * rng.standard_normal(n_samples)
    return offsets - offsets.mean()


def double_well_descent(offsets, theta0, lr, batch_size, epochs, rng=None, tilt=TILT):
    """Mini-batch gradient descent on the double well; return theta at the start and after every update.

    The gradient of a batch is g'(theta) + mean(offsets[batch]). batch_size = len(offsets) is batch
    gradient descent (no noise at all), 1 is SGD.
    """
    offsets = _validate.float_array(offsets, "offsets", ndim=1)
    if len(offsets) == 0:
        raise ValueError(tr("offsets must hold one offset per example, at least one; received an empty array"))
    batch_size = _validate.batch_size_for(len(offsets), batch_size)
    theta = _validate.real_scalar(theta0, "theta0")
    lr = _validate.positive_scalar(lr, "lr")
    epochs = _validate.non_negative_int(epochs, "epochs")
    thetas = [theta]
    for _ in range(epochs):
        order = epoch_order(len(offsets), rng)
        for start in range(0, len(offsets), batch_size):
            batch = order[start:start + batch_size]
            grad = theta ** 3 - 2 * theta + tilt + offsets[batch].mean()
            theta = theta - lr * grad
            thetas.append(theta)
    return np.array(thetas)
