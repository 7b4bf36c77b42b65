"""The linear recurrence h_t = a_t ⊙ h_{t−1} + b_t, three ways: a step-by-step loop, a prefix
scan of O(log T) depth (Hillis–Steele doubling), and Heinsen's log-space closed form.

All three take positive coefficients in log space, ``log_a`` and ``log_b`` of shape
(B, T, H), and ``log_h0`` of shape (B, H) (``None``: h_0 = 0), and return h_1 … h_T in log
space, shape (B, T, H). Working with logarithms keeps products of many gates in (0, 1) from
underflowing; it needs a_t, b_t > 0 (minLSTM's gates and its activation ``g`` give that).

Source: Heinsen (2023), "Efficient parallelization of a ubiquitous sequential computation",
arXiv:2311.06281: log h_t = a*_t + log(h_0 + Σ_{s≤t} exp(log b_s − a*_s)), a*_t = Σ_{s≤t} log a_s.
"""

from __future__ import annotations

import torch


def _check(log_a: torch.Tensor, log_b: torch.Tensor, log_h0: torch.Tensor | None) -> None:
    if log_a.dim() != 3 or log_a.shape != log_b.shape:
        raise ValueError(
            "log_a and log_b must have the same shape (batch, steps, features), got "
            f"{tuple(log_a.shape)} and {tuple(log_b.shape)}"
        )
    if log_h0 is not None and log_h0.shape != (log_a.shape[0], log_a.shape[2]):
        raise ValueError(
            f"log_h0 must have shape (batch, features) = {(log_a.shape[0], log_a.shape[2])}, "
            f"got {tuple(log_h0.shape)}"
        )
    if torch.isnan(log_a).any() or torch.isnan(log_b).any():
        raise ValueError("log_a or log_b contains NaN; take logs of positive coefficients only")


def scan_loop(
    log_a: torch.Tensor, log_b: torch.Tensor, log_h0: torch.Tensor | None = None
) -> torch.Tensor:
    """The recurrence one step at a time, T dependent steps: log h_t = logaddexp(log a_t +
    log h_{t−1}, log b_t). Shapes as in the module docstring."""
    _check(log_a, log_b, log_h0)
    log_h = log_h0 if log_h0 is not None else torch.full_like(log_a[:, 0], -torch.inf)
    out = []
    for t in range(log_a.shape[1]):
        log_h = torch.logaddexp(log_a[:, t] + log_h, log_b[:, t])
        out.append(log_h)
    return torch.stack(out, dim=1)


def scan_doubling(
    log_a: torch.Tensor, log_b: torch.Tensor, log_h0: torch.Tensor | None = None
) -> torch.Tensor:
    """The recurrence as a prefix scan: ⌈log₂ T⌉ rounds, each one vectorised operation over all
    steps (Hillis and Steele's doubling; O(T log T) work, O(log T) depth).

    Step t is the affine map h ↦ a_t h + b_t; composing two maps gives another,
    (a₂, b₂) ∘ (a₁, b₁) = (a₂ a₁, a₂ b₁ + b₂), and composition is associative. After round k
    every step holds the composition of the 2^k maps ending at it. Shapes as in the module
    docstring."""
    _check(log_a, log_b, log_h0)
    steps = log_a.shape[1]
    offset = 1
    while offset < steps:
        # combine each step with the block of maps ending `offset` steps earlier
        earlier_a, earlier_b = log_a[:, :-offset], log_b[:, :-offset]
        later_a = log_a[:, offset:]
        new_b = torch.logaddexp(later_a + earlier_b, log_b[:, offset:])
        log_a = torch.cat([log_a[:, :offset], later_a + earlier_a], dim=1)
        log_b = torch.cat([log_b[:, :offset], new_b], dim=1)
        offset *= 2
    if log_h0 is None:
        return log_b
    return torch.logaddexp(log_a + log_h0[:, None], log_b)


def scan_heinsen(
    log_a: torch.Tensor, log_b: torch.Tensor, log_h0: torch.Tensor | None = None
) -> torch.Tensor:
    """Heinsen's closed form with a cumulative sum and a cumulative log-sum-exp (PyTorch's
    ``cumsum`` and ``logcumsumexp``). Shapes as in the module docstring.

    a*_t grows like t · mean(log a) and exp(log b − a*) is formed relative to it, so in float32
    the result loses digits as T grows; the doubling scan sums in a tree and loses fewer."""
    _check(log_a, log_b, log_h0)
    a_star = torch.cumsum(log_a, dim=1)
    if log_h0 is not None:
        log_b = torch.cat([log_h0[:, None], log_b], dim=1)
        a_star = torch.cat([torch.zeros_like(a_star[:, :1]), a_star], dim=1)
        return (a_star + torch.logcumsumexp(log_b - a_star, dim=1))[:, 1:]
    return a_star + torch.logcumsumexp(log_b - a_star, dim=1)
