"""The book's MNIST digit classifier in PyTorch: an LSTM reads an image from top to bottom,
``rows_per_step`` pixel rows per time step, and a linear layer classifies its last hidden
state; the training recipe of the framework chapters (Adam, one-cycle learning rate, clipping),
timed phase by phase; and the test accuracy."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from lstm_utils.benchmarks.timing import PhaseTimer
from lstm_utils.datasets.mnist import image_sequences


class RowClassifier(nn.Module):
    """(B, 28, 28) images → (B, 10) logits. ``rows_per_step=1`` reads 28 steps of 28 pixels
    (the source articles' setting); 2 reads 14 steps of 56 pixels, half the sequential steps."""

    def __init__(self, hidden_size: int = 96, rows_per_step: int = 2, classes: int = 10) -> None:
        super().__init__()
        image_sequences(torch.empty(0, 28, 28), rows_per_step)  # validates rows_per_step
        self.rows_per_step = rows_per_step
        self.lstm = nn.LSTM(28 * rows_per_step, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, classes)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if images.dim() != 3 or tuple(images.shape[1:]) != (28, 28):
            raise ValueError(f"images must have shape (B, 28, 28), got {tuple(images.shape)}.")
        _, (h_n, _) = self.lstm(image_sequences(images, self.rows_per_step))
        return self.head(h_n[-1])


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch: int = 1000) -> float:
    """Fraction of ``x`` classified as ``y``, in batches, in eval mode, on the model's device."""
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} examples but y has {len(y)} labels.")
    device = next(model.parameters()).device
    model.eval()
    correct = sum(
        (model(xb.to(device)).argmax(dim=1).cpu() == yb).sum().item()
        for xb, yb in zip(x.split(batch), y.split(batch), strict=True)
    )
    return correct / len(y)


@dataclass
class ClassifierLog:
    """Per-step training losses, wall-clock seconds per epoch, and the time of each phase of a
    step (``data``, ``forward``, ``backward``, ``clip``, ``optimizer``, ``logging``)."""

    losses: np.ndarray
    epoch_seconds: list[float]
    phases: PhaseTimer


def train_classifier(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    epochs: int = 3,
    batch: int = 128,
    max_lr: float = 1e-2,
    clip: float = 1.0,
    seed: int = 0,
    max_steps: int | None = None,
    progress: bool = True,
) -> ClassifierLog:
    """Train with Adam, the one-cycle schedule peaking at ``max_lr`` and gradients clipped to
    global norm ``clip``, on batches drawn without replacement (reshuffled each epoch from
    ``seed``). ``max_steps`` stops early (the schedule still spans all ``epochs``), to profile
    part of an epoch. On a GPU every phase ends with a synchronisation, so that its kernels
    are counted in it and not in the next phase."""
    if epochs < 1 or batch < 1:
        raise ValueError(f"epochs and batch must be positive, got {epochs} and {batch}.")
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} examples but y has {len(y)} labels.")
    device = next(model.parameters()).device
    sync = torch.cuda.synchronize if device.type == "cuda" else lambda: None
    optimizer = torch.optim.Adam(model.parameters(), lr=max_lr)
    steps_per_epoch = -(-len(x) // batch)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=max_lr, total_steps=epochs * steps_per_epoch
    )
    shuffle = torch.Generator().manual_seed(seed)
    timer, losses, epoch_seconds = PhaseTimer(), [], []
    total = (
        epochs * steps_per_epoch if max_steps is None else min(max_steps, epochs * steps_per_epoch)
    )
    bar = tqdm(total=total, disable=not progress, mininterval=1.0, leave=False)
    model.train()
    for _ in range(epochs):
        start = time.perf_counter()
        for indices in torch.randperm(len(x), generator=shuffle).split(batch):
            if len(losses) == total:
                break
            with timer("data"):
                images, labels = x[indices].to(device), y[indices].to(device)
                sync()
            with timer("forward"):
                loss = nn.functional.cross_entropy(model(images), labels)
                sync()
            with timer("backward"):
                optimizer.zero_grad()
                loss.backward()
                sync()
            with timer("clip"):
                nn.utils.clip_grad_norm_(model.parameters(), clip)
                sync()
            with timer("optimizer"):
                optimizer.step()
                scheduler.step()
                sync()
            with timer("logging"):
                losses.append(loss.item())
                bar.update()
        epoch_seconds.append(time.perf_counter() - start)
        if len(losses) == total:
            break
    bar.close()
    return ClassifierLog(np.array(losses), epoch_seconds, timer)
