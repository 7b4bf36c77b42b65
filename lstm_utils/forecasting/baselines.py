"""Forecasting without leakage: sliding windows, naive baselines, a linear model, error metrics.

Pure NumPy. A forecast is made at an *origin*: the model sees the ``n_in`` values before it and
predicts the ``horizon`` values from it on. Arrays of windows are (N, n_in) for inputs and
(N, horizon) for targets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_utils._validation import require_finite, require_float_array

#: What to do about a missing or infinite value; quoted by every check of this module.
FILL_OR_DROP = (
    "Fill or drop the missing values first: interpolate them (e.g. pandas' "
    "Series.interpolate()), or forecast only from the stretch before or after them."
)
_DROP_WINDOWS = (
    "Fill or drop the missing values of the series before sliding_windows, or keep only the "
    "finite windows: keep = np.isfinite(inputs).all(1) & np.isfinite(targets).all(1)."
)


def require_windows(name: str, windows: object, layout: str = "(N, n_in)") -> np.ndarray:
    """``windows`` checked: a float ndarray of rank 2, all finite (NaN and inf are refused with
    the index of the first one and the fix)."""
    windows = require_float_array(name, windows, 2, layout)
    require_finite(name, windows, _DROP_WINDOWS)
    return windows


def sliding_windows(
    series: np.ndarray, n_in: int, horizon: int, start: int, stop: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """All windows whose *targets* lie in ``series[start:stop]``, one per origin.

    The inputs of a window are the ``n_in`` values before its origin and may reach back before
    ``start`` (the past is known when forecasting); the targets never leave ``[start, stop)``,
    so windows cut from disjoint target ranges never share a target value. Returns inputs
    (N, n_in) and targets (N, horizon), copies.
    """
    series = require_float_array("series", series, 1, "(T,)")
    require_finite("series", series, FILL_OR_DROP)
    stop = len(series) if stop is None else stop
    sizes = {"n_in": n_in, "horizon": horizon, "start": start, "stop": stop}
    floats = [k for k, v in sizes.items() if not isinstance(v, int | np.integer)]
    if floats:
        raise TypeError(
            f"{', '.join(floats)} must be integers (counts and indices), got "
            f"{', '.join(repr(sizes[k]) for k in floats)}; convert with int(...)."
        )
    if n_in < 1 or horizon < 1:
        raise ValueError(f"n_in and horizon must be positive, got {n_in} and {horizon}.")
    if not 0 <= start < stop <= len(series):
        raise ValueError(
            f"need 0 <= start < stop <= len(series) = {len(series)}, got {start}, {stop}."
        )
    first = max(start, n_in)  # the first origin with a full input window
    origins = np.arange(first, stop - horizon + 1)
    if len(origins) == 0:
        raise ValueError(
            f"no window fits: targets in [{start}, {stop}) hold fewer than horizon={horizon} "
            f"values after the first {n_in} inputs. Use a longer range or a shorter window."
        )
    inputs = np.stack([series[o - n_in : o] for o in origins])
    targets = np.stack([series[o : o + horizon] for o in origins])
    return inputs, targets


def persistence(inputs: np.ndarray, horizon: int) -> np.ndarray:
    """The last observed value, repeated: (N, n_in) -> (N, horizon)."""
    inputs = require_windows("inputs", inputs)
    if horizon < 1:
        raise ValueError(f"horizon must be positive, got {horizon}.")
    return np.repeat(inputs[:, -1:], horizon, axis=1)


def seasonal_naive(inputs: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """The value one season earlier: forecast for origin + h is ``inputs[:, h - season]``."""
    inputs = require_windows("inputs", inputs)
    if not 0 < horizon <= season <= inputs.shape[1]:
        raise ValueError(
            f"need 0 < horizon <= season <= n_in, got horizon={horizon}, season={season}, "
            f"n_in={inputs.shape[1]}: the value one season back must be an input."
        )
    n_in = inputs.shape[1]
    return inputs[:, n_in - season : n_in - season + horizon].copy()


@dataclass
class LinearForecaster:
    """A direct linear autoregressive model: each of the ``horizon`` outputs is an affine
    function of the ``n_in`` inputs, fitted by (ridge-regularised) least squares."""

    weights: np.ndarray  # (n_in + 1, horizon), the last row is the intercept

    @classmethod
    def fit(cls, inputs: np.ndarray, targets: np.ndarray, ridge: float = 0.0) -> LinearForecaster:
        """Least squares on training windows; ``ridge`` penalises the slopes, not the intercept."""
        inputs = require_windows("inputs", inputs)
        targets = require_windows("targets", targets, "(N, horizon)")
        if len(inputs) != len(targets):
            raise ValueError(
                f"inputs and targets must hold the same windows, got {len(inputs)} and "
                f"{len(targets)}."
            )
        if not ridge >= 0:  # also refuses NaN
            raise ValueError(f"ridge must be >= 0, got {ridge}.")
        design = np.hstack([inputs, np.ones((len(inputs), 1))])
        penalty = ridge * np.eye(design.shape[1])
        penalty[-1, -1] = 0.0
        weights = np.linalg.solve(design.T @ design + penalty, design.T @ targets)
        return cls(weights=weights)

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """Forecasts (N, horizon) for input windows (N, n_in)."""
        inputs = require_windows("inputs", inputs)
        if inputs.shape[1] != self.weights.shape[0] - 1:
            raise ValueError(
                f"the model was fitted on windows of {self.weights.shape[0] - 1} inputs, "
                f"got {inputs.shape[1]}."
            )
        return inputs @ self.weights[:-1] + self.weights[-1]


def rmse(prediction: np.ndarray, truth: np.ndarray) -> float:
    """Root mean squared error over all windows and horizons."""
    prediction, truth = _require_comparable(prediction, truth)
    return float(np.sqrt(np.mean((prediction - truth) ** 2)))


def mae(prediction: np.ndarray, truth: np.ndarray) -> float:
    """Mean absolute error over all windows and horizons."""
    prediction, truth = _require_comparable(prediction, truth)
    return float(np.mean(np.abs(prediction - truth)))


def _require_comparable(prediction: object, truth: object) -> tuple[np.ndarray, np.ndarray]:
    """Both as arrays, of the same shape and finite (a NaN would make the score NaN)."""
    prediction, truth = np.asarray(prediction), np.asarray(truth)
    if prediction.shape != truth.shape:
        raise ValueError(
            f"prediction and truth must have the same shape, got {prediction.shape} and "
            f"{truth.shape}."
        )
    require_finite(
        "prediction",
        prediction,
        "A forecast is NaN or inf when its inputs were, or when training diverged (look for "
        "a non-finite training loss).",
    )
    require_finite("truth", truth, FILL_OR_DROP)
    return prediction, truth
