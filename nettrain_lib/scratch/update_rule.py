"""The update rule: W_new = W_old - lr * dJ/dW ("W_novo = W_antigo - alpha * dJ/dW" in the slides)."""
import numpy as np

from .. import _validate
from ..i18n import tr


def gradient_descent_step(param, grad, lr):
    """Return param - lr * grad as a new value; `param` itself is not modified.

    Works for a float (a bias) and for an array of any shape (a weight vector or matrix), as long
    as `grad` has the same shape as `param`.
    """
    lr = _validate.positive_scalar(lr, "lr")
    if np.shape(param) != np.shape(grad):
        raise ValueError(
            tr("grad must have the shape of param: param has shape {np_shape_param}, grad has shape "
               "{np_shape_grad}", np_shape_param=np.shape(param), np_shape_grad=np.shape(grad))
        )
    if np.ndim(param) == 0:
        return _validate.real_scalar(param, "param", finite=False) - lr * _validate.real_scalar(
            grad, "grad", finite=False
        )
    param = _validate.float_array(param, "param", finite=False)
    grad = _validate.float_array(grad, "grad", finite=False)
    return param - lr * grad                       # a new array: the caller's param is untouched
