"""Heat maps of what an LSTM computes: gates and states over time, unit by unit."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from lstm_utils.reference.lstm import LSTMTrace


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
