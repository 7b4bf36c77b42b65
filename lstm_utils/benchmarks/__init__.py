"""Measuring LSTM implementations against the machine's limits.

- :mod:`~lstm_utils.benchmarks.arithmetic` — FLOPs, memory traffic and arithmetic intensity
  of an LSTM layer, and the roofline bound;
- :mod:`~lstm_utils.benchmarks.timing` — best-of-n timing, time per phase of a loop, the
  machine's GEMM rate and memory bandwidth;
- :mod:`~lstm_utils.benchmarks.profiling` — operator-level time of a PyTorch callable;
- :mod:`~lstm_utils.benchmarks.workload` — the input and weights every runner uses, and the
  :class:`~lstm_utils.benchmarks.workload.Runner` type;
- :mod:`~lstm_utils.benchmarks.runners` — one forward (or forward+backward) pass of the same
  LSTM in any implementation, ready to time; the NumPy ones live there, the others in
  :mod:`~lstm_utils.benchmarks.torch_runners` (PyTorch) and
  :mod:`~lstm_utils.benchmarks.tf_runners` (Keras 3 and TF1), imported on demand.
"""

from lstm_utils.benchmarks.arithmetic import LSTMShape, roofline
from lstm_utils.benchmarks.runners import IMPLEMENTATIONS, make_runner
from lstm_utils.benchmarks.timing import PhaseTimer, best_time, copy_bandwidth_gbs, gemm_gflops
from lstm_utils.benchmarks.workload import ImplementationUnavailableError, Runner, benchmark_data

__all__ = [
    "IMPLEMENTATIONS",
    "ImplementationUnavailableError",
    "LSTMShape",
    "PhaseTimer",
    "Runner",
    "benchmark_data",
    "best_time",
    "copy_bandwidth_gbs",
    "gemm_gflops",
    "make_runner",
    "roofline",
]
