"""Input checks shared by the reference models: each failure names the problem and the fix."""

from __future__ import annotations

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def require_float_array(name: str, value: object, ndim: int, layout: str) -> np.ndarray:
    """Return ``value`` if it is a float32/float64 ndarray of rank ``ndim``; raise otherwise.

    ``layout`` describes the expected axes, e.g. ``"(T, B, input_size)"``, and is quoted in
    the error so that the caller sees which axis is missing or extra.
    """
    if not isinstance(value, np.ndarray):
        fix = (
            f"{name} is a framework tensor; pass a NumPy array, e.g. "
            f"{name}.detach().cpu().numpy() for PyTorch"
            if hasattr(value, "detach")
            else f"convert it with np.asarray({name}, dtype=np.float64)"
        )
        raise TypeError(
            f"{name} must be a NumPy array of shape {layout}, got {type(value).__name__}; {fix}."
        )
    if value.dtype not in FLOAT_DTYPES:
        raise TypeError(
            f"{name} has dtype {value.dtype}; the reference models compute in float32 or "
            f"float64 only. Cast explicitly, e.g. {name}.astype(np.float64)."
        )
    if value.ndim != ndim:
        hint = ""
        if value.ndim == ndim - 1:
            hint = " If this is a single example, add a batch axis (e.g. x[:, None, :])."
        raise ValueError(
            f"{name} must have rank {ndim} with layout {layout}, got rank {value.ndim} "
            f"(shape {value.shape}).{hint}"
        )
    return value


def require_shape(name: str, value: np.ndarray, expected: tuple[int, ...], layout: str) -> None:
    """Raise a ``ValueError`` naming both shapes if ``value.shape != expected``."""
    if value.shape != expected:
        raise ValueError(f"{name} must have shape {expected} {layout}, got {value.shape}.")


def require_same_dtype(name: str, value: np.ndarray, dtype: np.dtype) -> None:
    """Raise if ``value`` does not use ``dtype``; mixed precision is never coerced silently."""
    if value.dtype != dtype:
        raise TypeError(
            f"{name} has dtype {value.dtype} but the parameters are {dtype}; cast one of "
            f"them explicitly (e.g. {name}.astype(np.{dtype.name}))."
        )


def initial_state(
    name: str, state: np.ndarray | None, batch: int, hidden: int, dtype: np.dtype
) -> np.ndarray:
    """A validated (batch, hidden) initial state; zeros when ``state`` is None."""
    if state is None:
        return np.zeros((batch, hidden), dtype=dtype)
    require_float_array(name, state, 2, "(B, hidden_size)")
    require_shape(name, state, (batch, hidden), "(B, hidden_size)")
    require_same_dtype(name, state, dtype)
    return state


def require_sequence(x: np.ndarray, input_size: int, dtype: np.dtype) -> None:
    """Check a (T, B, input_size) input sequence against a model's size and dtype."""
    require_float_array("x", x, 3, "(T, B, input_size)")
    if x.shape[2] != input_size:
        raise ValueError(
            f"x has {x.shape[2]} features per step but the model expects input_size="
            f"{input_size}; x must be laid out (T, B, input_size), time first."
        )
    if x.shape[0] == 0:
        raise ValueError("x has no time steps (T = 0); pass at least one step.")
    require_same_dtype("x", x, dtype)


def require_finite(name: str, value: np.ndarray, fix: str) -> None:
    """Raise a ``ValueError`` naming the first non-finite entry of ``value`` (NaN or ±inf),
    how many there are, and ``fix``; a missing value is never carried silently into a model."""
    finite = np.isfinite(value)
    if finite.all():
        return
    bad = np.argwhere(~finite)
    first = tuple(int(i) for i in bad[0])
    where = f"index {first[0]}" if len(first) == 1 else f"index {first}"
    raise ValueError(
        f"{name} has {len(bad)} non-finite value(s); the first is {value[first]} at {where}. {fix}"
    )
