"""Reference GRU: agrees with torch.nn.GRU on ported weights; sizes and errors."""

import numpy as np
import pytest
import torch

from lstm_utils.frameworks.convert_gru import (
    gru_from_keras,
    gru_from_torch,
    gru_to_keras,
    gru_to_torch,
)
from lstm_utils.reference.gru import GRUParams, gru_forward

SHAPES = [(3, 5, 7, 2), (1, 2, 3, 1), (6, 4, 2, 3)]  # (X, H, T, B), random sizes


def _torch_gru(X: int, H: int, dtype: torch.dtype, seed: int = 0) -> torch.nn.GRU:
    torch.manual_seed(seed)
    gru = torch.nn.GRU(X, H).to(dtype)
    with torch.no_grad():  # distinct, non-zero biases in both vectors expose any bias mix-up
        gru.bias_ih_l0.normal_()
        gru.bias_hh_l0.normal_()
    return gru


def _numpy_state(gru: torch.nn.GRU) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy() for k, v in gru.state_dict().items()}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("dtype", "tol"), [(torch.float32, 1e-5), (torch.float64, 1e-12)])
def test_reference_gru_matches_torch(shape, dtype, tol):
    X, H, T, B = shape
    gru = _torch_gru(X, H, dtype)
    x = torch.randn(T, B, X, dtype=dtype)
    h0 = torch.randn(1, B, H, dtype=dtype)
    out, h_n = gru(x, h0)
    trace = gru_forward(x.numpy(), gru_from_torch(_numpy_state(gru)), h0[0].numpy())
    assert trace.h.dtype == x.numpy().dtype
    assert np.max(np.abs(trace.h - out.detach().numpy())) <= tol
    assert np.max(np.abs(trace.h_T - h_n[0].detach().numpy())) <= tol


def test_round_trip_through_torch_layout():
    params = GRUParams.init(3, 4, np.random.default_rng(1))
    gru = torch.nn.GRU(3, 4).double()
    gru.load_state_dict({k: torch.from_numpy(v) for k, v in gru_to_torch(params).items()})
    back = gru_from_torch(_numpy_state(gru))
    for name, value in params.arrays().items():
        np.testing.assert_array_equal(back.arrays()[name], value)
    x = np.random.default_rng(2).normal(size=(5, 2, 3))
    out, _ = gru(torch.from_numpy(x))
    np.testing.assert_allclose(gru_forward(x, params).h, out.detach().numpy(), atol=1e-12)


def test_parameter_counts():
    X, H = 28, 128
    params = GRUParams.init(X, H, np.random.default_rng(0))
    assert params.num_parameters() == 3 * H * (X + H + 1) + H
    torch_count = sum(p.numel() for p in torch.nn.GRU(X, H).parameters())
    assert torch_count == 3 * H * (X + H + 2) == params.num_parameters() + 2 * H


def test_update_gate_saturated_keeps_the_state():
    params = GRUParams.init(2, 3, np.random.default_rng(0))
    params.b[3:6] = 50.0  # z ≈ 1: h_t = h_{t-1}
    h0 = np.array([[0.5, -0.25, 0.125]])
    trace = gru_forward(np.random.default_rng(1).normal(size=(10, 1, 2)), params, h0)
    np.testing.assert_allclose(trace.h[-1], h0, atol=1e-12)
    assert trace.z.min() > 1 - 1e-12


def test_reset_gate_bias_is_not_mergeable():
    """b_hn sits inside r ⊙ (...): moving it into b changes the function."""
    rng = np.random.default_rng(0)
    params = GRUParams.init(2, 3, rng)
    params.b_hn[:] = 1.0
    merged = GRUParams(params.W_x, params.W_h, params.b.copy(), np.zeros(3))
    merged.b[6:] += params.b_hn
    x = rng.normal(size=(4, 2, 2))
    assert np.max(np.abs(gru_forward(x, params).h - gru_forward(x, merged).h)) > 1e-3


def test_lstm_state_dict_is_refused_with_the_right_function_named():
    state = {k: v.detach().numpy() for k, v in torch.nn.LSTM(3, 4).state_dict().items()}
    with pytest.raises(
        ValueError,
        match=r"nn\.LSTM state dict: if it is one, use lstm_utils\.frameworks\.convert\.from_torch",
    ):
        gru_from_torch(state)


def test_missing_layer_and_bad_shapes_are_named():
    state = _numpy_state(torch.nn.GRU(3, 4))
    with pytest.raises(KeyError, match="weight_ih_l1"):
        gru_from_torch(state, layer=1)
    params = GRUParams.init(3, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="b_hn"):
        GRUParams(params.W_x, params.W_h, params.b, np.zeros(3))
    with pytest.raises(ValueError, match="3 \\* hidden_size"):
        GRUParams(params.W_x[:, :8], params.W_h, params.b, params.b_hn)
    with pytest.raises(ValueError, match="input_size=3"):
        gru_forward(np.zeros((2, 1, 5)), params)


# --- issue 25, case 5: Keras' GRU layout (z, r, h; bias (2, 3H)) ----------------------------


def _keras_gru(keras, X: int, H: int, T: int, B: int):
    layer = keras.layers.GRU(H, return_sequences=True, reset_after=True)
    layer.build((B, T, X))
    return layer


def _keras_out(layer, x_tbx: np.ndarray) -> np.ndarray:
    """Keras output for a time-major input, returned time-major."""
    return np.asarray(layer(np.transpose(x_tbx, (1, 0, 2)))).transpose(1, 0, 2)


@pytest.mark.parametrize("shape", SHAPES)
def test_keras_gru_matches_reference_and_torch(shape):
    keras = pytest.importorskip("keras")
    X, H, T, B = shape
    gru = _torch_gru(X, H, torch.float32)
    x = torch.randn(T, B, X)
    params = gru_from_torch(_numpy_state(gru))
    layer = _keras_gru(keras, X, H, T, B)
    layer.set_weights(gru_to_keras(params))
    out = _keras_out(layer, x.numpy())
    assert np.max(np.abs(out - gru(x)[0].detach().numpy())) <= 1e-6
    assert np.max(np.abs(out - gru_forward(x.numpy(), params).h)) <= 1e-6
    back = gru_from_keras(layer.get_weights())
    for name, value in params.arrays().items():
        np.testing.assert_allclose(back.arrays()[name], value, rtol=0, atol=1e-7)


def test_torch_blocks_copied_unchanged_into_keras_compute_another_function():
    """The trap the converter removes: PyTorch's r, z, n order read as Keras' z, r, h."""
    keras = pytest.importorskip("keras")
    X, H, T, B = 3, 5, 7, 2
    gru = _torch_gru(X, H, torch.float32)
    x = torch.randn(T, B, X)
    expected = gru(x)[0].detach().numpy()
    layer = _keras_gru(keras, X, H, T, B)
    state = _numpy_state(gru)
    layer.set_weights(
        [
            state["weight_ih_l0"].T,
            state["weight_hh_l0"].T,
            np.stack([state["bias_ih_l0"], state["bias_hh_l0"]]),
        ]
    )
    naive = np.max(np.abs(_keras_out(layer, x.numpy()) - expected))
    layer.set_weights(gru_to_keras(gru_from_torch(state)))
    converted = np.max(np.abs(_keras_out(layer, x.numpy()) - expected))
    assert converted <= 1e-6 < 1e-2 < naive


def test_keras_gru_to_torch():
    keras = pytest.importorskip("keras")
    X, H, T, B = 4, 3, 5, 2
    layer = _keras_gru(keras, X, H, T, B)
    rng = np.random.default_rng(0)
    kernel, recurrent, bias = layer.get_weights()
    layer.set_weights([kernel, recurrent, rng.normal(size=bias.shape).astype(np.float32)])
    gru = torch.nn.GRU(X, H)
    state = gru_to_torch(gru_from_keras(layer.get_weights()))
    gru.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    x = rng.normal(size=(T, B, X)).astype(np.float32)
    out = gru(torch.from_numpy(x))[0].detach().numpy()
    assert np.max(np.abs(_keras_out(layer, x) - out)) <= 1e-6


def test_keras_gru_layouts_that_do_not_fit_are_named():
    keras = pytest.importorskip("keras")
    old = keras.layers.GRU(3, reset_after=False)
    old.build((2, 5, 4))
    assert old.get_weights()[2].shape == (9,)
    with pytest.raises(ValueError, match=r"reset_after=False.*Cho et al.*reset_after=True"):
        gru_from_keras(old.get_weights())
    lstm = keras.layers.LSTM(3)
    lstm.build((2, 5, 4))
    with pytest.raises(
        ValueError, match=r"4 blocks, as in a keras\.layers\.LSTM: use .*from_keras"
    ):
        gru_from_keras(lstm.get_weights())
    pair = keras.layers.Bidirectional(keras.layers.GRU(3))
    pair.build((2, 5, 4))
    with pytest.raises(ValueError, match=r"got 6 arrays.*Bidirectional\(GRU\).*forward_layer"):
        gru_from_keras(pair.get_weights())
    with pytest.raises(TypeError, match=r"PyTorch state dict\? Use .*gru_from_torch"):
        gru_from_keras(_numpy_state(torch.nn.GRU(4, 3)))


def test_lstm_parameters_are_refused_with_the_lstm_converter_named():
    from lstm_utils import LSTMParams

    lstm = LSTMParams.init(2, 3, np.random.default_rng(0))
    with pytest.raises(TypeError, match=r"GRUParams, got LSTMParams; .*convert\.to_keras"):
        gru_to_keras(lstm)
    with pytest.raises(TypeError, match=r"GRUParams, got LSTMParams; .*convert\.to_torch"):
        gru_to_torch(lstm)


def test_the_reverse_direction_of_a_bidirectional_gru():
    torch.manual_seed(0)
    gru = torch.nn.GRU(3, 4, bidirectional=True).double()
    x = torch.randn(6, 2, 3, dtype=torch.float64)
    out = gru(x)[0].detach().numpy()
    state = _numpy_state(gru)
    backward = gru_from_torch(state, reverse=True)
    # the backward direction reads the sequence from its end; its outputs are in time order
    reference = gru_forward(x.numpy()[::-1].copy(), backward).h[::-1]
    assert np.max(np.abs(out[:, :, 4:] - reference)) <= 1e-12
    assert np.max(np.abs(out[:, :, :4] - gru_forward(x.numpy(), gru_from_torch(state)).h)) <= 1e-12
    back = gru_to_torch(backward, reverse=True)
    assert sorted(back) == sorted(k for k in state if k.endswith("_reverse"))
