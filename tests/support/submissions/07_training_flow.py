"""Submissions for the grading round trip of lesson 07 (see tests/support/submissions/01_update_rule.py)."""

WRONG = {
    "validation_split_indices": [
        ("the first rows", """
def validation_split_indices(n_samples, validation_split):
    n_val = n_samples - math.floor(n_samples * (1 - validation_split))
    return np.arange(n_val, n_samples), np.arange(n_val)
""", "the LAST rows"),
        ("int(n * split) validation rows", """
def validation_split_indices(n_samples, validation_split):
    n_val = int(n_samples * validation_split)
    return np.arange(n_samples - n_val), np.arange(n_samples - n_val, n_samples)
""", "int(10 * 0.25) = 2"),
        ("shuffled", """
def validation_split_indices(n_samples, validation_split):
    n_train = math.floor(n_samples * (1 - validation_split))
    order = np.random.default_rng(0).permutation(n_samples)
    return order[:n_train], order[n_train:]
""", "in order"),
        ("np.floor gives float indices", """
def validation_split_indices(n_samples, validation_split):
    n_train = np.floor(n_samples * (1 - validation_split))
    return np.arange(n_train), np.arange(n_train, n_samples)
""", "the indices should be integers"),
        ("counts the validation rows with ceil", """
def validation_split_indices(n_samples, validation_split):
    n_val = math.ceil(n_samples * validation_split)
    return np.arange(n_samples - n_val), np.arange(n_samples - n_val, n_samples)
""", "118.99999999999999"),
        ("negative slicing: indices[-0:] is everything", """
def validation_split_indices(n_samples, validation_split):
    n_val = n_samples - math.floor(n_samples * (1 - validation_split))
    indices = np.arange(n_samples)
    return indices[:-n_val], indices[-n_val:]
""", "with validation_split=0.0 every row trains"),
    ],
    "early_stopping_epoch": [
        ("one epoch too late", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, wait = None, 0
    for epoch, loss in enumerate(val_losses):
        if best is None or loss < best - min_delta:
            best, wait = loss, 0
        else:
            wait += 1
            if wait > patience:
                return epoch
    return None
""", "expected 3"),
        ("compares with the previous epoch", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    wait = 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[epoch - 1] - min_delta:
            wait = 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return None
""", "BEST loss so far"),
        ("patience 0 also stops on an improving epoch", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, best_epoch = val_losses[0], 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] + min_delta < best:
            best, best_epoch = val_losses[epoch], epoch
        if epoch - best_epoch >= patience:
            return epoch
    return None
""", "epochs that improve never stop training"),
        ("ignores min_delta", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, wait = None, 0
    for epoch, loss in enumerate(val_losses):
        if best is None or loss < best:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience and epoch > 0:
                return epoch
    return None
""", "with min_delta=0.05"),
        ("counts the first epoch as no improvement", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, wait = val_losses[0], 0
    for epoch, loss in enumerate(val_losses):
        if loss + min_delta < best:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return None
""", "the first epoch always counts as an improvement"),
        ("1-based epoch number", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, wait = None, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if best is None or loss + min_delta < best:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return None
""", "Epochs are counted from 0"),
        ("never resets the counter", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, wait = None, 0
    for epoch, loss in enumerate(val_losses):
        if best is None or loss + min_delta < best:
            best = loss
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return None
""", "goes back to 0 at each improvement"),
        ("a loss equal to the best counts as an improvement", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, wait = None, 0
    for epoch, loss in enumerate(val_losses):
        if best is None or loss + min_delta <= best:
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return None
""", "a loss equal to the best is no improvement"),
        ("min_delta as a fraction of the best", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, wait = None, 0
    for epoch, loss in enumerate(val_losses):
        if best is None or loss < best * (1 - min_delta):
            best, wait = loss, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return None
""", "an absolute amount (not a fraction)"),
        ("the best follows every lower loss, even without an improvement", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, wait = val_losses[0], 0
    for epoch in range(1, len(val_losses)):
        loss = val_losses[epoch]
        if loss + min_delta < best:
            wait = 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
        best = min(best, loss)
    return None
""", "the best loss changes only at an improvement"),
    ],
}

CORRECT = {
    "validation_split_indices": [
        ("int of the product", """
def validation_split_indices(n_samples, validation_split):
    n_train = int(n_samples * (1 - validation_split))
    indices = np.arange(n_samples)
    return indices[:n_train], indices[n_train:]
"""),
        ("np.split", """
def validation_split_indices(n_samples, validation_split):
    train, val = np.split(np.arange(n_samples), [math.floor(n_samples * (1.0 - validation_split))])
    return train, val
"""),
        ("lists of Python ints", """
def validation_split_indices(n_samples, validation_split):
    n_train = math.floor(n_samples * (1 - validation_split))
    return list(range(n_train)), list(range(n_train, n_samples))
"""),
    ],
    "early_stopping_epoch": [
        ("counts epochs since the best", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best_epoch = 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best_epoch] - min_delta:
            best_epoch = epoch
        elif epoch - best_epoch >= patience:
            return epoch
    return None
"""),
        ("numpy running minimum", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    losses = np.asarray(val_losses, dtype=float)
    best = losses[0]
    since = 0
    for epoch in range(1, len(losses)):
        if losses[epoch] < best - min_delta:
            best, since = losses[epoch], 0
        else:
            since += 1
            if since >= patience:
                return int(epoch)
    return None
"""),
        ("Keras's callback, step by step", """
def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    best, wait = np.inf, 0
    for epoch, loss in enumerate(val_losses):
        wait += 1
        if loss + min_delta < best or epoch == 0:
            best, wait = loss, 0
        elif wait >= patience:
            return epoch
    return None
"""),
    ],
}
