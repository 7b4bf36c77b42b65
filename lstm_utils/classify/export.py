"""Deployment and porting: ONNX export with a dynamic sequence length, the ONNX Runtime round
trip, and the port of a trained classifier to an equivalent Keras model."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from lstm_utils.classify.model import BiLSTMClassifier
from lstm_utils.frameworks.convert import from_torch_stack, to_keras_stack


class _Unpacked(nn.Module):
    """The classifier on unpadded rows (``lengths=None``): the graph that ONNX can hold."""

    def __init__(self, model: BiLSTMClassifier) -> None:
        super().__init__()
        self.model = model

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.model(ids)


def export_onnx(model: BiLSTMClassifier, path: str | Path, opset: int = 17) -> Path:
    """Export ``model`` (in eval mode, on the CPU, float32) to ONNX: input ``ids`` (B, T)
    int64, output ``logits`` (B, K), with B and T dynamic.

    The exported graph has no packing: every row must be a whole sentence with no padding
    (B = 1, or sentences of one length). Uses PyTorch's TorchScript-based exporter
    (``dynamo=False``), which needs no package beyond ``onnx``.
    """
    if not isinstance(model, BiLSTMClassifier):
        raise TypeError(f"export_onnx exports a BiLSTMClassifier, got {type(model).__name__}")
    path = Path(path)
    was_training = model.training
    wrapper = _Unpacked(model).eval()
    device = next(model.parameters()).device
    example = torch.ones(1, 5, dtype=torch.int64, device=device)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter warns about batch_first LSTMs etc.
        torch.onnx.export(
            wrapper,
            (example,),
            str(path),
            input_names=["ids"],
            output_names=["logits"],
            dynamic_axes={"ids": {0: "batch", 1: "time"}, "logits": {0: "batch"}},
            opset_version=opset,
            dynamo=False,
        )
    model.train(was_training)
    return path


def onnx_logits(path: str | Path, ids: np.ndarray) -> np.ndarray:
    """Run the exported model with ONNX Runtime (CPU) on ``ids`` (B, T) int64: logits (B, K)."""
    import onnxruntime  # optional dependency: imported only here

    ids = np.asarray(ids)
    if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(
            f"ids must be a (B, T) integer array, got shape {ids.shape} and dtype {ids.dtype}; "
            "for one sentence add a batch axis, e.g. ids[None]"
        )
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["logits"], {"ids": ids.astype(np.int64)})[0]


def port_to_keras(model: BiLSTMClassifier, keras: Any) -> Any:
    """A Keras 3 model on the same word ids computing the same function as ``model``:
    ``Embedding(mask_zero=True)``, ``Bidirectional(LSTM)`` (or ``LSTM``) per layer, ``Dense``;
    weights converted with :func:`~lstm_utils.frameworks.convert.to_keras_stack`.

    ``keras`` is the module (``lstm_utils.frameworks.tf_compat.import_keras()``), passed in so
    that this module imports no TensorFlow. Keras' mask plays the role of packing: padded ids
    (0) are skipped, so the model takes padded batches (B, T) without lengths.
    """
    if not isinstance(model, BiLSTMClassifier):
        raise TypeError(f"port_to_keras ports a BiLSTMClassifier, got {type(model).__name__}")
    cfg = model.config
    layers = keras.layers
    stack: list[Any] = [
        keras.Input(shape=(None,), dtype="int64"),
        layers.Embedding(cfg.vocab_size, cfg.embed_dim, mask_zero=True),
    ]
    for k in range(cfg.num_layers):
        lstm = layers.LSTM(cfg.hidden_size, return_sequences=k < cfg.num_layers - 1)
        stack.append(layers.Bidirectional(lstm) if cfg.bidirectional else lstm)
    stack.append(layers.Dense(cfg.classes))
    ported = keras.Sequential(stack)
    state = {k: v.detach().cpu().double().numpy() for k, v in model.lstm.state_dict().items()}
    weights = [model.embedding.weight.detach().cpu().numpy()]
    weights += [w.astype(np.float32) for w in to_keras_stack(from_torch_stack(state))]
    weights += [model.head.weight.detach().cpu().numpy().T, model.head.bias.detach().cpu().numpy()]
    ported.set_weights(weights)
    return ported


def max_abs_diff(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> float:
    """``max |a - b|`` as a Python float."""
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))
