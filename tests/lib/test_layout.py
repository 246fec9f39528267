"""The shape of nettrain_lib: which part may import which, no private name crosses a module, no
function is kept twice, no module outgrows a page or two, and one facade serves every notebook.

    scratch/  lessons 01-06 in plain numpy        nn/     lessons 07-08, the Keras-like API
    data/     data sets                           plots/  figures (may use scratch/, never nn/)
    checks.py, friendly.py, explore.py            what notebook cells import directly
    _validate.py, _kernels.py, i18n.py            shared by all of the above (i18n: the messages' language)
"""
import ast
import importlib
from pathlib import Path

import pytest

import nettrain_lib

PACKAGE = Path(nettrain_lib.__file__).parent
MODULES = sorted(path for path in PACKAGE.rglob("*.py"))
MAX_LINES = 400

# What each part may import from the rest of nettrain_lib (besides itself and the shared helpers).
ALLOWED = {
    "scratch": set(),
    "nn": set(),
    "data": set(),
    "plots": {"scratch"},
    "checks": set(),
    "friendly": set(),
    "explore": set(),
    "_validate": set(),
    "_kernels": set(),
    "i18n": set(),
    "__init__": {"scratch", "nn", "data", "plots"},
}
SHARED = {"_validate", "_kernels", "i18n"}


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(name):
    """'scratch' for nettrain_lib.scratch.linear, 'checks' for nettrain_lib.checks, '__init__' for the facade."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports_of(path):
    """[(module imported from, [names])] of one file, relative imports made absolute."""
    tree = ast.parse(path.read_text())
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            found.append((source, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
    return [(source, names) for source, names in found if source.split(".")[0] == "nettrain_lib"]


def is_module(name):
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_each_part_imports_only_what_it_may(path):
    """scratch/ and nn/ never import each other; plots/ may use scratch/; notebook tools use only the
    shared helpers."""
    part = part_of(module_name(path))
    for source, names in imports_of(path):
        targets = {source} if source != "nettrain_lib" else {f"nettrain_lib.{name}" for name in names}
        for target in targets:
            other = part_of(target)
            assert other in {part} | SHARED | ALLOWED[part], (
                f"{path.relative_to(PACKAGE)} imports {target}: {part} may not depend on {other}")


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_private_name_is_imported_across_modules(path):
    """`from .x import _helper` couples two modules through a name one of them calls private."""
    for source, names in imports_of(path):
        for name in names:
            if name.startswith("_") and not is_module(f"{source}.{name}"):
                pytest.fail(f"{path.relative_to(PACKAGE)} imports the private name {name} from {source}")


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_module_is_over_a_few_pages(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines: split it by idea"


def function_bodies(paths):
    """{ast dump of a body without its docstring: [where]} for every function and method of 2+ statements."""
    bodies = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body
                if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                    body = body[1:]                                   # the docstring
                if len(body) >= 2:
                    key = ast.dump(ast.Module(body=body, type_ignores=[]))
                    bodies.setdefault(key, []).append(f"{path}:{node.lineno} {node.name}")
    return bodies


def test_no_function_is_kept_twice():
    """Two functions with the same body are one function in two places: keep one, import it."""
    copies = [places for places in function_bodies(MODULES).values() if len(places) > 1]
    assert not copies, f"the same body in several places: {copies}"


def test_the_copy_check_finds_a_copy(tmp_path):
    """The check above is not vacuous: a module copied under another name is found, function by function."""
    copy = tmp_path / "copy.py"
    copy.write_text((PACKAGE / "_kernels.py").read_text())
    copies = [places for places in function_bodies(MODULES + [copy]).values() if len(places) > 1]
    assert sorted(places[-1].rsplit(" ", 1)[1] for places in copies) == ["one_hot", "sigmoid", "softmax"]


# ---------------------------------------------------------------- the facade

def test_the_facade_exports_what_it_lists():
    """Every name in nettrain_lib.__all__ exists, once; every public function and class of scratch/,
    nn/ (the Keras-level names), data/ and plots/ that a notebook may need is in it."""
    assert len(nettrain_lib.__all__) == len(set(nettrain_lib.__all__))
    missing = [name for name in nettrain_lib.__all__ if not hasattr(nettrain_lib, name)]
    assert not missing, f"__all__ lists names the package does not have: {missing}"
    for part in ("scratch", "data", "plots"):
        for path in sorted((PACKAGE / part).glob("[!_]*.py")):
            module = importlib.import_module(module_name(path))
            for name, value in vars(module).items():
                if (not name.startswith("_") and callable(value) and getattr(value, "__module__", "") == module.__name__
                        and name != "mse_gradients_unchecked"):
                    assert name in nettrain_lib.__all__, f"{module.__name__}.{name} is not in nettrain_lib.__all__"


# Import lines of notebooks released before the library was grouped by role (setup cells, and test
# cells recorded in an instructor's gradebook): they must keep working for the term.
OLD_IMPORTS = """
from nettrain_lib.linear import mse_loss, mse_gradients, gradient_descent, train_linear_regression
from nettrain_lib.gradcheck import numerical_gradient, relative_error
from nettrain_lib.normalization import min_max_fit, min_max_transform, standardize_fit, standardize_transform
from nettrain_lib.normalization import l2_normalize, normalize_splits, largest_stable_lr, least_squares_fit
from nettrain_lib.normalization import mse_hessian, saturated_fraction, sigmoid, steps_to_converge, weights_descent_path
from nettrain_lib.plots_normalization import plot_feature_strips, plot_method_bars, plot_pixel_map
from nettrain_lib.plots_normalization import plot_preactivation_histogram, plot_weight_contours
from nettrain_lib.softmax import accuracy, cross_entropy, cross_entropy_from_logits, one_hot, softmax
from nettrain_lib.softmax import softmax_cross_entropy_grad, train_softmax_regression
from nettrain_lib.plots_classification import plot_confusion_matrix, plot_decision_regions, plot_digit_grid
from nettrain_lib.plots_classification import plot_functions, plot_softmax_example
from nettrain_lib.plots import PALETTE
from nettrain_lib.data import make_blobs, make_linear_regression
from nettrain_lib.digits import load_digits, train_val_test_split
from nettrain_lib.callbacks import EarlyStopping, ModelCheckpoint, LearningRateScheduler
from nettrain_lib.layers import Dense, Dropout
from nettrain_lib.models import Sequential, load_model
from nettrain_lib.optimizers import Adam, SGD, RMSprop
from nettrain_lib.optim import gradient_descent_step
from nettrain_lib.batching import iterate_minibatches, make_batches, steps_per_epoch, total_iterations
from nettrain_lib.toy import double_well
from nettrain_lib.timing import gradient_throughput
from nettrain_lib.regularizers import L2
from nettrain_lib.schedules import step_decay
"""


@pytest.mark.parametrize("line", OLD_IMPORTS.strip().splitlines())
def test_old_module_paths_still_import_the_same_objects(line):
    """Each old path gives the very object the facade exports (an alias, not a copy)."""
    namespace = {}
    exec(line, namespace)
    for name, value in namespace.items():
        if name != "__builtins__":
            assert value is getattr(nettrain_lib, name), f"{line}: {name} is not nettrain_lib.{name}"
