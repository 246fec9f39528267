"""Lessons 01-06 in plain numpy: the reference answers of their graded functions, and the measurements
their figures are made from. Every function checks its arguments and says what it received.

    update_rule.py    gradient_descent_step: W_new = W_old - lr * dJ/dW                  (lesson 01)
    linear.py         mse_loss, mse_gradients, gradient_descent, loss_grid,
                      train_linear_regression                                            (lessons 01-02)
    gradcheck.py      numerical_gradient, relative_error                                 (lesson 01)
    toy.py            the tilted double well that mini-batch noise can escape            (lesson 02)
    timing.py         gradient_throughput, seconds_per_epoch                             (lesson 02)
    batching.py       steps_per_epoch, total_iterations, make_batches, iterate_minibatches (lessons 02-03)
    normalization.py  min-max, z-score and L2 normalization; normalize_splits            (lesson 04)
    conditioning.py   why normalizing helps, measured: 2 / lambda_max, steps, saturation (lesson 04)
    softmax.py        softmax, one_hot, cross_entropy, accuracy, train_softmax_regression (lesson 05)
    network.py        glorot_uniform, init_network, network_forward, network_backward,
                      sgd_update, train_network: a ReLU network trained by mini-batch SGD  (the capstone)

Import from `nettrain_lib` itself, which re-exports all of it.
"""
