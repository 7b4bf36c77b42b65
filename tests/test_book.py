"""The book builds strictly (zero warnings), offline, and shows numbers glued from notebooks."""

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from seed_spread import glued_values  # noqa: E402 (tools/ is not a package)


def _pages(html: Path) -> list[Path]:
    return sorted(html.rglob("*.html"))


def test_no_external_scripts_or_styles(html):
    external = re.compile(r'<(script|link)\b[^>]*\b(src|href)="(https?:)?//[^"]*"')
    offenders = {
        str(page.relative_to(html)): external.findall(page.read_text())
        for page in _pages(html)
        if external.search(page.read_text())
    }
    assert not offenders


def test_no_header_button_links_a_repository(html):
    """The book has no public repository yet: no header button may point at one."""
    pages = _pages(html)
    assert pages
    for page in pages:
        text = page.read_text()
        assert "repository-button" not in text and "issues-button" not in text, page.name
        assert "github.com/lstm-book" not in text, page.name


def test_mathjax_is_served_locally(html):
    chapter = (html / "notebooks" / "02_lstm_cell.html").read_text()
    (src,) = set(re.findall(r'<script[^>]*src="([^"]*tex-chtml\.js[^"]*)"', chapter))
    assert src.startswith("../_static/mathjax/")
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()


def _glued(notebook: str) -> dict[str, str]:
    return glued_values(nbformat.read(ROOT / "notebooks" / notebook, as_version=4))


def test_glued_numbers_appear_in_the_rendered_chapter(html):
    glued = _glued("02_lstm_cell.ipynb")
    assert {"gradcheck_max_rel_error", "numpy_lstm_mnist_test_acc"} <= set(glued)
    text = (html / "notebooks" / "02_lstm_cell.html").read_text()
    accuracy = float(glued["numpy_lstm_mnist_test_acc"])
    assert f"{accuracy:.1%}" in text
    assert f"{float(glued['gradcheck_max_rel_error']):.1e}" in text
    assert f"{accuracy:.1%}" in (html / "book" / "intro.html").read_text()


def test_chapter_has_figures_and_exercises(html):
    text = (html / "notebooks" / "02_lstm_cell.html").read_text()
    assert text.count("<img") >= 5
    assert text.count('class="solution') >= 4


def test_rnn_chapter_glues_the_adding_problem_results(html):
    glued = _glued("01_rnn_limits.ipynb")
    assert {
        "rnn_grad_decay_50",
        "lstm_grad_decay_50",
        "adding_rnn_mse",
        "adding_lstm_mse",
        "adding_baseline_mse",
    } <= set(glued)
    text = (html / "notebooks" / "01_rnn_limits.html").read_text()
    assert f"{float(glued['adding_lstm_mse']):.4f}" in text
    assert f"{float(glued['adding_rnn_mse']):.3f}" in (html / "book" / "intro.html").read_text()


def test_four_frameworks_chapter_glues_the_equivalence(html):
    glued = _glued("03_four_frameworks.ipynb")
    diff = float(glued["equivalence_max_abs_diff"])
    assert diff <= 1e-5
    text = (html / "notebooks" / "03_four_frameworks.html").read_text()
    assert f"{diff:.1e}" in text


@pytest.mark.parametrize(
    ("notebook", "key"),
    [
        ("04_pytorch_lstm", "mnist_torch_test_acc"),
        ("05_tf1_static_dynamic", "mnist_tf1_static_test_acc"),
        ("05_tf1_static_dynamic", "mnist_tf1_dynamic_test_acc"),
        ("06_keras_lstm", "mnist_keras_test_acc"),
    ],
)
def test_framework_chapters_show_their_mnist_accuracy(html, notebook, key):
    accuracy = float(_glued(f"{notebook}.ipynb")[key])
    assert accuracy >= 0.985
    text = (html / "notebooks" / f"{notebook}.html").read_text()
    assert f"{accuracy:.2%}" in text
    if key != "mnist_tf1_static_test_acc":
        assert f"{accuracy:.2%}" in (html / "book" / "intro.html").read_text()


def test_tf1_chapter_glues_the_static_dynamic_build_ratio(html):
    ratio = float(_glued("05_tf1_static_dynamic.ipynb")["static_dynamic_build_ratio_784"])
    assert ratio > 10
    text = re.sub(r"<[^>]+>", "", (html / "notebooks" / "05_tf1_static_dynamic.html").read_text())
    assert f"{ratio:g}× longer" in text


def test_selective_forgetting_chapter_glues_its_test_errors(html):
    glued = _glued("07_selective_forgetting.ipynb")
    text = (html / "notebooks" / "07_selective_forgetting.html").read_text()
    for key in ("adjacent_sum_test_mse", "adjacent_sum_long_test_mse"):
        value = float(glued[key])
        assert value <= 0.01
        assert f"{value:.2g}" in text
    assert float(glued["s3_source_setup_test_mse"]) > 0.1  # the source's setup misses the rule
    assert f"{float(glued['s3_source_setup_test_mse']):.2f}" in text
    assert (
        f"{float(glued['adjacent_sum_test_mse']):.2g}" in (html / "book" / "intro.html").read_text()
    )


def test_gru_chapter_glues_the_agreement_with_torch(html):
    difference = float(_glued("08_gru.ipynb")["gru_torch_max_abs_diff"])
    assert difference <= 1e-5
    assert f"{difference:.1e}" in (html / "notebooks" / "08_gru.html").read_text()


def test_forecasting_chapter_glues_model_and_baseline_errors(html):
    glued = {k: float(v) for k, v in _glued("09_seq2seq_forecasting.ipynb").items() if "rmse" in k}
    assert glued["sst_linear_rmse"] < glued["sst_seq2seq_rmse_min"]
    assert glued["sst_seq2seq_rmse_max"] < 1.1 * glued["sst_seasonal_naive_rmse"]
    assert abs(glued["stock_seq2seq_rmse"] / glued["stock_persistence_rmse"] - 1) < 0.02
    text = (html / "notebooks" / "09_seq2seq_forecasting.html").read_text()
    for key in (
        "sst_seq2seq_rmse",
        "sst_seasonal_naive_rmse",
        "stock_seq2seq_rmse",
        "stock_persistence_rmse",
    ):
        assert f"{glued[key]:.2f}" in text, key


def test_variants_chapter_glues_the_ablation_medians(html):
    glued = _glued("12_lstm_variants.ipynb")
    assert int(glued["ablation_seeds"]) >= 3
    names = ("vanilla", "nfg", "cifg", "np", "noaf")
    adding = {n: float(glued[f"ablation_adding_{n}_mse"]) for n in names}
    charlm = {n: float(glued[f"ablation_charlm_{n}_bpc"]) for n in names}
    assert adding["cifg"] < 0.05 < adding["vanilla"]  # the coupled gate solves it first
    assert charlm["nfg"] > charlm["vanilla"] + 0.2  # the forget gate matters most
    text = (html / "notebooks" / "12_lstm_variants.html").read_text()
    assert f"{charlm['nfg']:.2f}" in text and f"{adding['cifg']:.4f}" in text
    assert f"{charlm['nfg']:.2f}" in (html / "book" / "intro.html").read_text()


def test_speed_chapter_glues_the_machine_fractions_and_the_speed_up(html):
    glued = _glued("13_lstm_speed.ipynb")
    assert float(glued["gemm_peak_gflops"]) > 1
    fractions = {k: float(glued[k]) for k in ("nn_lstm_peak_fraction", "numpy_lstm_peak_fraction")}
    assert all(0 < f < 1.5 for f in fractions.values())
    assert float(glued["mnist_epoch_speedup"]) > 1.3
    text = (html / "notebooks" / "13_lstm_speed.html").read_text()
    intro = re.sub(r"<[^>]+>", "", (html / "book" / "intro.html").read_text())
    for f in fractions.values():
        assert f"{f:.0%}" in text and f"{f:.0%}" in intro
    assert f"{glued['mnist_epoch_speedup']}×" in intro


def test_attention_chapter_glues_both_models_and_the_beam_gain(html):
    glued = _glued("14_attention.ipynb")
    attn, noattn = float(glued["attn_exact_match"]), float(glued["noattn_exact_match"])
    assert attn > noattn and float(glued["beam_gain"]) >= 0
    text = (html / "notebooks" / "14_attention.html").read_text()
    for key, fmt in (
        ("attn_exact_match", ".2%"),
        ("noattn_exact_match", ".2%"),
        ("attn_long_exact_match", ".1%"),
        ("noattn_long_exact_match", ".1%"),
    ):
        assert f"{float(glued[key]):{fmt}}" in text, key
    assert text.count('class="solution') >= 3


def test_own_lstm_chapter_glues_its_results(html):
    glued = _glued("15_own_lstm.ipynb")
    text = (html / "notebooks" / "15_own_lstm.html").read_text()
    for key in ("own_bow_test_acc", "own_lstm_test_acc", "own_keras_test_acc"):
        assert f"{float(glued[key]):.1%}" in text, key
    assert f"{float(glued['own_lstm_macro_f1']):.3f}" in text
    for key in ("own_onnx_max_abs_diff", "own_port_max_abs_diff"):
        assert f"{float(glued[key]):.1e}" in text, key
    assert text.count('class="solution') >= 3


def _prose() -> dict[str, str]:
    texts = {p.name: p.read_text() for p in sorted(ROOT.glob("book/*.md"))}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        texts[path.name] = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return texts


def test_glued_integers_of_four_digits_or_more_are_formatted_with_separators():
    """`{glue:text}`n`` renders 76284 raw; `{glue:text}`n:,`` renders 76,284."""
    reference = re.compile(r"\{glue(?::text)?\}`([^`]+)`")
    raw = []
    for source, text in _prose().items():
        for target in reference.findall(text):
            path, _, key = target.rpartition("::")
            name, _, spec = key.partition(":")
            value = _glued(Path(path).name if path else source).get(name, "")
            if not spec and re.fullmatch(r"-?\d+", value) and abs(int(value)) >= 1000:
                raw.append(f"{source}: {name} = {value}")
    assert raw == []


def test_every_bibliography_entry_is_cited_and_papers_are_cited_not_linked():
    texts = _prose()
    keys = set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "book/references.bib").read_text(), re.M))
    cited = {
        key.strip()
        for text in texts.values()
        for group in re.findall(r"\{cite(?::[tp])?\}`([^`]+)`", text)
        for key in group.split(",")
    }
    assert cited <= keys  # a missing key would also fail the strict build
    assert keys - cited == set()
    paper_links = {
        name: re.findall(r"\]\((https?://(?:arxiv\.org|doi\.org|proceedings\.)[^)]*)\)", text)
        for name, text in texts.items()
    }
    assert {name: links for name, links in paper_links.items() if links} == {}


def test_successors_chapter_glues_the_race_the_tasks_and_the_costs(html):
    glued = _glued("16_successors.ipynb")
    text = (html / "notebooks" / "16_successors.html").read_text()
    for key in ("lstm", "transformer", "minlstm", "xlstm"):
        assert f"{float(glued[f'succ_{key}_bpc']):.2f}" in text, key
    assert f"{float(glued['succ_params']):.1%}" in text
    for key in ("parity_lstm_long_acc", "parity_transformer_long_acc"):
        assert f"{float(glued[key]):.1%}" in text, key
    for key in ("recall_lstm_acc_max_pairs", "recall_transformer_acc_max_pairs"):
        assert f"{float(glued[key]):.0%}" in text, key
    assert f"{int(glued['kv_cache_bytes_4096']):,}" in text
    assert f"{int(glued['lstm_state_bytes']):,}" in text
    words = " ".join(re.sub(r"<[^>]+>", "", text).split())  # the text without its tags
    assert f"{float(glued['scan_speedup_T1024']):.0f} times faster than the loop" in words
    assert text.count('class="solution') >= 3
