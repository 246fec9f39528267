"""Tests of nettrain_lib.nn.callbacks: EarlyStopping's Keras rules fed scripted monitor values,
ModelCheckpoint's files, names and contents, then both in a real fit; and the callbacks fit adds
itself (History, the progress line, the NaN stop)."""
import os
import re

import numpy as np
import pytest

from nettrain_lib import (
    SGD,
    Callback,
    Dense,
    EarlyStopping,
    History,
    ModelCheckpoint,
    Sequential,
    TerminateOnNaN,
    load_model,
)


class ScriptedModel:
    """A stand-in for Sequential with what EarlyStopping uses: get_weights, set_weights, stop_training."""

    def __init__(self):
        self.weights = [np.array([-1.0])]
        self.stop_training = False

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def run_script(callback, values, monitor="val_loss"):
    """Feed `values` of `monitor`, one per epoch, as fit would; the weights of epoch e are [e].

    Returns the epochs that ran, the wait after each, and the model."""
    model = ScriptedModel()
    callback.set_model(model)
    callback.on_train_begin()
    epochs, waits = [], []
    for epoch, value in enumerate(values):
        model.weights = [np.array([float(epoch)])]          # "training" in this epoch
        callback.on_epoch_end(epoch, {"loss": 0.5, monitor: value})
        epochs.append(epoch)
        waits.append(getattr(callback, "wait", None))
        if model.stop_training:
            break
    callback.on_train_end()
    return epochs, waits, model


def classification_data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 0.5)
    return X, labels


def classifier(seed=1, lr=0.3):
    model = Sequential([Dense(8, activation="relu"), Dense(3, activation="softmax")], seed=seed, dtype="float64")
    model.compile(optimizer=SGD(learning_rate=lr, momentum=0.9), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


# ---------------------------------------------------------------- EarlyStopping, scripted

def test_early_stopping_keras_example():
    """val_loss [1.0, 0.9, 0.95, 0.97, 0.8], patience 2: wait 0, 0, 1, 2 -> stop after epoch index 3."""
    callback = EarlyStopping(patience=2)
    epochs, waits, model = run_script(callback, [1.0, 0.9, 0.95, 0.97, 0.8])
    # epoch 0: the first value is always the best so far -> wait 0
    # epoch 1: 0.9 < 1.0 improves                        -> wait 0
    # epoch 2: 0.95 is not below 0.9                       -> wait 1 (< 2, go on)
    # epoch 3: 0.97 is not below 0.9                       -> wait 2 >= patience: stop
    assert epochs == [0, 1, 2, 3]
    assert waits == [0, 0, 1, 2]
    assert model.stop_training and callback.stopped_epoch == 3
    assert callback.best == 0.9 and callback.best_epoch == 1
    np.testing.assert_array_equal(model.weights[0], [3.0])      # no restore_best_weights: the last weights


def test_early_stopping_patience_0_stops_at_the_first_non_improvement():
    """patience 0 stops at the first epoch that does not improve; a value equal to the best is no improvement."""
    assert run_script(EarlyStopping(patience=0), [1.0, 0.9, 0.9, 0.5])[0] == [0, 1, 2]
    assert run_script(EarlyStopping(patience=0), [1.0, 0.9, 0.8, 0.7])[0] == [0, 1, 2, 3]


def test_early_stopping_wait_grows_until_an_improvement_resets_it():
    """wait counts the epochs since the best; an improvement sets it back to 0."""
    epochs, waits, _ = run_script(EarlyStopping(patience=3), [1.0, 1.1, 1.2, 0.9, 1.0, 1.0, 1.0, 0.1])
    # improvements at epochs 0 and 3; stop when wait reaches 3 at epoch 6
    assert epochs == [0, 1, 2, 3, 4, 5, 6]
    assert waits == [0, 1, 2, 0, 1, 2, 3]


def test_early_stopping_min_delta():
    """An improvement must beat the best by more than min_delta (its sign does not matter)."""
    values = [1.0, 0.95, 0.92, 0.91]
    # min_delta 0.1: 0.95 + 0.1 and 0.92 + 0.1 are not below 1.0 -> wait 1, 2 -> stop at epoch 2
    assert run_script(EarlyStopping(patience=2, min_delta=0.1), values)[0] == [0, 1, 2]
    assert run_script(EarlyStopping(patience=2, min_delta=-0.1), values)[0] == [0, 1, 2]
    # without min_delta each value improves and training goes on
    assert run_script(EarlyStopping(patience=2), values)[0] == [0, 1, 2, 3]
    # improvements larger than min_delta reset wait; the reference is the best, not the previous epoch
    epochs, waits, _ = run_script(EarlyStopping(patience=2, min_delta=0.1), [1.0, 0.85, 0.8, 0.7, 0.69])
    # 0.85 + 0.1 < 1.0: best 0.85; 0.8 + 0.1 >= 0.85: wait 1; 0.7 + 0.1 < 0.85: best 0.7; 0.69 + 0.1 >= 0.7: wait 1
    assert epochs == [0, 1, 2, 3, 4] and waits == [0, 0, 1, 0, 1]


@pytest.mark.parametrize("monitor", ["val_accuracy", "accuracy"])
def test_early_stopping_auto_mode_maximizes_accuracy(monitor):
    """mode "auto" maximizes an accuracy: [0.5, 0.6, 0.55, 0.58, 0.7] with patience 2 stops at epoch 3."""
    callback = EarlyStopping(monitor=monitor, patience=2)
    assert callback.mode == "max"
    epochs, waits, _ = run_script(callback, [0.5, 0.6, 0.55, 0.58, 0.7], monitor=monitor)
    assert epochs == [0, 1, 2, 3] and waits == [0, 0, 1, 2]
    assert callback.best == 0.6


def test_early_stopping_explicit_modes():
    """mode "max" and "min" override the guess from the name; "auto" minimizes a loss."""
    assert EarlyStopping().mode == "min" and EarlyStopping(monitor="loss").mode == "min"
    # minimizing an accuracy: 0.6 and 0.55 do not go below 0.5 -> stop at epoch 2
    assert run_script(EarlyStopping(monitor="val_accuracy", mode="min", patience=2),
                      [0.5, 0.6, 0.55, 0.58], monitor="val_accuracy")[0] == [0, 1, 2]
    # maximizing a loss: 0.9 and 0.8 do not go above 1.0 -> stop at epoch 2
    assert run_script(EarlyStopping(mode="max", patience=2), [1.0, 0.9, 0.8, 0.7])[0] == [0, 1, 2]


def test_restore_best_weights_after_stopping():
    """restore_best_weights puts back the weights of the best epoch (1) when training ends."""
    callback = EarlyStopping(patience=2, restore_best_weights=True)
    epochs, _, model = run_script(callback, [1.0, 0.9, 0.95, 0.97, 0.8])
    assert epochs == [0, 1, 2, 3]
    np.testing.assert_array_equal(model.weights[0], [1.0])
    assert callback.best_epoch == 1


def test_restore_best_weights_without_stopping():
    """As in Keras 3, the best weights are restored at the end even when training ran all its epochs."""
    _, _, model = run_script(EarlyStopping(patience=5, restore_best_weights=True), [1.0, 0.8, 0.9])
    np.testing.assert_array_equal(model.weights[0], [1.0])


def test_restore_best_weights_keeps_a_copy():
    """The stored best weights are a copy: training that changes the arrays in place does not change them."""
    model = ScriptedModel()
    callback = EarlyStopping(patience=5, restore_best_weights=True)
    callback.set_model(model)
    callback.on_train_begin()
    model.weights = [np.array([0.0])]
    callback.on_epoch_end(0, {"val_loss": 1.0})
    model.weights[0][...] = 42.0                                    # an in-place update
    callback.on_epoch_end(1, {"val_loss": 2.0})
    callback.on_train_end()
    np.testing.assert_array_equal(model.weights[0], [0.0])


def test_early_stopping_can_be_reused():
    """on_train_begin resets wait and best, so one callback serves several fits."""
    callback = EarlyStopping(patience=1)
    assert run_script(callback, [0.1, 0.2])[0] == [0, 1]
    # a new run with larger values: the old best 0.1 is forgotten
    assert run_script(callback, [1.0, 0.9, 0.8])[0] == [0, 1, 2]


def test_early_stopping_verbose_messages(capsys):
    """verbose=1 says when it stopped and which epoch's weights it restored (epochs counted from 1)."""
    run_script(EarlyStopping(patience=2, verbose=1, restore_best_weights=True), [1.0, 0.9, 0.95, 0.97, 0.8])
    assert capsys.readouterr().out.splitlines() == [
        "Epoch 4: early stopping",
        "Restoring model weights from the end of the best epoch: 2.",
    ]
    run_script(EarlyStopping(patience=2), [1.0, 0.9, 0.95, 0.97, 0.8])
    assert capsys.readouterr().out == ""


def test_early_stopping_unknown_monitor_in_a_script():
    """A monitored name missing from the logs raises a ValueError naming it and listing what is there."""
    with pytest.raises(ValueError, match=re.escape(
            "EarlyStopping monitors 'val_acc', which fit does not compute; available: ['loss', 'val_loss']")):
        run_script(EarlyStopping(monitor="val_acc"), [1.0])


def test_early_stopping_on_val_loss_without_validation_data():
    """In a real fit without validation_split or validation_data, val_loss does not exist: ValueError."""
    X, labels = classification_data(20)
    with pytest.raises(ValueError, match=re.escape(
            "EarlyStopping monitors 'val_loss', which fit does not compute; available: ['accuracy', 'loss']. "
            "Use validation_split or validation_data to get val_* values")):
        classifier().fit(X, labels, epochs=2, verbose=0, callbacks=[EarlyStopping()])


@pytest.mark.parametrize(
    "arguments, message",
    [
        (dict(mode="maximum"), "mode must be 'auto', 'min' or 'max'; received 'maximum'"),
        (dict(patience=-1), "patience must be a whole number >= 0; received -1"),
        (dict(patience=1.5), "patience must be a whole number >= 0; received 1.5"),
        (dict(patience=True), "patience must be a whole number >= 0; received True"),
    ],
)
def test_early_stopping_bad_arguments(arguments, message):
    """Bad mode or patience raise a ValueError naming the argument."""
    with pytest.raises(ValueError, match=re.escape(message)):
        EarlyStopping(**arguments)


# ---------------------------------------------------------------- ModelCheckpoint, scripted

def marked_model():
    """A built model whose bias we set to the epoch number, so each saved file says which epoch it holds."""
    model = Sequential([Dense(2)], seed=0, dtype="float64")
    model.compile(optimizer="sgd", loss="mse")
    model.build(1)
    return model


def run_checkpoint(callback, values, monitor="val_loss"):
    model = marked_model()
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, value in enumerate(values):
        model.set_weights([np.zeros((1, 2)), np.full(2, float(epoch))])
        callback.on_epoch_end(epoch, {"loss": 0.5, monitor: value})
    callback.on_train_end()
    return model


def saved_epoch(path):
    """The epoch whose weights a checkpoint file holds (its bias)."""
    return int(load_model(path).get_weights()[1][0])


def test_checkpoint_save_best_only_writes_only_on_improvement(tmp_path):
    """val_loss [1.0, 0.8, 0.9, 0.7, 0.75]: files for epochs 1, 2 and 4 (improvements) only."""
    run_checkpoint(ModelCheckpoint(tmp_path / "ckpt-{epoch:02d}.npz", save_best_only=True), [1.0, 0.8, 0.9, 0.7, 0.75])
    assert sorted(os.listdir(tmp_path)) == ["ckpt-01.npz", "ckpt-02.npz", "ckpt-04.npz"]
    # {epoch} counts from 1, the weights inside are those of epoch index epoch - 1
    assert [saved_epoch(tmp_path / f"ckpt-{e:02d}.npz") for e in (1, 2, 4)] == [0, 1, 3]


def test_checkpoint_one_file_holds_the_best_epoch(tmp_path):
    """With a fixed file name and save_best_only, the file ends with the best epoch's model."""
    path = tmp_path / "best.npz"
    run_checkpoint(ModelCheckpoint(path, save_best_only=True), [1.0, 0.8, 0.9, 0.7, 0.75])
    assert os.listdir(tmp_path) == ["best.npz"]
    assert saved_epoch(path) == 3
    loaded = load_model(path)
    assert loaded.loss.name == "mse" and loaded.optimizer.get_config()["name"] == "sgd"


def test_checkpoint_max_mode_for_accuracy(tmp_path):
    """Monitoring val_accuracy, "auto" saves when it goes up."""
    run_checkpoint(ModelCheckpoint(tmp_path / "a-{epoch}.npz", monitor="val_accuracy", save_best_only=True),
                   [0.5, 0.4, 0.6, 0.6, 0.7], monitor="val_accuracy")
    assert sorted(os.listdir(tmp_path)) == ["a-1.npz", "a-3.npz", "a-5.npz"]


def test_checkpoint_every_epoch_with_formatted_names(tmp_path):
    """Without save_best_only every epoch is saved; {epoch:02d} and {val_loss:.3f} are filled in."""
    run_checkpoint(ModelCheckpoint(tmp_path / "m-{epoch:02d}-{val_loss:.3f}.npz"), [1.0, 0.12345, 2.5])
    assert sorted(os.listdir(tmp_path)) == ["m-01-1.000.npz", "m-02-0.123.npz", "m-03-2.500.npz"]
    assert saved_epoch(tmp_path / "m-02-0.123.npz") == 1


def test_checkpoint_skips_nan_and_inf(tmp_path):
    """With save_best_only a NaN or inf value is never the best."""
    run_checkpoint(ModelCheckpoint(tmp_path / "c-{epoch}.npz", save_best_only=True), [float("nan"), float("inf"), 1.0])
    assert os.listdir(tmp_path) == ["c-3.npz"]


def test_checkpoint_unknown_monitor(tmp_path):
    """save_best_only on a value that is not logged raises a ValueError naming it."""
    with pytest.raises(ValueError, match=re.escape("ModelCheckpoint monitors 'val_loss', which fit does not compute")):
        run_checkpoint(ModelCheckpoint(tmp_path / "c.npz", save_best_only=True), [1.0], monitor="loss_val")
    assert os.listdir(tmp_path) == []


def test_checkpoint_verbose(tmp_path, capsys):
    """verbose=1 reports each improvement and the file written."""
    path = tmp_path / "best.npz"
    run_checkpoint(ModelCheckpoint(path, save_best_only=True, verbose=1), [1.0, 1.5, 0.5])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[1] == f"Epoch 3: val_loss improved from 1.0 to 0.50000, saving model to {path}"


def test_checkpoint_bad_mode(tmp_path):
    """An unknown mode is refused."""
    with pytest.raises(ValueError, match=re.escape("mode must be 'auto', 'min' or 'max'; received 'best'")):
        ModelCheckpoint(tmp_path / "c.npz", mode="best")


# ---------------------------------------------------------------- both, in a real fit

def test_fit_with_early_stopping_and_checkpoints(tmp_path):
    """A real fit: EarlyStopping(patience=1, restore_best_weights=True) stops it, the model ends with the
    best epoch's weights, the best checkpoint holds the same model, and per-epoch files are named from
    the logged values."""
    X, labels = classification_data(60)
    model = classifier()
    best_path = tmp_path / "best.npz"
    history = model.fit(
        X, labels, batch_size=8, epochs=30, validation_split=0.25, verbose=0,
        callbacks=[EarlyStopping(patience=1, restore_best_weights=True),
                   ModelCheckpoint(best_path, save_best_only=True),
                   ModelCheckpoint(tmp_path / "epoch-{epoch:02d}-{val_loss:.3f}.npz")],
    )
    val_losses = history.history["val_loss"]
    best = int(np.argmin(val_losses))
    assert len(val_losses) < 30                                  # it stopped early ...
    assert len(val_losses) == best + 2                           # ... one epoch (patience 1) after the best
    assert 0 < best                                               # and the best is not the first epoch here
    # floor(60 * 0.75) = 45 training rows: validation rows 45..59
    restored_loss, restored_accuracy = model.evaluate(X[45:], labels[45:], batch_size=8)
    assert restored_loss == pytest.approx(val_losses[best], rel=1e-12)
    assert restored_accuracy == history.history["val_accuracy"][best]
    checkpoint = load_model(best_path)
    assert all(np.array_equal(a, b) for a, b in zip(checkpoint.get_weights(), model.get_weights()))
    expected_files = {"best.npz"} | {f"epoch-{e + 1:02d}-{v:.3f}.npz" for e, v in enumerate(val_losses)}
    assert set(os.listdir(tmp_path)) == expected_files


# ---------------------------------------------------------------- fit's own callbacks

def diverging_fit(**fit_arguments):
    """A model whose loss becomes inf within a few epochs (mse, SGD at a huge learning rate)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    y = X @ np.array([1.0, 2.0, 3.0])
    model = Sequential([Dense(1)], seed=0)
    model.compile(optimizer=SGD(learning_rate=10.0), loss="mse")
    with np.errstate(all="ignore"):
        return model, model.fit(X, y, batch_size=5, epochs=50, verbose=0, **fit_arguments)


class Recorder(Callback):
    """Writes down every hook fit calls, in order, with what fit has told it."""

    def __init__(self):
        self.calls = []

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin", dict(self.params)))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, sorted(logs)))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end",))


def test_fit_calls_every_hook_in_order_with_its_params():
    """fit tells each callback epochs, steps and verbose, then calls the hooks in Keras's order."""
    X = np.random.default_rng(0).normal(size=(10, 2))
    model = Sequential([Dense(2, activation="softmax")], seed=0)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    recorder = Recorder()
    model.fit(X, np.arange(10) % 2, batch_size=4, epochs=2, verbose=0, callbacks=[recorder])
    assert recorder.model is model
    assert recorder.calls == [
        ("train_begin", {"verbose": 0, "epochs": 2, "steps": 3}),      # ceil(10 / 4) steps per epoch
        ("epoch_begin", 0), ("epoch_end", 0, ["accuracy", "loss"]),
        ("epoch_begin", 1), ("epoch_end", 1, ["accuracy", "loss"]),
        ("train_end",),
    ]


def test_history_is_a_callback_and_fit_returns_it():
    """The History fit returns is the one its callbacks recorded into; a History passed in is used."""
    X = np.random.default_rng(0).normal(size=(10, 2))
    model = Sequential([Dense(2, activation="softmax")], seed=0)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    mine = History()
    returned = model.fit(X, np.arange(10) % 2, epochs=3, verbose=0, callbacks=[mine])
    assert returned is mine and isinstance(returned, Callback)
    assert returned.epoch == [0, 1, 2] and list(returned.history) == ["loss"]


def test_terminate_on_nan_is_added_once_and_warns_at_the_caller():
    """The NaN stop is fit's own TerminateOnNaN: one warning, pointing at the line that called fit,
    also when the caller passes a TerminateOnNaN of their own."""
    for callbacks in ([], [TerminateOnNaN()]):
        with pytest.warns(RuntimeWarning, match="smaller learning rate") as record:
            model, history = diverging_fit(callbacks=callbacks)
        warnings = [w for w in record if "smaller learning rate" in str(w.message)]
        assert len(warnings) == 1
        assert warnings[0].filename == __file__, warnings[0].filename
        assert 1 <= len(history.epoch) < 50 and model.stop_training


@pytest.mark.parametrize(
    "callbacks, message",
    [
        (EarlyStopping(), "callbacks must be a list such as [EarlyStopping()]; received <nettrain_lib"),
        ([print], "each callback must be a Callback such as EarlyStopping(); received <built-in function print>"),
    ],
)
def test_fit_refuses_what_is_not_a_list_of_callbacks(callbacks, message):
    """A single callback, or something that is not a Callback, is refused with what was received."""
    model = Sequential([Dense(1)], seed=0)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="^" + re.escape(message)):
        model.fit(np.zeros((4, 2)), np.zeros(4), epochs=1, verbose=0, callbacks=callbacks)
