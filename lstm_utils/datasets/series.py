"""Real time series for the forecasting chapter, read from pinned packages (no network).

- Monthly sea-surface temperature of the Niño 1+2 region, January 1950 to December 2010, in
  °C: statsmodels' bundled ``elnino`` data set (NOAA).
- Daily prices of five US stocks, March 2000 to March 2013 (AAPL, GOOG, IBM, MSFT; FB from
  2012): ``bokeh-sampledata``'s public-domain copy of the Quandl WIKI prices.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import numpy as np

from lstm_utils._validation import require_finite, require_float_array
from lstm_utils.datasets.files import DataIntegrityError

STOCK_TICKERS: tuple[str, ...] = ("AAPL", "FB", "GOOG", "IBM", "MSFT")


@dataclass(frozen=True)
class Series:
    """A univariate time series: ``dates`` (numpy datetime64) and float64 ``values``."""

    name: str
    dates: np.ndarray
    values: np.ndarray

    def __post_init__(self) -> None:
        require_float_array("values", self.values, 1, "(T,)")
        require_finite(
            "values",
            self.values,
            "Fill or drop the missing values before building a Series: interpolate them (e.g. "
            "pandas' Series.interpolate()), or keep the stretch before or after them.",
        )
        if np.shape(self.dates) != self.values.shape:
            raise ValueError(
                f"dates and values must have one entry per observation, got shapes "
                f"{np.shape(self.dates)} and {self.values.shape}."
            )

    def __len__(self) -> int:
        return len(self.values)

    def index_of(self, date: str) -> int:
        """Index of the first observation on or after ``date`` (ISO format, e.g. "2001-01")."""
        return int(np.searchsorted(self.dates, np.datetime64(date, "D")))


def _import(module: str, package: str) -> object:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"{module} is not installed; install the book's pinned requirements "
            f"(pip install -r requirements.txt -c constraints.txt) or `pip install {package}`."
        ) from error


def load_sst() -> Series:
    """Monthly Niño 1+2 sea-surface temperature (°C), 1950-01 to 2010-12: 732 values."""
    elnino = _import("statsmodels.datasets.elnino", "statsmodels")
    table = elnino.load().data  # one row per year: YEAR, JAN, ..., DEC
    values = table.drop(columns="YEAR").to_numpy(dtype=np.float64).ravel()
    years = table["YEAR"].to_numpy()
    if values.shape != (732,) or years[0] != 1950 or not np.all(np.isfinite(values)):
        raise DataIntegrityError(
            f"statsmodels' elnino data should hold 61 complete years from 1950, got "
            f"{values.size} values from {years[0]}; reinstall the pinned statsmodels."
        )
    dates = np.arange("1950-01", "2011-01", dtype="datetime64[M]").astype("datetime64[D]")
    return Series("Niño 1+2 sea-surface temperature (°C)", dates, values)


def load_stock(ticker: str = "IBM") -> Series:
    """Daily split- and dividend-adjusted closing prices (USD) of one stock, to 2013-03-01."""
    if ticker not in STOCK_TICKERS:
        raise ValueError(f"unknown ticker {ticker!r}; choose one of {STOCK_TICKERS}.")
    stocks = _import("bokeh_sampledata.stocks", "bokeh-sampledata")
    data = getattr(stocks, ticker)
    dates = np.array(data["date"], dtype="datetime64[D]")
    values = np.asarray(data["adj_close"], dtype=np.float64)
    if len(dates) != len(values) or not np.all(np.diff(dates) > np.timedelta64(0, "D")):
        raise DataIntegrityError(
            f"bokeh-sampledata's {ticker} series is not one price per strictly increasing "
            "date; reinstall the pinned bokeh-sampledata."
        )
    if not np.all(values > 0):
        raise DataIntegrityError(f"bokeh-sampledata's {ticker} prices are not all positive.")
    return Series(f"{ticker} adjusted close (USD)", dates, values)
