"""Seeded generators for synthetic sequence tasks (time-major arrays: (T, B, features))."""

from __future__ import annotations

import numpy as np


def _require_positive(**sizes: int) -> None:
    for name, value in sizes.items():
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")


def adding_problem(
    n: int, steps: int, rng: np.random.Generator, dtype: type = np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem in the form of Arjovsky et al. (2016), a variant of the task of
    Hochreiter & Schmidhuber (1997), whose values lie in [-1, 1] and whose first marker is
    among the first ten steps.

    Each sequence has two channels: a value drawn from U(0, 1) and a marker that is 1 at
    exactly two positions, one drawn uniformly from each half of the sequence. The target is
    the sum of the two marked values. Predicting the mean (1.0) gives MSE ≈ 1/6 ≈ 0.167, the
    trivial baseline. Returns ``x`` of shape (steps, n, 2) and ``y`` of shape (n, 1).
    """
    _require_positive(n=n, steps=steps)
    if steps < 2:
        raise ValueError(f"steps must be at least 2 (one marker in each half), got {steps}.")
    values = rng.uniform(0.0, 1.0, size=(steps, n))
    half = steps // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, steps, size=n)
    markers = np.zeros((steps, n))
    cols = np.arange(n)
    markers[first, cols] = 1.0
    markers[second, cols] = 1.0
    x = np.stack([values, markers], axis=-1).astype(dtype)
    y = (values[first, cols] + values[second, cols])[:, None].astype(dtype)
    return x, y


def adjacent_sum(
    n: int,
    steps: int,
    rng: np.random.Generator,
    low: float = 0.0,
    high: float = 10.0,
    dtype: type = np.float32,
) -> tuple[np.ndarray, np.ndarray]:
    """The "selective forgetting" task: y_t = x_{t-1} + x_t, with x_0 taken as 0.

    To solve it a network must keep the previous input for exactly one step and then
    forget it. Values are uniform in [low, high). Returns ``x`` and ``y`` of shape
    (steps, n, 1).
    """
    _require_positive(n=n, steps=steps)
    if not high > low:
        raise ValueError(f"high must exceed low, got low={low}, high={high}.")
    x = rng.uniform(low, high, size=(steps, n, 1))
    y = x.copy()
    y[1:] += x[:-1]
    return x.astype(dtype), y.astype(dtype)
