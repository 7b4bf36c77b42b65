"""An encoder-decoder forecaster in PyTorch: teacher forcing in training, free-running at test.

Shapes are batch-first here, as forecasting windows are: inputs (B, n_in), outputs
(B, horizon), one value per step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from lstm_utils.forecasting.baselines import require_windows

_LAYERS = {"gru": nn.GRU, "lstm": nn.LSTM}


class Seq2SeqForecaster(nn.Module):
    """Encoder and decoder: stacked recurrent layers (``"gru"`` or ``"lstm"``) of the same size.

    The encoder reads the input window; its final state starts the decoder. At decoder step k
    the input is the value at step k - 1: the last observed value for k = 0, then either the
    true previous target (*teacher forcing*, pass ``targets``) or the model's own previous
    prediction (*free-running*, the only option at test time). A linear layer reads each
    decoder state out to one value.
    """

    def __init__(self, cell: str = "gru", hidden_size: int = 32, num_layers: int = 2) -> None:
        super().__init__()
        if cell not in _LAYERS:
            raise ValueError(f"cell must be one of {sorted(_LAYERS)}, got {cell!r}.")
        layer = _LAYERS[cell]
        self.encoder = layer(1, hidden_size, num_layers, batch_first=True)
        self.decoder = layer(1, hidden_size, num_layers, batch_first=True)
        self.readout = nn.Linear(hidden_size, 1)

    def forward(
        self, inputs: torch.Tensor, horizon: int, targets: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Forecast ``horizon`` values for each input window; teacher-forced if ``targets``."""
        if not isinstance(inputs, torch.Tensor) or not inputs.is_floating_point():
            raise TypeError(
                "inputs must be a floating-point tensor (B, n_in), got "
                f"{type(inputs).__name__} of dtype {getattr(inputs, 'dtype', None)}; convert "
                "with torch.as_tensor(inputs, dtype=torch.float32)."
            )
        if inputs.dim() != 2:
            raise ValueError(f"inputs must have shape (B, n_in), got {tuple(inputs.shape)}.")
        if not bool(torch.isfinite(inputs).all()):
            first = tuple(int(i) for i in torch.nonzero(~torch.isfinite(inputs))[0])
            raise ValueError(
                f"inputs has a non-finite value at index {first}; fill or drop the missing "
                "values of the series before making windows."
            )
        if horizon < 1:
            raise ValueError(f"horizon must be positive, got {horizon}.")
        if targets is not None and targets.shape != (inputs.shape[0], horizon):
            raise ValueError(
                f"targets must have shape (B, horizon) = {(inputs.shape[0], horizon)}, "
                f"got {tuple(targets.shape)}."
            )
        _, state = self.encoder(inputs[:, :, None])
        if targets is not None:  # all decoder inputs are known: one call over the sequence
            previous = torch.cat([inputs[:, -1:], targets[:, :-1]], dim=1)
            hidden, _ = self.decoder(previous[:, :, None], state)
            return self.readout(hidden)[:, :, 0]
        step_input, outputs = inputs[:, -1:, None], []
        for _ in range(horizon):  # feed each prediction back in
            hidden, state = self.decoder(step_input, state)
            step_input = self.readout(hidden)
            outputs.append(step_input[:, 0, 0])
        return torch.stack(outputs, dim=1)


@dataclass
class FitLog:
    """Per-epoch mean training loss (teacher-forced MSE) and free-running validation RMSE;
    ``best_epoch`` is the epoch whose weights the model holds after :func:`fit_forecaster`."""

    train_loss: np.ndarray
    val_rmse: np.ndarray
    best_epoch: int


def fit_forecaster(
    model: Seq2SeqForecaster,
    train: tuple[np.ndarray, np.ndarray],
    val: tuple[np.ndarray, np.ndarray],
    epochs: int,
    lr: float,
    weight_decay: float = 0.0,
    batch_size: int = 32,
    clip_norm: float = 1.0,
    seed: int = 0,
    progress: bool = True,
) -> FitLog:
    """Train with teacher forcing (AdamW, one-cycle learning rate, gradient clipping), score
    the free-running forecast on ``val`` after every epoch, and keep the best epoch's weights.

    ``train`` and ``val`` are (inputs (N, n_in), targets (N, horizon)) pairs of float NumPy
    arrays, all finite (a NaN is refused with its index); they are converted to the model's
    dtype and moved to its device, and the batch order (drawn from ``seed`` on the CPU) is the
    same on every device. If the training loss or the
    validation RMSE becomes NaN or infinite, training stops with a ``FloatingPointError``.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be positive, got {epochs}.")
    if batch_size < 1 or not lr > 0:
        raise ValueError(f"batch_size and lr must be positive, got {batch_size} and {lr}.")
    if len(train) != 2 or len(val) != 2:
        raise ValueError(
            "train and val must each be an (inputs, targets) pair, as sliding_windows returns."
        )
    arrays = [
        require_windows(f"{split}[{k}] ({name})", a, layout)
        for split, pair in (("train", train), ("val", val))
        for k, (name, layout, a) in enumerate(
            zip(("inputs", "targets"), ("(N, n_in)", "(N, horizon)"), pair, strict=True)
        )
    ]
    weight = next(model.parameters())  # the windows follow the model's device and dtype
    x, y, x_val, y_val = (
        torch.as_tensor(a, dtype=weight.dtype, device=weight.device) for a in arrays
    )
    if x.shape[0] != y.shape[0] or x_val.shape[1] != x.shape[1] or y_val.shape[1] != y.shape[1]:
        raise ValueError(
            "train and val must be (inputs, targets) with matching windows, got train "
            f"{tuple(x.shape)}, {tuple(y.shape)} and val {tuple(x_val.shape)}, "
            f"{tuple(y_val.shape)}."
        )
    horizon = y.shape[1]
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    batches = -(-len(x) // batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, lr, total_steps=epochs * batches)
    train_loss, val_rmse = np.zeros(epochs), np.zeros(epochs)
    best_state, best_epoch = None, -1
    for epoch in tqdm(range(epochs), disable=not progress, leave=False, desc="epochs"):
        model.train()
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), batch_size):
            idx = order[start : start + batch_size].to(weight.device)
            loss = nn.functional.mse_loss(model(x[idx], horizon, targets=y[idx]), y[idx])
            if not torch.isfinite(loss):
                raise FloatingPointError(
                    f"the training loss became {loss.item()} at epoch {epoch}, batch "
                    f"{start // batch_size}, from finite inputs: training diverged. Lower lr "
                    f"(now {lr}) or clip_norm (now {clip_norm})."
                )
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
            optimizer.step()
            schedule.step()
            train_loss[epoch] += loss.item() * len(idx) / len(x)
        model.eval()
        with torch.no_grad():
            val_rmse[epoch] = float(((model(x_val, horizon) - y_val) ** 2).mean().sqrt())
        if not np.isfinite(val_rmse[epoch]):
            raise FloatingPointError(
                f"the validation RMSE became {val_rmse[epoch]} at epoch {epoch}: the free-"
                f"running forecast overflowed. Lower lr (now {lr}) or clip_norm (now {clip_norm})."
            )
        if best_state is None or val_rmse[epoch] < val_rmse[best_epoch]:
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            best_epoch = epoch
    model.load_state_dict(best_state)
    return FitLog(train_loss=train_loss, val_rmse=val_rmse, best_epoch=best_epoch)
