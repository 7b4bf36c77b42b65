"""Training with early stopping on development data, and prediction, for a classifier that
takes ``(ids, lengths)`` (:class:`~lstm_utils.classify.model.BiLSTMClassifier`)."""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from lstm_utils.classify.data import SentenceDataset, collate_padded
from lstm_utils.tagging.data import bucket_batches


@dataclass
class ClassifierTraining:
    """What :func:`train_classifier` returns.

    ``loss`` the mean training loss of each epoch run; ``dev_accuracy`` the accuracy on the
    development data after each epoch; ``best_epoch`` (1-based) the epoch whose parameters
    the model holds at the end (the best development accuracy, the earliest on a tie);
    ``epochs_run`` how many epochs ran before early stopping (or the budget) ended training;
    ``seconds`` the time spent training (evaluations excluded).
    """

    loss: np.ndarray
    dev_accuracy: np.ndarray
    best_epoch: int
    epochs_run: int
    seconds: float


def _param(model: nn.Module) -> torch.Tensor:
    return next(model.parameters())


@torch.no_grad()
def predict_logits(model: nn.Module, data: SentenceDataset, batch_size: int = 256) -> torch.Tensor:
    """The logits (N, K) of every sentence of ``data``, in its order, on the CPU.

    Sentences are batched by length (little padding), each batch moved to the model's device.
    """
    was_training = model.training
    model.eval()
    device = _param(model).device
    out: list[torch.Tensor] = []
    order: list[int] = []
    for index in bucket_batches([len(ids) for ids in data.ids], batch_size):
        ids, lengths, _ = collate_padded([data[i] for i in index])
        out.append(model(ids.to(device), lengths).cpu())
        order.extend(index)
    model.train(was_training)
    logits = torch.cat(out)
    result = torch.empty_like(logits)
    result[torch.tensor(order)] = logits
    return result


def accuracy(model: nn.Module, data: SentenceDataset) -> float:
    """The share of ``data``'s sentences whose predicted class is the label."""
    predicted = predict_logits(model, data).argmax(1)
    return float((predicted == torch.tensor(data.labels)).double().mean())


def train_classifier(
    model: nn.Module,
    train: SentenceDataset,
    dev: SentenceDataset,
    epochs: int,
    patience: int = 2,
    batch_size: int = 32,
    lr: float = 3e-3,
    class_weights: Sequence[float] | None = None,
    seed: int = 0,
    progress: bool = True,
) -> ClassifierTraining:
    """Adam on length-bucketed batches reshuffled every epoch (``seed``), with cross-entropy
    (weighted by ``class_weights`` if given), and early stopping on ``dev``.

    After every epoch the model is evaluated on ``dev``; training stops once ``patience``
    epochs in a row have not improved on the best development accuracy, or after ``epochs``,
    and the model gets back the parameters of its best epoch. Tensors follow the model's device
    and dtype.
    """
    if epochs < 1 or patience < 1:
        raise ValueError(f"epochs and patience must be positive, got {epochs}, {patience}")
    param = _param(model)
    weight = None
    if class_weights is not None:
        weight = torch.as_tensor(class_weights, dtype=param.dtype, device=param.device)
    loss_fn = nn.CrossEntropyLoss(weight=weight)
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    lengths = [len(ids) for ids in train.ids]
    losses: list[float] = []
    dev_accuracy: list[float] = []
    best_state = copy.deepcopy(model.state_dict())
    seconds = 0.0
    bar = tqdm(range(epochs), disable=not progress, leave=False, desc="epochs")
    for _ in bar:
        model.train()
        start = time.perf_counter()
        total, count = 0.0, 0
        for index in bucket_batches(lengths, batch_size, rng):
            ids, lens, labels = collate_padded([train[i] for i in index])
            loss = loss_fn(model(ids.to(param.device), lens), labels.to(param.device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
            count += len(index)
        seconds += time.perf_counter() - start
        losses.append(total / count)
        dev_accuracy.append(accuracy(model, dev))
        bar.set_postfix(loss=f"{losses[-1]:.3f}", dev=f"{dev_accuracy[-1]:.3f}")
        best = int(np.argmax(dev_accuracy))
        if best == len(dev_accuracy) - 1:
            best_state = copy.deepcopy(model.state_dict())
        elif len(dev_accuracy) - 1 - best >= patience:
            break
    model.load_state_dict(best_state)
    return ClassifierTraining(
        np.array(losses), np.array(dev_accuracy), best + 1, len(dev_accuracy), seconds
    )
