"""The NumPy reference RNN: recurrence, gradients, spectral radius and input validation."""

import numpy as np
import pytest

from lstm_utils.reference.rnn import RNNParams, rnn_backward, rnn_forward, rnn_gradient_check


@pytest.fixture
def params() -> RNNParams:
    return RNNParams.init(input_size=3, hidden_size=5, rng=np.random.default_rng(1))


def test_forward_is_the_elman_recurrence(params):
    x = np.random.default_rng(0).normal(size=(4, 2, 3))
    trace = rnn_forward(x, params)
    h = np.zeros((2, 5))
    for t in range(4):
        h = np.tanh(x[t] @ params.W_x + h @ params.W_h + params.b)
        np.testing.assert_allclose(trace.h[t], h, rtol=1e-13)
    assert trace.h.shape == (4, 2, 5)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bptt_matches_finite_differences(seed):
    errors = rnn_gradient_check(seed=seed)
    assert set(errors) == {"W_x", "W_h", "b", "x", "h0"}
    assert max(errors.values()) <= 1e-6, errors


@pytest.mark.parametrize("rho", [0.5, 1.0, 1.5])
def test_spectral_radius_is_set_exactly(rho):
    p = RNNParams.init(2, 16, np.random.default_rng(0), spectral_radius=rho)
    assert p.spectral_radius() == pytest.approx(rho, rel=1e-10)
    np.testing.assert_allclose(p.W_h @ p.W_h.T, rho**2 * np.eye(16), atol=1e-12)


def test_gradient_of_linear_regime_is_power_of_recurrent_matrix():
    # Inputs and biases zero, h0 tiny: tanh' ≈ 1, so dL/dh_0 ≈ (W_hᵀ)^T dL/dh_T.
    rng = np.random.default_rng(0)
    p = RNNParams.init(1, 6, rng, spectral_radius=0.9)
    trace = rnn_forward(np.zeros((10, 1, 1)), p, h0=1e-8 * rng.normal(size=(1, 6)))
    dh = np.zeros_like(trace.h)
    dh[-1] = rng.normal(size=(1, 6))
    expected = dh[-1] @ np.linalg.matrix_power(p.W_h.T, 10)
    np.testing.assert_allclose(rnn_backward(trace, p, dh).h0, expected, rtol=1e-10)


@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.zeros((4, 3)), r"rank 3 .*\(T, B, input_size\)"),
        (np.zeros((4, 2, 2)), r"2 features per step .* input_size=3"),
        (np.zeros((4, 2, 3), np.float32), r"dtype float32 but the parameters are float64"),
    ],
)
def test_bad_input_names_the_problem(params, x, message):
    with pytest.raises((ValueError, TypeError), match=message):
        rnn_forward(x, params)


def test_bad_parameters():
    with pytest.raises(ValueError, match=r"W_h must have shape \(4, 4\)"):
        RNNParams(W_x=np.zeros((2, 4)), W_h=np.zeros((4, 3)), b=np.zeros(4))
    with pytest.raises(ValueError, match=r"W_x must have hidden_size = 4 columns"):
        RNNParams(W_x=np.zeros((2, 5)), W_h=np.zeros((4, 4)), b=np.zeros(4))
