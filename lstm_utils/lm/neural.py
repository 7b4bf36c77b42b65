"""A recurrent language model in PyTorch: the model, its training loop with truncated BPTT,
evaluation in bits per token (in total or token by token), sampling, and the LSTM's per-step
states for inspection.

Bits per token are the cross-entropy in base 2: ``bits = nats / ln 2``; perplexity is
``2 ** bits``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from lstm_utils.lm.batches import Batch, StreamBatches, _as_ids, parallel_streams

State = torch.Tensor | tuple[torch.Tensor, torch.Tensor] | None
LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class RecurrentLM(nn.Module):
    """Embedding, a recurrent layer (``"rnn"``: tanh Elman RNN, ``"lstm"`` or ``"gru"``) and
    a linear read-out to one logit per vocabulary entry, at every step.

    ``forward(x, state)`` takes token ids of shape (B, T) and returns logits (B, T, V) and the
    final state, to pass to the next call on the following text. ``dropout`` (default 0) is
    applied to the embeddings and to the recurrent outputs during training.
    """

    def __init__(
        self,
        cell: str,
        vocab_size: int,
        embedding_dim: int,
        hidden_size: int,
        num_layers: int = 1,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if cell not in LAYERS:
            raise ValueError(f"cell must be one of {sorted(LAYERS)}, got {cell!r}")
        if min(vocab_size, embedding_dim, hidden_size, num_layers) < 1:
            raise ValueError("vocab_size, embedding_dim, hidden_size and num_layers must be >= 1")
        self.cell = cell
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.recurrent = LAYERS[cell](
            embedding_dim,
            hidden_size,
            num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,  # between stacked layers only
        )
        self.dropout = nn.Dropout(dropout)
        self.readout = nn.Linear(hidden_size, vocab_size)

    def forward(self, x: torch.Tensor, state: State = None) -> tuple[torch.Tensor, State]:
        if x.dim() != 2 or x.dtype != torch.long:
            raise ValueError(
                f"x must be token ids of shape (batch, steps) and dtype int64, got shape "
                f"{tuple(x.shape)} and dtype {x.dtype}"
            )
        hidden, state = self.recurrent(self.dropout(self.embedding(x)), state)
        return self.readout(self.dropout(hidden)), state


def detach_state(state: State) -> State:
    """The same state cut off from the graph that computed it.

    Carrying the state into the next batch keeps the *values*; without ``detach()`` the next
    backward pass would also run back through every earlier batch (untruncated BPTT, with
    memory and time growing at every step, and an error once those graphs have been freed).
    """
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def nats(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of ``logits`` (…, V) against ``targets`` (…), in nats per token."""
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def bits(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of ``logits`` (…, V) against ``targets`` (…), in bits per token."""
    return nats(logits, targets) / math.log(2)


@dataclass
class LMTrainLog:
    """Training bits per token at every step; validation bits at ``eval_steps``; seconds."""

    train_bits: np.ndarray
    eval_steps: np.ndarray
    eval_bits: np.ndarray
    seconds: float


def train_lm(
    model: RecurrentLM,
    batches: StreamBatches | Callable[[], Batch],
    steps: int,
    lr: float,
    clip_norm: float = 1.0,
    eval_ids: np.ndarray | torch.Tensor | None = None,
    eval_every: int = 250,
    progress: bool = True,
) -> LMTrainLog:
    """Train ``model`` for ``steps`` batches with Adam, ``lr`` decayed to 0 on a cosine, and
    the global gradient norm of the cross-entropy (in nats) clipped to ``clip_norm``.

    With :class:`~lstm_utils.lm.batches.StreamBatches` the windows are taken in order
    (cycling through epochs) and the state is carried from one to the next, detached; it
    restarts from zero at the start of each epoch. With a callable, every call gives a fresh
    batch of independent windows (e.g. :func:`~lstm_utils.lm.batches.random_windows`) and the
    state starts from zero each time. With ``eval_ids``, :func:`evaluate_bits` is measured
    every ``eval_every`` steps and after the last. Batches are moved to the model's device.
    """
    if steps < 1 or lr <= 0 or clip_norm <= 0 or eval_every < 1:
        raise ValueError("steps, lr, clip_norm and eval_every must be positive")
    device = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    train_bits = np.full(steps, np.nan)
    eval_steps, eval_bits = [], []
    state: State = None
    start = time.perf_counter()
    bar = tqdm(range(steps), disable=not progress, mininterval=1.0, leave=False)
    for step in bar:
        if isinstance(batches, StreamBatches):
            k = step % len(batches)
            x, y = batches[k]
            state = None if k == 0 else detach_state(state)
        else:
            (x, y), state = batches(), None
        x, y = x.to(device), y.to(device)
        logits, state = model(x, state)
        loss = nats(logits, y)  # clipping acts on the gradient of the loss in nats
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
        optimizer.step()
        schedule.step()
        train_bits[step] = loss.item() / math.log(2)
        if eval_ids is not None and ((step + 1) % eval_every == 0 or step + 1 == steps):
            eval_steps.append(step + 1)
            eval_bits.append(evaluate_bits(model, eval_ids))
            bar.set_postfix(val_bits=f"{eval_bits[-1]:.3f}")
    return LMTrainLog(
        train_bits, np.array(eval_steps), np.array(eval_bits), time.perf_counter() - start
    )


def _bits_of(model: RecurrentLM, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Bits (float64, on the CPU) of ``model`` for targets ``y`` (R, L), reading each row of
    ``x`` (R, L) from a zero state, in eval mode (restored after), on the model's device."""
    device = next(model.parameters()).device
    x, y = x.to(device), y.to(device)
    rows, length = x.shape
    was_training = model.training
    model.eval()
    out = torch.empty(rows, length, dtype=torch.float64)
    time_chunk = 2048
    row_chunk = max(1, 32768 // min(length, time_chunk))  # about 32k positions at a time
    with torch.no_grad():
        for r in range(0, rows, row_chunk):
            state: State = None
            for t in range(0, length, time_chunk):
                logits, state = model(x[r : r + row_chunk, t : t + time_chunk], state)
                target = y[r : r + row_chunk, t : t + time_chunk]
                token_nats = nn.functional.cross_entropy(
                    logits.transpose(1, 2), target, reduction="none"
                )
                out[r : r + row_chunk, t : t + time_chunk] = token_nats.double().cpu()
    model.train(was_training)
    return out / math.log(2)


@torch.no_grad()
def token_bits(
    model: RecurrentLM,
    ids: np.ndarray | torch.Tensor,
    streams: int = 16,
    reset_every: int | None = None,
) -> np.ndarray:
    """Bits of ``model`` for each predicted token of ``ids``, in text order (float64).

    By default ``ids`` is cut into ``streams`` contiguous pieces of L = (len(ids) − 1) //
    ``streams`` inputs, read in parallel, each from a zero state that is then carried to its
    end (so only the first few tokens of each piece lack context). With ``reset_every=k`` the
    text is cut into pieces of exactly k inputs instead, each read from a zero state: within a
    piece, the prediction at position j (0-based) is made from the j + 1 tokens read since
    the reset, so the last one sees k tokens. Either way element i of the result is the bits
    for predicting ``ids[i + 1]``, and ``result.reshape(pieces, -1)`` gives one row per piece;
    the trailing tokens that do not fill a piece are left out. The model is put in eval mode
    and restored after; the inputs are moved to the model's device.
    """
    ids = _as_ids(ids)
    if reset_every is not None and not 1 <= reset_every <= len(ids) - 1:
        raise ValueError(f"reset_every must be in [1, {len(ids) - 1}], got {reset_every}")
    if not 1 <= streams <= len(ids) - 1:
        raise ValueError(f"{len(ids)} tokens cannot fill streams={streams}; use fewer streams")
    if reset_every is None:
        x, y = parallel_streams(ids, streams)
    else:
        rows = (len(ids) - 1) // reset_every
        x = ids[: rows * reset_every].view(rows, reset_every)
        y = ids[1 : rows * reset_every + 1].view(rows, reset_every)
    return _bits_of(model, x, y).reshape(-1).numpy()


def position_bits(
    model: RecurrentLM,
    ids: np.ndarray | torch.Tensor,
    length: int,
    stride: int | None = None,
) -> np.ndarray:
    """Bits of ``model`` at each position of windows read from a zero state, shape
    (windows, ``length``), float64.

    Window r holds the inputs ``ids[r * stride : r * stride + length]`` (``stride`` defaults
    to ``length``: windows side by side), and element (r, j) is the bits for predicting
    ``ids[r * stride + j + 1]`` from the j + 1 tokens read since the zero state. Averaging over
    the windows gives the cost of a prediction made j + 1 tokens after a reset. Every window
    that fits is used. The model is put in eval mode and restored after; the inputs are
    moved to the model's device.
    """
    ids = _as_ids(ids)
    stride = length if stride is None else stride
    if not 1 <= length <= len(ids) - 1 or stride < 1:
        raise ValueError(
            f"need 1 <= length <= {len(ids) - 1} and stride >= 1, got {length}, {stride}"
        )
    windows = ids.unfold(0, length + 1, stride)  # (windows, length + 1)
    return _bits_of(model, windows[:, :-1], windows[:, 1:]).numpy()


def evaluate_bits(
    model: RecurrentLM,
    ids: np.ndarray | torch.Tensor,
    streams: int = 16,
    reset_every: int | None = None,
) -> float:
    """Mean bits per token of ``model`` predicting each token of ``ids`` from the ones before:
    the mean of :func:`token_bits` with the same arguments.

    With ``reset_every=k`` the text is cut into pieces of exactly k inputs, each read from a
    zero state, so a prediction sees between 1 and k tokens of context (the last one of each
    piece sees k).
    """
    return float(token_bits(model, ids, streams, reset_every).mean())


@torch.no_grad()
def generate(
    model: RecurrentLM,
    prompt: np.ndarray | torch.Tensor,
    length: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    generator: torch.Generator | None = None,
) -> np.ndarray:
    """``length`` new token ids continuing ``prompt``, one at a time.

    Each token is drawn from softmax(logits / ``temperature``), restricted to the ``top_k``
    most likely tokens if given; ``temperature=0`` picks the most likely token (greedy).
    The model runs on its own device; the draw is made on the CPU (so ``generator`` is a CPU
    generator, and a seed gives the same draws from the same probabilities on any device).
    """
    prompt = _as_ids(prompt)
    if len(prompt) < 1 or length < 0:
        raise ValueError("the prompt needs at least one token and length must be >= 0")
    if temperature < 0 or (top_k is not None and top_k < 1):
        raise ValueError(f"temperature must be >= 0 and top_k >= 1, got {temperature}, {top_k}")
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    logits, state = model(prompt[None, :].to(device))
    out = []
    for _ in range(length):
        last = logits[0, -1]
        if temperature == 0:
            token = int(last.argmax())
        else:
            if top_k is not None:
                threshold = last.topk(min(top_k, len(last))).values[-1]
                last = last.masked_fill(last < threshold, -math.inf)
            probs = torch.softmax(last / temperature, dim=-1).cpu()
            token = int(torch.multinomial(probs, 1, generator=generator))
        out.append(token)
        logits, state = model(torch.tensor([[token]], device=device), state)
    model.train(was_training)
    return np.array(out, dtype=np.int64)


@torch.no_grad()
def lstm_states(
    model: RecurrentLM, ids: np.ndarray | torch.Tensor
) -> tuple[np.ndarray, np.ndarray]:
    """The hidden states h_t and cell states c_t, each (T, H), of a one-layer LSTM language
    model reading ``ids`` from a zero state (``nn.LSTM`` returns c only for the last step,
    so the layer is stepped one token at a time)."""
    if model.cell != "lstm" or model.recurrent.num_layers != 1:
        raise ValueError("lstm_states needs a RecurrentLM with one LSTM layer")
    ids = _as_ids(ids).to(next(model.parameters()).device)
    was_training = model.training
    model.eval()
    state: State = None
    hs, cs = [], []
    for token in ids:
        _, state = model.recurrent(model.embedding(token.view(1, 1)), state)
        hs.append(state[0][0, 0])
        cs.append(state[1][0, 0])
    model.train(was_training)
    return torch.stack(hs).cpu().numpy(), torch.stack(cs).cpu().numpy()
