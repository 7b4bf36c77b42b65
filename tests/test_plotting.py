"""The book's diagrams: each draws what its chapter says it shows, and rejects bad sizes."""

import matplotlib.pyplot as plt
import pytest

from lstm_utils.plotting import (
    draw_bidirectional_lstm,
    draw_encoder_decoder,
    draw_gru_cell,
    draw_lstm_cell,
    draw_stacked_lstm,
    draw_unrolled_rnn,
    plot_text_activations,
)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_cells_draw_on_the_given_axes_and_label_their_gates(ax):
    assert draw_lstm_cell(ax) is ax
    assert {"$f_t$", "$i_t$", "$o_t$", "$c_t$"} <= set(_texts(ax))
    ax.clear()
    assert draw_gru_cell(ax) is ax
    texts = set(_texts(ax))
    assert {"$r_t$", "$z_t$", "$1 - z_t$", "$n_t$", "$h_{t-1}$", "$W_{hn}$"} <= texts
    assert "$c_t$" not in texts  # one state only


@pytest.mark.parametrize("steps", [2, 4, 6])
def test_unrolled_rnn_has_one_cell_and_one_jacobian_per_step_back(ax, steps):
    draw_unrolled_rnn(ax, steps=steps)
    texts = _texts(ax)
    assert texts.count("tanh") == steps
    assert sum(t.startswith(r"$\partial h_") for t in texts) == steps - 1
    assert any(t.endswith(f"a product of {steps - 1} Jacobians") for t in texts)


def test_stacked_lstm_returns_every_layer_state_and_top_layer_outputs(ax):
    draw_stacked_lstm(ax, steps=3)
    texts = _texts(ax)
    assert texts.count("layer 0") == texts.count("layer 1") == 3
    assert [t for t in texts if t.startswith("output[")] == ["output[0]", "output[1]", "output[2]"]
    assert {"$h_n$[0], $c_n$[0]", "$h_n$[1], $c_n$[1]"} <= set(texts)


def test_bidirectional_lstm_names_which_step_each_final_state_has_seen(ax):
    draw_bidirectional_lstm(ax, steps=4)
    texts = _texts(ax)
    assert texts.count("forward") == texts.count("backward") == 4
    assert "$h_n$[0]: forward,\nafter step $T$" in texts
    assert "$h_n$[1]: backward,\nafter step 1" in texts


@pytest.mark.parametrize("teacher_forcing", [True, False])
def test_encoder_decoder_feeds_true_values_or_its_own_predictions(ax, teacher_forcing):
    draw_encoder_decoder(ax, teacher_forcing=teacher_forcing, steps_in=3, horizon=4)
    texts = _texts(ax)
    assert texts.count("encoder") == 3 and texts.count("decoder") == 4
    true_inputs = [t for t in texts if t.endswith("(true)")]
    fed_back = [t for t in texts if t.startswith(r"$\hat x") and len(t) < 20]
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    if teacher_forcing:
        assert len(true_inputs) == 3 and not dashed
    else:
        assert not true_inputs and len(dashed) == 3
        assert len(fed_back) == 4 + 3  # the 4 predictions, and 3 of them fed back as inputs


@pytest.mark.parametrize(
    ("draw", "kwargs"),
    [
        (draw_unrolled_rnn, {"steps": 1}),
        (draw_stacked_lstm, {"steps": 0}),
        (draw_bidirectional_lstm, {"steps": 2.5}),
        (draw_encoder_decoder, {"horizon": 1}),
    ],
)
def test_diagrams_reject_sizes_they_cannot_draw(ax, draw, kwargs):
    with pytest.raises(ValueError, match="must be an int >= "):
        draw(ax, **kwargs)


def test_text_activations_colour_one_cell_per_character_and_break_lines(ax):
    from matplotlib.patches import Rectangle

    assert plot_text_activations("ab\ncd", [-1.0, 0.0, 1.0, 0.5, 0.2], ax=ax, line_width=4) is ax
    cells = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(cells) == 5
    assert [t.get_text() for t in ax.texts] == ["a", "b", "↵", "c", "d"]
    assert [c.get_xy() for c in cells] == [(0, -1), (1, -1), (2, -1), (0, -2), (1, -2)]
    assert cells[0].get_facecolor() != cells[2].get_facecolor()  # -1 and +1: blue and red


def test_text_activations_need_one_value_per_character(ax):
    with pytest.raises(ValueError, match="text has 3 characters, values shape \\(2,\\)"):
        plot_text_activations("abc", [0.0, 1.0], ax=ax)
