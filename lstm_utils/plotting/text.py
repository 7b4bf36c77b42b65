"""Text coloured by a value per character: what one unit of a language model tracks."""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from lstm_utils.plotting._primitives import new_axes


def plot_text_activations(
    text: str,
    values: np.ndarray,
    ax: Axes | None = None,
    line_width: int = 64,
    cmap: str = "RdBu_r",
    limits: tuple[float, float] = (-1.0, 1.0),
) -> Axes:
    """Draw ``text`` in a monospaced grid, each character on a background coloured by its
    value (one value per character; blue low, red high with the default ``cmap``).

    Lines break at the text's newlines (drawn as ``↵``) and after ``line_width`` characters.
    """
    values = np.asarray(values, dtype=float)
    if values.shape != (len(text),):
        raise ValueError(
            f"need one value per character: text has {len(text)} characters, values shape "
            f"{values.shape}"
        )
    if line_width < 1 or not limits[0] < limits[1]:
        raise ValueError(
            f"line_width must be >= 1 and limits increasing, got {line_width}, {limits}"
        )
    ax = new_axes(ax, figsize=(line_width * 0.16, 3))
    colour = matplotlib.colormaps[cmap]
    norm = Normalize(*limits, clip=True)
    row = col = 0
    for char, value in zip(text, values, strict=True):
        ax.add_patch(Rectangle((col, -row - 1), 1, 1, facecolor=colour(norm(value)), lw=0))
        shown = "↵" if char == "\n" else char
        ax.text(col + 0.5, -row - 0.5, shown, ha="center", va="center", family="monospace",
                fontsize=9)  # fmt: skip
        col += 1
        if char == "\n" or col == line_width:
            row, col = row + 1, 0
    rows = row + (col > 0)
    ax.set(xlim=(0, line_width), ylim=(-max(rows, 1), 0), aspect="equal")
    ax.axis("off")
    return ax
