"""Tests of lstm_utils.translation: the date data and its split, attention and its masking,
the encoder-decoder, greedy decoding, beam search and the metrics."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
import torch

from lstm_utils.translation import (
    BOS,
    EOS,
    PAD,
    STYLES,
    UNK,
    AdditiveScore,
    CharVocab,
    DotScore,
    MultiplicativeScore,
    Seq2Seq,
    all_days,
    ambiguous_sources,
    attend,
    attention_weights,
    beam_search,
    char_error_rate,
    edit_distance,
    encode_pairs,
    exact_match,
    greedy_decode,
    iso,
    leaked_days,
    length_mask,
    render,
    render_all,
    sequence_log_prob,
    split_days,
    teacher_forced,
    train_seq2seq,
    translate,
)

# ---------------------------------------------------------------- data


def test_render_uses_the_cldr_patterns_and_iso_is_the_target():
    day = dt.date(1998, 3, 3)
    assert render(day, ("de_DE", "long")) == "3. März 1998"
    assert render(day, ("en_US", "long")) == "March 3, 1998"
    assert render(day, ("fr_FR", "long")) == "3 mars 1998"
    assert render(day, ("en_US", "short")) == "3/3/98"
    assert iso(day) == "1998-03-03"
    with pytest.raises(ValueError, match="format must be one of"):
        render(day, ("de_DE", "longest"))


def test_all_days_counts_and_rejects_a_reversed_range():
    assert len(all_days(dt.date(2000, 1, 1), dt.date(2000, 12, 31))) == 366
    with pytest.raises(ValueError, match="swap them"):
        all_days(dt.date(2001, 1, 1), dt.date(2000, 1, 1))


def test_the_split_by_date_leaks_nothing():
    days = all_days(dt.date(1999, 1, 1), dt.date(2000, 12, 31))
    train, test = split_days(days, 0.25, np.random.default_rng(0))
    assert len(test) == round(0.25 * len(days)) and len(train) + len(test) == len(days)
    assert not set(train) & set(test) and set(train) | set(test) == set(days)
    train_pairs, test_pairs = render_all(train), render_all(test)
    assert leaked_days(train_pairs, test_pairs) == set()
    assert {p.day for p in test_pairs} == set(test)
    # a split by *string* would leak: the same day, in another format, is in training
    mixed = render_all(days)
    rng = np.random.default_rng(0)
    pick = rng.random(len(mixed)) < 0.25
    by_string_test = [p for p, t in zip(mixed, pick, strict=True) if t]
    by_string_train = [p for p, t in zip(mixed, pick, strict=True) if not t]
    assert len(leaked_days(by_string_train, by_string_test)) > 0.9 * len(
        {p.day for p in by_string_test}
    )
    with pytest.raises(ValueError, match="test_fraction"):
        split_days(days, 1.0, rng)


def test_the_styles_are_unambiguous_and_spanish_short_would_not_be():
    days = all_days(dt.date(2003, 1, 1), dt.date(2004, 12, 31))
    assert ambiguous_sources(render_all(days)) == {}
    assert ("es_ES", "short") not in STYLES
    clash = ambiguous_sources(render_all(days, (*STYLES, ("es_ES", "short"))))
    assert clash["3/4/03"] == {dt.date(2003, 3, 4), dt.date(2003, 4, 3)}


def test_vocab_and_encoding():
    pairs = render_all(all_days(dt.date(2010, 1, 1), dt.date(2010, 1, 3)), STYLES[:3])
    vocab = CharVocab([p.source for p in pairs] + [p.target for p in pairs])
    assert vocab.itos[:4] == ["<pad>", "<s>", "</s>", "<unk>"]
    assert vocab.encode("Ω") == [UNK]
    enc = encode_pairs(pairs, vocab)
    assert enc.src.shape == (len(pairs), max(len(p.source) for p in pairs))
    assert enc.tgt_out.shape == enc.tgt_in.shape == (len(pairs), 11)
    for row, p in enumerate(pairs):
        assert vocab.decode(enc.src[row].tolist()) == p.source
        assert vocab.decode(enc.tgt_out[row].tolist()) == p.target
        assert int(enc.src_len[row]) == len(p.source)
    assert (enc.tgt_in[:, 0] == BOS).all() and (enc.tgt_out[:, -1] == EOS).all()
    assert torch.equal(enc.tgt_in[:, 1:], enc.tgt_out[:, :-1])
    part = enc.take([0])
    assert part.src.shape == (1, len(pairs[0].source))
    with pytest.raises(ValueError, match="no pairs"):
        encode_pairs([], vocab)


# ---------------------------------------------------------------- attention

SCORES = {
    "dot": lambda: DotScore(),
    "multiplicative": lambda: MultiplicativeScore(5, 5),
    "additive": lambda: AdditiveScore(5, 5, 7),
}


@pytest.mark.parametrize("name", list(SCORES))
def test_padding_never_changes_attention(name):
    torch.manual_seed(0)
    score = SCORES[name]().double()
    query = torch.randn(3, 4, 5, dtype=torch.float64)
    keys = torch.randn(3, 6, 5, dtype=torch.float64)
    lengths = torch.tensor([6, 2, 4])
    mask = length_mask(lengths, 6)
    context, weights = attend(query, keys, mask, score)
    assert weights.dtype == torch.float64
    assert torch.allclose(weights.sum(-1), torch.ones(3, 4, dtype=torch.float64))
    assert (weights[~mask[:, None, :].expand_as(weights)] == 0).all()
    garbage = keys.clone()
    garbage[~mask] = 1e3 * torch.randn(int((~mask).sum()), 5, dtype=torch.float64)
    context2, weights2 = attend(query, garbage, mask, score)
    assert torch.equal(weights, weights2) and torch.equal(context, context2)
    for b, n in enumerate(lengths.tolist()):  # each row alone, unpadded
        c, w = attend(query[b : b + 1], keys[b : b + 1, :n], mask[b : b + 1, :n], score)
        assert torch.allclose(c, context[b : b + 1], atol=1e-12)
        assert torch.allclose(w, weights[b : b + 1, :, :n], atol=1e-12)


def test_dot_attention_equals_pytorchs_scaled_dot_product_attention():
    torch.manual_seed(1)
    query = torch.randn(2, 3, 8, dtype=torch.float64)
    keys = torch.randn(2, 5, 8, dtype=torch.float64)
    values = torch.randn(2, 5, 4, dtype=torch.float64)
    mask = length_mask(torch.tensor([5, 3]), 5)
    ours, _ = attend(query, keys, mask, DotScore(), values)
    theirs = torch.nn.functional.scaled_dot_product_attention(
        query, keys, values, attn_mask=mask[:, None, :], scale=1.0
    )
    assert torch.allclose(ours, theirs, atol=1e-12)
    scaled, _ = attend(query / math.sqrt(8), keys, mask, DotScore(), values)
    default = torch.nn.functional.scaled_dot_product_attention(
        query, keys, values, attn_mask=mask[:, None, :]
    )
    assert torch.allclose(scaled, default, atol=1e-12)


def test_attend_rejects_bad_masks_and_shapes():
    q, k = torch.randn(1, 2, 3), torch.randn(1, 4, 3)
    with pytest.raises(ValueError, match="bool tensor"):
        attend(q, k, torch.ones(1, 4), DotScore())
    with pytest.raises(ValueError, match="no real position"):
        attend(q, k, torch.zeros(1, 4, dtype=torch.bool), DotScore())
    with pytest.raises(ValueError, match="add the missing axis"):
        attend(q[0], k, torch.ones(1, 4, dtype=torch.bool), DotScore())
    with pytest.raises(ValueError, match="MultiplicativeScore"):
        DotScore()(q, torch.randn(1, 4, 2))


# ---------------------------------------------------------------- the model


def _data(n_days: int = 6):
    pairs = render_all(all_days(dt.date(2001, 5, 1), dt.date(2001, 5, n_days)))
    vocab = CharVocab([p.source for p in pairs] + [p.target for p in pairs])
    return pairs, vocab, encode_pairs(pairs, vocab)


@pytest.mark.parametrize("attention", ["additive", "multiplicative", "dot", None])
def test_the_model_follows_its_dtype_and_padding_never_changes_its_output(attention):
    _, vocab, data = _data()
    torch.manual_seed(0)
    model = Seq2Seq(len(vocab), 6, 8, attention).double()
    logits, weights = model(data.src, data.src_len, data.tgt_in)
    assert logits.dtype == torch.float64 and logits.shape == (len(data), 11, len(vocab))
    assert (weights is None) == (attention is None)
    wider = torch.cat([data.src, torch.full((len(data), 5), PAD)], 1)
    logits2, weights2 = model(wider, data.src_len, data.tgt_in)
    assert torch.allclose(logits, logits2, atol=1e-12)
    if weights is not None:
        assert torch.allclose(weights, weights2[..., : data.src.shape[1]], atol=1e-12)
        assert (weights2[..., data.src.shape[1] :] == 0).all()
    # free-running on the true prefix = teacher forcing
    state = model.encode(data.src, data.src_len)
    step_logp, _ = model.step(data.tgt_in[:, 0], state)
    assert torch.allclose(step_logp, torch.log_softmax(logits[:, 0], -1), atol=1e-12)


def test_the_model_rejects_bad_input():
    _, vocab, data = _data()
    model = Seq2Seq(len(vocab), 4, 4, None)
    with pytest.raises(ValueError, match="int64"):
        model.encode(data.src.float(), data.src_len)
    with pytest.raises(ValueError, match="one length >= 1 per row"):
        model.encode(data.src, data.src_len[:-1])
    with pytest.raises(ValueError, match="pad src"):
        model.encode(data.src[:, :3], data.src_len)
    with pytest.raises(ValueError, match="attention must be one of"):
        Seq2Seq(10, attention="cosine")
    with pytest.raises(ValueError, match="no attention"):
        attention_weights(model, data, data.tgt_out)


def test_training_a_float64_model_lowers_the_loss():
    _, vocab, data = _data(20)
    torch.manual_seed(0)
    model = Seq2Seq(len(vocab), 8, 16, "additive", 8).double()
    log = train_seq2seq(model, data, 60, 16, 1e-2, np.random.default_rng(0), progress=False)
    assert np.isfinite(log.loss).all() and log.loss[-10:].mean() < 0.7 * log.loss[:5].mean()
    assert all(p.dtype == torch.float64 for p in model.parameters())
    assert teacher_forced(model, data).shape == data.tgt_out.shape


def test_training_calls_back_at_the_checkpoints_in_eval_mode():
    _, vocab, data = _data()
    model = Seq2Seq(len(vocab), 4, 8, None)
    seen = []
    train_seq2seq(
        model,
        data,
        5,
        4,
        1e-2,
        np.random.default_rng(0),
        progress=False,
        checkpoints=(2, 5),
        callback=lambda step, m: seen.append((step, m.training)),
    )
    assert seen == [(2, False), (5, False)]
    with pytest.raises(ValueError, match="checkpoints must lie"):
        train_seq2seq(
            model, data, 5, 4, 1e-2, np.random.default_rng(0), checkpoints=(6,), callback=print
        )


# ---------------------------------------------------------------- decoding


def test_beam_width_one_equals_greedy():
    _pairs, vocab, data = _data()
    torch.manual_seed(3)
    model = Seq2Seq(len(vocab), 6, 8, "additive").double().eval()
    state = model.encode(data.src, data.src_len)
    greedy = greedy_decode(model.step, state, len(data), 12)
    beams = beam_search(model.step, state, len(data), 1, 12)
    assert torch.equal(greedy, beams.best)
    assert beams.scores.dtype == torch.float64
    assert translate(model, data, vocab) == translate(model, data, vocab, width=1)
    weights = attention_weights(model, data, greedy)
    assert weights.shape == (len(data), 12, data.src.shape[1])


def test_sequence_log_prob_sums_the_step_log_probabilities():
    pairs, vocab, data = _data()
    torch.manual_seed(4)
    model = Seq2Seq(len(vocab), 6, 8, "additive").double().eval()
    outputs = [p.target for p in pairs]
    outputs[0] = outputs[0][:-3]  # outputs of different lengths
    got = sequence_log_prob(model, data, outputs, vocab)
    with torch.no_grad():
        state = model.encode(data.src, data.src_len)
        for i, text in enumerate(outputs):
            row = tuple(s[i : i + 1] for s in state)
            token, total = torch.tensor([BOS]), 0.0
            for target in vocab.encode(text, eos=True):
                log_probs, row = model.step(token, row)
                total += float(log_probs[0, target])
                token = torch.tensor([target])
            assert math.isclose(float(got[i]), total, rel_tol=1e-9)
    with pytest.raises(ValueError, match="one per row"):
        sequence_log_prob(model, data, outputs[:-1], vocab)


A, B = 4, 5  # two "words" of a hand-made vocabulary: <pad> <s> </s> <unk> a b


def _table_step(table: dict[int, dict[int, float]], transition):
    """A step function reading next-token probabilities from ``table[prefix code]``."""

    def step(tokens, state):
        (code,) = state
        code = torch.tensor([transition(int(c), int(t)) for c, t in zip(code, tokens, strict=True)])
        rows = []
        for c in code.tolist():
            p = torch.full((6,), 1e-12, dtype=torch.float64)
            for token, prob in table[c].items():
                p[token] = prob
            rows.append((p / p.sum()).log())
        return torch.stack(rows), (code,)

    return step


def test_a_hand_made_two_step_case_gives_the_expected_ranking():
    # first step a 0.6, b 0.4; after a: a 0.55, b 0.45; after b: a 0.9, b 0.1; then </s>.
    # Paths: aa 0.33, ab 0.27, ba 0.36, bb 0.04. Greedy takes a, then a: 0.33.
    table = {0: {A: 0.6, B: 0.4}, 1: {A: 0.55, B: 0.45}, 2: {A: 0.9, B: 0.1}, 3: {EOS: 1.0}}

    def transition(code, token):
        if token == BOS:
            return code
        return {0: 1 if token == A else 2}.get(code, 3)

    step, start = _table_step(table, transition), (torch.zeros(1, dtype=torch.long),)
    assert greedy_decode(step, start, 1, 4)[0, :3].tolist() == [A, A, EOS]
    beams = beam_search(step, start, 1, 3, 4, alpha=0.0)
    assert [row[:3] for row in beams.tokens[0].tolist()] == [[B, A, EOS], [A, A, EOS], [A, B, EOS]]
    expected = torch.tensor([0.36, 0.33, 0.27], dtype=torch.float64).log()
    assert torch.allclose(beams.log_probs[0], expected, atol=1e-9)
    assert beam_search(step, start, 1, 1, 4).best[0, :3].tolist() == [A, A, EOS]


def test_length_normalisation_prefers_the_longer_output_when_its_mean_is_higher():
    # </s> at once with 0.5, or a (0.5), a (0.8), </s> (1.0): totals 0.5 vs 0.4
    table = {0: {EOS: 0.5, A: 0.5}, 1: {A: 0.8, B: 0.2}, 3: {EOS: 1.0}}

    def transition(code, token):
        if token == BOS:
            return code
        return {0: 1}.get(code, 3)

    step, start = _table_step(table, transition), (torch.zeros(1, dtype=torch.long),)
    raw = beam_search(step, start, 1, 2, 4, alpha=0.0).best[0].tolist()
    normalised = beam_search(step, start, 1, 2, 4, alpha=1.0)
    assert raw == [EOS, PAD, PAD, PAD]
    assert normalised.best[0].tolist() == [A, A, EOS, PAD]
    assert math.isclose(float(normalised.scores[0, 0]), math.log(0.4) / 3, rel_tol=1e-9)


def test_decoders_reject_bad_arguments():
    state = (torch.zeros(2, dtype=torch.long),)
    with pytest.raises(ValueError, match="first axis"):
        greedy_decode(lambda t, s: (None, s), state, 3, 4)
    with pytest.raises(ValueError, match="width must be"):
        beam_search(lambda t, s: (None, s), state, 2, 0, 4)


# ---------------------------------------------------------------- metrics


def test_metrics():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3 and edit_distance("abc", "abc") == 0
    assert exact_match(["1998-03-03", "1998-03-04"], ["1998-03-03", "1998-03-03"]) == 0.5
    assert char_error_rate(["1998-03-04", ""], ["1998-03-03", "2000-01-01"]) == 11 / 20
    with pytest.raises(ValueError, match="one hypothesis per reference"):
        exact_match(["a"], ["a", "b"])
