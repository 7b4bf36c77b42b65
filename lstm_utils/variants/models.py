"""Task heads around a :class:`~lstm_utils.variants.cell.VariantLSTM`, one set of weights per
slot: a last-step regressor (the adding problem) and a language model."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import nn

from lstm_utils.lm.batches import StreamBatches, parallel_streams
from lstm_utils.lm.neural import detach_state
from lstm_utils.variants.cell import State, VariantLSTM, _per_slot_rate, _slot_mask, _uniform


class SlotRegressor(nn.Module):
    """A :class:`~lstm_utils.variants.cell.VariantLSTM` and, per slot, a linear read-out of the
    last hidden state.

    x: (T, M, B, input_size) → predictions (M, B, outputs). Read-outs are drawn like
    ``nn.Linear``'s, U(±1/√H), from the slot's seed (offset so they differ from the LSTM's).
    """

    def __init__(self, lstm: VariantLSTM, outputs: int = 1) -> None:
        super().__init__()
        self.lstm = lstm
        M, H = lstm.slots, lstm.hidden_size
        self.weight = nn.Parameter(torch.empty(M, H, outputs))
        self.bias = nn.Parameter(torch.empty(M, 1, outputs))
        with torch.no_grad():
            for m, seed in enumerate(lstm.seeds):
                gen = torch.Generator().manual_seed(10_000 + seed)
                self.weight[m] = _uniform((H, outputs), H**-0.5, gen)
                self.bias[m] = _uniform((1, outputs), H**-0.5, gen)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        hidden, _ = self.lstm(x)
        return torch.baddbmm(self.bias, hidden[-1], self.weight)

    def slot_mse(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Each slot's mean squared error on its own batch, shape (M,); y: (M, B, outputs)."""
        return ((self(x) - y) ** 2).mean(dim=(1, 2))


class SlotLM(nn.Module):
    """Per slot: an embedding, the slot's LSTM and a read-out to one logit per token.

    ``forward(ids, state)``: ids (M, B, T) → logits (M, B, T, V) and the final state. In training,
    ``dropout`` (a rate per slot, or one for all) drops units of the embeddings and of the LSTM's
    outputs, the dropout *between layers* of Zaremba et al. (2014), with fresh masks at every
    step; the recurrent regularisers live in the
    :class:`~lstm_utils.variants.cell.VariantLSTM` itself.
    """

    def __init__(
        self,
        lstm: VariantLSTM,
        vocab_size: int,
        dropout: float | Sequence[float] = 0.0,
    ) -> None:
        super().__init__()
        self.lstm = lstm
        M, E, H = lstm.slots, lstm.input_size, lstm.hidden_size
        self.register_buffer("dropout", _per_slot_rate("dropout", dropout, M))
        self.embedding = nn.Parameter(torch.empty(M, vocab_size, E))
        self.weight = nn.Parameter(torch.empty(M, H, vocab_size))
        self.bias = nn.Parameter(torch.empty(M, 1, 1, vocab_size))
        with torch.no_grad():
            for m, seed in enumerate(lstm.seeds):
                gen = torch.Generator().manual_seed(10_000 + seed)
                self.embedding[m] = torch.randn((vocab_size, E), generator=gen)
                self.weight[m] = _uniform((H, vocab_size), H**-0.5, gen)
                self.bias[m] = _uniform((1, 1, vocab_size), H**-0.5, gen)

    def _drop(self, x: torch.Tensor) -> torch.Tensor:
        """Dropout at each slot's own rate, fresh masks; x has the slot axis first."""
        if not self.training or not bool((self.dropout > 0).any()):
            return x
        return x * _slot_mask(self.dropout, x)

    def forward(self, ids: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        M = self.lstm.slots
        if ids.dim() != 3 or ids.shape[0] != M or ids.dtype != torch.long:
            raise ValueError(
                f"ids must be token ids of shape (slots={M}, B, T) and dtype int64, got shape "
                f"{tuple(ids.shape)} and dtype {ids.dtype}"
            )
        emb = self.embedding[torch.arange(M, device=ids.device)[:, None, None], ids]  # (M, B, T, E)
        hidden, state = self.lstm(self._drop(emb).permute(2, 0, 1, 3), state)  # (T, M, B, H)
        hidden = self._drop(hidden.permute(1, 2, 0, 3))  # (M, B, T, H)
        logits = torch.einsum("mbth,mhv->mbtv", hidden, self.weight) + self.bias
        return logits, state

    def slot_nats(
        self, ids: torch.Tensor, targets: torch.Tensor, state: State | None = None
    ) -> tuple[torch.Tensor, State]:
        """Each slot's mean cross-entropy in nats per token, shape (M,), and the final state."""
        logits, state = self(ids, state)
        loss = nn.functional.cross_entropy(logits.permute(0, 3, 1, 2), targets, reduction="none")
        return loss.mean(dim=(1, 2)), state

    def stream_loss(self, batches: StreamBatches) -> Callable[[int], torch.Tensor]:
        """A ``slot_loss`` for :func:`~lstm_utils.variants.train.train_slots`: step k trains every
        slot on window ``k % len(batches)`` of the same text, each carrying its own state from
        the previous window (detached, truncated BPTT) and starting from zero at each epoch, as
        :func:`lstm_utils.lm.neural.train_lm` does for one model."""
        state: State | None = None
        expand = (self.lstm.slots, -1, -1)
        device = self.embedding.device

        def slot_loss(step: int) -> torch.Tensor:
            nonlocal state
            k = step % len(batches)
            x, y = (t.to(device) for t in batches[k])
            carried = None if k == 0 else detach_state(state)
            nats, state = self.slot_nats(x.expand(*expand), y.expand(*expand), carried)
            return nats

        return slot_loss

    @torch.no_grad()
    def slot_bits(self, ids: torch.Tensor, streams: int = 16, chunk: int = 500) -> torch.Tensor:
        """Each slot's bits per token on one long sequence ``ids`` (the same for all slots), cut
        into ``streams`` contiguous pieces read in parallel from a zero state, as
        :func:`lstm_utils.lm.neural.evaluate_bits` does for one model. Returns shape (M,), in
        the model's dtype, on the CPU."""
        ids = torch.as_tensor(ids).to(self.embedding.device)
        if ids.dim() != 1 or len(ids) < streams + 1:
            raise ValueError(f"ids must be one sequence of more than streams={streams} tokens")
        x, y = parallel_streams(ids, streams)
        length = x.shape[1]
        was_training = self.training
        self.eval()
        total, state = torch.zeros(self.lstm.slots, dtype=torch.float64), None
        for t in range(0, length, chunk):
            expand = (self.lstm.slots, -1, -1)
            xt, yt = x[:, t : t + chunk].expand(*expand), y[:, t : t + chunk].expand(*expand)
            nats, state = self.slot_nats(xt, yt, state)
            total += nats.double().cpu() * yt.shape[2]
        self.train(was_training)
        return (total / length / math.log(2)).to(self.embedding.dtype)
