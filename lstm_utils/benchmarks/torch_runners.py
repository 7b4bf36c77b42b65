"""The benchmark's PyTorch runners: ``nn.LSTMCell`` in a Python loop (eager, TorchScript or
with a ``torch.compile``-d step) and the fused ``nn.LSTM``. Use them through
:func:`lstm_utils.benchmarks.runners.make_runner`."""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Callable, Iterator

import numpy as np
import torch
from torch import nn

from lstm_utils.benchmarks.workload import ImplementationUnavailableError, Runner
from lstm_utils.frameworks.convert import to_torch
from lstm_utils.reference.lstm import LSTMParams


class CellLoop(nn.Module):
    """h_1 … h_T of one ``nn.LSTMCell`` run step by step over a (T, B, X) input."""

    def __init__(self, cell: nn.LSTMCell) -> None:
        super().__init__()
        self.cell = cell

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x.new_zeros(x.shape[1], self.cell.hidden_size)
        c = torch.zeros_like(h)
        outs = []
        for x_t in x.unbind(0):
            h, c = self.cell(x_t, (h, c))
            outs.append(h)
        return torch.stack(outs)


def lstm_step(
    x_t: torch.Tensor,
    h: torch.Tensor,
    c: torch.Tensor,
    w_ih: torch.Tensor,
    w_hh: torch.Tensor,
    b: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One LSTM step in plain tensor operations (gate order i, f, g, o), for
    ``torch.compile`` to fuse the element-wise gate arithmetic into one kernel."""
    i, f, g, o = (x_t @ w_ih.T + h @ w_hh.T + b).chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


class CompiledStepLoop(nn.Module):
    """A Python loop over time around a ``torch.compile``-d :func:`lstm_step`.

    Compiling the step, not the loop, keeps the compile time short (the graph is one step,
    whatever T is) and compiles the backward of the step too. Needs a C++ compiler.
    """

    def __init__(self, cell: nn.LSTMCell) -> None:
        super().__init__()
        self.cell = cell
        self.step = torch.compile(lstm_step, dynamic=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        cell = self.cell
        h = x.new_zeros(x.shape[1], cell.hidden_size)
        c = torch.zeros_like(h)
        b = cell.bias_ih + cell.bias_hh
        outs = []
        for x_t in x.unbind(0):
            h, c = self.step(x_t, h, c, cell.weight_ih, cell.weight_hh, b)
            outs.append(h)
        return torch.stack(outs)


def _cell(params: LSTMParams) -> nn.LSTMCell:
    cell = nn.LSTMCell(params.input_size, params.hidden_size)
    state = {k.removesuffix("_l0"): torch.from_numpy(v) for k, v in to_torch(params).items()}
    cell.load_state_dict(state)
    return cell


def _drop_no_cuda_runtime(record: logging.LogRecord) -> bool:
    return "No CUDA runtime is found" not in record.getMessage()


@contextlib.contextmanager
def _no_cuda_runtime_notice() -> Iterator[None]:
    """Drop the notice "No CUDA runtime is found, using CUDA_HOME=..." that a CUDA build of
    PyTorch (the default wheel on Linux) logs when inductor first loads its C++ extension
    tools on a machine without a GPU: true there, expected, and noise on stderr."""
    logger = logging.getLogger("torch.utils.cpp_extension")
    logger.addFilter(_drop_no_cuda_runtime)
    try:
        yield
    finally:
        logger.removeFilter(_drop_no_cuda_runtime)


def _check_compiles(layer: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, grad: bool):
    """Compile ``layer`` for both grad modes now, so that a machine where ``torch.compile``
    cannot build its C++ kernels gets a clear error here and not in the middle of a timing."""
    try:
        with torch.no_grad(), _no_cuda_runtime_notice():
            layer(x)
        if grad:
            with _no_cuda_runtime_notice():
                layer(x).sum().backward()
    except Exception as error:  # inductor raises many types; all mean "cannot compile here"
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise ImplementationUnavailableError(
            f"torch.compile could not build its kernels on this machine ({type(error).__name__}"
            f": {first_line[:200]}). It needs a C++ compiler with OpenMP that PyTorch's inductor "
            "supports (g++ on Linux; on macOS and Windows see the torch.compile docs), and some "
            "settings (e.g. ATEN_CPU_CAPABILITY=default) hit inductor bugs; the other "
            "implementations do not need it."
        ) from error


def make_torch_runner(name: str, x_np: np.ndarray, params: LSTMParams, backward: bool) -> Runner:
    """The runner of ``name`` (see :data:`lstm_utils.benchmarks.runners.TORCH`)."""
    layer: Callable[[torch.Tensor], torch.Tensor]
    if name == "torch_lstm":
        lstm = nn.LSTM(params.input_size, params.hidden_size)
        lstm.load_state_dict({k: torch.from_numpy(v) for k, v in to_torch(params).items()})
        layer = lambda inputs: lstm(inputs)[0]  # noqa: E731
    elif name == "torch_cell_loop":
        layer = CellLoop(_cell(params))
    elif name == "torch_scripted_loop":
        with warnings.catch_warnings():  # TorchScript: deprecated since PyTorch 2.5, still works
            warnings.filterwarnings("ignore", "`torch.jit.script` is deprecated")
            layer = torch.jit.script(CellLoop(_cell(params)))
    elif name == "torch_compiled_loop":
        layer = CompiledStepLoop(_cell(params))
    else:
        raise ValueError(f"{name!r} is not a PyTorch implementation.")
    x = torch.from_numpy(x_np)
    if name == "torch_compiled_loop":
        _check_compiles(layer, x, backward)

    def run() -> None:
        with torch.set_grad_enabled(backward):
            h = layer(x)
            if backward:
                h.sum().backward()

    def outputs() -> np.ndarray:
        with torch.no_grad():
            return layer(x).numpy()

    return Runner(run=run, outputs=outputs)
