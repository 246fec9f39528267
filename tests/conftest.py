"""Shared test set-up: figures are drawn off-screen, closed after every test, and never shown."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures_and_forbid_show(monkeypatch):
    """Close every figure after each test, and fail if a helper calls plt.show()."""
    def show(*args, **kwargs):
        raise AssertionError("a plot helper called plt.show()")

    monkeypatch.setattr(plt, "show", show)
    yield
    plt.close("all")
