"""Execute notebooks top to bottom in a fresh kernel and save them with their outputs.

Usage: python tools/execute_notebooks.py [NOTEBOOK ...]   (default: every notebooks/*.ipynb)

Run this before committing a notebook: nbval then re-executes it in CI and compares the
fresh outputs with the stored ones. Known stderr noise from native libraries (which nbval
would otherwise compare) is removed from the stored outputs (see NOISE below), and so are
progress-bar widgets, which are live-only: a static page can only show them frozen.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
WIDGET = "application/vnd.jupyter.widget-view+json"

#: stderr lines that native libraries print at import time; they carry no information.
NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\).*"
    r"|[IWE]\d{4} [\d:.]+ +\d+ \S+\.cc:\d+\].*)$"
)


def strip_noise(nb: nbformat.NotebookNode) -> None:
    """Drop NOISE lines from stderr streams, streams left empty, and widget outputs."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.outputs:
            if WIDGET in out.get("data", {}):
                continue
            if out.output_type == "stream" and out.name == "stderr":
                lines = [ln for ln in out.text.splitlines(keepends=True) if not NOISE.match(ln)]
                out.text = "".join(lines)
                if not out.text.strip():
                    continue
            kept.append(out)
        cell.outputs = kept


def execute(path: Path) -> float:
    """Run one notebook in place; return the wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    elapsed = time.perf_counter() - start
    strip_noise(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str]) -> None:
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        print(f"{path.name}: executed in {execute(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
