"""Sequence-to-sequence on text: dates written in words and numbers, in four languages, to
ISO 8601, with an LSTM encoder-decoder with or without attention.

- :mod:`lstm_utils.translation.data` — the dates (Babel's CLDR patterns), the split by date,
  leak and ambiguity checks, a character vocabulary, padded encodings;
- :mod:`lstm_utils.translation.attention` — dot, multiplicative and additive scores, masked
  attention;
- :mod:`lstm_utils.translation.model` — the encoder-decoder and its training loop;
- :mod:`lstm_utils.translation.decoding` — greedy decoding, beam search with length
  normalisation, attention weights, teacher-forced predictions, sequence log-probabilities;
- :mod:`lstm_utils.translation.metrics` — exact match and character error rate.
"""

from lstm_utils.translation.attention import (
    AdditiveScore,
    DotScore,
    MultiplicativeScore,
    attend,
    length_mask,
)
from lstm_utils.translation.data import (
    BOS,
    EOS,
    PAD,
    STYLES,
    UNK,
    CharVocab,
    DatePair,
    EncodedPairs,
    all_days,
    ambiguous_sources,
    encode_pairs,
    iso,
    leaked_days,
    render,
    render_all,
    split_days,
)
from lstm_utils.translation.decoding import (
    Beams,
    attention_weights,
    beam_search,
    greedy_decode,
    sequence_log_prob,
    teacher_forced,
    translate,
)
from lstm_utils.translation.metrics import char_error_rate, edit_distance, exact_match
from lstm_utils.translation.model import (
    Seq2Seq,
    TrainLog,
    count_parameters,
    sequence_loss,
    train_seq2seq,
)

__all__ = [
    "BOS",
    "EOS",
    "PAD",
    "STYLES",
    "UNK",
    "AdditiveScore",
    "Beams",
    "CharVocab",
    "DatePair",
    "DotScore",
    "EncodedPairs",
    "MultiplicativeScore",
    "Seq2Seq",
    "TrainLog",
    "all_days",
    "ambiguous_sources",
    "attend",
    "attention_weights",
    "beam_search",
    "char_error_rate",
    "count_parameters",
    "edit_distance",
    "encode_pairs",
    "exact_match",
    "greedy_decode",
    "iso",
    "leaked_days",
    "length_mask",
    "render",
    "render_all",
    "sequence_log_prob",
    "sequence_loss",
    "split_days",
    "teacher_forced",
    "train_seq2seq",
    "translate",
]
