"""The interpolated Kneser–Ney baseline: exact on a hand-worked case, normalised everywhere."""

import math

import numpy as np
import pytest

from lstm_utils.lm import KneserNeyLM


def test_bigram_probabilities_match_the_formula_worked_by_hand():
    # "abcab": bigram counts ab 2, bc 1, ca 1; every symbol has one left context, so the
    # continuation unigram is uniform: P1 = (1 - 0.5) / 3 + 0.5 * 3 / 3 * (1/3) = 1/3.
    # P(b | a) = (2 - 0.5) / 2 + 0.5 * 1 / 2 * (1/3) = 3/4 + 1/12.
    model = KneserNeyLM(order=2, discount=0.5).fit("abcab")
    assert model.prob("b", "a") == pytest.approx(3 / 4 + 1 / 12)
    assert model.prob("a", "a") == pytest.approx(1 / 12)
    assert model.prob("c") == pytest.approx(1 / 3)


@pytest.mark.parametrize("order", [1, 2, 3, 5])
@pytest.mark.parametrize("context", ["", "t", "th", "the q", "zzzz"])
def test_every_distribution_sums_to_one(order, context):
    text = "the quick brown fox jumps over the lazy dog; the dog sleeps. zzz"
    model = KneserNeyLM(order).fit(text)
    distribution = model.distribution(context)
    assert distribution.shape == (len(set(text)),)
    assert distribution.sum() == pytest.approx(1.0, abs=1e-12)
    assert (distribution > 0).all()  # smoothing: every known symbol stays possible


def test_an_unseen_context_backs_off_to_the_lower_order():
    model = KneserNeyLM(order=2).fit("aab")  # "b" is never followed by anything
    np.testing.assert_allclose(model.distribution("b"), model.distribution(""))


def test_a_periodic_text_is_predictable_given_enough_context():
    text = "abc" * 200
    assert KneserNeyLM(order=3).fit(text).bits_per_symbol("abcabc", history="bc") < 0.1
    unigram_bits = KneserNeyLM(order=1).fit(text).bits_per_symbol("abcabc")
    assert unigram_bits == pytest.approx(math.log2(3), rel=1e-3)


def test_words_work_like_characters():
    words = "the cat sat on the mat and the cat ran".split()
    model = KneserNeyLM(order=2).fit(words)
    assert set(model.vocab) == set(words)
    assert model.prob("cat", ["the"]) > model.prob("mat", ["the"]) > model.prob("ran", ["the"])
    assert model.distribution(["the"]).sum() == pytest.approx(1.0)
    assert model.bits_per_symbol(["the", "cat"]) > 0


def test_bad_input_raises_errors_that_name_the_problem():
    with pytest.raises(ValueError, match="order must be an int >= 1"):
        KneserNeyLM(order=0)
    with pytest.raises(ValueError, match=r"discount must be in \(0, 1\)"):
        KneserNeyLM(order=2, discount=1.5)
    with pytest.raises(RuntimeError, match="not fitted"):
        KneserNeyLM(order=2).prob("a")
    with pytest.raises(ValueError, match="shorter than the order 3"):
        KneserNeyLM(order=3).fit("ab")
    model = KneserNeyLM(order=2).fit("abc")
    with pytest.raises(ValueError, match=r"1 symbol\(s\) not in the training vocabulary.*'z'"):
        model.bits_per_symbol("abz")
    with pytest.raises(ValueError, match="empty sequence"):
        model.bits_per_symbol("")
