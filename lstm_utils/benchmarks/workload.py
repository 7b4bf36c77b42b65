"""What every benchmark runner times: the same input and weights, and the :class:`Runner`
type that wraps one pass over them.

:func:`benchmark_data` draws the input (time-major, float32) and the weights of an
:class:`~lstm_utils.benchmarks.arithmetic.LSTMShape` from a seed, so that every implementation
computes the same function on the same data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lstm_utils.benchmarks.arithmetic import LSTMShape
from lstm_utils.reference.lstm import LSTMParams


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
