"""minLSTM (Feng et al. 2024, "Were RNNs all we needed?", arXiv:2410.01201): an LSTM whose gates
and candidate read only the input x_t, never h_{t−1}, so that the recurrence is linear in h and
can be computed by a prefix scan.

For input x_t ∈ R^D and hidden size H (their log-space version, Appendix A):

    f_t = σ(W_f x_t + b_f),   i_t = σ(W_i x_t + b_i)           forget and input gates
    f'_t = f_t / (f_t + i_t),  i'_t = i_t / (f_t + i_t)          normalised: f' + i' = 1
    h̃_t = g(W_h x_t + b_h),   g(u) = u + 1/2 (u ≥ 0), σ(u) (u < 0)   a positive candidate
    h_t = f'_t ⊙ h_{t−1} + i'_t ⊙ h̃_t

There is no output gate and no separate cell state: h_t is both. With f' + i' = 1, h_t is a
weighted average of h_0 and the candidates, so it stays positive and bounded by them.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional

from lstm_utils.successors.scan import scan_doubling, scan_heinsen, scan_loop

SCANS = {"loop": scan_loop, "doubling": scan_doubling, "heinsen": scan_heinsen}


def log_g(u: torch.Tensor) -> torch.Tensor:
    """log g(u) for minLSTM's positive activation g (u + 1/2 for u ≥ 0, σ(u) below), computed
    without forming g(u) where it would underflow."""
    return torch.where(u >= 0, torch.log(functional.relu(u) + 0.5), -functional.softplus(-u))


class MinLSTM(nn.Module):
    """One minLSTM layer on batch-first input (B, T, D) → hidden states (B, T, H).

    ``forward(x, h0=None, scan="doubling")`` computes all steps at once with the chosen scan
    (``"loop"``, ``"doubling"`` or ``"heinsen"``, see :mod:`lstm_utils.successors.scan`);
    ``h0`` of shape (B, H) must be positive (None: zero). :meth:`step` advances one step, for
    generation. Parameters: one linear map D → 3H (gates f, i and candidate, in that order).
    """

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        if min(input_size, hidden_size) < 1:
            raise ValueError("input_size and hidden_size must be >= 1")
        self.input_size, self.hidden_size = input_size, hidden_size
        self.linear = nn.Linear(input_size, 3 * hidden_size)

    def log_coefficients(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """log f'_t and log (i'_t h̃_t), each (B, T, H), for the scan."""
        if x.dim() != 3 or x.shape[-1] != self.input_size:
            raise ValueError(
                f"x must have shape (batch, steps, {self.input_size}), got {tuple(x.shape)}"
            )
        pre_f, pre_i, pre_h = self.linear(x).chunk(3, dim=-1)
        # log f' = log σ(f) − log(σ(f) + σ(i)) = −softplus(d), d = softplus(−f) − softplus(−i)
        diff = functional.softplus(-pre_f) - functional.softplus(-pre_i)
        return -functional.softplus(diff), -functional.softplus(-diff) + log_g(pre_h)

    def forward(
        self, x: torch.Tensor, h0: torch.Tensor | None = None, scan: str = "doubling"
    ) -> torch.Tensor:
        if scan not in SCANS:
            raise ValueError(f"scan must be one of {sorted(SCANS)}, got {scan!r}")
        if h0 is not None and (h0 <= 0).any():
            raise ValueError("h0 must be positive (minLSTM's states are); pass None for zero")
        log_a, log_b = self.log_coefficients(x)
        return SCANS[scan](log_a, log_b, None if h0 is None else h0.log()).exp()

    def step(self, x_t: torch.Tensor, h: torch.Tensor | None) -> torch.Tensor:
        """One step: x_t (B, D) and h_{t−1} (B, H) or None → h_t (B, H)."""
        log_a, log_b = self.log_coefficients(x_t[:, None])
        h_new = log_b[:, 0].exp()
        return h_new if h is None else log_a[:, 0].exp() * h + h_new
