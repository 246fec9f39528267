"""Tests of nettrain_lib.checks: the helpers behind the notebooks' test cells fail in the student's terms."""
import contextlib
import re
import warnings

import numpy as np
import pytest

from nettrain_lib.checks import (
    FIRST_LINE,
    LINE,
    call,
    call_keeping_inputs,
    check_array,
    check_close,
    check_scalar,
    wrapped,
)


@contextlib.contextmanager
def raises_flat(pattern):
    """pytest.raises(AssertionError, match=pattern), with the message's line breaks read as spaces:
    the checks wrap their messages for `nbgrader validate`, and a pattern should not depend on where."""
    with pytest.raises(AssertionError) as info:
        yield info
    message = " ".join(str(info.value).split())
    assert re.search(pattern, message), f"{pattern!r} not found in {message!r}"


def stub(X, y):
    raise NotImplementedError()


def subtract_in_place(a, b):
    a -= b
    return a


def subtract(a, b):
    return a - b


# ---------------------------------------------------------------- call

def test_call_returns_the_result_and_passes_arguments():
    """call passes positional and keyword arguments through and returns the result."""
    assert call(lambda a, b=0: a - b, 5, b=2) == 3


def test_call_turns_a_stub_into_an_assertion_naming_the_function():
    """A function that still raises NotImplementedError fails with an AssertionError naming it."""
    with raises_flat(r"^stub is not implemented yet: replace `raise NotImplementedError\(\)`"):
        call(stub, np.zeros((2, 1)), np.zeros(2))


def test_call_lets_other_errors_through():
    """Errors other than NotImplementedError are the student's to see, unchanged."""
    def broken(x):
        raise ZeroDivisionError("division by zero in the student's code")

    with pytest.raises(ZeroDivisionError, match="in the student's code"):
        call(broken, 1.0)


def test_call_refuses_something_that_is_not_a_function():
    """A name rebound to a value (e.g. `mse_loss = mse_loss(X, y, w, b)`) gives a clear failure."""
    with raises_flat(re.escape("3.5 should be a function, but it is float 3.5")):
        call(3.5, 1.0)


# ---------------------------------------------------------------- call_keeping_inputs

def test_call_keeping_inputs_passes_when_inputs_are_untouched():
    """A function that computes a new array passes and its result is returned."""
    a = np.array([1.0, 2.0])
    b = np.array([0.5, 0.5])
    result = call_keeping_inputs(subtract, a, b)
    assert np.array_equal(result, [0.5, 1.5])
    assert np.array_equal(a, [1.0, 2.0])


def test_call_keeping_inputs_passes_with_nan_inputs():
    """Inputs that hold NaN and are left alone are not reported as changed (NaN != NaN)."""
    a = np.array([np.nan, 1.0])
    result = call_keeping_inputs(subtract, a, np.array([0.0, 1.0]))
    assert np.isnan(result[0]) and result[1] == 0.0


def test_call_keeping_inputs_detects_a_changed_positional_argument():
    """`a -= b` on the first argument is reported, naming the function and the argument."""
    with raises_flat(r"subtract_in_place changed its input \(argument 1\) in place.*a - lr \* g"):
        call_keeping_inputs(subtract_in_place, np.array([1.0, 2.0]), np.array([0.5, 0.5]))


def test_call_keeping_inputs_detects_a_changed_keyword_argument():
    """A keyword array argument changed in place is reported by its name."""
    def normalize(X, *, w):
        w /= np.linalg.norm(w)
        return X @ w

    with raises_flat(r"normalize changed its input \(w\) in place"):
        call_keeping_inputs(normalize, np.ones((2, 2)), w=np.array([3.0, 4.0]))


def test_call_keeping_inputs_detects_a_single_changed_entry():
    """Changing one entry of a matrix and putting back a slightly different value is reported."""
    def nudge(x):
        x[1, 0] = x[1, 0] + 1e-6 - 1e-6 + 1e-15
        return 0.0

    with raises_flat(r"\(argument 1\)"):
        call_keeping_inputs(nudge, np.ones((2, 2)))


def test_call_keeping_inputs_uses_the_hint():
    """hint replaces the default advice in the failure message."""
    with raises_flat(r"in place\. Save each entry before you change it$"):
        call_keeping_inputs(subtract_in_place, np.zeros(2), np.ones(2), hint="Save each entry before you change it")


def test_call_keeping_inputs_still_reports_a_stub():
    """A stub called through call_keeping_inputs is reported as not implemented."""
    with raises_flat("stub is not implemented yet"):
        call_keeping_inputs(stub, np.zeros((2, 1)), np.zeros(2))


def test_call_keeping_inputs_with_a_string_array_argument():
    """An untouched array of strings (e.g. class names) passes: non-numeric arrays are compared without
    equal_nan (np.isnan does not accept strings)."""
    names = np.array(["cat", "dog"])
    assert call_keeping_inputs(lambda labels: len(labels), names) == 2
    assert np.array_equal(names, ["cat", "dog"])


def test_call_keeping_inputs_detects_a_changed_string_array():
    """A string array changed in place is reported like a numeric one."""
    def rename(labels):
        labels[0] = "cow"
        return len(labels)

    with raises_flat(r"rename changed its input \(argument 1\) in place"):
        call_keeping_inputs(rename, np.array(["cat", "dog"]))


# ---------------------------------------------------------------- check_scalar

@pytest.mark.parametrize("value", [1.5, np.float64(1.5), np.float32(1.5), np.array(1.5), 2, np.int64(2)])
def test_check_scalar_accepts_one_real_number(value):
    """Python and numpy floats and ints, and 0-d arrays, are accepted and returned as a float."""
    result = check_scalar(value, "mse_loss(X, y, w, b)")
    assert type(result) is float
    assert result == float(value)


def test_check_scalar_rejects_a_one_entry_array():
    """A (1,)-shaped array is not one number: the hint says how to return a plain number."""
    with raises_flat(re.escape(
        "mse_loss should be one number, but it is an array of shape (1,) and dtype float64 holding "
        "one value. Return a plain number: float(value)")):
        check_scalar(np.array([1.5]), "mse_loss")


def test_check_scalar_rejects_a_many_entry_array_and_asks_about_the_mean():
    """A (3,)-shaped array is not one number: the hint asks whether a mean or sum is missing."""
    with raises_flat(re.escape(
        "mse_loss should be one number, but it is an array of shape (3,) and dtype float64. "
        "Did you forget to average")):
        check_scalar(np.array([1.5, 2.0, 3.0]), "mse_loss")


def test_check_close_gives_no_factor_hint_for_a_negative_ratio_other_than_minus_one():
    """-1/5 of the expected value is a different formula, not a missing factor: no hint."""
    with pytest.raises(AssertionError) as info:
        check_close([-1.0], [5.0], "dw")
    assert "factor" not in str(info.value) and "sign" not in str(info.value)


def test_substituted_replaces_names_and_restores_them():
    """Inside the block the namespace holds the substitutes; afterwards the originals come back,
    and names that did not exist before are removed again."""
    from nettrain_lib.checks import substituted
    namespace = {"mse_loss": "student's"}
    with substituted(namespace, mse_loss="reference", mse_gradients="reference"):
        assert namespace == {"mse_loss": "reference", "mse_gradients": "reference"}
    assert namespace == {"mse_loss": "student's"}
    with pytest.raises(RuntimeError):
        with substituted(namespace, mse_loss="reference"):
            raise RuntimeError("a failing check inside the block")
    assert namespace == {"mse_loss": "student's"}


@pytest.mark.parametrize(
    "value, received",
    [
        (None, "should be one number; it is NoneType None"),
        (True, "should be one number; it is bool True"),
        (np.True_, "should be one number; it is a single numpy bool True"),
        (np.array(True), "should be one real number; it is a single numpy bool True"),
        ("1.5", "should be one real number; it is str '1.5'"),
        (1 + 2j, "should be one real number; it is complex (1+2j)"),
        (np.complex128(1.0), "should be one real number"),
        ([1.5], "should be one real number; it is list [1.5]"),
    ],
)
def test_check_scalar_rejects_what_is_not_a_real_number(value, received):
    """None, bools, strings, complex numbers and lists are refused, saying what was returned."""
    with raises_flat("^" + re.escape("db " + received)):
        check_scalar(value, "db")


# ---------------------------------------------------------------- check_array

def test_check_array_accepts_the_right_shape():
    """A numeric array of the right shape is returned as it is."""
    dW = np.zeros((3, 2))
    assert check_array(dW, "dW", (3, 2)) is dW
    counts = np.arange(3)
    assert check_array(counts, "counts", [3]) is counts         # shape given as a list works too


def test_check_array_reports_a_wrong_shape():
    """A wrong shape is reported with both shapes."""
    with raises_flat(re.escape("dw should have shape (3,), but it has shape (4,).")):
        check_array(np.zeros(4), "dw", (3,))


def test_check_array_says_transposed():
    """A transposed result is reported as such."""
    with raises_flat(re.escape("dW should have shape (3, 2), but it has shape (2, 3). It looks transposed.")):
        check_array(np.zeros((2, 3)), "dW", (3, 2))


def test_check_array_reports_extra_axes():
    """(N, 1) instead of (N,) has the right number of entries and is reported as an axes problem."""
    with raises_flat(r"shape \(5, 1\)\. It has the right number of entries but extra or missing axes"):
        check_array(np.zeros((5, 1)), "predictions", (5,))


def test_check_array_rejects_lists_and_non_numeric_arrays():
    """A list is not a numpy array, and an array of strings does not hold numbers."""
    with raises_flat(re.escape("dw should be a numpy array of shape (2,); it is list [1.0, 2.0]")):
        check_array([1.0, 2.0], "dw", (2,))
    with raises_flat("dw should hold numbers; it has dtype <U1"):
        check_array(np.array(["a", "b"]), "dw", (2,))


@pytest.mark.parametrize(
    "value, described",
    [
        (np.float64(3.3), "a single numpy float64 3.3"),
        (np.True_, "a single numpy bool True"),
        (None, "NoneType None"),
    ],
)
def test_check_array_describes_what_it_got(value, described):
    """A numpy scalar is described by its dtype and value (value.item()), not by numpy's repr."""
    with raises_flat("^" + re.escape(f"dw should be a numpy array of shape (2,); it is {described}") + "$"):
        check_array(value, "dw", (2,))


# ---------------------------------------------------------------- check_close

def test_check_close_passes_close_values():
    """Values within rtol of the expected ones pass, for numbers, lists and arrays."""
    assert check_close(2.0 * (1 + 1e-9), 2.0, "loss") is None
    assert check_close(np.array([1.0, 2.0]), [1.0, 2.0 + 1e-9], "dw") is None
    assert check_close(np.float64(0.0), 1e-12, "db") is None      # within atol=1e-9 of zero


def test_check_close_reports_actual_and_expected():
    """A wrong value is reported with what was returned and what was expected."""
    with raises_flat(re.escape("loss returned a wrong value It returned 2.5, but the expected value is 2.")):
        check_close(2.5, 2.0, "loss")


def test_check_close_names_the_matching_mistake():
    """When the value matches a known mistake, the failure names that mistake (and only that one)."""
    mistakes = [
        (6.0, "the squared errors are summed instead of averaged (divide by N)"),
        (1.0, "the loss is halved"),
    ]
    with raises_flat(re.escape(
            "loss returned what you get when the squared errors are summed instead of averaged (divide by N) "
            "(it returned 6)")) as info:
        check_close(6.0, 2.0, "loss", mistakes=mistakes)
    assert "halved" not in str(info.value)


def test_check_close_matches_array_mistakes():
    """Array-valued mistakes are matched too, and a mistake of another shape is not."""
    mistakes = [([1.0], "wrong shape, never matched"), ([-1.0, -2.0], "the sign is flipped")]
    with raises_flat("the sign is flipped"):
        check_close([-1.0, -2.0], [1.0, 2.0], "dw", mistakes=mistakes)


def test_check_close_hides_the_expected_value_when_asked():
    """With reveal=False the expected value does not appear in the message."""
    with pytest.raises(AssertionError) as info:
        check_close([1.0, 5.0], [0.123456, 0.654321], "hidden dw", reveal=False)
    message = str(info.value)
    assert "which is not the expected value" in message
    assert "0.123456" not in message and "0.654321" not in message


def test_check_close_mentions_a_constant_ratio():
    """An array off by the same factor everywhere gets "2 times the expected value"."""
    with raises_flat(r"^dw returned a wrong value: it is 2 times the expected value: an extra factor\? It returned"):
        check_close([2.0, -4.0, 0.0], [1.0, -2.0, 0.0], "dw")


def test_check_close_mentions_a_reciprocal_ratio():
    """Half the expected value everywhere (a forgotten factor 2) gets "1/2 of the expected value"."""
    with raises_flat(re.escape(
            "dw returned a wrong value: it is 1/2 of the expected value: a missing factor? "
            "It returned [1., 2.], but the expected value is [2., 4.].")):
        check_close([1.0, 2.0], [2.0, 4.0], "dw")


def test_check_close_mentions_a_sign_error():
    """The expected value with every sign flipped gets "the opposite sign"."""
    with raises_flat(re.escape("dw returned a wrong value: it has the opposite sign: a sign error?")) as info:
        check_close([-1.0, -2.0], [1.0, 2.0], "dw")
    assert "times the expected value" not in str(info.value)


@pytest.mark.parametrize("actual", [1.5, 0.75, 2.5, -1.5])
def test_check_close_no_ratio_hint_unless_it_is_a_whole_factor(actual):
    """A ratio that is neither a whole number nor the reciprocal of one (1.5, 3/4, ...) names no factor:
    that would point at the wrong mistake."""
    with pytest.raises(AssertionError) as info:
        check_close(actual, 1.0, "loss")
    assert str(info.value) == f"loss returned a wrong value\nIt returned {actual:g}, but the expected value is 1."


def test_check_close_mentions_a_ratio_of_n():
    """A loss summed instead of averaged over 3 examples is 3 times the expected value."""
    with raises_flat("it is 3 times the expected value"):
        check_close(6.0, 2.0, "loss")


def test_check_close_no_ratio_when_it_is_not_constant():
    """Arrays that differ by different factors get no ratio hint."""
    with pytest.raises(AssertionError) as info:
        check_close([2.0, 3.0], [1.0, 2.0], "dw")
    assert "times the expected value" not in str(info.value)


def test_check_close_shape_mismatch_fails():
    """A result of another shape fails, even when its entries are the expected ones."""
    with raises_flat("dw returned"):
        check_close([[1.0, 2.0]], [1.0, 2.0], "dw")


def test_check_close_hidden_expected_value_cannot_be_recovered():
    """With reveal=False, no number in the message lets the student compute the expected value."""
    actual, expected = 0.1, 0.7364
    with pytest.raises(AssertionError) as info:
        check_close(actual, expected, "hidden loss", reveal=False)
    numbers = [float(n) for n in re.findall(r"\d+\.?\d*(?:e[-+]?\d+)?", str(info.value))]
    for number in numbers:
        assert abs(number - expected) > 1e-3
        assert number == 0 or abs(actual / number - expected) > 1e-3


@pytest.mark.parametrize("actual, expected", [(6.0, 2.0), ([2.0, 4.0], [1.0, 2.0]), (-0.5, 0.5)])
def test_check_close_hidden_test_gives_no_ratio_hint(actual, expected):
    """With reveal=False even a whole-number ratio is not mentioned: it would give the expected value away."""
    with pytest.raises(AssertionError) as info:
        check_close(actual, expected, "hidden loss", reveal=False)
    message = str(info.value)
    assert message.startswith("hidden loss returned a wrong value\n")
    assert message.endswith(", which is not the expected value.")
    assert "expected value:" not in message and "opposite sign" not in message and "times" not in message


@pytest.mark.parametrize(
    "actual, described",
    [
        ("two", "str 'two'"),
        ("2.0", "str '2.0'"),
        (None, "NoneType None"),
        ((np.array([1.0, 2.0]), 3.0), "tuple (array([1., 2.]), 3.0)"),
        ({"loss": 2.0}, "dict {'loss': 2.0}"),
    ],
)
def test_check_close_non_numeric_result_is_an_assertion(actual, described):
    """A result that is not numbers (even a string that reads as the right number) fails, naming the function."""
    with raises_flat("^" + re.escape(
            f"loss should be a number or an array of numbers; it is {described}") + "$"):
        check_close(actual, 2.0, "loss")


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")
@pytest.mark.parametrize("actual", [["2.0"], np.array(["2.0"]), np.array([2.0 + 1.0j])])
def test_check_close_non_numeric_array_is_an_assertion(actual):
    """An array (or list) of strings, or of complex numbers, is not an array of real numbers and fails."""
    with raises_flat(re.escape("dw should be a number or an array of numbers; it is")):
        check_close(actual, [2.0], "dw")


def test_recording_generator_remembers_each_permutation_once_however_it_is_drawn():
    """permutation, shuffle of an index array and choice without replacement are each recorded once
    (numpy's methods call one another internally); other draws are not recorded."""
    from nettrain_lib.checks import RecordingGenerator
    rng = RecordingGenerator(0)
    assert isinstance(rng, np.random.Generator)
    first = rng.permutation(5)
    indices = np.arange(4)
    rng.shuffle(indices)
    third = rng.choice(6, 6, replace=False)
    rng.choice(6, 3)                     # with replacement: not a permutation
    rng.normal(size=3)
    assert [order.tolist() for order in rng.orders] == [first.tolist(), indices.tolist(), third.tolist()]
    # The same seed draws the same numbers as a plain Generator.
    assert np.array_equal(RecordingGenerator(3).permutation(10), np.random.Generator(np.random.PCG64(3)).permutation(10))


def test_call_recording_warnings_returns_the_result_and_numpys_runtime_warnings():
    """The RuntimeWarnings raised during the call are returned, other warnings are not, and inputs
    changed in place still fail."""
    from nettrain_lib.checks import call_recording_warnings

    def divide(X):
        warnings.warn("not numpy's", UserWarning, stacklevel=2)
        return X / 0.0

    result, caught = call_recording_warnings(divide, np.array([1.0, 0.0]))
    assert np.isinf(result[0]) and np.isnan(result[1])
    assert sorted(str(w.message) for w in caught) == ["divide by zero encountered in divide",
                                                      "invalid value encountered in divide"]
    result, caught = call_recording_warnings(np.add, np.array([1.0]), 1.0)
    assert result.tolist() == [2.0] and caught == []

    def in_place(X):
        X += 1
        return X

    with raises_flat("changed its input"):
        call_recording_warnings(in_place, np.array([1.0]))


class PretendsToBe:
    """A lying answer: converts itself to whatever array it is compared with."""

    def __init__(self):
        self.value = None

    def __array__(self, dtype=None, copy=None):
        return np.asarray([2.0] if self.value is None else self.value, dtype=dtype)


def test_objects_that_convert_themselves_to_arrays_are_not_answers():
    from nettrain_lib.checks import check_count

    for check in (lambda v: check_close(v, [2.0], "x"), lambda v: check_count(v, 1, "x"),
                  lambda v: check_close([v], [[2.0]], "x")):
        with raises_flat("should be a number or an array of numbers"):
            check(PretendsToBe())
    # what students really return still passes: arrays, numpy and Python numbers, lists, ranges
    check_close(np.array([2.0]), [2.0], "x")
    check_close(np.float32(2.0), 2.0, "x")
    check_close([2, 3.0], [2.0, 3.0], "x")
    assert check_count(range(3), 3, "x").tolist() == [0.0, 1.0, 2.0]


# ---------------------------------------------------------------- wrapped messages

def test_messages_fit_the_lines_nbgrader_validate_prints():
    """Every line of a failure survives `nbgrader validate`'s cut at 90 characters, first line included
    after "AssertionError: "; code in backticks is never broken across lines."""
    message = ("numerical_gradient with eps=0.1 returned what you get when you divide by eps instead of "
               "2 * eps: the two points are 2 * eps apart; write `(f_plus - f_minus) / (2 * eps)`, not "
               "`(f_plus - f_minus) / 2 * eps`\n(it returned [6.02, 24.02, 1.52])")
    lines = wrapped(message).split("\n")
    assert len(lines[0]) <= FIRST_LINE and all(len(line) <= LINE for line in lines)
    assert " ".join(" ".join(lines).split()) == " ".join(message.split())
    assert any("`(f_plus - f_minus) / 2 * eps`" in line for line in lines)
    assert lines[-1] == "(it returned [6.02, 24.02, 1.52])"


def test_a_known_mistake_is_named_before_the_values():
    with pytest.raises(AssertionError) as info:
        check_close([2.0, 4.0], [1.0, 2.0], "dw", mistakes=[([2.0, 4.0], "the factor 2 is doubled")])
    first, *rest = str(info.value).split("\n")
    assert first == "dw returned what you get when the factor 2 is doubled"
    assert rest == ["(it returned [2., 4.])"]


def test_check_that_fails_with_the_wrapped_message_only_when_the_condition_is_false():
    from nettrain_lib.checks import check_that
    check_that(np.all(np.array([1, 2]) > 0), "never shown")
    message = "the validation rows are the LAST rows (as Keras takes them), not the first: take rows n_train..n-1"
    with pytest.raises(AssertionError) as info:
        check_that(False, message)
    assert str(info.value) == wrapped(message) and "\n" in str(info.value)


def test_call_keeping_inputs_sees_lists_and_the_arrays_in_them_changed():
    """A network's params and cache are lists of arrays: emptying the list, replacing a pair, or
    updating an array inside it in place is a change of the caller's input, like X -= ... is."""
    def params():
        return [(np.ones((2, 3)), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))]

    def empties(p, g):
        p.clear()
        return []

    def replaces(p, g):
        p[0] = (p[0][0] * 2, p[0][1])
        return p

    def in_place(p, g):
        for (W, _), (dW, _) in zip(p, g):
            W -= 0.1 * dW
        return p

    def sorts(values):
        values.sort()
        return values[0]

    for function in (empties, replaces, in_place):
        with pytest.raises(AssertionError, match=r"changed its input \(argument 1\) in place: a list"):
            call_keeping_inputs(function, params(), params())
    with pytest.raises(AssertionError, match="in place"):
        call_keeping_inputs(sorts, [3.0, 1.0, float("nan")])

    def new_list(p, g):
        return [(W - 0.1 * dW, b - 0.1 * db) for (W, b), (dW, db) in zip(p, g)]

    result = call_keeping_inputs(new_list, params(), params())
    assert np.allclose(result[0][0], 0.9)
    assert call_keeping_inputs(lambda values: min(values), [3.0, float("nan")]) == 3.0
    assert call_keeping_inputs(lambda d: d["a"] + 1, {"a": np.ones(2)})[0] == 2.0


def test_drawn_in_turn_accepts_real_draws_and_rejects_orders_written_by_hand():
    """Orders drawn from the generator in turn (permutation, choice, shuffle) pass and give the state
    after them; an order put in the record by hand, or one drawn after another draw, fails."""
    from nettrain_lib.checks import RecordingGenerator, drawn_in_turn

    rng = RecordingGenerator(3)
    first = rng.permutation(10)
    second = rng.choice(10, 10, replace=False)
    third = second.copy()
    rng.shuffle(third)
    end = drawn_in_turn(rng.orders, np.random.default_rng(3), "one permutation per epoch")
    assert rng.bit_generator.state == end and len(rng.orders) == 3 and np.array_equal(rng.orders[0], first)

    forged = RecordingGenerator(3)
    forged._keep(np.roll(np.arange(10), 3))
    with pytest.raises(AssertionError, match="epoch 1's order is not the next draw from rng: draw"):
        drawn_in_turn(forged.orders, np.random.default_rng(3), "draw one permutation per epoch")
    late = RecordingGenerator(3)
    late.random()
    late.permutation(10)
    with pytest.raises(AssertionError, match="epoch 1's order"):
        drawn_in_turn(late.orders, np.random.default_rng(3), "nothing else")
