"""Screenshot every page of the built book at desktop width and at phone width (390 px).

Usage: python tools/screenshots.py [HTML_DIR]   (default: _build/html, made by `make book`)

Writes full-page PNGs to _build/screenshots/{desktop,phone}/ (never committed) and prints, per
page and width, what overflows horizontally: the page itself (a sideways scroll) and the blocks
whose content is wider than their box (tables, code, outputs, figures), which readers must
scroll inside. Look at the pictures too: not everything that breaks is measurable.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from book_browser import CHROMIUM_ARGS, ENABLE_HINT, book_pages, find_chromium, serve

ROOT = Path(__file__).resolve().parents[1]
WIDTHS = {"desktop": (1280, 900), "wide": (1920, 1080), "phone": (390, 844)}

OVERFLOW_JS = """() => {
  const wide = [];
  for (const el of document.querySelectorAll('.bd-article pre, .bd-article table, '
      + '.bd-article img, .bd-article .cell_output, .bd-article mjx-container[display]')) {
    if (el.scrollWidth > el.clientWidth + 1) {
      wide.push(`${el.tagName.toLowerCase()} ${el.scrollWidth}px in ${el.clientWidth}px`);
    }
  }
  return {page: document.documentElement.scrollWidth, view: window.innerWidth, wide: wide};
}"""


def main(html_dir: Path) -> int:
    chromium = find_chromium()
    if chromium is None:
        print(f"no Chromium: {ENABLE_HINT}")
        return 1
    out = ROOT / "_build" / "screenshots"
    with serve(html_dir) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for kind, (width, height) in WIDTHS.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, is_mobile=kind == "phone"
            )
            (out / kind).mkdir(parents=True, exist_ok=True)
            for name in book_pages(html_dir):
                page = context.new_page()
                page.goto(base + name, wait_until="load")
                page.evaluate("() => window.MathJax?.startup?.promise")
                facts = page.evaluate(OVERFLOW_JS)
                page.screenshot(
                    path=out / kind / name.replace("/", "_").replace(".html", ".png"),
                    full_page=True,
                )
                sideways = facts["page"] > width  # innerWidth grows with the page on a phone
                print(
                    f"{kind:7} {name:40} page {'SCROLLS SIDEWAYS' if sideways else 'fits'}"
                    f"; {len(facts['wide'])} wide blocks: {', '.join(facts['wide'][:4])}"
                )
                page.close()
            context.close()
        browser.close()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_build" / "html"))
