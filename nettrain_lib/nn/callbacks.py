"""Callbacks: what fit does at the start and end of training and of every epoch, as in Keras.

fit itself only runs the slides' loop (shuffle, slice, update; score the epoch); everything else
is a callback, called in the order of the list given to fit, then fit's own three:
- History records every epoch's logs (fit returns it);
- ProgressLine prints Keras's end-of-epoch line when verbose=1;
- TerminateOnNaN stops training after an epoch whose loss is NaN or inf, with a RuntimeWarning
  (Keras needs this callback added by hand, and stops in the middle of the epoch).

EarlyStopping(monitor="val_loss", min_delta=0, patience=0, restore_best_weights=False, mode="auto"):
at the end of every epoch `wait` grows by one and goes back to 0 when the monitored value beats the
best by more than min_delta; training stops when wait >= patience (never after the first epoch).
With restore_best_weights, the weights of the best epoch are put back when training ends.

ModelCheckpoint(filepath, monitor="val_loss", save_best_only=False, mode="auto"): saves the model
at the end of every epoch, or only when the monitored value improves. `filepath` may hold
{epoch} and log names, as in "best-{epoch:02d}-{val_loss:.3f}.npz". Files are written atomically.

Unlike Keras, which only warns, both raise an error naming the monitored value when fit does not
compute it (a misspelt monitor would otherwise silently disable them).
"""
import math
import sys
import time
import warnings

from ..i18n import tr


class Callback:
    """Base class: each hook does nothing. fit sets `model` and `params` (epochs, steps, verbose) first."""

    model = None
    params = None

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass


class _Monitor(Callback):
    def __init__(self, monitor, mode, min_delta):
        if mode not in ("auto", "min", "max"):
            raise ValueError(tr("mode must be 'auto', 'min' or 'max'; received {mode!r}", mode=mode))
        if mode == "auto":
            mode = "max" if monitor.removeprefix("val_") == "accuracy" else "min"
        self.monitor, self.mode, self.min_delta = monitor, mode, abs(min_delta)
        self.best = None

    def _improved(self, current):
        if self.best is None:
            return True
        if self.mode == "min":
            return current + self.min_delta < self.best
        return current - self.min_delta > self.best

    def _current(self, logs):
        if self.monitor not in (logs or {}):
            raise ValueError(
                tr("{self_type} monitors {self_monitor!r}, which fit does not compute; available: "
                   "{sorted_logs_or}. Use validation_split or validation_data to get val_* values",
                   self_type=type(self).__name__, self_monitor=self.monitor, sorted_logs_or=sorted(logs or {}))
            )
        return logs[self.monitor]


class EarlyStopping(_Monitor):
    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 restore_best_weights=False):
        super().__init__(monitor, mode, min_delta)
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(tr("patience must be a whole number >= 0; received {patience!r}", patience=patience))
        self.patience, self.verbose = patience, verbose
        self.restore_best_weights = restore_best_weights

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best, self.best_weights, self.best_epoch = 0, 0, None, None, 0

    def on_epoch_end(self, epoch, logs=None):
        current = self._current(logs)
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._improved(current):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")         # Keras's log lines, in English as in Keras
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class ModelCheckpoint(_Monitor):
    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, mode="auto"):
        super().__init__(monitor, mode, 0)
        self.filepath, self.verbose, self.save_best_only = str(filepath), verbose, save_best_only

    def on_train_begin(self, logs=None):
        self.best = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        path = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            current = self._current(logs)
            if not math.isfinite(current) or not self._improved(current):
                return
            if self.verbose:
                print(f"Epoch {epoch + 1}: {self.monitor} improved from {self.best} to {current:.5f}, "
                      f"saving model to {path}")
            self.best = current
        self.model.save(path)


class LearningRateScheduler(Callback):
    """Set the optimizer's learning rate at the start of every epoch to schedule(epoch, lr), as Keras
    does; the rate used is recorded in the logs (and so in History) as "learning_rate"."""

    def __init__(self, schedule, verbose=0):
        if not callable(schedule):
            raise TypeError(tr("schedule must be a function schedule(epoch, lr) -> lr; received {schedule!r}",
                               schedule=schedule))
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        try:
            lr = float(self.schedule(epoch, self.model.optimizer.learning_rate))
        except TypeError:                      # Keras also accepts the older schedule(epoch)
            lr = float(self.schedule(epoch))
        if not (lr > 0 and math.isfinite(lr)):
            raise ValueError(tr("the schedule returned learning rate {lr!r} for epoch {epoch}; it must be positive",
                                lr=lr, epoch=epoch))
        self.model.optimizer.learning_rate = lr
        if self.verbose:
            print(f"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = self.model.optimizer.learning_rate


class History(Callback):
    """What fit returns: `history.history` maps each name (loss, accuracy, val_...) to per-epoch values."""

    def __init__(self):
        self.history, self.epoch = {}, []

    def __repr__(self):
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        # In the logs' order, as Keras keeps it: accuracy, loss, val_accuracy, val_loss, then what
        # callbacks before History added (LearningRateScheduler's learning_rate).
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


class ProgressLine(Callback):
    """verbose=1: Keras's end-of-epoch line, printed once per epoch (Keras draws a live progress bar)."""

    def on_epoch_begin(self, epoch, logs=None):
        self.start_time = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        elapsed = time.perf_counter() - self.start_time
        steps = self.params["steps"]
        shown = " - ".join(f"{k}: {v:.4f}" for k, v in sorted((logs or {}).items()))
        print(f"Epoch {epoch + 1}/{self.params['epochs']}\n{steps}/{steps} {'━' * 20} {elapsed:.0f}s "
              f"{1000 * elapsed / steps:.0f}ms/step - {shown}")
        sys.stdout.flush()


class TerminateOnNaN(Callback):
    """Stop training after an epoch whose logged values include NaN or inf, with a warning that says
    what to change: the steps overshoot."""

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if not all(math.isfinite(v) for v in logs.values()):
            warnings.warn(
                tr("training stopped at epoch {epoch_1}: the loss became {logs_get_loss} (NaN or inf). "
                   "The steps overshoot: try a smaller learning rate (e.g. 10 times smaller) or "
                   "normalize the inputs", epoch_1=epoch + 1, logs_get_loss=logs.get('loss')),
                RuntimeWarning, stacklevel=4,        # this hook, CallbackList, fit: the warning points at fit's caller
            )
            self.model.stop_training = True


class CallbackList:
    """The callbacks of one fit: the caller's, in their order, then History, ProgressLine (verbose=1) and
    TerminateOnNaN, each unless the caller already gave one of its kind."""

    def __init__(self, callbacks, *, model, verbose, epochs, steps):
        if callbacks is not None and not isinstance(callbacks, (list, tuple)):
            raise TypeError(tr("callbacks must be a list such as [EarlyStopping()]; received {callbacks!r}",
                               callbacks=callbacks))
        self.callbacks = list(callbacks or [])
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(tr("each callback must be a Callback such as EarlyStopping(); received {callback!r}",
                                   callback=callback))
        defaults = [History()] + ([ProgressLine()] if verbose else []) + [TerminateOnNaN()]
        self.callbacks += [d for d in defaults if not any(isinstance(c, type(d)) for c in self.callbacks)]
        self.history = next(c for c in self.callbacks if isinstance(c, History))
        for callback in self.callbacks:
            callback.set_model(model)
            callback.set_params({"verbose": verbose, "epochs": epochs, "steps": steps})

    def on_train_begin(self):
        for callback in self.callbacks:
            callback.on_train_begin()

    def on_epoch_begin(self, epoch):
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch)

    def on_epoch_end(self, epoch, logs):
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)        # may add to logs (learning_rate) for those after it

    def on_train_end(self):
        for callback in self.callbacks:
            callback.on_train_end()
