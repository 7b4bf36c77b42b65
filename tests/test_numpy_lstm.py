"""The NumPy reference LSTM: equations, shapes, gradients and input validation."""

import numpy as np
import pytest

from lstm_utils import (
    LSTMParams,
    lstm_backward,
    lstm_forward,
    lstm_gradient_check,
    lstm_step,
    sigmoid,
)


@pytest.fixture
def params() -> LSTMParams:
    return LSTMParams.init(input_size=3, hidden_size=5, rng=np.random.default_rng(1))


def test_parameter_count_matches_formula(params):
    H, X = 5, 3
    assert params.num_parameters() == 4 * H * (H + X + 1) == 180


def test_forward_shapes(params):
    x = np.random.default_rng(0).normal(size=(7, 2, 3))
    trace = lstm_forward(x, params)
    for name in "hcifgo":
        assert getattr(trace, name).shape == (7, 2, 5)
    assert trace.h_T.shape == trace.c_T.shape == (2, 5)
    np.testing.assert_array_equal(trace.h_T, trace.h[-1])


def test_step_matches_the_six_equations_written_gate_by_gate(params):
    rng = np.random.default_rng(2)
    x_t, h_prev, c_prev = rng.normal(size=(2, 3)), rng.normal(size=(2, 5)), rng.normal(size=(2, 5))

    def affine(gate):
        W_x, W_h, b = params.gate(gate)
        return x_t @ W_x + h_prev @ W_h + b

    f = 1 / (1 + np.exp(-affine("f")))
    i = 1 / (1 + np.exp(-affine("i")))
    g = np.tanh(affine("g"))
    o = 1 / (1 + np.exp(-affine("o")))
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    h_got, c_got, (i_got, f_got, g_got, o_got) = lstm_step(x_t, h_prev, c_prev, params)
    for got, want in [(h_got, h), (c_got, c), (i_got, i), (f_got, f), (g_got, g), (o_got, o)]:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(all="raise"):
        np.testing.assert_allclose(sigmoid(np.array([-1000.0, 0.0, 1000.0])), [0.0, 0.5, 1.0])


def test_forget_bias_is_applied_to_the_forget_gate_only():
    p = LSTMParams.init(2, 4, np.random.default_rng(0), forget_bias=3.0)
    np.testing.assert_array_equal(p.gate("f")[2], 3.0)
    assert not np.any(p.gate("i")[2] == 3.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bptt_matches_finite_differences(seed):
    errors = lstm_gradient_check(input_size=3, hidden_size=4, steps=5, batch=2, seed=seed)
    assert set(errors) == {"W_x", "W_h", "b", "x", "h0", "c0"}
    assert max(errors.values()) <= 1e-6, errors


def test_gradient_on_cell_state_is_product_of_forget_gates_without_recurrent_weights():
    rng = np.random.default_rng(3)
    p = LSTMParams.init(2, 3, rng)
    p.W_h[...] = 0.0  # no path through h: only the conveyor belt links c_{t-1} and c_t
    x = rng.normal(size=(6, 1, 2))
    trace = lstm_forward(x, p)
    grads = lstm_backward(trace, p, dh=np.zeros_like(trace.h), dc_T=np.ones((1, 3)))
    for t in range(6):
        np.testing.assert_allclose(grads.c[t], np.prod(trace.f[t + 1 :], axis=0), rtol=1e-12)


def test_float32_runs_in_float32():
    p = LSTMParams.init(2, 3, np.random.default_rng(0), dtype=np.float32)
    trace = lstm_forward(np.zeros((4, 2, 2), np.float32), p)
    assert trace.h.dtype == np.float32


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.zeros((4, 3)), r"rank 3 .*\(T, B, input_size\).*add a batch axis"),
        (np.zeros((4, 2, 7)), r"7 features per step .* input_size=3"),
        (np.zeros((4, 2, 3), np.float32), r"dtype float32 but the parameters are float64"),
        (np.zeros((4, 2, 3), np.int64), r"dtype int64.*float32 or float64"),
        ([[[0.0, 0.0, 0.0]]], r"must be a NumPy array"),
        (np.zeros((0, 2, 3)), r"no time steps"),
    ],
)
def test_bad_input_names_the_problem(params, x, message):
    with pytest.raises((ValueError, TypeError), match=message):
        lstm_forward(x, params)


def test_bad_initial_state_shape(params):
    with pytest.raises(ValueError, match=r"h0 must have shape \(2, 5\)"):
        lstm_forward(np.zeros((4, 2, 3)), params, h0=np.zeros((2, 4)))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"W_h": np.zeros((5, 16))}, r"W_h must have shape \(5, 20\)"),
        ({"W_x": np.zeros((3, 16))}, r"W_x must have 4 \* hidden_size = 20 columns"),
        ({"b": np.zeros(5)}, r"b must have shape \(20,\)"),
        ({"b": np.zeros(20, np.float32)}, r"b has dtype float32 but the parameters are float64"),
    ],
)
def test_bad_parameters(kwargs, message):
    good = {"W_x": np.zeros((3, 20)), "W_h": np.zeros((5, 20)), "b": np.zeros(20)}
    with pytest.raises((ValueError, TypeError), match=message):
        LSTMParams(**{**good, **kwargs})


def test_unknown_gate_name(params):
    with pytest.raises(KeyError, match=r"unknown gate 'c'.*\('i', 'f', 'g', 'o'\)"):
        params.gate("c")


def test_backward_rejects_mismatched_upstream_gradient(params):
    trace = lstm_forward(np.zeros((4, 2, 3)), params)
    with pytest.raises(ValueError, match=r"dh must have shape \(4, 2, 5\)"):
        lstm_backward(trace, params, dh=np.zeros((3, 2, 5)))
