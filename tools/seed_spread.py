"""Re-execute notebooks with every random seed shifted, and tabulate what they glue.

Usage: python tools/seed_spread.py [--offsets 1 2] [--out spread.json] NOTEBOOK ...

An assert in a notebook guards a claim; its bound must hold for any seed, not only for the one
the stored run used. This tool measures the spread that the bound has to cover. For each
offset k it runs the notebook from a clean kernel with a first cell prepended that adds
1000 k to every seed the notebook passes to `numpy.random.default_rng`, `torch.manual_seed`,
`torch.Generator.manual_seed`, `lstm_utils.frameworks.tf_compat.seed_tf1_graph` and Keras'
`set_random_seed` (so the initial weights, the batches and any generated data all change),
then reads back every value the notebook glued and every error (a failed assert does not stop
the run: it is reported with its cell, and the cells after it still run). The stored notebook
is offset 0. Nothing is written next to the notebooks; results go to --out as JSON and to
stdout as a table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

RECORD = "application/papermill.record/text/plain"

SHIFT_SEEDS = """\
import numpy as _np

_SEED_SHIFT = {shift}


def _shifted(seed):
    is_int = isinstance(seed, (int, _np.integer)) and not isinstance(seed, bool)
    return seed + _SEED_SHIFT if is_int else seed


_default_rng = _np.random.default_rng
_np.random.default_rng = lambda seed=None: _default_rng(_shifted(seed))

import lstm_utils.frameworks.tf_compat as _tf_compat

_seed_tf1_graph = _tf_compat.seed_tf1_graph
_tf_compat.seed_tf1_graph = lambda seed: _seed_tf1_graph(_shifted(seed))
_import_keras = _tf_compat.import_keras


def _import_keras_shifted():
    keras = _import_keras()
    set_seed = keras.utils.set_random_seed
    keras.utils.set_random_seed = lambda seed: set_seed(_shifted(seed))
    return keras


_tf_compat.import_keras = _import_keras_shifted
"""

SHIFT_TORCH_SEEDS = """
import torch as _torch

_manual_seed = _torch.manual_seed
_torch.manual_seed = lambda seed: _manual_seed(_shifted(seed))


class _Generator(_torch.Generator):
    def manual_seed(self, seed):
        return super().manual_seed(_shifted(seed))


_torch.Generator = _Generator
"""


def glued_values(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Every value a notebook glued, as the text repr stored in its outputs."""
    return {
        out.metadata["scrapbook"]["name"]: out.data[RECORD]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if "scrapbook" in out.get("metadata", {}) and RECORD in out.get("data", {})
    }


def run_shifted(path: Path, offset: int) -> dict:
    """Execute `path` with every seed shifted by 1000 * offset; return glued values and status."""
    nb = nbformat.read(path, as_version=4)
    source = SHIFT_SEEDS.format(shift=1000 * offset)
    if any("torch" in cell.source for cell in nb.cells if cell.cell_type == "code"):
        source += SHIFT_TORCH_SEEDS
    nb.cells.insert(0, nbformat.v4.new_code_cell(source))
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=1800,
        kernel_name="python3",
        allow_errors=True,  # a failed assert is a result: record it and run the rest
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    errors = [
        f"cell {index}: {out.ename}: {out.evalue} [{cell.source.splitlines()[0]}]"
        for index, cell in enumerate(nb.cells[1:], start=1)
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    return {
        "offset": offset,
        "seconds": round(time.perf_counter() - start, 1),
        "errors": errors,
        "glued": glued_values(nb),
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--offsets", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--out", type=Path, default=Path("seed_spread.json"))
    args = parser.parse_args(argv)

    report = json.loads(args.out.read_text()) if args.out.exists() else {}
    for path in args.notebooks:
        runs = report.setdefault(path.name, {})
        runs["0"] = {"offset": 0, "errors": [], "glued": glued_values(nbformat.read(path, 4))}
        for offset in args.offsets:
            runs[str(offset)] = run_shifted(path, offset)
            args.out.write_text(json.dumps(report, indent=1))
            run = runs[str(offset)]
            print(f"{path.name} offset {offset}: {run['seconds']} s, errors: {run['errors']}")
        keys = sorted(set().union(*(run["glued"] for run in runs.values())))
        for key in keys:
            values = [runs[k]["glued"].get(key, "-") for k in sorted(runs, key=int)]
            print(f"  {key:<34}" + "".join(f"{v:>24}" for v in values), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
