"""One configurable LSTM layer for the variants of Greff et al. (2017), run as a *population*.

A :class:`VariantLSTM` holds M independent LSTMs ("slots") of the same size, each with its own
weights, its own variant and, optionally, its own dropout rates, and steps all of them together
with batched matrix products. Training M slots at once costs little more than training one on a
CPU (a small LSTM's time goes to per-operation overhead, not arithmetic), and since every slot's
loss depends only on its own weights, their gradients do not mix: see
:func:`lstm_utils.variants.train.clip_per_slot`.

Vanilla, as in Greff et al., has peepholes: the input and forget gates also read c_{t-1} and the
output gate reads c_t, each through a diagonal weight vector (Gers & Schmidhuber, 2000). With
gate pre-activations ``z_* = x_t W_* + h_{t-1} U_* + b_*``:

    i = σ(z_i + p_i ⊙ c_{t-1})    f = σ(z_f + p_f ⊙ c_{t-1})    g = tanh(z_g)
    c_t = f ⊙ c_{t-1} + i ⊙ g      o = σ(z_o + p_o ⊙ c_t)       h_t = o ⊙ tanh(c_t)

Each other variant changes one thing (:data:`VARIANTS`). ``"np"`` (no peepholes) is exactly
``torch.nn.LSTM``; weights are stored in its layout (gate order i, f, g, o), transposed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

#: Each variant as its one change from vanilla (Greff et al., 2017, section 3).
VARIANTS: dict[str, str] = {
    "vanilla": "peepholes, input, forget and output gates, tanh on g and on the output",
    "nig": "no input gate: i = 1",
    "nfg": "no forget gate: f = 1 (the 1997 LSTM)",
    "nog": "no output gate: o = 1",
    "niaf": "no input activation: g = z_g (no tanh)",
    "noaf": "no output activation: h = o ⊙ c (no tanh)",
    "np": "no peepholes (exactly torch.nn.LSTM)",
    "cifg": "coupled input and forget gate: f = 1 − i",
}

State = tuple[torch.Tensor, torch.Tensor]
Value = torch.Tensor | float  # a gate or activation, or the constant that replaces it


class _Switch:
    """A per-slot choice between ``fn(x)`` (where ``flag``, shape (M, 1, 1), is True) and
    ``off``. Where all slots agree, one side is returned without ``torch.where`` and ``fn`` is
    not called when no slot needs it: most layers hold one variant, and ``where`` is costly."""

    def __init__(self, flag: torch.Tensor) -> None:
        self.flag, self.all, self.none = flag, bool(flag.all()), not bool(flag.any())

    def apply(
        self, fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, off: Value
    ) -> Value:
        if self.all:
            return fn(x)
        if self.none:
            return off
        return torch.where(self.flag, fn(x), off)


def _one_minus(x: torch.Tensor) -> torch.Tensor:
    return 1.0 - x


def _flags(variants: Sequence[str]) -> dict[str, torch.Tensor]:
    """Per-slot switches, each a bool tensor of shape (M, 1, 1) that broadcasts over (M, B, H)."""
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        raise ValueError(f"unknown variant(s) {unknown}; choose from {list(VARIANTS)}")
    rules = {
        "input_gate": lambda v: v != "nig",
        "forget_gate": lambda v: v != "nfg",
        "output_gate": lambda v: v != "nog",
        "input_tanh": lambda v: v != "niaf",
        "output_tanh": lambda v: v != "noaf",
        "peepholes": lambda v: v != "np",
        "coupled": lambda v: v == "cifg",
    }
    return {
        k: torch.tensor([rule(v) for v in variants]).view(-1, 1, 1) for k, rule in rules.items()
    }


def _per_slot_rate(name: str, rate: float | Sequence[float], slots: int) -> torch.Tensor:
    rates = torch.as_tensor(rate, dtype=torch.float32).flatten()
    if rates.numel() == 1:
        rates = rates.expand(slots)
    if rates.numel() != slots:
        raise ValueError(f"{name} needs one rate or one per slot ({slots}), got {rates.numel()}")
    if not bool(((rates >= 0) & (rates < 1)).all()):
        raise ValueError(f"{name} rates must lie in [0, 1), got {rates.tolist()}")
    return rates.clone()


def _uniform(shape: Sequence[int], bound: float, gen: torch.Generator) -> torch.Tensor:
    """Entries drawn from U(±bound) with ``gen``, as ``nn.LSTM`` and ``nn.Linear`` draw theirs."""
    return torch.rand(tuple(shape), generator=gen) * 2 * bound - bound


def _slot_mask(rates: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """A dropout mask of ``like``'s shape, dtype and device (slot axis first): 0 with slot m's
    rate, 1/(1 − rate) else."""
    shape = like.shape
    keep = (1 - rates.to(like.dtype)).view(-1, *[1] * (len(shape) - 1))
    return torch.bernoulli(keep.expand(tuple(shape))) / keep


class VariantLSTM(nn.Module):
    """M one-layer LSTMs, slot m of variant ``variants[m]`` initialised from ``seeds[m]``.

    ``forward(x, state)`` takes x of shape (T, M, B, input_size), time-major, one batch per slot,
    and returns the hidden states (T, M, B, H) and the final state (h, c), each (M, B, H).
    Weights are drawn from U(±1/√H), the distribution ``torch.nn.LSTM`` uses, peepholes
    included, from a generator seeded with the slot's seed, so slots with the same seed start
    from the same weights whatever their variant. The bias is one vector drawn so; ``nn.LSTM``
    adds two, so its summed bias has twice this variance.

    In training mode, two regularisers act inside the recurrence, each at a rate per slot:
    ``recurrent_dropout`` drops units of h_{t-1} with one mask for all steps of a sequence
    (variational dropout, Gal & Ghahramani, 2016) and ``weight_drop`` drops entries of the
    recurrent matrix U, one mask per forward pass (DropConnect, as in Merity et al., 2018).
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        variants: Sequence[str],
        seeds: Sequence[int],
        recurrent_dropout: float | Sequence[float] = 0.0,
        weight_drop: float | Sequence[float] = 0.0,
    ) -> None:
        super().__init__()
        if isinstance(variants, str):
            raise TypeError(f"variants must be a sequence of names, e.g. [{variants!r}]")
        if len(variants) != len(seeds) or len(variants) == 0:
            raise ValueError(
                f"give one seed per variant: {len(variants)} variants, {len(seeds)} seeds"
            )
        if min(input_size, hidden_size) < 1:
            raise ValueError(f"sizes must be positive, got {input_size}, {hidden_size}")
        self.input_size, self.hidden_size = input_size, hidden_size
        self.variants, self.seeds = tuple(variants), tuple(int(s) for s in seeds)
        for name, flag in _flags(variants).items():
            self.register_buffer(name, flag)
        slots, H = len(variants), hidden_size
        self.register_buffer(
            "recurrent_dropout", _per_slot_rate("recurrent_dropout", recurrent_dropout, slots)
        )
        self.register_buffer("weight_drop", _per_slot_rate("weight_drop", weight_drop, slots))
        self.W = nn.Parameter(torch.empty(slots, input_size, 4 * H))
        self.U = nn.Parameter(torch.empty(slots, H, 4 * H))
        self.b = nn.Parameter(torch.empty(slots, 1, 4 * H))
        self.peephole = nn.Parameter(torch.empty(slots, 3, 1, H))
        self.reset_parameters()

    @property
    def slots(self) -> int:
        return len(self.variants)

    @torch.no_grad()
    def reset_parameters(self) -> None:
        """Redraw every slot's weights from U(±1/√H) with the slot's own seed."""
        bound = self.hidden_size**-0.5
        for m, seed in enumerate(self.seeds):
            gen = torch.Generator().manual_seed(seed)
            for p in (self.W, self.U, self.b, self.peephole):
                p[m] = _uniform(p.shape[1:], bound, gen)

    def gate(self, name: str) -> slice:
        """Columns of W, U and b that feed gate ``name``: ``"i"``, ``"f"``, ``"g"`` or ``"o"``."""
        k = "ifgo".index(name)
        return slice(k * self.hidden_size, (k + 1) * self.hidden_size)

    @torch.no_grad()
    def set_forget_bias(self, slots: Sequence[int], value: float) -> None:
        """Set the forget-gate bias of ``slots`` to ``value`` (Gers et al., 2000)."""
        self.b[list(slots), 0, self.gate("f")] = value

    @torch.no_grad()
    def orthogonal_recurrent(self, slots: Sequence[int]) -> None:
        """Redraw each gate's H × H block of U as a random orthogonal matrix, in ``slots``,
        from the slot's seed (Saxe et al., 2014; Keras's ``recurrent_initializer`` default)."""
        for m in slots:
            gen = torch.Generator().manual_seed(20_000 + self.seeds[m])
            for k in "ifgo":
                q, r = torch.linalg.qr(
                    torch.randn(self.hidden_size, self.hidden_size, generator=gen)
                )
                self.U[m, :, self.gate(k)] = q * torch.sign(torch.diagonal(r))  # Haar-uniform

    def _masks(self, batch: int) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The recurrent matrix to use (weight-dropped in training) and the h-mask, or None."""
        U, h_mask = self.U, None
        if self.training and bool((self.weight_drop > 0).any()):
            U = U * _slot_mask(self.weight_drop, U)
        if self.training and bool((self.recurrent_dropout > 0).any()):
            h_mask = _slot_mask(
                self.recurrent_dropout, U.new_empty(self.slots, batch, self.hidden_size)
            )
        return U, h_mask

    def forward(self, x: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        if x.dim() != 4 or x.shape[1] != self.slots or x.shape[3] != self.input_size:
            raise ValueError(
                f"x must have shape (T, slots={self.slots}, B, input_size={self.input_size}), "
                f"got {tuple(x.shape)}; for one batch shared by all slots use "
                "x.unsqueeze(1).expand(-1, slots, -1, -1)"
            )
        M, B = x.shape[1], x.shape[2]
        if state is None:
            zeros = x.new_zeros(M, B, self.hidden_size)
            state = (zeros, zeros)
        h, c = state
        if h.shape != (M, B, self.hidden_size) or c.shape != h.shape:
            raise ValueError(f"state must be (h, c), each (M, B, H) = {(M, B, self.hidden_size)}")
        U, h_mask = self._masks(B)
        xw = torch.einsum("tmbx,mxg->tmbg", x, self.W) + self.b  # input projection, all steps
        # peephole vectors, zero for slots without peepholes
        p_i, p_f, p_o = (self.peephole * self.peepholes[:, None]).unbind(1)
        keep_i, keep_f, keep_o, tanh_g, tanh_c, coupled = (
            _Switch(flag)
            for flag in (
                self.input_gate,
                self.forget_gate,
                self.output_gate,
                self.input_tanh,
                self.output_tanh,
                self.coupled,
            )
        )
        peep = bool(self.peepholes.any())
        outputs = []
        for xw_t in xw.unbind(0):  # unbind: one backward node, not one full-size copy per step
            z = torch.baddbmm(xw_t, h if h_mask is None else h * h_mask, U)
            zi, zf, zg, zo = z.chunk(4, dim=-1)
            i = keep_i.apply(torch.sigmoid, zi + p_i * c if peep else zi, 1.0)
            f = keep_f.apply(torch.sigmoid, zf + p_f * c if peep else zf, 1.0)
            f = coupled.apply(_one_minus, i, f)
            g = tanh_g.apply(torch.tanh, zg, zg)
            c = f * c + i * g
            o = keep_o.apply(torch.sigmoid, zo + p_o * c if peep else zo, 1.0)
            h = o * tanh_c.apply(torch.tanh, c, c)
            outputs.append(h)
        return torch.stack(outputs), (h, c)

    @torch.no_grad()
    def load_nn_lstm(self, slot: int, lstm: nn.LSTM) -> None:
        """Copy a one-layer, one-way ``nn.LSTM``'s weights into ``slot``, peepholes zeroed."""
        if lstm.num_layers != 1 or lstm.bidirectional or lstm.proj_size or not lstm.bias:
            raise ValueError("load_nn_lstm needs a one-layer, unidirectional nn.LSTM with biases")
        if (lstm.input_size, lstm.hidden_size) != (self.input_size, self.hidden_size):
            raise ValueError(
                f"sizes differ: nn.LSTM({lstm.input_size}, {lstm.hidden_size}) vs "
                f"VariantLSTM({self.input_size}, {self.hidden_size})"
            )
        self.W[slot] = lstm.weight_ih_l0.T
        self.U[slot] = lstm.weight_hh_l0.T
        self.b[slot, 0] = lstm.bias_ih_l0 + lstm.bias_hh_l0
        self.peephole[slot] = 0.0
