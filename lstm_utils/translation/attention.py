"""Attention from its equations: scores, masking, softmax and the weighted sum.

Shapes: a batch of B examples, T queries (decoder states) of size ``d_q`` and S keys = values
(encoder states) of size ``d_k``. A boolean ``mask`` (B, S) is True on real source positions
and False on padding.

- dot (Luong et al. 2015):            score(q, k) = q · k
- multiplicative, "general" (Luong):  score(q, k) = q^T W k,                 W: (d_q, d_k)
- additive (Bahdanau et al. 2015):    score(q, k) = v^T tanh(W_q q + W_k k),  W_q: (A, d_q),
                                                                            W_k: (A, d_k), v: (A,)

The weights are alpha = softmax over the S positions of the scores, padded positions set to
-inf first (so their weight is exactly 0), and the context is sum_j alpha_j k_j.
"""

from __future__ import annotations

import torch
from torch import nn


class DotScore(nn.Module):
    """score(q, k) = q · k (needs d_q = d_k); no parameters."""

    def forward(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        if query.shape[-1] != keys.shape[-1]:
            raise ValueError(
                f"dot scores need queries and keys of one size, got {query.shape[-1]} and "
                f"{keys.shape[-1]}; use MultiplicativeScore for different sizes"
            )
        return query @ keys.transpose(1, 2)  # (B, T, S)


class MultiplicativeScore(nn.Module):
    """score(q, k) = q^T W k (Luong et al.'s "general" score)."""

    def __init__(self, query_size: int, key_size: int) -> None:
        super().__init__()
        self.weight = nn.Linear(key_size, query_size, bias=False)  # W k

    def forward(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        return query @ self.weight(keys).transpose(1, 2)  # (B, T, S)


class AdditiveScore(nn.Module):
    """score(q, k) = v^T tanh(W_q q + W_k k) (Bahdanau et al.'s score), A = ``attention_size``."""

    def __init__(self, query_size: int, key_size: int, attention_size: int) -> None:
        super().__init__()
        self.w_query = nn.Linear(query_size, attention_size, bias=False)
        self.w_key = nn.Linear(key_size, attention_size, bias=False)
        self.v = nn.Linear(attention_size, 1, bias=False)

    def forward(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        q = self.w_query(query)[:, :, None, :]  # (B, T, 1, A)
        k = self.w_key(keys)[:, None, :, :]  # (B, 1, S, A)
        return self.v(torch.tanh(q + k)).squeeze(-1)  # (B, T, S)


def attend(
    query: torch.Tensor,
    keys: torch.Tensor,
    mask: torch.Tensor,
    score: nn.Module,
    values: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The context (B, T, d_v) and the weights (B, T, S) of ``query`` (B, T, d_q) over
    ``keys`` (B, S, d_k) (and ``values``, default the keys), padded positions masked out.

    ``mask`` (B, S) is True where the source position is real. Every row needs at least one
    real position; padding never changes the result (its weight is exactly 0).
    """
    if query.dim() != 3 or keys.dim() != 3:
        raise ValueError(
            f"query must be (B, T, d_q) and keys (B, S, d_k), got shapes {tuple(query.shape)} "
            f"and {tuple(keys.shape)}; add the missing axis with unsqueeze"
        )
    values = keys if values is None else values
    if mask.shape != keys.shape[:2] or mask.dtype != torch.bool:
        raise ValueError(
            f"mask must be a bool tensor of shape (B, S) = {tuple(keys.shape[:2])}, got "
            f"{mask.dtype} {tuple(mask.shape)}; build it as positions < lengths[:, None]"
        )
    if not bool(mask.any(dim=1).all()):
        raise ValueError("a row of mask has no real position; every source needs length >= 1")
    scores = score(query, keys).masked_fill(~mask[:, None, :], float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ values, weights


def length_mask(lengths: torch.Tensor, width: int) -> torch.Tensor:
    """(B, width) bool, True at positions < ``lengths`` (on ``lengths``' device)."""
    return torch.arange(width, device=lengths.device)[None, :] < lengths[:, None]
