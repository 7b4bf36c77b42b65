"""The configurable LSTM of the variants chapter: equations, equivalence with nn.LSTM, gradients,
independence of the slots, regularisers and errors, on tiny cases."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from lstm_utils.lm.batches import StreamBatches
from lstm_utils.variants import (
    VARIANTS,
    SlotLM,
    SlotRegressor,
    VariantLSTM,
    clip_per_slot,
    train_slots,
)

ALL = list(VARIANTS)


def reference_step(variant, x, h, c, W, U, b, p):
    """One step of ``variant`` written out with if-statements (Greff et al., 2017)."""
    z = x @ W + h @ U + b
    zi, zf, zg, zo = z.chunk(4, dim=-1)
    peep = variant != "np"
    i = torch.ones_like(zi) if variant == "nig" else torch.sigmoid(zi + peep * p[0] * c)
    if variant == "cifg":
        f = 1 - i
    elif variant == "nfg":
        f = torch.ones_like(zf)
    else:
        f = torch.sigmoid(zf + peep * p[1] * c)
    g = zg if variant == "niaf" else torch.tanh(zg)
    c = f * c + i * g
    o = torch.ones_like(zo) if variant == "nog" else torch.sigmoid(zo + peep * p[2] * c)
    h = o * (c if variant == "noaf" else torch.tanh(c))
    return h, c


def test_every_variant_follows_its_equations():
    torch.manual_seed(0)
    layer = VariantLSTM(3, 4, ALL, seeds=range(len(ALL))).double()
    x = torch.randn(5, 2, 3, dtype=torch.float64)  # T = 5, B = 2, shared by all slots
    out, (_h_last, c_last) = layer(x.unsqueeze(1).expand(-1, len(ALL), -1, -1))
    for m, variant in enumerate(ALL):
        h = c = torch.zeros(2, 4, dtype=torch.float64)
        p = layer.peephole[m, :, 0]
        for t in range(5):
            h, c = reference_step(variant, x[t], h, c, layer.W[m], layer.U[m], layer.b[m], p)
            torch.testing.assert_close(out[t, m], h, rtol=0, atol=1e-12)
        torch.testing.assert_close(c_last[m], c, rtol=0, atol=1e-12)


def test_a_layer_of_one_variant_equals_that_variant_in_a_mixed_layer():
    # A layer whose slots all agree skips torch.where (and the peepholes, for NP): same numbers.
    torch.manual_seed(0)
    mixed = VariantLSTM(3, 4, ALL, seeds=range(len(ALL))).double()
    x = torch.randn(6, 2, 3, dtype=torch.float64)
    out, (_h_last, c_last) = mixed(x.unsqueeze(1).expand(-1, len(ALL), -1, -1))
    for m, variant in enumerate(ALL):
        alone = VariantLSTM(3, 4, [variant], seeds=[m]).double()
        alone_out, (_h, c) = alone(x.unsqueeze(1))
        torch.testing.assert_close(alone_out[:, 0], out[:, m], rtol=0, atol=1e-14)
        torch.testing.assert_close(c[0], c_last[m], rtol=0, atol=1e-14)


def test_no_peephole_slot_equals_nn_lstm():
    torch.manual_seed(1)
    lstm = nn.LSTM(3, 5)
    layer = VariantLSTM(3, 5, ["vanilla", "np"], seeds=[0, 0])
    layer.load_nn_lstm(1, lstm)
    x = torch.randn(7, 4, 3)
    out, (_h, c) = layer(x.unsqueeze(1).expand(-1, 2, -1, -1))
    ref, (_h_ref, c_ref) = lstm(x)
    torch.testing.assert_close(out[:, 1], ref, rtol=0, atol=1e-6)
    torch.testing.assert_close(c[1], c_ref[0], rtol=0, atol=1e-6)
    # vanilla with the same weights differs only through its peepholes
    layer.load_nn_lstm(0, lstm)
    same = layer(x.unsqueeze(1).expand(-1, 2, -1, -1))[0]
    torch.testing.assert_close(same[:, 0], out[:, 1], rtol=0, atol=1e-6)
    with torch.no_grad():
        layer.peephole[0] = 0.5
    assert (layer(x.unsqueeze(1).expand(-1, 2, -1, -1))[0][:, 0] - ref).abs().max() > 1e-3


def test_gradients_match_finite_differences():
    torch.manual_seed(2)
    layer = VariantLSTM(2, 3, ALL, seeds=range(len(ALL))).double()
    x = torch.randn(4, len(ALL), 2, 2, dtype=torch.float64)

    def run(W, U, b, p):
        layer.W, layer.U, layer.b, layer.peephole = W, U, b, p
        out, (_h, c) = layer(x)
        return out.sum() + c.pow(2).sum()

    params = [nn.Parameter(t.detach().clone()) for t in (layer.W, layer.U, layer.b, layer.peephole)]
    assert torch.autograd.gradcheck(run, params, eps=1e-6, atol=1e-6)


def test_slots_with_the_same_seed_start_equal_and_seeds_differ():
    layer = VariantLSTM(2, 3, ["vanilla", "cifg", "vanilla"], seeds=[4, 4, 5])
    assert torch.equal(layer.U[0], layer.U[1]) and torch.equal(layer.peephole[0], layer.peephole[1])
    assert not torch.equal(layer.U[0], layer.U[2])
    assert layer.U.abs().max() <= 3**-0.5  # U(±1/√H), as nn.LSTM
    assert layer.gate("f") == slice(3, 6)


def test_slots_train_as_if_alone():
    """Two slots trained together end where each ends trained alone: the summed loss and the
    per-slot clipping keep their updates apart (clipping is active: clip_norm is tiny)."""
    torch.manual_seed(3)
    x = torch.rand(6, 2, 8, 2)
    y = torch.rand(2, 8, 1)

    def fit(slots):
        model = SlotRegressor(VariantLSTM(2, 4, ["vanilla", "noaf"][slots], [0, 1][slots]))
        idx = list(range(2))[slots]
        train_slots(
            model,
            lambda step: model.slot_mse(x[:, idx], y[idx]),
            5,
            1e-2,
            clip_norm=0.01,
            progress=False,
        )
        return model.lstm.U.detach()

    both = fit(slice(0, 2))
    torch.testing.assert_close(both[0:1], fit(slice(0, 1)), rtol=0, atol=1e-6)
    torch.testing.assert_close(both[1:2], fit(slice(1, 2)), rtol=0, atol=1e-6)


def test_clip_per_slot_matches_clip_grad_norm_slot_by_slot():
    a = nn.Parameter(torch.zeros(2, 3))
    b = nn.Parameter(torch.zeros(2, 2, 2))
    a.grad = torch.tensor([[3.0, 0.0, 0.0], [0.1, 0.0, 0.0]])
    b.grad = torch.zeros(2, 2, 2)
    b.grad[0, 0, 0] = 4.0
    norms = clip_per_slot([a, b], max_norm=1.0)
    torch.testing.assert_close(norms, torch.tensor([5.0, 0.1]))
    torch.testing.assert_close(a.grad[0, 0], torch.tensor(0.6), atol=1e-6, rtol=0)  # 3 / 5
    assert a.grad[1, 0] == pytest.approx(0.1)  # under the limit: unchanged
    with pytest.raises(ValueError, match="backward"):
        clip_per_slot([nn.Parameter(torch.zeros(2))], 1.0)


def test_regularisers_act_only_in_training_and_only_where_asked():
    torch.manual_seed(4)
    layer = VariantLSTM(
        2, 6, ["np"] * 3, [0, 0, 0], recurrent_dropout=[0, 0.5, 0], weight_drop=[0, 0, 0.5]
    )
    x = torch.randn(5, 1, 4, 2).expand(-1, 3, -1, -1)  # one batch for the three slots
    layer.eval()
    clean = layer(x)[0]
    torch.testing.assert_close(clean[:, 1], clean[:, 0], rtol=0, atol=1e-6)
    torch.testing.assert_close(clean[:, 2], clean[:, 0], rtol=0, atol=1e-6)
    layer.train()
    noisy = layer(x)[0]
    torch.testing.assert_close(noisy[:, 0], clean[:, 0], rtol=0, atol=1e-6)  # rate 0
    assert not torch.allclose(noisy[:, 1], clean[:, 1]) and not torch.allclose(
        noisy[:, 2], clean[:, 2]
    )
    U, h_mask = layer._masks(batch=4)
    assert torch.equal(h_mask[0], torch.ones(4, 6)) and set(h_mask[1].unique().tolist()) == {
        0.0,
        2.0,
    }
    assert torch.equal(U[0], layer.U[0]) and (U[2] == 0).any() and torch.equal(U[1], layer.U[1])


def test_heads_give_per_slot_outputs_and_losses():
    layer = VariantLSTM(3, 4, ["vanilla", "nfg"], [0, 1])
    lm = SlotLM(layer, vocab_size=7, dropout=0.2)
    ids = torch.randint(7, (2, 5, 6))
    logits, (h, _c) = lm.eval()(ids)
    assert logits.shape == (2, 5, 6, 7) and h.shape == (2, 5, 4)
    nats, _ = lm.slot_nats(ids[:, :, :-1], ids[:, :, 1:])
    assert nats.shape == (2,)
    logits = lm(ids[:, :, :-1])[0]
    for m in range(2):  # each slot's loss is the plain cross-entropy of its own logits
        plain = nn.functional.cross_entropy(logits[m].reshape(-1, 7), ids[m, :, 1:].reshape(-1))
        torch.testing.assert_close(nats[m], plain)
    reg = SlotRegressor(VariantLSTM(2, 4, ["np", "np", "cifg"], [0, 1, 2]), outputs=3)
    assert reg(torch.rand(9, 3, 5, 2)).shape == (3, 5, 3)
    log = train_slots(
        reg,
        lambda s: reg.slot_mse(torch.rand(9, 3, 5, 2), torch.rand(3, 5, 3)),
        4,
        1e-3,
        evaluate=lambda: torch.zeros(3),
        eval_every=2,
        progress=False,
    )
    assert log.losses.shape == (4, 3) and log.evals.shape == (2, 3)
    assert log.eval_steps.tolist() == [2, 4] and np.all(np.isfinite(log.losses))


def test_errors_name_the_problem_and_the_fix():
    with pytest.raises(ValueError, match=r"unknown variant.*'lstm'.*choose from"):
        VariantLSTM(2, 3, ["lstm"], [0])
    with pytest.raises(TypeError, match=r"sequence of names.*\['np'\]"):
        VariantLSTM(2, 3, "np", [0])
    with pytest.raises(ValueError, match="one seed per variant: 2 variants, 1 seeds"):
        VariantLSTM(2, 3, ["np", "nfg"], [0])
    with pytest.raises(ValueError, match=r"recurrent_dropout rates must lie in \[0, 1\)"):
        VariantLSTM(2, 3, ["np"], [0], recurrent_dropout=1.0)
    with pytest.raises(ValueError, match="weight_drop needs one rate or one per slot"):
        VariantLSTM(2, 3, ["np"] * 2, [0, 1], weight_drop=[0.1, 0.2, 0.3])
    layer = VariantLSTM(2, 3, ["np", "nfg"], [0, 1])
    with pytest.raises(ValueError, match=r"\(T, slots=2, B, input_size=2\).*expand"):
        layer(torch.rand(5, 4, 2))
    with pytest.raises(ValueError, match="one-layer, unidirectional"):
        layer.load_nn_lstm(0, nn.LSTM(2, 3, num_layers=2))
    with pytest.raises(ValueError, match=r"sizes differ: nn.LSTM\(2, 4\)"):
        layer.load_nn_lstm(0, nn.LSTM(2, 4))
    with pytest.raises(ValueError, match=r"\(slots=2, B, T\) and dtype int64"):
        SlotLM(layer, 5)(torch.zeros(2, 3, dtype=torch.long))


def test_slot_bits_is_the_per_token_cross_entropy_in_bits():
    torch.manual_seed(5)
    lm = SlotLM(VariantLSTM(4, 8, ["np", "cifg"], [0, 1]), vocab_size=5)
    ids = torch.randint(5, (201,))
    x, y = ids[:-1].view(1, 4, 50), ids[1:].view(1, 4, 50)  # the four streams
    expected = lm.slot_nats(x.expand(2, -1, -1), y.expand(2, -1, -1))[0] / math.log(2)
    torch.testing.assert_close(lm.slot_bits(ids, streams=4, chunk=7), expected.detach())
    with pytest.raises(ValueError, match="more than streams=16 tokens"):
        lm.slot_bits(ids[:10])


def test_stream_loss_carries_each_slots_state_and_resets_it_each_epoch():
    torch.manual_seed(6)
    lm = SlotLM(VariantLSTM(4, 8, ["np", "nfg"], [0, 1]), vocab_size=5).eval()
    batches = StreamBatches(torch.randint(5, (61,)), batch_size=3, steps=5)
    assert len(batches) == 3
    loss = lm.stream_loss(batches)
    expand = (2, -1, -1)
    state = None
    for step in range(5):  # one epoch and two windows of the next
        x, y = batches[step % 3]
        state = None if step % 3 == 0 else tuple(s.detach() for s in state)
        expected, state = lm.slot_nats(x.expand(*expand), y.expand(*expand), state)
        got = loss(step)
        torch.testing.assert_close(got, expected, rtol=0, atol=0)
        assert got.shape == (2,)


# --- issue 25: helpers follow the model's device and dtype --------------------------------------


def test_slots_train_and_evaluate_a_float64_model_in_float64():
    """Dropout masks, heads, losses and bits take the model's dtype (and device)."""
    torch.manual_seed(7)
    lstm = VariantLSTM(4, 8, ["vanilla", "cifg"], [0, 1], recurrent_dropout=0.2, weight_drop=0.3)
    lm = SlotLM(lstm, vocab_size=5, dropout=0.1).double()
    ids = torch.randint(5, (121,))
    batches = StreamBatches(ids, batch_size=2, steps=6)
    log = train_slots(
        lm,
        lm.stream_loss(batches),
        4,
        1e-2,
        evaluate=lambda: lm.slot_bits(ids, streams=4),
        eval_every=2,
        progress=False,
    )
    assert log.losses.dtype == log.evals.dtype == np.float64 and log.evals.shape == (2, 2)
    bits = lm.slot_bits(ids, streams=4)
    assert bits.dtype == torch.float64 and bits.device.type == "cpu"
    lm.train()
    hidden, _ = lm.lstm(torch.randn(3, 2, 2, 4, dtype=torch.float64))  # masks in float64
    assert hidden.dtype == torch.float64
