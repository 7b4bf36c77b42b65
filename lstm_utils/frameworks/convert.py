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

Stacks and bidirectional layers (:func:`to_torch_stack`, :func:`from_torch_stack`,
:func:`to_keras_stack`, :func:`from_keras_stack`) are lists of layers, each a list of one
(forward) or two (forward, backward) :class:`~lstm_utils.reference.lstm.LSTMParams`. PyTorch
names layer k's backward direction ``weight_ih_l{k}_reverse`` etc.; Keras 3's
``get_weights()`` of a ``Sequential`` of ``LSTM`` or ``Bidirectional(LSTM)`` layers lists each
layer's ``[kernel, recurrent_kernel, bias]`` in order, the forward layer's before the backward
layer's. Both frameworks feed layer
k + 1 the concatenation [forward, backward] of layer k's outputs, and run the backward
direction from the last step to the first, returning its outputs in the original time order.

Projections (``nn.LSTM(proj_size=P)``, TF1 ``LSTMCell(num_proj=P)``) have no counterpart in
the reference LSTM: the converters recognise them and refuse them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from lstm_utils._validation import require_float_array, require_shape
from lstm_utils.reference.lstm import GATE_ORDER, LSTMParams

#: TF1's gate order; "j" is its name for the candidate.
TF1_GATE_ORDER: tuple[str, ...] = ("i", "j", "f", "o")
_TF1_FROM_OURS = [GATE_ORDER.index(g) for g in ("i", "g", "f", "o")]
_OURS_FROM_TF1 = [_TF1_FROM_OURS.index(k) for k in range(4)]


def _permute_gates(a: np.ndarray, order: list[int]) -> np.ndarray:
    """Reorder the four H-wide gate blocks along the last axis."""
    blocks = np.split(a, 4, axis=-1)
    return np.concatenate([blocks[k] for k in order], axis=-1)


def _require_lstm_params(params: object, other: str) -> None:
    """Refuse anything but :class:`LSTMParams`, naming the GRU's converter for a GRU."""
    if not isinstance(params, LSTMParams):
        gru = type(params).__name__ == "GRUParams"
        raise TypeError(
            f"params must be LSTMParams, got {type(params).__name__}"
            + (f"; for a GRU use lstm_utils.frameworks.convert_gru.{other}." if gru else ".")
        )


def to_torch(params: LSTMParams, layer: int = 0, reverse: bool = False) -> dict[str, np.ndarray]:
    """``nn.LSTM`` state-dict entries for one layer (``bias_hh`` is zero; the sum matters);
    with ``reverse``, for the backward direction of a bidirectional ``nn.LSTM``."""
    _require_lstm_params(params, "gru_to_torch")
    suffix = f"l{layer}_reverse" if reverse else f"l{layer}"
    return {
        f"weight_ih_{suffix}": params.W_x.T.copy(),
        f"weight_hh_{suffix}": params.W_h.T.copy(),
        f"bias_ih_{suffix}": params.b.copy(),
        f"bias_hh_{suffix}": np.zeros_like(params.b),
    }


#: Recurrent layers whose state dicts ``torch_layer_arrays`` reads, by number of gate blocks:
#: (module, the function that converts it).
TORCH_LAYOUTS: dict[int, tuple[str, str]] = {
    4: ("nn.LSTM", "lstm_utils.frameworks.convert.from_torch"),
    3: ("nn.GRU", "lstm_utils.frameworks.convert_gru.gru_from_torch"),
}


def torch_layer_arrays(
    state: Mapping[str, np.ndarray], layer: int, gates: int, reverse: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh`` of one layer (its backward
    direction with ``reverse``) of a PyTorch recurrent-layer state dict with ``gates`` stacked
    blocks (4: ``nn.LSTM``, 3: ``nn.GRU``), validated. A state dict of the other kind, a
    projection (``weight_hr_l*``) and the state dict of a module that holds the layer (keys
    with a prefix) are named, with the fix."""
    module = TORCH_LAYOUTS[gates][0]
    if not isinstance(state, Mapping):
        raise TypeError(
            f"state must be an {module} state dict (a mapping from names such as "
            f"weight_ih_l0 to arrays), got {type(state).__name__}. A list of arrays is Keras' "
            f"get_weights() layout: use {KERAS_LAYOUTS[gates][1]}."
        )
    suffix = f"l{layer}_reverse" if reverse else f"l{layer}"
    projections = sorted(k for k in state if k.startswith("weight_hr_l"))
    if projections:
        shape = np.shape(state[projections[0]])
        raise ValueError(
            f"state holds {projections}: it is an nn.LSTM built with proj_size="
            f"{shape[0] if len(shape) == 2 else '?'} (weight_hr maps the hidden_size="
            f"{shape[1] if len(shape) == 2 else '?'} cell output to the smaller h_t). "
            "Projections are not supported: the reference LSTM has none. Convert an nn.LSTM "
            "built with proj_size=0."
        )
    keys = [f"weight_ih_{suffix}", f"weight_hh_{suffix}", f"bias_ih_{suffix}", f"bias_hh_{suffix}"]
    missing = [k for k in keys if k not in state]
    if missing:
        hint = ""
        prefixed = sorted(k for k in state if k.endswith("." + keys[0]))
        if prefixed:
            prefix = prefixed[0][: -len(keys[0])]
            hint = (
                f" The keys carry the prefix {prefix!r}: this is the state dict of a module "
                f"that holds the layer. Pass that layer's own state dict (e.g. "
                f"model.{prefix[:-1]}.state_dict()), or strip the prefix: "
                f"{{k.removeprefix({prefix!r}): v for k, v in state.items()}}."
            )
        elif not any(k.startswith("weight_ih_l") for k in state):
            hint = f" This is not the state dict of an {module}."
        elif keys[0] in state and keys[1] in state:
            hint = (
                f" The layer was built with bias=False; the reference model always has biases: "
                f"add zero biases, e.g. state[{keys[2]!r}] = np.zeros({gates} * hidden_size), "
                f"and the same for {keys[3]!r}."
            )
        elif reverse and not any(k.endswith("_reverse") for k in state):
            hint = " The state dict is of a one-directional layer (bidirectional=False)."
        elif layer > 0:
            hint = " The layer index is past the last layer."
        raise KeyError(
            f"state has no {missing}; expected the keys of {module}(..., bias=True) layer "
            f"{layer}{' (reverse direction)' if reverse else ''}, got {sorted(state)}.{hint}"
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


def from_torch(
    state: Mapping[str, np.ndarray], layer: int = 0, reverse: bool = False
) -> LSTMParams:
    """Reference parameters from one layer of an ``nn.LSTM`` state dict (NumPy arrays); with
    ``reverse``, from the backward direction of a bidirectional ``nn.LSTM``."""
    w_ih, w_hh, b_ih, b_hh = torch_layer_arrays(state, layer, gates=4, reverse=reverse)
    return LSTMParams(W_x=w_ih.T.copy(), W_h=w_hh.T.copy(), b=b_ih + b_hh)


def to_keras(params: LSTMParams) -> list[np.ndarray]:
    """``[kernel, recurrent_kernel, bias]`` for ``keras.layers.LSTM.set_weights``."""
    _require_lstm_params(params, "gru_to_keras")
    return [params.W_x.copy(), params.W_h.copy(), params.b.copy()]


#: Keras 3 recurrent layers by the number of gate blocks in their kernels' columns.
KERAS_LAYOUTS: dict[int, tuple[str, str]] = {
    4: ("keras.layers.LSTM", "lstm_utils.frameworks.convert.from_keras"),
    3: ("keras.layers.GRU", "lstm_utils.frameworks.convert_gru.gru_from_keras"),
    1: ("keras.layers.SimpleRNN", "no converter of lstm_utils"),
}


def keras_layer_arrays(weights: Sequence[np.ndarray], gates: int) -> list[np.ndarray]:
    """``[kernel, recurrent_kernel, bias]`` of one Keras recurrent layer with ``gates`` blocks,
    checked for what people pass instead: a ``Bidirectional`` wrapper's or a stack's weights
    (3 arrays per layer), a layer without bias, a TF1 cell's fused ``(kernel, bias)``, another
    kind of recurrent layer (named by its number of blocks). Shapes are checked by the caller."""
    module, reader = KERAS_LAYOUTS[gates]
    if isinstance(weights, Mapping):
        raise TypeError(
            f"weights must be the list {module}.get_weights() returns, got a "
            f"{type(weights).__name__} with keys {sorted(weights)[:4]}: a PyTorch state dict? "
            f"Use {TORCH_LAYOUTS[gates][1]}."
        )
    weights = list(weights)
    n = len(weights)
    if n > 3 and n % 3 == 0:
        name = module.split(".")[-1]
        wrapper = (
            f"a Bidirectional({name}) wrapper (forward_layer's, then backward_layer's) or "
            if n % 6 == 0
            else ""
        )
        raise ValueError(
            f"got {n} arrays, {n // 3} layers' [kernel, recurrent_kernel, bias]: the weights of "
            f"{wrapper}a model with several recurrent layers (model.get_weights()). Convert one "
            f"layer at a time: {reader.split('.')[-1]}(layer.get_weights()) for each {name} "
            f"layer, and for a Bidirectional one, layer.forward_layer.get_weights() and "
            "layer.backward_layer.get_weights() separately"
            + (
                "; or a whole stack with lstm_utils.frameworks.convert.from_keras_stack(weights, "
                "bidirectional=...)."
                if gates == 4
                else "."
            )
        )
    names = ("kernel", "recurrent_kernel", "bias") if n == 3 else ("kernel", "bias")
    arrays = [
        require_float_array(
            names[k] if n <= 3 else f"weights[{k}]",
            w,
            np.ndim(w),
            f"(one of {module}.get_weights())",
        )
        for k, w in enumerate(weights)
    ]
    shapes = [a.shape for a in arrays]
    if n == 2 and arrays[0].ndim == 2 and arrays[1].ndim == 1:
        rows, cols = shapes[0]
        if shapes[1] == (cols,) and rows > cols // gates:
            raise ValueError(
                f"got 2 arrays of shapes {shapes}: no recurrent_kernel. If the first is a fused "
                f"kernel (input_size + hidden_size, {gates} * hidden_size), the layout of a TF1 "
                "cell, "
                + (
                    "convert with lstm_utils.frameworks.convert.from_tf1(kernel, bias, input_size)"
                    if gates == 4
                    else "split it into its input and recurrent rows"
                )
                + f"; a {module}'s get_weights() is [kernel, recurrent_kernel, bias]."
            )
    if n != 3:
        raise ValueError(
            f"expected [kernel, recurrent_kernel, bias] of a {module}, got {n} arrays of "
            f"shapes {shapes}" + ("; build the Keras layer with use_bias=True." if n == 2 else ".")
        )
    kernel, recurrent = arrays[:2]
    if kernel.ndim != 2 or recurrent.ndim != 2:
        raise ValueError(
            f"kernel and recurrent_kernel must be matrices (input_size, {gates} * units) and "
            f"(units, {gates} * units), got shapes {shapes[:2]}."
        )
    units = recurrent.shape[0]
    if units == 0:
        raise ValueError(f"recurrent_kernel has shape {recurrent.shape}: units must be >= 1.")
    blocks = recurrent.shape[1] / units
    if blocks != gates:
        other = KERAS_LAYOUTS.get(int(blocks)) if blocks.is_integer() else None
        kind = (
            f", as in a {other[0]}: use {other[1]}"
            if other and other[0] != module
            else f"; a {module} has {gates} * units columns"
        )
        raise ValueError(
            f"recurrent_kernel has shape {recurrent.shape}, {recurrent.shape[1]} columns for "
            f"units={units}, i.e. {blocks:g} blocks{kind}."
        )
    return arrays


def from_keras(weights: list[np.ndarray]) -> LSTMParams:
    """Reference parameters from ``keras.layers.LSTM.get_weights()`` (same layout as ours).

    For a ``Bidirectional(LSTM)`` convert ``forward_layer.get_weights()`` and
    ``backward_layer.get_weights()`` separately, or use :func:`from_keras_stack`."""
    kernel, recurrent, bias = keras_layer_arrays(weights, gates=4)
    H = recurrent.shape[0]
    require_shape("kernel", kernel, (kernel.shape[0], 4 * H), "(input_size, 4 * units)")
    require_shape("bias", bias, (4 * H,), "(4 * units,)")
    return LSTMParams(W_x=kernel.copy(), W_h=recurrent.copy(), b=bias.copy())


#: A stack of LSTM layers: ``layers[k]`` holds layer k's forward parameters, and its backward
#: parameters second if the layer is bidirectional.
LSTMStack = Sequence[Sequence[LSTMParams]]


def _check_stack(layers: LSTMStack) -> int:
    """The number of directions (1 or 2) of a well-formed stack, or a ValueError."""
    directions = {len(layer) for layer in layers}
    if not layers or len(directions) != 1 or not directions <= {1, 2}:
        raise ValueError(
            "layers must be a non-empty list of layers, each [forward] or [forward, backward] "
            f"LSTMParams, all with the same number of directions; got {len(layers)} layers with "
            f"{sorted(directions)} directions."
        )
    D = directions.pop()
    for k, layer in enumerate(layers):
        H = layer[0].hidden_size
        X = layers[k - 1][0].hidden_size * D if k else layer[0].input_size
        for params in layer:
            if (params.input_size, params.hidden_size) != (X, H):
                raise ValueError(
                    f"layer {k} has input_size={params.input_size}, hidden_size="
                    f"{params.hidden_size}; expected input_size={X} (the "
                    f"{'concatenated ' if D == 2 and k else ''}output of the layer below) and "
                    f"the same hidden_size={H} in both directions."
                )
    return D


def to_torch_stack(layers: LSTMStack) -> dict[str, np.ndarray]:
    """A full ``nn.LSTM(input_size, hidden_size, num_layers=len(layers),
    bidirectional=len(layers[0]) == 2)`` state dict (NumPy arrays)."""
    D = _check_stack(layers)
    state: dict[str, np.ndarray] = {}
    for k, layer in enumerate(layers):
        for d in range(D):
            state.update(to_torch(layer[d], layer=k, reverse=d == 1))
    return state


def from_torch_stack(state: Mapping[str, np.ndarray]) -> list[list[LSTMParams]]:
    """Every layer and direction of an ``nn.LSTM`` state dict: ``layers[k][d]``."""
    num_layers = 1 + max(
        (int(k.split("_l")[-1].split("_")[0]) for k in state if k.startswith("weight_ih_l")),
        default=0,
    )
    D = 2 if any(k.endswith("_reverse") for k in state) else 1
    layers = [
        [from_torch(state, layer=k, reverse=d == 1) for d in range(D)] for k in range(num_layers)
    ]
    _check_stack(layers)
    return layers


def to_keras_stack(layers: LSTMStack) -> list[np.ndarray]:
    """``model.set_weights`` input for a model whose only weights are ``len(layers)``
    ``keras.layers.LSTM`` layers, each wrapped in ``Bidirectional`` if ``len(layers[0]) == 2``
    (the forward layer's arrays first)."""
    _check_stack(layers)
    return [w for layer in layers for params in layer for w in to_keras(params)]


def from_keras_stack(weights: Sequence[np.ndarray], bidirectional: bool) -> list[list[LSTMParams]]:
    """Layers ``[[forward(, backward)], ...]`` from the ``get_weights()`` of a stack of Keras
    ``LSTM`` layers, each wrapped in ``Bidirectional`` if ``bidirectional``.

    Say which: 6 arrays are two stacked layers or one bidirectional layer, and the shapes
    alone do not tell them apart when input_size equals units."""
    D = 2 if bidirectional else 1
    if len(weights) == 0 or len(weights) % (3 * D):
        raise ValueError(
            f"got {len(weights)} arrays; a stack of {'Bidirectional(LSTM)' if D == 2 else 'LSTM'}"
            f" layers has {3 * D} per layer ([kernel, recurrent_kernel, bias]"
            f"{' for forward_layer, then for backward_layer' if D == 2 else ''})."
        )
    params = [from_keras(list(weights[i : i + 3])) for i in range(0, len(weights), 3)]
    layers = [params[i : i + D] for i in range(0, len(params), D)]
    _check_stack(layers)
    return layers


def to_tf1(params: LSTMParams, forget_bias: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """``(kernel, bias)`` for a TF1 ``LSTMCell`` or ``BasicLSTMCell`` whose run-time
    ``forget_bias`` is ``forget_bias`` (TF's default, 1.0, unless the cell was built with
    another value)."""
    _require_lstm_params(params, "(no TF1 converter for GRUs)")
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
    rows, cols = kernel.shape
    if cols % 4:
        raise ValueError(
            f"kernel has {cols} columns, not 4 * hidden_size: it is not an LSTM cell's kernel "
            "(a TF1 GRUCell stores gates/kernel (input_size + hidden_size, 2 * hidden_size) and "
            "candidate/kernel (input_size + hidden_size, hidden_size))."
        )
    H = cols // 4
    if kernel.shape != (input_size + H, 4 * H):
        recurrent = rows - input_size
        projection = (
            f"an LSTMCell(num_units={H}, num_proj={recurrent}), whose h_t is projected from "
            f"{H} to {recurrent} values by a separate projection/kernel ({H}, {recurrent}). "
            "Projections are not supported: the reference LSTM has none."
        )
        if recurrent > 0 and rows - H > 0:
            cause = (
                f" The {recurrent} rows after the input's do not match hidden_size={H}: either "
                f"input_size is wrong (check input_size: without a projection it is "
                f"{rows - H}), or the cell is {projection}"
            )
        elif recurrent > 0:
            cause = f" The {recurrent} rows after the input's are those of {projection}"
        else:
            cause = f" Check input_size: without a projection it is {rows - H}."
        raise ValueError(
            f"kernel has shape {kernel.shape}; with input_size={input_size} a TF1 LSTM cell of "
            f"hidden size {H} has kernel (input_size + hidden_size, 4 * hidden_size) = "
            f"{(input_size + H, 4 * H)}.{cause}"
        )
    require_shape("bias", bias, (4 * H,), "(4 * hidden_size,)")
    kernel = _permute_gates(kernel, _OURS_FROM_TF1)
    bias = _permute_gates(bias, _OURS_FROM_TF1).copy()
    bias[H : 2 * H] += forget_bias  # our f block is second
    return LSTMParams(W_x=kernel[:input_size].copy(), W_h=kernel[input_size:].copy(), b=bias)
