"""Data sets used by the book, all available offline."""

from lstm_utils.datasets.mnist import MNIST, DataIntegrityError, load_mnist
from lstm_utils.datasets.synthetic import adding_problem, adjacent_sum

__all__ = ["MNIST", "DataIntegrityError", "adding_problem", "adjacent_sum", "load_mnist"]
