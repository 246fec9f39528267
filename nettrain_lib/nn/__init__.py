"""Lessons 07-08: the Keras 3 API in numpy, with Keras's module names and meaning.

    models.py        Sequential (add, compile, fit, evaluate, predict, save), load_model
    layers.py        Dense, Dropout
    activations.py   relu, sigmoid, tanh, softmax, linear, each with its backward
    losses.py        categorical / sparse categorical cross-entropy, mean squared error
    optimizers.py    SGD (with momentum, Nesterov), RMSprop, Adam
    callbacks.py     History, EarlyStopping, ModelCheckpoint, LearningRateScheduler, TerminateOnNaN
    regularizers.py  L2
    schedules.py     step, exponential and cosine decay of the learning rate

The graded exercises of lessons 07-08 (early_stopping_epoch, adam_step, ...) are written by the
students in the notebooks; the classes here are what `fit()` does with the same ideas, and lesson 06's
network (nettrain_lib.scratch.network) is the loop `fit()` runs.
Import from `nettrain_lib` itself, which re-exports the public names.
"""
