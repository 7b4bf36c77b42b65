"""The finite-difference machinery itself."""

import numpy as np
import pytest

from lstm_utils import check_gradients, numerical_gradient, relative_error


def test_numerical_gradient_of_a_known_function():
    a = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numerical_gradient(lambda: float(np.sum(a**3)), a)
    np.testing.assert_allclose(grad, 3 * a**2, rtol=1e-9)
    np.testing.assert_array_equal(a, [[1.0, -2.0], [0.5, 3.0]])  # restored after perturbing


def test_check_gradients_flags_a_wrong_gradient():
    a = np.array([1.0, 2.0])
    errors = check_gradients(lambda: float(np.sum(a**2)), {"a": a}, {"a": np.array([2.0, 5.0])})
    assert errors["a"] == pytest.approx(1 / 9)


def test_relative_error_shape_mismatch():
    with pytest.raises(ValueError, match=r"shapes differ"):
        relative_error(np.zeros(2), np.zeros(3))


def test_float32_is_refused():
    with pytest.raises(TypeError, match=r"need float64"):
        numerical_gradient(lambda: 0.0, np.zeros(2, np.float32))


def test_missing_analytic_gradient():
    with pytest.raises(KeyError, match=r"no analytic gradient for \['b'\]"):
        check_gradients(lambda: 0.0, {"a": np.zeros(1), "b": np.zeros(1)}, {"a": np.zeros(1)})
