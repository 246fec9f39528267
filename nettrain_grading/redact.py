"""A redacted copy of nettrain_lib, for the sandbox in which a student's graded functions are checked.

While the grader checks a graded function (mse_loss, adam_step, ...), the student's code must not reach
the course library's own answer: not by delegating (`return nettrain_lib.mse_loss(*args)`), not through
a closure or functools.partial, and not by reading the library's source file and exec'ing it. So that
sandbox mounts, over the real package directory, a copy in which the body of every function or method
that computes a graded answer is replaced by a `raise` of `nettrain_lib._unavailable.ReferenceUnavailable`
(signature, decorators and docstring kept). Everything else is copied byte for byte and keeps working;
what calls a redacted place raises too (with `Dense.forward` redacted, `Sequential.fit` cannot run).

Which places: every module-level function of any nettrain_lib module whose name is a graded name, plus
`EQUIVALENTS`, the other functions and methods that compute a graded answer from the same or trivially
transformed arguments (`exp(log_softmax(z))` is softmax). Plotting, data loading and what uses a graded
computation as one step of a larger, different result stay. The grader builds one copy per run
with the graded functions of every released lesson (grader.redacted_library): a lesson's function
cannot call another lesson's reference either. A test that needs the course's version of a helper
gets it from outside the sandbox (checks.substituted, answered by the grader).

    build(destination, graded)  -> destination/nettrain_lib, byte-compiled
    redacted_places(graded)     -> ["nettrain_lib.scratch.linear:mse_loss", ...]

Standard library only: the package is located with importlib.util.find_spec and read with ast, never
imported, so this module imports neither numpy nor the library it redacts.
"""
import ast
import compileall
import importlib.util
import shutil
from collections.abc import Iterable
from pathlib import Path

PACKAGE = "nettrain_lib"
UNAVAILABLE_MODULE = "_unavailable"        # written into the copy: nettrain_lib/_unavailable.py
_RAISER = "_reference_unavailable"         # the name the redacted modules import `unavailable` as

# graded name -> the other library places ("module:qualname") that compute its answer. Module-level
# functions named like a graded function (scratch.linear.mse_loss, _kernels.softmax,
# nn.activations.relu, nn.schedules.step_decay, ...) are found by name and are not listed here.
EQUIVALENTS: dict[str, tuple[str, ...]] = {
    # 01 the update rule
    "mse_loss": (
        "nettrain_lib.scratch.linear:gradient_descent_path",        # losses[0] of n_steps=0 from (w0, b0) = (w, b)
        "nettrain_lib.scratch.linear:loss_grid",                    # loss_grid(X, y, w, [b])[0, 0], one feature
        "nettrain_lib.scratch.conditioning:weights_descent_path",   # losses[0] of n_steps=0, w0=w, b=b
        "nettrain_lib.plots.normalization:weights_loss_grid",       # the same grid for two features
        "nettrain_lib.nn.losses:MeanSquaredError.per_example",      # its mean on ((X @ w + b)[:, None], y[:, None])
    ),
    "mse_gradients": (
        "nettrain_lib.scratch.linear:mse_gradients_unchecked",      # mse_gradients without the input checks
        "nettrain_lib.scratch.linear:gradient_descent_path",        # one step with lr=1: (w, b) - path[1]
        "nettrain_lib.scratch.conditioning:weights_descent_path",   # dw = w - path[1] after one step with lr=1
    ),
    "gradient_descent_step": (
        "nettrain_lib.nn.optimizers:SGD._update",                   # SGD(lr).apply({"p": param}, {"p": grad})
        "nettrain_lib.scratch.network:sgd_update",                  # sgd_update([(param, 0)], [(grad, 0)], lr)
    ),
    "gradient_descent": (
        "nettrain_lib.scratch.linear:gradient_descent_path",        # what gradient_descent returns, as arrays
        "nettrain_lib.scratch.linear:train_linear_regression",      # batch_size=N, epochs=n_steps, from zeros
        "nettrain_lib.nn.models:Sequential.fit",                    # Dense(1), SGD(lr), "mse", batch N, no shuffle
    ),
    # 02 batch strategies
    "train_linear_regression": (
        "nettrain_lib.scratch.linear:gradient_descent_path",        # the same run for batch_size=N without rng
        "nettrain_lib.nn.models:Sequential.fit",                    # the same w, b with model.rng = rng
    ),
    # 03 epochs and iterations
    "iterate_minibatches": (
        "nettrain_lib.scratch.batching:_minibatches",               # its generator, without the input checks
    ),
    # 05 softmax and cross-entropy
    "softmax": (
        "nettrain_lib.scratch.softmax:log_softmax",                 # softmax = exp(log_softmax(z))
        "nettrain_lib.scratch.network:network_forward",             # one layer W = I, b = 0: P = softmax(z)
    ),
    "softmax_cross_entropy_grad": (
        "nettrain_lib.scratch.network:network_backward",            # one layer, A_prev = I: dW = (P - Y) / N
    ),
    "one_hot": (
        "nettrain_lib.nn.losses:SparseCategoricalCrossentropy.one_hot",   # (labels, C, float64)
    ),
    "cross_entropy": (
        "nettrain_lib.scratch.softmax:cross_entropy_from_logits",   # (Y, log(probs)): log_softmax of log(P) is log(P)
        "nettrain_lib.nn.losses:CategoricalCrossentropy.per_example",        # its mean on (Y, probs)
        "nettrain_lib.nn.losses:SparseCategoricalCrossentropy.per_example",  # its mean on (argmax(Y), probs)
    ),
    "accuracy": (
        "nettrain_lib.nn.losses:CategoricalCrossentropy.accuracy",           # mean of (one_hot(labels), probs)
        "nettrain_lib.nn.losses:SparseCategoricalCrossentropy.accuracy",     # mean of (labels, probs)
        "nettrain_lib.nn.losses:MeanSquaredError.accuracy",                  # several outputs: argmax match
    ),
    "train_softmax_regression": (
        "nettrain_lib.nn.models:Sequential.fit",                    # Dense(C, softmax) from zeros, SGD(lr), same rng
    ),
    # 06 the capstone's layers (relu, relu_backward: nn.activations by name)
    "dense_forward": (
        "nettrain_lib.nn.layers:Dense.forward",                     # linear Dense with params {"kernel": W, "bias": b}
        "nettrain_lib.scratch.network:network_forward",             # one layer (W, b): the cache holds Z = X @ W + b
    ),
    "dense_backward": (
        "nettrain_lib.nn.layers:Dense.backward",                    # backward(None, d_z=d_out): grads and d_out @ W.T
    ),
    # 07 the training flow
    "early_stopping_epoch": (
        "nettrain_lib.nn.callbacks:EarlyStopping.on_epoch_end",     # fed val_losses epoch by epoch, sets stop_training
    ),
    # 08 optimizers (step_decay: nn.schedules by name)
    "momentum_step": (
        "nettrain_lib.nn.optimizers:SGD._update",                   # Keras's momentum form, velocity as state
    ),
    "rmsprop_step": (
        "nettrain_lib.nn.optimizers:RMSprop._update",               # sq_avg exactly, param with eps under the root
    ),
    "adam_step": (
        "nettrain_lib.nn.optimizers:Adam._update",                  # Keras's placement of eps, m and v as state
    ),
    "step_decay": (
        "nettrain_lib.nn.schedules:exponential_decay",              # (lr0, epoch // epochs_per_drop, drop)
    ),
    "l2_penalty_grad": (
        "nettrain_lib.nn.regularizers:L2.gradient",                 # grad + L2(lam).gradient(W)
    ),
    "dropout_forward": (
        "nettrain_lib.nn.layers:Dropout.forward",                   # inverted dropout; the mask is left in _mask
    ),
    "dropout_backward": (
        "nettrain_lib.nn.layers:Dropout.backward",                  # d_out * _mask
    ),
    # 06 the capstone's network (06_network_from_scratch)
    "glorot_uniform": (
        "nettrain_lib.nn.layers:Dense.build",                       # the same rng.uniform(-l, l, (fan_in, fan_out))
    ),
    "init_network": (
        "nettrain_lib.nn.layers:Dense.build",
        "nettrain_lib.nn.models:Sequential.build",                  # one Glorot draw per layer in order, zero biases
    ),
    "network_forward": (
        "nettrain_lib.nn.layers:Dense.forward",
        "nettrain_lib.nn.models:Sequential._forward",               # P (predict calls it)
    ),
    "network_backward": (
        "nettrain_lib.nn.layers:Dense.backward",
        "nettrain_lib.nn.models:Sequential._backward",              # fused (P - Y) / N through every layer
    ),
    "sgd_update": (
        "nettrain_lib.nn.optimizers:SGD._update",
    ),
    "train_network": (
        "nettrain_lib.nn.models:Sequential.fit",                    # the same loop, packaged (the curriculum says so)
    ),
}

UNAVAILABLE_SOURCE = '''"""Written by nettrain_grading.redact into the redacted copy of nettrain_lib that the grader
mounts while it checks a student's graded functions: the functions that compute a graded answer raise this."""


class ReferenceUnavailable(RuntimeError):
    """A function of nettrain_lib that computes the answer of a graded function was called while the
    grader checks the student's graded functions."""


def unavailable(name):
    raise ReferenceUnavailable(
        f"nettrain_lib's own {name} is switched off while the grader checks your functions: "
        "your graded functions must compute their answers themselves"
    )
'''


def package_directory() -> Path:
    """The nettrain_lib package directory, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"cannot find the {PACKAGE} package to redact")
    return Path(list(spec.submodule_search_locations)[0])


def redacted_places(graded: Iterable[str]) -> list[str]:
    """Every "module:qualname" to redact for these graded names: the module-level functions of that
    name in any nettrain_lib module, and their EQUIVALENTS. Raises ValueError for an EQUIVALENTS
    entry (of any graded name) that names nothing in the library's source."""
    return sorted(_places(_Sources(package_directory()), graded))


def build(destination: Path, graded: Iterable[str]) -> Path:
    """Copy nettrain_lib to destination/nettrain_lib with every place of `graded` redacted; return its path.

    The copy skips __pycache__; changed modules are rewritten from their syntax tree (ast.unparse, so
    their comments go), the others are copied byte for byte, data files included. The copy is then
    byte-compiled, so that importing it in the sandbox is fast.
    """
    source = package_directory()
    sources = _Sources(source)
    places = _places(sources, graded)
    if (source / f"{UNAVAILABLE_MODULE}.py").exists():
        raise ValueError(f"{source} already has a {UNAVAILABLE_MODULE}.py: choose another name for the one "
                         "nettrain_grading.redact writes into the copy")
    by_module: dict[str, set[str]] = {}
    for place in places:
        module, qualname = place.split(":")
        by_module.setdefault(module, set()).add(qualname)
    rewritten = {module: _redacted_source(sources, module, qualnames) for module, qualnames in by_module.items()}

    copy = Path(destination) / PACKAGE
    if copy.exists():
        raise FileExistsError(f"{copy} already exists: build the redacted copy into a new folder")
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo"))
    for module, text in rewritten.items():
        (copy / sources.files[module].relative_to(source)).write_text(text, encoding="utf-8")
    (copy / f"{UNAVAILABLE_MODULE}.py").write_text(UNAVAILABLE_SOURCE, encoding="utf-8")
    if not compileall.compile_dir(copy, quiet=1, force=True):
        raise RuntimeError(f"byte-compiling the redacted copy {copy} failed")
    return copy


class _Sources:
    """The modules of the package directory (module name -> file), each parsed once when first needed."""

    def __init__(self, root: Path):
        self.root = root
        self.files = {}
        for path in sorted(root.rglob("*.py")):
            relative = path.relative_to(root)
            if "__pycache__" in relative.parts:
                continue
            parts = relative.with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            self.files[".".join((PACKAGE, *parts))] = path
        self._trees = {}

    def tree(self, module: str) -> ast.Module:
        if module not in self._trees:
            path = self.files[module]
            self._trees[module] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        return self._trees[module]


def _places(sources: _Sources, graded: Iterable[str]) -> set[str]:
    if isinstance(graded, str):
        raise TypeError(f"graded must be a collection of function names, not the string {graded!r}")
    graded = set(graded)
    for name, places in EQUIVALENTS.items():         # the whole table, whatever is graded: no silent rot
        for place in places:
            _check_place(sources, place, name)
    places = {place for name in graded for place in EQUIVALENTS.get(name, ())}
    for module in sources.files:
        for node in sources.tree(module).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in graded:
                places.add(f"{module}:{node.name}")
    return places


def _check_place(sources: _Sources, place: str, name: str):
    module, _, qualname = place.partition(":")
    where = f"EQUIVALENTS[{name!r}] names {place!r}"
    if not qualname or module not in sources.files:
        raise ValueError(f"{where}, but {sources.root} has no module {module!r} "
                         "(places are written 'nettrain_lib.module.path:function' or ':Class.method')")
    if not _definitions(sources.tree(module), qualname):
        raise ValueError(f"{where}, but {sources.files[module]} defines no function or method {qualname!r}: "
                         "update the table in nettrain_grading/redact.py")


def _definitions(tree: ast.Module, qualname: str) -> list:
    """The function definitions at `qualname` ("f" or "Class.method") directly in the module's body."""
    *classes, function = qualname.split(".")
    bodies = [tree.body]
    for class_name in classes:
        bodies = [node.body for body in bodies for node in body
                  if isinstance(node, ast.ClassDef) and node.name == class_name]
    return [node for body in bodies for node in body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function]


def _redacted_source(sources: _Sources, module: str, qualnames: set[str]) -> str:
    """The module's source with the bodies of `qualnames` replaced by `raise _reference_unavailable(name)`."""
    path = sources.files[module]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))   # a fresh tree: this one is changed
    for qualname in sorted(qualnames):
        definitions = _definitions(tree, qualname)
        if not definitions:
            raise ValueError(f"{path} defines no function or method {qualname!r}")
        for node in definitions:
            kept = node.body[:1] if ast.get_docstring(node, clean=False) is not None else []
            call = ast.Call(func=ast.Name(_RAISER, ast.Load()), args=[ast.Constant(qualname)], keywords=[])
            node.body = [*kept, ast.Raise(exc=call, cause=None)]
    # `from .._unavailable import unavailable as _reference_unavailable`, after the docstring and any
    # `from __future__` import (the level is the module's depth in the package: 1 for nettrain_lib/x.py).
    level = len(path.relative_to(sources.root).parts)
    statement = ast.ImportFrom(module=UNAVAILABLE_MODULE, names=[ast.alias("unavailable", _RAISER)], level=level)
    position = 1 if ast.get_docstring(tree, clean=False) is not None else 0
    while position < len(tree.body) and isinstance(tree.body[position], ast.ImportFrom) \
            and tree.body[position].module == "__future__":
        position += 1
    tree.body.insert(position, statement)
    text = ast.unparse(ast.fix_missing_locations(tree)) + "\n"
    compile(text, str(path), "exec")          # a broken rewrite fails here, not in the sandbox
    return text
