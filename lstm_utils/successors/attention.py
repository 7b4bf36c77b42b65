"""Causal multi-head self-attention, written out, with a key–value cache for generation.

Scaled dot-product attention (Vaswani et al. 2017): for queries Q, keys K and values V of one
head (T × d each), softmax(Q Kᵀ / √d + M) V with M_ts = −∞ for s > t (a step never sees a later
one). With a cache, generating token t computes only its own q, k, v and attends over the
cached keys and values of steps 1 … t: per layer the cache holds 2 · T · d_model numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class KVCache:
    """Preallocated keys and values of one attention layer, (B, heads, capacity, head_dim)
    each, of which the first ``length`` steps are filled."""

    keys: torch.Tensor
    values: torch.Tensor
    length: int = 0

    @property
    def nbytes(self) -> int:
        """Bytes of the filled part (keys and values)."""
        per_step = self.keys[:, :, :1].numel() * self.keys.element_size()
        return 2 * self.length * per_step


class CausalSelfAttention(nn.Module):
    """Multi-head causal self-attention on (B, T, d_model): one linear map to q, k, v, the
    masked softmax, one linear map back. ``forward(x)`` attends over x itself;
    :meth:`decode` appends one step to a :class:`KVCache` and attends over the cache."""

    def __init__(self, d_model: int, heads: int) -> None:
        super().__init__()
        if d_model % heads:
            raise ValueError(f"d_model={d_model} must be divisible by heads={heads}")
        self.heads, self.head_dim = heads, d_model // heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def _split(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        batch, steps, _ = x.shape
        q, k, v = self.qkv(x).view(batch, steps, 3, self.heads, self.head_dim).unbind(2)
        return q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)  # (B, heads, T, d)

    def _merge(self, y: torch.Tensor) -> torch.Tensor:
        batch, _, steps, _ = y.shape
        return self.proj(y.transpose(1, 2).reshape(batch, steps, -1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self._split(x)
        steps = x.shape[1]
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim)
        future = torch.ones(steps, steps, dtype=torch.bool, device=x.device).triu(1)
        weights = scores.masked_fill(future, -torch.inf).softmax(dim=-1)
        return self._merge(weights @ v)

    def new_cache(self, batch: int, capacity: int, like: torch.Tensor) -> KVCache:
        """An empty cache for ``capacity`` steps, on ``like``'s device and dtype."""
        shape = (batch, self.heads, capacity, self.head_dim)
        return KVCache(like.new_zeros(shape), like.new_zeros(shape))

    def decode(self, x_t: torch.Tensor, cache: KVCache) -> torch.Tensor:
        """One new step x_t (B, 1, d_model): store its key and value, attend over the cache."""
        if cache.length >= cache.keys.shape[2]:
            raise ValueError(f"the cache is full ({cache.length} steps); allocate a larger one")
        q, k, v = self._split(x_t)
        t = cache.length
        cache.keys[:, :, t : t + 1], cache.values[:, :, t : t + 1] = k, v
        cache.length += 1
        keys, values = cache.keys[:, :, : t + 1], cache.values[:, :, : t + 1]
        weights = (q @ keys.transpose(-1, -2) / math.sqrt(self.head_dim)).softmax(dim=-1)
        return self._merge(weights @ values)

    def fill(self, x: torch.Tensor, cache: KVCache) -> torch.Tensor:
        """``forward(x)`` for a prompt, also storing its keys and values in an empty cache."""
        if cache.length:
            raise ValueError("fill() starts an empty cache; use decode() to extend one")
        _, k, v = self._split(x)
        steps = x.shape[1]
        cache.keys[:, :, :steps], cache.values[:, :, :steps] = k, v
        cache.length = steps
        return self.forward(x)
