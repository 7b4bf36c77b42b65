"""PyTorch helpers: the regressor's shapes and errors, clipping, divergence, reproducibility."""

import warnings

import numpy as np
import pytest
import torch

from lstm_utils import adding_problem
from lstm_utils.torch_train import (
    LastStepRegressor,
    adding_batches,
    mse,
    seed_everything,
    set_forget_bias,
    train_regressor,
)


def _task(rng: np.random.Generator):
    def make_batch():
        x = rng.uniform(size=(5, 16, 1)).astype(np.float32)
        return torch.from_numpy(x), torch.from_numpy(x[-1] + x[-2])

    return make_batch


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_regressor_reads_the_last_step(cell):
    model = LastStepRegressor(cell, input_size=3, hidden_size=4, outputs=2)
    assert model(torch.zeros(7, 5, 3)).shape == (5, 2)


def test_regressor_errors():
    with pytest.raises(
        ValueError, match=r"cell must be one of \['gru', 'lstm', 'rnn'\], got 'transformer'"
    ):
        LastStepRegressor("transformer", 1, 2)
    with pytest.raises(ValueError, match=r"x must have shape \(T, B, 3\), got \(5, 3\)"):
        LastStepRegressor("rnn", 3, 2)(torch.zeros(5, 3))


def test_training_learns_and_is_reproducible():
    logs = []
    for _ in range(2):
        rng = seed_everything(0)
        model = LastStepRegressor("lstm", 1, 16)
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        logs.append(train_regressor(model, _task(rng), 300, opt, progress=False))
    np.testing.assert_array_equal(logs[0].losses, logs[1].losses)
    assert logs[0].losses[-20:].mean() < 0.1 * logs[0].losses[:20].mean()


def test_clipping_bounds_the_sgd_step():
    seed_everything(0)
    model = LastStepRegressor("rnn", 1, 8)
    before = torch.cat([p.detach().flatten().clone() for p in model.parameters()])
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    log = train_regressor(
        model, _task(np.random.default_rng(0)), 1, opt, clip_norm=1e-3, progress=False
    )
    after = torch.cat([p.detach().flatten() for p in model.parameters()])
    assert log.grad_norms[0] > 1e-3  # the raw gradient was larger than the clip ...
    assert float(torch.linalg.vector_norm(after - before)) == pytest.approx(1e-3, rel=1e-4)


def test_divergence_is_reported_and_padded():
    seed_everything(0)
    model = LastStepRegressor("rnn", 1, 8)
    opt = torch.optim.SGD(model.parameters(), lr=1e6)
    log = train_regressor(model, _task(np.random.default_rng(0)), 50, opt, progress=False)
    assert log.diverged and len(log.losses) == 50 and np.isnan(log.losses[-1])


def test_scheduler_is_stepped_after_each_optimiser_step():
    model = LastStepRegressor("rnn", 1, 2)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # PyTorch warns if the scheduler steps first
        train_regressor(
            model, _task(np.random.default_rng(0)), 3, opt, progress=False, scheduler=scheduler
        )
    assert opt.param_groups[0]["lr"] == 0.125


def test_bad_arguments():
    model = LastStepRegressor("rnn", 1, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"steps must be positive"):
        train_regressor(model, _task(np.random.default_rng(0)), 0, opt)
    with pytest.raises(ValueError, match=r"clip_norm must be positive"):
        train_regressor(model, _task(np.random.default_rng(0)), 1, opt, clip_norm=0.0)


def test_mse_on_a_fixed_set():
    model = LastStepRegressor("rnn", 1, 2)
    x, y = torch.zeros(3, 4, 1), torch.ones(4, 1)
    expected = ((model(x) - y) ** 2).mean().item()
    assert mse(model, x, y) == pytest.approx(expected)


def test_set_forget_bias_sets_only_the_forget_block_of_every_layer_and_direction():
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    before = {name: p.detach().clone() for name, p in lstm.named_parameters()}
    set_forget_bias(lstm, 1.0)
    for name, p in lstm.named_parameters():
        if not name.startswith("bias_ih"):
            continue
        other = name.replace("bias_ih", "bias_hh")
        total = p + dict(lstm.named_parameters())[other]
        assert torch.equal(total[4:8], torch.ones(4))  # the f block: exactly 1
        for rows in (slice(0, 4), slice(8, 16)):  # i, g and o keep their biases
            assert torch.equal(p[rows], before[name][rows])
    assert all(torch.equal(p, before[n]) for n, p in lstm.named_parameters() if "weight" in n)


def test_set_forget_bias_makes_the_forget_gate_sigma_of_the_value_at_zero_input():
    lstm = torch.nn.LSTM(2, 3)
    with torch.no_grad():
        for p in lstm.parameters():
            p.zero_()
    set_forget_bias(lstm, 2.0)
    # one step from zero input and zero state: c_1 = i * g = 0.5 * tanh(0) = 0, so test the gate
    # through a non-zero initial cell state: c_1 = f * c_0 = sigmoid(2) * c_0
    c0 = torch.ones(1, 1, 3)
    _, (_, c1) = lstm(torch.zeros(1, 1, 2), (torch.zeros(1, 1, 3), c0))
    assert torch.allclose(c1, torch.sigmoid(torch.tensor(2.0)) * c0)


def test_set_forget_bias_errors():
    with pytest.raises(TypeError, match=r"needs a torch\.nn\.LSTM, got GRU"):
        set_forget_bias(torch.nn.GRU(2, 3))
    with pytest.raises(ValueError, match="bias=False"):
        set_forget_bias(torch.nn.LSTM(2, 3, bias=False))


def test_adding_batches_are_the_seeded_adding_problem_as_tensors():
    make_batch = adding_batches(steps=10, seed=3, batch=5)
    rng = np.random.default_rng(3)
    for _ in range(2):  # successive batches continue the same generator
        x, y = make_batch()
        x_np, y_np = adding_problem(5, 10, rng)
        assert x.shape == (10, 5, 2) and y.shape == (5, 1) and x.dtype == torch.float32
        assert np.array_equal(x.numpy(), x_np) and np.array_equal(y.numpy(), y_np)


def test_train_regressor_and_mse_run_a_float64_model():
    rng = seed_everything(0)
    model = LastStepRegressor("lstm", 1, 4).double()

    def make_batch():
        x = torch.from_numpy(rng.uniform(size=(5, 8, 1)))  # float64
        return x, x[-1] + x[-2]

    log = train_regressor(model, make_batch, 5, torch.optim.Adam(model.parameters()), 1.0, False)
    assert np.isfinite(log.losses).all()
    x, y = make_batch()
    with torch.no_grad():
        expected = float(((model(x) - y) ** 2).mean())
    assert mse(model, x, y) == pytest.approx(expected, rel=1e-12)
