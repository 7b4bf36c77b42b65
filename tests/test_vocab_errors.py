"""Vocabulary input checks (issue 25, case 4): mistyped input is refused, never coerced."""

import numpy as np
import pytest
import torch

from lstm_utils.lm import Vocabulary, word_tokens
from lstm_utils.tagging.data import PAD, UNK


def _words() -> Vocabulary:
    return Vocabulary.build(word_tokens("the cat sat . the dog sat . a cat ran ."), unk="<unk>")


def test_a_word_vocabulary_refuses_a_raw_string():
    vocab = _words()
    with pytest.raises(TypeError, match=r"holds words.*Pass a list of tokens.*word_tokens\(text\)"):
        vocab.encode("the cat sat .")
    ids = vocab.encode(word_tokens("the cat sat ."))  # the fix
    assert vocab.decode(ids) == ["the", "cat", "sat", "."]


def test_a_character_vocabulary_still_takes_a_string():
    vocab = Vocabulary.build("the cat sat .")
    assert "".join(vocab.decode(vocab.encode("a cat"))) == "a cat"
    # markers such as "<pad>" and the unknown token do not make a vocabulary word-level
    chars = Vocabulary((PAD, UNK, *"abc"), unk=UNK)
    assert chars.encode("abz").tolist() == [2, 3, 1]


@pytest.mark.parametrize("ids", [[1, 2], np.array([1, 2]), torch.tensor([1, 2])])
def test_ids_given_to_encode_are_refused_even_with_an_unknown_token(ids):
    with pytest.raises(
        TypeError, match=r"got \S*1\)? of type .*symbols are str; .* use decode\(ids\)"
    ):
        _words().encode(ids)
    with pytest.raises(TypeError, match="symbols are str"):
        Vocabulary.build("abc").encode(ids)


def test_encode_and_decode_refuse_the_wrong_rank():
    vocab = Vocabulary.build("abc")
    with pytest.raises(
        ValueError, match=r"one sequence of symbols, got an array of shape \(1, 2\)"
    ):
        vocab.encode(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match=r"one sequence of ids \(rank 1\), got shape \(2, 2\)"):
        vocab.decode(np.zeros((2, 2), dtype=np.int64))
    with pytest.raises(ValueError, match=r"rank 1\), got shape \(\)"):
        vocab.decode(np.int64(1))


@pytest.mark.parametrize("ids", [[0.0, 1.7], np.array([0.0, 1.0]), torch.tensor([0.0, 1.0])])
def test_float_ids_are_never_rounded(ids):
    with pytest.raises(TypeError, match=r"ids must be integers, got dtype float.*never rounded"):
        Vocabulary.build("abc").decode(ids)


def test_valid_input_is_unchanged():
    vocab = Vocabulary.build("abracadabra")
    assert vocab.encode("cab").tolist() == [3, 0, 1]
    assert vocab.decode([]) == []
    assert vocab.encode("").tolist() == []
    assert "".join(vocab.decode(torch.tensor([4, 0]))) == "da"
