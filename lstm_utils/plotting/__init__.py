"""The book's figures, drawn by code so that every chapter shares one visual language.

- ``cells``: one LSTM cell and one GRU cell;
- ``networks``: layers unrolled in time (BPTT's gradient paths,
  stacked and bidirectional layouts, an encoder-decoder with and without teacher forcing);
- ``activations``: heat maps of gates and states over time;
- ``text``: text coloured character by character by what one unit computes.
"""

from lstm_utils.plotting._primitives import GATE_COLORS
from lstm_utils.plotting.activations import plot_gate_activations
from lstm_utils.plotting.cells import draw_gru_cell, draw_lstm_cell
from lstm_utils.plotting.networks import (
    draw_bidirectional_lstm,
    draw_encoder_decoder,
    draw_stacked_lstm,
    draw_unrolled_rnn,
)
from lstm_utils.plotting.text import plot_text_activations

__all__ = [
    "GATE_COLORS",
    "draw_bidirectional_lstm",
    "draw_encoder_decoder",
    "draw_gru_cell",
    "draw_lstm_cell",
    "draw_stacked_lstm",
    "draw_unrolled_rnn",
    "plot_gate_activations",
    "plot_text_activations",
]
