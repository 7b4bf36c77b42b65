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

Layouts (H = hidden size, X = input size):

==========================  ====================================  ===========  ==================
framework                   weights                               block order  biases
==========================  ====================================  ===========  ==================
``lstm_utils`` (reference)  ``W_x`` (X, 3H), ``W_h`` (H, 3H)      r, z, n      ``b`` (3H,),
                                                                               ``b_hn`` (H,)
PyTorch ``nn.GRU``          ``weight_ih_l0`` (3H, X),             r, z, n      ``bias_ih_l0``,
                            ``weight_hh_l0`` (3H, H)                           ``bias_hh_l0`` (3H,)
Keras 3 ``GRU``             ``kernel`` (X, 3H),                   z, r, h      ``bias`` (2, 3H):
(``reset_after=True``)      ``recurrent_kernel`` (H, 3H)                       row 0 input,
                                                                               row 1 recurrent
==========================  ====================================  ===========  ==================

(n and h both name the candidate.) Keras puts the update gate first: copying PyTorch's blocks
unchanged computes another function. :func:`gru_to_keras` and :func:`gru_from_keras` convert.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lstm_utils._params import RecurrentParams, require_positive_sizes
from lstm_utils._validation import (
    initial_state,
    require_float_array,
    require_same_dtype,
    require_sequence,
    require_shape,
)
from lstm_utils.convert import keras_layer_arrays, torch_layer_arrays
from lstm_utils.numpy_lstm import sigmoid

#: Order in which the three blocks are stacked along the last axis of ``W_x``, ``W_h``, ``b``
#: (PyTorch's order).
GRU_GATE_ORDER: tuple[str, ...] = ("r", "z", "n")

#: Keras' block order; "h" is its name for the candidate.
KERAS_GRU_GATE_ORDER: tuple[str, ...] = ("z", "r", "h")
_KERAS_FROM_OURS = [1, 0, 2]  # Keras block k is our block _KERAS_FROM_OURS[k]; its own inverse


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


def gru_from_torch(
    state: Mapping[str, np.ndarray], layer: int = 0, reverse: bool = False
) -> GRUParams:
    """Reference parameters from one layer of an ``nn.GRU`` state dict (NumPy arrays); with
    ``reverse``, from the backward direction of a bidirectional ``nn.GRU``.

    PyTorch's two biases are added for r and z; for n, ``bias_ih`` goes to ``b`` and
    ``bias_hh`` to ``b_hn``.
    """
    w_ih, w_hh, b_ih, b_hh = torch_layer_arrays(state, layer, gates=3, reverse=reverse)
    H = w_hh.shape[1]
    b = b_ih.copy()
    b[: 2 * H] += b_hh[: 2 * H]
    return GRUParams(W_x=w_ih.T.copy(), W_h=w_hh.T.copy(), b=b, b_hn=b_hh[2 * H :].copy())


def gru_to_torch(params: GRUParams, layer: int = 0, reverse: bool = False) -> dict[str, np.ndarray]:
    """``nn.GRU`` state-dict entries for one layer (r and z biases all in ``bias_ih``); with
    ``reverse``, for the backward direction of a bidirectional ``nn.GRU``."""
    _require_gru_params(params, "to_torch")
    H = params.hidden_size
    b_hh = np.zeros_like(params.b)
    b_hh[2 * H :] = params.b_hn
    suffix = f"l{layer}_reverse" if reverse else f"l{layer}"
    return {
        f"weight_ih_{suffix}": params.W_x.T.copy(),
        f"weight_hh_{suffix}": params.W_h.T.copy(),
        f"bias_ih_{suffix}": params.b.copy(),
        f"bias_hh_{suffix}": b_hh,
    }


def _require_gru_params(params: object, other: str) -> None:
    if not isinstance(params, GRUParams):
        raise TypeError(
            f"params must be GRUParams, got {type(params).__name__}"
            + (f"; for an LSTM use lstm_utils.convert.{other}." if hasattr(params, "W_x") else ".")
        )


def _swap_r_z(a: np.ndarray) -> np.ndarray:
    """Blocks (r, z, n) <-> (z, r, n) along the last axis (the permutation is its own inverse)."""
    blocks = np.split(a, 3, axis=-1)
    return np.concatenate([blocks[k] for k in _KERAS_FROM_OURS], axis=-1)


def gru_to_keras(params: GRUParams) -> list[np.ndarray]:
    """``[kernel, recurrent_kernel, bias]`` for ``keras.layers.GRU(units, reset_after=True)``
    ``.set_weights``: blocks in Keras' order z, r, h; bias row 0 (input) holds ``b``, row 1
    (recurrent) holds ``b_hn`` in its h block and zeros in z and r (only the sum matters)."""
    _require_gru_params(params, "to_keras")
    recurrent_bias = np.zeros_like(params.b)
    recurrent_bias[2 * params.hidden_size :] = params.b_hn
    return [
        _swap_r_z(params.W_x),
        _swap_r_z(params.W_h),
        np.stack([_swap_r_z(params.b), _swap_r_z(recurrent_bias)]),
    ]


def gru_from_keras(weights: list[np.ndarray]) -> GRUParams:
    """Reference parameters from ``keras.layers.GRU(units, reset_after=True).get_weights()``.

    The input and recurrent biases of z and r are added; for the candidate, the input bias
    goes to ``b`` and the recurrent one to ``b_hn``. A ``reset_after=False`` layer (bias
    (3 * units,)) computes Cho et al.'s variant, which the reference GRU does not: refused.
    """
    kernel, recurrent, bias = keras_layer_arrays(weights, gates=3)
    H = recurrent.shape[0]
    require_shape("kernel", kernel, (kernel.shape[0], 3 * H), "(input_size, 3 * units)")
    if bias.shape == (3 * H,):
        raise ValueError(
            f"bias has shape {bias.shape}: a keras.layers.GRU built with reset_after=False, "
            "which applies the reset gate before the recurrent product (Cho et al., 2014), a "
            "different function from PyTorch's and the reference GRU's. Build the Keras GRU "
            "with reset_after=True (the default)."
        )
    require_shape("bias", bias, (2, 3 * H), "(2, 3 * units): [input bias, recurrent bias]")
    input_bias, recurrent_bias = _swap_r_z(bias[0]), _swap_r_z(bias[1])
    b = input_bias.copy()
    b[: 2 * H] += recurrent_bias[: 2 * H]
    return GRUParams(
        W_x=_swap_r_z(kernel),
        W_h=_swap_r_z(recurrent),
        b=b,
        b_hn=recurrent_bias[2 * H :].copy(),
    )
