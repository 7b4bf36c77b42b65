"""Classifying variable-length sequences with a packed BiLSTM, end to end, in PyTorch.

- :mod:`lstm_utils.classify.data` — a word vocabulary, a ``Dataset`` of encoded sentences and
  the collate function that pads them and returns their lengths;
- :mod:`lstm_utils.classify.model` — the classifier: an embedding, a packed (Bi)LSTM and a
  linear head on the final hidden states;
- :mod:`lstm_utils.classify.train` — training with early stopping on development data,
  prediction;
- :mod:`lstm_utils.classify.bundle` — saving everything a prediction needs (weights,
  vocabulary, labels, configuration) in one file, and loading it back;
- :mod:`lstm_utils.classify.export` — ONNX export with a dynamic sequence length, the ONNX
  Runtime round trip, and the port of a trained classifier to Keras.
"""

from lstm_utils.classify.bundle import ClassifierBundle, load_bundle, save_bundle
from lstm_utils.classify.data import SentenceDataset, build_vocab, collate_padded
from lstm_utils.classify.export import export_onnx, onnx_logits, port_to_keras
from lstm_utils.classify.model import BiLSTMClassifier
from lstm_utils.classify.train import ClassifierTraining, predict_logits, train_classifier

__all__ = [
    "BiLSTMClassifier",
    "ClassifierBundle",
    "ClassifierTraining",
    "SentenceDataset",
    "build_vocab",
    "collate_padded",
    "export_onnx",
    "load_bundle",
    "onnx_logits",
    "port_to_keras",
    "predict_logits",
    "save_bundle",
    "train_classifier",
]
