"""Language modelling: vocabularies, batches for truncated BPTT, an n-gram baseline and a
recurrent language model in PyTorch.

- :mod:`lstm_utils.lm.vocab` — symbols to ids and back, with an optional unknown token;
- :mod:`lstm_utils.lm.batches` — contiguous streams (state carried) or random windows;
- :mod:`lstm_utils.lm.ngram` — an interpolated Kneser–Ney n-gram model;
- :mod:`lstm_utils.lm.neural` — the recurrent model, training, evaluation in bits, sampling.

The PyTorch parts are imported from their modules (``from lstm_utils.lm.neural import …``), so
that importing the n-gram model does not load PyTorch.
"""

from lstm_utils.lm.ngram import KneserNeyLM
from lstm_utils.lm.vocab import Vocabulary, word_tokens

__all__ = ["KneserNeyLM", "Vocabulary", "word_tokens"]
