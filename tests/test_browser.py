"""The rendered book, opened in a real browser: what a reader's Chromium does with every page.

The book is built (the session's `html` fixture), served on 127.0.0.1 and opened in the
system's headless Chromium through playwright-python (`tools/book_browser.py`). Every page
must load without a JavaScript or console error or warning, typeset all its math, load all
its images, stay on loopback, resolve every internal link, offer its own source for download
and pass axe-core with no serious or critical violation; the search must find each chapter.

Without Chromium these tests are skipped with one line saying how to enable them; CI sets
`LSTM_BOOK_REQUIRE_BROWSER=1`, which turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from book_browser import (  # noqa: E402 (tools/ is not a package)
    CHROMIUM_ARGS,
    ENABLE_HINT,
    book_pages,
    find_chromium,
    serve,
)

CHROMIUM = find_chromium()
if CHROMIUM is None:
    if os.environ.get("LSTM_BOOK_REQUIRE_BROWSER"):
        raise RuntimeError(f"LSTM_BOOK_REQUIRE_BROWSER is set but no Chromium: {ENABLE_HINT}")
    pytest.skip(f"browser tests skipped: {ENABLE_HINT}", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402

# Each chapter, and a term a reader would search for to find it.
SEARCH_TERMS = {
    "notebooks/01_rnn_limits": "vanishing",
    "notebooks/02_lstm_cell": "gradient check",
    "notebooks/03_four_frameworks": "weight layout",
    "notebooks/04_pytorch_lstm": "pack_padded_sequence",
    "notebooks/05_tf1_static_dynamic": "dynamic_rnn",
    "notebooks/06_keras_lstm": "return_sequences",
    "notebooks/07_selective_forgetting": "adjacent",
    "notebooks/08_gru": "update gate",
    "notebooks/09_seq2seq_forecasting": "teacher forcing",
    "notebooks/10_char_language_model": "perplexity",
    "notebooks/11_pos_tagging": "tagger",
    "notebooks/12_lstm_variants": "peepholes",
    "notebooks/13_lstm_speed": "roofline",
    "notebooks/14_attention": "beam search",
    "notebooks/15_own_lstm": "ONNX",
    "notebooks/16_successors": "minLSTM",
}
SEVERE = ("serious", "critical")

# What the page reports once MathJax has finished: math elements without a typeset equation,
# MathJax errors, and images that did not load.
PAGE_FACTS_JS = """async () => {
  if (window.MathJax && MathJax.startup) { await MathJax.startup.promise; }
  const math = Array.from(document.querySelectorAll('.math'));
  return {
    math: math.length,
    typeset: document.querySelectorAll('mjx-container').length,
    untypeset: math.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent),
    merrors: Array.from(document.querySelectorAll('mjx-merror')).map(e => e.textContent),
    broken_images: Array.from(document.images)
      .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    download: Array.from(document.querySelectorAll('a.btn-download-source-button'))
      .map(a => a.href),
  };
}"""


def _loopback_only(base: str, refused: list[str]):
    """A route handler that lets requests to `base` through and aborts and logs all others."""

    def handle(route: Any) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    return handle


def _log_problems(log: list[str]):
    """A console handler that keeps errors and warnings."""

    def handle(message: Any) -> None:
        if message.type in ("error", "warning"):
            log.append(f"console {message.type}: {message.text}")

    return handle


@pytest.fixture(scope="module")
def served(html: Path):
    """(base URL, browser): the built book on 127.0.0.1 and a headless Chromium."""
    with serve(html) as base, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield base, browser
        browser.close()


@pytest.fixture(scope="module")
def browser_report(html: Path, served) -> dict[str, dict[str, Any]]:
    """Open every page once, each in a fresh context (empty storage, as a first visit)."""
    base, browser = served
    report: dict[str, dict[str, Any]] = {}
    axe = Axe()
    for name in book_pages(html):
        context = browser.new_context()
        off_machine: list[str] = []
        context.route("**/*", _loopback_only(base, off_machine))
        page = context.new_page()
        messages: list[str] = []
        page.on("pageerror", lambda e, _m=messages: _m.append(f"page error: {e}"))
        page.on("console", _log_problems(messages))
        page.goto(base + name, wait_until="load")
        facts = page.evaluate(PAGE_FACTS_JS)
        page.wait_for_timeout(200)  # let late console messages arrive
        facts["messages"] = list(messages)  # before axe, whose CSS fetches are its own
        facts["off_machine"] = off_machine
        facts["download_body"] = (
            context.request.get(facts["download"][0]).body() if facts["download"] else None
        )
        violations = axe.run(page).response["violations"]
        facts["axe"] = [
            f"{v['id']} ({v['impact']}): {v['help']}: {v['nodes'][0]['html'][:200]}"
            for v in violations
            if v["impact"] in SEVERE
        ]
        facts["base"] = base
        report[name] = facts
        context.close()
    return report


PAGES = [f"{part}.html" for part in ("book/intro", "book/setup", *SEARCH_TERMS, "book/api")]
PAGES.append("book/references.html")


def test_every_book_page_is_checked(html, browser_report):
    assert sorted(browser_report) == sorted(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_page_has_no_errors_or_warnings(browser_report, page):
    assert browser_report[page]["messages"] == []


@pytest.mark.parametrize("page", PAGES)
def test_page_typesets_all_its_math(browser_report, page):
    facts = browser_report[page]
    assert facts["untypeset"] == []
    assert facts["merrors"] == []
    if facts["math"]:
        assert facts["typeset"] >= 1


def test_chapters_have_math(browser_report):
    assert all(browser_report[f"{name}.html"]["math"] > 0 for name in SEARCH_TERMS)


@pytest.mark.parametrize("page", PAGES)
def test_page_images_load(browser_report, page):
    assert browser_report[page]["broken_images"] == []


@pytest.mark.parametrize("page", PAGES)
def test_page_requests_stay_on_loopback(browser_report, page):
    assert browser_report[page]["off_machine"] == []


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.ids.add(value)


def _anchors(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    if path not in cache:
        parser = _Anchors()
        parser.feed(path.read_text(encoding="utf-8"))
        cache[path] = parser.ids
    return cache[path]


@pytest.mark.parametrize("page", PAGES)
def test_page_internal_links_resolve(html, browser_report, page):
    facts = browser_report[page]
    cache: dict[Path, set[str]] = {}
    broken = []
    for link in facts["links"]:
        if not link.startswith(facts["base"]):
            continue
        parts = urlsplit(link)
        target = html / unquote(parts.path).lstrip("/")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(link)
        elif parts.fragment and target.suffix == ".html":
            if unquote(parts.fragment) not in _anchors(target, cache):
                broken.append(link)
    assert broken == []


@pytest.mark.parametrize("page", PAGES)
def test_download_button_serves_the_page_source(browser_report, page):
    facts = browser_report[page]
    if page in ("book/api.html", "book/references.html", "book/intro.html", "book/setup.html"):
        source = ROOT / page.replace(".html", ".md")
    else:
        source = ROOT / page.replace(".html", ".ipynb")
        assert facts["download"][0].endswith(source.name)
        assert json.loads(facts["download_body"])["nbformat"] == 4
    assert facts["download_body"] == source.read_bytes()


@pytest.mark.parametrize("page", PAGES)
def test_page_has_no_serious_accessibility_violations(browser_report, page):
    assert browser_report[page]["axe"] == []


def test_search_finds_every_chapter(served):
    base, browser = served
    found: dict[str, list[str]] = {}
    page = browser.new_page()
    for chapter, term in SEARCH_TERMS.items():
        page.goto(f"{base}search.html?q={term.replace(' ', '+')}")
        page.wait_for_function(
            "() => /found/.test(document.querySelector('#search-results')?.innerText || '')"
        )
        hrefs = page.eval_on_selector_all("ul.search li > a", "as => as.map(a => a.href)")
        found[chapter] = [re.sub(r"\.html.*", "", urlsplit(h).path.lstrip("/")) for h in hrefs]
    page.close()
    missing = {c: (SEARCH_TERMS[c], pages) for c, pages in found.items() if c not in pages}
    assert missing == {}


def test_no_page_scrolls_sideways_at_phone_width(html, served):
    """At 390 px wide tables, code and equations scroll inside their own box, never the page."""
    base, browser = served
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    too_wide = {}
    for name in book_pages(html):
        page.goto(base + name, wait_until="load")
        width = page.evaluate(
            "async () => { await window.MathJax?.startup?.promise;"
            " return document.documentElement.scrollWidth; }"
        )
        if width > 390:
            too_wide[name] = width
    context.close()
    assert too_wide == {}
