"""The course's data: small synthetic sets drawn from an explicit Generator, and the bundled digits.

    synthetic.py   make_linear_regression, make_blobs
    digits.py      load_digits (the 1,797 8x8 images of digits.npz), train_val_test_split
"""
from .digits import load_digits, train_val_test_split
from .synthetic import make_blobs, make_linear_regression

__all__ = ["load_digits", "make_blobs", "make_linear_regression", "train_val_test_split"]
