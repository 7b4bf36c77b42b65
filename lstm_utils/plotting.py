"""Figures used across the book: the LSTM cell diagram and gate-activation heat maps."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch

from lstm_utils.numpy_lstm import LSTMTrace

GATE_COLORS = {"f": "#d62728", "i": "#2ca02c", "g": "#1f77b4", "o": "#9467bd"}


def _arrow(ax: Axes, points: list[tuple[float, float]], color: str = "black") -> None:
    """A polyline through ``points`` with an arrow head on the last segment."""
    xs, ys = zip(*points, strict=True)
    ax.plot(xs[:-1], ys[:-1], color=color, lw=1.8, solid_capstyle="round")
    ax.annotate(
        "",
        xy=points[-1],
        xytext=points[-2],
        arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.8, "shrinkA": 0, "shrinkB": 0},
    )


def _op(ax: Axes, xy: tuple[float, float], symbol: str) -> None:
    """A point-wise operation (⊙ or +) drawn as a circled symbol."""
    ax.add_patch(Circle(xy, 0.32, facecolor="#fff6d5", edgecolor="black", lw=1.5, zorder=3))
    ax.text(*xy, symbol, ha="center", va="center", fontsize=15, zorder=4)


def _box(ax: Axes, xy: tuple[float, float], label: str, color: str) -> None:
    """A neural-network layer (σ or tanh) drawn as a coloured box."""
    x, y = xy
    ax.add_patch(
        FancyBboxPatch(
            (x - 0.45, y - 0.35),
            0.9,
            0.7,
            boxstyle="round,pad=0.05",
            facecolor=color,
            edgecolor="black",
            alpha=0.85,
            zorder=3,
        )
    )
    ax.text(x, y, label, ha="center", va="center", color="white", fontsize=12, zorder=4)


def draw_lstm_cell(ax: Axes | None = None) -> Axes:
    """Draw one LSTM cell: the cell-state line on top, the four gates below it.

    Boxes are layers with weights (σ or tanh of an affine map of [h_{t-1}, x_t]); circles
    are element-wise operations without weights.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 5.2))
    ax.add_patch(
        FancyBboxPatch(
            (0.3, 0.4),
            9.6,
            5.4,
            boxstyle="round,pad=0.1",
            facecolor="#f4f4f4",
            edgecolor="#888888",
            lw=1.2,
        )
    )
    gx = {"f": 2.0, "i": 3.5, "g": 5.0, "o": 6.5}
    # Inputs: h_{t-1} from the left and x_t from below meet on a bus feeding every gate.
    ax.plot([-0.8, 6.5], [1.0, 1.0], color="black", lw=1.8)
    _arrow(ax, [(1.2, -0.8), (1.2, 1.0)])
    for x in gx.values():
        _arrow(ax, [(x, 1.0), (x, 1.62)])
    # The conveyor belt: c_{t-1} -> ⊙ f_t -> + i_t ⊙ g_t -> c_t.
    _arrow(ax, [(-0.8, 5.0), (1.68, 5.0)])
    _arrow(ax, [(2.32, 5.0), (4.68, 5.0)])
    _arrow(ax, [(5.32, 5.0), (10.8, 5.0)])
    _op(ax, (2.0, 5.0), "×")
    _op(ax, (5.0, 5.0), "+")
    _arrow(ax, [(gx["f"], 2.38), (2.0, 4.68)], GATE_COLORS["f"])
    _op(ax, (5.0, 3.4), "×")
    _arrow(ax, [(gx["i"], 2.38), (3.5, 3.4), (4.68, 3.4)], GATE_COLORS["i"])
    _arrow(ax, [(gx["g"], 2.38), (5.0, 3.08)], GATE_COLORS["g"])
    _arrow(ax, [(5.0, 3.72), (5.0, 4.68)])
    # Output: h_t = o_t ⊙ tanh(c_t).
    _arrow(ax, [(8.0, 5.0), (8.0, 4.05)])
    ax.add_patch(
        FancyBboxPatch(
            (7.55, 3.3),
            0.9,
            0.55,
            boxstyle="round,pad=0.05",
            facecolor="#fff6d5",
            edgecolor="black",
            zorder=3,
        )
    )
    ax.text(8.0, 3.57, "tanh", ha="center", va="center", fontsize=11, zorder=4)
    _op(ax, (8.0, 2.0), "×")
    _arrow(ax, [(8.0, 3.3), (8.0, 2.32)])
    _arrow(ax, [(gx["o"], 2.38), (6.5, 2.7), (7.3, 2.7), (7.75, 2.22)], GATE_COLORS["o"])
    _arrow(ax, [(8.0, 1.68), (8.0, 1.0), (10.8, 1.0)])
    _arrow(ax, [(9.3, 1.0), (9.3, 6.8)])
    for name, x in gx.items():
        _box(ax, (x, 2.0), "tanh" if name == "g" else "σ", GATE_COLORS[name])
    labels = {
        "f": ("$f_t$", 2.2, 3.6),
        "i": ("$i_t$", 3.15, 2.9),
        "g": (r"$\tilde c_t$", 5.3, 2.75),
        "o": ("$o_t$", 6.95, 3.0),
    }
    for name, (text, x, y) in labels.items():
        ax.text(x, y, text, color=GATE_COLORS[name], fontsize=13)
    for text, xy in {
        "$c_{t-1}$": (-1.0, 5.35),
        "$c_t$": (10.4, 5.35),
        "$h_{t-1}$": (-1.0, 1.3),
        "$h_t$": (10.4, 1.3),
        "$x_t$": (1.35, -0.75),
        r"$h_t$ (output)": (9.45, 6.5),
    }.items():
        ax.text(*xy, text, fontsize=13)
    ax.text(0.45, 6.1, "cell state: the conveyor belt", fontsize=10, style="italic")
    ax.set_xlim(-1.2, 11.3)
    ax.set_ylim(-1.1, 7.1)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_gate_activations(trace: LSTMTrace, sample: int = 0, units: int | None = None) -> Figure:
    """Heat maps (unit × time) of i, f, g, o, c and h for one sequence of a batch."""
    panels = [
        ("i", "input gate $i_t$", "Greens", (0, 1)),
        ("f", "forget gate $f_t$", "Reds", (0, 1)),
        ("g", r"candidate $\tilde c_t$", "RdBu_r", (-1, 1)),
        ("o", "output gate $o_t$", "Purples", (0, 1)),
        ("c", "cell state $c_t$", "RdBu_r", None),
        ("h", "hidden state $h_t$", "RdBu_r", (-1, 1)),
    ]
    n_units = trace.h.shape[2] if units is None else units
    fig, axes = plt.subplots(
        2, 3, figsize=(12, 6), sharex=True, sharey=True, constrained_layout=True
    )
    for ax, (key, title, cmap, limits) in zip(axes.flat, panels, strict=True):
        values = getattr(trace, key)[:, sample, :n_units].T
        if limits is None:
            bound = float(np.abs(values).max()) or 1.0
            limits = (-bound, bound)
        im = ax.imshow(
            values,
            aspect="auto",
            cmap=cmap,
            vmin=limits[0],
            vmax=limits[1],
            interpolation="nearest",
        )
        ax.set_title(title)
        fig.colorbar(im, ax=ax, shrink=0.85)
    for ax in axes[1]:
        ax.set_xlabel("time step $t$")
    for ax in axes[:, 0]:
        ax.set_ylabel("hidden unit")
    return fig
