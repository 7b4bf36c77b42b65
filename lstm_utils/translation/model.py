"""An LSTM encoder-decoder on characters, with or without attention, and its training loop.

The encoder reads the source characters; the decoder writes the target one character at a
time, starting from the encoder's final state (as in chapter 9's forecaster). At each output
step t the decoder state s_t is combined with a context vector c_t into
``logits = W_o tanh(W_c [s_t; c_t])``:

- without attention, c_t = h_S, the encoder's last hidden state, at every step: the whole
  source must pass through one fixed-size vector (the bottleneck);
- with attention, c_t = sum_j alpha_tj h_j, a weighted sum of *all* encoder states, with
  weights computed from s_t (Luong et al. 2015's placement; Bahdanau et al. 2015 score from
  s_{t-1} and also feed c_t into the decoder's recurrence).

Everything the model creates follows the device and dtype of its parameters.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from lstm_utils.torch_train import count_parameters  # noqa: F401 (re-exported)
from lstm_utils.translation.attention import (
    AdditiveScore,
    DotScore,
    MultiplicativeScore,
    attend,
    length_mask,
)
from lstm_utils.translation.data import PAD, EncodedPairs

#: The decoding state: h, c (N, H), encoder outputs (N, S, H), mask (N, S), last encoder h (N, H).
State = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]
SCORES = ("additive", "multiplicative", "dot")


class Seq2Seq(nn.Module):
    """Character encoder-decoder: embeddings of ``embedding_dim``, one-layer LSTMs of
    ``hidden_size``, and ``attention`` one of ``"additive"``, ``"multiplicative"``, ``"dot"``
    or ``None`` (the bottleneck model: the context is the encoder's last state)."""

    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 32,
        hidden_size: int = 128,
        attention: str | None = "additive",
        attention_size: int | None = None,
    ) -> None:
        super().__init__()
        if attention is not None and attention not in SCORES:
            raise ValueError(f"attention must be one of {SCORES} or None, got {attention!r}")
        if min(vocab_size, embedding_dim, hidden_size) < 1:
            raise ValueError("vocab_size, embedding_dim and hidden_size must be >= 1")
        self.attention = attention
        self.src_embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=PAD)
        self.tgt_embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=PAD)
        self.encoder = nn.LSTM(embedding_dim, hidden_size, batch_first=True)
        self.decoder = nn.LSTM(embedding_dim, hidden_size, batch_first=True)
        if attention == "additive":
            self.score: nn.Module | None = AdditiveScore(
                hidden_size, hidden_size, attention_size or hidden_size
            )
        elif attention == "multiplicative":
            self.score = MultiplicativeScore(hidden_size, hidden_size)
        elif attention == "dot":
            self.score = DotScore()
        else:
            self.score = None
        self.combine = nn.Linear(2 * hidden_size, hidden_size)
        self.readout = nn.Linear(hidden_size, vocab_size)

    def _check(self, src: torch.Tensor, src_len: torch.Tensor) -> None:
        if src.dim() != 2 or src.dtype != torch.long:
            raise ValueError(
                f"src must be character ids of shape (batch, steps) and dtype int64, got "
                f"shape {tuple(src.shape)} and dtype {src.dtype}; encode with CharVocab"
            )
        if src_len.shape != src.shape[:1] or int(src_len.min()) < 1:
            raise ValueError(
                f"src_len must hold one length >= 1 per row ({src.shape[0]} rows), got "
                f"shape {tuple(src_len.shape)}; pass EncodedPairs.src_len"
            )
        if int(src_len.max()) > src.shape[1]:
            raise ValueError(
                f"a length in src_len ({int(src_len.max())}) exceeds src's width "
                f"{src.shape[1]}; pad src to the longest source"
            )

    def encode(self, src: torch.Tensor, src_len: torch.Tensor) -> State:
        """Read ``src`` (B, S) of lengths ``src_len`` (B,): the initial decoding state.

        The sequences are packed, so the final state is taken at each row's own last
        character and padding never reaches it."""
        self._check(src, src_len)
        device = next(self.parameters()).device
        src, src_len = src.to(device), src_len.to(device)
        packed = nn.utils.rnn.pack_padded_sequence(
            self.src_embedding(src), src_len.cpu(), batch_first=True, enforce_sorted=False
        )
        out, (h, c) = self.encoder(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
        return h[0], c[0], out, length_mask(src_len, src.shape[1]), h[0]

    def _logits(self, dec: torch.Tensor, state: State) -> tuple[torch.Tensor, torch.Tensor | None]:
        _, _, memory, mask, last = state
        if self.score is None:
            context, weights = last[:, None, :].expand_as(dec), None
        else:
            context, weights = attend(dec, memory, mask, self.score)
        return self.readout(torch.tanh(self.combine(torch.cat([dec, context], -1)))), weights

    def decode(
        self, tgt_in: torch.Tensor, state: State
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Teacher forcing: logits (B, T, V) for the decoder inputs ``tgt_in`` (B, T), and the
        attention weights (B, T, S) (None without attention)."""
        h, c = state[0], state[1]
        dec, _ = self.decoder(self.tgt_embedding(tgt_in.to(h.device)), (h[None], c[None]))
        return self._logits(dec, state)

    def forward(
        self, src: torch.Tensor, src_len: torch.Tensor, tgt_in: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits (B, T, V) and attention weights (B, T, S) under teacher forcing."""
        return self.decode(tgt_in, self.encode(src, src_len))

    def step(self, tokens: torch.Tensor, state: State) -> tuple[torch.Tensor, State]:
        """One free-running step: log-probabilities (N, V) of the next character after
        ``tokens`` (N,), and the new state."""
        h, c = state[0], state[1]
        dec, (h, c) = self.decoder(self.tgt_embedding(tokens[:, None]), (h[None], c[None]))
        logits, _ = self._logits(dec, state)
        return torch.log_softmax(logits[:, 0], dim=-1), (h[0], c[0], *state[2:])


def sequence_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy (nats) per target character, padding positions ignored."""
    return nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]),
        targets.reshape(-1).to(logits.device),
        ignore_index=PAD,
    )


@dataclass
class TrainLog:
    """The training loss (nats per target character) at every step, and the seconds taken."""

    loss: np.ndarray
    seconds: float


def train_seq2seq(
    model: Seq2Seq,
    data: EncodedPairs,
    steps: int,
    batch_size: int,
    lr: float,
    rng: np.random.Generator,
    clip_norm: float = 1.0,
    progress: bool = True,
    checkpoints: Sequence[int] = (),
    callback: Callable[[int, Seq2Seq], None] | None = None,
) -> TrainLog:
    """Train ``model`` with teacher forcing for ``steps`` batches of ``batch_size`` rows of
    ``data`` drawn by ``rng``: Adam, ``lr`` decayed to 0 on a cosine, gradient norm clipped
    to ``clip_norm``. After each step number in ``checkpoints`` (counted from 1),
    ``callback(step, model)`` is called with the model in eval mode (e.g. to measure it or
    keep a copy); the time it takes is not counted in ``TrainLog.seconds``."""
    if steps < 1 or batch_size < 1 or lr <= 0 or clip_norm <= 0:
        raise ValueError("steps, batch_size, lr and clip_norm must be positive")
    if any(not 1 <= c <= steps for c in checkpoints) or (checkpoints and callback is None):
        raise ValueError(f"checkpoints must lie in [1, {steps}] and need a callback")
    paused = 0.0
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    losses = np.full(steps, np.nan)
    model.train()
    start = time.perf_counter()
    bar = tqdm(range(steps), disable=not progress, mininterval=1.0, leave=False)
    for step in bar:
        batch = data.take(rng.integers(0, len(data), batch_size))
        logits, _ = model(batch.src, batch.src_len, batch.tgt_in)
        loss = sequence_loss(logits, batch.tgt_out)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
        optimizer.step()
        schedule.step()
        losses[step] = loss.item()
        if step + 1 in checkpoints and callback is not None:
            pause = time.perf_counter()
            model.eval()
            callback(step + 1, model)
            model.train()
            paused += time.perf_counter() - pause
    model.eval()
    return TrainLog(losses, time.perf_counter() - start - paused)
