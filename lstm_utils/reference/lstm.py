"""A NumPy reference LSTM: the six gate equations, forward and backward (BPTT).

Conventions (row vectors, as in the book's equations)::

    x      : (T, B, X)   inputs, time-major: T steps, batch B, X features
    W_x    : (X, 4H)     input weights of the four gates, stacked [i | f | g | o]
    W_h    : (H, 4H)     recurrent weights, same stacking
    b      : (4H,)       one bias per gate unit

    i_t = σ(x_t W_xi + h_{t-1} W_hi + b_i)        input gate
    f_t = σ(x_t W_xf + h_{t-1} W_hf + b_f)        forget gate
    g_t = tanh(x_t W_xg + h_{t-1} W_hg + b_g)     candidate cell state (c̃_t)
    o_t = σ(x_t W_xo + h_{t-1} W_ho + b_o)        output gate
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t               cell state
    h_t = o_t ⊙ tanh(c_t)                          hidden state

Everything is vectorised over the batch and runs in float32 or float64 (use float64 for
gradient checks).
"""

from __future__ import annotations

from collections.abc import Sequence
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
from lstm_utils.reference._params import RecurrentGrads, RecurrentParams, require_positive_sizes
from lstm_utils.reference.gradcheck import check_linear_loss

#: Order in which the four gates are stacked along the last axis of ``W_x``, ``W_h``, ``b``.
GATE_ORDER: tuple[str, ...] = ("i", "f", "g", "o")


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function σ(z) = 1 / (1 + e^{-z}), computed without overflow warnings."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


@dataclass
class LSTMParams(RecurrentParams):
    """The parameters of one LSTM layer, gates stacked in :data:`GATE_ORDER`:
    4·H·(H + X + 1) numbers in all (``num_parameters()``)."""

    gates: ClassVar[tuple[str, ...]] = GATE_ORDER

    @classmethod
    def init(
        cls,
        input_size: int,
        hidden_size: int,
        rng: np.random.Generator,
        dtype: type = np.float64,
        forget_bias: float = 1.0,
    ) -> LSTMParams:
        """Uniform(±1/√H) weights (PyTorch's default) and ``forget_bias`` on the f-gate bias.

        A forget bias of 1 starts the cell with f_t ≈ σ(1) ≈ 0.73, keeping more of its memory
        than at 0 (σ(0) = 0.5), though still halving it about every two steps (Gers et al.,
        2000; Jozefowicz et al., 2015).
        """
        require_positive_sizes(input_size, hidden_size)
        bound = 1.0 / np.sqrt(hidden_size)
        H = hidden_size
        params = cls(
            W_x=rng.uniform(-bound, bound, (input_size, 4 * H)).astype(dtype),
            W_h=rng.uniform(-bound, bound, (H, 4 * H)).astype(dtype),
            b=rng.uniform(-bound, bound, 4 * H).astype(dtype),
        )
        params.gate("f")[2][...] = forget_bias
        return params

    def gate(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Views ``(W_x, W_h, b)`` of one gate (``"i"``, ``"f"``, ``"g"`` or ``"o"``)."""
        if name not in GATE_ORDER:
            raise KeyError(f"unknown gate {name!r}; the gates are {GATE_ORDER}.")
        k, H = GATE_ORDER.index(name), self.hidden_size
        cols = slice(k * H, (k + 1) * H)
        return self.W_x[:, cols], self.W_h[:, cols], self.b[cols]


@dataclass
class LSTMTrace:
    """Everything the forward pass computed; also the cache the backward pass reads.

    ``h``, ``c`` and the gate activations ``i``, ``f``, ``g``, ``o`` have shape (T, B, H).
    """

    x: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    h: np.ndarray
    c: np.ndarray
    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray

    @property
    def h_T(self) -> np.ndarray:
        """Final hidden state, shape (B, H)."""
        return self.h[-1]

    @property
    def c_T(self) -> np.ndarray:
        """Final cell state, shape (B, H)."""
        return self.c[-1]


@dataclass
class LSTMGrads(RecurrentGrads):
    """Gradients of a scalar loss; also ``c0`` and ``c``, the total dL/dc_t at every step."""

    c0: np.ndarray
    c: np.ndarray


def lstm_step(
    x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, p: LSTMParams
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """One time step: the six LSTM equations for a batch. Returns ``h_t, c_t, (i, f, g, o)``."""
    H = p.hidden_size
    z = x_t @ p.W_x + h_prev @ p.W_h + p.b  # (B, 4H): the four pre-activations at once
    i = sigmoid(z[:, 0 * H : 1 * H])  # input gate: how much of the candidate to write
    f = sigmoid(z[:, 1 * H : 2 * H])  # forget gate: how much of the old cell to keep
    g = np.tanh(z[:, 2 * H : 3 * H])  # candidate cell state c̃_t, in (-1, 1)
    o = sigmoid(z[:, 3 * H : 4 * H])  # output gate: how much of the cell to expose
    c = f * c_prev + i * g  # cell-state update: the additive "conveyor belt"
    h = o * np.tanh(c)  # hidden state, the layer's output at step t
    return h, c, (i, f, g, o)


def lstm_forward(
    x: np.ndarray,
    params: LSTMParams,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
) -> LSTMTrace:
    """Run the LSTM over a sequence ``x`` of shape (T, B, X), starting from (h0, c0) or zeros."""
    require_sequence(x, params.input_size, params.dtype)
    T, B, _ = x.shape
    h_prev = h0 = initial_state("h0", h0, B, params.hidden_size, params.dtype)
    c_prev = c0 = initial_state("c0", c0, B, params.hidden_size, params.dtype)

    out = {k: np.empty((T, B, params.hidden_size), params.dtype) for k in "hcifgo"}
    for t in range(T):
        h_prev, c_prev, gates = lstm_step(x[t], h_prev, c_prev, params)
        out["h"][t], out["c"][t] = h_prev, c_prev
        for name, value in zip(GATE_ORDER, gates, strict=True):
            out[name][t] = value
    return LSTMTrace(x=x, h0=h0, c0=c0, **out)


def backward_start(
    trace: LSTMTrace, params: LSTMParams, dh: np.ndarray, dc_T: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Validate the arguments of a backward pass; return the gradients that flow into the
    last step from "after" it: dL/dh_T (zeros, ``dh`` adds the rest) and dL/dc_T (``dc_T``
    or zeros). Shared by :func:`lstm_backward` and the fused backward pass."""
    require_float_array("dh", dh, 3, "(T, B, hidden_size)")
    require_shape("dh", dh, trace.h.shape, "(T, B, hidden_size), like trace.h")
    require_same_dtype("dh", dh, params.dtype)
    _, B, H = trace.h.shape
    dc_next = np.zeros((B, H), params.dtype)
    if dc_T is not None:
        require_float_array("dc_T", dc_T, 2, "(B, hidden_size)")
        require_shape("dc_T", dc_T, (B, H), "(B, hidden_size)")
        dc_next = dc_next + dc_T
    return np.zeros((B, H), params.dtype), dc_next


def lstm_backward(
    trace: LSTMTrace,
    params: LSTMParams,
    dh: np.ndarray,
    dc_T: np.ndarray | None = None,
) -> LSTMGrads:
    """Backpropagation through time.

    ``dh`` (T, B, H) is the gradient of the loss with respect to each h_t *directly* (for a
    loss on the last step only, zeros except ``dh[-1]``); ``dc_T`` optionally adds a gradient
    on the final cell state. Returns gradients for every parameter, the inputs and (h0, c0).
    """
    dh_next, dc_next = backward_start(trace, params, dh, dc_T)
    T = trace.h.shape[0]
    grads = {k: np.zeros_like(v) for k, v in params.arrays().items()}
    dx = np.empty_like(trace.x)
    dh_total = np.empty_like(trace.h)
    dc_total = np.empty_like(trace.c)

    for t in reversed(range(T)):
        h_prev = trace.h[t - 1] if t > 0 else trace.h0
        c_prev = trace.c[t - 1] if t > 0 else trace.c0
        i, f, g, o = trace.i[t], trace.f[t], trace.g[t], trace.o[t]
        tanh_c = np.tanh(trace.c[t])

        dh_t = dh[t] + dh_next  # from the loss at t and from step t+1
        dc_t = dc_next + dh_t * o * (1.0 - tanh_c**2)  # h_t = o ⊙ tanh(c_t)
        dz = np.concatenate(
            [
                dc_t * g * i * (1.0 - i),  # d pre-activation of i
                dc_t * c_prev * f * (1.0 - f),  # ... of f
                dc_t * i * (1.0 - g**2),  # ... of g
                dh_t * tanh_c * o * (1.0 - o),  # ... of o
            ],
            axis=1,
        )
        grads["W_x"] += trace.x[t].T @ dz
        grads["W_h"] += h_prev.T @ dz
        grads["b"] += dz.sum(axis=0)
        dx[t] = dz @ params.W_x.T
        dh_total[t], dc_total[t] = dh_t, dc_t
        dh_next = dz @ params.W_h.T
        dc_next = dc_t * f  # along the cell state the gradient is only scaled by f_t
    return LSTMGrads(x=dx, h0=dh_next, c0=dc_next, h=dh_total, c=dc_total, **grads)


def lstm_gradient_check(
    input_size: int = 3, hidden_size: int = 4, steps: int = 5, batch: int = 2, seed: int = 0
) -> dict[str, float]:
    """Max relative error between BPTT and finite differences, per array, in float64.

    The loss is a fixed random linear function of every h_t and of c_T, so that every path
    through the network (outputs at all steps, and the final cell state) is exercised. Checks
    the parameters and also the inputs ``x``, ``h0`` and ``c0``.
    """
    rng = np.random.default_rng(seed)
    p = LSTMParams.init(input_size, hidden_size, rng)
    x = rng.normal(size=(steps, batch, input_size))
    h0, c0 = rng.normal(size=(2, batch, hidden_size))

    def outputs() -> tuple[np.ndarray, np.ndarray]:
        trace = lstm_forward(x, p, h0, c0)
        return trace.h, trace.c_T

    def backward(ws: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
        g = lstm_backward(lstm_forward(x, p, h0, c0), p, dh=ws[0], dc_T=ws[1])
        return {**g.params(), "x": g.x, "h0": g.h0, "c0": g.c0}

    return check_linear_loss(outputs, backward, {**p.arrays(), "x": x, "h0": h0, "c0": c0}, rng)
