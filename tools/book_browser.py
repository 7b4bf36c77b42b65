"""Open the built book in the system's headless Chromium, served on 127.0.0.1.

Shared by the browser tests (`tests/test_browser.py`) and the screenshot tool
(`tools/screenshots.py`). Chromium is the distribution's package (Debian: `apt-get install
chromium`), driven by playwright-python through `executable_path`: `playwright install`, which
downloads a browser, is never needed.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENABLE_HINT = (
    "install Chromium to run them (Debian/Ubuntu: sudo apt-get install chromium), "
    "or point LSTM_BOOK_CHROMIUM at a Chromium or Chrome binary"
)

# Without the background-networking flags Chromium phones home at start-up (component updates,
# safe browsing, sync), which an offline machine refuses and which the tests would count as
# requests leaving the machine.
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


def find_chromium() -> str | None:
    """Path of a Chromium binary: `$LSTM_BOOK_CHROMIUM`, else the first one on PATH, else None."""
    explicit = os.environ.get("LSTM_BOOK_CHROMIUM")
    if explicit:
        if not Path(explicit).is_file():
            raise FileNotFoundError(
                f"LSTM_BOOK_CHROMIUM={explicit} is not a file; set it to a Chromium binary "
                "or unset it to search PATH"
            )
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(html_dir: Path) -> Iterator[str]:
    """Serve `html_dir` on 127.0.0.1 (a free port) for the duration; yields the base URL."""
    if not (Path(html_dir) / "index.html").is_file():
        raise FileNotFoundError(f"{html_dir} has no index.html; build the book first (make book)")
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def book_pages(html_dir: Path) -> list[str]:
    """The book's own pages, relative to `html_dir` (the chapters and prose pages in the TOC)."""
    pages = [p.relative_to(html_dir).as_posix() for p in sorted(html_dir.glob("*/*.html"))]
    return [p for p in pages if p.split("/")[0] in ("book", "notebooks")]
