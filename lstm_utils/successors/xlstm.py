"""xLSTM's two cells (Beck et al. 2024, "xLSTM: Extended Long Short-Term Memory",
arXiv:2405.04517, section 2), each in a stabilised form (what one trains) and a direct,
unstabilised form (the equations as written, which overflow for large gate pre-activations).

**sLSTM** (scalar memory, exponential gating, recurrent): for pre-activations
z̃, ĩ, f̃, õ = W x_t + R h_{t−1} + b,

    c_t = f_t c_{t−1} + i_t z_t,   n_t = f_t n_{t−1} + i_t,   h_t = o_t ⊙ c_t / n_t
    z_t = tanh(z̃),  i_t = exp(ĩ),  f_t = σ(f̃) (or exp(f̃)),  o_t = σ(õ)

n_t, the normaliser, sums the input gates weighted like the cell, so c_t / n_t is a weighted
average of the z's. Stabilised: m_t = max(log f_t + m_{t−1}, log i_t) and i'_t = exp(ĩ − m_t),
f'_t = exp(log f_t + m_{t−1} − m_t) replace i_t and f_t; c and n are then scaled by exp(−m_t),
and h_t is unchanged.

**mLSTM** (matrix memory C ∈ R^{d×d} per head, no recurrence in the gates, so it is
parallelisable): with q_t, k_t = (W_k x_t)/√d, v_t,

    C_t = f_t C_{t−1} + i_t v_t k_tᵀ,   n_t = f_t n_{t−1} + i_t k_t
    h̃_t = C_t q_t / max(abs(n_tᵀ q_t), 1),   h_t = o_t ⊙ h̃_t

Stabilised, the lower bound 1 becomes exp(−m_t). The parallel form computes all steps at once
from the decay matrix D_ts = exp(Σ_{j=s+1}^{t} log f_j + ĩ_s) for s ≤ t (0 above), like causal
attention with a learned decay.
"""

from __future__ import annotations

import math

import torch
from torch.nn import functional


def _check_seq(name: str, value: torch.Tensor, ndim: int, layout: str) -> None:
    if value.dim() != ndim:
        raise ValueError(f"{name} must have shape {layout}, got {tuple(value.shape)}")
    if torch.isnan(value).any():
        raise ValueError(f"{name} contains NaN")


def slstm_direct(
    pre: torch.Tensor, recurrent: torch.Tensor, exp_forget: bool = False
) -> torch.Tensor:
    """sLSTM as written, unstabilised: ``pre`` (B, T, 4H) the input part W x_t + b of the
    pre-activations z̃, ĩ, f̃, õ (in that order), ``recurrent`` R of shape (H, 4H). Returns h
    (B, T, H). Overflows once Σ ĩ passes about 88 in float32."""
    _check_seq("pre", pre, 3, "(batch, steps, 4 * hidden)")
    batch, steps, four_h = pre.shape
    h = c = n = pre.new_zeros(batch, four_h // 4)
    out = []
    for t in range(steps):
        z_, i_, f_, o_ = (pre[:, t] + h @ recurrent).chunk(4, dim=-1)
        i, f = torch.exp(i_), torch.exp(f_) if exp_forget else torch.sigmoid(f_)
        c = f * c + i * torch.tanh(z_)
        n = f * n + i
        h = torch.sigmoid(o_) * c / n
        out.append(h)
    return torch.stack(out, dim=1)


def slstm_stabilised(
    pre: torch.Tensor, recurrent: torch.Tensor, exp_forget: bool = False
) -> torch.Tensor:
    """The same sLSTM with the stabiliser state m_t (section 2.2 of Beck et al.). Shapes as
    :func:`slstm_direct`; equal to it wherever that does not overflow."""
    _check_seq("pre", pre, 3, "(batch, steps, 4 * hidden)")
    batch, steps, four_h = pre.shape
    h = c = n = pre.new_zeros(batch, four_h // 4)
    m = pre.new_full((batch, four_h // 4), -torch.inf)
    out = []
    for t in range(steps):
        z_, i_, f_, o_ = (pre[:, t] + h @ recurrent).chunk(4, dim=-1)
        log_f = f_ if exp_forget else functional.logsigmoid(f_)
        m_new = torch.maximum(log_f + m, i_)
        i = torch.exp(i_ - m_new)
        f = torch.exp(log_f + m - m_new)  # exp(-inf) = 0 at the first step
        c = f * c + i * torch.tanh(z_)
        n = f * n + i
        h = torch.sigmoid(o_) * c / n
        m = m_new
        out.append(h)
    return torch.stack(out, dim=1)


def _check_mlstm(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, i_pre, f_pre) -> None:
    _check_seq("q", q, 4, "(batch, heads, steps, head_dim)")
    if k.shape != q.shape or v.shape != q.shape:
        raise ValueError(
            f"q, k and v must have the same shape, got {tuple(q.shape)}, {tuple(k.shape)}, "
            f"{tuple(v.shape)}"
        )
    if i_pre.shape != q.shape[:3] or f_pre.shape != q.shape[:3]:
        raise ValueError(
            f"gate pre-activations must have shape (batch, heads, steps) = {tuple(q.shape[:3])}, "
            f"got {tuple(i_pre.shape)} and {tuple(f_pre.shape)}"
        )


def mlstm_recurrent(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    i_pre: torch.Tensor,
    f_pre: torch.Tensor,
    stabilised: bool = True,
) -> torch.Tensor:
    """mLSTM step by step, h̃ before the output gate: q, k, v (B, heads, T, d) (k not yet
    scaled), input and forget gate pre-activations ĩ, f̃ (B, heads, T); i = exp(ĩ),
    f = σ(f̃). Returns h̃ (B, heads, T, d). ``stabilised=False`` is the direct form."""
    _check_mlstm(q, k, v, i_pre, f_pre)
    batch, heads, steps, dim = q.shape
    k = k / math.sqrt(dim)
    C = q.new_zeros(batch, heads, dim, dim)
    n = q.new_zeros(batch, heads, dim)
    m = q.new_full((batch, heads), -torch.inf)
    log_f_all = functional.logsigmoid(f_pre)
    out = []
    for t in range(steps):
        log_f, i_ = log_f_all[..., t], i_pre[..., t]
        if stabilised:
            m_new = torch.maximum(log_f + m, i_)
            f, i = torch.exp(log_f + m - m_new), torch.exp(i_ - m_new)
            floor = torch.exp(-m_new)
            m = m_new
        else:
            f, i, floor = torch.exp(log_f), torch.exp(i_), torch.ones_like(i_)
        kt, vt, qt = k[..., t, :], v[..., t, :], q[..., t, :]
        C = f[..., None, None] * C + i[..., None, None] * vt[..., :, None] * kt[..., None, :]
        n = f[..., None] * n + i[..., None] * kt
        numerator = (C @ qt[..., None])[..., 0]
        denominator = torch.maximum((n * qt).sum(-1).abs(), floor)
        out.append(numerator / denominator[..., None])
    return torch.stack(out, dim=2)


def mlstm_parallel(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, i_pre: torch.Tensor, f_pre: torch.Tensor
) -> torch.Tensor:
    """mLSTM for all steps at once, stabilised (Beck et al., appendix on the parallel form):
    log D_ts = Σ_{j=s+1}^{t} log σ(f̃_j) + ĩ_s for s ≤ t, m_t = max_s log D_ts,
    C̃ = (q kᵀ/√d) ⊙ exp(log D − m), h̃_t = Σ_s C̃_ts v_s / max(abs(Σ_s C̃_ts), exp(−m_t)).
    Same arguments and result as :func:`mlstm_recurrent`; O(T²) memory, like attention."""
    _check_mlstm(q, k, v, i_pre, f_pre)
    steps, dim = q.shape[2], q.shape[3]
    cum = torch.cumsum(functional.logsigmoid(f_pre), dim=-1)  # (B, heads, T)
    log_d = cum[..., :, None] - cum[..., None, :] + i_pre[..., None, :]
    causal = torch.ones(steps, steps, dtype=torch.bool, device=q.device).tril()
    log_d = log_d.masked_fill(~causal, -torch.inf)
    m = log_d.amax(dim=-1, keepdim=True)
    scores = (q @ k.transpose(-1, -2)) / math.sqrt(dim) * torch.exp(log_d - m)
    denominator = torch.maximum(scores.sum(-1, keepdim=True).abs(), torch.exp(-m))
    return (scores / denominator) @ v
