"""Measure how fast numpy computes a gradient for different batch sizes.

One example at a time leaves most of the processor idle: every numpy call has a fixed cost, and
matrix products only use the vector units (or a GPU's thousands of cores) well on many rows at
once. The throughput in examples per second shows it. Results depend on the machine and on what
else it is doing, so they are measured, never assumed.
"""
import time

import numpy as np

from .. import _validate
from ..i18n import tr
from .batching import epoch_order
from .linear import mse_gradients_unchecked


def gradient_throughput(X, y, batch_sizes, *, min_seconds=0.05):
    """Examples per second of the MSE gradient (at w = 0, b = 0) for each batch size.

    Each batch size is timed on consecutive rows of X for at least `min_seconds`, repeating whole
    passes; the best of three such measurements is kept, to lessen the effect of other programs.
    """
    X, y = _validate.paired_arrays(X, y)
    y = _validate.float_array(y, "y", ndim=1)
    if np.ndim(batch_sizes) != 1:
        raise TypeError(tr("batch_sizes must be a list of batch sizes; received {batch_sizes}",
                           batch_sizes=_validate.describe(batch_sizes)))
    batch_sizes = [_validate.batch_size_for(len(X), batch_size) for batch_size in batch_sizes]   # all checked first
    min_seconds = _validate.positive_scalar(min_seconds, "min_seconds")
    w, b = np.zeros(X.shape[1]), 0.0
    throughputs = []
    for batch_size in batch_sizes:
        best = 0.0
        for _ in range(3):
            examples, start_time = 0, time.perf_counter()
            while True:
                for start in range(0, len(X) - batch_size + 1, batch_size):
                    mse_gradients_unchecked(X[start:start + batch_size], y[start:start + batch_size], w, b)
                    examples += batch_size
                elapsed = time.perf_counter() - start_time
                if elapsed >= min_seconds:
                    break
            best = max(best, examples / elapsed)
        throughputs.append(best)
    return np.array(throughputs)


def seconds_per_epoch(X, y, batch_size, lr, *, epochs=5, rng=None):
    """Median wall-clock seconds of one epoch of mini-batch updates, without any loss bookkeeping.

    Only the work of training is timed: slicing the batch, its gradient and the update.
    """
    X, y = _validate.paired_arrays(X, y)
    y = _validate.float_array(y, "y", ndim=1)
    batch_size = _validate.batch_size_for(len(X), batch_size)
    lr = _validate.positive_scalar(lr, "lr")
    epochs = _validate.positive_int(epochs, "epochs")
    w, b = np.zeros(X.shape[1]), 0.0
    durations = []
    for _ in range(epochs):
        start_time = time.perf_counter()
        order = epoch_order(len(X), rng)
        for start in range(0, len(X), batch_size):
            rows = order[start:start + batch_size]
            dw, db = mse_gradients_unchecked(X[rows], y[rows], w, b)
            w, b = w - lr * dw, b - lr * db
        durations.append(time.perf_counter() - start_time)
    return float(np.median(durations))
