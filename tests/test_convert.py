"""Weight converters: every framework computes the reference LSTM's outputs with ported weights."""

import numpy as np
import pytest
import torch

from lstm_utils import LSTMParams, lstm_forward
from lstm_utils.convert import from_keras, from_tf1, from_torch, to_keras, to_tf1, to_torch

SHAPES = [(3, 5, 7, 2), (1, 2, 3, 1), (6, 4, 2, 3)]  # (X, H, T, B), random sizes


def _problem(X: int, H: int, T: int, B: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    params = LSTMParams.init(X, H, rng)
    params.b[:] = rng.normal(size=4 * H)  # distinct biases per gate expose any gate mix-up
    x = rng.normal(size=(T, B, X))
    return params, x, lstm_forward(x, params)


def _assert_same(a: LSTMParams, b: LSTMParams) -> None:
    for name, value in a.arrays().items():
        np.testing.assert_allclose(value, b.arrays()[name], rtol=0, atol=1e-15)


@pytest.mark.parametrize("shape", SHAPES)
def test_torch_lstm_matches_reference(shape):
    params, x, ref = _problem(*shape)
    lstm = torch.nn.LSTM(shape[0], shape[1]).double()
    lstm.load_state_dict({k: torch.from_numpy(v) for k, v in to_torch(params).items()})
    out, (h_n, c_n) = lstm(torch.from_numpy(x))
    assert np.max(np.abs(out.detach().numpy() - ref.h)) <= 1e-10
    assert np.max(np.abs(c_n[0].detach().numpy() - ref.c_T)) <= 1e-10
    np.testing.assert_array_equal(h_n[0].detach().numpy(), out[-1].detach().numpy())


def test_torch_two_layer_round_trip():
    lstm = torch.nn.LSTM(3, 4, num_layers=2)
    state = {k: v.detach().numpy().astype(np.float64) for k, v in lstm.state_dict().items()}
    for layer in (0, 1):
        params = from_torch(state, layer=layer)
        assert params.input_size == (3 if layer == 0 else 4)
        back = to_torch(params, layer=layer)
        np.testing.assert_allclose(back[f"weight_hh_l{layer}"], state[f"weight_hh_l{layer}"])
        total = state[f"bias_ih_l{layer}"] + state[f"bias_hh_l{layer}"]
        np.testing.assert_allclose(back[f"bias_ih_l{layer}"], total)


@pytest.mark.parametrize("shape", SHAPES)
def test_keras_lstm_matches_reference(shape):
    keras = pytest.importorskip("keras")
    params, x, ref = _problem(*shape)
    X, H, T, B = shape
    layer = keras.layers.LSTM(H, return_sequences=True, dtype="float64")
    layer.build((B, T, X))
    layer.set_weights(to_keras(params))
    out = np.asarray(layer(np.transpose(x, (1, 0, 2)))).transpose(1, 0, 2)
    assert np.max(np.abs(out - ref.h)) <= 1e-10
    _assert_same(from_keras(layer.get_weights()), params)


@pytest.mark.filterwarnings("ignore:.*is deprecated:UserWarning")  # legacy API, on purpose
@pytest.mark.parametrize("cell_name", ["LSTMCell", "BasicLSTMCell"])
@pytest.mark.parametrize("forget_bias", [1.0, 0.0])
def test_tf1_cells_match_reference(cell_name, forget_bias):
    tf = pytest.importorskip("tensorflow")
    X, H, T, B = SHAPES[0]
    params, x, ref = _problem(X, H, T, B)
    graph = tf.Graph()
    with graph.as_default():
        inputs = tf.compat.v1.placeholder(tf.float64, (B, T, X))
        cell_class = getattr(tf.compat.v1.nn.rnn_cell, cell_name)
        cell = cell_class(H, forget_bias=forget_bias, dtype=tf.float64)
        outputs, _ = tf.compat.v1.nn.dynamic_rnn(cell, inputs, dtype=tf.float64)
        kernel, bias = tf.compat.v1.global_variables()
        with tf.compat.v1.Session(graph=graph) as session:
            tf1_kernel, tf1_bias = to_tf1(params, forget_bias)
            session.run([kernel.assign(tf1_kernel), bias.assign(tf1_bias)])
            out = session.run(outputs, {inputs: np.transpose(x, (1, 0, 2))})
            stored = session.run([kernel, bias])
    assert np.max(np.abs(out.transpose(1, 0, 2) - ref.h)) <= 1e-10
    _assert_same(from_tf1(*stored, input_size=X, forget_bias=forget_bias), params)


def test_tf1_gate_order_is_i_j_f_o():
    params = LSTMParams.init(2, 3, np.random.default_rng(0))
    params.b[:] = np.repeat([1.0, 2.0, 3.0, 4.0], 3)  # our order: i, f, g, o
    _, bias = to_tf1(params, forget_bias=0.0)
    np.testing.assert_array_equal(bias, np.repeat([1.0, 3.0, 2.0, 4.0], 3))  # i, j(=g), f, o


def test_errors_name_the_problem():
    params = LSTMParams.init(2, 3, np.random.default_rng(0))
    state = to_torch(params)
    with pytest.raises(KeyError, match=r"no \['weight_ih_l1'.*layer 1"):
        from_torch(state, layer=1)
    bad = {**state, "weight_hh_l0": np.zeros((12, 4))}
    with pytest.raises(ValueError, match=r"weight_hh_l0 must have shape \(16, 4\)"):
        from_torch(bad)
    tensors = {k: torch.from_numpy(v) for k, v in state.items()}
    with pytest.raises(TypeError, match=r"framework tensor.*detach\(\)\.cpu\(\)\.numpy\(\)"):
        from_torch(tensors)
    kernel, bias = to_tf1(params)
    with pytest.raises(ValueError, match=r"with input_size=3 .* Check input_size"):
        from_tf1(kernel, bias, input_size=3)
    with pytest.raises(ValueError, match=r"expected \[kernel, recurrent_kernel, bias\], got 2"):
        from_keras(to_keras(params)[:2])
    with pytest.raises(ValueError, match=r"W_h must have shape \(3, 12\)"):
        from_keras([params.W_x, params.W_h[:, :8], params.b])


def test_keras_weights_given_as_tensors_name_the_fix():
    params = LSTMParams.init(2, 3, np.random.default_rng(0))
    kernel, recurrent, bias = to_keras(params)
    with pytest.raises(
        TypeError, match=r"kernel is a framework tensor.*detach\(\)\.cpu\(\)\.numpy"
    ):
        from_keras([torch.from_numpy(kernel), recurrent, bias])


def test_a_gru_state_dict_is_refused_with_the_right_function_named():
    state = {k: v.detach().numpy() for k, v in torch.nn.GRU(3, 4).state_dict().items()}
    with pytest.raises(ValueError, match=r"nn\.GRU state dict: if it is one, use .*gru_from_torch"):
        from_torch(state)
