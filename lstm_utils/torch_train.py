"""Small PyTorch training helpers: seeding, counting parameters, a last-step regressor, the
forget-gate bias, adding-problem batches, a loop with clipping."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from lstm_utils.datasets import adding_problem

Batch = tuple[torch.Tensor, torch.Tensor]


def count_parameters(model: nn.Module) -> int:
    """The number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def seed_everything(seed: int) -> np.random.Generator:
    """Seed PyTorch's global generator and return a NumPy generator with the same seed."""
    torch.manual_seed(seed)
    return np.random.default_rng(seed)


class LastStepRegressor(nn.Module):
    """A recurrent layer (``"rnn"``: tanh Elman RNN, ``"lstm"`` or ``"gru"``) and a linear
    read-out of the last hidden state. Inputs are time-major, (T, B, input_size); outputs
    (B, outputs)."""

    def __init__(self, cell: str, input_size: int, hidden_size: int, outputs: int = 1) -> None:
        super().__init__()
        layers = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
        if cell not in layers:
            raise ValueError(f"cell must be one of {sorted(layers)}, got {cell!r}.")
        self.recurrent = layers[cell](input_size, hidden_size)
        self.readout = nn.Linear(hidden_size, outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 3 or x.shape[2] != self.recurrent.input_size:
            raise ValueError(
                f"x must have shape (T, B, {self.recurrent.input_size}), got {tuple(x.shape)}."
            )
        hidden, _ = self.recurrent(x)
        return self.readout(hidden[-1])


def adding_batches(steps: int, seed: int, batch: int = 64) -> Callable[[], Batch]:
    """A ``make_batch`` for :func:`train_regressor`: fresh adding-problem batches of ``batch``
    sequences of length ``steps`` (see :func:`~lstm_utils.datasets.synthetic.adding_problem`),
    as tensors, drawn from a NumPy generator seeded with ``seed``."""
    rng = np.random.default_rng(seed)

    def make_batch() -> Batch:
        x, y = adding_problem(batch, steps, rng)
        return torch.from_numpy(x), torch.from_numpy(y)

    return make_batch


@torch.no_grad()
def set_forget_bias(lstm: nn.LSTM, value: float = 1.0) -> None:
    """Set every layer's (and direction's) forget-gate bias of ``lstm`` to ``value``, in place.

    PyTorch draws every bias from U(±1/√H), the forget gate's included; Keras starts it at 1
    (``unit_forget_bias=True``) and TF1 cells add ``forget_bias=1.0`` at run time (Gers et
    al., 2000; Jozefowicz et al., 2015). The forget gate is the second block of H rows
    (gate order i, f, g, o); ``bias_ih`` gets ``value`` and ``bias_hh`` 0 there, so that their
    sum, the bias the cell uses, is exactly ``value``.
    """
    if not isinstance(lstm, nn.LSTM):
        raise TypeError(
            f"set_forget_bias needs a torch.nn.LSTM, got {type(lstm).__name__}; for a model "
            "that contains one, pass the layer itself (e.g. model.recurrent)."
        )
    if not lstm.bias:
        raise ValueError("this nn.LSTM was built with bias=False: it has no forget bias to set.")
    H = lstm.hidden_size
    for name, param in lstm.named_parameters():
        if name.startswith("bias_ih"):
            param[H : 2 * H] = value
        elif name.startswith("bias_hh"):
            param[H : 2 * H] = 0.0


@dataclass
class TrainLog:
    """Per-step training loss and gradient norm (before clipping)."""

    losses: np.ndarray
    grad_norms: np.ndarray

    @property
    def diverged(self) -> bool:
        """True if the loss became NaN or infinite."""
        return not bool(np.all(np.isfinite(self.losses)))


def train_regressor(
    model: nn.Module,
    make_batch: Callable[[], Batch],
    steps: int,
    optimizer: torch.optim.Optimizer,
    clip_norm: float | None = None,
    progress: bool = True,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
) -> TrainLog:
    """Minimise the MSE for ``steps`` batches drawn from ``make_batch()`` (moved to the
    model's device; their dtype must be the model's).

    With ``clip_norm``, gradients are rescaled so that their global L2 norm is at most
    ``clip_norm`` (Pascanu et al., 2013). A learning-rate ``scheduler`` of ``optimizer``
    is stepped after every optimiser step. A diverged run (NaN loss) stops early; its log is
    padded with NaN so that it still has ``steps`` entries.
    """
    if steps < 1:
        raise ValueError(f"steps must be positive, got {steps}.")
    if clip_norm is not None and not clip_norm > 0:
        raise ValueError(f"clip_norm must be positive or None, got {clip_norm}.")
    params = [p for p in model.parameters() if p.requires_grad]
    device = params[0].device
    losses, norms = np.full(steps, np.nan), np.full(steps, np.nan)
    bar = tqdm(range(steps), disable=not progress, mininterval=1.0, leave=False)
    for step in bar:
        x, y = (t.to(device) for t in make_batch())
        loss = nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        max_norm = clip_norm if clip_norm is not None else float("inf")
        norms[step] = float(nn.utils.clip_grad_norm_(params, max_norm))
        losses[step] = loss.item()
        if not np.isfinite(losses[step]):
            break
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        if step % 50 == 0:
            bar.set_postfix(loss=f"{losses[step]:.4f}")
    return TrainLog(losses=losses, grad_norms=norms)


@torch.no_grad()
def mse(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Mean squared error of ``model`` on a fixed set, moved to the model's device."""
    device = next(model.parameters()).device
    return float(nn.functional.mse_loss(model(x.to(device)), y.to(device)))
