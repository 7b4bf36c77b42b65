"""Bridges to the frameworks: weight layouts and the TensorFlow 1 import.

- :mod:`lstm_utils.frameworks.convert` — an LSTM's weights (one layer, a stack or a
  bidirectional pair) to and from PyTorch, Keras 3 and TF1 layouts, with errors that name what
  was passed in (a GRU, a projection, a wrapper) and the call that fits it;
- :mod:`lstm_utils.frameworks.convert_gru` — a GRU layer's weights to and from PyTorch and
  Keras 3 (whose block order differs);
- :mod:`lstm_utils.frameworks.tf_compat` — importing TensorFlow for ``tf.compat.v1`` code and
  Keras 2 (``tf-keras``), quietly, and seeding a TF1 graph.

The converters take and return NumPy arrays, so they import no framework themselves.
"""
