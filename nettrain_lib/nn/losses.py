"""Losses by Keras name, each a mean over the batch of a per-example loss.

- "categorical_crossentropy": y_true one-hot (N, C), y_pred probabilities (N, C). As Keras does it,
  each row of y_pred is divided by its sum and clipped to [1e-7, 1 - 1e-7] before the log.
- "sparse_categorical_crossentropy": y_true integer labels (N,), otherwise the same.
- "mse" (or "mean_squared_error"): the mean over the outputs of the squared error, per example.

`gradient` returns d(mean loss)/d(y_pred), shape of y_pred. When the model's last activation is
softmax and the loss is a cross-entropy, the model skips both and uses the fused gradient with
respect to the logits, (P - Y) / N, which stays exact however small a probability gets.
"""
import numpy as np

from .. import _kernels
from ..i18n import tr

EPSILON = 1e-7          # Keras's backend.epsilon()


class Loss:
    name = None
    classification = False

    def target(self, y, num_outputs, dtype):
        """Check y against the model's output width; return it in the form the loss uses."""
        raise NotImplementedError

    def per_example(self, y_true, y_pred):
        raise NotImplementedError

    def __call__(self, y_true, y_pred):
        return float(np.mean(self.per_example(y_true, y_pred)))


class CategoricalCrossentropy(Loss):
    name = "categorical_crossentropy"
    classification = True

    def target(self, y, num_outputs, dtype):
        y = np.asarray(y)
        if y.ndim != 2 or y.shape[1] != num_outputs:
            raise ValueError(
                tr("categorical_crossentropy needs one-hot targets of shape (N, {num_outputs}); received "
                   "y of shape {y_shape}. Convert labels with one_hot(y, {num_outputs}), or use "
                   "loss='sparse_categorical_crossentropy' for integer labels",
                   num_outputs=num_outputs, y_shape=y.shape)
            )
        y = y.astype(dtype)
        if not np.all(np.isfinite(y)):
            raise ValueError(tr("y must contain only finite numbers; received NaN or inf"))
        return y

    def _clipped(self, y_pred):
        normalized = y_pred / y_pred.sum(axis=-1, keepdims=True)
        return np.clip(normalized, EPSILON, 1 - EPSILON)

    def per_example(self, y_true, y_pred):
        return -(y_true * np.log(self._clipped(y_pred))).sum(axis=-1)

    def gradient(self, y_true, y_pred):
        # Chain rule through the log, the clip (slope 0 outside the range) and the row normalization.
        total = y_pred.sum(axis=-1, keepdims=True)
        normalized = y_pred / total
        inside = (normalized > EPSILON) & (normalized < 1 - EPSILON)
        d_normalized = np.where(inside, -y_true / np.clip(normalized, EPSILON, 1 - EPSILON), 0)
        d_pred = (d_normalized - (d_normalized * normalized).sum(axis=-1, keepdims=True)) / total
        return d_pred / len(y_pred)

    def accuracy(self, y_true, y_pred):
        return np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)

    def one_hot(self, y_true, num_outputs, dtype):
        """The targets as one-hot rows in `dtype` (they already are, for this loss)."""
        return y_true.astype(dtype, copy=False)


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    name = "sparse_categorical_crossentropy"

    def target(self, y, num_outputs, dtype):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(
                tr("sparse_categorical_crossentropy needs integer labels of shape (N,); received y of "
                   "shape {y_shape} and dtype {y_dtype}", y_shape=y.shape, y_dtype=y.dtype)
            )
        if y.size and (y.min() < 0 or y.max() >= num_outputs):
            raise ValueError(tr("labels must lie in 0..{num_outputs_1}; received values from {y_min} to {y_max}",
                                num_outputs_1=num_outputs - 1, y_min=y.min(), y_max=y.max()))
        return y

    def one_hot(self, y_true, num_outputs, dtype):
        return _kernels.one_hot(y_true, num_outputs, dtype)

    def per_example(self, y_true, y_pred):
        return super().per_example(self.one_hot(y_true, y_pred.shape[1], y_pred.dtype), y_pred)

    def gradient(self, y_true, y_pred):
        return super().gradient(self.one_hot(y_true, y_pred.shape[1], y_pred.dtype), y_pred)

    def accuracy(self, y_true, y_pred):
        return y_true == np.argmax(y_pred, axis=-1)


class MeanSquaredError(Loss):
    name = "mse"

    def target(self, y, num_outputs, dtype):
        y = np.asarray(y, dtype=dtype)
        if y.ndim == 1 and num_outputs == 1:
            y = y[:, None]
        if y.ndim != 2 or y.shape[1] != num_outputs:
            raise ValueError(tr("mse needs targets of shape (N, {num_outputs}); received y of shape {y_shape}",
                                num_outputs=num_outputs, y_shape=y.shape))
        if not np.all(np.isfinite(y)):
            raise ValueError(tr("y must contain only finite numbers; received NaN or inf"))
        return y

    def per_example(self, y_true, y_pred):
        return ((y_pred - y_true) ** 2).mean(axis=-1)

    def gradient(self, y_true, y_pred):
        return 2 * (y_pred - y_true) / y_pred.size

    def accuracy(self, y_true, y_pred):
        # Keras 3 resolves "accuracy" from the shapes: binary accuracy for one output, categorical
        # accuracy (argmax match) for several.
        if y_pred.shape[-1] == 1:
            return (y_true[:, 0] > 0.5) == (y_pred[:, 0] > 0.5)
        return np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)


LOSSES = {
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
}


def get(loss):
    if isinstance(loss, Loss):
        return loss
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(tr("loss must be one of {join_repr_k_for_k_in_LOSSES}; received {loss!r}",
                            join_repr_k_for_k_in_LOSSES=', '.join(repr(k) for k in LOSSES), loss=loss))
    return LOSSES[loss]()
