"""lstm_utils.successors: the scans equal the loop, the causal models never look ahead, the
key-value cache reproduces the full forward pass, xLSTM's stabilised and direct forms agree,
the tasks are what they say, and bad input is refused by name."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from lstm_utils.lm.neural import RecurrentLM
from lstm_utils.successors.attention import CausalSelfAttention
from lstm_utils.successors.inference import kv_cache_bytes, lstm_state_bytes, seconds_per_token
from lstm_utils.successors.minlstm import MinLSTM, log_g
from lstm_utils.successors.models import SequenceLM, parameter_count
from lstm_utils.successors.scan import scan_doubling, scan_heinsen, scan_loop
from lstm_utils.successors.tasks import (
    anbn_batch,
    parity_batch,
    recall_batch,
    recall_vocab_size,
)
from lstm_utils.successors.training import (
    masked_predictions_correct,
    train_for_seconds,
    train_task,
    window_bits,
)
from lstm_utils.successors.xlstm import (
    mlstm_parallel,
    mlstm_recurrent,
    slstm_direct,
    slstm_stabilised,
)


def _coefficients(steps: int, seed: int = 0) -> tuple[torch.Tensor, ...]:
    g = torch.Generator().manual_seed(seed)
    log_a = torch.nn.functional.logsigmoid(
        torch.randn(2, steps, 3, generator=g, dtype=torch.float64) + 2
    )
    log_b = torch.randn(2, steps, 3, generator=g, dtype=torch.float64)
    return log_a, log_b, torch.randn(2, 3, generator=g, dtype=torch.float64)


def _explicit(
    log_a: torch.Tensor, log_b: torch.Tensor, log_h0: torch.Tensor | None
) -> torch.Tensor:
    a, b = log_a.exp(), log_b.exp()
    h = torch.zeros_like(a[:, 0]) if log_h0 is None else log_h0.exp()
    out = []
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        out.append(h)
    return torch.stack(out, 1)


@pytest.mark.parametrize("steps", [1, 2, 5, 8, 33, 1024])
@pytest.mark.parametrize("scan", [scan_loop, scan_doubling, scan_heinsen])
@pytest.mark.parametrize("with_h0", [True, False])
def test_every_scan_equals_the_recurrence_in_float64(steps, scan, with_h0) -> None:
    log_a, log_b, log_h0 = _coefficients(steps)
    h0 = log_h0 if with_h0 else None
    np.testing.assert_allclose(
        scan(log_a, log_b, h0).exp(), _explicit(log_a, log_b, h0), rtol=1e-10
    )


def test_doubling_scan_matches_the_loop_in_float32_to_5e_6_relative() -> None:
    log_a, log_b, log_h0 = (t.float() for t in _coefficients(1024, seed=1))
    loop = scan_loop(log_a, log_b, log_h0).exp()
    doubling = scan_doubling(log_a, log_b, log_h0).exp()
    assert float(((doubling - loop).abs() / loop).max()) < 5e-6


def test_scans_refuse_mismatched_shapes_and_nan() -> None:
    log_a, log_b, log_h0 = _coefficients(4)
    with pytest.raises(ValueError, match="same shape"):
        scan_doubling(log_a, log_b[:, :3])
    with pytest.raises(ValueError, match=r"log_h0 must have shape \(batch, features\)"):
        scan_loop(log_a, log_b, log_h0[:1])
    log_b[0, 1, 2] = float("nan")
    with pytest.raises(ValueError, match="NaN"):
        scan_heinsen(log_a, log_b)


def test_log_g_is_log_of_minlstm_activation() -> None:
    u = torch.linspace(-30, 30, 601, dtype=torch.float64)
    g = torch.where(u >= 0, u + 0.5, torch.sigmoid(u))
    # PyTorch's softplus is linear above its threshold of 20, so for u < -20 log_g is off by
    # log1p(exp(u)) < 2.1e-9 (about 1e-10 relative): negligible, but above float64's rounding.
    np.testing.assert_allclose(log_g(u), g.log(), rtol=1e-9)


def test_minlstm_matches_its_equations_step_by_step() -> None:
    torch.manual_seed(0)
    cell = MinLSTM(3, 4).double()
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    pre_f, pre_i, pre_h = cell.linear(x).chunk(3, -1)
    f, i = torch.sigmoid(pre_f), torch.sigmoid(pre_i)
    h_tilde = torch.where(pre_h >= 0, pre_h + 0.5, torch.sigmoid(pre_h))
    h, expected = torch.zeros(2, 4, dtype=torch.float64), []
    for t in range(6):
        h = f[:, t] / (f[:, t] + i[:, t]) * h + i[:, t] / (f[:, t] + i[:, t]) * h_tilde[:, t]
        expected.append(h)
    expected = torch.stack(expected, 1)
    for scan in ("loop", "doubling", "heinsen"):
        np.testing.assert_allclose(cell(x, scan=scan).detach(), expected.detach(), rtol=1e-10)
    stepped, h = [], None
    for t in range(6):
        h = cell.step(x[:, t], h)
        stepped.append(h)
    np.testing.assert_allclose(torch.stack(stepped, 1).detach(), expected.detach(), rtol=1e-10)


def test_minlstm_refuses_wrong_input_and_nonpositive_h0() -> None:
    cell = MinLSTM(3, 4)
    with pytest.raises(ValueError, match=r"shape \(batch, steps, 3\)"):
        cell(torch.zeros(2, 5, 4))
    with pytest.raises(ValueError, match="h0 must be positive"):
        cell(torch.zeros(2, 5, 3), h0=torch.zeros(2, 4))
    with pytest.raises(ValueError, match="scan must be one of"):
        cell(torch.zeros(2, 5, 3), scan="parallel")


def test_slstm_stabilised_equals_direct_and_survives_where_direct_overflows() -> None:
    g = torch.Generator().manual_seed(0)
    pre = torch.randn(3, 12, 16, generator=g, dtype=torch.float64) * 2
    recurrent = torch.randn(4, 16, generator=g, dtype=torch.float64) * 0.3
    for exp_forget in (False, True):
        np.testing.assert_allclose(
            slstm_stabilised(pre, recurrent, exp_forget),
            slstm_direct(pre, recurrent, exp_forget),
            rtol=1e-10,
        )
    big = (pre * 60).float()  # input-gate pre-activations up to ~400: exp overflows float32
    assert torch.isnan(slstm_direct(big, recurrent.float())).any()
    assert torch.isfinite(slstm_stabilised(big, recurrent.float())).all()


def test_slstm_h_is_output_gate_times_weighted_mean_of_z() -> None:
    # no recurrence, sigmoid forget gate: c/n is a convex combination of the tanh(z) seen
    pre = torch.randn(1, 7, 8, dtype=torch.float64)
    h = slstm_stabilised(pre, torch.zeros(2, 8, dtype=torch.float64))
    z, _, _, o = pre.chunk(4, -1)
    ratio = h / torch.sigmoid(o)
    assert float((ratio - torch.tanh(z).cummax(1).values).max()) <= 1e-12
    assert float((torch.tanh(z).cummin(1).values - ratio).max()) <= 1e-12


def _mlstm_inputs(steps: int, scale: float = 2.0) -> tuple[torch.Tensor, ...]:
    g = torch.Generator().manual_seed(1)
    q, k, v = torch.randn(3, 2, 3, steps, 4, generator=g, dtype=torch.float64)
    i_pre, f_pre = torch.randn(2, 2, 3, steps, generator=g, dtype=torch.float64) * scale
    return q, k, v, i_pre, f_pre


def test_mlstm_parallel_recurrent_and_direct_forms_agree() -> None:
    inputs = _mlstm_inputs(10)
    direct = mlstm_recurrent(*inputs, stabilised=False)
    np.testing.assert_allclose(mlstm_recurrent(*inputs), direct, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(mlstm_parallel(*inputs), direct, rtol=1e-9, atol=1e-12)


def test_mlstm_matches_its_equations_for_one_head() -> None:
    q, k, v, i_pre, f_pre = (t[:1, :1] for t in _mlstm_inputs(5))
    C, n, out = torch.zeros(4, 4, dtype=torch.float64), torch.zeros(4, dtype=torch.float64), []
    for t in range(5):
        f, i = torch.sigmoid(f_pre[0, 0, t]), torch.exp(i_pre[0, 0, t])
        kt = k[0, 0, t] / 2.0  # 1 / sqrt(d), d = 4
        C = f * C + i * torch.outer(v[0, 0, t], kt)
        n = f * n + i * kt
        out.append(C @ q[0, 0, t] / torch.clamp((n @ q[0, 0, t]).abs(), min=1.0))
    np.testing.assert_allclose(
        mlstm_parallel(q, k, v, i_pre, f_pre)[0, 0], torch.stack(out), rtol=1e-10
    )


def test_mlstm_refuses_mismatched_gates() -> None:
    q, k, v, i_pre, f_pre = _mlstm_inputs(4)
    with pytest.raises(ValueError, match=r"gate pre-activations must have shape"):
        mlstm_parallel(q, k, v, i_pre[..., :3], f_pre)
    with pytest.raises(ValueError, match="same shape"):
        mlstm_recurrent(q, k[..., :3], v, i_pre, f_pre)


def test_mlstm_mixer_splits_q_k_v_and_gate_per_head() -> None:
    from lstm_utils.successors.models import MLSTMMixer

    torch.manual_seed(0)
    mixer = MLSTMMixer(8, 2).double()
    x = torch.randn(1, 5, 8, dtype=torch.float64)
    q, k, v, o = mixer.qkvo(x).split(8, dim=-1)  # each (1, 5, 8): heads of 4 side by side
    i_pre, f_pre = mixer.gates(x).transpose(1, 2).chunk(2, dim=1)
    heads = [t.view(1, 5, 2, 4).transpose(1, 2) for t in (q, k, v)]
    h = mlstm_parallel(*heads, i_pre, f_pre) * torch.sigmoid(o.view(1, 5, 2, 4).transpose(1, 2))
    expected = mixer.proj(h.transpose(1, 2).reshape(1, 5, 8))
    np.testing.assert_allclose(mixer(x).detach(), expected.detach(), rtol=1e-12)


@pytest.mark.parametrize("mixer", ["attention", "minlstm", "mlstm"])
@pytest.mark.parametrize("heads", [1, 2, 4])
def test_a_future_token_never_changes_an_earlier_output(mixer, heads) -> None:
    torch.manual_seed(0)
    model = SequenceLM(mixer, 11, 16, 2, heads=heads, max_len=20).double()
    x = torch.randint(0, 11, (3, 20))
    for t in (0, 7, 19):
        changed = x.clone()
        changed[:, t:] = (changed[:, t:] + 1) % 11
        before, after = model(x), model(changed)
        assert torch.equal(before[:, :t], after[:, :t])
        assert not torch.allclose(before[:, t], after[:, t])


def test_attention_masks_exactly_the_future_and_weights_sum_to_one() -> None:
    torch.manual_seed(0)
    attention = CausalSelfAttention(8, 2).double()
    x = torch.randn(1, 6, 8, dtype=torch.float64)
    q, k, _ = attention._split(x)
    scores = (q @ k.transpose(-1, -2) / 2.0).masked_fill(torch.ones(6, 6).triu(1).bool(), -math.inf)
    weights = scores.softmax(-1)
    assert torch.equal(weights.triu(1), torch.zeros_like(weights))
    np.testing.assert_allclose(weights.sum(-1).detach(), 1.0, rtol=1e-12)


def test_kv_cache_decoding_equals_the_full_forward_pass_and_counts_its_bytes() -> None:
    torch.manual_seed(0)
    model = SequenceLM("attention", 13, 16, 3, heads=4, max_len=32).double()
    x = torch.randint(0, 13, (2, 12))
    caches = model.new_caches(2, 32)
    logits = [model.decode(x[:, :4], caches)]
    logits += [model.decode(x[:, t : t + 1], caches) for t in range(4, 12)]
    np.testing.assert_allclose(torch.cat(logits, 1).detach(), model(x).detach(), atol=1e-12)
    assert sum(cache.nbytes for cache in caches) == 2 * kv_cache_bytes(3, 16, 12, torch.float64)
    with pytest.raises(ValueError, match="one token at a time"):
        model.decode(x[:, :2], caches)


def test_sequence_lm_refuses_what_it_cannot_take() -> None:
    with pytest.raises(ValueError, match="mixer must be one of"):
        SequenceLM("gru", 5, 8, 1)
    with pytest.raises(ValueError, match="needs max_len"):
        SequenceLM("attention", 5, 8, 1)
    model = SequenceLM("attention", 5, 8, 1, heads=2, max_len=4)
    with pytest.raises(ValueError, match="exceed the 4 learned positions"):
        model(torch.zeros(1, 5, dtype=torch.long))
    with pytest.raises(ValueError, match="dtype int64"):
        model(torch.zeros(1, 3))
    with pytest.raises(ValueError, match="only the attention model"):
        SequenceLM("minlstm", 5, 8, 1).new_caches(1, 4)
    with pytest.raises(ValueError, match="divisible by heads"):
        SequenceLM("mlstm", 5, 9, 1, heads=2)


def test_parameter_counts_of_the_chapter_models() -> None:
    assert parameter_count(SequenceLM("attention", 65, 96, 3, heads=4, max_len=128)) == 360_545
    assert parameter_count(SequenceLM("minlstm", 65, 100, 3)) == 346_865
    assert parameter_count(SequenceLM("mlstm", 65, 92, 3, heads=4)) == 348_401


def test_state_and_cache_bytes() -> None:
    assert lstm_state_bytes(256) == 2048
    assert lstm_state_bytes(256, 2, torch.float16) == 2048
    assert kv_cache_bytes(3, 96, 4096) == 2 * 3 * 4096 * 96 * 4
    with pytest.raises(ValueError):
        kv_cache_bytes(0, 96, 10)


def test_seconds_per_token_runs_both_models_and_restores_training_mode() -> None:
    lstm = RecurrentLM("lstm", 5, 4, 8)
    gpt = SequenceLM("attention", 5, 8, 1, heads=2, max_len=40)
    assert 0 < seconds_per_token(lstm, 16, tokens=2, repeats=1) < 1
    assert 0 < seconds_per_token(gpt, 32, batch=3, tokens=2, repeats=1) < 1
    assert lstm.training and gpt.training
    x, y, mask = parity_batch(2, 3, np.random.default_rng(0))
    masked_predictions_correct(RecurrentLM("lstm", 2, 4, 8), x, y, mask)
    model = RecurrentLM("lstm", 2, 4, 8).eval()
    masked_predictions_correct(model, x, y, mask)
    assert not model.training
    with pytest.raises(ValueError, match="exceed the 40 learned positions"):
        seconds_per_token(gpt, 39, tokens=2, repeats=1)


def test_parity_batch_targets_are_running_parities() -> None:
    x, y, mask = parity_batch(4, 9, np.random.default_rng(0))
    assert x.shape == y.shape == mask.shape == (4, 9) and bool(mask.all())
    assert torch.equal(y, x.cumsum(1) % 2)


def test_anbn_batch_scores_exactly_the_determined_steps() -> None:
    x, y, mask = anbn_batch([1, 3])
    assert x.tolist()[1] == [0, 0, 0, 1, 1, 1, 2] and y.tolist()[1] == [0, 0, 1, 1, 1, 2, 2]
    assert mask.tolist() == [[False, True] + [False] * 5, [False] * 3 + [True] * 3 + [False]]
    assert y[mask].tolist() == [2, 1, 1, 2]  # n - 1 b's then the end, for each string
    with pytest.raises(ValueError, match="integers >= 1"):
        anbn_batch([0, 2])


def test_recall_batch_asks_every_key_once_and_scores_its_value() -> None:
    keys, values = 6, 5
    x, y, mask = recall_batch(8, 4, keys, values, np.random.default_rng(0))
    assert x.shape == (8, 8) and int(mask.sum()) == 32
    assert int(x.max()) < recall_vocab_size(keys, values)
    for row in range(8):
        pair_ids = x[row, :4] - keys - values
        table = dict(zip((pair_ids // values).tolist(), (pair_ids % values).tolist(), strict=True))
        assert sorted(x[row, 4:].tolist()) == sorted(table)
        assert [int(v) - keys for v in y[row, 4:]] == [table[int(k)] for k in x[row, 4:]]
    with pytest.raises(ValueError, match="pairs <= keys"):
        recall_batch(1, 7, keys, values, np.random.default_rng(0))


def test_train_task_learns_parity_with_an_lstm_and_scores_whole_strings() -> None:
    torch.manual_seed(0)
    model = RecurrentLM("lstm", 2, 8, 16)
    rng = np.random.default_rng(0)
    losses = train_task(model, lambda: parity_batch(32, 8, rng), 300, 1e-2, progress=False)
    assert losses[-20:].mean() < 0.1 * losses[:20].mean()
    x, y, mask = parity_batch(200, 8, np.random.default_rng(1))
    assert float(masked_predictions_correct(model, x, y, mask).all(1).float().mean()) > 0.95


def test_window_bits_is_uniform_for_a_constant_model_and_budget_training_stops_on_time() -> None:
    class Uniform(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bias = torch.nn.Parameter(torch.zeros(8))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.bias.expand(*x.shape, 8)

    ids = np.arange(100) % 8
    assert abs(window_bits(Uniform(), ids, 10) - 3.0) < 1e-6
    model = Uniform()
    batch = (torch.zeros(2, 5, dtype=torch.long), torch.zeros(2, 5, dtype=torch.long))
    log = train_for_seconds(model, lambda: batch, 0.3, 0.1, lambda m: window_bits(m, ids, 10),
                            evals=3, progress=False)  # fmt: skip
    assert len(log.seconds) == 3 and 0.3 <= log.seconds[-1] < 1.0
    assert log.tokens == 10 * log.steps and log.eval_bits[-1] > 3.0  # all mass moved to id 0
    assert list(log.tokens_seen) == sorted(log.tokens_seen) and log.tokens_seen[-1] <= log.tokens
    with pytest.raises(ValueError, match="at least window"):
        window_bits(model, ids[:5], 10)
