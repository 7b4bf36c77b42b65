"""Data sets used by the book, all available offline and checksum-verified at load."""

from lstm_utils.datasets.files import DataIntegrityError
from lstm_utils.datasets.mnist import MNIST, image_sequences, load_mnist
from lstm_utils.datasets.synthetic import adding_problem, adjacent_sum
from lstm_utils.datasets.text import load_text
from lstm_utils.datasets.ud_ewt import UPOS_TAGS, load_ud_ewt

__all__ = [
    "MNIST",
    "UPOS_TAGS",
    "DataIntegrityError",
    "adding_problem",
    "adjacent_sum",
    "image_sequences",
    "load_mnist",
    "load_text",
    "load_ud_ewt",
]
