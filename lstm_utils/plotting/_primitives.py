"""Drawing primitives shared by the book's diagrams: arrows, operation circles, layer boxes."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyBboxPatch

# One colour per LSTM gate, used by every figure that shows gates.
GATE_COLORS = {"f": "#d62728", "i": "#2ca02c", "g": "#1f77b4", "o": "#9467bd"}
# Colours of the network diagrams: forward computation, gradients, and the two directions.
FORWARD = "black"
GRADIENT = "#d62728"
BACKWARD_DIRECTION = "#1f77b4"
STATE_FILL = "#fff6d5"


def arrow(
    ax: Axes,
    points: list[tuple[float, float]],
    color: str = FORWARD,
    lw: float = 1.8,
    linestyle: str = "-",
) -> None:
    """A polyline through ``points`` with an arrow head on the last segment."""
    xs, ys = zip(*points, strict=True)
    ax.plot(xs[:-1], ys[:-1], color=color, lw=lw, linestyle=linestyle, solid_capstyle="round")
    ax.annotate(
        "",
        xy=points[-1],
        xytext=points[-2],
        arrowprops={
            "arrowstyle": "-|>",
            "color": color,
            "lw": lw,
            "linestyle": linestyle,
            "shrinkA": 0,
            "shrinkB": 0,
        },
    )


def op(
    ax: Axes, xy: tuple[float, float], symbol: str, radius: float = 0.32, fontsize: float = 15
) -> None:
    """A point-wise operation (× or +) drawn as a circled symbol."""
    ax.add_patch(Circle(xy, radius, facecolor=STATE_FILL, edgecolor="black", lw=1.5, zorder=3))
    ax.text(*xy, symbol, ha="center", va="center", fontsize=fontsize, zorder=4)


def box(
    ax: Axes,
    xy: tuple[float, float],
    label: str,
    color: str,
    size: tuple[float, float] = (0.9, 0.7),
    text_color: str = "white",
    fontsize: float = 12,
) -> None:
    """A layer with weights (σ, tanh, a whole cell) drawn as a rounded, coloured box."""
    x, y = xy
    width, height = size
    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.05",
            facecolor=color,
            edgecolor="black",
            alpha=0.85,
            zorder=3,
        )
    )
    ax.text(x, y, label, ha="center", va="center", color=text_color, fontsize=fontsize, zorder=4)


def new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax``, or the axes of a new figure of ``figsize`` inches when it is None."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def frame(ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float]) -> Axes:
    """Fix the limits, keep circles round, hide the axes."""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
