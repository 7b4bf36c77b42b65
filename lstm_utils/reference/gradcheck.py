"""Finite-difference gradient checks, shared by every reference model in the book."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np


def numerical_gradient(
    loss: Callable[[], float], array: np.ndarray, eps: float = 1e-5
) -> np.ndarray:
    """Central differences (L(a + ε) − L(a − ε)) / 2ε for every element of ``array``.

    ``loss`` must read ``array`` (it is perturbed in place and restored afterwards).
    """
    if array.dtype != np.float64:
        raise TypeError(
            f"finite differences need float64 (got {array.dtype}): in float32 the rounding "
            "error swamps the difference. Build the model with dtype=np.float64."
        )
    grad = np.empty_like(array)
    flat, gflat = array.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, array):
        raise ValueError("array must be contiguous so that it can be perturbed in place.")
    for k in range(flat.size):
        saved = flat[k]
        flat[k] = saved + eps
        plus = loss()
        flat[k] = saved - eps
        minus = loss()
        flat[k] = saved
        gflat[k] = (plus - minus) / (2.0 * eps)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = 1e-12) -> float:
    """Largest element-wise relative error ``|a − n| / max(|a| + |n|, floor)``."""
    if analytic.shape != numeric.shape:
        raise ValueError(f"shapes differ: analytic {analytic.shape} vs numeric {numeric.shape}.")
    denom = np.maximum(np.abs(analytic) + np.abs(numeric), floor)
    return float(np.max(np.abs(analytic - numeric) / denom))


def check_gradients(
    loss: Callable[[], float],
    arrays: Mapping[str, np.ndarray],
    analytic: Mapping[str, np.ndarray],
    eps: float = 1e-5,
) -> dict[str, float]:
    """Compare analytic gradients with central differences; the max relative error per array."""
    missing = set(arrays) - set(analytic)
    if missing:
        raise KeyError(f"no analytic gradient for {sorted(missing)}; got {sorted(analytic)}.")
    return {
        name: relative_error(analytic[name], numerical_gradient(loss, array, eps))
        for name, array in arrays.items()
    }


def check_linear_loss(
    outputs: Callable[[], Sequence[np.ndarray]],
    backward: Callable[[Sequence[np.ndarray]], Mapping[str, np.ndarray]],
    arrays: Mapping[str, np.ndarray],
    rng: np.random.Generator,
) -> dict[str, float]:
    """Gradient-check a model under a fixed random linear loss of its outputs.

    ``outputs()`` runs the forward pass and returns the arrays the loss reads (e.g. every
    h_t and the final c_T). The loss is L = Σ_k ⟨w_k, output_k⟩ with fixed random w_k, so
    dL/doutput_k = w_k exactly; ``backward(ws)`` must return the analytic gradients of L, by
    name, for every entry of ``arrays``. Returns the max relative error per array.
    """
    weights = [rng.normal(size=out.shape) for out in outputs()]

    def loss() -> float:
        return float(sum(np.sum(w * out) for w, out in zip(weights, outputs(), strict=True)))

    return check_gradients(loss, arrays, backward(weights))
