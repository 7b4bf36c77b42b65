"""The part-of-speech taggers: baseline rules, batching, masking, packing and learning."""

import numpy as np
import pytest
import torch

from lstm_utils.tagging import (
    LSTMTagger,
    MostFrequentTagger,
    TaggerVocab,
    bucket_batches,
    masked_loss,
    predict_tags,
    tag_accuracy,
    train_tagger,
    word_shape,
)
from lstm_utils.tagging.data import IGNORE

TRAIN = [
    (("the", "dog", "runs"), ("DET", "NOUN", "VERB")),
    (("the", "runs", "end"), ("DET", "NOUN", "VERB")),
    (("a", "cat", "runs", "."), ("DET", "NOUN", "VERB", "PUNCT")),
    (("Paris", "sleeps"), ("PROPN", "VERB")),
    (("dogs", "run", "home", "7"), ("NOUN", "VERB", "NOUN", "NUM")),
]
TAGS = ("DET", "NOUN", "NUM", "PROPN", "PUNCT", "VERB")


@pytest.mark.parametrize(
    ("word", "shape"),
    [("Paris", "capitalised"), ("dog", "lower"), ("3.5", "number"), ("B2B", "number"),
     ("...", "symbol"), ("e-mail", "lower")],
)  # fmt: skip
def test_word_shape(word, shape):
    assert word_shape(word) == shape


def test_most_frequent_tagger_uses_counts_then_the_shape_of_rare_words():
    tagger = MostFrequentTagger().fit(TRAIN)
    # "runs": VERB twice, NOUN once. Unseen words take the most frequent tag of the words of
    # their shape seen once (lower-case: 4 NOUN, 3 VERB, 1 DET).
    assert tagger.predict(["runs", "Oslo", "wolf", "42", "!"]) == [
        "VERB", "PROPN", "NOUN", "NUM", "PUNCT",
    ]  # fmt: skip
    tagger.fit([TRAIN[0], TRAIN[3]])  # no rare symbol or number: the most frequent tag, VERB
    assert tagger.predict(["!", "42", "Oslo"]) == ["VERB", "VERB", "PROPN"]


def test_most_frequent_tagger_errors():
    with pytest.raises(RuntimeError, match="not fitted"):
        MostFrequentTagger().predict(["a"])
    with pytest.raises(ValueError, match="2 words but 1 tags"):
        MostFrequentTagger().fit([(("a", "b"), ("DET",))])


def test_vocab_reserves_padding_and_unknown_and_pads_batches():
    vocab = TaggerVocab(TRAIN, TAGS, min_count=2)
    assert vocab.words.symbols[:2] == ("<pad>", "<unk>")
    assert vocab.words.encode(["the", "dog", "zebra"]).tolist()[1:] == [1, 1]  # rare, unseen
    batch = vocab.batch(TRAIN, [3, 2])
    assert batch.words.shape == (2, 4) and batch.chars.shape == (2, 4, 6)
    assert batch.lengths.tolist() == [2, 4]
    assert batch.tags[0].tolist()[2:] == [IGNORE, IGNORE] and (batch.words[0, 2:] == 0).all()
    assert "".join(vocab.chars.decode(batch.chars[0, 1, :6])) == "sleeps"
    with pytest.raises(ValueError, match="3 words but 2 tags"):
        vocab.batch([(("a", "b", "c"), ("DET", "NOUN"))], [0])


def test_bucket_batches_group_similar_lengths_and_cover_every_sentence():
    lengths = [5, 1, 9, 2, 8, 1, 7]
    batches = bucket_batches(lengths, 3, np.random.default_rng(0))
    assert sorted(i for b in batches for i in b) == list(range(7))
    spans = sorted(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches)
    assert spans == [0, 1, 3]  # length order 1 1 2 | 5 7 8 | 9, batches in shuffled order
    assert bucket_batches(lengths, 3) == [[1, 5, 3], [0, 6, 4], [2]]
    with pytest.raises(ValueError, match="batch_size"):
        bucket_batches(lengths, 0)


def test_masked_loss_ignores_padded_positions():
    tags = torch.tensor([[1, 2, IGNORE], [0, IGNORE, IGNORE]])
    logits = torch.randn(2, 3, 4, generator=torch.Generator().manual_seed(0))
    changed = logits.clone()
    changed[tags == IGNORE] = 100.0
    assert torch.equal(masked_loss(logits, tags), masked_loss(changed, tags))
    real = tags != IGNORE
    expected = torch.nn.functional.cross_entropy(logits[real], tags[real])
    assert torch.allclose(masked_loss(logits, tags), expected)


@pytest.mark.parametrize("char_dim", [0, 8])
def test_tagger_output_does_not_depend_on_the_padding_in_the_batch(char_dim):
    torch.manual_seed(0)
    vocab = TaggerVocab(TRAIN, TAGS, min_count=1)
    model = LSTMTagger(vocab, word_dim=6, hidden_size=5, char_dim=char_dim, char_hidden=3).eval()
    with torch.no_grad():
        alone = model(vocab.batch(TRAIN, [3]))
        padded = model(vocab.batch(TRAIN, [3, 2]))
    assert alone.shape == (1, 2, len(TAGS)) and padded.shape == (2, 4, len(TAGS))
    torch.testing.assert_close(alone[0], padded[0, :2])


def test_a_bilstm_learns_a_tag_that_depends_on_the_next_word():
    # "x" is tagged A before "p" and B before "q": only the right-hand context decides.
    data = [(("x", nxt), ("A" if nxt == "p" else "B", "C")) for nxt in ["p", "q"] * 20]
    vocab = TaggerVocab(data, ("A", "B", "C"), min_count=1)
    results = {}
    for bidirectional in (False, True):
        torch.manual_seed(0)
        model = LSTMTagger(vocab, word_dim=8, hidden_size=8, bidirectional=bidirectional,
                           dropout=0.0)  # fmt: skip
        log = train_tagger(model, vocab, data, 30, batch_size=8, lr=1e-2, progress=False)
        assert log.loss.shape == (30,) and log.seconds > 0
        assert log.best_epoch == 30 and log.dev_accuracy.shape == (0,)
        results[bidirectional] = predict_tags(model, vocab, data[:2])
    assert results[True] == [["A", "C"], ["B", "C"]]
    assert results[False][0][0] == results[False][1][0]  # cannot tell them apart


def test_train_tagger_keeps_the_epoch_with_the_best_dev_accuracy():
    data = [(("x", nxt), ("A" if nxt == "p" else "B", "C")) for nxt in ["p", "q"] * 20]
    vocab = TaggerVocab(data, ("A", "B", "C"), min_count=1)
    runs = {}
    for dev in (None, data[:4]):
        torch.manual_seed(0)
        model = LSTMTagger(vocab, word_dim=8, hidden_size=8, dropout=0.0)
        runs[dev is None] = (train_tagger(model, vocab, data, 6, batch_size=8, lr=1e-2,
                                          progress=False, dev=dev), model)  # fmt: skip
    log, model = runs[False]
    # Evaluating on dev draws no random numbers: the training itself is unchanged.
    np.testing.assert_array_equal(log.loss, runs[True][0].loss)
    assert log.dev_accuracy.shape == (6,)
    assert log.best_epoch == int(np.argmax(log.dev_accuracy)) + 1
    assert tag_accuracy(model, vocab, data[:4]) == log.dev_accuracy.max()


@pytest.mark.parametrize("char_dim", [0, 8])
def test_tagger_helpers_follow_the_dtype_of_the_model(char_dim):
    # The tensors the tagger creates (the spelling features, the mask) and the batches the
    # helpers build must follow the model's parameters: a tensor made without ``dtype=`` or
    # ``device=`` breaks here in float64 as it would on a GPU.
    torch.manual_seed(0)
    vocab = TaggerVocab(TRAIN, TAGS, min_count=1)
    model = LSTMTagger(vocab, word_dim=6, hidden_size=5, char_dim=char_dim, char_hidden=3)
    model.double()
    logits = model(vocab.batch(TRAIN, [3, 2]))
    assert logits.dtype == torch.float64 and logits.shape == (2, 4, len(TAGS))
    # Past a sentence's length the hidden state is zero: the logits are the read-out bias.
    torch.testing.assert_close(logits[0, 2:], model.readout.bias.expand(2, -1))
    log = train_tagger(model, vocab, TRAIN, 2, batch_size=2, progress=False, dev=TRAIN[:2])
    assert log.loss.shape == (2,) and np.isfinite(log.loss).all()
    assert all(p.dtype == torch.float64 for p in model.parameters())
    predicted = predict_tags(model, vocab, TRAIN)
    assert [len(p) for p in predicted] == [len(ws) for ws, _ in TRAIN]
    assert 0.0 <= tag_accuracy(model, vocab, TRAIN) <= 1.0


def test_train_tagger_reports_the_mean_loss_per_word():
    torch.manual_seed(0)
    vocab = TaggerVocab(TRAIN, TAGS, min_count=1)
    model = LSTMTagger(vocab, word_dim=6, hidden_size=5, dropout=0.0)
    # lr=0: the model does not change, so the epoch's loss is the loss over all the words.
    log = train_tagger(model, vocab, TRAIN, 1, batch_size=2, lr=0.0, progress=False)
    with torch.no_grad():
        everything = masked_loss(model(vocab.batch(TRAIN, range(len(TRAIN)))),
                                 vocab.batch(TRAIN, range(len(TRAIN))).tags)  # fmt: skip
    assert log.loss[0] == pytest.approx(everything.item(), rel=1e-5)
