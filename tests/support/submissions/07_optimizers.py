"""Submissions for the grading round trip of lesson 07 (see tests/support/submissions/01_update_rule.py)."""

WRONG = {
    "momentum_step": [
        ("the textbook form v = mu v + g, p -= lr v", """
def momentum_step(param, grad, velocity, lr, momentum=0.9):
    velocity = momentum * velocity + grad
    return param - lr * velocity, velocity
""", "textbook form"),
        ("velocity with the wrong sign", """
def momentum_step(param, grad, velocity, lr, momentum=0.9):
    velocity = momentum * velocity + lr * grad
    return param - velocity, velocity
""", "the wrong sign"),
        ("forgets the old velocity", """
def momentum_step(param, grad, velocity, lr, momentum=0.9):
    velocity = -lr * grad
    return param + velocity, velocity
""", "old velocity is forgotten"),
        ("updates in place", """
def momentum_step(param, grad, velocity, lr, momentum=0.9):
    velocity *= momentum
    velocity -= lr * grad
    param += velocity
    return param, velocity
""", "changed its input"),
    ],
    "rmsprop_step": [
        ("rho and 1 - rho swapped", """
def rmsprop_step(param, grad, sq_avg, lr=0.001, rho=0.9, eps=1e-7):
    sq_avg = (1 - rho) * sq_avg + rho * grad ** 2
    return param - lr * grad / (np.sqrt(sq_avg) + eps), sq_avg
""", "rho and 1 - rho are swapped"),
        ("no (1 - rho) weight", """
def rmsprop_step(param, grad, sq_avg, lr=0.001, rho=0.9, eps=1e-7):
    sq_avg = rho * sq_avg + grad ** 2
    return param - lr * grad / (np.sqrt(sq_avg) + eps), sq_avg
""", "not weighted by (1 - rho)"),
        ("divides by sq_avg", """
def rmsprop_step(param, grad, sq_avg, lr=0.001, rho=0.9, eps=1e-7):
    sq_avg = rho * sq_avg + (1 - rho) * grad ** 2
    return param - lr * grad / (sq_avg + eps), sq_avg
""", "divide by its square root"),
        ("plain gradient descent", """
def rmsprop_step(param, grad, sq_avg, lr=0.001, rho=0.9, eps=1e-7):
    sq_avg = rho * sq_avg + (1 - rho) * grad ** 2
    return param - lr * grad, sq_avg
""", "plain gradient descent"),
    ],
    "adam_step": [
        ("no bias correction", """
def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return param - lr * m / (np.sqrt(v) + eps), m, v
""", "no bias correction"),
        ("returns the corrected averages", """
def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m = (beta1 * m + (1 - beta1) * grad) / (1 - beta1 ** t)
    v = (beta2 * v + (1 - beta2) * grad ** 2) / (1 - beta2 ** t)
    return param - lr * m / (np.sqrt(v) + eps), m, v
""", "bias-corrected"),
        ("corrects with t + 1", """
def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
""", "the bias correction uses t + 1"),
    ],
    "step_decay": [
        ("epochs counted from 1", """
def step_decay(lr0, epoch, drop=0.5, epochs_per_drop=10):
    return lr0 * drop ** ((epoch - 1) // epochs_per_drop)
""", "epochs are counted from 1"),
        ("no floor", """
def step_decay(lr0, epoch, drop=0.5, epochs_per_drop=10):
    return lr0 * drop ** (epoch / epochs_per_drop)
""", "not rounded down"),
        ("drops one step early", """
def step_decay(lr0, epoch, drop=0.5, epochs_per_drop=10):
    return lr0 * drop ** (epoch // epochs_per_drop + 1)
""", "first drop comes too early"),
        ("ignores its arguments (passes the visible test)", """
def step_decay(lr0, epoch, drop=0.5, epochs_per_drop=10):
    return lr0 * 0.5 ** (epoch // 10)
""", "arguments are ignored"),
    ],
    "l2_penalty_grad": [
        ("factor 2 missing", """
def l2_penalty_grad(grad, W, lam):
    return grad + lam * W
""", "factor 2 is missing"),
        ("subtracts the penalty", """
def l2_penalty_grad(grad, W, lam):
    return grad - 2 * lam * W
""", "penalty is subtracted"),
        ("adds the penalty itself", """
def l2_penalty_grad(grad, W, lam):
    return grad + lam * W ** 2
""", "instead of its gradient"),
    ],
    "dropout_forward": [
        ("one mask shared by every row (passes the visible test)", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X, np.ones_like(X)
    keep = rng.random(X.shape[1]) < 1 - rate
    mask = np.broadcast_to(keep / (1 - rate), X.shape)
    return X * mask, mask
""", "got the same mask"),
        ("no scaling", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X, np.ones_like(X)
    mask = (rng.random(X.shape) >= rate).astype(float)
    return X * mask, mask
""", "not scaled"),
        ("rate as the keep probability", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X, np.ones_like(X)
    mask = (rng.random(X.shape) < rate) / rate
    return X * mask, mask
""", "probability to DROP"),
        ("drops at test time too", """
def dropout_forward(X, rate, rng, training=True):
    mask = (rng.random(X.shape) >= rate) / (1 - rate)
    return X * mask, mask
""", "training=False"),
        ("np.random instead of rng (passes the visible test)", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X, np.ones_like(X)
    mask = (np.random.random(X.shape) >= rate) / (1 - rate)
    return X * mask, mask
""", "not from np.random"),
    ],
}

CORRECT = {
    "momentum_step": [
        ("new names, np.add", """
def momentum_step(param, grad, velocity, lr, momentum=0.9):
    new_velocity = np.subtract(np.multiply(momentum, velocity), np.multiply(lr, grad))
    return np.add(param, new_velocity), new_velocity
"""),
        ("copies then updates the copies", """
def momentum_step(param, grad, velocity, lr, momentum=0.9):
    v = velocity.copy()
    v *= momentum
    v -= lr * grad
    p = param.copy()
    p += v
    return p, v
"""),
    ],
    "rmsprop_step": [
        ("Keras's form, epsilon inside the root", """
def rmsprop_step(param, grad, sq_avg, lr=0.001, rho=0.9, eps=1e-7):
    s = rho * sq_avg + (1 - rho) * np.square(grad)
    return param - lr * grad / np.sqrt(s + eps), s
"""),
        ("the increment written out", """
def rmsprop_step(param, grad, sq_avg, lr=0.001, rho=0.9, eps=1e-7):
    new_sq = sq_avg + (1 - rho) * (grad * grad - sq_avg)
    step = lr * grad / (new_sq ** 0.5 + eps)
    return param - step, new_sq
"""),
    ],
    "adam_step": [
        ("Keras's form", """
def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m = m + (1 - beta1) * (grad - m)
    v = v + (1 - beta2) * (grad ** 2 - v)
    alpha = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return param - alpha * m / (np.sqrt(v) + eps), m, v
"""),
        ("a tuple of intermediate values", """
def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    new_m, new_v = beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad * grad
    corrected = (new_m / (1.0 - beta1 ** t), new_v / (1.0 - beta2 ** t))
    return param - lr * corrected[0] / (np.sqrt(corrected[1]) + eps), new_m, new_v
"""),
    ],
    "step_decay": [
        ("math.floor", """
import math
def step_decay(lr0, epoch, drop=0.5, epochs_per_drop=10):
    return lr0 * math.pow(drop, math.floor(epoch / epochs_per_drop))
"""),
        ("a loop over the drops", """
def step_decay(lr0, epoch, drop=0.5, epochs_per_drop=10):
    lr = lr0
    for _ in range(epoch // epochs_per_drop):
        lr *= drop
    return lr
"""),
    ],
    "l2_penalty_grad": [
        ("np.add", """
def l2_penalty_grad(grad, W, lam):
    return np.add(grad, np.multiply(2.0 * lam, W))
"""),
        ("penalty gradient first", """
def l2_penalty_grad(grad, W, lam):
    penalty = 2 * lam * W
    return penalty + grad
"""),
    ],
    "dropout_forward": [
        ("0/1 keep-mask, scaling applied to out", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X, None
    keep = (rng.uniform(size=X.shape) > rate).astype(X.dtype)
    return X * keep / (1 - rate), keep
"""),
        ("rng.binomial", """
def dropout_forward(X, rate, rng, training=True):
    if training:
        mask = rng.binomial(1, 1 - rate, size=X.shape) / (1 - rate)
        return X * mask, mask
    return X.copy(), np.ones(X.shape)
"""),
    ],
}
