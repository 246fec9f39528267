"""Mini-batches. Batch gradient descent, SGD and mini-batch are one loop with a different batch_size.

Vocabulary (the slides' "Terminologia: Época e Iteração"):
- an *epoch* (época) is one full pass over the N training examples;
- an *iteration* or *step* is one update of the weights, made from one batch;
- steps per epoch = ceil(N / batch_size): the last batch may be smaller, as in Keras.
Shapes: X (N, D), y (N,). Shuffling permutes *indices*; the caller's arrays are never reordered.
"""
import math

import numpy as np

from . import _validate


def batch_size_for(n_samples, batch_size):
    """Check a batch size against the number of examples and return it as an int."""
    n_samples = _validate.positive_int(n_samples, "n_samples")
    batch_size = _validate.positive_int(batch_size, "batch_size")
    if batch_size > n_samples:
        raise ValueError(
            f"batch_size must be at most the number of examples ({n_samples}); received {batch_size}"
        )
    return batch_size


def steps_per_epoch(n_samples, batch_size):
    """Updates in one epoch: ceil(n_samples / batch_size) (batch: 1, SGD: N)."""
    batch_size = batch_size_for(n_samples, batch_size)
    return math.ceil(n_samples / batch_size)


def total_iterations(n_samples, batch_size, epochs):
    """Updates in a whole run of `epochs` epochs."""
    epochs = _validate.non_negative_int(epochs, "epochs")
    return epochs * steps_per_epoch(n_samples, batch_size)


def make_batches(n_samples, batch_size):
    """Index arrays [0..B-1], [B..2B-1], ... in order; the last one may be shorter."""
    batch_size = batch_size_for(n_samples, batch_size)
    return [np.arange(start, min(start + batch_size, n_samples)) for start in range(0, n_samples, batch_size)]


def epoch_order(n_samples, rng=None):
    """The order in which one epoch visits the examples: a fresh permutation from `rng`, or 0..N-1."""
    n_samples = _validate.positive_int(n_samples, "n_samples")
    if rng is None:
        return np.arange(n_samples)
    return _validate.generator(rng).permutation(n_samples)


def iterate_minibatches(X, y, batch_size, rng=None):
    """Yield (X_batch, y_batch) covering every example exactly once; shuffled when rng is given.

    Each call is one epoch: with `rng`, every call draws a new permutation, so epochs differ.
    Rows of X and y stay paired; X and y themselves are not changed.
    """
    # Check the arguments now, not at the first next(): a generator body runs only when iterated.
    X, y = paired_arrays(X, y)
    batch_size = batch_size_for(len(X), batch_size)
    if rng is not None:
        _validate.generator(rng)
    return _minibatches(X, y, batch_size, rng)


def _minibatches(X, y, batch_size, rng):
    order = epoch_order(len(X), rng)
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]      # the last batch may be smaller
        yield X[rows], y[rows]


def paired_arrays(X, y):
    """Check that X (N, D) and y (N,) hold one row per example; return them as arrays."""
    X = _validate.float_array(X, "X", ndim=2)
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be a 1-D array with one entry per example; received shape {y.shape}")
    if len(X) == 0:
        raise ValueError("X must have at least one row (example); received 0 rows")
    if len(y) != len(X):
        raise ValueError(
            f"X and y must have one row per example: X has {len(X)} rows, y has {len(y)} entries"
        )
    return X, y
