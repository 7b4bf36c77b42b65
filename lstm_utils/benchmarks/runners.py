"""One pass of the same LSTM layer, as a callable to time, in any of the book's implementations.

Every runner computes the layer's outputs h_1 … h_T for a fixed random input of
:class:`~lstm_utils.benchmarks.arithmetic.LSTMShape` (time-major, float32, zero initial
state, the same weights everywhere); with ``backward=True`` it also backpropagates the loss
Σ_t Σ h_t to every weight. Data, weights and loss are the same in every framework, so the
times compare implementations, not workloads. PyTorch and TensorFlow are imported only when
one of their runners is made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lstm_utils.benchmarks.arithmetic import LSTMShape
from lstm_utils.numpy_lstm import LSTMParams, lstm_backward, lstm_forward
from lstm_utils.numpy_lstm_fused import lstm_backward_fused, lstm_forward_fused

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


class ImplementationUnavailableError(RuntimeError):
    """An implementation cannot run on this machine (e.g. ``torch.compile`` without a working
    C++ toolchain); the message says why and what would fix it."""


@dataclass
class Runner:
    """A pass to time: call it. ``outputs()`` returns h as a (T, B, H) NumPy array, to check
    that implementations agree; ``close()`` frees what it holds (a TF1 session)."""

    run: Callable[[], object]
    outputs: Callable[[], np.ndarray]
    close: Callable[[], None] = field(default=lambda: None)

    def __call__(self) -> None:
        self.run()

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def benchmark_data(shape: LSTMShape, seed: int = 0) -> tuple[np.ndarray, LSTMParams]:
    """The input (T, B, X) and the weights every runner uses, float32, drawn from ``seed``."""
    if not isinstance(shape, LSTMShape):
        raise TypeError(f"shape must be an LSTMShape, got {type(shape).__name__}.")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((shape.steps, shape.batch, shape.inputs), dtype=np.float32)
    params = LSTMParams.init(shape.inputs, shape.hidden, rng, dtype=np.float32)
    return x, params


def make_runner(name: str, shape: LSTMShape, backward: bool = False, seed: int = 0) -> Runner:
    """A :class:`Runner` of implementation ``name`` (one of :data:`IMPLEMENTATIONS`).

    Raises :class:`ImplementationUnavailableError` if the implementation cannot run here."""
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
