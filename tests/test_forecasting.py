"""Forecasting helpers: windows never leak targets, baselines are exact where they should be."""

import numpy as np
import pytest
import torch

from lstm_utils.datasets.series import STOCK_TICKERS, load_sst, load_stock
from lstm_utils.forecasting.baselines import (
    LinearForecaster,
    mae,
    persistence,
    rmse,
    seasonal_naive,
    sliding_windows,
)
from lstm_utils.forecasting.seq2seq import Seq2SeqForecaster, fit_forecaster


def test_windows_hold_the_right_values_and_keep_targets_in_range():
    series = np.arange(20, dtype=np.float64)
    inputs, targets = sliding_windows(series, n_in=3, horizon=2, start=10, stop=15)
    np.testing.assert_array_equal(inputs[0], [7, 8, 9])  # inputs may reach before start
    np.testing.assert_array_equal(targets[0], [10, 11])
    np.testing.assert_array_equal(targets[-1], [13, 14])  # the last target is stop - 1
    assert inputs.shape == (4, 3) and targets.shape == (4, 2)
    train_targets = sliding_windows(series, 3, 2, start=0, stop=10)[1]
    assert train_targets.max() < 10 <= targets.min()  # disjoint ranges share no target
    assert sliding_windows(series, 3, 2, start=0, stop=10)[0].shape[0] == 6  # origins 3..8


def test_window_errors_name_the_problem():
    series = np.arange(20, dtype=np.float64)
    with pytest.raises(ValueError, match="no window fits"):
        sliding_windows(series, n_in=3, horizon=6, start=10, stop=15)
    with pytest.raises(ValueError, match="start < stop"):
        sliding_windows(series, 3, 2, start=15, stop=10)
    with pytest.raises(TypeError, match="dtype int64"):
        sliding_windows(np.arange(20), 3, 2, start=0)


def test_naive_forecasts_are_exact_on_the_series_they_assume():
    season = np.sin(2 * np.pi * np.arange(60) / 12)
    inputs, targets = sliding_windows(season, n_in=24, horizon=12, start=24)
    np.testing.assert_allclose(seasonal_naive(inputs, 12, season=12), targets, atol=1e-12)
    constant = np.full((5, 4), 2.5)
    np.testing.assert_array_equal(persistence(constant, 3), np.full((5, 3), 2.5))
    with pytest.raises(ValueError, match="horizon <= season <= n_in"):
        seasonal_naive(inputs, 13, season=12)


def test_linear_forecaster_recovers_an_autoregressive_process():
    x = np.zeros(300)
    x[:2] = 1.0, 0.5
    for t in range(2, 300):
        x[t] = 1.6 * x[t - 1] - 0.8 * x[t - 2] + 0.1  # a noise-free AR(2) with an intercept
    inputs, targets = sliding_windows(x, n_in=4, horizon=5, start=0, stop=200)
    model = LinearForecaster.fit(inputs, targets)
    test_inputs, test_targets = sliding_windows(x, 4, 5, start=200)
    assert rmse(model.predict(test_inputs), test_targets) < 1e-8
    with pytest.raises(ValueError, match="fitted on windows of 4 inputs, got 3"):
        model.predict(test_inputs[:, 1:])


def test_metrics():
    prediction, truth = np.array([[1.0, 2.0]]), np.array([[1.0, 4.0]])
    assert rmse(prediction, truth) == pytest.approx(np.sqrt(2.0))
    assert mae(prediction, truth) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same shape"):
        rmse(prediction, truth.T)


def test_sst_and_stock_series_load_offline():
    sst = load_sst()
    assert len(sst) == 732 and sst.values[0] == pytest.approx(23.11)
    assert str(sst.dates[sst.index_of("2001-01")])[:7] == "2001-01"
    ibm = load_stock("IBM")
    assert str(ibm.dates[0]) == "2000-03-01" and str(ibm.dates[-1]) == "2013-03-01"
    assert np.all(ibm.values > 0)
    with pytest.raises(ValueError, match=r"unknown ticker 'XYZ'; choose one of"):
        load_stock("XYZ")
    assert "IBM" in STOCK_TICKERS


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_free_running_decoder_feeds_back_its_own_predictions(cell):
    torch.manual_seed(0)
    model = Seq2SeqForecaster(cell, hidden_size=8, num_layers=2)
    inputs = torch.randn(3, 10)
    with torch.no_grad():
        free = model(inputs, horizon=6)
        # teacher forcing with the model's own predictions as "truth" must give the same
        forced = model(inputs, horizon=6, targets=free)
        other = model(inputs, horizon=6, targets=torch.randn(3, 6))
    assert free.shape == (3, 6)
    torch.testing.assert_close(forced, free, atol=1e-6, rtol=0)
    torch.testing.assert_close(other[:, 0], free[:, 0])  # step 0 never sees a target
    assert not torch.allclose(other[:, 1:], free[:, 1:])


def test_seq2seq_errors():
    model = Seq2SeqForecaster("gru", hidden_size=4, num_layers=1)
    with pytest.raises(ValueError, match=r"inputs must have shape \(B, n_in\)"):
        model(torch.zeros(2, 5, 1), horizon=3)
    with pytest.raises(ValueError, match=r"targets must have shape \(B, horizon\) = \(2, 3\)"):
        model(torch.zeros(2, 5), horizon=3, targets=torch.zeros(2, 4))
    with pytest.raises(ValueError, match="cell must be one of"):
        Seq2SeqForecaster("rnn")


def test_fit_forecaster_keeps_the_best_validation_epoch():
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(400) / 5) + 0.05 * rng.normal(size=400)
    train = sliding_windows(series, 20, 5, start=0, stop=300)
    val = sliding_windows(series, 20, 5, start=300)
    torch.manual_seed(0)
    model = Seq2SeqForecaster("gru", hidden_size=8, num_layers=1)
    log = fit_forecaster(model, train, val, epochs=6, lr=1e-2, progress=False)
    assert log.train_loss.shape == log.val_rmse.shape == (6,)
    assert log.best_epoch == int(np.argmin(log.val_rmse))
    with torch.no_grad():
        prediction = model(torch.as_tensor(val[0], dtype=torch.float32), 5).numpy()
    assert rmse(prediction, val[1]) == pytest.approx(log.val_rmse.min(), rel=1e-5)
    assert log.val_rmse.min() < rmse(persistence(val[0], 5), val[1])  # it learnt the sine
    with pytest.raises(ValueError, match="matching windows"):
        fit_forecaster(model, train, (val[0][:, 1:], val[1]), epochs=1, lr=1e-2)


# --- issue 25, case 3: a missing value is refused where it enters ----------------------------


def _series_with_nan() -> np.ndarray:
    series = np.sin(np.arange(120) / 5)
    series[40] = np.nan
    return series


def test_a_nan_in_the_series_is_refused_with_its_index_and_the_fix():
    with pytest.raises(
        ValueError,
        match=r"series has 1 non-finite value\(s\); the first is nan at index 40\. "
        r"Fill or drop the missing values",
    ):
        sliding_windows(_series_with_nan(), n_in=10, horizon=5, start=0)
    series = _series_with_nan()
    series[70] = np.inf
    with pytest.raises(
        ValueError, match=r"has 2 non-finite value\(s\); the first is nan at index 40"
    ):
        sliding_windows(series, 10, 5, start=0)


def test_nan_windows_are_refused_by_every_model_and_metric():
    inputs, targets = sliding_windows(np.sin(np.arange(120) / 5), 10, 5, start=0)
    bad_inputs = inputs.copy()
    bad_inputs[3, 7] = np.nan
    fix = r"Fill or drop the missing values of the series before sliding_windows"
    with pytest.raises(ValueError, match=rf"inputs has 1 .* nan at index \(3, 7\)\. {fix}"):
        LinearForecaster.fit(bad_inputs, targets)
    with pytest.raises(ValueError, match=r"targets has 1 .* at index \(3, 2\)"):
        LinearForecaster.fit(inputs, bad_inputs[:, 5:])
    model = LinearForecaster.fit(inputs, targets)
    for call in (model.predict, lambda a: persistence(a, 5), lambda a: seasonal_naive(a, 5, 5)):
        with pytest.raises(ValueError, match=r"inputs has 1 .* at index \(3, 7\)"):
            call(bad_inputs)
    with pytest.raises(ValueError, match=r"prediction has 1 .*training diverged"):
        rmse(bad_inputs, inputs)
    with pytest.raises(ValueError, match=r"truth has 1 .*Fill or drop"):
        mae(inputs, bad_inputs)
    with pytest.raises(ValueError, match="ridge must be >= 0, got nan"):
        LinearForecaster.fit(inputs, targets, ridge=float("nan"))


def test_fit_forecaster_refuses_nan_windows():
    train = sliding_windows(np.sin(np.arange(120) / 5), 10, 5, start=0, stop=90)
    val = sliding_windows(np.sin(np.arange(120) / 5), 10, 5, start=90)
    bad = train[1].copy()
    bad[4, 2] = np.nan
    model = Seq2SeqForecaster("gru", hidden_size=4, num_layers=1)
    with pytest.raises(ValueError, match=r"train\[1\] \(targets\) has 1 .* at index \(4, 2\)"):
        fit_forecaster(model, (train[0], bad), val, epochs=1, lr=1e-2, progress=False)
    with pytest.raises(TypeError, match=r"val\[0\] \(inputs\) must be a NumPy array"):
        fit_forecaster(model, train, (val[0].tolist(), val[1]), epochs=1, lr=1e-2, progress=False)
    with pytest.raises(ValueError, match=r"inputs has a non-finite value at index \(0, 3\)"):
        model(torch.tensor([[0.0, 1.0, 2.0, float("nan")]]), horizon=2)


def test_fit_forecaster_stops_when_the_loss_becomes_non_finite():
    train = sliding_windows(np.sin(np.arange(120) / 5), 10, 5, start=0, stop=90)
    val = sliding_windows(np.sin(np.arange(120) / 5), 10, 5, start=90)
    torch.manual_seed(0)
    model = Seq2SeqForecaster("gru", hidden_size=4, num_layers=1)
    with torch.no_grad():
        model.readout.weight.fill_(float("inf"))  # any non-finite weight: the loss is NaN
    with pytest.raises(FloatingPointError, match=r"training loss became nan at epoch 0, batch 0"):
        fit_forecaster(model, train, val, epochs=2, lr=1e-2, progress=False)


def test_a_series_with_nan_is_refused():
    from lstm_utils.datasets.series import Series

    dates = np.arange("2000-01", "2010-01", dtype="datetime64[M]").astype("datetime64[D]")
    with pytest.raises(ValueError, match=r"values has 1 .* nan at index 40\. Fill or drop"):
        Series("x", dates, _series_with_nan())
    with pytest.raises(ValueError, match=r"one entry per observation"):
        Series("x", dates[:10], np.zeros(120))


def test_window_sizes_must_be_integers():
    with pytest.raises(TypeError, match=r"n_in must be integers .*got 3\.0; convert with int"):
        sliding_windows(np.zeros(20), 3.0, 2, start=0)
    with pytest.raises(ValueError, match="horizon must be positive, got 0"):
        persistence(np.zeros((2, 3)), 0)


def test_seq2seq_refuses_arrays_and_integer_tensors():
    model = Seq2SeqForecaster("gru", hidden_size=4, num_layers=1)
    with pytest.raises(TypeError, match=r"floating-point tensor.*torch\.as_tensor"):
        model(np.zeros((2, 5)), horizon=3)
    with pytest.raises(TypeError, match=r"dtype torch\.int64"):
        model(torch.zeros(2, 5, dtype=torch.int64), horizon=3)
    train = sliding_windows(np.sin(np.arange(60) / 5), 10, 5, start=0)
    with pytest.raises(ValueError, match="batch_size and lr must be positive, got 0 and"):
        fit_forecaster(model, train, train, epochs=1, lr=1e-2, batch_size=0, progress=False)


def test_fit_forecaster_trains_a_float64_model_in_float64():
    """The windows take the model's dtype (and device); the best weights stay float64."""
    series = np.sin(np.arange(200) / 5)
    train = sliding_windows(series, 12, 3, start=0, stop=150)
    val = sliding_windows(series, 12, 3, start=150)
    torch.manual_seed(0)
    model = Seq2SeqForecaster("lstm", hidden_size=6, num_layers=1).double()
    log = fit_forecaster(model, train, val, epochs=2, lr=1e-2, progress=False)
    assert np.isfinite(log.val_rmse).all()
    assert all(p.dtype == torch.float64 for p in model.parameters())
    with torch.no_grad():
        prediction = model(torch.as_tensor(val[0]), 3)
    assert prediction.dtype == torch.float64
    assert rmse(prediction.numpy(), val[1]) == pytest.approx(log.val_rmse.min(), rel=1e-12)
