"""Training to a wall-clock budget, evaluation on fixed windows, and the tasks' loops.

Models here are any ``nn.Module`` mapping token ids (B, T) to logits (B, T, V); chapter 10's
:class:`~lstm_utils.lm.neural.RecurrentLM`, which also returns its state, is accepted too.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional
from tqdm.auto import tqdm

from lstm_utils.lm.neural import RecurrentLM

Batch = tuple[torch.Tensor, torch.Tensor]


def logits_of(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The model's logits (B, T, V) for ids x (B, T), from a zero state for a recurrent LM."""
    out = model(x)
    return out[0] if isinstance(model, RecurrentLM) else out


def _device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


@torch.no_grad()
def window_bits(
    model: nn.Module, ids: np.ndarray | torch.Tensor, window: int, batch: int = 64
) -> float:
    """Mean bits per token over ``ids`` cut into non-overlapping windows of ``window`` + 1
    tokens, each read from scratch (no state or context carried between windows), so every
    model sees exactly the same context for every prediction. The trailing tokens that do not
    fill a window are left out."""
    ids = torch.as_tensor(ids).long()
    if ids.dim() != 1 or len(ids) < window + 1:
        raise ValueError(f"ids must be one sequence of at least window + 1 = {window + 1} tokens")
    count = (len(ids) - 1) // window
    x = ids[: count * window].view(count, window)
    y = ids[1 : count * window + 1].view(count, window)
    was_training = model.training
    model.eval()
    total, device = 0.0, _device(model)
    for start in range(0, count, batch):
        xb, yb = x[start : start + batch].to(device), y[start : start + batch].to(device)
        logits = logits_of(model, xb)
        flat = logits.reshape(-1, logits.shape[-1])
        total += float(functional.cross_entropy(flat, yb.reshape(-1), reduction="sum"))
    model.train(was_training)
    return total / (count * window) / math.log(2)


@dataclass
class BudgetLog:
    """``seconds`` of training (evaluation excluded) and ``tokens_seen`` (training tokens read)
    at which ``eval_bits`` were measured; ``steps`` taken, ``tokens`` seen in all, and training
    tokens per second."""

    seconds: np.ndarray
    tokens_seen: np.ndarray
    eval_bits: np.ndarray
    steps: int
    tokens: int

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / float(self.seconds[-1])


def train_for_seconds(
    model: nn.Module,
    next_batch: Callable[[], Batch],
    seconds: float,
    lr: float,
    evaluate: Callable[[nn.Module], float],
    evals: int = 8,
    warmup: float = 0.05,
    clip_norm: float = 1.0,
    progress: bool = True,
) -> BudgetLog:
    """Train with Adam (``torch.optim.AdamW`` with weight decay 0, i.e. plain Adam) until
    ``seconds`` of training time have passed.

    The learning rate follows the *elapsed fraction* of the budget, so that every model gets a
    full schedule however fast it runs: a linear warm-up over the first ``warmup`` of the time,
    then a cosine decay to 0. ``evaluate(model)`` (in bits) runs ``evals`` times at equal
    fractions of the budget, with the training clock stopped. Batches go to the model's device.
    """
    if seconds <= 0 or lr <= 0 or evals < 1 or not 0 <= warmup < 1:
        raise ValueError("seconds, lr and evals must be positive and 0 <= warmup < 1")
    device = _device(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    marks, seen, bits_at = [], [], []
    elapsed, steps, tokens, next_eval = 0.0, 0, 0, 1
    bar = tqdm(total=round(seconds), disable=not progress, leave=False, unit="s")
    model.train()
    while elapsed < seconds:
        fraction = elapsed / seconds
        scale = min(1.0, fraction / warmup) if warmup else 1.0
        for group in optimizer.param_groups:
            group["lr"] = lr * max(scale, 1e-3) * 0.5 * (1 + math.cos(math.pi * fraction))
        start = time.perf_counter()
        x, y = next_batch()
        x, y = x.to(device), y.to(device)
        logits = logits_of(model, x)
        loss = functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
        optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize(device)  # count the step's GPU work, not only its launch
        if not torch.isfinite(loss):
            raise FloatingPointError(f"the loss became {float(loss)} at step {steps}; lower lr")
        spent = time.perf_counter() - start
        elapsed += spent
        steps, tokens = steps + 1, tokens + y.numel()
        bar.update(min(spent, seconds - bar.n))
        while next_eval <= evals and elapsed >= next_eval * seconds / evals:
            marks.append(elapsed)
            seen.append(tokens)
            bits_at.append(evaluate(model))
            model.train()
            next_eval += 1
    bar.close()
    return BudgetLog(np.array(marks), np.array(seen), np.array(bits_at), steps, tokens)


def train_task(
    model: nn.Module,
    next_batch: Callable[[], tuple[torch.Tensor, torch.Tensor, torch.Tensor]],
    steps: int,
    lr: float,
    clip_norm: float = 1.0,
    progress: bool = True,
) -> np.ndarray:
    """``steps`` of Adam (AdamW, weight decay 0) on the cross-entropy of the masked positions
    of each ``(x, y, mask)`` batch, learning rate constant after a 5 % warm-up and decayed on a
    cosine over the last half. Returns the loss of every step (nats)."""
    if steps < 1 or lr <= 0:
        raise ValueError("steps and lr must be positive")
    device = _device(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    losses = np.empty(steps)
    model.train()
    for step in tqdm(range(steps), disable=not progress, leave=False, mininterval=1.0):
        fraction = step / steps
        scale = min(1.0, (step + 1) / (0.05 * steps))
        if fraction > 0.5:
            scale *= 0.5 * (1 + math.cos(math.pi * (fraction - 0.5) / 0.5))
        for group in optimizer.param_groups:
            group["lr"] = lr * scale
        x, y, mask = (t.to(device) for t in next_batch())
        logits = logits_of(model, x)
        loss = functional.cross_entropy(logits[mask], y[mask])
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
        optimizer.step()
        losses[step] = loss.item()
    return losses


@torch.no_grad()
def masked_predictions_correct(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, mask: torch.Tensor
) -> torch.Tensor:
    """Boolean (B, T): the model's most probable symbol equals y, at the masked positions
    (True elsewhere), so ``.all(dim=1)`` says whether a whole sequence is right. The model's
    training mode is restored afterwards."""
    was_training = model.training
    model.eval()
    device = _device(model)
    guess = logits_of(model, x.to(device)).argmax(-1).cpu()
    model.train(was_training)
    return (guess == y) | ~mask
