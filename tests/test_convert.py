"""Weight converters: every framework computes the reference LSTM's outputs with ported weights."""

import numpy as np
import pytest
import torch

from lstm_utils import LSTMParams, lstm_forward
from lstm_utils.frameworks.convert import (
    from_keras,
    from_keras_stack,
    from_tf1,
    from_torch,
    from_torch_stack,
    to_keras,
    to_keras_stack,
    to_tf1,
    to_torch,
    to_torch_stack,
)

SHAPES = [(3, 5, 7, 2), (1, 2, 3, 1), (6, 4, 2, 3)]  # (X, H, T, B): three fixed shapes


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
    with pytest.raises(
        ValueError,
        match=r"with input_size=3 .*either input_size is wrong "
        r"\(check input_size: without a projection it is 2\)",
    ):
        from_tf1(kernel, bias, input_size=3)
    with pytest.raises(ValueError, match=r"\[kernel, recurrent_kernel, bias\].*got 2 .*use_bias"):
        from_keras(to_keras(params)[:2])
    with pytest.raises(ValueError, match=r"recurrent_kernel has shape \(3, 8\).*4 \* units"):
        from_keras([params.W_x, params.W_h[:, :8], params.b])
    with pytest.raises(ValueError, match=r"bias must have shape \(12,\)"):
        from_keras([params.W_x, params.W_h, params.b[:8]])


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


# --- issue 25: what people pass in is recognised and named ---------------------------------


def _numpy_state(module: torch.nn.Module) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy() for k, v in module.state_dict().items()}


def test_a_projection_is_named_not_given_a_bogus_shape():
    state = _numpy_state(torch.nn.LSTM(3, 8, proj_size=2))
    assert state["weight_hh_l0"].shape == (32, 2)  # what the old message misread
    for convert in (from_torch, from_torch_stack):
        with pytest.raises(
            ValueError,
            match=r"\['weight_hr_l0'\].*proj_size=2 .*hidden_size=8 .*"
            r"Projections are not supported",
        ):
            convert(state)


@pytest.mark.filterwarnings("ignore:.*is deprecated:UserWarning")  # legacy API, on purpose
def test_a_tf1_projection_is_named():
    tf = pytest.importorskip("tensorflow")
    graph = tf.Graph()
    with graph.as_default():
        inputs = tf.compat.v1.placeholder(tf.float32, (2, 4, 3))
        cell = tf.compat.v1.nn.rnn_cell.LSTMCell(8, num_proj=2)
        tf.compat.v1.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
        with tf.compat.v1.Session(graph=graph) as session:
            session.run(tf.compat.v1.global_variables_initializer())
            stored = {v.name: session.run(v) for v in tf.compat.v1.global_variables()}
    kernel = next(v for k, v in stored.items() if k.endswith("lstm_cell/kernel:0"))
    bias = next(v for k, v in stored.items() if k.endswith("lstm_cell/bias:0"))
    assert kernel.shape == (3 + 2, 32)  # input_size + num_proj rows
    with pytest.raises(
        ValueError, match=r"LSTMCell\(num_units=8, num_proj=2\).*Projections are not supported"
    ):
        from_tf1(kernel, bias, input_size=3)


def test_other_layouts_are_named():
    params = LSTMParams.init(2, 3, np.random.default_rng(0))
    gru = _numpy_state(torch.nn.GRU(2, 3))
    with pytest.raises(ValueError, match=r"nn\.GRU state dict: if it is one, use .*gru_from_torch"):
        from_torch(gru)
    keras_gru = [np.zeros((2, 9)), np.zeros((3, 9)), np.zeros((2, 9))]
    with pytest.raises(
        ValueError, match=r"3 blocks, as in a keras\.layers\.GRU: use .*gru_from_keras"
    ):
        from_keras(keras_gru)
    with pytest.raises(ValueError, match=r"1 blocks, as in a keras\.layers\.SimpleRNN"):
        from_keras([np.zeros((2, 3)), np.zeros((3, 3)), np.zeros(3)])
    with pytest.raises(
        ValueError, match=r"no recurrent_kernel.*fused kernel .*TF1 cell.*from_tf1\(kernel, bias"
    ):
        from_keras(list(to_tf1(params)))
    with pytest.raises(
        TypeError, match=r"PyTorch state dict\? Use lstm_utils\.frameworks\.convert\.from_torch"
    ):
        from_keras(to_torch(params))
    with pytest.raises(
        TypeError, match=r"get_weights\(\) layout: use lstm_utils\.frameworks\.convert\.from_keras"
    ):
        from_torch(to_keras(params))
    with pytest.raises(
        ValueError, match=r"got 9 arrays, 3 layers' .*: the weights of a model with"
    ):
        from_keras(to_keras(params) * 3)  # 9 arrays cannot be one Bidirectional layer
    with pytest.raises(KeyError, match=r"one-directional layer"):
        from_torch(to_torch(params), reverse=True)
    with pytest.raises(KeyError, match=r"layer 2 \(reverse direction\).*past the last layer"):
        from_torch(_numpy_state(torch.nn.LSTM(2, 3, bidirectional=True)), layer=2, reverse=True)
    with pytest.raises(KeyError, match=r"bias=False; .*add zero biases"):
        from_torch(_numpy_state(torch.nn.LSTM(2, 3, bias=False)))


def test_a_wrapping_modules_state_dict_names_the_prefix():
    model = torch.nn.Module()
    model.lstm = torch.nn.LSTM(2, 3)
    with pytest.raises(KeyError, match=r"prefix 'lstm\.'.*model\.lstm\.state_dict\(\)"):
        from_torch(_numpy_state(model))


def _keras_stack(keras, X: int, H: int, T: int, layers: int, bidirectional: bool):
    recurrent = []
    for _ in range(layers):
        lstm = keras.layers.LSTM(H, return_sequences=True)
        recurrent.append(keras.layers.Bidirectional(lstm) if bidirectional else lstm)
    model = keras.Sequential([keras.Input((T, X)), *recurrent])
    return model


@pytest.mark.parametrize("count", [1, 2])
def test_bidirectional_and_stacked_keras_weights_are_recognised(count):
    keras = pytest.importorskip("keras")
    if count == 1:  # one Bidirectional(LSTM(4)): 6 arrays
        weights = _keras_stack(keras, 3, 4, 5, layers=1, bidirectional=True).get_weights()
    else:  # two stacked LSTM(4): 6 arrays too
        weights = _keras_stack(keras, 3, 4, 5, layers=2, bidirectional=False).get_weights()
    assert len(weights) == 6
    with pytest.raises(
        ValueError,
        match=r"got 6 arrays, 2 layers.*Bidirectional\(LSTM\) wrapper.*several recurrent layers"
        r".*forward_layer\.get_weights\(\) and layer\.backward_layer.*from_keras_stack",
    ):
        from_keras(weights)
    with pytest.raises(
        ValueError, match=r"got 9 arrays; a stack of Bidirectional\(LSTM\) layers has 6 per layer"
    ):
        from_keras_stack(weights[:3] + weights, bidirectional=True)


def _random_torch_lstm(X: int, H: int, layers: int, bidirectional: bool) -> torch.nn.LSTM:
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(X, H, layers, bidirectional=bidirectional, batch_first=True)
    with torch.no_grad():  # distinct biases in both vectors expose any gate or bias mix-up
        for name, value in lstm.named_parameters():
            if name.startswith("bias"):
                value.normal_()
    return lstm


@pytest.mark.parametrize(("layers", "bidirectional"), [(2, False), (1, True), (2, True)])
def test_stacks_port_between_keras_and_torch_both_ways(layers, bidirectional):
    keras = pytest.importorskip("keras")
    X, H, T, B = 3, 4, 6, 2
    x = np.random.default_rng(0).normal(size=(B, T, X)).astype(np.float32)
    # PyTorch -> Keras
    lstm = _random_torch_lstm(X, H, layers, bidirectional)
    stack = from_torch_stack(_numpy_state(lstm))
    assert [len(layer) for layer in stack] == [2 if bidirectional else 1] * layers
    model = _keras_stack(keras, X, H, T, layers, bidirectional)
    model.set_weights(to_keras_stack(stack))
    expected = lstm(torch.from_numpy(x))[0].detach().numpy()
    assert expected.shape == (B, T, H * (2 if bidirectional else 1))
    assert np.max(np.abs(np.asarray(model(x)) - expected)) <= 1e-6
    # Keras -> PyTorch, from a Keras model with random biases
    model = _keras_stack(keras, X, H, T, layers, bidirectional)
    rng = np.random.default_rng(1)
    model.set_weights(
        [
            w if w.ndim == 2 else rng.normal(size=w.shape).astype(np.float32)
            for w in model.get_weights()
        ]
    )
    target = torch.nn.LSTM(X, H, layers, bidirectional=bidirectional, batch_first=True)
    stack = from_keras_stack(model.get_weights(), bidirectional=bidirectional)
    target.load_state_dict({k: torch.from_numpy(v) for k, v in to_torch_stack(stack).items()})
    out = target(torch.from_numpy(x))[0].detach().numpy()
    assert np.max(np.abs(np.asarray(model(x)) - out)) <= 1e-6
    # and back to Keras' arrays, exactly
    for a, b in zip(
        to_keras_stack(from_torch_stack(_numpy_state(target))), model.get_weights(), strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)


def test_stack_shapes_are_checked():
    rng = np.random.default_rng(0)
    one = LSTMParams.init(3, 4, rng)
    with pytest.raises(ValueError, match=r"layer 1 has input_size=4.*expected input_size=8"):
        to_torch_stack([[one, one], [LSTMParams.init(4, 4, rng)] * 2])
    with pytest.raises(ValueError, match=r"each \[forward\] or \[forward, backward\]"):
        to_keras_stack([[one], [LSTMParams.init(4, 4, rng)] * 2])


def test_gru_parameters_are_refused_with_the_gru_converter_named():
    from lstm_utils.reference.gru import GRUParams

    gru = GRUParams.init(2, 3, np.random.default_rng(0))
    with pytest.raises(TypeError, match=r"LSTMParams, got GRUParams; .*convert_gru\.gru_to_torch"):
        to_torch(gru)
    with pytest.raises(TypeError, match=r"LSTMParams, got GRUParams; .*convert_gru\.gru_to_keras"):
        to_keras(gru)
