"""Submissions for the grading round trip of lesson 08 (see tests/support/submissions/01_update_rule.py)."""

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
        ("ignores the momentum argument", """
def momentum_step(param, grad, velocity, lr, momentum=0.9):
    velocity = 0.9 * velocity - lr * grad
    return param + velocity, velocity
""", "momentum argument is ignored"),
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
        ("ignores the rho argument", """
def rmsprop_step(param, grad, sq_avg, lr=0.001, rho=0.9, eps=1e-7):
    sq_avg = 0.9 * sq_avg + 0.1 * grad ** 2
    return param - lr * grad / (np.sqrt(sq_avg) + eps), sq_avg
""", "rho argument is ignored"),
        ("divides by the old sq_avg", """
def rmsprop_step(param, grad, sq_avg, lr=0.001, rho=0.9, eps=1e-7):
    step = lr * grad / (np.sqrt(sq_avg) + eps)
    sq_avg = rho * sq_avg + (1 - rho) * grad ** 2
    return param - step, sq_avg
""", "uses the old sq_avg"),
        ("updates sq_avg in place", """
def rmsprop_step(param, grad, sq_avg, lr=0.001, rho=0.9, eps=1e-7):
    sq_avg *= rho
    sq_avg += (1 - rho) * grad ** 2
    return param - lr * grad / (np.sqrt(sq_avg) + eps), sq_avg
""", "changed its input"),
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
        ("corrects with 1 - beta (forgets ** t)", """
def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1), v / (1 - beta2)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
""", "not by 1 - beta ** t"),
        ("ignores beta1 and beta2", """
def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m = 0.9 * m + 0.1 * grad
    v = 0.999 * v + 0.001 * grad ** 2
    m_hat, v_hat = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
""", "beta1 argument is ignored"),
        ("eps inside the square root", """
def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return param - lr * m_hat / np.sqrt(v_hat + eps), m, v
""", "eps is added inside the square root"),
        ("ignores the eps argument", """
def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + 1e-7), m, v
""", "eps argument is ignored"),
        ("updates m and v in place", """
def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
""", "changed its input"),
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
        ("ignores drop and epochs_per_drop", """
def step_decay(lr0, epoch, drop=0.5, epochs_per_drop=10):
    return lr0 * 0.5 ** (epoch // 10)
""", "arguments are ignored"),
        ("ignores the drop argument", """
def step_decay(lr0, epoch, drop=0.5, epochs_per_drop=10):
    return lr0 * 0.5 ** (epoch // epochs_per_drop)
""", "drop argument is ignored"),
        ("multiplies by drop instead of raising it to a power", """
def step_decay(lr0, epoch, drop=0.5, epochs_per_drop=10):
    return lr0 * drop * (epoch // epochs_per_drop)
""", "multiplied by the number of drops"),
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
        ("adds to grad in place", """
def l2_penalty_grad(grad, W, lam):
    grad += 2 * lam * W
    return grad
""", "changed its input"),
    ],
    "dropout_forward": [
        ("one mask shared by every row", """
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
        ("np.random instead of rng", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X, np.ones_like(X)
    mask = (np.random.random(X.shape) >= rate) / (1 - rate)
    return X * mask, mask
""", "not from np.random"),
        ("a new generator inside the function", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X, np.ones_like(X)
    mask = (np.random.default_rng().random(X.shape) >= rate) / (1 - rate)
    return X * mask, mask
""", "does not come from the rng argument"),
        ("one draw per row (whole examples dropped)", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X, np.ones_like(X)
    mask = (rng.random((X.shape[0], 1)) >= rate) / (1 - rate) * np.ones_like(X)
    return X * mask, mask
""", "got the same mask"),
        ("returns only X when not training", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X
    mask = (rng.random(X.shape) >= rate) / (1 - rate)
    return X * mask, mask
""", "not the pair (out, mask)"),
        ("0/1 keep-mask, scaling applied to out", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X, None
    keep = (rng.uniform(size=X.shape) > rate).astype(X.dtype)
    return X * keep / (1 - rate), keep
""", "mask holds 0 and 1"),
        ("a boolean keep-mask", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X, np.ones_like(X)
    keep = rng.uniform(0, 1, X.shape) < 1 - rate
    return np.where(keep, X / (1 - rate), 0.0), keep
""", "Return keep / (1 - rate) as the mask"),
        ("returns the drop mask instead of the keep mask", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X, np.ones_like(X)
    drop = rng.random(X.shape) < rate
    return X * ~drop / (1 - rate), drop.astype(float)
""", "mask is not zero exactly where out is zero"),
        ("multiplies X in place", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X, np.ones_like(X)
    mask = (rng.random(X.shape) >= rate) / (1 - rate)
    X *= mask
    return X, mask
""", "changed its input"),
        ("rng touched once, the mask from a fixed generator", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X.copy(), np.ones_like(X)
    rng.random()
    mask = (np.random.default_rng(1).random(X.shape) >= rate) / (1 - rate)
    return X * mask, mask
""", "every call must draw a new mask from rng"),
        ("drops exactly rate * N units, placed by rng.shuffle", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X.copy(), np.ones_like(X)
    flat = np.ones(X.size)
    flat[:int(round(rate * X.size))] = 0
    rng.shuffle(flat)
    mask = flat.reshape(X.shape) / (1 - rate)
    return X * mask, mask
""", "give every unit its own draw"),
        ("scales the kept units by 1 / rate", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X.copy(), np.ones_like(X)
    mask = (rng.random(X.shape) >= rate) / rate
    return X * mask, mask
""", "scaled by 1 / rate"),
        ("scales the kept units twice", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return X.copy(), np.ones_like(X)
    mask = (rng.random(X.shape) >= rate) / (1 - rate)
    return X * mask / (1 - rate), mask
""", "scaled twice"),
        ("returns (mask, out)", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return np.ones_like(X), X.copy()
    mask = (rng.random(X.shape) >= rate) / (1 - rate)
    return mask, X * mask
""", "returned in the wrong order"),
    ],
    "dropout_backward": [
        ("a 0/1 mask: the scale 1 / (1 - rate) is lost", """
def dropout_backward(d_out, mask):
    return d_out * (mask > 0)
""", "scale 1 / (1 - rate) is dropped"),
        ("divides by the keep probability again", """
def dropout_backward(d_out, mask):
    keep_probability = 1 / mask.max()
    return d_out * mask / keep_probability
""", "scaled twice"),
        ("divides by the mask", """
def dropout_backward(d_out, mask):
    return d_out / mask
""", "divide by the mask"),
        ("undoes the scale where the mask is not zero", """
def dropout_backward(d_out, mask):
    return np.where(mask != 0, d_out / np.where(mask != 0, mask, 1.0), 0.0)
""", "divide by the mask"),
        ("returns the mask", """
def dropout_backward(d_out, mask):
    return mask.copy()
""", "return the mask itself"),
        ("modifies d_out in place", """
def dropout_backward(d_out, mask):
    d_out *= mask
    return d_out
""", "changed its input"),
        ("ignores the mask", """
def dropout_backward(d_out, mask):
    return d_out.copy()
""", "the mask is ignored"),
        ("the gradient of the dropped units", """
def dropout_backward(d_out, mask):
    return d_out * (mask == 0)
""", "goes to the dropped units"),
        ("draws a new random mask", """
def dropout_backward(d_out, mask):
    rng = np.random.default_rng(0)
    rate = 1 - 1 / mask.max()
    keep = rng.random(d_out.shape) >= rate
    return d_out * keep / (1 - rate)
""", "a dropped unit got a gradient"),
        ("rescales by the fraction kept in this mask", """
def dropout_backward(d_out, mask):
    kept = mask != 0
    return d_out * kept / np.mean(kept)
""", "the kept units get the wrong scale"),
        ("multiplies by the square root of the mask", """
def dropout_backward(d_out, mask):
    return d_out * np.sqrt(mask)
""", "the kept units get the wrong scale"),
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
        ("integer division, no numpy", """
def step_decay(lr0, epoch, drop=0.5, epochs_per_drop=10):
    drops = epoch // epochs_per_drop
    return lr0 * drop ** drops
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
        ("rng.choice per unit, mask all ones at test time", """
def dropout_forward(X, rate, rng, training=True):
    if not training:
        return np.array(X), np.ones(X.shape)
    keep = rng.choice([0.0, 1.0], size=X.shape, p=[rate, 1 - rate])
    mask = keep / (1 - rate)
    return np.multiply(X, mask), mask
"""),
        ("rng.binomial", """
def dropout_forward(X, rate, rng, training=True):
    if training:
        mask = rng.binomial(1, 1 - rate, size=X.shape) / (1 - rate)
        return X * mask, mask
    return X.copy(), np.ones(X.shape)
"""),
    ],
    "dropout_backward": [
        ("np.multiply", """
def dropout_backward(d_out, mask):
    return np.multiply(d_out, mask)
"""),
        ("np.where on the kept units", """
def dropout_backward(d_out, mask):
    return np.where(mask != 0, d_out * mask, 0.0)
"""),
        ("a copy, multiplied in place", """
def dropout_backward(d_out, mask):
    d_X = np.array(d_out, dtype=float)
    d_X *= mask
    return d_X
"""),
    ],
}
