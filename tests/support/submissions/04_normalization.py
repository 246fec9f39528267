"""Submissions for the grading round trip of lesson 04 (see tests/support/submissions/01_update_rule.py)."""

WRONG = {
    "min_max_fit": [
        ("statistics per row (axis=1)", """
def min_max_fit(X):
    return X.min(axis=1), X.max(axis=1)
""", "use axis=0"),
        ("one number for the whole array", """
def min_max_fit(X):
    return X.min(), X.max()
""", "one number for the whole array"),
        ("minimum and maximum swapped", """
def min_max_fit(X):
    return np.max(X, axis=0), np.min(X, axis=0)
""", "swapped"),
        ("returns the range instead of the maximum", """
def min_max_fit(X):
    low = X.min(axis=0)
    return low, X.max(axis=0) - low
""", "the range x_max - x_min"),
        ("returns Python lists instead of numpy arrays", """
def min_max_fit(X):
    return list(X.min(axis=0)), list(X.max(axis=0))
""", "should be a numpy array"),
        ("sorts X in place", """
def min_max_fit(X):
    X.sort(axis=0)
    return X[0], X[-1]
""", "changed its input"),
    ],
    "min_max_transform": [
        ("divides by x_max instead of (x_max - x_min)", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    low, high = feature_range
    safe = np.where(x_max != 0, x_max, 1.0)
    return low + (X - x_min) / safe * (high - low)
""", "divide by x_max instead of by the range (x_max - x_min)"),
        ("NaN for a constant feature", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    low, high = feature_range
    with np.errstate(divide="ignore", invalid="ignore"):
        return low + (X - x_min) / (x_max - x_min) * (high - low)
""", "a constant feature (x_max == x_min)"),
        ("np.where still divides by zero (RuntimeWarning)", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    low, high = feature_range
    span = x_max - x_min
    return low + np.where(span > 0, (X - x_min) / span, 0.0) * (high - low)
""", "numpy warned"),
        ("wrong feature_range mapping: forgets to add low", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    low, high = feature_range
    span = x_max - x_min
    unit = np.where(span > 0, (X - x_min) / np.where(span > 0, span, 1.0), 0.0)
    return unit * (high - low)
""", "do not add low"),
        ("hard-codes [-1, 1] as 2 * unit - 1", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    span = x_max - x_min
    unit = np.where(span > 0, (X - x_min) / np.where(span > 0, span, 1.0), 0.0)
    if feature_range == (0.0, 1.0):
        return unit
    return 2 * unit - 1
""", "you always map to [-1, 1]"),
        ("scales in place (mutates X)", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    low, high = feature_range
    span = np.where(x_max > x_min, x_max - x_min, 1.0)
    X -= x_min
    X /= span
    X[:, x_max == x_min] = 0.0
    X *= high - low
    X += low
    return X
""", "changed its input"),
        ("recomputes the statistics from X", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    low, high = feature_range
    x_min, x_max = X.min(axis=0), X.max(axis=0)
    span = x_max - x_min
    unit = np.where(span > 0, (X - x_min) / np.where(span > 0, span, 1.0), 0.0)
    return low + unit * (high - low)
""", "use the x_min and x_max you are given"),
        ("clips to the range", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    low, high = feature_range
    span = x_max - x_min
    unit = np.where(span > 0, (X - x_min) / np.where(span > 0, span, 1.0), 0.0)
    return low + np.clip(unit, 0.0, 1.0) * (high - low)
""", "you clip to feature_range"),
        ("safe span, but constant features are not set to low (wrong on new rows)", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    low, high = feature_range
    span = x_max - x_min
    return low + (X - x_min) / np.where(span > 0, span, 1.0) * (high - low)
""", "A constant feature must map to low"),
        ("constant features set to 0 instead of low", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    low, high = feature_range
    span = x_max - x_min
    safe = np.where(span > 0, span, 1.0)
    return np.where(span > 0, low + (X - x_min) / safe * (high - low), 0.0)
""", "A constant feature must map to low"),
        ("adds a small eps to the span", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    low, high = feature_range
    return low + (X - x_min) / (x_max - x_min + 1e-8) * (high - low)
""", "Adding a small eps to the span"),
        ("multiplies by high instead of (high - low)", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    low, high = feature_range
    span = x_max - x_min
    unit = np.where(span > 0, (X - x_min) / np.where(span > 0, span, 1.0), 0.0)
    return low + unit * high
""", "you multiply by high instead of (high - low)"),
    ],
    "standardize_fit": [
        ("sample std (ddof=1)", """
def standardize_fit(X):
    return X.mean(axis=0), X.std(axis=0, ddof=1)
""", "ddof=1"),
        ("statistics per row (axis=1)", """
def standardize_fit(X):
    return X.mean(axis=1), X.std(axis=1)
""", "use axis=0"),
        ("returns the variance", """
def standardize_fit(X):
    return X.mean(axis=0), X.var(axis=0)
""", "you return the variance"),
        ("one-pass formula loses digits far from zero", """
def standardize_fit(X):
    mean = X.mean(axis=0)
    return mean, np.sqrt(np.abs(np.mean(X ** 2, axis=0) - mean ** 2))
""", "loses every digit"),
        ("one-pass formula without abs (sum of squares over N)", """
def standardize_fit(X):
    n = len(X)
    mean = X.sum(axis=0) / n
    return mean, np.sqrt(np.sum(X * X, axis=0) / n - mean * mean)
""", "loses every digit"),
        ("one number for the whole array", """
def standardize_fit(X):
    return X.mean(), X.std()
""", "one number for the whole array"),
    ],
    "standardize_transform": [
        ("NaN for a feature with zero std", """
def standardize_transform(X, mean, std):
    with np.errstate(divide="ignore", invalid="ignore"):
        return (X - mean) / std
""", "a feature with zero std"),
        ("np.where still divides by zero (RuntimeWarning)", """
def standardize_transform(X, mean, std):
    return np.where(std > 0, (X - mean) / std, 0.0)
""", "numpy warned"),
        ("adds a small eps to std", """
def standardize_transform(X, mean, std):
    return (X - mean) / (std + 1e-8)
""", "Adding a small eps to std"),
        ("multiplies by std", """
def standardize_transform(X, mean, std):
    return (X - mean) * std
""", "multiply by std instead of dividing"),
        ("recomputes the statistics from X", """
def standardize_transform(X, mean, std):
    mean, std = X.mean(axis=0), X.std(axis=0)
    return np.where(std > 0, (X - mean) / np.where(std > 0, std, 1.0), 0.0)
""", "use the mean and std you are given"),
        ("standardizes in place (mutates X)", """
def standardize_transform(X, mean, std):
    X -= mean
    X /= np.where(std > 0, std, 1.0)
    X[:, std == 0] = 0.0
    return X
""", "changed its input"),
        ("safe std, but zero-std features are not set to 0 (wrong on new rows)", """
def standardize_transform(X, mean, std):
    return (X - mean) / np.where(std > 0, std, 1.0)
""", "A feature with zero std must become 0"),
        ("divides by the variance", """
def standardize_transform(X, mean, std):
    var = std ** 2
    return np.where(std > 0, (X - mean) / np.where(std > 0, var, 1.0), 0.0)
""", "you divide by the variance"),
    ],
    "l2_normalize": [
        ("norm of each column instead of each row", """
def l2_normalize(X):
    norms = np.linalg.norm(X, axis=0, keepdims=True)
    return X / np.where(norms > 0, norms, 1.0)
""", "scales each row"),
        ("NaN for an all-zero row", """
def l2_normalize(X):
    with np.errstate(divide="ignore", invalid="ignore"):
        return X / np.linalg.norm(X, axis=1, keepdims=True)
""", "an all-zero row"),
        ("divides by the sum of squares (no square root)", """
def l2_normalize(X):
    squares = np.sum(X ** 2, axis=1, keepdims=True)
    return X / np.where(squares > 0, squares, 1.0)
""", "the L2 norm is its square root"),
        ("row norms without keepdims", """
def l2_normalize(X):
    norms = np.linalg.norm(X, axis=1)
    return X / np.where(norms > 0, norms, 1.0)
""", "keepdims=True"),
        ("normalizes in place (mutates X)", """
def l2_normalize(X):
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    X /= np.where(norms > 0, norms, 1.0)
    return X
""", "changed its input"),
        ("L1 norm", """
def l2_normalize(X):
    norms = np.abs(X).sum(axis=1, keepdims=True)
    return X / np.where(norms > 0, norms, 1.0)
""", "L1 norm"),
        ("np.where still divides by zero (RuntimeWarning)", """
def l2_normalize(X):
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return np.where(norms > 0, X / norms, 0.0)
""", "numpy warned"),
        ("divides by the norm of the whole matrix", """
def l2_normalize(X):
    total = np.linalg.norm(X)
    return X / total if total > 0 else X.copy()
""", "each row needs its own norm"),
    ],
    "normalize_splits": [
        ("unknown methods fall through to l2", """
def normalize_splits(X_train, X_test, method):
    if method == "minmax":
        x_min, x_max = min_max_fit(X_train)
        return min_max_transform(X_train, x_min, x_max), min_max_transform(X_test, x_min, x_max)
    if method == "standard":
        mean, std = standardize_fit(X_train)
        return standardize_transform(X_train, mean, std), standardize_transform(X_test, mean, std)
    return l2_normalize(X_train), l2_normalize(X_test)
""", "An unknown method must raise ValueError"),
        ("returns None for an unknown method", """
def normalize_splits(X_train, X_test, method):
    if method == "minmax":
        x_min, x_max = min_max_fit(X_train)
        return min_max_transform(X_train, x_min, x_max), min_max_transform(X_test, x_min, x_max)
    if method == "standard":
        mean, std = standardize_fit(X_train)
        return standardize_transform(X_train, mean, std), standardize_transform(X_test, mean, std)
    if method == "l2":
        return l2_normalize(X_train), l2_normalize(X_test)
""", "returned None"),
        ("a ValueError that does not say what was received", """
def normalize_splits(X_train, X_test, method):
    if method == "l2":
        return l2_normalize(X_train), l2_normalize(X_test)
    if method == "minmax":
        stats = min_max_fit(X_train)
        return min_max_transform(X_train, *stats), min_max_transform(X_test, *stats)
    if method == "standard":
        stats = standardize_fit(X_train)
        return standardize_transform(X_train, *stats), standardize_transform(X_test, *stats)
    raise ValueError("unknown normalization method")
""", "The ValueError must say what was received"),
        ("a dictionary lookup raises KeyError for an unknown method", """
def normalize_splits(X_train, X_test, method):
    fit, transform = {"minmax": (min_max_fit, min_max_transform),
                      "standard": (standardize_fit, standardize_transform),
                      "l2": (None, None)}[method]
    if fit is None:
        return l2_normalize(X_train), l2_normalize(X_test)
    stats = fit(X_train)
    return transform(X_train, *stats), transform(X_test, *stats)
""", "not KeyError"),
        ("each split scaled with its own statistics", """
def normalize_splits(X_train, X_test, method):
    if method == "minmax":
        return (min_max_transform(X_train, *min_max_fit(X_train)),
                min_max_transform(X_test, *min_max_fit(X_test)))
    if method == "standard":
        return (standardize_transform(X_train, *standardize_fit(X_train)),
                standardize_transform(X_test, *standardize_fit(X_test)))
    return l2_normalize(X_train), l2_normalize(X_test)
""", "fitted on X_test itself"),
        ("statistics fitted on the concatenation of both splits", """
def normalize_splits(X_train, X_test, method):
    both = np.vstack([X_train, X_test])
    if method == "minmax":
        stats = min_max_fit(both)
        return min_max_transform(X_train, *stats), min_max_transform(X_test, *stats)
    if method == "standard":
        stats = standardize_fit(both)
        return standardize_transform(X_train, *stats), standardize_transform(X_test, *stats)
    return l2_normalize(X_train), l2_normalize(X_test)
""", "concatenation of X_train and X_test"),
        ("statistics fitted on X_test for both splits", """
def normalize_splits(X_train, X_test, method):
    if method == "minmax":
        stats = min_max_fit(X_test)
        return min_max_transform(X_train, *stats), min_max_transform(X_test, *stats)
    if method == "standard":
        stats = standardize_fit(X_test)
        return standardize_transform(X_train, *stats), standardize_transform(X_test, *stats)
    return l2_normalize(X_train), l2_normalize(X_test)
""", "fitted on X_test"),
        ("the two method names swapped", """
def normalize_splits(X_train, X_test, method):
    if method == "standard":
        stats = min_max_fit(X_train)
        return min_max_transform(X_train, *stats), min_max_transform(X_test, *stats)
    if method == "minmax":
        stats = standardize_fit(X_train)
        return standardize_transform(X_train, *stats), standardize_transform(X_test, *stats)
    return l2_normalize(X_train), l2_normalize(X_test)
""", 'gives the result of "standard"'),
        ("returns (X_test_n, X_train_n)", """
def normalize_splits(X_train, X_test, method):
    if method == "minmax":
        stats = min_max_fit(X_train)
        return min_max_transform(X_test, *stats), min_max_transform(X_train, *stats)
    if method == "standard":
        stats = standardize_fit(X_train)
        return standardize_transform(X_test, *stats), standardize_transform(X_train, *stats)
    return l2_normalize(X_test), l2_normalize(X_train)
""", "the two parts are swapped"),
        ("scales the caller's X_train in place", """
def normalize_splits(X_train, X_test, method):
    if method == "l2":
        return l2_normalize(X_train), l2_normalize(X_test)
    if method == "minmax":
        low, high = min_max_fit(X_train)
        span = np.where(high > low, high - low, 1.0)
        X_test_n = np.where(high > low, (X_test - low) / span, 0.0)
        X_train -= low
        X_train /= span
        return X_train, X_test_n
    mean, std = standardize_fit(X_train)
    return standardize_transform(X_train, mean, std), standardize_transform(X_test, mean, std)
""", "changed its input"),
    ],
}

CORRECT = {
    "min_max_fit": [
        ("np.amin / np.amax", """
def min_max_fit(X):
    return np.amin(X, axis=0), np.amax(X, axis=0)
"""),
        ("a loop over the columns of a sorted copy", """
def min_max_fit(X):
    ordered = np.sort(X, axis=0)
    x_min = np.array([ordered[0, j] for j in range(X.shape[1])])
    x_max = np.array([ordered[-1, j] for j in range(X.shape[1])])
    return x_min, x_max
"""),
    ],
    "min_max_transform": [
        ("np.where on the result, with a safe span", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    low, high = feature_range
    span = x_max - x_min
    scaled = low + (X - x_min) / np.where(span == 0, 1.0, span) * (high - low)
    return np.where(span == 0, low, scaled)
"""),
        ("np.divide with where= and out=", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    low, high = feature_range
    span = x_max - x_min
    unit = np.divide(X - x_min, span, out=np.zeros(X.shape), where=span != 0)
    return unit * (high - low) + low
"""),
        ("a loop over the features, with errstate", """
def min_max_transform(X, x_min, x_max, feature_range=(0.0, 1.0)):
    low, high = feature_range
    out = np.empty(X.shape, dtype=float)
    for j in range(X.shape[1]):
        if x_max[j] == x_min[j]:
            out[:, j] = low
        else:
            with np.errstate(all="ignore"):
                out[:, j] = low + (high - low) * (X[:, j] - x_min[j]) / (x_max[j] - x_min[j])
    return out
"""),
    ],
    "standardize_fit": [
        ("the shortcut formula on data shifted by the first row (stable)", """
def standardize_fit(X):
    shifted = X - X[0]
    mean_shifted = shifted.mean(axis=0)
    variance = np.mean(shifted ** 2, axis=0) - mean_shifted ** 2
    return X[0] + mean_shifted, np.sqrt(np.maximum(variance, 0.0))
"""),
        ("np.var, then the square root", """
def standardize_fit(X):
    return np.mean(X, axis=0), np.sqrt(np.var(X, axis=0))
"""),
        ("by hand over the columns", """
def standardize_fit(X):
    n = X.shape[0]
    means, stds = [], []
    for column in X.T:
        m = sum(column) / n
        means.append(m)
        stds.append(np.sqrt(sum((v - m) ** 2 for v in column) / n))
    return np.array(means), np.array(stds)
"""),
    ],
    "standardize_transform": [
        ("a copy, then column by column", """
def standardize_transform(X, mean, std):
    Z = np.array(X, dtype=float)
    for j in range(Z.shape[1]):
        Z[:, j] = (Z[:, j] - mean[j]) / std[j] if std[j] > 0 else 0.0
    return Z
"""),
        ("np.divide with where= and out=", """
def standardize_transform(X, mean, std):
    return np.divide(X - mean, std, out=np.zeros(np.shape(X)), where=std > 0)
"""),
        ("errstate, then zero the zero-std columns", """
def standardize_transform(X, mean, std):
    with np.errstate(divide="ignore", invalid="ignore"):
        Z = (X - mean) / std
    Z[:, std == 0] = 0.0
    return Z
"""),
    ],
    "l2_normalize": [
        ("einsum norms and a safe divisor", """
def l2_normalize(X):
    norms = np.sqrt(np.einsum("ij,ij->i", X, X))[:, None]
    return X / np.maximum(norms, np.finfo(float).tiny)
"""),
        ("row by row", """
def l2_normalize(X):
    out = np.zeros_like(X, dtype=float)
    for i, row in enumerate(X):
        length = np.linalg.norm(row)
        if length > 0:
            out[i] = row / length
    return out
"""),
    ],
    "normalize_splits": [
        ("a dictionary lookup whose KeyError becomes a ValueError", """
def normalize_splits(X_train, X_test, method):
    scalers = {"minmax": (min_max_fit, min_max_transform), "standard": (standardize_fit, standardize_transform)}
    if method == "l2":
        return l2_normalize(X_train), l2_normalize(X_test)
    try:
        fit, transform = scalers[method]
    except KeyError:
        raise ValueError(f"method must be one of {sorted(scalers) + ['l2']}, not {method!r}") from None
    stats = fit(X_train)
    return transform(X_train, *stats), transform(X_test, *stats)
"""),
        ("a table of fit/transform pairs", """
def normalize_splits(X_train, X_test, method):
    scalers = {"minmax": (min_max_fit, min_max_transform), "standard": (standardize_fit, standardize_transform)}
    if method == "l2":
        return l2_normalize(X_train), l2_normalize(X_test)
    if method not in scalers:
        raise ValueError(f"unknown method {method!r}")
    fit, transform = scalers[method]
    stats = fit(X_train)
    return transform(X_train, *stats), transform(X_test, *stats)
"""),
        ("the formulas inline, without the helper functions", """
def normalize_splits(X_train, X_test, method):
    if method == "l2":
        def unit(A):
            n = np.linalg.norm(A, axis=1, keepdims=True)
            return A / np.where(n > 0, n, 1.0)
        return unit(X_train), unit(X_test)
    if method == "minmax":
        shift, scale = X_train.min(axis=0), X_train.max(axis=0) - X_train.min(axis=0)
    elif method == "standard":
        shift, scale = X_train.mean(axis=0), X_train.std(axis=0)
    else:
        raise ValueError(method)
    safe = np.where(scale > 0, scale, 1.0)
    return tuple(np.where(scale > 0, (A - shift) / safe, 0.0) for A in (X_train, X_test))
"""),
    ],
}
