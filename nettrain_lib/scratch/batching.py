"""Mini-batches. Batch gradient descent, SGD and mini-batch are one loop with a different batch_size.

Vocabulary (the slides' "Terminologia: Época e Iteração"):
- an *epoch* (época) is one full pass over the N training examples;
- an *iteration* or *step* is one update of the weights, made from one batch;
- steps per epoch = ceil(N / batch_size): the last batch may be smaller, as in Keras.
Shapes: X (N, D), y (N,). Shuffling permutes *indices*; the caller's arrays are never reordered.
"""
import math

import numpy as np

from .. import _validate


def steps_per_epoch(n_samples, batch_size):
    """Updates in one epoch: ceil(n_samples / batch_size) (batch: 1, SGD: N)."""
    batch_size = _validate.batch_size_for(n_samples, batch_size)
    return math.ceil(n_samples / batch_size)


def total_iterations(n_samples, batch_size, epochs):
    """Updates in a whole run of `epochs` epochs."""
    epochs = _validate.non_negative_int(epochs, "epochs")
    return epochs * steps_per_epoch(n_samples, batch_size)


def make_batches(n_samples, batch_size):
    """Index arrays [0..B-1], [B..2B-1], ... in order; the last one may be shorter."""
    batch_size = _validate.batch_size_for(n_samples, batch_size)
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
    X, y = _validate.paired_arrays(X, y)
    batch_size = _validate.batch_size_for(len(X), batch_size)
    if rng is not None:
        _validate.generator(rng)
    return _minibatches(X, y, batch_size, rng)


def _minibatches(X, y, batch_size, rng):
    order = epoch_order(len(X), rng)
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]      # the last batch may be smaller
        yield X[rows], y[rows]
