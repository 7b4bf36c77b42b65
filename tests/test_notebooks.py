"""The notebooks follow the book's rule for outputs that nbval compares (see book/setup.md).

- No code cell carries a visible ``# NBVAL_...`` comment: nbval's markers are cell tags.
- A cell tagged ``nbval-ignore-output`` shows floats that differ between machines, so nbval
  does not compare it; its claim must be guarded by an ``assert`` in the cell itself or in the
  next code cell. A cell that only logs (training progress, timings) may carry the extra tag
  ``log`` instead, and then must not glue anything into the text.
- A cell that measures wall-clock time or trains, and shows output, is tagged.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IGNORE = "nbval-ignore-output"
LOG = "log"
ASSERT = re.compile(r"^\s*assert\b", re.MULTILINE)
MARKER_COMMENT = re.compile(r"^\s*#\s*NBVAL_", re.MULTILINE)
#: Code that makes a cell's output differ from run to run or machine to machine by design.
VOLATILE = re.compile(r"time\.perf_counter\(|\.fit\(|fit_forecaster\(|train_and_test\(")
#: Fitting a counting model is exact arithmetic on the data, the same on every machine.
COUNTING_FIT = re.compile(r"\b(?:KneserNeyLM|MostFrequentTagger)\([^()]*\)\.fit\(")


def _code_cells(path: Path) -> list[nbformat.NotebookNode]:
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def _tags(cell: nbformat.NotebookNode) -> set[str]:
    return set(cell.metadata.get("tags", []))


def check_notebook(cells: list[nbformat.NotebookNode]) -> list[str]:
    """Every breach of the rule in a notebook's code cells, one message per breach."""
    problems = []
    for index, cell in enumerate(cells):
        first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
        where = f"code cell {index + 1} ({first_line[:60]!r})"
        if MARKER_COMMENT.search(cell.source):
            problems.append(f"{where}: uses an NBVAL comment; give the cell the {IGNORE!r} tag")
        tags = _tags(cell)
        volatile = VOLATILE.search(COUNTING_FIT.sub("", cell.source))
        if volatile and cell.get("outputs") and IGNORE not in tags:
            problems.append(f"{where}: measures time or trains, but is not tagged {IGNORE!r}")
        if IGNORE not in tags:
            continue
        if LOG in tags:
            if "glue(" in cell.source:
                problems.append(f"{where}: tagged {LOG!r} but glues a value: assert its claim")
            continue
        following = cells[index + 1].source if index + 1 < len(cells) else ""
        if not (ASSERT.search(cell.source) or ASSERT.search(following)):
            problems.append(
                f"{where}: tagged {IGNORE!r} but neither it nor the next code cell asserts its "
                f"claim; add an assert, or tag the cell {LOG!r} if it only logs"
            )
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_follows_the_output_rule(path):
    assert check_notebook(_code_cells(path)) == []


def _cell(source: str, tags: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def test_the_check_finds_each_kind_of_breach():
    cells = [
        _cell("# NBVAL_IGNORE_OUTPUT\nprint(loss)"),
        _cell("start = time.perf_counter()\ntrain()"),  # outputs added below
        _cell("print(f'{acc:.2%}')", (IGNORE,)),
        _cell("plt.plot(x)"),
        _cell("glue('acc', acc)", (IGNORE, LOG)),
        _cell("model = KneserNeyLM(3).fit(text)\nhistory = net.fit(x, y)"),
    ]
    for i in (1, 5):
        cells[i].outputs = [nbformat.v4.new_output("stream", name="stdout", text="12 s\n")]
    problems = check_notebook(cells)
    assert len(problems) == 5
    assert "NBVAL comment" in problems[0]
    assert "measures time or trains" in problems[1]
    assert "neither it nor the next code cell asserts" in problems[2]
    assert "glues a value" in problems[3]
    assert "measures time or trains" in problems[4]  # a counting fit does not excuse net.fit


def test_the_check_accepts_an_assert_here_or_in_the_next_cell_and_plain_logs():
    cells = [
        _cell("history = model.fit(x, y)", (IGNORE,)),
        _cell("acc = evaluate()\nassert acc > 0.9", (IGNORE,)),
        _cell("start = time.perf_counter()\nprint(time.perf_counter() - start)", (IGNORE, LOG)),
        _cell("tagger = MostFrequentTagger().fit(train)\nprint(tagger.predict(['a']))"),
    ]
    cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="['DET']\n")]
    assert check_notebook(cells) == []
