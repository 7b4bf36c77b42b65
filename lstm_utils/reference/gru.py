"""A NumPy reference GRU (forward pass), in PyTorch's formulation.

Conventions (row vectors, time-major, as for the reference LSTM)::

    x      : (T, B, X)   inputs
    W_x    : (X, 3H)     input weights of the three blocks, stacked [r | z | n]
    W_h    : (H, 3H)     recurrent weights, same stacking
    b      : (3H,)       bias of each block applied outside the reset gate
    b_hn   : (H,)        recurrent bias of the candidate, applied inside the reset gate

    r_t = σ(x_t W_xr + h_{t-1} W_hr + b_r)                   reset gate
    z_t = σ(x_t W_xz + h_{t-1} W_hz + b_z)                   update gate
    n_t = tanh(x_t W_xn + b_n + r_t ⊙ (h_{t-1} W_hn + b_hn))  candidate state
    h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}                    hidden state (no cell state)

This is the variant of PyTorch ``nn.GRU``, cuDNN and Keras (``reset_after=True``): the reset
gate multiplies the *result* of the recurrent product. Cho et al. (2014) apply it before the
product, ``(r_t ⊙ h_{t-1}) W_hn``; the two are different functions. Because ``b_hn`` sits
inside the product with ``r_t``, it cannot be merged into ``b``: a GRU layer has
3·H·(X + H + 1) + H parameters here, and PyTorch stores 3·H·(X + H + 2) (the extra 2H of its
second bias are redundant for r and z).

Weight layouts of PyTorch and Keras, and converters to and from them, are in
:mod:`lstm_utils.frameworks.convert_gru`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lstm_utils._validation import (
    initial_state,
    require_float_array,
    require_same_dtype,
    require_sequence,
    require_shape,
)
from lstm_utils.reference._params import RecurrentParams, require_positive_sizes
from lstm_utils.reference.lstm import sigmoid

#: Order in which the three blocks are stacked along the last axis of ``W_x``, ``W_h``, ``b``
#: (PyTorch's order).
GRU_GATE_ORDER: tuple[str, ...] = ("r", "z", "n")


@dataclass
class GRUParams(RecurrentParams):
    """The parameters of one GRU layer, blocks stacked in :data:`GRU_GATE_ORDER`, plus the
    candidate's recurrent bias ``b_hn`` (H,)."""

    b_hn: np.ndarray

    gates: ClassVar[tuple[str, ...]] = GRU_GATE_ORDER

    def __post_init__(self) -> None:
        super().__post_init__()
        require_float_array("b_hn", self.b_hn, 1, "(hidden_size,)")
        require_shape("b_hn", self.b_hn, (self.hidden_size,), "(hidden_size,)")
        require_same_dtype("b_hn", self.b_hn, self.dtype)

    @classmethod
    def init(
        cls, input_size: int, hidden_size: int, rng: np.random.Generator, dtype: type = np.float64
    ) -> GRUParams:
        """Uniform(±1/√H) weights and biases, PyTorch's default initialisation."""
        require_positive_sizes(input_size, hidden_size)
        bound, H = 1.0 / np.sqrt(hidden_size), hidden_size

        def draw(*shape: int) -> np.ndarray:
            return rng.uniform(-bound, bound, shape).astype(dtype)

        return cls(W_x=draw(input_size, 3 * H), W_h=draw(H, 3 * H), b=draw(3 * H), b_hn=draw(H))

    def arrays(self) -> dict[str, np.ndarray]:
        """The parameter arrays by name (the same objects, not copies)."""
        return {**super().arrays(), "b_hn": self.b_hn}


@dataclass
class GRUTrace:
    """What the forward pass computed: ``h`` and the activations ``r``, ``z``, ``n``, each
    (T, B, H), and the initial state ``h0`` (B, H)."""

    h0: np.ndarray
    h: np.ndarray
    r: np.ndarray
    z: np.ndarray
    n: np.ndarray

    @property
    def h_T(self) -> np.ndarray:
        """Final hidden state, shape (B, H)."""
        return self.h[-1]


def gru_step(
    x_t: np.ndarray, h_prev: np.ndarray, p: GRUParams
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """One time step: the four GRU equations for a batch. Returns ``h_t, (r, z, n)``."""
    H = p.hidden_size
    a_x = x_t @ p.W_x + p.b  # (B, 3H): the input part of all three blocks
    a_h = h_prev @ p.W_h  # (B, 3H): the recurrent part
    r = sigmoid(a_x[:, :H] + a_h[:, :H])  # reset gate: how much of h_{t-1} the candidate sees
    z = sigmoid(a_x[:, H : 2 * H] + a_h[:, H : 2 * H])  # update gate: keep old vs take new
    n = np.tanh(a_x[:, 2 * H :] + r * (a_h[:, 2 * H :] + p.b_hn))  # candidate state
    h = (1.0 - z) * n + z * h_prev  # interpolation: the GRU's only state
    return h, (r, z, n)


def gru_forward(x: np.ndarray, params: GRUParams, h0: np.ndarray | None = None) -> GRUTrace:
    """Run the GRU over a sequence ``x`` of shape (T, B, X), starting from ``h0`` or zeros."""
    require_sequence(x, params.input_size, params.dtype)
    T, B, _ = x.shape
    h_prev = h0 = initial_state("h0", h0, B, params.hidden_size, params.dtype)
    out = {k: np.empty((T, B, params.hidden_size), params.dtype) for k in "hrzn"}
    for t in range(T):
        h_prev, gates = gru_step(x[t], h_prev, params)
        out["h"][t] = h_prev
        for name, value in zip(GRU_GATE_ORDER, gates, strict=True):
            out[name][t] = value
    return GRUTrace(h0=h0, **out)
