"""One GRU layer's weights in PyTorch and Keras 3 layouts, to and from the reference GRU.

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
unchanged computes another function. :func:`gru_to_keras` and :func:`gru_from_keras` convert;
:func:`gru_to_torch` and :func:`gru_from_torch` read and write an ``nn.GRU`` state dict.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lstm_utils._validation import require_shape
from lstm_utils.frameworks.convert import keras_layer_arrays, torch_layer_arrays
from lstm_utils.reference.gru import GRUParams

#: Keras' block order; "h" is its name for the candidate.
KERAS_GRU_GATE_ORDER: tuple[str, ...] = ("z", "r", "h")
_KERAS_FROM_OURS = [1, 0, 2]  # Keras block k is our block _KERAS_FROM_OURS[k]; its own inverse


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
            + (
                f"; for an LSTM use lstm_utils.frameworks.convert.{other}."
                if hasattr(params, "W_x")
                else "."
            )
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
