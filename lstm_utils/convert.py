"""Move one LSTM layer's weights between the NumPy reference and the frameworks' layouts.

Pure NumPy: no framework is imported here. Layouts (H = hidden size, X = input size):

============================  =====================================  ===========  =========
framework                     weights                                gate order   biases
============================  =====================================  ===========  =========
``lstm_utils`` (reference)    ``W_x`` (X, 4H), ``W_h`` (H, 4H)       i, f, g, o   one
PyTorch ``nn.LSTM``           ``weight_ih_l0`` (4H, X),              i, f, g, o   two, added
                              ``weight_hh_l0`` (4H, H)
Keras 3 ``LSTM``              ``kernel`` (X, 4H),                    i, f, c, o   one
                              ``recurrent_kernel`` (H, 4H)
TF1 ``LSTMCell`` /            ``kernel`` (X + H, 4H): [x; h]         i, j, f, o   one, plus
``BasicLSTMCell``             stacked along rows                                  forget_bias
============================  =====================================  ===========  =========

(g, c and j all name the candidate c̃_t.) Both TF1 cells add their ``forget_bias``
(default 1.0 for ``LSTMCell`` and ``BasicLSTMCell`` alike) to the forget gate's
pre-activation at run time, so the stored bias must be lower by that amount to compute the
same function.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lstm_utils._validation import require_float_array, require_shape
from lstm_utils.numpy_lstm import GATE_ORDER, LSTMParams

#: TF1's gate order; "j" is its name for the candidate.
TF1_GATE_ORDER: tuple[str, ...] = ("i", "j", "f", "o")
_TF1_FROM_OURS = [GATE_ORDER.index(g) for g in ("i", "g", "f", "o")]
_OURS_FROM_TF1 = [_TF1_FROM_OURS.index(k) for k in range(4)]


def _permute_gates(a: np.ndarray, order: list[int]) -> np.ndarray:
    """Reorder the four H-wide gate blocks along the last axis."""
    blocks = np.split(a, 4, axis=-1)
    return np.concatenate([blocks[k] for k in order], axis=-1)


def to_torch(params: LSTMParams, layer: int = 0) -> dict[str, np.ndarray]:
    """``nn.LSTM`` state-dict entries for one layer (``bias_hh`` is zero; the sum matters)."""
    return {
        f"weight_ih_l{layer}": params.W_x.T.copy(),
        f"weight_hh_l{layer}": params.W_h.T.copy(),
        f"bias_ih_l{layer}": params.b.copy(),
        f"bias_hh_l{layer}": np.zeros_like(params.b),
    }


#: Recurrent layers whose state dicts ``torch_layer_arrays`` reads, by number of gate blocks:
#: (module, the function that converts it).
TORCH_LAYOUTS: dict[int, tuple[str, str]] = {
    4: ("nn.LSTM", "lstm_utils.convert.from_torch"),
    3: ("nn.GRU", "lstm_utils.numpy_gru.gru_from_torch"),
}


def torch_layer_arrays(
    state: Mapping[str, np.ndarray], layer: int, gates: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh`` of one layer of a PyTorch
    recurrent-layer state dict with ``gates`` stacked blocks (4: ``nn.LSTM``, 3: ``nn.GRU``),
    validated. A state dict of the other kind is named, with the function that reads it."""
    module = TORCH_LAYOUTS[gates][0]
    keys = [f"weight_ih_l{layer}", f"weight_hh_l{layer}", f"bias_ih_l{layer}", f"bias_hh_l{layer}"]
    missing = [k for k in keys if k not in state]
    if missing:
        raise KeyError(
            f"state has no {missing}; expected the keys of {module}(..., bias=True) layer "
            f"{layer}, got {sorted(state)}."
        )
    rows = f"({gates} * hidden_size"
    w_ih = require_float_array(keys[0], state[keys[0]], 2, f"{rows}, input_size)")
    w_hh = require_float_array(keys[1], state[keys[1]], 2, f"{rows}, hidden_size)")
    hidden, hint = w_hh.shape[1], ""
    rows_of = [np.shape(state[k])[0] if np.ndim(state[k]) else None for k in keys]
    for blocks, (other, reader) in TORCH_LAYOUTS.items():
        if blocks != gates and all(n == blocks * hidden for n in rows_of):
            hint = (
                f" Every array has {blocks} * hidden_size rows, as in an {other} state dict: "
                f"if it is one, use {reader}."
            )
    try:
        require_shape(keys[1], w_hh, (gates * hidden, hidden), f"{rows}, hidden_size)")
        require_shape(keys[0], w_ih, (gates * hidden, w_ih.shape[1]), f"{rows}, input_size)")
        b_ih = require_float_array(keys[2], state[keys[2]], 1, f"{rows},)")
        b_hh = require_float_array(keys[3], state[keys[3]], 1, f"{rows},)")
        require_shape(keys[2], b_ih, (gates * hidden,), f"{rows},)")
        require_shape(keys[3], b_hh, (gates * hidden,), f"{rows},)")
    except ValueError as error:
        raise ValueError(f"{error}{hint}") from None
    return w_ih, w_hh, b_ih, b_hh


def from_torch(state: Mapping[str, np.ndarray], layer: int = 0) -> LSTMParams:
    """Reference parameters from one layer of an ``nn.LSTM`` state dict (NumPy arrays)."""
    w_ih, w_hh, b_ih, b_hh = torch_layer_arrays(state, layer, gates=4)
    return LSTMParams(W_x=w_ih.T.copy(), W_h=w_hh.T.copy(), b=b_ih + b_hh)


def to_keras(params: LSTMParams) -> list[np.ndarray]:
    """``[kernel, recurrent_kernel, bias]`` for ``keras.layers.LSTM.set_weights``."""
    return [params.W_x.copy(), params.W_h.copy(), params.b.copy()]


def from_keras(weights: list[np.ndarray]) -> LSTMParams:
    """Reference parameters from ``keras.layers.LSTM.get_weights()`` (same layout as ours)."""
    if len(weights) != 3:
        raise ValueError(
            f"expected [kernel, recurrent_kernel, bias], got {len(weights)} arrays; build the "
            "Keras LSTM with use_bias=True."
        )
    kernel, recurrent, bias = (
        require_float_array(name, w, ndim, layout).copy()
        for name, w, ndim, layout in zip(
            ("kernel", "recurrent_kernel", "bias"),
            weights,
            (2, 2, 1),
            ("(input_size, 4 * units)", "(units, 4 * units)", "(4 * units,)"),
            strict=True,
        )
    )
    return LSTMParams(W_x=kernel, W_h=recurrent, b=bias)


def to_tf1(params: LSTMParams, forget_bias: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """``(kernel, bias)`` for a TF1 ``LSTMCell`` or ``BasicLSTMCell`` whose run-time
    ``forget_bias`` is ``forget_bias`` (TF's default, 1.0, unless the cell was built with
    another value)."""
    kernel = _permute_gates(np.vstack([params.W_x, params.W_h]), _TF1_FROM_OURS)
    bias = _permute_gates(params.b, _TF1_FROM_OURS).copy()
    H = params.hidden_size
    bias[2 * H : 3 * H] -= forget_bias  # TF1's f block is third
    return kernel, bias


def from_tf1(
    kernel: np.ndarray, bias: np.ndarray, input_size: int, forget_bias: float = 1.0
) -> LSTMParams:
    """Reference parameters from a TF1 cell's ``(kernel, bias)``; see :func:`to_tf1`."""
    kernel = require_float_array("kernel", kernel, 2, "(input_size + hidden_size, 4 * hidden_size)")
    bias = require_float_array("bias", bias, 1, "(4 * hidden_size,)")
    H = kernel.shape[1] // 4
    if kernel.shape != (input_size + H, 4 * H):
        raise ValueError(
            f"kernel has shape {kernel.shape}; with input_size={input_size} a TF1 LSTM cell of "
            f"hidden size {H} has kernel (input_size + hidden_size, 4 * hidden_size) = "
            f"{(input_size + H, 4 * H)}. Check input_size."
        )
    require_shape("bias", bias, (4 * H,), "(4 * hidden_size,)")
    kernel = _permute_gates(kernel, _OURS_FROM_TF1)
    bias = _permute_gates(bias, _OURS_FROM_TF1).copy()
    bias[H : 2 * H] += forget_bias  # our f block is second
    return LSTMParams(W_x=kernel[:input_size].copy(), W_h=kernel[input_size:].copy(), b=bias)
