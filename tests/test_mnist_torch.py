"""lstm_utils.mnist.classifier: the framework chapters' classifier, its training loop and accuracy;
and the PhaseTimer that times the loop."""

import pytest
import torch
from torch import nn

from lstm_utils.benchmarks import PhaseTimer
from lstm_utils.benchmarks.profiling import operator_times
from lstm_utils.mnist.classifier import RowClassifier, accuracy, train_classifier


def test_row_classifier_reads_two_rows_per_step():
    torch.manual_seed(0)
    model = RowClassifier(hidden_size=8, rows_per_step=2)
    assert model.lstm.input_size == 56
    assert model(torch.zeros(5, 28, 28)).shape == (5, 10)
    n_lstm = sum(p.numel() for p in model.lstm.parameters())
    assert n_lstm == 4 * 8 * (56 + 8 + 2)


def test_row_classifier_rejects_bad_input():
    with pytest.raises(ValueError, match=r"choose one of \[1, 2, 4, 7, 14, 28\]"):
        RowClassifier(rows_per_step=3)
    with pytest.raises(ValueError, match=r"\(B, 28, 28\), got \(5, 28, 27\)"):
        RowClassifier()(torch.zeros(5, 28, 27))


class _Constant(nn.Module):
    """Predicts class 1 for every image."""

    def __init__(self) -> None:
        super().__init__()
        self.unused = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tensor([0.0, 1.0]).expand(len(x), 2)


def test_accuracy_counts_correct_predictions_across_batches():
    y = torch.tensor([1, 0, 1, 1, 0, 1, 1])
    assert accuracy(_Constant(), torch.zeros(7, 3), y, batch=3) == pytest.approx(5 / 7)
    with pytest.raises(ValueError, match="7 examples but y has 6"):
        accuracy(_Constant(), torch.zeros(7, 3), y[:6])


def _bright_half_images(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Class 1: the top half is brighter than the bottom half; class 0: the reverse."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 2, (n,), generator=g)
    x = 0.3 * torch.rand(n, 28, 28, generator=g)
    x[y == 1, :14] += 0.5
    x[y == 0, 14:] += 0.5
    return x, y


def test_train_classifier_learns_and_times_every_phase():
    torch.manual_seed(0)
    x, y = _bright_half_images(256, seed=0)
    model = RowClassifier(hidden_size=8)
    log = train_classifier(model, x, y, epochs=2, batch=32, max_lr=2e-2, progress=False)
    assert log.losses.shape == (16,) and len(log.epoch_seconds) == 2
    assert set(log.phases.seconds) == {
        "data",
        "forward",
        "backward",
        "clip",
        "optimizer",
        "logging",
    }
    assert log.losses[-4:].mean() < 0.5 * log.losses[:4].mean()
    x_test, y_test = _bright_half_images(200, seed=1)
    assert accuracy(model, x_test, y_test) > 0.95


def test_train_classifier_stops_after_max_steps():
    x, y = _bright_half_images(64, seed=0)
    log = train_classifier(
        RowClassifier(hidden_size=4), x, y, batch=16, max_steps=5, progress=False
    )
    assert log.losses.shape == (5,) and len(log.epoch_seconds) == 2


def test_phase_timer_accumulates_and_normalises():
    timer = PhaseTimer()
    for _ in range(3):
        with timer("a"):
            pass
        with timer("b"):
            sum(range(10_000))
    fractions = timer.fractions()
    assert set(fractions) == {"a", "b"} and sum(fractions.values()) == pytest.approx(1.0)
    assert fractions["b"] > fractions["a"]
    with pytest.raises(ValueError, match="no time recorded"):
        PhaseTimer().fractions()


def test_operator_times_attribute_time_to_the_lstm_kernel(capfd):
    lstm, x = nn.LSTM(8, 16), torch.randn(5, 4, 8)
    times = operator_times(lambda: lstm(x)[0].sum().backward())
    assert any("lstm" in k.lower() or "rnn" in k.lower() for k in times)
    assert all(t >= 0 for t in times.values()) and sum(times.values()) > 0
    assert "profiler_start" not in capfd.readouterr().err
