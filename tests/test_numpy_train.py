"""Loss and optimiser of the NumPy models."""

import numpy as np
import pytest

from lstm_utils.reference.gradcheck import numerical_gradient
from lstm_utils.reference.train import Adam, softmax_cross_entropy


def test_cross_entropy_value_and_gradient():
    rng = np.random.default_rng(0)
    logits, labels = rng.normal(size=(4, 3)), np.array([0, 2, 1, 2])
    loss, grad = softmax_cross_entropy(logits, labels)
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(probs[np.arange(4), labels])))
    numeric = numerical_gradient(lambda: softmax_cross_entropy(logits, labels)[0], logits)
    np.testing.assert_allclose(grad, numeric, rtol=1e-7, atol=1e-10)


def test_cross_entropy_is_stable_for_huge_logits():
    loss, _ = softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([0]))
    assert loss == pytest.approx(0.0)


def test_cross_entropy_rejects_float_labels():
    with pytest.raises(ValueError, match=r"integer class indices"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0]))


def test_adam_minimises_a_quadratic():
    w = np.array([5.0, -3.0])
    opt = Adam({"w": w}, lr=0.1)
    for _ in range(500):
        opt.step({"w": 2 * w})
    np.testing.assert_allclose(w, 0.0, atol=1e-2)


def test_adam_first_step_moves_each_weight_by_lr():
    w = np.array([1.0, 1.0])
    Adam({"w": w}, lr=0.01).step({"w": np.array([3.0, -0.5])})
    np.testing.assert_allclose(w, [0.99, 1.01], rtol=1e-6)


def test_adam_rejects_unknown_gradients():
    with pytest.raises(KeyError, match=r"gradients for \['v'\] but parameters \['w'\]"):
        Adam({"w": np.zeros(1)}).step({"v": np.zeros(1)})
