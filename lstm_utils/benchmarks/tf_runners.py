"""The benchmark's TensorFlow runners: Keras 3 ``LSTM`` (in a ``tf.function``) and TF1
``dynamic_rnn`` / ``static_rnn`` (a graph and a session). Use them through
:func:`lstm_utils.benchmarks.runners.make_runner`.

TensorFlow is imported with :func:`lstm_utils.frameworks.tf_compat.import_tf1`, so that the
TF1 cells work; ``import keras`` still gives Keras 3 in the same process.
"""

from __future__ import annotations

import warnings

import numpy as np

from lstm_utils.benchmarks.workload import Runner
from lstm_utils.frameworks.convert import to_keras, to_tf1
from lstm_utils.frameworks.tf_compat import import_keras, import_tf1
from lstm_utils.reference.lstm import LSTMParams


def make_tf_runner(name: str, x: np.ndarray, params: LSTMParams, backward: bool) -> Runner:
    """The runner of ``name`` (see :data:`lstm_utils.benchmarks.runners.TENSORFLOW`)."""
    if name == "keras_lstm":
        return _keras_runner(x, params, backward)
    if name in ("tf1_dynamic_rnn", "tf1_static_rnn"):
        return _tf1_runner(name == "tf1_static_rnn", x, params, backward)
    raise ValueError(f"{name!r} is not a TensorFlow implementation.")


def _keras_runner(x_np: np.ndarray, params: LSTMParams, backward: bool) -> Runner:
    tf = import_tf1()
    keras = import_keras()
    layer = keras.layers.LSTM(params.hidden_size, return_sequences=True)
    layer.build((None, None, params.input_size))
    layer.set_weights(to_keras(params))
    x = tf.constant(np.ascontiguousarray(x_np.transpose(1, 0, 2)))  # Keras is batch-major

    @tf.function
    def forward() -> object:
        return layer(x)

    @tf.function
    def forward_backward() -> object:
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(x))
        return tape.gradient(loss, layer.trainable_variables)

    step = forward_backward if backward else forward
    return Runner(
        run=lambda: [t.numpy() for t in tf.nest.flatten(step())],
        outputs=lambda: forward().numpy().transpose(1, 0, 2),
    )


def _tf1_runner(static: bool, x_np: np.ndarray, params: LSTMParams, backward: bool) -> Runner:
    tf = import_tf1()
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        x = tf.constant(x_np)
        with warnings.catch_warnings():  # "deprecated": this is the legacy API on purpose
            warnings.simplefilter("ignore", UserWarning)
            cell = v1.nn.rnn_cell.LSTMCell(params.hidden_size)
        if static:
            outputs, _ = v1.nn.static_rnn(cell, tf.unstack(x), dtype=tf.float32)
            h = tf.stack(outputs)
        else:
            h, _ = v1.nn.dynamic_rnn(cell, x, dtype=tf.float32, time_major=True)
        kernel, bias = to_tf1(params)
        variables = cell.trainable_variables  # [kernel, bias]
        assign = [v.assign(value) for v, value in zip(variables, (kernel, bias), strict=True)]
        target = tf.gradients(tf.reduce_sum(h), variables) if backward else h
    session = v1.Session(graph=graph)
    session.run(assign)
    return Runner(
        run=lambda: session.run(target), outputs=lambda: session.run(h), close=session.close
    )
