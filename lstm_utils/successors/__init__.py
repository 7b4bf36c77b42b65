"""The LSTM's successors, written out, and the tasks that tell them apart.

- :mod:`lstm_utils.successors.scan` — the linear recurrence h_t = a_t h_{t−1} + b_t as a loop,
  a doubling prefix scan and Heinsen's log-space closed form;
- :mod:`lstm_utils.successors.minlstm` — minLSTM (Feng et al. 2024), trained with a scan;
- :mod:`lstm_utils.successors.xlstm` — xLSTM's sLSTM and mLSTM cells (Beck et al. 2024),
  stabilised and direct, and the mLSTM's parallel form;
- :mod:`lstm_utils.successors.attention` — causal multi-head self-attention with a key–value
  cache;
- :mod:`lstm_utils.successors.models` — one pre-norm residual block design with an attention
  (GPT-style), minLSTM or mLSTM mixer, as a language model;
- :mod:`lstm_utils.successors.tasks` — parity, aⁿbⁿ and multi-query associative recall;
- :mod:`lstm_utils.successors.training` — training to a wall-clock budget, window evaluation
  in bits, the tasks' masked training loop;
- :mod:`lstm_utils.successors.inference` — state and cache sizes, time per generated token.
"""
