"""Learning-rate schedules: functions of the epoch (0-based) that give that epoch's learning rate.

- step_decay(lr0, epoch, drop=0.5, epochs_per_drop=10) = lr0 * drop ** floor(epoch / epochs_per_drop):
  halve the rate every 10 epochs;
- exponential_decay(lr0, epoch, decay_rate=0.9) = lr0 * decay_rate ** epoch: a smooth version;
- cosine_decay(lr0, epoch, total_epochs, alpha=0.0): from lr0 down to alpha * lr0 along half a
  cosine, as Keras's CosineDecay does per step.
Use one with fit through LearningRateScheduler (nettrain_lib.nn.callbacks), as in Keras.
"""
import math

from .. import _validate


def step_decay(lr0, epoch, drop=0.5, epochs_per_drop=10):
    lr0 = _validate.positive_scalar(lr0, "lr0")
    epoch = _validate.non_negative_int(epoch, "epoch")
    drop = _validate.positive_scalar(drop, "drop")
    epochs_per_drop = _validate.positive_int(epochs_per_drop, "epochs_per_drop")
    return lr0 * drop ** math.floor(epoch / epochs_per_drop)


def exponential_decay(lr0, epoch, decay_rate=0.9):
    lr0 = _validate.positive_scalar(lr0, "lr0")
    epoch = _validate.non_negative_int(epoch, "epoch")
    decay_rate = _validate.positive_scalar(decay_rate, "decay_rate")
    return lr0 * decay_rate ** epoch


def cosine_decay(lr0, epoch, total_epochs, alpha=0.0):
    lr0 = _validate.positive_scalar(lr0, "lr0")
    epoch = _validate.non_negative_int(epoch, "epoch")
    total_epochs = _validate.positive_int(total_epochs, "total_epochs")
    alpha = _validate.real_scalar(alpha, "alpha")
    progress = min(epoch, total_epochs) / total_epochs
    return lr0 * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * progress)) + alpha)
