"""The NumPy LSTM of :mod:`lstm_utils.reference.lstm`, restructured for speed
(Appleyard et al., 2016).

Same parameters, same results (to rounding), same :class:`~lstm_utils.reference.lstm.LSTMTrace`
and :class:`~lstm_utils.reference.lstm.LSTMGrads`; only the order of the arithmetic changes:

- **Forward.** The input projection ``x_t W_x + b`` does not depend on the recurrence, so it
  is one large GEMM over all T·B rows before the loop; inside the loop only ``h_{t-1} W_h``
  remains, one GEMM for the four gates at once, written into a preallocated buffer, and the
  nonlinearities run in place.
- **Backward.** Only ``dz_t W_h^T`` (the gradient flowing to h_{t-1}) must stay in the loop.
  The pre-activation gradients ``dz_t`` of all steps are stored, and the weight gradients
  ``x^T dz``, ``h_{prev}^T dz`` and the input gradient ``dz W_x^T`` become three large GEMMs
  after it, instead of 3·T small ones.

Large GEMMs run closer to the machine's peak than small ones, and fewer, larger NumPy calls
spend less time in the Python interpreter.
"""

from __future__ import annotations

import numpy as np

from lstm_utils._validation import initial_state, require_sequence
from lstm_utils.reference.lstm import LSTMGrads, LSTMParams, LSTMTrace, backward_start


def _sigmoid_(z: np.ndarray) -> None:
    """σ(z) = ½(1 + tanh(z/2)), in place."""
    z *= 0.5
    np.tanh(z, out=z)
    z += 1.0
    z *= 0.5


def lstm_forward_fused(
    x: np.ndarray,
    params: LSTMParams,
    h0: np.ndarray | None = None,
    c0: np.ndarray | None = None,
) -> LSTMTrace:
    """:func:`~lstm_utils.reference.lstm.lstm_forward` with one GEMM for the input projection.

    ``x`` is (T, B, X); returns the same trace. The gate arrays of the trace (``i``, ``f``,
    ``g``, ``o``) are views into one (T, B, 4H) buffer.
    """
    require_sequence(x, params.input_size, params.dtype)
    T, B, X = x.shape
    H = params.hidden_size
    h_prev = h0 = initial_state("h0", h0, B, H, params.dtype)
    c_prev = c0 = initial_state("c0", c0, B, H, params.dtype)

    gates = (x.reshape(T * B, X) @ params.W_x).reshape(T, B, 4 * H)  # all steps in one GEMM
    gates += params.b
    h = np.empty((T, B, H), params.dtype)
    c = np.empty((T, B, H), params.dtype)
    recurrent = np.empty((B, 4 * H), params.dtype)
    for t in range(T):
        z = gates[t]
        np.matmul(h_prev, params.W_h, out=recurrent)  # the only GEMM left in the loop
        z += recurrent
        _sigmoid_(z[:, : 2 * H])  # i and f
        _sigmoid_(z[:, 3 * H :])  # o
        np.tanh(z[:, 2 * H : 3 * H], out=z[:, 2 * H : 3 * H])  # g
        i, f, g, o = z[:, :H], z[:, H : 2 * H], z[:, 2 * H : 3 * H], z[:, 3 * H :]
        np.multiply(f, c_prev, out=c[t])
        c[t] += i * g
        np.tanh(c[t], out=h[t])
        h[t] *= o
        h_prev, c_prev = h[t], c[t]
    return LSTMTrace(
        x=x,
        h0=h0,
        c0=c0,
        h=h,
        c=c,
        i=gates[..., :H],
        f=gates[..., H : 2 * H],
        g=gates[..., 2 * H : 3 * H],
        o=gates[..., 3 * H :],
    )


def lstm_backward_fused(
    trace: LSTMTrace,
    params: LSTMParams,
    dh: np.ndarray,
    dc_T: np.ndarray | None = None,
) -> LSTMGrads:
    """:func:`~lstm_utils.reference.lstm.lstm_backward` with the weight and input gradients
    taken out of the loop as three large GEMMs. Same arguments, same gradients."""
    dh_next, dc_next = backward_start(trace, params, dh, dc_T)
    T, B, H = trace.h.shape
    X = params.input_size
    dz = np.empty((T, B, 4 * H), params.dtype)
    dh_total = np.empty_like(trace.h)
    dc_total = np.empty_like(trace.c)

    for t in reversed(range(T)):
        c_prev = trace.c[t - 1] if t > 0 else trace.c0
        i, f, g, o = trace.i[t], trace.f[t], trace.g[t], trace.o[t]
        tanh_c = np.tanh(trace.c[t])
        dh_t = np.add(dh[t], dh_next, out=dh_total[t])
        dc_t = np.multiply(dh_t, o, out=dc_total[t])
        dc_t *= 1.0 - tanh_c * tanh_c
        dc_t += dc_next
        dz[t, :, :H] = dc_t * g * i * (1.0 - i)
        dz[t, :, H : 2 * H] = dc_t * c_prev * f * (1.0 - f)
        dz[t, :, 2 * H : 3 * H] = dc_t * i * (1.0 - g * g)
        dz[t, :, 3 * H :] = dh_t * tanh_c * o * (1.0 - o)
        dh_next = dz[t] @ params.W_h.T  # the only GEMM left in the loop
        dc_next = dc_t * f

    dz_rows = dz.reshape(T * B, 4 * H)
    h_prev = np.concatenate([trace.h0[None], trace.h[:-1]]).reshape(T * B, H)
    return LSTMGrads(
        W_x=trace.x.reshape(T * B, X).T @ dz_rows,
        W_h=h_prev.T @ dz_rows,
        b=dz_rows.sum(axis=0),
        x=(dz_rows @ params.W_x.T).reshape(T, B, X),
        h0=dh_next,
        c0=dc_next,
        h=dh_total,
        c=dc_total,
    )
