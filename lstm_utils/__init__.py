"""Shared, tested code behind the LSTM Book, in folders by concern.

The equations, written out:

- :mod:`lstm_utils.reference` — NumPy reference implementations: the LSTM (forward, BPTT
  backward, and a fused version), the plain RNN and the GRU, gradient checks, Adam.

The bridges to the frameworks:

- :mod:`lstm_utils.frameworks` — an LSTM's or a GRU's weights to and from PyTorch, Keras 3 and
  TF1 layouts (one layer, a stack, a bidirectional pair), and the TensorFlow 1 import;
- :mod:`lstm_utils.torch_train` — small PyTorch helpers: seeding, a last-step regressor, a
  clipped training loop (imported on demand, so that the NumPy chapters do not load PyTorch).

Data:

- :mod:`lstm_utils.datasets` — MNIST, two public-domain texts and UD English EWT (vendored,
  checksummed), synthetic sequence tasks, and the SST and stock series of the forecasting
  chapter (from pinned packages).

Task models, in PyTorch:

- :mod:`lstm_utils.mnist` — the framework chapters' MNIST classifier, its timed training loop;
- :mod:`lstm_utils.forecasting` — leakage-free windows, naive and linear forecasts, metrics,
  and an encoder-decoder forecaster;
- :mod:`lstm_utils.lm` — language modelling: vocabularies, batches for truncated BPTT, an
  interpolated Kneser–Ney n-gram model, and a recurrent language model (training, evaluation
  in bits, sampling);
- :mod:`lstm_utils.tagging` — part-of-speech tagging: a most-frequent-tag baseline and a
  (Bi)LSTM tagger with an optional character BiLSTM.

Studies of the LSTM itself:

- :mod:`lstm_utils.variants` — the LSTM variants of Greff et al. (2017) in one PyTorch layer that
  trains many independent LSTMs at once, with per-slot heads, clipping and regularisers;
- :mod:`lstm_utils.benchmarks` — FLOPs, memory traffic and the roofline of an LSTM layer, the
  machine's GEMM rate and bandwidth, and the same layer in every implementation, ready to time.

After the Transformer:

- :mod:`lstm_utils.successors` — a GPT-style Transformer, minLSTM and xLSTM's cells written
  out, the parallel scan, parity, aⁿbⁿ and associative-recall tasks, training to a wall-clock
  budget, and the cost of a state against a key–value cache.

Figures:

- :mod:`lstm_utils.plotting` — the cell and network diagrams and gate-activation plots.

The package's top level re-exports the NumPy LSTM and the data loaders the first chapters use.
"""

from lstm_utils.datasets import DataIntegrityError, adding_problem, adjacent_sum, load_mnist
from lstm_utils.reference.gradcheck import check_gradients, numerical_gradient, relative_error
from lstm_utils.reference.lstm import (
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
