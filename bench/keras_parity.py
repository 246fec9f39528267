"""Compare nettrain_lib's Sequential with Keras 3 on the same data and initial weights.

Needs Keras 3 with a backend (not a course dependency): for example, in a separate environment,
    python -m venv /tmp/kvenv && /tmp/kvenv/bin/pip install torch==2.14.1 "keras==3.15.*"
    KERAS_BACKEND=torch /tmp/kvenv/bin/python -m bench.keras_parity     # from the repository root
It trains both with shuffle=False from the same weights, with each optimizer and loss, in float32
and float64 (the cases are in tests/support/keras_parity_cases.py: a small synthetic problem, and
the lessons' model on the digits), and prints the largest differences of History and final weights. With --write it
also stores Keras's results in tests/support/fixtures/keras_parity.npz, which the tests compare against
without needing Keras.
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402

from tests.support.keras_parity_cases import (  # noqa: E402
    CASES,
    DIGITS_BATCH,
    DIGITS_CASES,
    DIGITS_EPOCHS,
    DROPOUT_RATE,
    FIXTURE_PATH,
    data,
    digits_data,
    digits_initial_weights,
    digits_schedule,
    initial_weights,
    run_nettrain,
    run_nettrain_digits,
    run_nettrain_dropout_evaluation,
    targets,
)


def run_keras(case, dtype):
    import keras
    use_dtype(dtype)
    optimizer, loss, last, split, epochs, batch = CASES[case]
    X, labels, Y = data(dtype)
    regularizer = keras.regularizers.L2(0.01) if optimizer == "adam_l2" else None
    model = keras.Sequential([keras.Input((8,)),
                              keras.layers.Dense(16, activation="relu", kernel_regularizer=regularizer),
                              keras.layers.Dense(3, activation=last)])
    model.set_weights(initial_weights(dtype))
    opt = {"sgd_momentum": keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
           "adam_l2": "adam"}.get(optimizer, optimizer)
    model.compile(optimizer=opt, loss=loss, metrics=["accuracy"] if loss != "mse" else [])
    history = model.fit(X, targets(loss, labels, Y), batch_size=batch, epochs=epochs,
                        validation_split=split, shuffle=False, verbose=0)
    return {k: np.array(v) for k, v in history.history.items()}, model.get_weights()


def use_dtype(dtype):
    import keras
    keras.config.set_floatx(dtype)
    keras.config.set_dtype_policy(dtype)   # the policy keeps its first value unless set too


def digits_model(keras, dtype, l2=None, dropout=False):
    use_dtype(dtype)
    regularizer = keras.regularizers.L2(l2) if l2 else None
    layers = [keras.Input((64,)), keras.layers.Dense(64, activation="relu", kernel_regularizer=regularizer)]
    layers += [keras.layers.Dropout(DROPOUT_RATE)] if dropout else []
    layers += [keras.layers.Dense(32, activation="relu", kernel_regularizer=regularizer)]
    layers += [keras.layers.Dropout(DROPOUT_RATE)] if dropout else []
    model = keras.Sequential(layers + [keras.layers.Dense(10, activation="softmax")])
    model.set_weights(digits_initial_weights(dtype))
    return model


def run_keras_digits(case, dtype):
    import keras
    optimizer, split, l2, schedule = DIGITS_CASES[case]
    X, _, Y = digits_data(dtype)
    model = digits_model(keras, dtype, l2=l2)
    opt = {"sgd_nesterov": keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True)}.get(
        optimizer, optimizer)
    model.compile(optimizer=opt, loss="categorical_crossentropy", metrics=["accuracy"])
    callbacks = [keras.callbacks.LearningRateScheduler(digits_schedule)] if schedule else []
    history = model.fit(X, Y, batch_size=DIGITS_BATCH, epochs=DIGITS_EPOCHS, validation_split=split,
                        shuffle=False, verbose=0, callbacks=callbacks)
    return {k: np.array(v) for k, v in history.history.items()}, model.get_weights()


def run_keras_dropout_evaluation(dtype):
    import keras
    X, _, Y = digits_data(dtype)
    model = digits_model(keras, dtype, dropout=True)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model.predict(X, verbose=0), np.array(model.evaluate(X, Y, verbose=0), dtype=float)


def compare(label, keras_history, keras_weights, ours_history, ours_weights, fixtures):
    assert list(keras_history) == list(ours_history), (list(keras_history), list(ours_history))
    history_diff = max(np.max(np.abs(keras_history[k] - ours_history[k])) for k in keras_history)
    weight_diff = max(np.max(np.abs(a - b)) for a, b in zip(keras_weights, ours_weights))
    print(f"{label:32s} keys {list(keras_history)}: max |history diff| {history_diff:.2e}, "
          f"max |weight diff| {weight_diff:.2e}")
    for key, values in keras_history.items():
        fixtures[f"{label}/history/{key}"] = values
    for i, w in enumerate(keras_weights):
        fixtures[f"{label}/weight/{i}"] = w


def main():
    fixtures = {}
    for dtype in ("float32", "float64"):
        for case in CASES:
            compare(f"{dtype}/{case}", *run_keras(case, dtype), *run_nettrain(case, dtype), fixtures)
        for case in DIGITS_CASES:
            compare(f"{dtype}/{case}", *run_keras_digits(case, dtype), *run_nettrain_digits(case, dtype), fixtures)
        keras_probs, keras_scores = run_keras_dropout_evaluation(dtype)
        ours_probs, ours_scores = run_nettrain_dropout_evaluation(dtype)
        worst = np.max(np.abs(keras_probs - ours_probs))
        print(f"{dtype + '/digits_dropout_eval':32s} max |predict diff| {worst:.2e}, "
              f"evaluate {keras_scores} vs {ours_scores}")
        fixtures[f"{dtype}/digits_dropout_eval/predict"] = keras_probs
        fixtures[f"{dtype}/digits_dropout_eval/evaluate"] = keras_scores
    if "--write" in sys.argv:
        import keras
        FIXTURE_PATH.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(FIXTURE_PATH, keras_version=np.array(keras.__version__), **fixtures)
        print("wrote", FIXTURE_PATH)


if __name__ == "__main__":
    main()
