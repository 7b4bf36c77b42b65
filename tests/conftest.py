"""Test-session set-up shared by every test module."""

import os

# TF1 cells (tf.compat.v1.nn.rnn_cell.*) need the legacy tf-keras, selected before TensorFlow
# is first imported; `import keras` still gives Keras 3. Quiet TensorFlow's C++ start-up logs.
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
