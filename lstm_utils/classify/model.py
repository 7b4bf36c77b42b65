"""The classifier: an embedding, a packed (Bi)LSTM and a linear head on the final states."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence


@dataclass(frozen=True)
class ClassifierConfig:
    """Everything needed to rebuild a :class:`BiLSTMClassifier` (saved with its weights)."""

    vocab_size: int
    classes: int
    embed_dim: int = 64
    hidden_size: int = 64
    num_layers: int = 1
    bidirectional: bool = True
    dropout: float = 0.0


class BiLSTMClassifier(nn.Module):
    """Word ids (B, T) and their lengths (B,) to class logits (B, K).

    ``nn.Embedding`` (id 0 is padding), an ``nn.LSTM`` run on the packed batch
    (``pack_padded_sequence``), so that each direction starts and ends at the sentence's own
    words and never reads padding, and a linear head on the last layer's final hidden states,
    ``torch.cat([h_n[-2], h_n[-1]])`` (forward, backward) if bidirectional, else ``h_n[-1]``.

    ``lengths=None`` means every row is ``T`` words long (no padding): the LSTM then runs
    unpacked, which gives the same result and is the form that exports to ONNX
    (:func:`~lstm_utils.classify.export.export_onnx`). The tensors it creates follow the
    device and dtype of its parameters; ``ids`` must be on the model's device.
    """

    def __init__(
        self,
        vocab_size: int,
        classes: int,
        embed_dim: int = 64,
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = True,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if vocab_size < 2 or classes < 2:
            raise ValueError(
                f"need vocab_size >= 2 (padding and at least one word) and classes >= 2, got "
                f"vocab_size={vocab_size}, classes={classes}"
            )
        self.config = ClassifierConfig(
            vocab_size, classes, embed_dim, hidden_size, num_layers, bidirectional, dropout
        )
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(
            embed_dim,
            hidden_size,
            num_layers=num_layers,
            bidirectional=bidirectional,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), classes)

    @classmethod
    def from_config(cls, config: ClassifierConfig | dict) -> BiLSTMClassifier:
        """A fresh (untrained) classifier with this configuration."""
        return cls(**(asdict(config) if isinstance(config, ClassifierConfig) else config))

    def _check(self, ids: torch.Tensor, lengths: torch.Tensor | None) -> None:
        if ids.dim() != 2 or ids.dtype not in (torch.int64, torch.int32):
            raise ValueError(
                f"ids must be a (B, T) integer tensor of word ids, got {tuple(ids.shape)} "
                f"{ids.dtype}; for one sentence add a batch axis, e.g. ids[None]"
            )
        if lengths is None:
            return
        if lengths.shape != ids.shape[:1]:
            raise ValueError(
                f"lengths must have shape ({ids.shape[0]},), one length per row of ids, got "
                f"{tuple(lengths.shape)}"
            )
        if int(lengths.min()) < 1 or int(lengths.max()) > ids.shape[1]:
            raise ValueError(
                f"lengths must lie in 1..{ids.shape[1]} (the padded length T), got "
                f"{int(lengths.min())}..{int(lengths.max())}; drop empty sentences and pass "
                "the lengths returned by collate_padded"
            )

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        if not torch.jit.is_tracing() and not torch.onnx.is_in_onnx_export():
            self._check(ids, lengths)
        x = self.dropout(self.embedding(ids))
        if lengths is None:
            _, (h_n, _) = self.lstm(x)
        else:
            packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
            _, (h_n, _) = self.lstm(packed)
        # h_n: (num_layers * directions, B, H); the last layer's directions come last
        last = torch.cat([h_n[-2], h_n[-1]], dim=-1) if self.lstm.bidirectional else h_n[-1]
        return self.head(self.dropout(last))
