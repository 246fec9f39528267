"""Helpers shared by the library tests: checks on plots, and the recorded Keras results."""
import numpy as np
from matplotlib.axes import Axes

from tests.support.keras_parity_cases import FIXTURE_PATH


def assert_labelled(ax):
    assert isinstance(ax, Axes)
    assert ax.get_xlabel().strip()
    assert ax.get_ylabel().strip()


def legend_labels(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def load_keras_results():
    """The Keras 3.15 results recorded by bench/keras_parity.py --write: {name: array}."""
    with np.load(FIXTURE_PATH, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}
