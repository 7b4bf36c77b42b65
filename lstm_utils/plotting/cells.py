"""Cell diagrams: one LSTM cell and one GRU cell, drawn in the same visual language.

Boxes are layers with weights (σ or tanh of an affine map); circles are element-wise operations
without weights; the line along the top is the state that carries memory from step to step.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch

from lstm_utils.plotting._primitives import (
    GATE_COLORS,
    STATE_FILL,
    arrow,
    box,
    frame,
    new_axes,
    op,
)


def _cell_axes(ax: Axes | None) -> Axes:
    """The axes to draw a cell on, with the cell's grey outline."""
    ax = new_axes(ax, (9, 5.2))
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
    return ax


def _feed_gates(ax: Axes, xs: list[float]) -> None:
    """Arrows from the input bus (y = 1) up into the gate boxes at ``xs``."""
    for x in xs:
        arrow(ax, [(x, 1.0), (x, 1.62)])


def draw_lstm_cell(ax: Axes | None = None) -> Axes:
    """Draw one LSTM cell: the cell-state line on top, the four gates below it.

    Boxes are layers with weights (σ or tanh of an affine map of [h_{t-1}, x_t]); circles
    are element-wise operations without weights.
    """
    ax = _cell_axes(ax)
    gx = {"f": 2.0, "i": 3.5, "g": 5.0, "o": 6.5}
    # Inputs: h_{t-1} from the left and x_t from below meet on a bus feeding every gate.
    ax.plot([-0.8, 6.5], [1.0, 1.0], color="black", lw=1.8)
    arrow(ax, [(1.2, -0.8), (1.2, 1.0)])
    _feed_gates(ax, list(gx.values()))
    # The conveyor belt: c_{t-1} -> ⊙ f_t -> + i_t ⊙ g_t -> c_t.
    arrow(ax, [(-0.8, 5.0), (1.68, 5.0)])
    arrow(ax, [(2.32, 5.0), (4.68, 5.0)])
    arrow(ax, [(5.32, 5.0), (10.8, 5.0)])
    op(ax, (2.0, 5.0), "×")
    op(ax, (5.0, 5.0), "+")
    arrow(ax, [(gx["f"], 2.38), (2.0, 4.68)], GATE_COLORS["f"])
    op(ax, (5.0, 3.4), "×")
    arrow(ax, [(gx["i"], 2.38), (3.5, 3.4), (4.68, 3.4)], GATE_COLORS["i"])
    arrow(ax, [(gx["g"], 2.38), (5.0, 3.08)], GATE_COLORS["g"])
    arrow(ax, [(5.0, 3.72), (5.0, 4.68)])
    # Output: h_t = o_t ⊙ tanh(c_t).
    arrow(ax, [(8.0, 5.0), (8.0, 4.05)])
    ax.add_patch(
        FancyBboxPatch(
            (7.55, 3.3),
            0.9,
            0.55,
            boxstyle="round,pad=0.05",
            facecolor=STATE_FILL,
            edgecolor="black",
            zorder=3,
        )
    )
    ax.text(8.0, 3.57, "tanh", ha="center", va="center", fontsize=11, zorder=4)
    op(ax, (8.0, 2.0), "×")
    arrow(ax, [(8.0, 3.3), (8.0, 2.32)])
    arrow(ax, [(gx["o"], 2.38), (6.5, 2.7), (7.3, 2.7), (7.75, 2.22)], GATE_COLORS["o"])
    arrow(ax, [(8.0, 1.68), (8.0, 1.0), (10.8, 1.0)])
    arrow(ax, [(9.3, 1.0), (9.3, 6.8)])
    for name, x in gx.items():
        box(ax, (x, 2.0), "tanh" if name == "g" else "σ", GATE_COLORS[name])
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
    return frame(ax, (-1.2, 11.3), (-1.1, 7.1))


# The GRU's gates: the update gate keeps (red, like the LSTM's forget gate), the reset gate
# (orange) filters what the candidate sees, the candidate (blue) is the LSTM's g.
GRU_GATE_COLORS = {"r": "#ff7f0e", "z": "#d62728", "n": "#1f77b4"}


def draw_gru_cell(ax: Axes | None = None) -> Axes:
    """Draw one GRU cell (PyTorch's variant) in the style of :func:`draw_lstm_cell`.

    The hidden state runs along the top: it is kept where the update gate z_t is 1 and replaced
    by the candidate n_t where z_t is 0, h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ n_t. The reset gate
    r_t multiplies the recurrent projection h_{t-1} W_hn + b_hn before the candidate's tanh
    (the "reset after" form that PyTorch, cuDNN and Keras compute).
    """
    ax = _cell_axes(ax)
    gx = {"r": 1.5, "z": 3.0, "lin": 4.5, "n": 7.0}
    # h_{t-1} runs along the top and also drops onto the bus that feeds the gates; x_t joins it.
    ax.plot([-0.3, -0.3, 7.0], [5.0, 1.0, 1.0], color="black", lw=1.8)
    arrow(ax, [(0.6, -0.8), (0.6, 1.0)])
    _feed_gates(ax, list(gx.values()))
    # The state line: h_{t-1} -> × z_t -> + (1 - z_t) ⊙ n_t -> h_t.
    arrow(ax, [(-0.8, 5.0), (2.68, 5.0)])
    arrow(ax, [(3.32, 5.0), (6.68, 5.0)])
    arrow(ax, [(7.32, 5.0), (10.8, 5.0)])
    op(ax, (3.0, 5.0), "×")
    op(ax, (7.0, 5.0), "+")
    arrow(ax, [(9.3, 5.0), (9.3, 6.8)])
    # Update gate: z_t keeps the old state, 1 - z_t admits the candidate.
    arrow(ax, [(gx["z"], 2.38), (3.0, 4.68)], GRU_GATE_COLORS["z"])
    arrow(ax, [(3.0, 3.9), (4.68, 3.9)], GRU_GATE_COLORS["z"])
    op(ax, (5.0, 3.9), "1−", fontsize=11)
    arrow(ax, [(5.32, 3.9), (6.68, 3.9)], GRU_GATE_COLORS["z"])
    op(ax, (7.0, 3.9), "×")
    arrow(ax, [(7.0, 4.22), (7.0, 4.68)])
    # Reset gate: r_t ⊙ (h_{t-1} W_hn + b_hn), then into the candidate's tanh.
    op(ax, (5.75, 2.0), "×")
    arrow(ax, [(gx["r"], 2.38), (1.5, 3.0), (5.75, 3.0), (5.75, 2.32)], GRU_GATE_COLORS["r"])
    arrow(ax, [(4.95, 2.0), (5.43, 2.0)])
    arrow(ax, [(6.07, 2.0), (6.5, 2.0)])
    arrow(ax, [(gx["n"], 2.38), (7.0, 3.58)], GRU_GATE_COLORS["n"])
    box(ax, (gx["r"], 2.0), "σ", GRU_GATE_COLORS["r"])
    box(ax, (gx["z"], 2.0), "σ", GRU_GATE_COLORS["z"])
    box(ax, (gx["lin"], 2.0), "$W_{hn}$", "#dddddd", text_color="black")
    box(ax, (gx["n"], 2.0), "tanh", GRU_GATE_COLORS["n"])
    for text, x, y, color in [
        ("$r_t$", 1.65, 2.55, GRU_GATE_COLORS["r"]),
        ("$z_t$", 2.45, 4.2, GRU_GATE_COLORS["z"]),
        ("$1 - z_t$", 5.35, 4.15, GRU_GATE_COLORS["z"]),
        ("$n_t$", 7.2, 2.85, GRU_GATE_COLORS["n"]),
    ]:
        ax.text(x, y, text, color=color, fontsize=13)
    for text, xy in {
        "$h_{t-1}$": (-1.0, 5.35),
        "$h_t$": (10.4, 5.35),
        "$x_t$": (0.75, -0.75),
        r"$h_t$ (output)": (9.45, 6.5),
    }.items():
        ax.text(*xy, text, fontsize=13)
    ax.text(0.45, 6.1, "hidden state: the only state", fontsize=10, style="italic")
    return frame(ax, (-1.2, 11.3), (-1.1, 7.1))
