"""Part-of-speech tagging: a most-frequent-tag baseline and a (Bi)LSTM tagger in PyTorch.

- :mod:`lstm_utils.tagging.baseline` — each word's most frequent training tag, with a fallback
  by word shape for unknown words;
- :mod:`lstm_utils.tagging.data` — vocabularies, encoding, length-bucketed padded batches;
- :mod:`lstm_utils.tagging.model` — the tagger (word embeddings, optional character BiLSTM,
  (Bi)LSTM, linear layer per token), its masked loss, training loop (with model selection
  on development sentences), prediction and accuracy.
"""

from lstm_utils.tagging.baseline import MostFrequentTagger, word_shape
from lstm_utils.tagging.data import TaggerBatch, TaggerVocab, bucket_batches
from lstm_utils.tagging.model import (
    LSTMTagger,
    TaggerTraining,
    masked_loss,
    predict_tags,
    tag_accuracy,
    train_tagger,
)

__all__ = [
    "LSTMTagger",
    "MostFrequentTagger",
    "TaggerBatch",
    "TaggerTraining",
    "TaggerVocab",
    "bucket_batches",
    "masked_loss",
    "predict_tags",
    "tag_accuracy",
    "train_tagger",
    "word_shape",
]
