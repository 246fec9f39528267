"""Helpers shared by the library tests: checks on plots, and the Keras parity bench and fixture."""
import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes

ROOT = Path(__file__).resolve().parents[1]
BENCH_PATH = ROOT / "bench" / "keras_parity.py"
FIXTURE_PATH = ROOT / "tests" / "fixtures" / "keras_parity.npz"


def assert_labelled(ax):
    assert isinstance(ax, Axes)
    assert ax.get_xlabel().strip()
    assert ax.get_ylabel().strip()


def legend_labels(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def load_bench():
    """bench/keras_parity.py as a module, loaded from its path (it edits sys.path and the environment
    on import: both are put back)."""
    saved_path, saved_backend = list(sys.path), os.environ.get("KERAS_BACKEND")
    spec = importlib.util.spec_from_file_location("keras_parity_bench", BENCH_PATH)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved_path
        if saved_backend is None:
            os.environ.pop("KERAS_BACKEND", None)
        else:
            os.environ["KERAS_BACKEND"] = saved_backend
    return module


def load_keras_results():
    """The Keras 3.15 results recorded by bench/keras_parity.py --write: {name: array}."""
    with np.load(FIXTURE_PATH, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}
