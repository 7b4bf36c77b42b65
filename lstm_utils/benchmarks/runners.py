"""One pass of the same LSTM layer, as a callable to time, in any of the book's implementations.

:func:`make_runner` dispatches by name: the NumPy runners live here, the PyTorch and TensorFlow
ones in :mod:`~lstm_utils.benchmarks.torch_runners` and :mod:`~lstm_utils.benchmarks.tf_runners`
(which import only :mod:`~lstm_utils.benchmarks.workload`, so the modules form no import
circle). Every runner computes the layer's outputs h_1 … h_T for a fixed random input of
:class:`~lstm_utils.benchmarks.arithmetic.LSTMShape` (time-major, float32, zero initial
state, the same weights everywhere); with ``backward=True`` it also backpropagates the loss
Σ_t Σ h_t to every weight. Data, weights and loss are the same in every framework, so the
times compare implementations, not workloads. PyTorch and TensorFlow are imported only when
one of their runners is made.
"""

from __future__ import annotations

import numpy as np

from lstm_utils.benchmarks.arithmetic import LSTMShape
from lstm_utils.benchmarks.workload import Runner, benchmark_data
from lstm_utils.reference.lstm import lstm_backward, lstm_forward
from lstm_utils.reference.lstm_fused import lstm_backward_fused, lstm_forward_fused

#: The NumPy implementations (reference and fused).
NUMPY: tuple[str, ...] = ("numpy_reference", "numpy_fused")
#: The PyTorch implementations (see :mod:`lstm_utils.benchmarks.torch_runners`).
TORCH: tuple[str, ...] = (
    "torch_cell_loop",
    "torch_scripted_loop",
    "torch_compiled_loop",
    "torch_lstm",
)
#: The TensorFlow implementations (see :mod:`lstm_utils.benchmarks.tf_runners`).
TENSORFLOW: tuple[str, ...] = ("keras_lstm", "tf1_dynamic_rnn", "tf1_static_rnn")
#: Every implementation :func:`make_runner` knows, in the chapter's order.
IMPLEMENTATIONS: tuple[str, ...] = NUMPY + TORCH + TENSORFLOW


def make_runner(name: str, shape: LSTMShape, backward: bool = False, seed: int = 0) -> Runner:
    """A :class:`~lstm_utils.benchmarks.workload.Runner` of implementation ``name`` (one of
    :data:`IMPLEMENTATIONS`).

    Raises :class:`~lstm_utils.benchmarks.workload.ImplementationUnavailableError` if the
    implementation cannot run here."""
    if name not in IMPLEMENTATIONS:
        raise ValueError(
            f"unknown implementation {name!r}; choose one of {', '.join(IMPLEMENTATIONS)}."
        )
    x, params = benchmark_data(shape, seed)
    if name in TORCH:
        from lstm_utils.benchmarks.torch_runners import make_torch_runner

        return make_torch_runner(name, x, params, backward)
    if name in TENSORFLOW:
        from lstm_utils.benchmarks.tf_runners import make_tf_runner

        return make_tf_runner(name, x, params, backward)
    forward, backward_pass = (
        (lstm_forward, lstm_backward)
        if name == "numpy_reference"
        else (lstm_forward_fused, lstm_backward_fused)
    )

    def run() -> np.ndarray:
        trace = forward(x, params)
        if backward:
            backward_pass(trace, params, np.ones_like(trace.h))
        return trace.h

    return Runner(run=run, outputs=lambda: forward(x, params).h)
