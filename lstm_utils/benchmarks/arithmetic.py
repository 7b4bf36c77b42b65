"""How much arithmetic and memory traffic one LSTM layer needs, and what the machine allows.

Counts are for the matrix products only (a multiply-add is 2 FLOPs); the element-wise gate
arithmetic adds about 20 operations per hidden unit and step, a fraction 2.5 / (X + H) of the
products' FLOPs, and is left out, as published GFLOP/s figures for LSTMs leave it out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LSTMShape:
    """One LSTM layer's problem size: ``steps`` T, ``batch`` B, ``inputs`` X, ``hidden`` H."""

    steps: int
    batch: int
    inputs: int
    hidden: int

    def __post_init__(self) -> None:
        for name in ("steps", "batch", "inputs", "hidden"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")

    def step_flops(self) -> int:
        """Forward FLOPs of one time step: [x_t, h_{t-1}] (B × (X+H)) times (X+H) × 4H."""
        return 2 * self.batch * (self.inputs + self.hidden) * 4 * self.hidden

    def flops(self, backward: bool = False) -> int:
        """FLOPs of a forward pass over all T steps; with ``backward``, forward + backward.

        The backward pass needs two products of the forward's size per weight matrix (one for
        the weight gradient, one for the gradient flowing to x_t or h_{t-1}): 2× the forward.
        """
        forward = self.steps * self.step_flops()
        return 3 * forward if backward else forward

    def step_bytes(self, itemsize: int = 4) -> int:
        """Minimum memory traffic of one forward step if nothing stays in cache: read W_x, W_h
        and b, x_t, h_{t-1}, c_{t-1}; write the four gates, h_t and c_t."""
        X, H, B = self.inputs, self.hidden, self.batch
        weights = (X + H + 1) * 4 * H
        activations = B * (X + H + H) + B * (4 * H + H + H)
        return itemsize * (weights + activations)

    def intensity(self, itemsize: int = 4) -> float:
        """Arithmetic intensity of a step, FLOPs per byte. For B ≪ H the weights dominate the
        traffic and it is about B / 2 in float32: every weight read is used B times."""
        return self.step_flops() / self.step_bytes(itemsize)


def roofline(intensity: float | np.ndarray, peak_gflops: float, bandwidth_gbs: float):
    """The roofline bound, min(peak, bandwidth × intensity), in GFLOP/s (Williams et al., 2009)."""
    if not peak_gflops > 0 or not bandwidth_gbs > 0:
        raise ValueError(
            f"peak_gflops and bandwidth_gbs must be positive, got {peak_gflops} and "
            f"{bandwidth_gbs}; measure them with gemm_gflops() and copy_bandwidth_gbs()."
        )
    return np.minimum(peak_gflops, bandwidth_gbs * np.asarray(intensity, dtype=float))
