"""Sequential: the slides' "Fluxo de Treinamento" listing, in numpy, with Keras 3's meaning.

    model = Sequential(seed=0)
    model.add(Dense(64, activation="relu"))
    model.add(Dense(10, activation="softmax"))
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(X_train, Y_train, batch_size=32, epochs=50, validation_split=0.2)

What fit does, as Keras 3 does it:
- validation_split=v holds out the last N - floor(N * (1 - v)) rows as passed, before any shuffling;
  val_* values are computed with the weights at the end of each epoch.
- shuffle=True draws a fresh permutation of the training rows every epoch; an epoch has
  ceil(N / batch_size) steps and keeps the last, smaller batch.
- Each batch's loss is its mean over the batch's actual size; the epoch's "loss" and "accuracy"
  are the batch-size-weighted means of the values computed during the epoch (before each update).
- History keys come in the order accuracy, loss, val_accuracy, val_loss.
- fit runs the loop (shuffle, slice, update; score the epoch); the rest is callbacks, as in Keras:
  the History it returns, the verbose=1 line and the NaN stop are callbacks fit adds after the
  caller's own (nettrain_lib.nn.callbacks).

Where this deliberately differs from Keras:
- Randomness: the model owns a numpy Generator, from `seed` or `rng` (Sequential(seed=0)); it draws
  the initial weights and the shuffling. Keras uses a global seed (keras.utils.set_random_seed).
- The same seed does not give Keras's initial weights (different random generators): to compare
  runs, copy weights across with get_weights / set_weights.
- Softmax followed by a cross-entropy loss uses the fused gradient (P - Y) / N with respect to the
  logits. Keras differentiates through its clip to [1e-7, 1 - 1e-7], which gives a zero gradient for
  a clipped probability; the two agree whenever no probability is clipped.
- save/load write one .npz file (weights plus the architecture as JSON, no pickle), not a .keras zip.
- verbose=1 prints Keras's end-of-epoch line once per epoch (ProgressLine), not a live progress bar.
- Dense and Dropout layers only; dtype float32 by default (Keras's floatx) or float64 via Sequential(dtype="float64").
- A loss that becomes NaN or inf ends training after that epoch with a RuntimeWarning that suggests a
  smaller learning rate: fit always adds TerminateOnNaN (Keras needs it added by hand, and stops mid-epoch).
- EarlyStopping and ModelCheckpoint raise an error naming the monitored value when fit does not
  compute it (Keras only warns), so a misspelt "val_los" cannot silently disable them.
- load_model restores the optimizer's settings but not its state (step count, Adam's moments).
- "accuracy" follows Keras's choice by loss: categorical accuracy for the cross-entropies; with
  "mse", categorical accuracy for several outputs and binary accuracy (threshold 0.5) for one.
"""
import json
import math
import os
import tempfile

import numpy as np

from .. import _validate
from ..i18n import tr
from . import losses, optimizers
from .callbacks import CallbackList
from .layers import Dense, Dropout


class Sequential:
    def __init__(self, layers=None, name=None, *, seed=None, rng=None, dtype="float32"):
        if rng is not None and seed is not None:
            raise ValueError(tr("give seed or rng, not both"))
        self.rng = _validate.generator(rng) if rng is not None else np.random.default_rng(seed)
        if dtype not in ("float32", "float64"):
            raise ValueError(tr("dtype must be 'float32' or 'float64'; received {dtype!r}", dtype=dtype))
        self.dtype = np.dtype(dtype)
        self.name = name or "sequential"
        self.layers = []
        self.loss = self.optimizer = None
        self.metrics = []
        self.stop_training = False
        for layer in layers or []:
            self.add(layer)

    # ---- building -------------------------------------------------------------------------
    def add(self, layer):
        if not isinstance(layer, (Dense, Dropout)):
            raise TypeError(tr("Sequential.add takes a layer such as Dense(64, activation='relu'); received {layer!r}",
                               layer=layer))
        layer.name = layer.name or f"{type(layer).__name__.lower()}_{len(self.layers)}"
        self.layers.append(layer)

    def build(self, input_dim):
        """Create every layer's weights for inputs with `input_dim` features (fit does this itself)."""
        if not self.layers:
            raise ValueError(tr("the model has no layers: add some with model.add(Dense(...))"))
        width = input_dim
        for layer in self.layers:
            if not layer.built:
                layer.build(width, self.rng, self.dtype)
            width = layer.units

    @property
    def built(self):
        return bool(self.layers) and all(layer.built for layer in self.layers)

    def compile(self, optimizer="rmsprop", loss=None, metrics=None):     # Keras's default optimizer
        self.optimizer = optimizers.get(optimizer)
        if loss is None:
            raise ValueError(tr("compile needs a loss, such as loss='categorical_crossentropy'"))
        self.loss = losses.get(loss)
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise TypeError(tr("metrics must be a list such as ['accuracy']; received {metrics!r}", metrics=metrics))
        metrics = list(metrics or [])
        for metric in metrics:
            if metric not in ("accuracy", "acc"):
                raise ValueError(tr("metrics may hold 'accuracy'; received {metric!r}", metric=metric))
        self.metrics = ["accuracy"] if metrics else []

    # ---- computing ------------------------------------------------------------------------
    def _inputs(self, x, name="x"):
        x = _validate.float_array(x, name, ndim=2, dtype=self.dtype)
        if not self.built:
            self.build(x.shape[1])
        elif x.shape[1] != self.layers[0].input_dim:
            raise ValueError(
                tr("{name} has {x_shape_1} features, but the model was built for "
                   "{self_layers_0_input_dim}",
                   name=name, x_shape_1=x.shape[1], self_layers_0_input_dim=self.layers[0].input_dim)
            )
        return x

    def _forward(self, x, training=False):
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    def _penalty(self):
        return sum(layer.regularization_loss() for layer in self.layers)

    def _fused(self):
        return self.layers[-1].activation == "softmax" and isinstance(self.loss, losses.CategoricalCrossentropy)

    def _backward(self, y_true, y_pred):
        if self._fused():
            Y = self.loss.one_hot(y_true, y_pred.shape[1], y_pred.dtype)
            d_out, d_z = None, (y_pred - Y) / len(y_pred)        # (P - Y) / N w.r.t. the logits
        else:
            d_out, d_z = self.loss.gradient(y_true, y_pred), None
        for index in range(len(self.layers) - 1, -1, -1):
            # The first layer skips the gradient w.r.t. its input: no one needs d(loss)/d(data).
            d_out = self.layers[index].backward(d_out, d_z=d_z, input_grad=index > 0)
            d_z = None

    def _parameters(self):
        """Every layer's weights in one dict, {"0/kernel": W, ...}: the arrays themselves, updated in place."""
        return {f"{i}/{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()}

    def _step(self, x, y, params):
        """One update on one batch; returns the batch's predictions and penalty, both from before the update."""
        y_pred = self._forward(x, training=True)
        penalty = self._penalty()
        self._backward(y, y_pred)
        grads = {f"{i}/{k}": v for i, layer in enumerate(self.layers) for k, v in layer.grads.items()}
        self.optimizer.apply(params, grads)
        return y_pred, penalty

    def _scores(self, y, y_pred):
        """The mean loss over the rows (without penalty) and, when compiled with it, the accuracy."""
        values = {"loss": float(np.mean(self.loss.per_example(y, y_pred), dtype=np.float64))}
        if self.metrics:
            values["accuracy"] = float(np.mean(self.loss.accuracy(y, y_pred)))
        return values

    def predict(self, x, batch_size=32, verbose=0):
        x = self._inputs(x)
        batch_size = _validate.positive_int(batch_size, "batch_size")
        return np.concatenate([self._forward(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])

    def evaluate(self, x, y, batch_size=32, verbose=0):
        """The loss (and accuracy, when compiled with it) over (x, y): a float, or [loss, accuracy]."""
        self._require_compiled()
        x = self._inputs(x)
        y = self.loss.target(y, self.layers[-1].units, self.dtype)
        _validate.same_rows(x, y, "x", "y")
        values = self._evaluate(x, y, _validate.positive_int(batch_size, "batch_size"))
        return values["loss"] if not self.metrics else [values["loss"], values["accuracy"]]

    def _evaluate(self, x, y, batch_size):
        y_pred = np.concatenate([self._forward(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])
        values = self._scores(y, y_pred)
        values["loss"] += self._penalty()                    # Keras counts the penalty too
        return values

    # ---- training -------------------------------------------------------------------------
    def fit(self, x, y, batch_size=32, epochs=1, verbose=1, callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True):
        self._require_compiled()
        batch_size = _validate.positive_int(batch_size, "batch_size")
        epochs = _validate.non_negative_int(epochs, "epochs")
        validation_split = _validate.real_scalar(validation_split, "validation_split")
        if not 0 <= validation_split < 1:
            raise ValueError(tr("validation_split must be in [0, 1); received {validation_split!r}",
                                validation_split=validation_split))
        x = self._inputs(x)
        if len(x) == 0:
            raise ValueError(tr("x has no rows: fit needs at least one training example"))
        y = self.loss.target(y, self.layers[-1].units, self.dtype)
        _validate.same_rows(x, y, "x", "y")
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError(tr("validation_data must be a pair (x_val, y_val)"))
            x_val = self._inputs(validation_data[0], "x_val")
            y_val = self.loss.target(validation_data[1], self.layers[-1].units, self.dtype)
            _validate.same_rows(x_val, y_val, "x_val", "y_val")
        elif validation_split > 0:
            n_train = math.floor(len(x) * (1 - validation_split))   # Keras: the last rows, before shuffling
            if n_train == 0 or n_train == len(x):
                raise ValueError(
                    tr("validation_split={validation_split} of {len_x} examples leaves an empty training or "
                       "validation set", validation_split=validation_split, len_x=len(x))
                )
            x, x_val, y, y_val = x[:n_train], x[n_train:], y[:n_train], y[n_train:]
        else:
            x_val = y_val = None

        callbacks = CallbackList(callbacks, model=self, verbose=verbose, epochs=epochs,
                                 steps=math.ceil(len(x) / batch_size))
        self.stop_training = False
        callbacks.on_train_begin()
        for epoch in range(epochs):
            callbacks.on_epoch_begin(epoch)
            order = self.rng.permutation(len(x)) if shuffle else np.arange(len(x))
            # Each batch's predictions are kept and the epoch is scored once at its end: the same
            # numbers as scoring batch by batch (the batch-size-weighted mean of the batch means),
            # with a fixed cost per epoch instead of per step.
            epoch_pred = np.empty((len(x), self.layers[-1].units), self.dtype)     # (N, C), row i for x[i]
            penalty_sum = 0.0
            params = self._parameters()     # updated in place, so one dict serves the epoch; backward
            for start in range(0, len(x), batch_size):     # makes new gradient arrays, gathered per step
                rows = order[start:start + batch_size]
                batch_pred, penalty = self._step(x[rows], y[rows], params)
                epoch_pred[rows] = batch_pred
                penalty_sum += penalty * len(rows)
            scores = self._scores(y, epoch_pred)
            scores["loss"] += penalty_sum / len(x)
            logs = dict(sorted(scores.items()))          # Keras's order: accuracy, loss, val_accuracy, val_loss
            if x_val is not None:
                logs.update(sorted((f"val_{k}", v) for k, v in self._evaluate(x_val, y_val, batch_size).items()))
            callbacks.on_epoch_end(epoch, logs)      # the caller's callbacks, History, the progress line, the NaN stop
            if self.stop_training:
                break
        callbacks.on_train_end()
        return callbacks.history

    def _require_compiled(self):
        if self.loss is None:
            raise ValueError(tr("compile the model first: model.compile(optimizer=..., loss=..., metrics=[...])"))

    # ---- weights, summary, saving -----------------------------------------------------------
    def get_weights(self):
        """[kernel_0, bias_0, kernel_1, bias_1, ...] as copies, like Keras ([] before the model is built)."""
        return [layer.params[k].copy() for layer in self.layers if layer.built for k in layer.params]

    def set_weights(self, weights):
        current = [(layer, k) for layer in self.layers for k in layer.params]
        if not self.built:
            raise ValueError(tr("the model is not built yet: call fit, predict or build(input_dim) first"))
        if len(weights) != len(current):
            raise ValueError(tr("set_weights needs {len_current} arrays (kernel and bias per layer); received "
                                "{len_weights}", len_current=len(current), len_weights=len(weights)))
        for (layer, key), value in zip(current, weights):
            value = np.asarray(value)
            if value.shape != layer.params[key].shape:
                raise ValueError(tr("{layer_name} {key} has shape {layer_params_key_shape}; received {value_shape}",
                                    layer_name=layer.name,
                                    key=key,
                                    layer_params_key_shape=layer.params[key].shape,
                                    value_shape=value.shape))
            layer.params[key] = value.astype(self.dtype)   # a copy: later training never changes the caller's array

    def count_params(self):
        return sum(layer.count_params() for layer in self.layers)

    def summary(self):
        """Print the layers, their output shapes and parameter counts, as Keras does."""
        if not self.built:
            raise ValueError(tr("the model is not built yet, so its shapes are unknown: call fit, predict or "
                                "model.build(input_dim) first"))
        rows = [(f"{layer.name} ({type(layer).__name__})", f"(None, {layer.units})", f"{layer.count_params():,}")
                for layer in self.layers]
        headers = ("Layer (type)", "Output Shape", "Param #")
        widths = [max(len(h), *(len(r[i]) for r in rows)) + 2 for i, h in enumerate(headers)]
        line = "".join(text.ljust(width) for text, width in zip(headers, widths))
        print(f'Model: "{self.name}"')
        print("─" * len(line))
        print(line)
        print("═" * len(line))
        for row in rows:
            print("".join(text.ljust(width) for text, width in zip(row, widths)))
        print("─" * len(line))
        print(f" Total params: {self.count_params():,}")              # Keras's summary, in English as in Keras

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype.name, "layers": [layer.get_config() for layer in self.layers],
                "input_dim": self.layers[0].input_dim if self.built else None,
                "loss": self.loss.name if self.loss else None, "metrics": self.metrics,
                "optimizer": self.optimizer.get_config() if self.optimizer else None}

    def save(self, filepath):
        """Write architecture (JSON) and weights to one .npz file, atomically: a half-written file
        never replaces a good one, because the data go to a temporary file that is renamed at the end."""
        filepath = os.fspath(filepath)
        if not filepath.endswith(".npz"):
            raise ValueError(tr("filepath must end in .npz; received {filepath!r}", filepath=filepath))
        arrays = {f"weight_{i}": w for i, w in enumerate(self.get_weights())}
        folder = os.path.dirname(os.path.abspath(filepath))
        handle, temporary = tempfile.mkstemp(suffix=".npz.part", dir=folder)
        try:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)      # mkstemp makes it private; a model file is not
            with os.fdopen(handle, "wb") as file:
                np.savez(file, config=np.array(json.dumps(self.get_config())), **arrays)
            os.replace(temporary, filepath)
        except BaseException:
            os.unlink(temporary)
            raise


def load_model(filepath, *, seed=None):
    """Rebuild a model saved with Sequential.save: same layers, weights, loss, metrics and optimizer."""
    with np.load(os.fspath(filepath), allow_pickle=False) as archive:
        config = json.loads(str(archive["config"]))
        weights = [archive[f"weight_{i}"] for i in range(2 * len(config["layers"]))
                   if f"weight_{i}" in archive.files]
    model = Sequential(name=config["name"], seed=seed, dtype=config["dtype"])
    for layer in config["layers"]:
        if layer["class_name"] == "Dropout":
            model.add(Dropout(layer["rate"], name=layer["name"]))
        else:
            model.add(Dense(layer["units"], activation=layer["activation"], name=layer["name"],
                            kernel_regularizer=layer.get("kernel_regularizer")))
    if config["input_dim"] is not None:
        model.build(config["input_dim"])
        model.set_weights(weights)
    if config["loss"]:
        model.compile(optimizer=optimizers.from_config(config["optimizer"]), loss=config["loss"],
                      metrics=config["metrics"])
    return model

