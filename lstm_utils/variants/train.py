"""Training M slots at once: per-slot gradient clipping and an Adam loop on the summed loss."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm


@torch.no_grad()
def clip_per_slot(params: Iterable[nn.Parameter], max_norm: float) -> torch.Tensor:
    """Rescale each slot's gradient so that its global L2 norm is at most ``max_norm``.

    Every parameter has the slot axis first; slot m's norm is taken over all of slot m's entries
    in all ``params``, exactly what ``nn.utils.clip_grad_norm_`` would compute for that slot
    trained alone. Returns the norms before clipping, shape (M,).
    """
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        raise ValueError("no gradients to clip: call backward() first")
    norms = torch.stack([g.flatten(1).pow(2).sum(1) for g in grads]).sum(0).sqrt()
    scale = (max_norm / (norms + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(scale.view(-1, *[1] * (g.dim() - 1)))
    return norms


@dataclass
class SlotTrainLog:
    """Training loss per step and slot (steps, M); evaluations (n, M) at ``eval_steps``."""

    losses: np.ndarray
    eval_steps: np.ndarray
    evals: np.ndarray
    seconds: float


def train_slots(
    model: nn.Module,
    slot_loss: Callable[[int], torch.Tensor],
    steps: int,
    lr: float,
    clip_norm: float = 1.0,
    evaluate: Callable[[], torch.Tensor] | None = None,
    eval_every: int = 100,
    progress: bool = True,
) -> SlotTrainLog:
    """Train every slot of ``model`` for ``steps`` steps, as if each were trained alone.

    ``slot_loss(step)`` returns the per-slot losses (M,) of step ``step``'s batch. Their *sum*
    is minimised: slot m's weights receive only the gradient of slot m's loss. Adam (``lr``
    decayed to 0 on a cosine) acts entry by entry, and clipping is per slot
    (:func:`clip_per_slot`), so no slot's update depends on another's. ``evaluate()``, if
    given, returns a per-slot metric (M,), recorded every ``eval_every`` steps and at the end.
    """
    if steps < 1 or lr <= 0 or clip_norm <= 0 or eval_every < 1:
        raise ValueError("steps, lr, clip_norm and eval_every must be positive")
    params = list(model.parameters())
    optimizer = torch.optim.Adam(params, lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    losses, eval_steps, evals = [], [], []
    start = time.perf_counter()
    bar = tqdm(range(steps), disable=not progress, mininterval=1.0, leave=False)
    for step in bar:
        loss = slot_loss(step)
        optimizer.zero_grad()
        loss.sum().backward()
        clip_per_slot(params, clip_norm)
        optimizer.step()
        schedule.step()
        losses.append(loss.detach().cpu().numpy().copy())
        if evaluate is not None and ((step + 1) % eval_every == 0 or step + 1 == steps):
            was_training = model.training
            model.eval()
            with torch.no_grad():
                evals.append(evaluate().cpu().numpy().copy())
            model.train(was_training)
            eval_steps.append(step + 1)
            bar.set_postfix(best=f"{np.nanmin(evals[-1]):.3f}")
    return SlotTrainLog(
        np.stack(losses), np.array(eval_steps), np.array(evals), time.perf_counter() - start
    )
