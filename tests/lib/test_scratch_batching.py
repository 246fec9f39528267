"""Tests of nettrain_lib.scratch.batching: steps per epoch, batches, epoch orders and the mini-batch iterator."""
import re

import numpy as np
import pytest

from nettrain_lib import iterate_minibatches, make_batches, steps_per_epoch, total_iterations
from nettrain_lib._validate import batch_size_for, paired_arrays
from nettrain_lib.scratch.batching import epoch_order


def example_ids_data(n_samples=10, n_features=2):
    """X whose first column is the example's index, y = 100 * index + 7: a batch shows which
    examples it holds, and whether its X rows and y entries still belong together."""
    ids = np.arange(n_samples, dtype=float)
    X = np.column_stack([ids] + [ids * (k + 2) for k in range(n_features - 1)])   # (N, D)
    y = 100.0 * ids + 7.0                                                          # (N,)
    return X, y


def batch_ids(batches):
    """The example indices of each (X_batch, y_batch), read from the first column of X_batch."""
    return [X_batch[:, 0].astype(int).tolist() for X_batch, _ in batches]


def global_state_unchanged(before):
    """True when np.random's global state equals `before` (a np.random.get_state() tuple)."""
    after = np.random.get_state()
    return before[0] == after[0] and np.array_equal(before[1], after[1]) and before[2:] == after[2:]


# ---------------------------------------------------------------- steps_per_epoch and total_iterations

@pytest.mark.parametrize(
    "n_samples, batch_size, steps",
    [
        (200, 32, 7),       # 200 / 32 = 6.25 -> 6 full batches and one of 8 -> 7 steps
        (192, 32, 6),       # 192 = 6 * 32 exactly: no partial batch
        (193, 32, 7),       # one example more -> a last batch of 1
        (200, 200, 1),      # batch gradient descent: one step per epoch
        (200, 1, 200),      # SGD: one step per example
        (1, 1, 1),
        (5, 4, 2),          # 4 + 1
    ],
)
def test_steps_per_epoch_is_the_ceiling(n_samples, batch_size, steps):
    """steps_per_epoch(N, B) = ceil(N / B), counting the last, possibly smaller batch."""
    result = steps_per_epoch(n_samples, batch_size)
    assert isinstance(result, int)
    assert result == steps


def test_steps_per_epoch_matches_make_batches():
    """For every batch size of a 23-example set, there are as many steps as batches."""
    for batch_size in range(1, 24):
        assert steps_per_epoch(23, batch_size) == len(make_batches(23, batch_size))


def test_total_iterations():
    """total_iterations = epochs * steps_per_epoch; zero epochs make zero updates."""
    assert total_iterations(200, 32, 3) == 21          # 3 * 7
    assert total_iterations(200, 200, 10) == 10        # batch: 1 update per epoch
    assert total_iterations(200, 1, 2) == 400          # SGD: 200 updates per epoch
    assert total_iterations(200, 32, 0) == 0
    assert isinstance(total_iterations(200, 32, 3), int)


def test_numpy_integers_are_accepted():
    """Batch sizes and counts that are numpy integers (from np.arange, say) are accepted and returned as int."""
    assert steps_per_epoch(np.int64(200), np.int64(32)) == 7
    assert total_iterations(np.int32(200), np.int64(32), np.int64(2)) == 14
    size = batch_size_for(np.int64(200), np.int64(32))
    assert size == 32 and type(size) is int


# ---------------------------------------------------------------- make_batches

def test_make_batches_200_by_32():
    """200 examples in batches of 32: six full batches of consecutive indices, then one of 8."""
    batches = make_batches(200, 32)
    assert [len(batch) for batch in batches] == [32] * 6 + [8]      # 6 * 32 + 8 = 200
    for k, batch in enumerate(batches):
        assert np.array_equal(batch, np.arange(32 * k, min(32 * (k + 1), 200)))
    assert np.array_equal(batches[-1], np.arange(192, 200))


def test_make_batches_by_hand():
    """make_batches(5, 2) = [0, 1], [2, 3], [4]."""
    batches = make_batches(5, 2)
    assert [batch.tolist() for batch in batches] == [[0, 1], [2, 3], [4]]
    assert all(batch.dtype.kind == "i" for batch in batches)   # usable as indices


def test_make_batches_batch_and_sgd():
    """batch_size = N gives one batch of everything; batch_size = 1 gives N batches of one."""
    assert [batch.tolist() for batch in make_batches(4, 4)] == [[0, 1, 2, 3]]
    assert [batch.tolist() for batch in make_batches(4, 1)] == [[0], [1], [2], [3]]


@pytest.mark.parametrize("batch_size", [1, 3, 7, 10, 23])
def test_make_batches_cover_every_index_once(batch_size):
    """Concatenated, the batches are 0..N-1 in order: every example exactly once."""
    batches = make_batches(23, batch_size)
    assert np.array_equal(np.concatenate(batches), np.arange(23))
    assert all(len(batch) == batch_size for batch in batches[:-1])
    assert 1 <= len(batches[-1]) <= batch_size


# ---------------------------------------------------------------- epoch_order

def test_epoch_order_without_rng_is_the_natural_order():
    """Without rng an epoch visits 0, 1, ..., N-1."""
    assert np.array_equal(epoch_order(6), np.arange(6))


def test_epoch_order_with_rng_is_a_fresh_permutation():
    """With rng each call is a permutation of 0..N-1, and two calls give different orders."""
    rng = np.random.default_rng(0)
    first, second = epoch_order(20, rng), epoch_order(20, rng)
    assert np.array_equal(np.sort(first), np.arange(20))
    assert np.array_equal(np.sort(second), np.arange(20))
    assert not np.array_equal(first, second)
    assert not np.array_equal(first, np.arange(20))


def test_epoch_order_same_seed_same_order():
    """Two generators with the same seed give the same sequence of epoch orders."""
    a, b = np.random.default_rng(42), np.random.default_rng(42)
    for _ in range(3):
        assert np.array_equal(epoch_order(15, a), epoch_order(15, b))


# ---------------------------------------------------------------- iterate_minibatches

def test_iterate_minibatches_without_rng_by_hand():
    """Without rng the batches follow the stored order: [0, 1], [2, 3], [4]."""
    X, y = example_ids_data(5)
    batches = list(iterate_minibatches(X, y, 2))
    assert batch_ids(batches) == [[0, 1], [2, 3], [4]]
    # the rows themselves, not only their indices
    assert np.array_equal(batches[0][0], X[:2]) and np.array_equal(batches[0][1], y[:2])
    assert np.array_equal(batches[2][0], X[4:]) and np.array_equal(batches[2][1], y[4:])


def test_iterate_minibatches_200_by_32():
    """200 examples in batches of 32 are 7 batches: 6 of 32 and a last one of 8."""
    X, y = example_ids_data(200)
    sizes = [(len(X_batch), len(y_batch)) for X_batch, y_batch in iterate_minibatches(X, y, 32, rng=np.random.default_rng(0))]
    assert sizes == [(32, 32)] * 6 + [(8, 8)]


@pytest.mark.parametrize("batch_size", [1, 3, 10])
@pytest.mark.parametrize("seeded", [False, True], ids=["no rng", "rng"])
def test_every_example_exactly_once_per_epoch(batch_size, seeded):
    """One call (one epoch) yields every example exactly once, whatever the batch size."""
    X, y = example_ids_data(10)
    rng = np.random.default_rng(3) if seeded else None
    for _ in range(3):                              # three epochs, each complete on its own
        ids = sum(batch_ids(iterate_minibatches(X, y, batch_size, rng=rng)), [])
        assert sorted(ids) == list(range(10))


def test_batch_gradient_descent_and_sgd_batches():
    """batch_size = N yields one batch holding all the data; batch_size = 1 yields N batches of one row."""
    X, y = example_ids_data(6)
    (only,) = list(iterate_minibatches(X, y, 6))
    assert np.array_equal(only[0], X) and np.array_equal(only[1], y)
    single = list(iterate_minibatches(X, y, 1, rng=np.random.default_rng(0)))
    assert len(single) == 6
    assert all(X_batch.shape == (1, 2) and y_batch.shape == (1,) for X_batch, y_batch in single)


def test_rows_of_X_and_y_stay_paired():
    """After shuffling, every y entry still belongs to its X row: y = 100 * id + 7, X = [id, 2 id]."""
    X, y = example_ids_data(50)
    for X_batch, y_batch in iterate_minibatches(X, y, 8, rng=np.random.default_rng(5)):
        assert np.array_equal(y_batch, 100.0 * X_batch[:, 0] + 7.0)
        assert np.array_equal(X_batch[:, 1], 2.0 * X_batch[:, 0])   # the columns of a row stay together


def test_a_fresh_permutation_on_every_call():
    """With one rng, each call (each epoch) visits the examples in a different order."""
    X, y = example_ids_data(30)
    rng = np.random.default_rng(0)
    orders = [sum(batch_ids(iterate_minibatches(X, y, 4, rng=rng)), []) for _ in range(3)]
    assert orders[0] != orders[1] and orders[1] != orders[2] and orders[0] != orders[2]
    assert all(order != list(range(30)) for order in orders)


def test_same_seed_same_batches():
    """Two generators with the same seed give the same batches, epoch after epoch."""
    X, y = example_ids_data(30)
    rng_a, rng_b = np.random.default_rng(7), np.random.default_rng(7)
    for _ in range(2):
        assert batch_ids(iterate_minibatches(X, y, 4, rng=rng_a)) == batch_ids(iterate_minibatches(X, y, 4, rng=rng_b))


def test_without_rng_every_call_is_the_same():
    """Without rng every epoch is the natural order, call after call."""
    X, y = example_ids_data(7)
    first = batch_ids(iterate_minibatches(X, y, 3))
    assert first == batch_ids(iterate_minibatches(X, y, 3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_inputs_are_unchanged():
    """Shuffling permutes indices: the caller's X and y keep their order and values."""
    X, y = example_ids_data(20)
    X_copy, y_copy = X.copy(), y.copy()
    list(iterate_minibatches(X, y, 6, rng=np.random.default_rng(0)))
    assert np.array_equal(X, X_copy) and np.array_equal(y, y_copy)


def test_lists_and_integer_labels():
    """Lists are accepted; integer labels (classification) stay integers in the batches."""
    X = [[0.0], [1.0], [2.0]]
    labels = [2, 0, 1]
    batches = list(iterate_minibatches(X, labels, 2))
    assert batches[0][0].dtype == np.float64
    assert batches[0][1].dtype.kind == "i"
    assert batches[0][1].tolist() == [2, 0] and batches[1][1].tolist() == [1]


def test_no_global_random_state_is_used():
    """Shuffling uses only the rng passed in: np.random's global state is the same afterwards."""
    X, y = example_ids_data(40)
    before = np.random.get_state()
    list(iterate_minibatches(X, y, 8, rng=np.random.default_rng(0)))
    list(iterate_minibatches(X, y, 8))
    epoch_order(40, np.random.default_rng(1))
    assert global_state_unchanged(before)


# ---------------------------------------------------------------- paired_arrays

def test_paired_arrays_returns_arrays():
    """paired_arrays turns lists into arrays, X as float64, and leaves matching data alone."""
    X, y = paired_arrays([[1, 2], [3, 4]], [0.5, 1.5])
    assert isinstance(X, np.ndarray) and X.dtype == np.float64 and X.shape == (2, 2)
    assert isinstance(y, np.ndarray) and y.shape == (2,)


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize(
    "batch_size, error, message",
    [
        (0, ValueError, "batch_size must be a positive integer; received 0"),
        (-3, ValueError, "batch_size must be a positive integer; received -3"),
        (2.0, TypeError, "batch_size must be a positive integer; received float 2.0"),
        (True, TypeError, "batch_size must be a positive integer; received bool True"),
        ("2", TypeError, "batch_size must be a positive integer; received str '2'"),
        (None, TypeError, "batch_size must be a positive integer; received NoneType None"),
        (11, ValueError, "batch_size must be at most the number of examples (10); received 11"),
    ],
)
def test_bad_batch_size(batch_size, error, message):
    """A batch size that is not an integer in 1..N is refused by every function, naming batch_size."""
    X, y = example_ids_data(10)
    pattern = "^" + re.escape(message) + "$"
    with pytest.raises(error, match=pattern):
        steps_per_epoch(10, batch_size)
    with pytest.raises(error, match=pattern):
        total_iterations(10, batch_size, 2)
    with pytest.raises(error, match=pattern):
        make_batches(10, batch_size)
    with pytest.raises(error, match=pattern):
        batch_size_for(10, batch_size)
    with pytest.raises(error, match=pattern):
        list(iterate_minibatches(X, y, batch_size))     # a generator checks when it first runs


@pytest.mark.parametrize(
    "n_samples, error, message",
    [
        (0, ValueError, "n_samples must be a positive integer; received 0"),
        (-5, ValueError, "n_samples must be a positive integer; received -5"),
        (10.0, TypeError, "n_samples must be a positive integer; received float 10.0"),
        (False, TypeError, "n_samples must be a positive integer; received bool False"),
    ],
)
def test_bad_n_samples(n_samples, error, message):
    """The number of examples must be a positive integer."""
    pattern = "^" + re.escape(message) + "$"
    with pytest.raises(error, match=pattern):
        steps_per_epoch(n_samples, 1)
    with pytest.raises(error, match=pattern):
        make_batches(n_samples, 1)
    with pytest.raises(error, match=pattern):
        epoch_order(n_samples)


@pytest.mark.parametrize(
    "epochs, error, message",
    [
        (-1, ValueError, "epochs must be a non-negative integer; received -1"),
        (2.0, TypeError, "epochs must be a non-negative integer; received float 2.0"),
        (True, TypeError, "epochs must be a non-negative integer; received bool True"),
    ],
)
def test_total_iterations_bad_epochs(epochs, error, message):
    """epochs must be an integer >= 0."""
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        total_iterations(200, 32, epochs)


@pytest.mark.parametrize(
    "X, y, error, message",
    [
        (np.zeros((3, 1)), np.zeros(2), ValueError, "X and y must have one row per example: X has 3 rows, y has 2 entries"),
        (np.zeros(3), np.zeros(3), ValueError, "X must be a 2-D array; received an array of shape (3,) and dtype float64"),
        (np.zeros((3, 1)), np.zeros((3, 1)), ValueError, "y must be a 1-D array with one entry per example; received shape (3, 1)"),
        (np.zeros((0, 1)), np.zeros(0), ValueError, "X must have at least one row (example); received 0 rows"),
        ("X", np.zeros(3), TypeError, "X must be an array of numbers; received str 'X'"),
        (np.array([[1.0], [np.nan], [2.0]]), np.zeros(3), ValueError, "X must contain only finite numbers"),
    ],
)
def test_bad_data(X, y, error, message):
    """Mismatched lengths, a 1-D X or a 2-D y are refused, saying what was received."""
    with pytest.raises(error, match="^" + re.escape(message)):
        paired_arrays(X, y)
    with pytest.raises(error, match="^" + re.escape(message)):
        list(iterate_minibatches(X, y, 1))


@pytest.mark.parametrize(
    "rng, received",
    [
        (0, "int 0"),
        ("seed", "str 'seed'"),
        (np.random.RandomState(0), "RandomState"),
    ],
)
def test_rng_must_be_a_generator(rng, received):
    """A seed or a legacy RandomState as rng gets a TypeError naming rng and what it received."""
    X, y = example_ids_data(5)
    message = "rng must be a numpy Generator such as np.random.default_rng(0); received " + received
    with pytest.raises(TypeError, match="^" + re.escape(message)):
        list(iterate_minibatches(X, y, 2, rng=rng))
    with pytest.raises(TypeError, match="^" + re.escape(message)):
        epoch_order(5, rng)


def test_iterate_minibatches_checks_its_arguments_when_called_not_when_iterated():
    """A bad batch_size or rng is reported at the call, before any batch is requested."""
    X, y = np.zeros((5, 2)), np.zeros(5)
    with pytest.raises(ValueError, match="batch_size"):
        iterate_minibatches(X, y, 0)
    with pytest.raises(TypeError, match="rng"):
        iterate_minibatches(X, y, 2, rng=42)
