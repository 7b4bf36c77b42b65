"""Shared, tested code behind the LSTM Book.

Modules, one concern each:

- :mod:`lstm_utils.numpy_lstm` — the reference LSTM in NumPy (forward and BPTT backward);
- :mod:`lstm_utils.numpy_lstm_fused` — the same LSTM with the input projection and the weight
  gradients taken out of the time loop as large GEMMs (Appleyard et al., 2016);
- :mod:`lstm_utils.numpy_rnn` — the reference plain (tanh) RNN in NumPy, same conventions;
- :mod:`lstm_utils.numpy_gru` — the reference GRU in NumPy (forward), PyTorch's formulation;
- :mod:`lstm_utils.convert` — one LSTM's weights in PyTorch, Keras 3 and TF1 layouts;
- :mod:`lstm_utils.gradcheck` — finite-difference gradient checks for any reference model;
- :mod:`lstm_utils.numpy_train` — softmax cross-entropy and Adam for the NumPy models;
- :mod:`lstm_utils.datasets` — MNIST, two public-domain texts and UD English EWT (vendored,
  checksummed), synthetic sequence tasks, and the SST and stock series of the forecasting
  chapter (from pinned packages);
- :mod:`lstm_utils.lm` — language modelling: vocabularies, batches for truncated BPTT, an
  interpolated Kneser–Ney n-gram model, and a recurrent language model in PyTorch (training,
  evaluation in bits, sampling);
- :mod:`lstm_utils.mnist_torch` — the framework chapters' MNIST classifier in PyTorch, its
  training loop (timed phase by phase) and its accuracy;
- :mod:`lstm_utils.tagging` — part-of-speech tagging: a most-frequent-tag baseline and a
  (Bi)LSTM tagger with an optional character BiLSTM, in PyTorch;
- :mod:`lstm_utils.variants` — the LSTM variants of Greff et al. (2017) in one PyTorch layer that
  trains many independent LSTMs at once, with per-slot heads, clipping and regularisers;
- :mod:`lstm_utils.forecasting` — leakage-free windows, naive and linear forecasts, metrics;
- :mod:`lstm_utils.seq2seq` — a PyTorch encoder-decoder forecaster and its training loop;
- :mod:`lstm_utils.benchmarks` — FLOPs, memory traffic and the roofline of an LSTM layer, the
  machine's GEMM rate and bandwidth, and the same layer in every implementation, ready to time;
- :mod:`lstm_utils.plotting` — the cell and network diagrams and gate-activation plots;
- :mod:`lstm_utils.tf_compat` — importing TensorFlow for ``tf.compat.v1`` code, quietly;
- :mod:`lstm_utils.torch_train` — PyTorch seeding, a last-step regressor, a clipped training loop
  (imported on demand, so that the NumPy chapters do not load PyTorch).
"""

from lstm_utils.datasets import DataIntegrityError, adding_problem, adjacent_sum, load_mnist
from lstm_utils.gradcheck import check_gradients, numerical_gradient, relative_error
from lstm_utils.numpy_lstm import (
    GATE_ORDER,
    LSTMGrads,
    LSTMParams,
    LSTMTrace,
    lstm_backward,
    lstm_forward,
    lstm_gradient_check,
    lstm_step,
    sigmoid,
)

__all__ = [
    "GATE_ORDER",
    "DataIntegrityError",
    "LSTMGrads",
    "LSTMParams",
    "LSTMTrace",
    "adding_problem",
    "adjacent_sum",
    "check_gradients",
    "load_mnist",
    "lstm_backward",
    "lstm_forward",
    "lstm_gradient_check",
    "lstm_step",
    "numerical_gradient",
    "relative_error",
    "sigmoid",
]
