"""Softmax and cross-entropy for multiclass classification, and a linear softmax classifier.

Shapes: logits Z (N, C), probabilities P (N, C) whose rows sum to 1, integer labels y (N,),
one-hot targets Y (N, C), weights W (D, C), biases b (C,). The loss is a mean over examples.
Numerics: softmax subtracts each row's maximum before exp (exp(1000) overflows, exp(0) does not),
and the loss from logits uses log-sum-exp, so no logit is ever too large.
"""
import numpy as np

from .. import _kernels, _validate
from ..i18n import tr
from .batching import epoch_order


def softmax(z):
    """Softmax along the last axis of a 1-D or 2-D array of logits; finite for any finite logits."""
    z = _validate.float_array(z, "z")
    if z.ndim not in (1, 2):
        raise ValueError(tr("z must be a 1-D or 2-D array of logits; received {z}", z=_validate.describe(z)))
    return _kernels.softmax(z)                    # each row's largest logit becomes 0: exp cannot overflow


def log_softmax(z):
    """log(softmax(z)) computed as z - logsumexp(z), without forming tiny probabilities first."""
    z = _validate.float_array(z, "z")
    if z.ndim not in (1, 2):
        raise ValueError(tr("z must be a 1-D or 2-D array of logits; received {z}", z=_validate.describe(z)))
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def one_hot(labels, num_classes):
    """(N, C) float array with a 1 in column labels[i] of row i."""
    num_classes = _validate.positive_int(num_classes, "num_classes")
    return _kernels.one_hot(_validate.class_labels(labels, num_classes), num_classes)


def cross_entropy(Y, probs, eps=1e-12):
    """Mean over rows of -sum(Y * log(clip(probs, eps, 1))): the loss of predicted probabilities."""
    Y, probs = _matching(Y, "Y", probs, "probs")
    eps = _validate.positive_scalar(eps, "eps")
    return float(np.mean(-np.sum(Y * np.log(np.clip(probs, eps, 1.0)), axis=1)))


def cross_entropy_from_logits(Y, logits):
    """The same loss computed from logits with log-sum-exp: exact even where a probability underflows."""
    Y, logits = _matching(Y, "Y", logits, "logits")
    return float(np.mean(-np.sum(Y * log_softmax(logits), axis=1)))


def softmax_cross_entropy_grad(logits, Y):
    """Gradient of the mean cross-entropy of softmax(logits) with respect to the logits: (P - Y) / N."""
    Y, logits = _matching(Y, "Y", logits, "logits")
    return (softmax(logits) - Y) / len(logits)


def accuracy(labels, probs):
    """Fraction of rows whose largest probability (argmax) is at the true label."""
    probs = _validate.float_array(probs, "probs", ndim=2)
    labels = _validate.class_labels(labels, probs.shape[1])
    _validate.same_rows(probs, labels, "probs", "labels")
    return float(np.mean(np.argmax(probs, axis=1) == labels))


def train_softmax_regression(X, labels, num_classes, lr, epochs, batch_size, rng, *, X_val=None, labels_val=None):
    """Train a linear softmax classifier (logits = X @ W + b) by mini-batch gradient descent.

    Starts from W = 0, b = 0; each epoch visits the examples in a fresh order from `rng`.
    Returns (W, b, history): W (D, C), b (C,), and history a dict of per-epoch lists "loss" and
    "accuracy" on the training data (plus "val_loss" and "val_accuracy" when X_val is given).
    """
    X, labels, num_classes, lr, epochs, batch_size, rng = _validate.classifier_training(
        X, labels, num_classes, lr, epochs, batch_size, rng)
    Y = one_hot(labels, num_classes)
    if (X_val is None) != (labels_val is None):
        raise ValueError(tr("X_val and labels_val go together: give both (to record validation curves) or neither"))
    if X_val is not None:
        X_val = _validate.float_array(X_val, "X_val", ndim=2)
        if X_val.shape[1] != X.shape[1]:
            raise ValueError(tr("X_val must have the {X_shape_1} features of X; received {X_val_shape_1} columns",
                                X_shape_1=X.shape[1], X_val_shape_1=X_val.shape[1]))
        labels_val = _validate.class_labels(labels_val, num_classes, "labels_val")
        _validate.same_rows(X_val, labels_val, "X_val", "labels_val")
        Y_val = one_hot(labels_val, num_classes)

    W, b = np.zeros((X.shape[1], num_classes)), np.zeros(num_classes)
    history = {"loss": [], "accuracy": []} | ({"val_loss": [], "val_accuracy": []} if X_val is not None else {})
    for _ in range(epochs):
        order = epoch_order(len(X), rng)
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            d_logits = softmax_cross_entropy_grad(X[rows] @ W + b, Y[rows])   # (B, C), already / B
            W = W - lr * X[rows].T @ d_logits                                 # (D, C)
            b = b - lr * d_logits.sum(axis=0)                                 # (C,)
        logits = X @ W + b
        history["loss"].append(cross_entropy_from_logits(Y, logits))
        history["accuracy"].append(accuracy(labels, logits))
        if X_val is not None:
            logits_val = X_val @ W + b
            history["val_loss"].append(cross_entropy_from_logits(Y_val, logits_val))
            history["val_accuracy"].append(accuracy(labels_val, logits_val))
    return W, b, history


def _matching(A, a_name, B, b_name):
    A = _validate.float_array(A, a_name, ndim=2)
    B = _validate.float_array(B, b_name, ndim=2)
    if A.shape != B.shape:
        raise ValueError(tr("{a_name} and {b_name} must have the same shape (N, C); received {A_shape} and "
                            "{B_shape}", a_name=a_name, b_name=b_name, A_shape=A.shape, B_shape=B.shape))
    return A, B
