"""Compare nettrain_lib's Sequential with Keras 3 on the same data and initial weights.

Needs Keras 3 with a backend (not a course dependency): for example, in a separate environment,
    python -m venv /tmp/kvenv && /tmp/kvenv/bin/pip install torch==2.13.0 "keras==3.15.*"
    KERAS_BACKEND=torch /tmp/kvenv/bin/python -m bench.keras_parity     # from the repository root
It trains both with shuffle=False from the same weights, with each optimizer and loss, in float32
and float64, and prints the largest differences of History and final weights. With --write it
also stores Keras's results in tests/support/fixtures/keras_parity.npz, which the tests compare against
without needing Keras.
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402

from tests.support.keras_parity_cases import (  # noqa: E402
    CASES,
    FIXTURE_PATH,
    data,
    initial_weights,
    run_nettrain,
    targets,
)


def run_keras(case, dtype):
    import keras
    keras.config.set_floatx(dtype)
    keras.config.set_dtype_policy(dtype)   # the policy keeps its first value unless set too
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


def main():
    fixtures = {}
    for dtype in ("float32", "float64"):
        for case in CASES:
            keras_history, keras_weights = run_keras(case, dtype)
            ours_history, ours_weights = run_nettrain(case, dtype)
            assert list(keras_history) == list(ours_history), (list(keras_history), list(ours_history))
            history_diff = max(np.max(np.abs(keras_history[k] - ours_history[k])) for k in keras_history)
            weight_diff = max(np.max(np.abs(a - b)) for a, b in zip(keras_weights, ours_weights))
            print(f"{dtype} {case:12s} keys {list(keras_history)}: max |history diff| {history_diff:.2e}, "
                  f"max |weight diff| {weight_diff:.2e}")
            for key, values in keras_history.items():
                fixtures[f"{dtype}/{case}/history/{key}"] = values
            for i, w in enumerate(keras_weights):
                fixtures[f"{dtype}/{case}/weight/{i}"] = w
    if "--write" in sys.argv:
        import keras
        FIXTURE_PATH.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(FIXTURE_PATH, keras_version=np.array(keras.__version__), **fixtures)
        print("wrote", FIXTURE_PATH)


if __name__ == "__main__":
    main()
