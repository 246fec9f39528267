"""The 8x8 handwritten digits bundled with the course, and a seeded train/validation/test split.

1,797 images of the digits 0-9 (about 180 of each), 8x8 pixels each, every pixel an integer count
from 0 (white) to 16 (black). They are the test set of the UCI "Optical Recognition of Handwritten
Digits" data (E. Alpaydin, C. Kaynak, 1998; licence CC BY 4.0), exactly as scikit-learn ships
them in `load_digits`; see the README. The file is checked against its SHA-256 on every load, so
a damaged or altered copy is refused rather than silently training on wrong data.
"""
import hashlib
from importlib import resources

import numpy as np

from .. import _validate
from ..i18n import tr

DIGITS_FILE = "digits.npz"
DIGITS_SHA256 = "af104d81e7cd419be5f343d23c6ca2e4e4ff847b06636260802df8e903c6183f"
N_DIGITS, N_PIXELS, N_CLASSES = 1797, 64, 10


def load_digits():
    """Return (X, y): X (1797, 64) float64 pixel values in [0, 16], y (1797,) int64 labels 0-9.

    Row i of X is image i flattened row by row: X[i].reshape(8, 8) is the picture.
    """
    data_file = resources.files(__package__) / DIGITS_FILE
    raw = data_file.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != DIGITS_SHA256:
        raise OSError(tr(
            "the bundled digits file {data_file} is damaged or altered: its SHA-256 is {digest}, expected "
            "{expected}. Reinstall the course (git checkout nettrain_lib/data).", data_file=data_file, digest=digest,
            expected=DIGITS_SHA256))
    with data_file.open("rb") as handle, np.load(handle) as archive:
        images, labels = archive["images"], archive["labels"]
    if images.shape != (N_DIGITS, N_PIXELS) or labels.shape != (N_DIGITS,):
        raise OSError(tr("the bundled digits have shapes {images} and {labels}; expected (1797, 64) and (1797,)",
                         images=images.shape, labels=labels.shape))
    return images.astype(np.float64), labels.astype(np.int64)


def train_val_test_split(X, y, rng, *, val_fraction=0.2, test_fraction=0.2):
    """Shuffle the examples with `rng` and cut them into (X_train, y_train, X_val, y_val, X_test, y_test).

    The test set takes round(N * test_fraction) examples, the validation set round(N * val_fraction),
    the training set the rest. The caller's arrays are not changed.
    """
    X = _validate.float_array(X, "X", ndim=2)
    y = np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(tr("y must have one label per row of X ({len_X}); received shape {y_shape}",
                            len_X=len(X), y_shape=y.shape))
    rng = _validate.generator(rng)
    val_fraction = _validate.real_scalar(val_fraction, "val_fraction")
    test_fraction = _validate.real_scalar(test_fraction, "test_fraction")
    if val_fraction < 0 or test_fraction < 0 or val_fraction + test_fraction >= 1:
        raise ValueError(
            tr("val_fraction and test_fraction must be >= 0 and leave some training data (their sum "
               "below 1); received {val_fraction!r} and {test_fraction!r}",
               val_fraction=val_fraction, test_fraction=test_fraction)
        )
    n_test, n_val = round(len(X) * test_fraction), round(len(X) * val_fraction)
    if n_test + n_val >= len(X):
        raise ValueError(
            tr("val_fraction {val_fraction!r} and test_fraction {test_fraction!r} of {len_X} "
               "examples leave no training data ({n_val} validation + {n_test} test rows); use "
               "smaller fractions",
               val_fraction=val_fraction, test_fraction=test_fraction, len_X=len(X), n_val=n_val, n_test=n_test)
        )
    order = rng.permutation(len(X))
    test, val, train = order[:n_test], order[n_test:n_test + n_val], order[n_test + n_val:]
    return X[train], y[train], X[val], y[val], X[test], y[test]
