"""Reference implementations in NumPy: every equation of the book, written out and checked.

- :mod:`lstm_utils.reference.lstm` — the LSTM (forward and BPTT backward), the book's
  conventions for shapes and gate order;
- :mod:`lstm_utils.reference.lstm_fused` — the same LSTM with the input projection and the
  weight gradients taken out of the time loop as large GEMMs (Appleyard et al., 2016);
- :mod:`lstm_utils.reference.rnn` — the plain (tanh) RNN, same conventions;
- :mod:`lstm_utils.reference.gru` — the GRU (forward), PyTorch's formulation;
- :mod:`lstm_utils.reference.gradcheck` — finite-difference gradient checks for any of them;
- :mod:`lstm_utils.reference.train` — softmax cross-entropy and Adam for the NumPy models.

Only NumPy is imported: the chapters on the equations run without a deep-learning framework.
Weight conversion to and from the frameworks is in :mod:`lstm_utils.frameworks`.
"""
