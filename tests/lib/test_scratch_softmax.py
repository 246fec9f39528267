"""Tests of nettrain_lib.scratch.softmax: softmax, cross-entropy from probabilities and from logits, its
gradient, accuracy, and the linear softmax classifier trained on the digits."""
import math
import re
import warnings

import numpy as np
import pytest

from nettrain_lib import load_digits, numerical_gradient, relative_error, train_val_test_split
from nettrain_lib.scratch.softmax import (
    accuracy,
    cross_entropy,
    cross_entropy_from_logits,
    log_softmax,
    one_hot,
    softmax,
    softmax_cross_entropy_grad,
    train_softmax_regression,
)

# A two-example, three-class worked example.
Y_HAND = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])        # labels [2, 0]
P_HAND = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
# loss = (-log 0.5 - log 0.6) / 2 = (0.693147... + 0.510825...) / 2 = 0.601986...

# A four-example, two-feature, three-class problem for one training epoch by hand.
X_EPOCH = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, -1.0]])
LABELS_EPOCH = np.array([0, 1, 2, 1])


def no_warnings(function, *args):
    """Call function(*args) under numpy's default error state and return (result, warnings raised)."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        result = function(*args)
    return result, caught


# ---------------------------------------------------------------- softmax

def test_softmax_by_hand():
    """softmax([1, 2, 3]) = [e, e^2, e^3] / (e + e^2 + e^3)."""
    # e = 2.71828, e^2 = 7.38906, e^3 = 20.08554; sum = 30.19287
    # 2.71828 / 30.19287 = 0.09003, 7.38906 / 30.19287 = 0.24473, 20.08554 / 30.19287 = 0.66524
    probs = softmax([1.0, 2.0, 3.0])
    assert probs.shape == (3,) and probs.dtype == np.float64
    np.testing.assert_allclose(probs, [0.09003057, 0.24472847, 0.66524096], rtol=1e-7)
    e = math.e
    np.testing.assert_allclose(probs, np.array([e, e**2, e**3]) / (e + e**2 + e**3), rtol=1e-14)


def test_softmax_of_equal_logits_is_uniform():
    """C equal logits give 1/C each."""
    np.testing.assert_allclose(softmax(np.zeros(4)), [0.25] * 4, rtol=1e-15)
    np.testing.assert_allclose(softmax([[7.0, 7.0]]), [[0.5, 0.5]], rtol=1e-15)


def test_softmax_works_along_rows_of_a_2d_array():
    """For (N, C) logits each row is a distribution and equals the softmax of that row alone."""
    z = np.random.default_rng(0).normal(scale=3.0, size=(5, 4))
    probs = softmax(z)
    assert probs.shape == (5, 4)
    assert np.all(probs > 0)
    np.testing.assert_allclose(probs.sum(axis=1), np.ones(5), rtol=1e-14)
    for row, p in zip(z, probs):
        np.testing.assert_allclose(p, softmax(row), rtol=1e-15)


def test_softmax_is_invariant_to_a_constant_per_row():
    """Adding a constant to every logit of a row does not change that row's probabilities."""
    z = np.random.default_rng(1).normal(size=(3, 5))
    shifts = np.array([[-100.0], [0.5], [250.0]])          # a different constant for each row
    np.testing.assert_allclose(softmax(z + shifts), softmax(z), rtol=1e-12)


def test_softmax_keeps_the_order_of_the_logits():
    """A larger logit always gets a larger probability, so argmax is the same before and after."""
    z = np.array([0.3, -1.2, 2.5, 0.1])
    assert np.array_equal(np.argsort(softmax(z)), np.argsort(z))


@pytest.mark.parametrize(
    "z, expected",
    [
        ([1000.0, 0.0], [1.0, 0.0]),
        ([1e4, 0.0, -1e4], [1.0, 0.0, 0.0]),
        ([[-1e4, -1e4, 1e4], [1e4, 1e4, -1e4]], [[0.0, 0.0, 1.0], [0.5, 0.5, 0.0]]),
        ([-1e4, -1e4], [0.5, 0.5]),
    ],
    ids=["1000", "+-1e4", "2-D +-1e4", "all -1e4"],
)
def test_softmax_is_finite_and_silent_for_huge_logits(z, expected):
    """Logits as large as +-1e4 give finite probabilities, without overflow warnings or NaN."""
    # exp(1e4) overflows a float64 (its largest is about exp(709.8)); after subtracting the row
    # maximum the largest exponent is exp(0) = 1 and the others underflow harmlessly to 0.
    probs, caught = no_warnings(softmax, z)
    assert [str(w.message) for w in caught] == []
    assert np.all(np.isfinite(probs))
    np.testing.assert_array_equal(probs, expected)


def test_softmax_leaves_its_input_unchanged():
    """The caller's logits are not shifted in place."""
    z = np.array([[3.0, 1.0, -2.0], [0.0, 5.0, 4.0]])
    before = z.copy()
    softmax(z)
    log_softmax(z)
    assert np.array_equal(z, before)


@pytest.mark.parametrize(
    "z, error, message",
    [
        (np.zeros((2, 2, 2)), ValueError, "z must be a 1-D or 2-D array of logits; received an array of shape (2, 2, 2)"),
        (np.array(3.0), ValueError, "z must be a 1-D or 2-D array of logits; received an array of shape ()"),
        ([1.0, np.nan], ValueError, "z must contain only finite numbers; received NaN or inf"),
        ([1.0, np.inf], ValueError, "z must contain only finite numbers; received NaN or inf"),
        ("z", TypeError, "z must be an array of numbers; received str 'z'"),
    ],
)
def test_softmax_bad_input(z, error, message):
    """softmax refuses logits that are not 1-D or 2-D, not finite or not numbers, naming z."""
    with pytest.raises(error, match=re.escape(message)):
        softmax(z)


# ---------------------------------------------------------------- log_softmax

def test_log_softmax_equals_log_of_softmax():
    """Where softmax is not tiny, log_softmax(z) = log(softmax(z))."""
    z = np.random.default_rng(2).normal(scale=4.0, size=(6, 5))
    np.testing.assert_allclose(log_softmax(z), np.log(softmax(z)), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(log_softmax([1.0, 2.0, 3.0]), np.log(softmax([1.0, 2.0, 3.0])), rtol=1e-14)


def test_log_softmax_is_finite_where_softmax_underflows():
    """log_softmax([0, -1e4]) = [0, -1e4] exactly, where log(softmax) would give -inf."""
    # logsumexp([0, -1e4]) = log(1 + exp(-1e4)) = log(1) = 0, so log_softmax = z - 0 = z
    z = np.array([[0.0, -1e4], [-1e4, 0.0]])
    with np.errstate(divide="ignore"):
        naive = np.log(softmax(z))
    assert np.isneginf(naive[0, 1])                        # the naive version fails ...
    stable, caught = no_warnings(log_softmax, z)
    assert caught == []
    assert np.all(np.isfinite(stable))                     # ... the stable one does not
    np.testing.assert_array_equal(stable, z)


def test_log_softmax_by_hand():
    """log_softmax([0, log 3]) = [log(1/4), log(3/4)]."""
    # softmax([0, log 3]) = [1, 3] / 4
    np.testing.assert_allclose(log_softmax([0.0, math.log(3.0)]), [math.log(0.25), math.log(0.75)], rtol=1e-14)


# ---------------------------------------------------------------- one_hot

def test_one_hot_by_hand():
    """labels [2, 0, 1, 2] with 3 classes: one 1 per row, in the label's column."""
    Y = one_hot([2, 0, 1, 2], 3)
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(Y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])


def test_one_hot_allows_classes_that_do_not_occur():
    """num_classes may exceed the largest label: the extra columns are all zero."""
    Y = one_hot(np.array([0, 1]), 4)
    assert Y.shape == (2, 4)
    assert np.array_equal(Y.sum(axis=0), [1, 1, 0, 0])


def test_one_hot_round_trips_with_argmax():
    """argmax of each one-hot row gives the label back."""
    labels = np.random.default_rng(3).integers(0, 10, size=50)
    assert np.array_equal(np.argmax(one_hot(labels, 10), axis=1), labels)


@pytest.mark.parametrize(
    "labels, num_classes, error, message",
    [
        ([0, 3], 3, ValueError, "labels must lie in 0..2 for 3 classes; received values from 0 to 3"),
        ([-1, 1], 3, ValueError, "labels must lie in 0..2 for 3 classes; received values from -1 to 1"),
        ([0.0, 1.0], 3, ValueError, "labels must be a 1-D array of integer class labels; received an array of shape (2,) and dtype float64"),
        ([[0, 1]], 3, ValueError, "labels must be a 1-D array of integer class labels; received an array of shape (1, 2)"),
        ([0, 1], 0, ValueError, "num_classes must be a positive integer; received 0"),
        ([0, 1], 3.0, TypeError, "num_classes must be a positive integer; received float 3.0"),
    ],
)
def test_one_hot_bad_input(labels, num_classes, error, message):
    """Labels out of range or not integers, and a bad num_classes, are refused, naming them."""
    with pytest.raises(error, match=re.escape(message)):
        one_hot(labels, num_classes)


# ---------------------------------------------------------------- cross_entropy

def test_cross_entropy_by_hand():
    """The loss picks the true class's probability in each row and averages -log of it."""
    # row 0 is class 2: -log 0.5 = 0.6931471805599453; row 1 is class 0: -log 0.6 = 0.5108256237659907
    # mean = (0.6931471805599453 + 0.5108256237659907) / 2 = 0.601986402162968
    loss = cross_entropy(Y_HAND, P_HAND)
    assert isinstance(loss, float)
    assert loss == pytest.approx(0.601986402162968, rel=1e-14)
    assert loss == pytest.approx((-math.log(0.5) - math.log(0.6)) / 2, rel=1e-14)


def test_cross_entropy_is_a_mean_not_a_sum():
    """Repeating every example leaves the loss unchanged (a sum would double it)."""
    assert cross_entropy(np.vstack([Y_HAND, Y_HAND]), np.vstack([P_HAND, P_HAND])) == pytest.approx(
        cross_entropy(Y_HAND, P_HAND), rel=1e-14)


def test_cross_entropy_is_zero_for_certain_right_answers():
    """Probability 1 on the true class gives loss 0."""
    assert cross_entropy(Y_HAND, Y_HAND) == 0.0


def test_cross_entropy_clips_a_zero_probability():
    """A zero probability on the true class gives -log(eps), not inf."""
    Y = np.array([[1.0, 0.0]])
    probs = np.array([[0.0, 1.0]])
    # -log(1e-12) = 12 * log(10) = 27.631021115928547
    loss, caught = no_warnings(cross_entropy, Y, probs)
    assert caught == []
    assert loss == pytest.approx(12 * math.log(10.0), rel=1e-14)
    # -log(1e-3) = 3 * log(10) = 6.907755278982137
    assert cross_entropy(Y, probs, eps=1e-3) == pytest.approx(3 * math.log(10.0), rel=1e-14)


def test_cross_entropy_ignores_the_wrong_classes_probabilities():
    """Only the true class's probability counts: zeros elsewhere are not clipped into the loss."""
    # row 0: -log 0.5; row 1: -log 1 = 0; mean = log(2) / 2
    Y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    probs = np.array([[0.5, 0.5, 0.0], [0.0, 1.0, 0.0]])
    assert cross_entropy(Y, probs) == pytest.approx(math.log(2.0) / 2, rel=1e-14)


@pytest.mark.parametrize(
    "Y, probs, kwargs, error, message",
    [
        (Y_HAND, P_HAND[:, :2], {}, ValueError, "Y and probs must have the same shape (N, C); received (2, 3) and (2, 2)"),
        (Y_HAND, P_HAND[:1], {}, ValueError, "Y and probs must have the same shape (N, C); received (2, 3) and (1, 3)"),
        (Y_HAND[0], P_HAND[0], {}, ValueError, "Y must be a 2-D array; received an array of shape (3,)"),
        (Y_HAND, P_HAND[0], {}, ValueError, "probs must be a 2-D array; received an array of shape (3,)"),
        (Y_HAND, P_HAND, {"eps": 0.0}, ValueError, "eps must be positive; received 0.0"),
        (Y_HAND, P_HAND, {"eps": "1e-12"}, TypeError, "eps must be a real number; received str '1e-12'"),
    ],
)
def test_cross_entropy_bad_input(Y, probs, kwargs, error, message):
    """Mismatched or 1-D arrays and a non-positive eps are refused, naming the argument."""
    with pytest.raises(error, match=re.escape(message)):
        cross_entropy(Y, probs, **kwargs)


# ---------------------------------------------------------------- cross_entropy_from_logits

def test_cross_entropy_from_logits_agrees_with_the_probability_version():
    """For moderate logits, the loss from logits equals cross_entropy(Y, softmax(logits))."""
    rng = np.random.default_rng(4)
    logits = rng.normal(scale=2.0, size=(8, 5))
    Y = one_hot(rng.integers(0, 5, size=8), 5)
    assert cross_entropy_from_logits(Y, logits) == pytest.approx(cross_entropy(Y, softmax(logits)), rel=1e-12)


def test_cross_entropy_from_logits_by_hand():
    """logits [0, log 3] with the true class 1: loss = -log(3/4)."""
    loss = cross_entropy_from_logits([[0.0, 1.0]], [[0.0, math.log(3.0)]])
    assert isinstance(loss, float)
    assert loss == pytest.approx(-math.log(0.75), rel=1e-14)


def test_cross_entropy_from_logits_is_exact_where_probabilities_underflow():
    """logits [0, 800] with the true class 0: the loss is exactly 800, where the clipped version says 27.6."""
    # log_softmax([0, 800]) = [0, 800] - (800 + log(1 + exp(-800))) = [-800, 0]; loss = 800
    Y, logits = np.array([[1.0, 0.0]]), np.array([[0.0, 800.0]])
    loss, caught = no_warnings(cross_entropy_from_logits, Y, logits)
    assert caught == []
    assert loss == 800.0
    # the probability version sees softmax = [exp(-800), 1] = [0, 1] and can only say -log(1e-12)
    assert cross_entropy(Y, softmax(logits)) == pytest.approx(12 * math.log(10.0), rel=1e-14)


@pytest.mark.parametrize("num_classes", [2, 3, 10])
def test_initial_loss_of_a_zero_classifier_is_log_c(num_classes):
    """With all logits zero every class gets 1/C, so the loss is -log(1/C) = log(C)."""
    Y = one_hot(np.arange(7) % num_classes, num_classes)
    assert cross_entropy_from_logits(Y, np.zeros((7, num_classes))) == pytest.approx(math.log(num_classes), rel=1e-14)


# ---------------------------------------------------------------- softmax_cross_entropy_grad

def test_grad_by_hand():
    """(P - Y) / N for two rows of logits whose softmax is known exactly."""
    # softmax([0, 0]) = [1/2, 1/2]; softmax([0, log 3]) = [1/4, 3/4]
    logits = np.array([[0.0, 0.0], [0.0, math.log(3.0)]])
    Y = np.array([[1.0, 0.0], [1.0, 0.0]])
    # P - Y = [[-1/2, 1/2], [-3/4, 3/4]]; divided by N = 2
    expected = np.array([[-0.25, 0.25], [-0.375, 0.375]])
    np.testing.assert_allclose(softmax_cross_entropy_grad(logits, Y), expected, rtol=1e-14)


def test_grad_rows_sum_to_zero():
    """Each row of P - Y sums to 1 - 1 = 0."""
    rng = np.random.default_rng(5)
    grad = softmax_cross_entropy_grad(rng.normal(size=(6, 4)), one_hot(rng.integers(0, 4, 6), 4))
    np.testing.assert_allclose(grad.sum(axis=1), np.zeros(6), atol=1e-16)


@pytest.mark.parametrize("scale", [0.1, 1.0])
def test_grad_matches_central_differences(scale):
    """softmax_cross_entropy_grad agrees with numerical_gradient of cross_entropy_from_logits (rel. error < 1e-6)."""
    # Moderate logits: with much larger ones some P entries are ~1e-7, and the entry-wise relative
    # error of such a tiny entry measures the finite differences' rounding (~1e-10), not the gradient.
    rng = np.random.default_rng(6)
    logits = rng.normal(scale=scale, size=(5, 4))
    Y = one_hot(rng.integers(0, 4, size=5), 4)
    numerical = numerical_gradient(lambda z: cross_entropy_from_logits(Y, z), logits.copy())
    analytic = softmax_cross_entropy_grad(logits, Y)
    assert analytic.shape == (5, 4)
    assert relative_error(analytic, numerical) < 1e-6
    assert np.linalg.norm(analytic - numerical) / np.linalg.norm(analytic + numerical) < 1e-6


def test_grad_is_finite_for_huge_logits():
    """The gradient at logits of +-1e4 is finite: (P - Y) / N with P one-hot."""
    logits = np.array([[1e4, -1e4]])
    grad, caught = no_warnings(softmax_cross_entropy_grad, logits, np.array([[0.0, 1.0]]))
    assert caught == []
    np.testing.assert_array_equal(grad, [[1.0, -1.0]])


def test_grad_bad_input():
    """Logits and Y of different shapes are refused, naming both."""
    with pytest.raises(ValueError, match=re.escape("Y and logits must have the same shape (N, C); received (2, 3) and (2, 2)")):
        softmax_cross_entropy_grad(np.zeros((2, 2)), Y_HAND)


# ---------------------------------------------------------------- accuracy

def test_accuracy_by_hand():
    """3 of 4 rows have their largest probability at the true label."""
    probs = np.array([
        [0.7, 0.2, 0.1],    # argmax 0, label 0: right
        [0.1, 0.3, 0.6],    # argmax 2, label 2: right
        [0.2, 0.5, 0.3],    # argmax 1, label 1: right
        [0.4, 0.35, 0.25],  # argmax 0, label 1: wrong
    ])
    # 3 / 4 = 0.75
    result = accuracy([0, 2, 1, 1], probs)
    assert isinstance(result, float)
    assert result == 0.75


def test_accuracy_works_on_logits_too():
    """softmax keeps the argmax, so accuracy of the logits equals accuracy of the probabilities."""
    rng = np.random.default_rng(7)
    logits = rng.normal(size=(20, 5))
    labels = rng.integers(0, 5, size=20)
    assert accuracy(labels, logits) == accuracy(labels, softmax(logits))


@pytest.mark.parametrize(
    "labels, probs, message",
    [
        ([0, 1, 2], P_HAND, "probs and labels must have one row per example: probs has 2 rows, labels has 3 entries"),
        ([0, 3], P_HAND, "labels must lie in 0..2 for 3 classes; received values from 0 to 3"),
        ([0.0, 1.0], P_HAND, "labels must be a 1-D array of integer class labels"),
        ([0, 1], P_HAND[0], "probs must be a 2-D array; received an array of shape (3,)"),
    ],
)
def test_accuracy_bad_input(labels, probs, message):
    """Mismatched lengths, labels out of range or not integers, and 1-D probs are refused."""
    with pytest.raises(ValueError, match=re.escape(message)):
        accuracy(labels, probs)


# ---------------------------------------------------------------- train_softmax_regression

def test_training_shapes_and_history():
    """W is (D, C), b (C,), and history holds one float per epoch for loss and accuracy."""
    X, labels = X_EPOCH, LABELS_EPOCH
    W, b, history = train_softmax_regression(X, labels, 3, 0.1, 4, 2, np.random.default_rng(0))
    assert W.shape == (2, 3) and b.shape == (3,)
    assert set(history) == {"loss", "accuracy"}
    assert len(history["loss"]) == len(history["accuracy"]) == 4
    assert all(isinstance(v, float) for v in history["loss"] + history["accuracy"])


def test_training_with_validation_data_records_val_keys():
    """With X_val and labels_val, history also has val_loss and val_accuracy, one per epoch."""
    X_val, labels_val = X_EPOCH[:3] + 0.5, np.array([0, 1, 2])
    W, b, history = train_softmax_regression(X_EPOCH, LABELS_EPOCH, 3, 0.1, 5, 4, np.random.default_rng(0),
                                             X_val=X_val, labels_val=labels_val)
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 5 for values in history.values())
    # the last entries describe the returned W and b
    Y_val = one_hot(labels_val, 3)
    assert history["val_loss"][-1] == pytest.approx(cross_entropy_from_logits(Y_val, X_val @ W + b), rel=1e-14)
    assert history["val_accuracy"][-1] == accuracy(labels_val, X_val @ W + b)


def test_zero_epochs_returns_zeros_and_an_empty_history():
    """epochs=0 returns the starting point W = 0, b = 0 and empty lists."""
    W, b, history = train_softmax_regression(X_EPOCH, LABELS_EPOCH, 3, 0.1, 0, 2, np.random.default_rng(0))
    assert np.array_equal(W, np.zeros((2, 3))) and np.array_equal(b, np.zeros(3))
    assert history == {"loss": [], "accuracy": []}


def test_one_full_batch_epoch_by_hand():
    """One epoch with batch_size = N from W = 0, b = 0 is one gradient step, redone by hand."""
    lr = 0.5
    W, b, history = train_softmax_regression(X_EPOCH, LABELS_EPOCH, 3, lr, 1, 4, np.random.default_rng(0))
    # zero logits -> P = 1/3 everywhere; Y rows are classes [0, 1, 2, 1]
    # P - Y = [[-2/3, 1/3, 1/3], [1/3, -2/3, 1/3], [1/3, 1/3, -2/3], [1/3, -2/3, 1/3]]
    # X.T @ (P - Y): feature 0 = [1, 0, 1, 2] -> 1*row0 + 1*row2 + 2*row3 = [1/3, -2/3, 1/3]
    #                feature 1 = [0, 1, 1, -1] -> row1 + row2 - row3   = [1/3, 1/3, -2/3]
    # dW = X.T @ (P - Y) / 4 = [[1/12, -1/6, 1/12], [1/12, 1/12, -1/6]]; W1 = -0.5 * dW
    np.testing.assert_allclose(W, [[-1 / 24, 1 / 12, -1 / 24], [-1 / 24, -1 / 24, 1 / 12]], rtol=1e-14)
    # column sums of P - Y = [1/3, -2/3, 1/3]; db = [1/12, -1/6, 1/12]; b1 = -0.5 * db
    np.testing.assert_allclose(b, [-1 / 24, 1 / 12, -1 / 24], rtol=1e-14)
    # the same step written with the general formula
    Y = one_hot(LABELS_EPOCH, 3)
    N, C = Y.shape
    np.testing.assert_allclose(W, -lr * X_EPOCH.T @ (1 / C - Y) / N, rtol=1e-14)
    np.testing.assert_allclose(b, -lr * np.sum((1 / C - Y) / N, axis=0), rtol=1e-14)
    # the recorded loss is that of the updated W, b, below the initial log(3)
    logits = X_EPOCH @ W + b
    shifted = logits - logits.max(axis=1, keepdims=True)
    expected_loss = np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(4), LABELS_EPOCH])
    assert history["loss"] == [pytest.approx(expected_loss, rel=1e-13)]
    assert history["loss"][0] < math.log(3.0)


def test_minibatch_epoch_visits_every_example():
    """With batch_size 1 (SGD), one epoch makes N updates: the same result as stepping by hand in rng's order."""
    lr = 0.3
    W, b, _ = train_softmax_regression(X_EPOCH, LABELS_EPOCH, 3, lr, 1, 1, np.random.default_rng(9))
    order = np.random.default_rng(9).permutation(4)        # the order the epoch used
    W_hand, b_hand = np.zeros((2, 3)), np.zeros(3)
    Y = one_hot(LABELS_EPOCH, 3)
    for i in order:
        d_logits = softmax(X_EPOCH[i] @ W_hand + b_hand) - Y[i]   # (C,), a batch of one: / 1
        W_hand = W_hand - lr * np.outer(X_EPOCH[i], d_logits)
        b_hand = b_hand - lr * d_logits
    np.testing.assert_allclose(W, W_hand, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(b, b_hand, rtol=1e-13, atol=1e-16)


def test_training_is_reproducible_with_the_same_seed():
    """The same seed gives identical weights and history; another seed another shuffle and weights."""
    X, labels = np.random.default_rng(0).normal(size=(30, 3)), np.arange(30) % 3
    W1, b1, h1 = train_softmax_regression(X, labels, 3, 0.2, 3, 4, np.random.default_rng(11))
    W2, b2, h2 = train_softmax_regression(X, labels, 3, 0.2, 3, 4, np.random.default_rng(11))
    W3, _, _ = train_softmax_regression(X, labels, 3, 0.2, 3, 4, np.random.default_rng(12))
    assert np.array_equal(W1, W2) and np.array_equal(b1, b2) and h1 == h2
    assert not np.array_equal(W1, W3)


def test_training_leaves_the_callers_arrays_unchanged():
    """X and labels are not shuffled in place."""
    X, labels = X_EPOCH.copy(), LABELS_EPOCH.copy()
    train_softmax_regression(X, labels, 3, 0.1, 3, 2, np.random.default_rng(0))
    assert np.array_equal(X, X_EPOCH) and np.array_equal(labels, LABELS_EPOCH)


def test_training_reaches_90_percent_on_the_digits():
    """lr 0.5, 15 epochs, batches of 32 on the digits scaled by 1/16: validation accuracy >= 90 %."""
    X, y = load_digits()
    rng = np.random.default_rng(0)
    X_train, y_train, X_val, y_val, _, _ = train_val_test_split(X / 16.0, y, rng)
    W, b, history = train_softmax_regression(X_train, y_train, 10, 0.5, 15, 32, rng, X_val=X_val, labels_val=y_val)
    assert W.shape == (64, 10) and b.shape == (10,)
    assert history["val_accuracy"][-1] >= 0.90
    assert history["loss"][-1] < history["loss"][0] < math.log(10.0)     # starts below log(10) after one epoch, then falls


@pytest.mark.parametrize(
    "labels, kwargs, error, message",
    [
        ([0, 1, 3, 1], {}, ValueError, "labels must lie in 0..2 for 3 classes; received values from 0 to 3"),
        ([0, -1, 2, 1], {}, ValueError, "labels must lie in 0..2 for 3 classes; received values from -1 to 2"),
        ([0.0, 1.0, 2.0, 1.0], {}, ValueError, "labels must be a 1-D array of integer class labels; received an array of shape (4,) and dtype float64"),
        (LABELS_EPOCH, {"rng": 0}, TypeError, "rng must be a numpy Generator such as np.random.default_rng(0); received int 0"),
        (LABELS_EPOCH, {"rng": None}, TypeError, "rng must be a numpy Generator such as np.random.default_rng(0); received NoneType None"),
        (LABELS_EPOCH, {"batch_size": 0}, ValueError, "batch_size must be a positive integer; received 0"),
        (LABELS_EPOCH, {"batch_size": 5}, ValueError, "batch_size must be at most the number of examples (4); received 5"),
        (LABELS_EPOCH, {"lr": 0.0}, ValueError, "lr must be positive; received 0.0"),
        (LABELS_EPOCH, {"epochs": -1}, ValueError, "epochs must be a non-negative integer; received -1"),
        (LABELS_EPOCH, {"num_classes": 0}, ValueError, "num_classes must be a positive integer; received 0"),
    ],
)
def test_training_bad_input(labels, kwargs, error, message):
    """Labels out of range or not integers, a bad rng, batch_size, lr, epochs or num_classes are refused."""
    arguments = {"num_classes": 3, "lr": 0.1, "epochs": 1, "batch_size": 2, "rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(error, match=re.escape(message)):
        train_softmax_regression(X_EPOCH, labels, arguments["num_classes"], arguments["lr"], arguments["epochs"],
                                 arguments["batch_size"], arguments["rng"])


@pytest.mark.parametrize(
    "X_val, labels_val",
    [
        (np.zeros((3, 2)), np.array([0, 1])),          # 3 rows, 2 labels
        (np.zeros((3, 5)), np.array([0, 1, 2])),       # 5 features where the training data has 2
        (np.zeros((3, 2)), None),                      # labels_val missing
        (None, np.array([0, 1, 2])),                   # X_val missing
    ],
    ids=["rows differ", "columns differ", "no labels_val", "no X_val"],
)
def test_training_bad_validation_data_names_the_validation_arguments(X_val, labels_val):
    """Bad or half-given validation data is refused before training, with a message naming X_val or labels_val."""
    with pytest.raises(ValueError, match="X_val|labels_val"):
        train_softmax_regression(X_EPOCH, LABELS_EPOCH, 3, 0.1, 1, 2, np.random.default_rng(0),
                                 X_val=X_val, labels_val=labels_val)
