"""Tests of the classification data: the bundled digits, their seeded split, and make_blobs."""
import hashlib
import re
from importlib import resources

import numpy as np
import pytest

from nettrain_lib import load_digits, make_blobs, train_val_test_split
from nettrain_lib.data import digits


@pytest.fixture(scope="module")
def digit_data():
    return load_digits()


def indexed_data(n_rows, n_columns=3):
    """X whose first column is the row index (so each returned row says where it came from), y = 10 * index."""
    X = np.zeros((n_rows, n_columns))
    X[:, 0] = np.arange(n_rows)
    X[:, 1:] = np.arange(n_rows)[:, None] * 0.5 + np.arange(1, n_columns)   # other columns vary too
    y = 10 * np.arange(n_rows)
    return X, y


# ---------------------------------------------------------------- load_digits

def test_load_digits_shapes_and_dtypes(digit_data):
    """X is (1797, 64) float64 and y is (1797,) int64."""
    X, y = digit_data
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64


def test_load_digits_pixels_are_integer_counts_from_0_to_16(digit_data):
    """Every pixel is a whole number in [0, 16], and both ends of the range occur."""
    X, _ = digit_data
    assert X.min() == 0.0 and X.max() == 16.0
    assert np.array_equal(X, np.round(X))


def test_load_digits_class_counts(digit_data):
    """Labels are 0..9 with the known counts of the UCI test set (1797 in all)."""
    _, y = digit_data
    counts = np.bincount(y, minlength=10)
    assert len(counts) == 10 and y.min() == 0 and y.max() == 9
    assert counts.tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    # 178 + 182 + 177 + 183 + 181 + 182 + 181 + 179 + 174 + 180 = 1797
    assert counts.sum() == 1797


def test_load_digits_first_image_is_a_zero(digit_data):
    """Image 0 is labelled 0 and looks like one: a ring of ink around an empty centre, row by row."""
    X, y = digit_data
    assert y[0] == 0
    picture = X[0].reshape(8, 8)
    assert np.array_equal(picture[0], [0, 0, 5, 13, 9, 1, 0, 0])     # the top of the ring
    assert np.array_equal(picture[7], [0, 0, 6, 13, 10, 0, 0, 0])    # the bottom of the ring
    assert np.all(picture[3:5, 3:5] == 0)                            # the hole in the middle
    assert np.all(picture[3:5, 2] >= 8) and np.all(picture[3:5, 5] >= 8)   # the left and right strokes


def test_load_digits_returns_fresh_arrays():
    """Two loads give equal arrays that are not the same objects: changing one cannot change the next."""
    X1, y1 = load_digits()
    X1[0, 0] = 99.0
    y1[0] = 7
    X2, y2 = load_digits()
    assert X2[0, 0] == 0.0 and y2[0] == 0


def test_load_digits_refuses_a_file_with_the_wrong_checksum(monkeypatch):
    """A file whose SHA-256 is not the expected one is refused with an OSError giving both digests."""
    raw = (resources.files("nettrain_lib.data") / digits.DIGITS_FILE).read_bytes()
    actual = hashlib.sha256(raw).hexdigest()
    assert actual == digits.DIGITS_SHA256                  # the bundled file is intact
    wrong = "0" * 64
    monkeypatch.setattr(digits, "DIGITS_SHA256", wrong)
    with pytest.raises(OSError, match="damaged") as caught:
        load_digits()
    message = str(caught.value)
    assert f"its SHA-256 is {actual}" in message
    assert f"expected {wrong}" in message


# ---------------------------------------------------------------- train_val_test_split

def test_split_sizes_with_the_default_fractions():
    """For 1797 rows: test round(359.4) = 359, validation 359, training 1797 - 718 = 1079."""
    X, y = indexed_data(1797)
    X_train, y_train, X_val, y_val, X_test, y_test = train_val_test_split(X, y, np.random.default_rng(0))
    assert (len(X_train), len(X_val), len(X_test)) == (1079, 359, 359)
    assert (len(y_train), len(y_val), len(y_test)) == (1079, 359, 359)
    assert X_train.shape[1] == X_val.shape[1] == X_test.shape[1] == 3


def test_split_sizes_with_other_fractions():
    """val_fraction=0.1, test_fraction=0.3 of 50 rows: test 15, validation 5, training 30."""
    X, y = indexed_data(50)
    parts = train_val_test_split(X, y, np.random.default_rng(0), val_fraction=0.1, test_fraction=0.3)
    assert [len(part) for part in parts] == [30, 30, 5, 5, 15, 15]


def test_split_with_no_validation_or_test_data():
    """Fractions of 0 give empty validation and test sets and keep every row for training."""
    X, y = indexed_data(20)
    X_train, _, X_val, _, X_test, _ = train_val_test_split(X, y, np.random.default_rng(0), val_fraction=0.0, test_fraction=0.0)
    assert len(X_val) == 0 and len(X_test) == 0
    assert sorted(X_train[:, 0]) == list(range(20))


def test_split_parts_are_disjoint_and_cover_every_row():
    """Every row lands in exactly one of the three parts."""
    X, y = indexed_data(1797)
    X_train, _, X_val, _, X_test, _ = train_val_test_split(X, y, np.random.default_rng(1))
    rows = np.concatenate([X_train[:, 0], X_val[:, 0], X_test[:, 0]]).astype(int)
    assert len(rows) == 1797
    assert np.array_equal(np.sort(rows), np.arange(1797))


def test_split_is_shuffled():
    """The parts are not simply the first, middle and last rows."""
    X, y = indexed_data(100)
    X_train, _, _, _, X_test, _ = train_val_test_split(X, y, np.random.default_rng(2))
    assert not np.array_equal(X_test[:, 0], np.arange(20))
    assert not np.array_equal(np.sort(X_train[:, 0]), np.arange(40, 100))


def test_split_keeps_rows_of_X_and_y_paired():
    """y of each returned row is still 10 times that row's index."""
    X, y = indexed_data(97)
    X_train, y_train, X_val, y_val, X_test, y_test = train_val_test_split(X, y, np.random.default_rng(3))
    for X_part, y_part in [(X_train, y_train), (X_val, y_val), (X_test, y_test)]:
        assert np.array_equal(y_part, 10 * X_part[:, 0].astype(int))
        np.testing.assert_array_equal(X_part[:, 1], X_part[:, 0] * 0.5 + 1)   # whole rows move together


def test_split_is_reproducible_with_the_same_seed():
    """Two generators with the same seed give the same split; another seed gives another."""
    X, y = indexed_data(200)
    first = train_val_test_split(X, y, np.random.default_rng(42))
    second = train_val_test_split(X, y, np.random.default_rng(42))
    other = train_val_test_split(X, y, np.random.default_rng(43))
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert not np.array_equal(first[0], other[0])


def test_split_draws_from_the_given_generator_only():
    """The split uses the rng it is given (which advances), and not numpy's global random state."""
    X, y = indexed_data(30)
    np.random.seed(0)
    global_state = np.random.get_state()[1].copy()
    rng = np.random.default_rng(5)
    before = rng.bit_generator.state
    train_val_test_split(X, y, rng)
    assert rng.bit_generator.state != before
    assert np.array_equal(np.random.get_state()[1], global_state)


def test_split_leaves_the_callers_arrays_unchanged():
    """X and y are not shuffled in place."""
    X, y = indexed_data(60)
    X_copy, y_copy = X.copy(), y.copy()
    X_train, y_train, *_ = train_val_test_split(X, y, np.random.default_rng(0))
    assert np.array_equal(X, X_copy) and np.array_equal(y, y_copy)
    X_train[:] = -1.0                                      # the parts are copies, not views of X
    y_train[:] = -1
    assert np.array_equal(X, X_copy) and np.array_equal(y, y_copy)


def test_split_of_the_digits_keeps_every_class(digit_data):
    """The digits split with seed 0 has every class in each part, with counts adding up to the totals."""
    X, y = digit_data
    _, y_train, _, y_val, _, y_test = train_val_test_split(X, y, np.random.default_rng(0))
    counts = [np.bincount(part, minlength=10) for part in (y_train, y_val, y_test)]
    assert all(np.all(c > 0) for c in counts)
    assert np.array_equal(sum(counts), np.bincount(y))


@pytest.mark.parametrize(
    "val_fraction, test_fraction, received",
    [
        (0.5, 0.5, "0.5 and 0.5"),
        (0.7, 0.4, "0.7 and 0.4"),
        (1.0, 0.0, "1.0 and 0.0"),
        (-0.1, 0.2, "-0.1 and 0.2"),
        (0.2, -0.2, "0.2 and -0.2"),
    ],
)
def test_split_bad_fractions(val_fraction, test_fraction, received):
    """Negative fractions, or fractions that leave no training data (sum >= 1), are refused."""
    X, y = indexed_data(20)
    message = ("val_fraction and test_fraction must be >= 0 and leave some training data "
               f"(their sum below 1); received {received}")
    with pytest.raises(ValueError, match=re.escape(message)):
        train_val_test_split(X, y, np.random.default_rng(0), val_fraction=val_fraction, test_fraction=test_fraction)


def test_split_never_returns_an_empty_training_set():
    """Fractions accepted as 'leaving some training data' do leave at least one training row (or are refused)."""
    X, y = indexed_data(10)
    try:
        X_train, *_ = train_val_test_split(X, y, np.random.default_rng(0), val_fraction=0.46, test_fraction=0.49)
    except ValueError:
        return
    assert len(X_train) > 0


@pytest.mark.parametrize(
    "name, value, error, message",
    [
        ("val_fraction", "0.2", TypeError, "val_fraction must be a real number; received str '0.2'"),
        ("test_fraction", None, TypeError, "test_fraction must be a real number; received NoneType None"),
        ("val_fraction", np.nan, ValueError, "val_fraction must be finite; received nan"),
    ],
)
def test_split_fractions_must_be_numbers(name, value, error, message):
    """A fraction that is not a finite real number is refused, naming it."""
    X, y = indexed_data(20)
    with pytest.raises(error, match=re.escape(message)):
        train_val_test_split(X, y, np.random.default_rng(0), **{name: value})


@pytest.mark.parametrize(
    "y, shape",
    [(np.arange(19), "(19,)"), (np.arange(21), "(21,)"), (np.zeros((20, 1)), "(20, 1)")],
)
def test_split_y_must_match_X(y, shape):
    """y of the wrong length or shape is refused, saying how many labels were expected."""
    X, _ = indexed_data(20)
    with pytest.raises(ValueError, match=re.escape(f"y must have one label per row of X (20); received shape {shape}")):
        train_val_test_split(X, y, np.random.default_rng(0))


@pytest.mark.parametrize(
    "rng, received",
    [(0, "int 0"), (None, "NoneType None"), (np.random.RandomState(0), "RandomState")],
)
def test_split_rng_must_be_a_generator(rng, received):
    """A seed, None or a legacy RandomState instead of a Generator is refused, naming rng."""
    X, y = indexed_data(20)
    with pytest.raises(TypeError, match=re.escape(
            "rng must be a numpy Generator such as np.random.default_rng(0); received " + received)):
        train_val_test_split(X, y, rng)


def test_split_X_must_be_2d():
    """A 1-D X is refused, naming X."""
    with pytest.raises(ValueError, match=re.escape("X must be a 2-D array; received an array of shape (20,)")):
        train_val_test_split(np.arange(20.0), np.arange(20), np.random.default_rng(0))


# ---------------------------------------------------------------- make_blobs

CENTERS = [[0.0, 3.0], [3.0, -1.0], [-3.0, -1.5]]


def test_blobs_shapes_and_dtypes():
    """3 centers in 2-D with 60 points each: X (180, 2) float64, labels (180,) int64."""
    X, labels = make_blobs(60, CENTERS, np.random.default_rng(0))
    assert X.shape == (180, 2) and X.dtype == np.float64
    assert labels.shape == (180,) and labels.dtype == np.int64


def test_blobs_labels_are_ordered_by_class():
    """labels are n_per_class zeros, then ones, then twos."""
    _, labels = make_blobs(4, CENTERS, np.random.default_rng(0))
    assert labels.tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]


def test_blobs_lie_around_their_centers():
    """Each class's mean is near its center and its spread near `spread` (2000 points per class)."""
    X, labels = make_blobs(2000, CENTERS, np.random.default_rng(1), spread=0.5)
    for k, center in enumerate(CENTERS):
        points = X[labels == k]
        # standard error of the mean: 0.5 / sqrt(2000) ~ 0.011
        np.testing.assert_allclose(points.mean(axis=0), center, atol=0.05)
        np.testing.assert_allclose(points.std(axis=0), [0.5, 0.5], atol=0.05)


def test_blobs_are_reproducible():
    """The same seed gives the same blobs; another seed gives others."""
    X1, y1 = make_blobs(10, CENTERS, np.random.default_rng(7))
    X2, y2 = make_blobs(10, CENTERS, np.random.default_rng(7))
    X3, _ = make_blobs(10, CENTERS, np.random.default_rng(8))
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_blobs_work_in_other_dimensions():
    """Centers in 3-D give 3 features."""
    X, labels = make_blobs(5, [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], np.random.default_rng(0))
    assert X.shape == (10, 3) and labels.tolist() == [0] * 5 + [1] * 5


@pytest.mark.parametrize(
    "n_per_class, centers, rng, spread, error, message",
    [
        (0, CENTERS, np.random.default_rng(0), 1.0, ValueError, "n_per_class must be a positive integer; received 0"),
        (2.5, CENTERS, np.random.default_rng(0), 1.0, TypeError, "n_per_class must be a positive integer; received float 2.5"),
        (5, [0.0, 3.0], np.random.default_rng(0), 1.0, ValueError, "centers must be a 2-D array; received an array of shape (2,)"),
        (5, "centers", np.random.default_rng(0), 1.0, TypeError, "centers must be an array of numbers; received str 'centers'"),
        (5, CENTERS, 0, 1.0, TypeError, "rng must be a numpy Generator such as np.random.default_rng(0); received int 0"),
        (5, CENTERS, np.random.default_rng(0), 0.0, ValueError, "spread must be positive; received 0.0"),
        (5, CENTERS, np.random.default_rng(0), -1.0, ValueError, "spread must be positive; received -1.0"),
    ],
)
def test_blobs_bad_input(n_per_class, centers, rng, spread, error, message):
    """Bad arguments are refused with a message naming them and what was received."""
    with pytest.raises(error, match=re.escape(message)):
        make_blobs(n_per_class, centers, rng, spread=spread)
