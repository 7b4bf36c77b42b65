"""Three sequence models with one block design, differing only in how a step mixes in the steps
before it: causal attention (a GPT-style Transformer), minLSTM, or mLSTM.

Every model maps token ids (B, T) to logits (B, T, V): embedding (plus learned positions for
attention, which is otherwise blind to order), ``layers`` pre-norm residual blocks
x ← x + mixer(LayerNorm(x)), x ← x + MLP(LayerNorm(x)) with a 4× GELU MLP (as in GPT-2,
Radford et al. 2019), a final LayerNorm and a linear read-out. The xLSTM paper's own mLSTM
block differs (an up-projection and no MLP); here the block is shared so that the comparison
is about the mixer.
"""

from __future__ import annotations

import torch
from torch import nn

from lstm_utils.successors.attention import CausalSelfAttention, KVCache
from lstm_utils.successors.minlstm import MinLSTM
from lstm_utils.successors.xlstm import mlstm_parallel, mlstm_recurrent
from lstm_utils.torch_train import count_parameters as parameter_count  # noqa: F401 (re-exported)

MIXERS = ("attention", "minlstm", "mlstm")


class MinLSTMMixer(nn.Module):
    """A minLSTM layer of width d_model, computed with the doubling scan (or ``scan``)."""

    def __init__(self, d_model: int, scan: str = "doubling") -> None:
        super().__init__()
        self.cell, self.scan = MinLSTM(d_model, d_model), scan

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.cell(x, scan=self.scan)


class MLSTMMixer(nn.Module):
    """Multi-head mLSTM: q, k, v and the output gate from linear maps of x, one exponential
    input gate and one sigmoid forget gate per head and step, the parallel stabilised form
    (``parallel=False``: the recurrent one), a linear map back to d_model.

    A simplification of the xLSTM authors' mLSTM layer, which also computes the gates from
    q, k and v, normalises each head's output, spreads the forget-gate biases over 3 … 6 and
    draws the input-gate biases from N(0, 0.1); here the gates read x, with biases 3 and −3."""

    def __init__(self, d_model: int, heads: int, parallel: bool = True) -> None:
        super().__init__()
        if d_model % heads:
            raise ValueError(f"d_model={d_model} must be divisible by heads={heads}")
        self.heads, self.parallel = heads, parallel
        self.qkvo = nn.Linear(d_model, 4 * d_model)
        self.gates = nn.Linear(d_model, 2 * heads)
        self.proj = nn.Linear(d_model, d_model)
        self.reset_gates()

    def reset_gates(self) -> None:
        """Forget gates start open (bias 3, σ(3) ≈ 0.95) and input gates small (bias −3)."""
        with torch.no_grad():
            self.gates.weight.zero_()
            self.gates.bias[self.heads :].fill_(3.0)
            self.gates.bias[: self.heads].fill_(-3.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, steps, d_model = x.shape
        # (B, T, 4 · d_model) → four tensors (B, heads, T, head_dim): q, k, v and the output gate
        parts = self.qkvo(x).view(batch, steps, 4, self.heads, -1).permute(2, 0, 3, 1, 4)
        q, k, v, o = parts.unbind(0)
        i_pre, f_pre = self.gates(x).transpose(1, 2).chunk(2, dim=1)  # (B, heads, T) each
        cell = mlstm_parallel if self.parallel else mlstm_recurrent
        h = cell(q, k, v, i_pre, f_pre) * torch.sigmoid(o)  # (B, heads, T, head_dim)
        return self.proj(h.transpose(1, 2).reshape(batch, steps, d_model))


class Block(nn.Module):
    """x ← x + mixer(LayerNorm(x)); x ← x + MLP(LayerNorm(x))."""

    def __init__(self, d_model: int, mixer: nn.Module) -> None:
        super().__init__()
        self.norm1, self.mixer = nn.LayerNorm(d_model), mixer
        self.norm2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.mixer(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class SequenceLM(nn.Module):
    """Token ids (B, T) → logits (B, T, vocab_size) with ``layers`` blocks of the given
    ``mixer`` (``"attention"``, ``"minlstm"`` or ``"mlstm"``). ``max_len`` (attention only)
    is the number of learned positions, the longest input it accepts."""

    def __init__(
        self,
        mixer: str,
        vocab_size: int,
        d_model: int,
        layers: int,
        heads: int = 4,
        max_len: int | None = None,
    ) -> None:
        super().__init__()
        if mixer not in MIXERS:
            raise ValueError(f"mixer must be one of {MIXERS}, got {mixer!r}")
        if mixer == "attention" and not max_len:
            raise ValueError("attention needs max_len, the number of learned positions")
        self.mixer, self.max_len = mixer, max_len if mixer == "attention" else None
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.positions = nn.Embedding(max_len, d_model) if mixer == "attention" else None

        def make() -> nn.Module:
            if mixer == "attention":
                return CausalSelfAttention(d_model, heads)
            return MinLSTMMixer(d_model) if mixer == "minlstm" else MLSTMMixer(d_model, heads)

        self.blocks = nn.ModuleList(Block(d_model, make()) for _ in range(layers))
        self.norm = nn.LayerNorm(d_model)
        self.readout = nn.Linear(d_model, vocab_size)
        self.apply(_init_weights)
        for module in self.modules():
            if isinstance(module, MLSTMMixer):
                module.reset_gates()

    def _check(self, x: torch.Tensor, offset: int = 0) -> None:
        if x.dim() != 2 or x.dtype != torch.long:
            raise ValueError(
                f"x must be token ids of shape (batch, steps) and dtype int64, got shape "
                f"{tuple(x.shape)} and dtype {x.dtype}"
            )
        if self.max_len is not None and offset + x.shape[1] > self.max_len:
            raise ValueError(
                f"{offset + x.shape[1]} steps exceed the {self.max_len} learned positions; "
                "build the model with a larger max_len"
            )

    def embed(self, x: torch.Tensor, offset: int = 0) -> torch.Tensor:
        self._check(x, offset)
        h = self.embedding(x)
        if self.positions is not None:
            h = h + self.positions(torch.arange(offset, offset + x.shape[1], device=x.device))
        return h

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embed(x)
        for block in self.blocks:
            h = block(h)
        return self.readout(self.norm(h))

    def new_caches(self, batch: int, capacity: int) -> list[KVCache]:
        """One empty :class:`~lstm_utils.successors.attention.KVCache` per layer (attention
        only)."""
        if self.mixer != "attention":
            raise ValueError("only the attention model has a key-value cache")
        like = self.readout.weight
        return [block.mixer.new_cache(batch, capacity, like) for block in self.blocks]

    def decode(self, x: torch.Tensor, caches: list[KVCache]) -> torch.Tensor:
        """Logits for new tokens x (B, T'), given caches holding the steps before them: a prompt
        into empty caches (T' ≥ 1), or one token at a time (T' = 1)."""
        offset = caches[0].length
        h = self.embed(x, offset)
        for block, cache in zip(self.blocks, caches, strict=True):
            mixer: CausalSelfAttention = block.mixer  # type: ignore[assignment]
            normed = block.norm1(h)
            if offset == 0:
                h = h + mixer.fill(normed, cache)
            elif x.shape[1] == 1:
                h = h + mixer.decode(normed, cache)
            else:
                raise ValueError("after the prompt, decode one token at a time")
            h = h + block.mlp(block.norm2(h))
        return self.readout(self.norm(h))


def _init_weights(module: nn.Module) -> None:
    """GPT-2's base initialisation, normal(0, 0.02) weights and zero biases, without the extra
    scaling of the residual output projections by 1/√(2 · layers) that GPT-2 and nanoGPT add."""
    if isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, std=0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    if isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, std=0.02)
