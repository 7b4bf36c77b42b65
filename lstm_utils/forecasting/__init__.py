"""Forecasting a time series, without leaking the future.

- :mod:`lstm_utils.forecasting.baselines` — leakage-free sliding windows, the naive
  (persistence, seasonal) and linear forecasts, RMSE and MAE, in NumPy;
- :mod:`lstm_utils.forecasting.seq2seq` — an encoder-decoder forecaster in PyTorch and its
  training loop with early stopping on a validation split.

The series themselves are loaded by :mod:`lstm_utils.datasets.series`.
"""
