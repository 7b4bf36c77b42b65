"""A NumPy reference for the plain (Elman) RNN: forward and backward (BPTT).

Same conventions as :mod:`lstm_utils.reference.lstm`::

    x   : (T, B, X)   inputs, time-major
    W_x : (X, H)      input weights
    W_h : (H, H)      recurrent weights
    b   : (H,)        bias

    h_t = tanh(x_t W_x + h_{t-1} W_h + b)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass
class RNNParams(RecurrentParams):
    """The parameters of one tanh RNN layer."""

    @classmethod
    def init(
        cls,
        input_size: int,
        hidden_size: int,
        rng: np.random.Generator,
        spectral_radius: float | None = None,
        dtype: type = np.float64,
    ) -> RNNParams:
        """Uniform(±1/√H) weights; with ``spectral_radius`` ρ, W_h = ρ · (random orthogonal).

        An orthogonal matrix has every eigenvalue on the unit circle, so ρ·Q has spectral
        radius exactly ρ: the knob that decides whether gradients vanish or explode.
        """
        require_positive_sizes(input_size, hidden_size)
        bound = 1.0 / np.sqrt(hidden_size)
        W_h = rng.uniform(-bound, bound, (hidden_size, hidden_size))
        if spectral_radius is not None:
            q, r = np.linalg.qr(rng.normal(size=(hidden_size, hidden_size)))
            W_h = spectral_radius * q * np.sign(np.diag(r))
        return cls(
            W_x=rng.uniform(-bound, bound, (input_size, hidden_size)).astype(dtype),
            W_h=W_h.astype(dtype),
            b=np.zeros(hidden_size, dtype),
        )

    def spectral_radius(self) -> float:
        """Largest eigenvalue modulus of W_h."""
        return float(np.max(np.abs(np.linalg.eigvals(self.W_h))))


@dataclass
class RNNTrace:
    """Inputs, initial state and every hidden state h_t, shape (T, B, H)."""

    x: np.ndarray
    h0: np.ndarray
    h: np.ndarray


class RNNGrads(RecurrentGrads):
    """Gradients of a scalar loss; ``h`` holds the total dL/dh_t at every step."""


def rnn_forward(x: np.ndarray, params: RNNParams, h0: np.ndarray | None = None) -> RNNTrace:
    """Run the RNN over ``x`` of shape (T, B, X): h_t = tanh(x_t W_x + h_{t-1} W_h + b)."""
    require_sequence(x, params.input_size, params.dtype)
    T, B, _ = x.shape
    h_prev = h0 = initial_state("h0", h0, B, params.hidden_size, params.dtype)
    h = np.empty((T, B, params.hidden_size), params.dtype)
    for t in range(T):
        h_prev = h[t] = np.tanh(x[t] @ params.W_x + h_prev @ params.W_h + params.b)
    return RNNTrace(x=x, h0=h0, h=h)


def rnn_backward(trace: RNNTrace, params: RNNParams, dh: np.ndarray) -> RNNGrads:
    """BPTT. ``dh`` (T, B, H) is the loss's direct gradient on each h_t.

    Each step back multiplies the gradient by the Jacobian diag(1 − h_t²) W_hᵀ: the product
    of these matrices is what vanishes or explodes over long distances.
    """
    require_float_array("dh", dh, 3, "(T, B, hidden_size)")
    require_shape("dh", dh, trace.h.shape, "(T, B, hidden_size), like trace.h")
    require_same_dtype("dh", dh, params.dtype)
    grads = {k: np.zeros_like(v) for k, v in params.arrays().items()}
    dx = np.empty_like(trace.x)
    dh_total = np.empty_like(trace.h)
    dh_next = np.zeros_like(trace.h0)
    for t in reversed(range(trace.h.shape[0])):
        h_prev = trace.h[t - 1] if t > 0 else trace.h0
        dh_total[t] = dh[t] + dh_next
        dz = dh_total[t] * (1.0 - trace.h[t] ** 2)  # through tanh: tanh' = 1 − tanh²
        grads["W_x"] += trace.x[t].T @ dz
        grads["W_h"] += h_prev.T @ dz
        grads["b"] += dz.sum(axis=0)
        dx[t] = dz @ params.W_x.T
        dh_next = dz @ params.W_h.T
    return RNNGrads(x=dx, h0=dh_next, h=dh_total, **grads)


def rnn_gradient_check(
    input_size: int = 3, hidden_size: int = 4, steps: int = 5, batch: int = 2, seed: int = 0
) -> dict[str, float]:
    """Max relative error between BPTT and finite differences, per array, in float64."""
    rng = np.random.default_rng(seed)
    p = RNNParams.init(input_size, hidden_size, rng)
    p.b[...] = rng.normal(size=hidden_size)
    x = rng.normal(size=(steps, batch, input_size))
    h0 = rng.normal(size=(batch, hidden_size))

    def outputs() -> tuple[np.ndarray]:
        return (rnn_forward(x, p, h0).h,)

    def backward(ws: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
        g = rnn_backward(rnn_forward(x, p, h0), p, dh=ws[0])
        return {**g.params(), "x": g.x, "h0": g.h0}

    return check_linear_loss(outputs, backward, {**p.arrays(), "x": x, "h0": h0}, rng)
