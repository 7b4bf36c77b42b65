"""MNIST read row by row, the framework chapters' running example.

- :mod:`lstm_utils.mnist.classifier` — an LSTM classifier over the 28 rows of an image in
  PyTorch, its training loop (timed phase by phase) and its accuracy.

The data itself (vendored, checksummed) is loaded by :mod:`lstm_utils.datasets.mnist`.
"""
