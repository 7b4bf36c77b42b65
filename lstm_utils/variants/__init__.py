"""LSTM variants (Greff et al., 2017) as one configurable PyTorch layer, trained many at once.

- :mod:`lstm_utils.variants.cell` — :class:`VariantLSTM`: M independent one-layer LSTMs
  ("slots"), each of its own variant, seed and recurrent-dropout rates, stepped together;
- :mod:`lstm_utils.variants.models` — per-slot heads: a last-step regressor and a language model;
- :mod:`lstm_utils.variants.train` — per-slot gradient clipping and the training loop.
"""

from lstm_utils.variants.cell import VARIANTS, VariantLSTM
from lstm_utils.variants.models import SlotLM, SlotRegressor
from lstm_utils.variants.train import SlotTrainLog, clip_per_slot, train_slots

__all__ = [
    "VARIANTS",
    "SlotLM",
    "SlotRegressor",
    "SlotTrainLog",
    "VariantLSTM",
    "clip_per_slot",
    "train_slots",
]
