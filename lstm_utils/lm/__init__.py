"""Language-model helpers: n-gram baselines for the text chapters."""

from lstm_utils.lm.ngram import KneserNeyLM

__all__ = ["KneserNeyLM"]
