"""Weight penalties, as Keras's kernel_regularizer: L2(l2=0.01) adds l2 * sum(W ** 2) to the loss.

Its gradient, 2 * l2 * W, is added to the kernel's gradient: every step also pulls each weight
towards 0 in proportion to its size ("weight decay"). The penalty counts in the loss that fit
reports, as in Keras.
"""
import numpy as np

from .. import _validate
from ..i18n import tr


class L2:
    def __init__(self, l2=0.01):
        self.l2 = _validate.real_scalar(l2, "l2")
        if self.l2 < 0:
            raise ValueError(tr("l2 must be >= 0; received {l2!r}", l2=l2))

    def __call__(self, weights):
        return self.l2 * float(np.sum(weights * weights))

    def gradient(self, weights):
        return 2 * self.l2 * weights

    def __repr__(self):
        return f"L2(l2={self.l2})"

    def get_config(self):
        return {"name": "l2", "l2": self.l2}


def get(regularizer):
    """None, "l2" (Keras's default strength 0.01) or an L2 object."""
    if regularizer is None or isinstance(regularizer, L2):
        return regularizer
    if regularizer == "l2":
        return L2()
    if isinstance(regularizer, dict) and regularizer.get("name") == "l2":
        return L2(regularizer["l2"])
    raise ValueError(tr("kernel_regularizer must be None, 'l2' or L2(l2=...); received {regularizer!r}",
                        regularizer=regularizer))
