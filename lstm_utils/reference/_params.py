"""What every reference layer's parameters share: W_x, W_h, b and their sizes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lstm_utils._validation import require_float_array, require_same_dtype, require_shape


@dataclass
class RecurrentParams:
    """Input weights ``W_x`` (X, k·H), recurrent weights ``W_h`` (H, k·H) and bias ``b``
    (k·H,), where k is the number of stacked gates (1 for a plain RNN, 4 for an LSTM)."""

    W_x: np.ndarray
    W_h: np.ndarray
    b: np.ndarray

    #: Gate names in stacking order; a plain RNN has a single block.
    gates: ClassVar[tuple[str, ...]] = ("h",)

    def __post_init__(self) -> None:
        k = len(self.gates)
        cols = "hidden_size" if k == 1 else f"{k} * hidden_size"
        stacked = "" if k == 1 else f" (gates stacked {'|'.join(self.gates)})"
        require_float_array("W_h", self.W_h, 2, f"(hidden_size, {cols})")
        hidden = self.W_h.shape[0]
        require_shape("W_h", self.W_h, (hidden, k * hidden), f"(hidden_size, {cols})")
        require_float_array("W_x", self.W_x, 2, f"(input_size, {cols})")
        if self.W_x.shape[1] != k * hidden:
            raise ValueError(
                f"W_x must have {cols} = {k * hidden} columns{stacked}, got shape {self.W_x.shape}."
            )
        require_float_array("b", self.b, 1, f"({cols},)")
        require_shape("b", self.b, (k * hidden,), f"({cols},)")
        require_same_dtype("W_x", self.W_x, self.W_h.dtype)
        require_same_dtype("b", self.b, self.W_h.dtype)

    @property
    def hidden_size(self) -> int:
        return self.W_h.shape[0]

    @property
    def input_size(self) -> int:
        return self.W_x.shape[0]

    @property
    def dtype(self) -> np.dtype:
        return self.W_h.dtype

    def arrays(self) -> dict[str, np.ndarray]:
        """The parameter arrays by name (the same objects, not copies)."""
        return {"W_x": self.W_x, "W_h": self.W_h, "b": self.b}

    def num_parameters(self) -> int:
        """Total number of scalars."""
        return sum(a.size for a in self.arrays().values())


def require_positive_sizes(input_size: int, hidden_size: int) -> None:
    """Raise a ``ValueError`` unless both layer sizes are positive."""
    if input_size < 1 or hidden_size < 1:
        raise ValueError(
            f"input_size and hidden_size must be positive, got {input_size}, {hidden_size}."
        )


@dataclass
class RecurrentGrads:
    """Gradients of a scalar loss for a reference layer: parameters, inputs ``x``, initial
    hidden state ``h0``, and the total dL/dh_t at every step (``h``)."""

    W_x: np.ndarray
    W_h: np.ndarray
    b: np.ndarray
    x: np.ndarray
    h0: np.ndarray
    h: np.ndarray

    def params(self) -> dict[str, np.ndarray]:
        """Parameter gradients keyed like :meth:`RecurrentParams.arrays`."""
        return {"W_x": self.W_x, "W_h": self.W_h, "b": self.b}
