"""Language modelling: vocabularies, TBPTT batches and the recurrent model, on tiny cases."""

import math

import numpy as np
import pytest
import torch

from lstm_utils.lm import Vocabulary, word_tokens
from lstm_utils.lm.batches import StreamBatches, parallel_streams, random_windows
from lstm_utils.lm.neural import (
    RecurrentLM,
    bits,
    detach_state,
    evaluate_bits,
    generate,
    lstm_states,
    position_bits,
    token_bits,
    train_lm,
)


def test_vocabulary_orders_by_frequency_and_round_trips():
    vocab = Vocabulary.build("abracadabra")
    assert vocab.symbols == ("a", "b", "r", "c", "d")  # a 5, b 2, r 2 (b first), c 1, d 1
    ids = vocab.encode("cab")
    assert ids.dtype == np.int64 and ids.tolist() == [3, 0, 1]
    assert "".join(vocab.decode(vocab.encode("abracadabra"))) == "abracadabra"
    assert "".join(vocab.decode(torch.tensor([4, 0]))) == "da"


def test_vocabulary_folds_rare_words_into_unk():
    words = "the cat saw the dog and the cat ran".split()
    vocab = Vocabulary.build(words, min_count=2, unk="<unk>")
    assert vocab.symbols == ("<unk>", "the", "cat")
    assert vocab.encode(["the", "dog", "zebra"]).tolist() == [1, 0, 0]


def test_vocabulary_errors_name_the_problem_and_the_fix():
    with pytest.raises(ValueError, match=r"'z' is not in the vocabulary.*unk="):
        Vocabulary.build("abc").encode("abz")
    with pytest.raises(ValueError, match="needs an unknown token"):
        Vocabulary.build(["a", "b"], min_count=2)
    with pytest.raises(ValueError, match="occurs in the data"):
        Vocabulary.build(["a", "<unk>"], unk="<unk>")
    with pytest.raises(ValueError, match=r"ids must be in \[0, 3\)"):
        Vocabulary.build("abc").decode([0, 3])
    with pytest.raises(ValueError, match="distinct"):
        Vocabulary(["a", "a"])


def test_word_tokens_lower_case_words_and_punctuation():
    assert word_tokens("Hello, World! Don't stop 1898 -- 'tis.") == [
        "hello", ",", "world", "!", "don't", "stop", "tis", ".",
    ]  # fmt: skip


def test_stream_batches_continue_each_row_from_the_previous_batch():
    batches = StreamBatches(np.arange(23), batch_size=2, steps=3)
    assert batches.streams.tolist() == [list(range(11)), list(range(11, 22))]
    assert len(batches) == 3  # windows need a target one step later: (11 - 1) // 3
    (x0, y0), (x1, _) = batches[0], batches[1]
    assert x0.tolist() == [[0, 1, 2], [11, 12, 13]]
    assert torch.equal(y0, x0 + 1)
    assert torch.equal(x1[:, 0], y0[:, -1])
    assert [x.tolist()[0][0] for x, _ in batches] == [0, 3, 6]
    with pytest.raises(IndexError):
        batches[3]


@pytest.mark.parametrize(
    ("ids", "match"),
    [
        (np.zeros((2, 5), np.int64), "one-dimensional"),
        (np.zeros(50), "integer token ids"),
        (np.arange(8), "too short"),
    ],
)
def test_stream_batches_reject_bad_input(ids, match):
    with pytest.raises(ValueError, match=match):
        StreamBatches(ids, batch_size=2, steps=4)


def test_random_windows_are_shifted_pairs_from_anywhere():
    x, y = random_windows(np.arange(100), 8, 5, torch.Generator().manual_seed(0))
    assert x.shape == (8, 5) and torch.equal(y, x + 1)
    assert torch.equal(x[:, 1:], x[:, :-1] + 1)  # contiguous windows
    again, _ = random_windows(np.arange(100), 8, 5, torch.Generator().manual_seed(0))
    assert torch.equal(x, again)


def test_language_model_shapes_and_errors():
    model = RecurrentLM("gru", vocab_size=7, embedding_dim=3, hidden_size=5)
    logits, state = model(torch.zeros(2, 4, dtype=torch.long))
    assert logits.shape == (2, 4, 7) and state.shape == (1, 2, 5)
    with pytest.raises(ValueError, match=r"shape \(batch, steps\) and dtype int64"):
        model(torch.zeros(2, 4))
    with pytest.raises(ValueError, match="cell must be one of"):
        RecurrentLM("transformer", 7, 3, 5)


def test_detach_state_keeps_values_and_drops_the_graph():
    model = RecurrentLM("lstm", 5, 3, 4)
    _, (h, c) = model(torch.zeros(1, 3, dtype=torch.long))
    assert h.grad_fn is not None
    h2, c2 = detach_state((h, c))
    assert h2.grad_fn is None and c2.grad_fn is None and torch.equal(h2, h)
    assert detach_state(None) is None


def _uniform_model(vocab_size: int) -> RecurrentLM:
    model = RecurrentLM("lstm", vocab_size, 3, 4)
    with torch.no_grad():
        model.readout.weight.zero_()
        model.readout.bias.zero_()
    return model


def test_bits_of_a_uniform_model_are_log2_of_the_vocabulary():
    ids = torch.randint(0, 10, (300,), generator=torch.Generator().manual_seed(0))
    model = _uniform_model(10)
    assert evaluate_bits(model, ids) == pytest.approx(math.log2(10), abs=1e-6)
    assert evaluate_bits(model, ids, reset_every=7) == pytest.approx(math.log2(10), abs=1e-6)
    assert bits(torch.zeros(4, 10), torch.arange(4)).item() == pytest.approx(math.log2(10))


def test_evaluate_bits_with_one_stream_equals_no_reset():
    torch.manual_seed(0)
    model = RecurrentLM("lstm", 6, 3, 4)
    ids = torch.randint(0, 6, (101,), generator=torch.Generator().manual_seed(1))
    assert evaluate_bits(model, ids, streams=1) == pytest.approx(
        evaluate_bits(model, ids, reset_every=100), rel=1e-6
    )
    with pytest.raises(ValueError, match="reset_every"):
        evaluate_bits(model, ids, reset_every=0)


def test_an_lstm_learns_a_periodic_text_and_continues_it():
    torch.manual_seed(0)
    vocab = Vocabulary.build("abcd")
    ids = vocab.encode("abcd" * 200)
    model = RecurrentLM("lstm", len(vocab), 4, 16)
    log = train_lm(
        model, StreamBatches(ids, 4, 10), 150, 1e-2, eval_ids=ids[:200], eval_every=50,
        progress=False,
    )  # fmt: skip
    assert log.train_bits.shape == (150,) and log.eval_steps.tolist() == [50, 100, 150]
    assert log.eval_bits[-1] < 0.05 < 1.5 < log.train_bits[0]
    greedy = generate(model, vocab.encode("ab"), 6, temperature=0)
    assert "".join(vocab.decode(greedy)) == "cdabcd"
    top1 = generate(model, vocab.encode("ab"), 6, top_k=1, generator=torch.Generator())
    assert top1.tolist() == greedy.tolist()


def test_train_lm_on_random_windows_and_generate_validation():
    torch.manual_seed(0)
    ids = torch.arange(40) % 5
    model = RecurrentLM("rnn", 5, 3, 8)
    gen = torch.Generator().manual_seed(0)
    log = train_lm(model, lambda: random_windows(ids, 4, 6, gen), 20, 1e-2, progress=False)
    assert np.isfinite(log.train_bits).all() and log.eval_steps.size == 0
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        generate(model, ids[:2], 3, temperature=-1)


def test_lstm_states_match_the_layer_run_over_the_whole_sequence():
    torch.manual_seed(0)
    model = RecurrentLM("lstm", 6, 3, 4)
    ids = torch.tensor([1, 4, 2, 5, 0])
    h, c = lstm_states(model, ids)
    assert h.shape == c.shape == (5, 4)
    with torch.no_grad():
        out, (_, c_n) = model.recurrent(model.embedding(ids[None]))
    np.testing.assert_allclose(h, out[0].numpy(), atol=1e-6)
    np.testing.assert_allclose(c[-1], c_n[0, 0].numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="one LSTM layer"):
        lstm_states(RecurrentLM("gru", 6, 3, 4), ids)


def test_parallel_streams_lays_the_text_side_by_side():
    x, y = parallel_streams(np.arange(11), streams=3)  # L = (11 - 1) // 3 = 3; token 9, 10 left
    assert x.tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert y.tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    with pytest.raises(ValueError, match="5 tokens cannot fill streams=5; use fewer streams"):
        parallel_streams(np.arange(5), streams=5)
    with pytest.raises(ValueError, match="integer token ids"):
        parallel_streams(np.arange(5.0), streams=2)


def _bits_from_zero_state(model: RecurrentLM, inputs: torch.Tensor, targets: torch.Tensor):
    with torch.no_grad():
        logits, _ = model.eval()(inputs[None])
        nats = torch.nn.functional.cross_entropy(logits[0], targets, reduction="none")
    return (nats / math.log(2)).double().numpy()


def test_reset_every_reads_pieces_of_exactly_k_inputs():
    torch.manual_seed(0)
    model = RecurrentLM("lstm", 6, 3, 4)
    ids = torch.randint(0, 6, (150,), generator=torch.Generator().manual_seed(2))
    # 150 tokens, k = 100: one piece of 100 inputs (targets 1..100); the rest is left out.
    per_token = token_bits(model, ids, reset_every=100)
    assert per_token.shape == (100,) and per_token.dtype == np.float64
    expected = _bits_from_zero_state(model, ids[:100], ids[1:101])
    np.testing.assert_allclose(per_token, expected, rtol=1e-5)
    assert evaluate_bits(model, ids, reset_every=100) == pytest.approx(expected.mean(), rel=1e-5)
    # k = 7: 21 pieces, row r = inputs 7r .. 7r + 6, each from a zero state.
    rows = token_bits(model, ids, reset_every=7).reshape(-1, 7)
    assert rows.shape == (21, 7)
    for r in (0, 5, 20):
        piece = ids[7 * r : 7 * r + 8]
        np.testing.assert_allclose(
            rows[r], _bits_from_zero_state(model, piece[:-1], piece[1:]), rtol=1e-5
        )


def test_reset_every_k_predicts_the_last_target_of_a_piece_from_k_symbols():
    torch.manual_seed(0)
    model = RecurrentLM("lstm", 6, 3, 4)
    ids = torch.randint(0, 6, (41,), generator=torch.Generator().manual_seed(3))
    k = 10
    base = token_bits(model, ids, reset_every=k).reshape(-1, k)
    before = ids.clone()
    before[k - 1] = (before[k - 1] + 1) % 6  # last input of piece 0: piece 1 must not see it
    changed = token_bits(model, before, reset_every=k).reshape(-1, k)
    np.testing.assert_array_equal(changed[1:], base[1:])
    first = ids.clone()
    first[k] = (first[k] + 1) % 6  # first input of piece 1: its last prediction sees it
    changed = token_bits(model, first, reset_every=k).reshape(-1, k)
    assert changed[1, -1] != base[1, -1]


def test_token_bits_carried_in_one_stream_and_on_the_model_dtype():
    torch.manual_seed(0)
    model = RecurrentLM("gru", 6, 3, 4).double()
    ids = torch.randint(0, 6, (60,), generator=torch.Generator().manual_seed(4))
    per_token = token_bits(model, ids, streams=1)
    np.testing.assert_allclose(
        per_token, _bits_from_zero_state(model, ids[:-1], ids[1:]), rtol=1e-9
    )
    assert evaluate_bits(model, ids, streams=1) == pytest.approx(per_token.mean(), rel=1e-12)


def test_position_bits_reads_overlapping_windows_from_a_zero_state():
    torch.manual_seed(0)
    model = RecurrentLM("lstm", 6, 3, 4).double()  # float64 model: inputs follow its dtype
    ids = torch.randint(0, 6, (50,), generator=torch.Generator().manual_seed(5))
    bits_at = position_bits(model, ids, length=8, stride=3)
    assert bits_at.shape == ((50 - 9) // 3 + 1, 8) and bits_at.dtype == np.float64
    for r in (0, 4, bits_at.shape[0] - 1):
        window = ids[3 * r : 3 * r + 9]
        expected = _bits_from_zero_state(model, window[:-1], window[1:])
        np.testing.assert_allclose(bits_at[r], expected, rtol=1e-9)
    side_by_side = position_bits(model, ids, length=7)  # default stride: the reset_every layout
    np.testing.assert_allclose(
        side_by_side.reshape(-1), token_bits(model, ids, reset_every=7), rtol=1e-12
    )
    with pytest.raises(ValueError, match="length"):
        position_bits(model, ids, length=50)


# --- issue 25: helpers follow the model's device and dtype --------------------------------------


def test_train_lm_and_generate_run_a_float64_model_in_float64():
    """A helper that made float32 tensors, or tensors off the model's device, fails here."""
    torch.manual_seed(0)
    ids = torch.arange(60) % 5
    model = RecurrentLM("lstm", 5, 3, 8).double()
    batches = StreamBatches(ids, batch_size=2, steps=6)
    log = train_lm(model, batches, 8, 1e-2, eval_ids=ids, eval_every=4, progress=False)
    assert log.train_bits.dtype == np.float64 and np.isfinite(log.train_bits).all()
    assert log.eval_steps.tolist() == [4, 8]
    assert all(p.dtype == torch.float64 for p in model.parameters())
    greedy = generate(model, ids[:3], 5, temperature=0)
    sampled = generate(model, ids[:3], 5, generator=torch.Generator().manual_seed(1))
    assert greedy.dtype == sampled.dtype == np.int64 and greedy.shape == sampled.shape == (5,)
    # the greedy continuation is the argmax of the model's own float64 logits
    logits, _ = model(torch.cat([ids[:3], torch.as_tensor(greedy[:1])])[None, :])
    assert logits.dtype == torch.float64 and int(logits[0, -1].argmax()) == greedy[1]
