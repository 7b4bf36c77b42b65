"""Network diagrams: recurrent layers unrolled in time, with what flows where.

Every cell is a box, every arrow a vector; black arrows are the forward computation, red ones
gradients (backpropagation through time) or values fed back, blue ones the backward direction
of a bidirectional layer.
"""

from __future__ import annotations

from itertools import pairwise

from matplotlib.axes import Axes

from lstm_utils.plotting._primitives import (
    BACKWARD_DIRECTION,
    FORWARD,
    GRADIENT,
    STATE_FILL,
    arrow,
    box,
    frame,
    new_axes,
    op,
)

CELL = "#c6dbef"  # a recurrent cell (one time step of one layer)
DECODER_CELL = "#fdd0a2"
CELL_SIZE = (1.5, 0.8)


EDGE = CELL_SIZE[0] / 2 + 0.05  # where a horizontal arrow meets a cell's side


def _cell(ax: Axes, xy: tuple[float, float], label: str, color: str = CELL) -> None:
    box(ax, xy, label, color, size=CELL_SIZE, text_color="black", fontsize=11)


def _row(
    ax: Axes,
    xs: list[float],
    y: float,
    label: str,
    color: str = CELL,
    link: str = FORWARD,
    leftward: bool = False,
) -> None:
    """One layer unrolled: a cell at each of ``xs``, each passing its state to the next one
    (to the left if ``leftward``, as in the backward direction of a bidirectional layer)."""
    for x in xs:
        _cell(ax, (x, y), label, color)
    for a, b in pairwise(xs):
        start, end = (b - EDGE, a + EDGE) if leftward else (a + EDGE, b - EDGE)
        arrow(ax, [(start, y), (end, y)], link)


def _slash(num: str, den: str) -> str:
    """∂num/∂den, inline."""
    return rf"\partial {num} / \partial {den}"


def _frac(num: str, den: str) -> str:
    """∂num/∂den as a fraction."""
    return rf"\frac{{\partial {num}}}{{\partial {den}}}"


def _check_steps(steps: int, minimum: int) -> None:
    if not isinstance(steps, int) or steps < minimum:
        raise ValueError(f"steps must be an int >= {minimum}, got {steps!r}")


def draw_unrolled_rnn(ax: Axes | None = None, steps: int = 4) -> Axes:
    """A plain RNN unrolled over ``steps`` steps, with a loss on the last one and BPTT's paths.

    Forward (black): h_t = tanh(x_t W_x + h_{t-1} W_h + b), the same weights at every step.
    Backward (red): the gradient enters at h_T and is multiplied, once per step back, by the
    Jacobian ∂h_t/∂h_{t-1} = diag(1 − h_t²) W_hᵀ; the arrows thin out as it typically shrinks.
    """
    _check_steps(steps, 2)
    ax = new_axes(ax, (2.6 * steps + 2.5, 5.4))
    gap = 2.6
    xs = [gap * t for t in range(steps)]
    y = 2.0
    last = steps
    arrow(ax, [(-1.6, y), (xs[0] - EDGE, y)])
    ax.text(-2.1, y + 0.15, "$h_0$", fontsize=13)
    _row(ax, xs, y, "tanh")
    for t, x in enumerate(xs, start=1):
        ax.text(x - 0.95, y + 0.5, f"$h_{t}$", fontsize=13)
        arrow(ax, [(x, 0.3), (x, y - 0.45)])
        ax.text(x - 0.2, -0.1, f"$x_{t}$", fontsize=13)
        ax.text(x + 0.1, 0.85, "$W_x$", fontsize=10, color="#555555")
        if t < steps:
            ax.text(x + 1.05, y - 0.35, "$W_h$", fontsize=10, color="#555555")
    # The loss reads the last state; its gradient flows back along the chain.
    x_last = xs[-1]
    arrow(ax, [(x_last, y + 0.45), (x_last, 3.55)])
    op(ax, (x_last, 3.9), "$L$", radius=0.34)
    arrow(ax, [(x_last + 0.55, 3.7), (x_last + 0.55, y + 0.48)], GRADIENT, lw=2.6)
    ax.text(x_last + 0.7, 3.0, f"${_slash('L', f'h_{last}')}$", color=GRADIENT, fontsize=13)
    for k, t in enumerate(range(steps, 1, -1)):
        x_from, x_to = xs[t - 1], xs[t - 2]
        lw = 2.6 * 0.6 ** (k + 1)
        ax.annotate(
            "",
            xy=(x_to + 0.3, y + 0.45),
            xytext=(x_from - 0.3, y + 0.45),
            arrowprops={
                "arrowstyle": "-|>",
                "color": GRADIENT,
                "lw": max(lw, 0.6),
                "connectionstyle": "arc3,rad=0.45",
                "shrinkA": 0,
                "shrinkB": 0,
            },
        )
        ax.text(
            (x_from + x_to) / 2,
            y + 1.35,
            f"${_slash(f'h_{t}', f'h_{t - 1}')}$",
            color=GRADIENT,
            ha="center",
            fontsize=13,
        )
    chain = r"\,".join(_frac(f"h_{t}", f"h_{t - 1}") for t in range(last, 1, -1))
    ax.text(
        (xs[0] + x_last) / 2,
        4.75,
        f"${_frac('L', 'h_1')} = {_frac('L', f'h_{last}')}\\,{chain}$"
        + f": a product of {steps - 1} Jacobians",
        color=GRADIENT,
        ha="center",
        fontsize=15,
    )
    ax.text(
        (xs[0] + x_last) / 2,
        -0.9,
        r"each step back multiplies by $\operatorname{diag}(1 - h_t^2)\,W_h^\top$",
        ha="center",
        fontsize=11,
        color=GRADIENT,
    )
    return frame(ax, (-2.4, x_last + 1.8), (-1.2, 5.3))


def draw_stacked_lstm(ax: Axes | None = None, steps: int = 3) -> Axes:
    """Two stacked LSTM layers (``num_layers=2``): what ``output`` and ``h_n`` each hold.

    ``output`` is the top layer's h_t at every step; ``h_n``/``c_n`` hold every layer's state
    at the last step, one row per layer.
    """
    _check_steps(steps, 2)
    ax = new_axes(ax, (2.3 * steps + 3.5, 6))
    gap = 2.3
    xs = [gap * t for t in range(steps)]
    rows = {0: 1.6, 1: 3.6}
    for layer, y in rows.items():
        ax.text(-2.6, y - 0.1, f"$h_0$[{layer}]", fontsize=11)
        arrow(ax, [(-1.2, y), (xs[0] - EDGE, y)])
        arrow(ax, [(xs[-1] + EDGE, y), (xs[-1] + 1.6, y)])
        ax.text(xs[-1] + 1.7, y - 0.1, f"$h_n$[{layer}], $c_n$[{layer}]", fontsize=11)
        _row(ax, xs, y, f"layer {layer}")
    for t, x in enumerate(xs, start=1):
        ax.text(x - 0.2, -0.05, f"$x_{t}$", fontsize=13)
        arrow(ax, [(x, 0.35), (x, rows[0] - 0.45)])
        arrow(ax, [(x, rows[0] + 0.45), (x, rows[1] - 0.45)])
        arrow(ax, [(x, rows[1] + 0.45), (x, 4.9)])
        ax.text(x - 0.55, 5.05, f"output[{t - 1}]", fontsize=10)
    ax.text(xs[0] - 2.6, 5.9, "num_layers=2: layer 1 reads layer 0's $h_t$", fontsize=12)
    return frame(ax, (-2.8, xs[-1] + 4.6), (-0.5, 6.4))


def draw_bidirectional_lstm(ax: Axes | None = None, steps: int = 3) -> Axes:
    """A bidirectional LSTM layer: two directions, concatenated outputs, two final states.

    ``output[t]`` = [h→_t ; h←_t]; ``h_n[0]`` is the forward state after step T, ``h_n[1]`` the
    backward state after step 1 — so the backward half of ``output[T-1]`` has seen one step.
    """
    _check_steps(steps, 2)
    ax = new_axes(ax, (2.6 * steps + 4, 6.4))
    gap = 2.6
    xs = [gap * t for t in range(steps)]
    y_fwd, y_bwd, y_cat = 1.6, 3.5, 4.75
    _row(ax, xs, y_fwd, "forward")
    _row(ax, xs, y_bwd, "backward", "#dadaeb", BACKWARD_DIRECTION, leftward=True)
    for t, x in enumerate(xs):
        # x_t feeds both directions: straight up into the forward cell, round it to the other.
        ax.text(x, -0.05, f"$x_{t + 1}$", fontsize=13, ha="center")
        arrow(ax, [(x, 0.35), (x, y_fwd - 0.45)])
        arrow(
            ax,
            [
                (x, 0.75),
                (x - 0.95, 0.75),
                (x - 0.95, 2.65),
                (x - 0.35, 2.65),
                (x - 0.35, y_bwd - 0.45),
            ],
            BACKWARD_DIRECTION,
        )
        # Both directions' h_t meet in a concatenation: output[t].
        op(ax, (x, y_cat), "‖", radius=0.25)
        arrow(
            ax,
            [
                (x + 0.35, y_fwd + 0.45),
                (x + 0.35, 2.45),
                (x + 1.0, 2.45),
                (x + 1.0, y_cat),
                (x + 0.27, y_cat),
            ],
        )
        arrow(ax, [(x, y_bwd + 0.45), (x, y_cat - 0.27)], BACKWARD_DIRECTION)
        arrow(ax, [(x, y_cat + 0.27), (x, 5.45)])
        ax.text(x, 5.55, f"output[{t}]", fontsize=10, ha="center")
    arrow(ax, [(xs[-1] + EDGE, y_fwd), (xs[-1] + 1.5, y_fwd)])
    ax.text(xs[-1] + 1.6, y_fwd - 0.3, "$h_n$[0]: forward,\nafter step $T$", fontsize=10)
    arrow(ax, [(xs[0] - EDGE, y_bwd), (xs[0] - 1.5, y_bwd)], BACKWARD_DIRECTION)
    ax.text(
        xs[0] - 1.55,
        y_bwd + 0.35,
        "$h_n$[1]: backward,\nafter step 1",
        fontsize=10,
        color=BACKWARD_DIRECTION,
        ha="right",
    )
    ax.text(
        xs[0] - 3.3,
        6.3,
        "bidirectional=True: output[t] = [forward $h_t$ ‖ backward $h_t$]",
        fontsize=12,
    )
    return frame(ax, (xs[0] - 3.4, xs[-1] + 3.4), (-0.5, 6.7))


def _time(offset: int) -> str:
    """t_0 shifted by ``offset``, as LaTeX: t_0, t_0+1, t_0-2."""
    return "t_0" if offset == 0 else f"t_0{offset:+d}"


def draw_encoder_decoder(
    ax: Axes | None = None, teacher_forcing: bool = True, steps_in: int = 3, horizon: int = 3
) -> Axes:
    """An encoder-decoder forecaster, trained with teacher forcing or running free.

    The encoder reads x_{t0-n}, …, x_{t0-1}; its final state starts the decoder, whose first
    input is the last observed value. Each later decoder input is the true previous value
    (teacher forcing, training) or the decoder's own previous prediction (free running,
    the only option at forecast time).
    """
    _check_steps(steps_in, 1)
    _check_steps(horizon, 2)
    ax = new_axes(ax, (2.2 * (steps_in + horizon) + 2, 5))
    gap = 2.2
    enc_xs = [gap * t for t in range(steps_in)]
    dec_xs = [enc_xs[-1] + gap * (k + 1.3) for k in range(horizon)]
    y = 2.0
    # One row: the encoder's last state is the decoder's first.
    _row(ax, enc_xs, y, "encoder")
    _row(ax, dec_xs, y, "decoder", DECODER_CELL)
    arrow(ax, [(enc_xs[-1] + EDGE, y), (dec_xs[0] - EDGE, y)])
    ax.text((enc_xs[-1] + dec_xs[0]) / 2, y + 0.15, "state", fontsize=10, ha="center")
    for t, x in enumerate(enc_xs):
        ax.text(x, 0.0, f"${{x_{{{_time(t - steps_in)}}}}}$", fontsize=12, ha="center")
        arrow(ax, [(x, 0.4), (x, y - 0.45)])
    feed = "#2ca02c" if teacher_forcing else GRADIENT
    for k, x in enumerate(dec_xs):
        arrow(ax, [(x, y + 0.45), (x, 3.65)])
        box(ax, (x, 3.95), "linear", STATE_FILL, size=(1.0, 0.5), text_color="black", fontsize=10)
        arrow(ax, [(x, 4.25), (x, 4.7)])
        ax.text(x, 4.8, rf"$\hat x_{{{_time(k)}}}$", fontsize=12, ha="center")
        if k == 0:
            ax.text(x, 0.0, f"$x_{{{_time(-1)}}}$", fontsize=12, ha="center")
            arrow(ax, [(x, 0.4), (x, y - 0.45)])
        elif teacher_forcing:
            ax.text(
                x,
                0.0,
                f"$x_{{{_time(k - 1)}}}$\n(true)",
                fontsize=12,
                color=feed,
                ha="center",
                va="top",
            )
            arrow(ax, [(x, 0.15), (x, y - 0.45)], feed)
        else:
            prev = dec_xs[k - 1]
            corner = prev + gap / 2
            route = [(prev + 0.55, 3.95), (corner, 3.95), (corner, 0.8), (x, 0.8), (x, y - 0.45)]
            arrow(ax, route, feed, linestyle="--")
            ax.text(x, 0.0, rf"$\hat x_{{{_time(k - 1)}}}$", fontsize=12, color=feed, ha="center")
    title = (
        "teacher forcing (training): the decoder reads the true previous value"
        if teacher_forcing
        else "free running (forecasting): the decoder reads its own previous prediction"
    )
    ax.text(enc_xs[0] - 0.8, 5.6, title, fontsize=12, color=feed)
    return frame(ax, (enc_xs[0] - 1.0, dec_xs[-1] + 1.0), (-1.0, 6.0))
