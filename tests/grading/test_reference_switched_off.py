"""The clean re-check's copy of nettrain_lib (nettrain_grading.redact): no code in it computes the
answer of a graded function, and everything else still works."""
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import nettrain_lib
from nettrain_grading import redact
from tests.support.catalogue import CATALOGUE

GRADED = sorted({name for functions in CATALOGUE.values() for name in functions})

# Imports the copy, not the real package: the venv's editable-install finder is taken out first.
PRELUDE = """
import sys
sys.meta_path[:] = [finder for finder in sys.meta_path if "editable" not in repr(finder).lower()]
sys.path.insert(0, {folder!r})
import nettrain_lib
assert nettrain_lib.__file__.startswith({folder!r}), nettrain_lib.__file__
"""


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("redacted")
    redact.build(folder, GRADED)
    return folder


def run_in_copy(folder, code):
    script = textwrap.dedent(PRELUDE.format(folder=str(folder))) + textwrap.dedent(code)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_every_redacted_place_raises_and_names_itself(copy):
    places = redact.redacted_places(GRADED)
    assert "nettrain_lib.scratch.linear:mse_loss" in places and "nettrain_lib._kernels:softmax" in places
    out = run_in_copy(copy, f"""
        import importlib, inspect, json
        from nettrain_lib._unavailable import ReferenceUnavailable
        missed = []
        for place in {places!r}:
            module, qualname = place.split(":")
            target = importlib.import_module(module)
            for part in qualname.split("."):
                target = getattr(target, part)
            arguments = [None] * len([p for p in inspect.signature(target).parameters.values()
                                      if p.default is p.empty and p.kind == p.POSITIONAL_OR_KEYWORD])
            try:
                target(*arguments)
                missed.append(place)
            except ReferenceUnavailable as exc:
                if qualname not in str(exc):
                    missed.append(place + " (message)")
            except Exception as exc:
                missed.append(place + f" ({{type(exc).__name__}})")
        print(json.dumps(missed))
        """)
    assert json.loads(out) == []


def test_the_rest_of_the_library_still_works(copy):
    out = run_in_copy(copy, """
        import numpy as np
        from nettrain_lib import Dense, Sequential, load_digits, make_linear_regression, one_hot
        X, y = make_linear_regression(20, np.random.default_rng(0), weights=(1.0, 2.0))
        digits, labels = load_digits()
        model = Sequential([Dense(4, activation="relu"), Dense(3, activation="softmax")])
        try:
            one_hot(np.array([0, 1]), 2)
        except RuntimeError as exc:
            print("one_hot:", type(exc).__name__)
        print(X.shape, digits.shape[1], len(model.layers))
        """)
    assert "one_hot: ReferenceUnavailable" in out and "(20, 2) 64 2" in out


def test_no_source_of_a_reference_is_left_in_the_copy(copy):
    """The copy's source has the signature and a raise, not the body; its byte code was compiled from
    that source (the real package's __pycache__ is not copied)."""
    text = (copy / "nettrain_lib" / "scratch" / "linear.py").read_text()
    assert "def mse_loss" in text and "_reference_unavailable('mse_loss')" in text
    assert "float(np.mean(residuals ** 2))" not in text and "X.T @ residuals" not in text
    for compiled in (copy / "nettrain_lib").rglob("*.pyc"):
        source = compiled.parent.parent / (compiled.name.split(".")[0] + ".py")
        assert source.exists() and compiled.stat().st_mtime >= source.stat().st_mtime - 1, compiled


ARGUMENTS = {       # graded function -> one representative call (args), from the curriculum's contracts
    "mse_loss": lambda X, y, w: (X, y, w, 0.5),
    "mse_gradients": lambda X, y, w: (X, y, w, 0.5),
    "gradient_descent_step": lambda X, y, w: (w, y[:3], 0.1),
    "softmax": lambda X, y, w: (X,),
    "one_hot": lambda X, y, w: (np.array([0, 2, 1, 2]), 3),
    "l2_normalize": lambda X, y, w: (X,),
    "standardize_fit": lambda X, y, w: (X,),
    "min_max_fit": lambda X, y, w: (X,),
    "steps_per_epoch": lambda X, y, w: (10, 3),
    "step_decay": lambda X, y, w: (0.1, 25),
}


def flat(value):
    """One float vector of a value or a tuple of values ((dw, db) -> [dw..., db])."""
    parts = value if isinstance(value, tuple) else (value,)
    return np.concatenate([np.ravel(np.asarray(part, dtype=float)) for part in parts])


def test_no_function_left_in_the_copy_reproduces_a_graded_answer(copy):
    """Delegation search: call every module-level function of the copy with each graded function's
    arguments; none may return the reference answer (computed with the real library here)."""
    rng = np.random.default_rng(3)
    X, y, w = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=3)
    cases = {}
    for name, make in ARGUMENTS.items():
        args = make(X, y, w)
        expected = getattr(nettrain_lib, name)(*args)
        cases[name] = ([np.asarray(arg).tolist() if isinstance(arg, np.ndarray) else arg for arg in args],
                       flat(expected).tolist())
    out = run_in_copy(copy, f"""
        import importlib, inspect, json, pkgutil, warnings
        import numpy as np
        warnings.simplefilter("ignore")
        cases = json.loads({json.dumps(json.dumps(cases))})
        functions = {{}}
        for info in pkgutil.walk_packages(nettrain_lib.__path__, "nettrain_lib."):
            if ".plots" in info.name:
                continue
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if inspect.isfunction(value) and value.__module__ == info.name:
                    functions[f"{{info.name}}:{{name}}"] = value
        found = []
        for graded, (args, expected) in cases.items():
            args = [np.asarray(a) if isinstance(a, list) else a for a in args]
            for place, function in functions.items():
                try:
                    value = function(*args)
                    value = np.concatenate([np.ravel(np.asarray(part, dtype=float)) for part in
                                            (value if isinstance(value, tuple) else (value,))])
                except Exception:
                    continue
                if value.shape == np.shape(expected) and np.allclose(value, expected):
                    found.append(f"{{graded}} <- {{place}}")
        print(json.dumps(found))
        """)
    assert json.loads(out) == []


def test_a_place_that_does_not_exist_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setitem(redact.EQUIVALENTS, "mse_loss", ("nettrain_lib.scratch.linear:no_such_function",))
    with pytest.raises(ValueError, match="no_such_function"):
        redact.build(tmp_path, ["mse_loss"])
