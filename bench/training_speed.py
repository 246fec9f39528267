"""Seconds per epoch of the lesson 07 model: nettrain_lib's Sequential.fit, a plain numpy loop and
PyTorch on the CPU (when installed), interleaved round by round in one process, one BLAS thread.

    make bench                                     # its own venv (.venv-bench) with threadpoolctl and torch
    python -m bench.training_speed                 # from the repository root: the table and bench/training_speed.png
    python -m bench.training_speed --rounds 3 --quick

Needs threadpoolctl (and torch for the PyTorch column), neither a course dependency; `make bench`
installs both into .venv-bench (torch==2.13.0, the CPU build where it lies on disk; set
BENCH_TORCH= to leave PyTorch out).

The model is lesson 07's: inputs -> Dense(64, relu) -> Dense(32, relu) -> Dense(10, softmax),
categorical cross-entropy, float32, trained with SGD (lr 0.01) and with Adam (lr 0.001), on the
digits (1,797 x 64) and on a synthetic MNIST-sized set (60,000 x 784, 10 classes). Each
measurement times a slice of an epoch (at least one step, about 0.2 s) and scales it to a whole
epoch; the median over the rounds is reported. The matmul column is the time of the six matrix
products of one step (three forward, three for the weight gradients), at the same shapes: the
limit no library can beat with these shapes on one thread. A last check trains float32 Adam at
batch size 1 with and without the optimizer's flush of subnormal numbers, and prints how many
state entries are subnormal and the seconds per epoch. Nothing is asserted: it prints figures.
"""
import argparse
import math
import os
import statistics
import time

import numpy as np

from nettrain_lib import SGD, Adam, Callback, Dense, Sequential, load_digits
from nettrain_lib.nn import optimizers

HIDDEN = (64, 32)
CLASSES = 10
LEARNING_RATES = {"sgd": 0.01, "adam": 0.001}
SLICE_SECONDS = 0.2


def datasets(quick):
    X, labels = load_digits()
    digits = (X.astype(np.float32) / 16.0, np.eye(CLASSES, dtype=np.float32)[labels])
    rng = np.random.default_rng(0)
    n = 12_000 if quick else 60_000
    centres = rng.normal(size=(CLASSES, 784)).astype(np.float32)
    classes = rng.integers(CLASSES, size=n)
    mnist = ((centres[classes] + rng.normal(size=(n, 784)).astype(np.float32)) * 0.5,
             np.eye(CLASSES, dtype=np.float32)[classes])
    return {"digits": digits, f"synthetic {n}x784": mnist}


def initial_weights(n_inputs, seed=1):
    rng = np.random.default_rng(seed)
    sizes = (n_inputs, *HIDDEN, CLASSES)
    weights = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = math.sqrt(6 / (fan_in + fan_out))
        weights += [rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32),
                    np.zeros(fan_out, np.float32)]
    return weights


# ---------------------------------------------------------------------------------------------
# Competitors: each is built once per case and then asked to train on `rows` rows (one slice).

class NettrainFit:
    name = "nettrain_lib"

    def __init__(self, X, Y, optimizer, batch_size):
        self.X, self.Y, self.batch_size = X, Y, batch_size
        self.model = Sequential([Dense(h, activation="relu") for h in HIDDEN] +
                                [Dense(CLASSES, activation="softmax")], seed=0)
        opt = (SGD(learning_rate=LEARNING_RATES["sgd"]) if optimizer == "sgd"
               else Adam(learning_rate=LEARNING_RATES["adam"]))
        self.model.compile(optimizer=opt, loss="categorical_crossentropy", metrics=["accuracy"])
        self.model.fit(X[:batch_size], Y[:batch_size], batch_size=batch_size, epochs=1, verbose=0)
        self.model.set_weights(initial_weights(X.shape[1]))

    def train(self, rows):
        """Seconds of the epoch itself, timed by a callback: fit's one-off input checks and
        conversions happen once per call, not once per epoch, so they are left out."""
        timer = EpochTimer()
        self.model.fit(self.X[:rows], self.Y[:rows], batch_size=self.batch_size, epochs=1, verbose=0,
                       callbacks=[timer])
        return timer.seconds


class EpochTimer(Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds = time.perf_counter() - self.started


class NumpyLoop:
    """The straightforward numpy loop a student could write: no framework, same maths."""
    name = "plain numpy"

    def __init__(self, X, Y, optimizer, batch_size):
        self.X, self.Y, self.batch_size, self.optimizer = X, Y, batch_size, optimizer
        self.params = initial_weights(X.shape[1])
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0
        self.rng = np.random.default_rng(0)

    def train(self, rows):
        order = self.rng.permutation(rows)
        for start in range(0, rows, self.batch_size):
            index = order[start:start + self.batch_size]
            self.step(self.X[index], self.Y[index])

    def step(self, x, y):
        W1, b1, W2, b2, W3, b3 = self.params
        h1 = np.maximum(x @ W1 + b1, 0)
        h2 = np.maximum(h1 @ W2 + b2, 0)
        z = h2 @ W3 + b3
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        dz = (p - y) / len(x)
        dh2 = (dz @ W3.T) * (h2 > 0)
        dh1 = (dh2 @ W2.T) * (h1 > 0)
        grads = [x.T @ dh1, dh1.sum(0), h1.T @ dh2, dh2.sum(0), h2.T @ dz, dz.sum(0)]
        if self.optimizer == "sgd":
            for param, grad in zip(self.params, grads):
                param -= LEARNING_RATES["sgd"] * grad
            return
        self.t += 1
        lr = LEARNING_RATES["adam"] * math.sqrt(1 - 0.999 ** self.t) / (1 - 0.9 ** self.t)
        for param, grad, m, v in zip(self.params, grads, self.m, self.v):
            m += 0.1 * (grad - m)
            v += 0.001 * (grad * grad - v)
            param -= lr * m / (np.sqrt(v) + 1e-7)


class TorchLoop:
    name = "PyTorch CPU"

    def __init__(self, X, Y, optimizer, batch_size):
        import torch

        self.torch = torch
        self.X, self.labels = torch.from_numpy(X), torch.from_numpy(Y.argmax(1))
        layers, sizes = [], (X.shape[1], *HIDDEN, CLASSES)
        for index, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(torch.nn.Linear(fan_in, fan_out))
            if index < len(HIDDEN):
                layers.append(torch.nn.ReLU())
        self.model = torch.nn.Sequential(*layers)
        with torch.no_grad():
            linears = [layer for layer in self.model if isinstance(layer, torch.nn.Linear)]
            weights = initial_weights(X.shape[1])
            for layer, W, b in zip(linears, weights[::2], weights[1::2]):
                layer.weight.copy_(torch.from_numpy(W.T.copy()))
                layer.bias.copy_(torch.from_numpy(b))
        lr = LEARNING_RATES[optimizer]
        self.optimizer = (torch.optim.SGD if optimizer == "sgd" else torch.optim.Adam)(self.model.parameters(), lr=lr)
        self.loss = torch.nn.CrossEntropyLoss()
        self.batch_size = batch_size

    def train(self, rows):
        torch = self.torch
        order = torch.randperm(rows)
        for start in range(0, rows, self.batch_size):
            index = order[start:start + self.batch_size]
            self.optimizer.zero_grad()
            loss = self.loss(self.model(self.X[index]), self.labels[index])
            loss.backward()
            self.optimizer.step()


def matmul_limit(X, batch_size, repeats):
    """Seconds per epoch of the six matrix products of each step, nothing else."""
    sizes = (X.shape[1], *HIDDEN, CLASSES)
    weights = [np.ones((a, b), np.float32) * 0.01 for a, b in zip(sizes[:-1], sizes[1:])]
    batch = np.ascontiguousarray(X[:batch_size])
    acts = [batch]
    for W in weights:
        acts.append(acts[-1] @ W)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(3):
            for a, W, out in zip(acts[:-1], weights, acts[1:]):
                a @ W                              # forward
                np.dot(a.T, out)                   # weight gradient, as Dense computes it
        best = min(best, (time.perf_counter() - started) / 3)
    return best * math.ceil(len(X) / batch_size)


def subnormal_check(X, Y, epochs):
    """Float32 Adam at batch size 1: subnormal state entries and seconds per epoch, with the
    optimizer's periodic flush to zero and without it (flush period set beyond the run)."""
    results = {}
    flush_every = optimizers.FLUSH_EVERY
    tiny = np.finfo(np.float32).tiny
    try:
        for label, period in (("flushed every %d steps" % flush_every, flush_every), ("never flushed", 10**12)):
            optimizers.FLUSH_EVERY = period
            fit = NettrainFit(X, Y, "adam", 1)
            seconds, fractions = [], []
            for _ in range(epochs):
                seconds.append(fit.train(len(X)))
                states = fit.model.optimizer._state_arrays()
                subnormal = sum(int(np.count_nonzero((s != 0) & (np.abs(s) < tiny))) for s in states)
                fractions.append(subnormal / sum(s.size for s in states))
            results[label] = (statistics.median(seconds[1:] or seconds), max(fractions))
    finally:
        optimizers.FLUSH_EVERY = flush_every
    return results


def rows_for_slice(seconds_per_row, batch_size, n):
    """Rows to time: a whole number of batches, about SLICE_SECONDS long, at least one batch."""
    batches = max(1, int(SLICE_SECONDS / max(seconds_per_row * batch_size, 1e-9)))
    return min(n, batches * batch_size)


def measure_case(X, Y, optimizer, batch_size, competitors, rounds, order_rng):
    built = [cls(X, Y, optimizer, batch_size) for cls in competitors]
    per_row = {}
    for competitor in built:                      # a warm-up slice, which also sizes the slices
        rows = min(len(X), batch_size * 2)
        started = time.perf_counter()
        competitor.train(rows)
        per_row[competitor.name] = (time.perf_counter() - started) / rows
    results = {competitor.name: [] for competitor in built}
    for _ in range(rounds):
        for index in order_rng.permutation(len(built)):   # interleaved, in a new order every round
            competitor = built[index]
            rows = rows_for_slice(per_row[competitor.name], batch_size, len(X))
            started = time.perf_counter()
            own_timing = competitor.train(rows)
            elapsed = own_timing if own_timing is not None else time.perf_counter() - started
            results[competitor.name].append(elapsed / rows * len(X))
    return {name: statistics.median(values) for name, values in results.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a 12,000-row synthetic set instead of 60,000")
    parser.add_argument("--plot", default=os.path.join(os.path.dirname(__file__), "training_speed.png"))
    args = parser.parse_args()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise SystemExit("this benchmark needs threadpoolctl (pip install threadpoolctl) "
                         "to pin one BLAS thread") from None
    competitors = [NettrainFit, NumpyLoop]
    try:
        import torch

        torch.set_num_threads(1)
        competitors.append(TorchLoop)
        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    order_rng = np.random.default_rng(0)
    rows = []
    with threadpool_limits(limits=1):
        for data_name, (X, Y) in datasets(args.quick).items():
            for optimizer in ("sgd", "adam"):
                for batch_size in (1, 32, 128, 1024, len(X)):
                    seconds = measure_case(X, Y, optimizer, batch_size, competitors, args.rounds, order_rng)
                    seconds["matmul only"] = matmul_limit(X, batch_size, args.rounds)
                    rows.append((data_name, optimizer, batch_size, seconds))
                    print(".", end="", flush=True)
    print()
    print(f"seconds per epoch (median of {args.rounds} interleaved rounds, 1 BLAS thread, float32); "
          f"PyTorch {torch_version or 'not installed'}")
    names = [c.name for c in competitors] + ["matmul only"]
    header = f"{'data':22s}{'opt':6s}{'batch':>7s}" + "".join(f"{n:>14s}" for n in names)
    if torch_version:
        header += f"{'torch/nettrain':>16s}"
    print(header)
    for data_name, optimizer, batch_size, seconds in rows:
        line = f"{data_name:22s}{optimizer:6s}{batch_size:>7d}" + "".join(f"{seconds[n]:>14.4f}" for n in names)
        if torch_version:
            line += f"{seconds['PyTorch CPU'] / seconds['nettrain_lib']:>15.2f}x"
        print(line)
    plot(rows, torch_version, args.plot)
    print(f"plot: {args.plot}")
    X, Y = datasets(quick=True)["digits"]
    epochs = 3 if args.quick else 6
    with threadpool_limits(limits=1):
        check = subnormal_check(X, Y, epochs)
    print(f"\nsubnormal floats, float32 Adam at batch size 1 on the digits, {epochs} epochs:")
    for label, (seconds, fraction) in check.items():
        print(f"  {label:24s} {seconds:.4f} s/epoch (median after the first), "
              f"at most {fraction:.1%} of m and v subnormal")


def plot(rows, torch_version, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained", sharey=True)
    for ax, data_name in zip(axes, dict.fromkeys(row[0] for row in rows)):
        for optimizer, colour in (("sgd", "#0072B2"), ("adam", "#D55E00")):
            chosen = [row for row in rows if row[0] == data_name and row[1] == optimizer]
            batches = [row[2] for row in chosen]
            for name, style in (("nettrain_lib", "-o"), ("plain numpy", "--s"), ("PyTorch CPU", ":^")):
                if name in chosen[0][3]:
                    ax.plot(batches, [row[3][name] for row in chosen], style, color=colour,
                            label=f"{name}, {optimizer.upper()}")
            if optimizer == "sgd":                 # the matrix products are the same for both optimizers
                ax.plot(batches, [row[3]["matmul only"] for row in chosen], "-.", color="0.4",
                        label="matmul only (the limit)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("batch size")
        ax.set_title(data_name)
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel("seconds per epoch (1 BLAS thread)")
    axes[1].legend(fontsize=7, ncol=2)
    fig.suptitle("Lesson 07 model, one epoch: nettrain_lib vs plain numpy vs PyTorch "
                 f"{torch_version or '(not installed)'}")
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
