"""The few numerical kernels that both halves of the library use, without input checks.

The from-scratch functions of lessons 01-06 (`nettrain_lib.scratch`) check their arguments and
then call these; the Keras-like layers and losses of lessons 07-08 (`nettrain_lib.nn`) call them
directly on arrays they have already checked. Each works in the dtype it is given (float32 or
float64). Shapes: z (N, C) or (C,), labels (N,).
"""
import numpy as np


def softmax(z):
    """exp(z) / sum(exp(z)) along the last axis, with each row's largest value subtracted first."""
    shifted = z - z.max(axis=-1, keepdims=True)   # the largest logit of each row becomes 0: no overflow
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def sigmoid(z):
    """1 / (1 + exp(-z)), from exp of a negative number only: no overflow and no warning for large |z|."""
    e = np.exp(-np.abs(z))                        # in (0, 1]
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def one_hot(labels, num_classes, dtype=np.float64):
    """(N, C) array with a 1 in column labels[i] of row i, zeros elsewhere."""
    Y = np.zeros((len(labels), num_classes), dtype=dtype)
    Y[np.arange(len(labels)), labels] = 1
    return Y
